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
  assertObjectId(base, 'design-docs head');
  const names = await git.tryRun(['ls-tree', '--name-only', '--end-of-options', `${base}:${TASKS_DIR}`]);
  const folder = names?.split('\n').find((n) => parseTaskFolderName(n)?.number === Number(taskNumber));
  if (!folder) return undefined;
  const file = `${TASKS_DIR}/${folder}/${METADATA_FILE}`;
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
  const at = new Date().toISOString();
  const next: SpecTaskRecord = {
    ...record,
    status: moved.to,
    updatedAt: at,
    history: [...record.history, { at, from: moved.from, to: moved.to, trigger, note }],
  };
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'spectask-claim-'));
  try {
    const blobFile = path.join(dir, 'record.json');
    await fs.writeFile(blobFile, `${JSON.stringify(next, null, 2)}\n`);
    const blob = (await git.run(['hash-object', '-w', '--', blobFile])).trim();
    const env = { GIT_INDEX_FILE: path.join(dir, 'index') };
    await git.run(['read-tree', '--end-of-options', base], { env });
    await git.run(['update-index', '--add', '--cacheinfo', `100644,${blob},${file}`], { env });
    const tree = (await git.run(['write-tree'], { env })).trim();
    const identity = await commitIdentityEnv(git, git.repoRoot);
    const message = `spectask(${record.id}): status ${moved.from} → ${moved.to} (${note})`;
    const sha = (await git.run(['commit-tree', tree, '-p', base, '-m', message], { env: identity })).trim();
    return { sha, from: moved.from, to: moved.to };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
