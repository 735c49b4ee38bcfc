import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openDesignDocs } from '../../../src/core/docs/openDesignDocs';
import { GitQueueRegistry } from '../../../src/core/git/gitQueue';
import { disposeAfterEach } from '../../support/disposeAfterEach';
import { cleanupTemp, git, makeRepo } from '../../support/tempRepo';

// The faults tier's lost ticks (session 9): an agent SIGKILLed between truncating tasks.md and writing it leaves
// the file empty. The design-docs commit of that change raced the run's end: committed first, the empty
// checklist replaced the ticks in HEAD, restoreEmptiedChecklist found nothing to put back, and every retry
// failed with "no checklist items".
describe('an emptied checklist is never committed over its ticks', function () {
  this.timeout(20_000);
  const track = disposeAfterEach();
  after(cleanupTemp);

  it('leaves an emptied tasks.md out of the commit (other files go), and the ticks can be restored', async () => {
    const registry = track(new GitQueueRegistry());
    const dd = await openDesignDocs(makeRepo(), { registry });
    track(dd.store);
    const s = await dd.store.create({ title: 'Killed mid-write' });
    const file = path.join(s.path, 'tasks.md');
    const ticked = '# Implementation Tasks: x\n\n- [x] T1: a\n- [ ] T2: b\n';
    fs.writeFileSync(file, ticked);
    await dd.store.commitFolder(s.id, 'tick');
    const rel = path.relative(dd.location.worktreePath, file).split(path.sep).join('/');
    const head = git(dd.location.worktreePath, 'rev-parse', 'HEAD');

    fs.writeFileSync(file, ''); // the agent's truncate; it was killed before its write
    fs.writeFileSync(path.join(s.path, 'notes.md'), 'written before it died\n');
    const c = await dd.store.commitFolder(s.id, 'agent edits');
    assert.ok(c, 'the other change is committed');
    assert.notEqual(c.sha, head);
    assert.equal(git(dd.location.worktreePath, 'show', `HEAD:${rel}`), ticked.trimEnd(), 'the ticks stay in HEAD');
    assert.match(git(dd.location.worktreePath, 'show', '--stat', 'HEAD'), /notes\.md/);
    assert.equal(await dd.store.restoreEmptiedChecklist(s.id), true);
    assert.equal(fs.readFileSync(file, 'utf8'), ticked);

    // Nothing else changed: no commit at all.
    fs.writeFileSync(file, '');
    assert.equal(await dd.store.commitFolder(s.id, 'agent edits'), undefined);
    assert.equal(git(dd.location.worktreePath, 'show', `HEAD:${rel}`), ticked.trimEnd());
  });
});
