import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { replayCommits } from '../../../src/core/docs/syncReplay';
import type { SyncResult } from '../../../src/core/docs/designDocsSyncResult';
import { GitRunner } from '../../../src/core/git/gitRunner';
import { cleanupTemp, git, GIT_ENV, makeCleanRepo, tempDir } from '../../support/tempRepo';

const committer = async () => ({ GIT_COMMITTER_NAME: 'Sync', GIT_COMMITTER_EMAIL: 'sync@example.com' });

/** The raw commit object's message (everything after the headers' blank line), byte for byte (not trimmed). */
const rawMessage = (repo: string, sha: string): string => {
  const text = execFileSync('git', ['cat-file', 'commit', sha], { cwd: repo, env: GIT_ENV, encoding: 'utf8' });
  return text.slice(text.indexOf('\n\n') + 2);
};

describe('replaying unpushed design-docs commits on a moved remote (syncReplay)', function () {
  this.timeout(60_000);
  let repo: string;
  let runner: GitRunner;
  let base: string;
  let theirs: string;

  const write = (file: string, content: string) => {
    fs.mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
    fs.writeFileSync(path.join(repo, file), content);
  };
  /** Commits everything with `message` (given whole to git, so trailing newlines and odd text stay as they are). */
  const commit = (message: string, author = 'Fixture <fixture@example.com>'): string => {
    const file = path.join(tempDir('spectask-msg-'), 'message');
    fs.writeFileSync(file, message);
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '--allow-empty', '--cleanup=verbatim', `--author=${author}`, '-F', file);
    return git(repo, 'rev-parse', 'HEAD');
  };
  const replay = (commits: string[], resolved: SyncResult['resolved'] = []) =>
    replayCommits({ git: runner, cwd: repo, tmp: tempDir('spectask-replay-') }, theirs, commits, resolved, committer);
  const tree = (rev: string) => git(repo, 'ls-tree', '-r', '--name-only', rev).split('\n').filter(Boolean);
  const show = (rev: string, file: string) => git(repo, 'show', `${rev}:${file}`);

  beforeEach(() => {
    repo = makeCleanRepo();
    runner = new GitRunner(repo);
    write('design/tasks/000001_a/tasks.md', '- [ ] T1\n');
    write('design/tasks/000002_b/tasks.md', '- [ ] T1\n');
    base = commit('base\n');
    write('design/tasks/000002_b/tasks.md', '- [x] T1\n');
    theirs = commit('remote tick\n');
    git(repo, 'checkout', '-q', '--detach', base);
  });
  after(cleanupTemp);

  it('keeps each message byte for byte and each author, over the remote head, one commit each', async () => {
    const messages = [
      'spectask: tick T1\n\nSpecTask: 000001\n',
      'no newline at the end',
      'trailing blank lines\n\n\n',
      '@@0123456789abcdef0123456789abcdef@@ looks like a separator\n%H %B %x00\n',
    ];
    const mine = messages.map((m, i) => {
      write('design/tasks/000001_a/tasks.md', `- [x] T1\n${'- [ ] more\n'.repeat(i)}`);
      return commit(m, `Agent ${i} <agent${i}@example.com>`);
    });
    const head = await replay(mine);
    const replayed = git(repo, 'rev-list', '--reverse', `${theirs}..${head}`).split('\n');
    assert.equal(replayed.length, 4);
    assert.equal(git(repo, 'rev-parse', `${replayed[0]}^`), theirs);
    replayed.forEach((sha, i) => {
      assert.equal(rawMessage(repo, sha), rawMessage(repo, mine[i]), `message ${i}`);
      assert.equal(
        git(repo, 'log', '-1', '--format=%an <%ae> %aI', sha),
        git(repo, 'log', '-1', '--format=%an <%ae> %aI', mine[i]),
      );
      assert.equal(git(repo, 'log', '-1', '--format=%cn', sha), 'Sync');
    });
    assert.equal(show(head, 'design/tasks/000002_b/tasks.md'), '- [x] T1', "the remote's tick stays");
  });

  it('replaces a file by a folder of the same name, and a folder by a file, within one commit', async () => {
    write('design/notes', 'a file\n');
    write('design/tasks/000001_a/extra/one.md', 'one\n');
    const first = commit('add notes and extra\n');
    fs.rmSync(path.join(repo, 'design/notes'));
    write('design/notes/inside.md', 'now a folder\n');
    fs.rmSync(path.join(repo, 'design/tasks/000001_a/extra'), { recursive: true });
    write('design/tasks/000001_a/extra', 'now a file\n');
    const second = commit('swap them\n');
    const head = await replay([first, second]);
    assert.deepEqual(
      tree(head).filter((f) => !f.startsWith('design/tasks/000002_b/')),
      tree(second).filter((f) => !f.startsWith('design/tasks/000002_b/')),
    );
    assert.equal(show(head, 'design/notes/inside.md'), 'now a folder');
    assert.equal(show(head, 'design/tasks/000001_a/extra'), 'now a file');
    assert.equal(show(head, 'design/tasks/000002_b/tasks.md'), '- [x] T1');
  });

  it('replays a commit of 1,200 files, and one deleting half of them', async () => {
    for (let i = 0; i < 1_200; i++) write(`design/tasks/000001_a/many/f${i}.md`, `${i}\n`);
    const many = commit('many files\n');
    for (let i = 0; i < 1_200; i += 2) fs.rmSync(path.join(repo, `design/tasks/000001_a/many/f${i}.md`));
    const fewer = commit('half of them gone\n');
    const head = await replay([many, fewer]);
    const files = tree(head).filter((f) => f.includes('/many/'));
    assert.equal(files.length, 600);
    assert.ok(files.every((f) => Number(/f(\d+)\.md$/.exec(f)![1]) % 2 === 1));
  });

  it('drops a commit whose change the remote already has, and merges one the remote changed too', async () => {
    write('design/tasks/000002_b/tasks.md', '- [x] T1\n');
    const same = commit('the same tick as the remote\n');
    write('design/tasks/000002_b/tasks.md', '- [x] T1\n- [ ] T2\n');
    const more = commit('a second item\n');
    const resolved: SyncResult['resolved'] = [];
    const head = await replay([same, more], resolved);
    assert.deepEqual(git(repo, 'log', '--format=%s', `${theirs}..${head}`).split('\n'), ['a second item']);
    assert.equal(show(head, 'design/tasks/000002_b/tasks.md'), '- [x] T1\n- [ ] T2');
  });

  it("replays a root commit's files where the user's git hides them from `git log` (log.showRoot=false)", async () => {
    git(repo, 'config', 'log.showRoot', 'false');
    git(repo, 'checkout', '-q', '--orphan', 'unrelated');
    git(repo, 'rm', '-rq', '--cached', '.');
    for (const f of fs.readdirSync(repo)) if (f !== '.git') fs.rmSync(path.join(repo, f), { recursive: true });
    write('design/tasks/000003_c/tasks.md', '- [ ] T1\n');
    const root = commit('a root of its own\n');
    const head = await replay([root]);
    assert.equal(show(head, 'design/tasks/000003_c/tasks.md'), '- [ ] T1');
    assert.equal(show(head, 'design/tasks/000002_b/tasks.md'), '- [x] T1');
  });

  it('replays hostile names and messages exactly, and nothing in them reaches fast-import as a command', async () => {
    const names = [
      'design/we"ird\nname.md',
      'design/"leading quote',
      'design/back\\slash.md',
      'design/tab\tand \u00e9.md',
    ];
    for (const n of names) write(n, `${n}\n`);
    const message = `looks like a stream\n\ndata 3\nabc\ncommit refs/heads/main\nfrom ${theirs}\nD design\ndone\n`;
    const added = commit(message, 'Evil <evil@example.com>');
    fs.rmSync(path.join(repo, names[0]!));
    const removed = commit('remove the line-break one\n');
    const head = await replay([added, removed]);
    const expected = names.slice(1).map((n) => n);
    const files = execFileSync('git', ['ls-tree', '-r', '-z', '--name-only', head, '--', 'design/'], {
      cwd: repo,
      env: GIT_ENV,
      encoding: 'utf8',
    })
      .split('\0')
      .filter((f) => f && !f.startsWith('design/tasks/'));
    assert.deepEqual(files.sort(), expected.sort());
    const replayed = git(repo, 'rev-list', '--reverse', `${theirs}..${head}`).split('\n');
    assert.equal(rawMessage(repo, replayed[0]!), rawMessage(repo, added));
    assert.equal(git(repo, 'rev-parse', 'refs/heads/main'), theirs, 'no branch moved');
    assert.equal(git(repo, 'for-each-ref', 'refs/spectask/'), '', 'the private ref is gone');
  });

  it('refuses a name that is not a commit id before running git with it', async () => {
    await assert.rejects(replay(['--output=/tmp/x']), /not a commit name/);
    await assert.rejects(replay([`${base}\n`]), /not a commit name/);
  });
});
