import * as assert from 'node:assert/strict';
import { transcriptTitle } from '../../../src/vscode/services/transcriptTitle';

// A transcript's tab says which SpecTask, phase and run it shows, not a run id (issue 20).
describe('transcript tab title', () => {
  it('names the SpecTask, the phase and the run', () => {
    assert.equal(
      transcriptTitle({ number: '000003', title: 'Add login', phase: 'implementation', run: 2 }),
      '#000003 Add login — implementation, run 2',
    );
    assert.equal(transcriptTitle({ number: '000003', title: 'Add login', run: 1 }), '#000003 Add login — run 1');
  });

  it('keeps a hostile title one segment, one line, in its written order, and short', () => {
    const t = transcriptTitle({ number: '000004', title: 'a/../b\nc\u202Etxt.exe', phase: 'planning', run: 1 });
    assert.equal(t, '#000004 a .. b c txt.exe — planning, run 1');
    const long = transcriptTitle({ number: '000005', title: 'x'.repeat(300), phase: 'implementation', run: 12 });
    assert.ok(long.length <= 80, `${long.length} characters`);
    assert.match(long, /^#000005 x+… — implementation, run 12$/);
  });
});
