// VS Code-free: the boundary check of what menus, the palette, the dashboard and other extensions pass to our
// commands. Unit-tested in test/unit/commandMap.test.ts. registerCommand (commandRegistry.ts) runs it.
import {
  COMMANDS,
  type CommandId,
  type CreateTaskRequest,
  type RepositoryTarget,
  type TaskTarget,
  type UriLike,
} from './commandIds';

/** A command got an argument it cannot use; the message says what it got and what it takes. */
export class CommandArgumentError extends Error {
  constructor(
    problem: string,
    readonly command?: CommandId,
  ) {
    super(`${command ? `"${COMMANDS[command].title}"` : 'This command'} ${problem}`);
    this.name = 'CommandArgumentError';
  }
}

/** Longest SpecTask id or path accepted; real ones are far shorter, so a longer one is noise. */
const MAX_ID_LENGTH = 200;
const MAX_PATH_LENGTH = 4096;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A short, printable description of an argument for an error message. */
export function describeArg(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 59)}…` : v);
  let text: string | undefined;
  try {
    text = JSON.stringify(v);
  } catch {
    text = undefined; // cyclic
  }
  if (text === undefined) return typeof v;
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

const isTaskId = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '' && v.length <= MAX_ID_LENGTH;
const isPath = (v: unknown): v is string => typeof v === 'string' && v !== '' && v.length <= MAX_PATH_LENGTH;

export function isUriLike(v: unknown): v is UriLike {
  return isRecord(v) && typeof v.scheme === 'string' && typeof v.fsPath === 'string';
}

type Parse<T> = (v: unknown, command?: CommandId) => T;

/** A SpecTask argument: nothing, an id, a node with a `taskId`, a Uri, or a TaskTarget (parsing is idempotent). */
export const parseTaskTarget: Parse<TaskTarget> = (v, command) => {
  if (v === undefined || v === null) return { kind: 'none' };
  if (isTaskId(v)) return { kind: 'task', taskId: v.trim() };
  if (isUriLike(v)) return { kind: 'file', uri: v };
  if (isRecord(v)) {
    if (v.kind === 'none' && Object.keys(v).length === 1) return { kind: 'none' };
    if (v.kind === 'file' && isUriLike(v.uri)) return { kind: 'file', uri: v.uri };
    if (isTaskId(v.taskId) && (v.repoRoot === undefined || isPath(v.repoRoot)))
      return v.repoRoot === undefined
        ? { kind: 'task', taskId: v.taskId }
        : { kind: 'task', taskId: v.taskId, repoRoot: v.repoRoot };
  }
  throw new CommandArgumentError(
    `takes a SpecTask (its id, a SpecTasks tree node or one of its files), not ${describeArg(v)}.`,
    command,
  );
};

/** Sync's argument: nothing, a repository root path, or a Uri inside the repository. */
export const parseRepositoryTarget: Parse<RepositoryTarget> = (v, command) => {
  if (v === undefined || v === null) return { kind: 'none' };
  if (isPath(v)) return { kind: 'root', root: v };
  if (isUriLike(v)) return { kind: 'file', uri: v };
  throw new CommandArgumentError(`takes a repository (its root path or a file in it), not ${describeArg(v)}.`, command);
};

/** A workspace folder named by a Uri, or nothing (ask). */
export const parseFolder: Parse<UriLike | undefined> = (v, command) => {
  if (v === undefined || v === null) return undefined;
  if (isUriLike(v)) return v;
  throw new CommandArgumentError(`takes a folder (a file Uri), not ${describeArg(v)}.`, command);
};

/**
 * Optional text after the SpecTask. Editor title menus pass their own context object in this place, so an
 * object means "no text"; anything else that is not a string is a caller's mistake.
 */
export const parseOptionalText: Parse<string | undefined> = (v, command) => {
  if (v === undefined || v === null || typeof v === 'string') return v ?? undefined;
  if (isRecord(v)) return undefined;
  throw new CommandArgumentError(`takes text after the SpecTask, not ${describeArg(v)}.`, command);
};

/** An object VS Code hands over (a comment reply, thread or comment); the feature that owns it checks it further. */
export const parseOptionalObject: Parse<object | undefined> = (v, command) => {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'object') return v;
  throw new CommandArgumentError(`was run with ${describeArg(v)}; it is meant for the comment widget.`, command);
};

const START_MODES = ['plan', 'skip', 'backlog'] as const;

/**
 * "Create SpecTask"'s first argument. Without a `goal` (nothing, or a tree node from a menu) it asks; with one
 * every field must have its type, so a typo does not silently create something else.
 */
export const parseCreateRequest: Parse<CreateTaskRequest | undefined> = (v, command) => {
  if (v === undefined || v === null) return undefined;
  if (!isRecord(v))
    throw new CommandArgumentError(`takes a request such as { goal: "…" }, not ${describeArg(v)}.`, command);
  if (v.goal === undefined) return undefined;
  const bad = (field: string, want: string) =>
    new CommandArgumentError(`needs ${field} to be ${want}, not ${describeArg(v[field])}.`, command);
  if (typeof v.goal !== 'string' || !v.goal.trim()) throw bad('goal', 'a non-empty string');
  for (const f of ['details', 'backend', 'priority', 'baseBranch'])
    if (v[f] !== undefined && typeof v[f] !== 'string') throw bad(f, 'a string');
  const start = v.start === undefined ? undefined : START_MODES.find((m) => m === v.start);
  if (v.start !== undefined && !start) throw bad('start', `one of ${START_MODES.join(', ')}`);
  const str = (f: string) => (typeof v[f] === 'string' ? (v[f] as string) : undefined);
  return {
    goal: v.goal,
    details: str('details'),
    backend: str('backend'),
    priority: str('priority'),
    start,
    baseBranch: str('baseBranch'),
  };
};

const none = (): [] => [];
const task = (args: readonly unknown[], id: CommandId): [TaskTarget] => [parseTaskTarget(args[0], id)];

/**
 * Per command, the check that turns what arrived (`unknown[]`) into the typed arguments its handler gets.
 * Extra arguments are ignored: VS Code appends menu context (an editor group, the selected resources).
 */
export const COMMAND_ARG_PARSERS = {
  'spectask.tasks.refresh': none,
  'spectask.fleet.open': none,
  'spectask.log.show': none,
  'spectask.task.create': (a, id): [CreateTaskRequest | undefined, UriLike | undefined] => [
    parseCreateRequest(a[0], id),
    parseFolder(a[1], id),
  ],
  'spectask.sample.create': none,
  'spectask.task.startPlanning': task,
  'spectask.task.skipPlanning': task,
  'spectask.task.openDocs': task,
  'spectask.task.reject': task,
  'spectask.task.accept': task,
  'spectask.task.stop': task,
  'spectask.task.retry': task,
  'spectask.task.archive': task,
  'spectask.task.restore': task,
  'spectask.task.showTranscript': task,
  'spectask.task.openWorktree': task,
  'spectask.task.answerPermission': task,
  'spectask.task.dependsOn': task,
  'spectask.task.messageAgent': task,
  'spectask.backends.configure': none,
  'spectask.designDocs.init': (a, id): [UriLike | undefined] => [parseFolder(a[0], id)],
  'spectask.designDocs.sync': (a, id): [RepositoryTarget] => [parseRepositoryTarget(a[0], id)],
  'spectask.spec.review': task,
  'spectask.spec.approve': task,
  'spectask.spec.requestChanges': (a, id): [TaskTarget, string | undefined] => [
    parseTaskTarget(a[0], id),
    parseOptionalText(a[1], id),
  ],
  'spectask.spec.compareWithPrevious': task,
  'spectask.implementation.review': task,
  'spectask.implementation.requestChanges': (a, id): [TaskTarget, string | undefined] => [
    parseTaskTarget(a[0], id),
    parseOptionalText(a[1], id),
  ],
  'spectask.comment.add': (a, id): [object | undefined] => [parseOptionalObject(a[0], id)],
  'spectask.comment.resolve': (a, id): [object | undefined] => [parseOptionalObject(a[0], id)],
  'spectask.comment.reopen': (a, id): [object | undefined] => [parseOptionalObject(a[0], id)],
  'spectask.comment.delete': (a, id): [object | undefined] => [parseOptionalObject(a[0], id)],
} satisfies Record<CommandId, (args: readonly unknown[], id: CommandId) => readonly unknown[]>;

/** The arguments a command's handler receives: validated, with a discriminated union where a SpecTask goes. */
export type HandlerArgs<K extends CommandId> = ReturnType<(typeof COMMAND_ARG_PARSERS)[K]>;

/** Validates what arrived for `id`; throws a CommandArgumentError that says what was wrong. */
export function parseCommandArgs<K extends CommandId>(id: K, args: readonly unknown[]): HandlerArgs<K> {
  // The table's `satisfies` ties each entry to its id; indexing by a generic K loses that, hence the cast.
  const parse: (args: readonly unknown[], id: CommandId) => readonly unknown[] = COMMAND_ARG_PARSERS[id];
  return parse(args, id) as HandlerArgs<K>;
}
