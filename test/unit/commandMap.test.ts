import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import {
  COMMAND_ARG_PARSERS,
  CommandArgumentError,
  describeArg,
  parseCommandArgs,
  parseTaskTarget,
} from '../../src/vscode/commandArgs';
import { COMMAND_CATEGORY, COMMANDS, type CommandId } from '../../src/vscode/commandIds';

// House rule 4: package.json contributes.commands is kept equal to the typed command map.
const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8'));

describe('command map', () => {
  const contributed: { command: string; title: string; category?: string; icon?: string }[] = pkg.contributes.commands;

  it('contributes exactly the commands in the typed map', () => {
    assert.deepEqual(contributed.map((c) => c.command).sort(), Object.keys(COMMANDS).sort());
  });

  it('uses the titles, icons and category of the typed map', () => {
    for (const c of contributed) {
      const def = COMMANDS[c.command as keyof typeof COMMANDS] as { title: string; icon?: string };
      assert.equal(c.title, def.title, c.command);
      assert.equal(c.icon, def.icon, c.command);
      assert.equal(c.category, COMMAND_CATEGORY, c.command);
    }
  });

  it('names commands spectask.<noun>.<verb>', () => {
    for (const id of Object.keys(COMMANDS)) assert.match(id, /^spectask\.[a-zA-Z]+\.[a-zA-Z]+$/);
  });
});

// Item 10 of issue 19: what arrives from menus, the palette, the dashboard and other extensions is validated
// into typed arguments before a handler sees it (src/vscode/commandArgs.ts, run by registerCommand).
describe('command arguments', () => {
  const ids = Object.keys(COMMANDS) as CommandId[];
  const taskCommands = ids.filter(
    (id) => /^spectask\.(task|spec|implementation)\./.test(id) && id !== 'spectask.task.create',
  );
  const garbage: unknown[] = [
    42,
    true,
    '',
    '   ',
    'x'.repeat(500),
    [],
    ['000001'],
    { repoRoot: '/r' },
    { taskId: 7 },
    () => 1,
  ];

  it('has a validator for every command in the map, and none for others', () => {
    assert.deepEqual(Object.keys(COMMAND_ARG_PARSERS).sort(), [...ids].sort());
    assert.deepEqual(
      contributedIds().filter((id) => !(id in COMMAND_ARG_PARSERS)),
      [],
      'package.json names a command the validators do not know',
    );
  });

  it('gives every command its validated arguments when run with nothing (the palette)', () => {
    for (const id of ids) {
      const args = parseCommandArgs(id, []);
      assert.ok(Array.isArray(args), id);
      if (taskCommands.includes(id)) assert.deepEqual(args[0], { kind: 'none' }, id);
    }
  });

  it('turns a tree node, a card id, a notification argument and a Uri into one TaskTarget', () => {
    const node = { kind: 'task', id: 'task:/r:000003', repoRoot: '/r', taskId: '000003' };
    const file = { scheme: 'file', fsPath: '/r/.git-worktrees/spectask-docs/x/tasks.md' };
    for (const id of taskCommands) {
      assert.deepEqual(parseCommandArgs(id, [node])[0], { kind: 'task', taskId: '000003', repoRoot: '/r' }, id);
      assert.deepEqual(parseCommandArgs(id, ['000003'])[0], { kind: 'task', taskId: '000003' }, id);
      assert.deepEqual(parseCommandArgs(id, [{ taskId: '000003' }])[0], { kind: 'task', taskId: '000003' }, id);
      assert.deepEqual(parseCommandArgs(id, [file])[0], { kind: 'file', uri: file }, id);
    }
  });

  it('is idempotent, so a validated target can be handed on (resolveTask, another command)', () => {
    for (const arg of [undefined, '000003', { repoRoot: '/r', taskId: '000003' }, { scheme: 'file', fsPath: '/a' }]) {
      const once = parseTaskTarget(arg);
      assert.deepEqual(parseTaskTarget(once), once);
    }
  });

  it('rejects garbage with an error that names the command and what it got', () => {
    for (const id of taskCommands)
      for (const g of garbage)
        assert.throws(
          () => parseCommandArgs(id, [g]),
          (e: unknown) =>
            e instanceof CommandArgumentError && e.command === id && e.message.startsWith(`"${COMMANDS[id].title}"`),
          `${id} accepted ${describeArg(g)}`,
        );
    assert.throws(() => parseCommandArgs('spectask.task.stop', [42]), /"Stop Agent" takes a SpecTask .*, not 42\./);
    assert.throws(() => parseCommandArgs('spectask.designDocs.sync', [7]), CommandArgumentError);
    assert.throws(() => parseCommandArgs('spectask.designDocs.init', ['/not/a/uri']), CommandArgumentError);
    assert.throws(() => parseCommandArgs('spectask.comment.add', ['text']), CommandArgumentError);
    assert.throws(() => parseCommandArgs('spectask.spec.requestChanges', ['000001', 5]), CommandArgumentError);
  });

  it('survives arguments JSON cannot print', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.throws(() => parseCommandArgs('spectask.task.retry', [cyclic]), /not object\./);
    assert.throws(() => parseCommandArgs('spectask.task.retry', [10n]), /not bigint\./);
  });

  it("ignores the context VS Code's menus append after the declared arguments", () => {
    const editor = { scheme: 'file', fsPath: '/r/.git-worktrees/spectask-docs/x/design.md' };
    const groupContext = { groupId: 1 };
    assert.deepEqual(parseCommandArgs('spectask.spec.requestChanges', [editor, groupContext]), [
      { kind: 'file', uri: editor },
      undefined,
    ]);
    assert.deepEqual(parseCommandArgs('spectask.spec.requestChanges', ['000001', 'Split the design']), [
      { kind: 'task', taskId: '000001' },
      'Split the design',
    ]);
    assert.deepEqual(parseCommandArgs('spectask.task.stop', ['000001', [editor]]), [
      { kind: 'task', taskId: '000001' },
    ]);
    assert.deepEqual(parseCommandArgs('spectask.fleet.open', [{ anything: 1 }]), []);
  });

  it('checks a create request field by field, and asks when there is no goal', () => {
    const folder = { scheme: 'file', fsPath: '/w' };
    assert.deepEqual(
      parseCommandArgs('spectask.task.create', [{ goal: 'Add a health endpoint', start: 'backlog' }, folder]),
      [
        {
          goal: 'Add a health endpoint',
          start: 'backlog',
          details: undefined,
          backend: undefined,
          priority: undefined,
          baseBranch: undefined,
        },
        folder,
      ],
    );
    // A tree node from a view menu carries no goal: the command asks.
    assert.deepEqual(parseCommandArgs('spectask.task.create', [{ kind: 'repo', repoRoot: '/r' }]), [
      undefined,
      undefined,
    ]);
    assert.throws(
      () => parseCommandArgs('spectask.task.create', [{ goal: 'x', start: 'now' }]),
      /start to be one of plan, skip, backlog/,
    );
    assert.throws(
      () => parseCommandArgs('spectask.task.create', [{ goal: 'x', priority: 3 }]),
      /priority to be a string/,
    );
    assert.throws(() => parseCommandArgs('spectask.task.create', [{ goal: '  ' }]), /goal to be a non-empty string/);
    assert.throws(() => parseCommandArgs('spectask.task.create', ['Add a health endpoint']), CommandArgumentError);
  });

  it('reads a sync target as a repository root or a file', () => {
    assert.deepEqual(parseCommandArgs('spectask.designDocs.sync', ['/r']), [{ kind: 'root', root: '/r' }]);
    const file = { scheme: 'file', fsPath: '/r/a.ts' };
    assert.deepEqual(parseCommandArgs('spectask.designDocs.sync', [file]), [{ kind: 'file', uri: file }]);
    assert.deepEqual(parseCommandArgs('spectask.designDocs.sync', []), [{ kind: 'none' }]);
  });

  function contributedIds(): string[] {
    const fromMenus = Object.values(pkg.contributes.menus as Record<string, { command: string }[]>).flatMap((m) =>
      m.map((i) => i.command),
    );
    return [...new Set([...pkg.contributes.commands.map((c: { command: string }) => c.command), ...fromMenus])].filter(
      (id: string) => id.startsWith('spectask.'),
    );
  }
});
