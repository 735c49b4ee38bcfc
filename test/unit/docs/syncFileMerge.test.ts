import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { mergeBlobs } from '../../../src/core/docs/syncFileMerge';
import { readBlob, type SyncScratch } from '../../../src/core/docs/syncObjects';
import { GitRunner } from '../../../src/core/git/gitRunner';
import { cleanupTemp, git, makeRepo, tempDir } from '../../support/tempRepo';

/** Stores `text` as a blob of `repo` (real git) and returns its name. */
function blob(repo: string, content: string | Buffer): string {
  const file = path.join(tempDir('spectask-blob-'), 'content');
  fs.writeFileSync(file, content);
  return git(repo, 'hash-object', '-w', '--', file);
}

/** Like Promise.all, but rejects only once every promise settled, so a failed round leaves no git running. */
async function settled<T>(promises: Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}

describe('the sync merge of one file', function () {
  this.timeout(60_000);
  let repo: string;
  let runner: GitRunner;
  /** A fresh scratch folder, as each sync gets: the first reads in it create its subfolders. */
  const scratch = (): SyncScratch => ({ git: runner, cwd: repo, tmp: tempDir('spectask-scratch-') });

  before(() => {
    repo = makeRepo();
    runner = new GitRunner(repo);
  });
  after(cleanupTemp);

  it('reads a blob byte for byte, binary content included', async () => {
    const bytes = Buffer.from([0, 255, 10, 13, 10, 0xc3, 0x28, 0x80, 1, 2, 3]);
    assert.deepEqual(await readBlob(scratch(), blob(repo, bytes)), bytes);
  });

  // Regression (issue 19, item 8): the reads of a sync once shared one private index and one output folder, so
  // parallel reads raced: for the index lock (hidden by the lock retries) and to create the folder ("cannot
  // create directory … out: Is a directory", about one sync in twenty). This runner does not retry a held
  // lock, so reads that share anything fail at once instead of once in a while.
  it('reads blobs in parallel without sharing an index or a folder', async () => {
    const texts = Array.from({ length: 6 }, (_, i) => `- [ ] T${i}: item ${i}\n`);
    const shas = texts.map((t) => blob(repo, t));
    const noLockRetries = new GitRunner(repo, 'git', undefined, []);
    for (let round = 0; round < 10; round++) {
      const s = { ...scratch(), git: noLockRetries };
      const read = await settled(shas.map((sha) => readBlob(s, sha)));
      assert.deepEqual(
        read.map((b) => b.toString('utf8')),
        texts,
        `round ${round}`,
      );
    }
  });

  // The same race where it showed: mergeBlobs reads its three versions in parallel. Each round is a fresh
  // scratch folder, as each sync gets, so that every round can race.
  it('merges a checklist changed on both sides, many times over, with the three versions read in parallel', async () => {
    const base = blob(repo, '- [ ] T1: a\n- [ ] T2: b\n- [ ] T3: c\n');
    const local = blob(repo, '- [x] T1: a\n- [ ] T2: b\n- [ ] T3: c\n');
    const remote = blob(repo, '- [ ] T1: a\n- [ ] T2: b\n- [x] T3: c\n');
    const expected = '- [x] T1: a\n- [ ] T2: b\n- [x] T3: c\n';
    for (let round = 0; round < 10; round++) {
      const s = scratch();
      const merged = await mergeBlobs(s, 'design/tasks/000001_x/tasks.md', base, local, remote);
      assert.ok(merged?.sha, `round ${round}: merged`);
      assert.match(merged.rule ?? '', /per item/);
      assert.equal((await readBlob(s, merged.sha)).toString('utf8'), expected, `round ${round}`);
    }
  });

  it("merges changes to different lines with git's line merge, and reports overlapping ones as unsettled", async () => {
    const base = blob(repo, 'top\n\n1\n2\n3\n4\n\nbottom\n');
    const local = blob(repo, 'top (ours)\n\n1\n2\n3\n4\n\nbottom\n');
    const remote = blob(repo, 'top\n\n1\n2\n3\n4\n\nbottom (theirs)\n');
    const s = scratch();
    const merged = await mergeBlobs(s, 'design.md', base, local, remote);
    assert.equal(merged?.rule, 'changes to different lines merged');
    assert.equal((await readBlob(s, merged.sha!)).toString('utf8'), 'top (ours)\n\n1\n2\n3\n4\n\nbottom (theirs)\n');
    const clash = blob(repo, 'top (clash)\n\n1\n2\n3\n4\n\nbottom\n');
    assert.equal(await mergeBlobs(scratch(), 'design.md', base, local, clash), undefined);
  });

  it('lets the side that did not change win, and refuses a change against a deletion', async () => {
    const base = blob(repo, 'v1\n');
    const changed = blob(repo, 'v2\n');
    assert.deepEqual(await mergeBlobs(scratch(), 'f.md', base, base, changed), { sha: changed });
    assert.deepEqual(await mergeBlobs(scratch(), 'f.md', base, changed, base), { sha: changed });
    assert.deepEqual(await mergeBlobs(scratch(), 'f.md', base, undefined, base), { sha: undefined });
    assert.equal(await mergeBlobs(scratch(), 'f.md', base, changed, undefined), undefined);
  });
});
