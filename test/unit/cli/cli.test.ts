import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli as run } from './runCli';
import { cleanupTemp, git, makeRepo, tempDir, userState } from '../../support/tempRepo';

describe('spectask CLI', function () {
  this.timeout(30_000);
  after(cleanupTemp);

  it('init → create → list → show → mark → checklist, with stable JSON', async () => {
    const root = makeRepo();
    const before = userState(root);
    const elsewhere = tempDir();

    const init = await run(elsewhere, 'init', '--repo', root, '--json');
    assert.equal(init.code, 0, init.err);
    assert.deepEqual(JSON.parse(init.out), {
      branch: 'helix-design-docs',
      worktreePath: path.join(root, '.git-worktrees', 'helix-design-docs'),
      origin: 'created',
      repairs: ['added /.git-worktrees/ to .git/info/exclude'],
    });

    const created = await run(root, 'create', 'Add login endpoint', '--prompt', 'Email and password', '--json');
    assert.equal(created.code, 0, created.err);
    const t = JSON.parse(created.out);
    assert.equal(t.id, '000001');
    assert.equal(t.status, 'backlog');
    const tasksFile = path.join(t.path, 'tasks.md');
    fs.writeFileSync(
      tasksFile,
      '# Implementation Tasks: Add login endpoint\n\n- [x] T1: Route\n- [ ] T2: Handler\n  - [ ] T2.1: Validate input\n- [ ] T3: Tests\n',
    );

    const list = JSON.parse((await run(root, 'list', '--json')).out);
    assert.deepEqual(Object.keys(list), ['branch', 'worktreePath', 'tasks']);
    assert.deepEqual(list.tasks[0], {
      id: '000001',
      number: 1,
      title: 'Add login endpoint',
      status: 'backlog',
      layout: 'current',
      folder: 'design/tasks/000001_add-login-endpoint',
      path: t.path,
      checklistFile: 'tasks.md',
      progress: { done: 1, doing: 0, todo: 3, total: 4, percent: 25 },
      problems: [],
    });

    const mark = await run(root, 'mark', '1', 'T2', 'doing', '--json');
    assert.equal(mark.code, 0, mark.err);
    const m = JSON.parse(mark.out);
    assert.deepEqual(
      { ...m, commit: typeof m.commit },
      {
        taskId: '000001',
        item: { n: 2, id: 'T2', text: 'Handler', line: 4 },
        before: 'todo',
        after: 'doing',
        changed: true,
        commit: 'string',
      },
    );
    assert.equal((await run(root, 'mark', '000001', '#4', 'x')).code, 0);
    assert.equal((await run(root, 'mark', '1', 'Validate input', 'done')).code, 0);
    assert.match(
      git(root, 'log', '-1', '--format=%B', 'helix-design-docs'),
      /^spectask\(000001\): mark "Validate input" done\n\nSpecTask: 000001/,
    );

    const show = JSON.parse((await run(root, 'show', '000001', '--json')).out);
    assert.equal(show.record.title, 'Add login endpoint');
    assert.equal(show.checklist.current.id, 'T2');
    assert.deepEqual(
      show.checklist.context.before.map((i: { id: string }) => i.id),
      ['T1'],
    );
    assert.deepEqual(
      show.checklist.context.after.map((i: { id: string }) => i.id),
      ['T2.1', 'T3'],
    );
    assert.deepEqual(
      show.checklist.items.map((i: { depth: number; state: string }) => [i.depth, i.state]),
      [
        [0, 'done'],
        [0, 'doing'],
        [1, 'done'],
        [0, 'done'],
      ],
    );

    const human = await run(root, 'show', '1');
    assert.match(human.out, /progress: 3\/4 done \(75%\), 1 in progress/);
    assert.match(human.out, />\s+2\. \[~\] Handler/);

    const cl = JSON.parse(
      (await run(path.dirname(tasksFile), 'checklist', 'tasks.md', '--json', '--context', '1')).out,
    );
    assert.deepEqual(Object.keys(cl), ['file', 'items', 'progress', 'current', 'context', 'problems']);
    assert.deepEqual(cl.items[2], {
      n: 3,
      index: 2,
      line: 5,
      depth: 1,
      state: 'done',
      id: 'T2.1',
      text: 'Validate input',
    });
    assert.deepEqual(cl.context, { before: [cl.items[0]], after: [cl.items[2]] });

    assert.deepEqual(userState(root), before, "the CLI never touches the user's branch, index or files");
  });

  it('exits 2 for wrong usage and 1 for failures, with a message on stderr', async () => {
    const dir = tempDir();
    const cases: [string[], number, RegExp][] = [
      [['frobnicate'], 2, /unknown command 'frobnicate'/],
      [['create'], 2, /usage: spectask create <title>/],
      [['list', '--bogus'], 2, /unknown option --bogus/],
      [['mark', '1', 'T1', 'finished'], 2, /'finished' is not a state/],
      [['checklist', 'x.md', '--context', '-1'], 2, /--context must be/],
      [['create', 'x', '--priority', 'urgent'], 2, /--priority must be one of/],
      [['run', '--agent-priority', 'high'], 2, /--agent-priority must be one of lower, normal/],
      [['list', '--repo'], 2, /--repo needs a value/],
      [['list'], 1, /not inside a git repository.*git init.*\[not-a-repo\]/],
      [['checklist', 'missing.md'], 1, /cannot read .*missing\.md: no such file/],
    ];
    for (const [argv, code, message] of cases) {
      const r = await run(dir, ...argv);
      assert.equal(r.code, code, argv.join(' '));
      assert.match(r.err, message, argv.join(' '));
      assert.equal(r.out, '', argv.join(' '));
    }
    const repo = makeRepo();
    const notInit = await run(repo, 'list');
    assert.equal(notInit.code, 1);
    assert.match(notInit.err, /spectask init.*\[not-initialized\]/);
    assert.equal(fs.existsSync(path.join(repo, '.git-worktrees')), false, 'list does not create anything');
    await run(repo, 'init');
    const unknown = await run(repo, 'show', '42');
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /no SpecTask '42'/);
  });

  it('prints help and the version', async () => {
    const help = await run(tempDir(), 'help');
    assert.equal(help.code, 0);
    for (const c of ['init', 'create', 'list', 'show', 'checklist', 'mark'])
      assert.match(help.out, new RegExp(`^  ${c}\\b`, 'm'));
    assert.match((await run(tempDir(), '--version')).out, /^\d+\.\d+\.\d+/);
  });
});
