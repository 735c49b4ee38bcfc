import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { METADATA_FILE, parseTaskFolderName, TASKS_DIR } from '../docs/designDocsLayout';
import { validateSpecTaskRecord, type SpecTaskRecord } from '../docs/specTaskSchema';
import { commitIdentityEnv } from '../git/commitIdentity';
import type { GitRunner } from '../git/gitRunner';
import { transition, type SpecTaskStatus, type Trigger } from '../orchestrator/statusMachine';
import { assertObjectId } from './claimRefs';

/** A status change made on top of a design-docs commit without touching any worktree. */
export interface StatusCommit {
  sha: string;
  from: SpecTaskStatus;
  to: SpecTaskStatus;
}

/**
 * The status commit a claim carries: `spectask.json` of SpecTask `taskNumber` as it is in `base` (the remote's
 * design-docs head the worker read), moved by `trigger` through the status machine, committed on top of `base`
 * with plumbing and a private index. Nothing local changes: when another worker wins the claim, the commit is
 * simply never referenced. Undefined when the task is not in `base` or the move is not allowed from its status
 * there (someone moved it first).
 */
export async function makeStatusCommit(
  git: GitRunner,
  base: string,
  taskNumber: string,
  trigger: Trigger,
  note: string,
): Promise<StatusCommit | undefined> {
  const made = await makeStatusCommits(git, base, [{ task: taskNumber, trigger }], note);
  const move = made?.moves[0];
  return made && move && { sha: made.sha, from: move.from, to: move.to };
}

/** One task's move in a {@link makeStatusCommits} commit. */
export interface StatusMove {
  task: string;
  from: SpecTaskStatus;
  to: SpecTaskStatus;
}

/**
 * The status commit of a claim of several SpecTasks at once (one atomic push claims them all, claimClient.ts):
 * every task of `moves` that `base` holds and whose move is allowed there, in ONE commit on top of `base`. The
 * tasks left out (not in `base`, or moved on there) are not in `moves` of the answer; undefined when none is left.
 */
export async function makeStatusCommits(
  git: GitRunner,
  base: string,
  wanted: readonly { task: string; trigger: Trigger }[],
  note: string,
): Promise<{ sha: string; moves: StatusMove[] } | undefined> {
  assertObjectId(base, 'design-docs head');
  const names = await git.tryRun(['ls-tree', '--name-only', '--end-of-options', `${base}:${TASKS_DIR}`]);
  if (names === undefined) return undefined;
  const folders = new Map<number, string>();
  for (const n of names.split('\n')) {
    const number = parseTaskFolderName(n)?.number;
    if (number !== undefined && !folders.has(number)) folders.set(number, n);
  }
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'spectask-claim-'));
  try {
    const at = new Date().toISOString();
    const moves: (StatusMove & { id: string; file: string; blob: string })[] = [];
    for (const { task, trigger } of wanted) {
      const folder = folders.get(Number(task));
      if (!folder || moves.some((m) => m.task === task)) continue;
      const file = `${TASKS_DIR}/${folder}/${METADATA_FILE}`;
      const next = await movedRecord(git, base, file, trigger, at, note);
      if (!next) continue;
      const blobFile = path.join(dir, `${moves.length}.json`);
      await fs.writeFile(blobFile, `${JSON.stringify(next.record, null, 2)}\n`);
      const blob = (await git.run(['hash-object', '-w', '--', blobFile])).trim();
      moves.push({ task, from: next.from, to: next.record.status, id: next.record.id, file, blob });
    }
    if (!moves.length) return undefined;
    const env = { GIT_INDEX_FILE: path.join(dir, 'index') };
    await git.run(['read-tree', '--end-of-options', base], { env });
    await git.run(['update-index', ...moves.flatMap((m) => ['--add', '--cacheinfo', `100644,${m.blob},${m.file}`])], {
      env,
    });
    const tree = (await git.run(['write-tree'], { env })).trim();
    const identity = await commitIdentityEnv(git, git.repoRoot);
    const [first] = moves;
    const message =
      moves.length === 1
        ? `spectask(${first.id}): status ${first.from} → ${first.to} (${note})`
        : `spectask: ${moves.length} SpecTasks (${moves.map((m) => m.task).join(', ')}): status ${first.from} → ${first.to} (${note})`;
    const sha = (await git.run(['commit-tree', tree, '-p', base, '-m', message], { env: identity })).trim();
    return { sha, moves: moves.map(({ task, from, to }) => ({ task, from, to })) };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** The record at `file` in `base` moved by `trigger`; undefined when unreadable or the move is not allowed. */
async function movedRecord(
  git: GitRunner,
  base: string,
  file: string,
  trigger: Trigger,
  at: string,
  note: string,
): Promise<{ record: SpecTaskRecord; from: SpecTaskStatus } | undefined> {
  const raw = await git.tryRun(['cat-file', 'blob', '--end-of-options', `${base}:${file}`]);
  if (raw === undefined) return undefined;
  let record: SpecTaskRecord;
  try {
    const v = validateSpecTaskRecord(JSON.parse(raw));
    if (!v.ok) return undefined;
    record = v.record;
  } catch {
    return undefined;
  }
  const moved = transition(record.status, trigger);
  if (!moved.ok) return undefined;
  const history = [...record.history, { at, from: moved.from, to: moved.to, trigger, note }];
  return { record: { ...record, status: moved.to, updatedAt: at, history }, from: moved.from };
}
