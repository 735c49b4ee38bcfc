import * as assert from 'node:assert/strict';
import { OnScreenTimer } from '../../../src/vscode/review/onScreenTimer';

// The review gate's "shown to the reviewer" rule (issue 22): a document counts once it stayed on screen,
// never when it only flashed by.
describe('OnScreenTimer', () => {
  let timer: OnScreenTimer | undefined;
  afterEach(() => timer?.dispose());

  it('calls back for what stayed on screen, never for what left before', async () => {
    timer = new OnScreenTimer(5);
    const seen: string[] = [];
    let done!: () => void;
    const stayed = new Promise<void>((r) => (done = r));
    const onSeen = (key: string) => {
      seen.push(key);
      if (key === 'tasks.md') done();
    };
    // One "Open Design Documents" click: each document replaces the last in the same group.
    timer.onScreen(['requirements.md'], onSeen);
    timer.onScreen(['design.md'], onSeen);
    timer.onScreen(['tasks.md'], onSeen);
    await stayed;
    assert.deepEqual(seen, ['tasks.md']);
  });

  it('waits again for a key it was told to forget (its content changed on screen)', async () => {
    timer = new OnScreenTimer(5);
    const seen: string[] = [];
    await new Promise<void>((r) => timer!.onScreen(['a'], (k) => (seen.push(k), r())));
    timer.onScreen(['a'], () => seen.push('again'));
    timer.forget('a');
    await new Promise<void>((r) => timer!.onScreen(['a'], (k) => (seen.push(`${k} after change`), r())));
    assert.deepEqual(seen, ['a', 'a after change']);
  });
});
