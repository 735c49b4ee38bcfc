import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../../../src/core/docs/atomicWrite';
import {
  BranchFileRefusedError,
  MAX_DOCUMENT_BYTES,
  mkdirBranch,
  readBranchFile,
  writeBranchFile,
} from '../../../src/core/docs/noFollow';
import { cleanupTemp, tempDir } from '../../support/tempRepo';

describe('noFollow: design-docs worktree files without links, within the size limit', () => {
  let root: string;
  let outside: string;
  beforeEach(() => {
    root = tempDir('nofollow-wt-');
    outside = tempDir('nofollow-outside-');
    fs.writeFileSync(path.join(outside, 'mine.txt'), 'the user file\n');
    fs.mkdirSync(path.join(root, 'design', 'tasks', '000001_a'), { recursive: true });
  });
  after(cleanupTemp);
  const refused = (reason: BranchFileRefusedError['reason'], rel?: string) => (e: unknown) =>
    e instanceof BranchFileRefusedError && e.reason === reason && (rel === undefined || e.rel === rel);

  it('reads a plain file, gives undefined for a missing one or a folder, and refuses a path outside the root', async () => {
    const file = path.join(root, 'design', 'tasks', '000001_a', 'tasks.md');
    fs.writeFileSync(file, '- [ ] one\n');
    assert.equal((await readBranchFile(root, file))?.toString(), '- [ ] one\n');
    assert.equal(await readBranchFile(root, path.join(root, 'design', 'nope.md')), undefined);
    assert.equal(await readBranchFile(root, path.join(root, 'design', 'tasks')), undefined);
    await assert.rejects(readBranchFile(root, path.join(outside, 'mine.txt')), refused('outside'));
    await assert.rejects(readBranchFile(root, path.join(root, 'design', '..', '..', 'x')), refused('outside'));
  });

  it('refuses a linked file and a linked folder above it, naming the link', async () => {
    const folder = path.join(root, 'design', 'tasks', '000001_a');
    fs.symlinkSync(path.join(outside, 'mine.txt'), path.join(folder, 'tasks.md'));
    await assert.rejects(
      readBranchFile(root, path.join(folder, 'tasks.md')),
      refused('symlink', 'design/tasks/000001_a/tasks.md'),
    );
    fs.symlinkSync(outside, path.join(root, 'design', 'linked'));
    await assert.rejects(
      readBranchFile(root, path.join(root, 'design', 'linked', 'mine.txt')),
      refused('symlink', 'design/linked'),
    );
    await assert.rejects(
      writeBranchFile(root, path.join(root, 'design', 'linked', 'mine.txt'), 'overwritten'),
      refused('symlink', 'design/linked'),
    );
    await assert.rejects(writeBranchFile(root, path.join(folder, 'tasks.md'), 'overwritten'), refused('symlink'));
    await assert.rejects(mkdirBranch(root, path.join(root, 'design', 'linked', 'sub')), refused('symlink'));
    await assert.rejects(
      writeFileAtomic(path.join(root, 'design', 'linked', 'mine.txt'), 'overwritten', { root }),
      refused('symlink', 'design/linked'),
    );
    await assert.rejects(writeFileAtomic(path.join(folder, 'tasks.md'), 'overwritten', { root }), refused('symlink'));
    assert.equal(fs.readFileSync(path.join(outside, 'mine.txt'), 'utf8'), 'the user file\n');
    assert.deepEqual(fs.readdirSync(outside), ['mine.txt']);
  });

  it('reads a document of exactly the limit and refuses one byte more, with its size', async () => {
    const file = path.join(root, 'design', 'tasks', '000001_a', 'design.md');
    fs.writeFileSync(file, Buffer.alloc(MAX_DOCUMENT_BYTES, 0x61));
    assert.equal((await readBranchFile(root, file))?.length, MAX_DOCUMENT_BYTES);
    fs.appendFileSync(file, 'b');
    await assert.rejects(readBranchFile(root, file), (e: unknown) => {
      assert.ok(refused('tooLarge', 'design/tasks/000001_a/design.md')(e));
      assert.equal((e as Error).message, 'design/tasks/000001_a/design.md is 1.0 MB; the limit is 1 MiB');
      return true;
    });
  });

  it('writes plain files in place and keeps writeFileAtomic as it was without a root', async () => {
    const file = path.join(root, 'design', 'spectask-counter.json');
    await writeBranchFile(root, file, '{"lastNumber":1}\n');
    await writeBranchFile(root, file, '{"lastNumber":2}\n');
    assert.equal(fs.readFileSync(file, 'utf8'), '{"lastNumber":2}\n');
    await writeFileAtomic(file, 'atomic\n', { root });
    assert.equal(fs.readFileSync(file, 'utf8'), 'atomic\n');
    await writeFileAtomic(path.join(outside, 'free.txt'), 'no root given\n');
    assert.equal(fs.readFileSync(path.join(outside, 'free.txt'), 'utf8'), 'no root given\n');
  });
});
