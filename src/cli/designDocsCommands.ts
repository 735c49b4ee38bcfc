import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { checklistFocus, checklistProgress, DEFAULT_CONTEXT_ITEMS } from '../core/checklist/checklistFocus';
import type { ChecklistItem, ItemRef } from '../core/checklist/checklistTypes';
import { parseItemState } from '../core/checklist/markers';
import { parseChecklist } from '../core/checklist/parseChecklist';
import { openDesignDocs, type DesignDocs } from '../core/docs/openDesignDocs';
import { PRIORITIES, type Priority } from '../core/docs/specTaskSchema';
import type { SpecTaskStore } from '../core/docs/specTaskStore';
import { GitQueueRegistry } from '../core/git/gitQueue';
import { dependencyProblem, parseTaskRefs } from '../core/orchestrator/dependencies';
import { describePredictionCheck } from '../core/orchestrator/overlap/predictedFiles';
import { taskStanding } from '../core/orchestrator/overlap/taskStanding';
import type { DesignDocsCommandName } from './designDocsCommandNames';
import { allowOnly, expectPositionals, optionValue, UsageError, type ParsedArgs } from './cliArgs';
import { writeJson, writeText, type CliIO } from './cliOutput';
import { checklistJson, taskDetailsJson, taskJson } from './jsonShapes';
import { listCommand, STORE_OPTIONS } from './listCommand';

export type { CliIO } from './cliOutput';

/** `spectask init`: create or adopt the design-docs branch and worktree, repairing what is broken. */
export async function initCommand(args: ParsedArgs, io: CliIO): Promise<number> {
  allowOnly(args, STORE_OPTIONS);
  expectPositionals(args, 0, 'spectask init [--repo <path>] [--branch <name>] [--json]');
  return withStore(args, io, true, async (dd) => {
    const { branch, worktreePath, origin, repairs } = dd.location;
    if (args.options.has('json')) writeJson(io, { branch, worktreePath, origin, repairs });
    else {
      const how = {
        created: 'created',
        local: 'found',
        remote: 'adopted from the remote',
        'legacy-local': 'adopted (legacy name)',
        'legacy-remote': 'adopted from the remote (legacy name)',
      }[origin];
      writeText(io, `design-docs branch '${branch}' ${how}; worktree at ${worktreePath}\n`);
      for (const r of repairs) writeText(io, `  repaired: ${r}\n`);
    }
    return 0;
  });
}

/** `spectask create <title> [--prompt <text>] [--priority <p>]`. */
export async function createCommand(args: ParsedArgs, io: CliIO): Promise<number> {
  allowOnly(args, [...STORE_OPTIONS, 'prompt', 'priority', 'push', 'depends-on']);
  const [title] = expectPositionals(
    args,
    1,
    'spectask create <title> [--prompt <text>] [--priority low|medium|high|critical] [--depends-on 3,4]',
  );
  const dependsOnText = optionValue(args, 'depends-on');
  let dependsOn: string[] | undefined;
  try {
    dependsOn = dependsOnText === undefined ? undefined : parseTaskRefs(dependsOnText);
  } catch (e) {
    throw new UsageError(`--depends-on: ${(e as Error).message}`);
  }
  const priority = optionValue(args, 'priority');
  if (priority !== undefined && !(PRIORITIES as readonly string[]).includes(priority))
    throw new UsageError(`--priority must be one of ${PRIORITIES.join(', ')}`);
  if (!title.trim()) throw new UsageError('the title is empty');
  return withStore(args, io, true, async (dd) => {
    if (dependsOn?.length) {
      // A new task: nothing depends on it yet, so only the named tasks must exist.
      const graph = await dependencyGraph(dd.store);
      const problem = dependencyProblem(graph, '(new)', dependsOn);
      if (problem)
        throw new Error(`cannot create it depending on ${dependsOn.map((d) => `#${d}`).join(', ')}: ${problem}`);
    }
    const t = await dd.store.create({
      title,
      prompt: optionValue(args, 'prompt'),
      priority: priority as Priority | undefined,
      dependsOn,
    });
    if (args.options.has('json')) writeJson(io, taskJson(t));
    else writeText(io, `created SpecTask ${t.id} "${t.title}" in ${t.path}\n`);
    return 0;
  });
}

/** Every SpecTask's id → its dependsOn, from the records. */
async function dependencyGraph(store: SpecTaskStore): Promise<Map<string, string[]>> {
  const graph = new Map<string, string[]>();
  for (const s of await store.list()) graph.set(s.id, (await store.get(s.id)).record?.dependsOn ?? []);
  return graph;
}

/** `spectask depends-on <id> <ids|none>`: what a SpecTask waits for; cycles are refused with the path. */
export async function dependsOnCommand(args: ParsedArgs, io: CliIO): Promise<number> {
  allowOnly(args, [...STORE_OPTIONS, 'push']);
  const [ref, list] = expectPositionals(args, 2, 'spectask depends-on <id> <ids, e.g. 3,4 | none>');
  let deps: string[];
  try {
    deps = list.trim().toLowerCase() === 'none' ? [] : parseTaskRefs(list);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  return withStore(args, io, true, async (dd) => {
    const t = await dd.store.get(ref);
    const problem = dependencyProblem(await dependencyGraph(dd.store), t.id, deps);
    if (problem) throw new Error(`#${t.id} cannot depend on ${deps.map((d) => `#${d}`).join(', ')}: ${problem}`);
    const rec = await dd.store.update(
      t.id,
      `depends on ${deps.length ? deps.map((d) => `#${d}`).join(', ') : 'nothing'}`,
      (r) => {
        r.dependsOn = deps;
      },
    );
    if (args.options.has('json')) writeJson(io, { id: t.id, dependsOn: rec.dependsOn });
    else
      writeText(io, `SpecTask ${t.id} depends on ${deps.length ? deps.map((d) => `#${d}`).join(', ') : 'nothing'}\n`);
    return 0;
  });
}

/** `spectask show <id> [--json]`. */
export async function showCommand(args: ParsedArgs, io: CliIO): Promise<number> {
  allowOnly(args, STORE_OPTIONS);
  const [ref] = expectPositionals(args, 1, 'spectask show <id> [--json]');
  return withStore(args, io, false, async (dd) => {
    const t = await dd.store.get(ref);
    const standing = await taskStanding(dd.repo.root, t, await dd.store.list());
    if (args.options.has('json')) {
      writeJson(io, taskDetailsJson(t, standing));
      return 0;
    }
    writeText(io, `${t.id}  ${t.title}\nstatus:   ${t.status ?? '(unknown)'}\nfolder:   ${t.path}\n`);
    if (standing.waitingFor) writeText(io, `waiting:  ${standing.waitingFor.replace(/^waiting for /, 'for ')}\n`);
    if (standing.filePrediction) writeText(io, `files:    ${describePredictionCheck(standing.filePrediction)}\n`);
    if (t.progress)
      writeText(
        io,
        `progress: ${t.progress.done}/${t.progress.total} done (${t.progress.percent}%), ${t.progress.doing} in progress\n`,
      );
    if (t.checklist && t.focus)
      writeFocus(io, t.checklist.items, t.focus.current, [
        ...t.focus.before,
        ...(t.focus.current ? [t.focus.current] : []),
        ...t.focus.after,
      ]);
    for (const p of t.problems) writeText(io, `problem: ${p.path}${p.field ? ` (${p.field})` : ''}: ${p.message}\n`);
    return 0;
  });
}

/** `spectask checklist <file> [--json] [--context <n>]`: parse any checklist file, no repository needed. */
export async function checklistCommand(args: ParsedArgs, io: CliIO): Promise<number> {
  allowOnly(args, ['json', 'context']);
  const [file] = expectPositionals(args, 1, 'spectask checklist <file> [--json] [--context <n>]');
  const ctxText = optionValue(args, 'context');
  const ctx = ctxText === undefined ? DEFAULT_CONTEXT_ITEMS : Number(ctxText);
  if (!Number.isInteger(ctx) || ctx < 0) throw new UsageError('--context must be a whole number ≥ 0');
  const abs = path.resolve(io.cwd, file);
  const bytes = await fs.readFile(abs).catch((e: NodeJS.ErrnoException) => {
    throw new Error(`cannot read ${abs}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  });
  const { items, problems } = parseChecklist(bytes);
  const progress = checklistProgress(items);
  const focus = checklistFocus(items, ctx);
  if (args.options.has('json')) {
    writeJson(io, checklistJson(abs, items, problems, progress, focus));
    return 0;
  }
  writeText(
    io,
    `${abs}: ${progress.done}/${progress.total} done (${progress.percent}%), ${progress.doing} in progress\n`,
  );
  for (const it of items)
    writeText(
      io,
      `${it === focus.current ? '>' : ' '} ${'  '.repeat(it.depth)}${String(it.index + 1).padStart(3)}. [${it.markerChar}] ${it.id ? `${it.id}: ` : ''}${it.text}  (line ${it.line + 1})\n`,
    );
  for (const p of problems) writeText(io, `problem: line ${p.line + 1}: ${p.message}\n`);
  return 0;
}

/** `spectask mark <id> <item> <todo|doing|done>`; `<item>` is a number (`3` or `#3`), an item id, or its text. */
export async function markCommand(args: ParsedArgs, io: CliIO): Promise<number> {
  allowOnly(args, [...STORE_OPTIONS, 'push']);
  const [ref, itemArg, stateArg] = expectPositionals(args, 3, 'spectask mark <id> <item> <todo|doing|done>');
  const state = parseItemState(stateArg);
  if (!state) throw new UsageError(`'${stateArg}' is not a state: use todo, doing or done`);
  return withStore(args, io, false, async (dd) => {
    const r = await dd.store.mark(ref, await itemRef(dd, ref, itemArg), state);
    const item = { n: r.item.index + 1, id: r.item.id ?? null, text: r.item.text, line: r.item.line + 1 };
    if (args.options.has('json'))
      writeJson(io, {
        taskId: r.taskId,
        item,
        before: r.before,
        after: r.after,
        changed: r.changed,
        commit: r.commit?.sha ?? null,
      });
    else
      writeText(
        io,
        r.changed
          ? `${r.taskId}: "${r.item.text}" ${r.before} → ${r.after} (commit ${r.commit?.sha.slice(0, 10) ?? 'none'})\n`
          : `${r.taskId}: "${r.item.text}" is already ${r.after}\n`,
      );
    return 0;
  });
}

/** A number selects by position (1-based); otherwise an item id wins over text. */
async function itemRef(dd: DesignDocs, task: string, arg: string): Promise<ItemRef> {
  const num = /^#?(\d+)$/.exec(arg);
  if (num) {
    const n = Number(num[1]);
    if (n < 1) throw new UsageError('item numbers start at 1');
    return { index: n - 1 };
  }
  const d = await dd.store.get(task);
  return d.checklist?.items.some((i) => i.id === arg) ? { id: arg } : { text: arg };
}

function writeFocus(
  io: CliIO,
  all: ChecklistItem[],
  current: ChecklistItem | undefined,
  window: ChecklistItem[],
): void {
  if (all.length === 0) {
    writeText(io, 'checklist: no items yet\n');
    return;
  }
  writeText(io, current ? 'current:\n' : 'all items done; last items:\n');
  for (const it of window)
    writeText(
      io,
      `  ${it === current ? '>' : ' '} ${String(it.index + 1).padStart(3)}. [${it.markerChar}] ${it.text}\n`,
    );
}

/** Opens the store for `--repo` (default: cwd), runs `fn`, and always releases the store. */
async function withStore(
  args: ParsedArgs,
  io: CliIO,
  createBranch: boolean,
  fn: (dd: DesignDocs) => Promise<number>,
): Promise<number> {
  const registry = new GitQueueRegistry();
  let dd: DesignDocs | undefined;
  try {
    dd = await openDesignDocs(path.resolve(io.cwd, optionValue(args, 'repo') ?? '.'), {
      registry,
      createBranch,
      branch: optionValue(args, 'branch'),
      push: args.options.has('push'),
    });
    return await fn(dd);
  } finally {
    dd?.store.dispose();
    registry.dispose();
  }
}

/** The commands on the design-docs branch alone: what the small CLI entry (cliEntry.ts) runs itself. */
export const DESIGN_DOCS_COMMANDS: Readonly<
  Record<DesignDocsCommandName, (args: ParsedArgs, io: CliIO) => Promise<number>>
> = {
  init: initCommand,
  create: createCommand,
  'depends-on': dependsOnCommand,
  list: listCommand,
  show: showCommand,
  checklist: checklistCommand,
  mark: markCommand,
};
