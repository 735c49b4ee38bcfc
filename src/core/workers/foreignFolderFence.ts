import * as fs from 'node:fs';
import * as os from 'node:os';
import { commonDirOf } from '../docs/claimantPresence';
import {
  formatTaskNumber,
  LEGACY_CHECKLIST_FILE,
  METADATA_FILE,
  parseTaskFolderName,
  TASKS_DIR,
  TASKS_FILE,
} from '../docs/designDocsLayout';
import { validateSpecTaskRecord } from '../docs/specTaskSchema';
import { commitRetryingMovedHead } from '../docs/movedHeadRetry';
import { assertSafeTree } from '../docs/syncTreeSafety';
import { commitIdentityEnv } from '../git/commitIdentity';
import type { GitQueue } from '../git/gitQueue';
import type { GitRunner } from '../git/gitRunner';
import { mirrorPrefix } from './claimClient';
import { parseClaimMessage, workerName, type ClaimRecord, type WorkerIdentity } from './claimRecord';
import { assertObjectId, CLAIMS_PREFIX, taskNumberOfClaimRef } from './claimRefs';
import { holderIdFile } from './holderId';
import { RemoteRefs } from './remoteRefs';

/** Where the fence runs: a clone's design-docs worktree and the remote its pushes go to. */
export interface FolderFenceContext {
  worktreePath: string;
  branch: string;
  remote: string;
  /** This process, when it is a claimant (a worker, a local orchestrator publishing with its claims). */
  identity?: WorkerIdentity;
  /** The claims this process holds now: its push renews them, leased on their shas, so they need no reading. */
  holds?: (task: string) => boolean;
  /**
   * Where our unpushed commits started (their merge base with the remote), when a sync has just replayed them on
   * the remote's: read before it did. Default: the merge base of the remote-tracking head and ours.
   */
  base?: string;
}

/** A folder put back as the remote has it, and why. */
export interface FencedFolder {
  task: string;
  folder: string;
  reason: string;
}

/**
 * The statuses an agent works in (the `status` of each phase in orchestrator/phases.ts, not imported from there:
 * phases reaches the store, which pushes through this fence; a unit test keeps the two equal).
 */
export const AGENT_STATUSES: readonly string[] = ['spec_generation', 'implementation'];

/** What a run writes in a task's folder; only these are put back when the claim has gone (rule 2 below). */
const RUN_FILES = [TASKS_FILE, LEGACY_CHECKLIST_FILE, METADATA_FILE];

/**
 * The content-level fence (DESIGN.md §9, issue 23), run right before EVERY push of the design-docs branch (a
 * worker's, a local claimant's, a release, `spectask sync`, a store's own push): derived from the branch and the
 * remote's claims alone, not from any process's memory, so it also covers a second claimant of the same clone that
 * holds no claim and a claimant restarted after SIGKILL. Inside a job of the repository's git queue.
 *
 * Every SpecTask folder our side changed since the remote-tracking head (what the last sync read) is judged:
 * 1. its claim ref is held by a process of THIS clone (same holder id and host, or this very process): ours, pushed;
 * 2. its claim is held by anyone else (a record we cannot read counts as another's): the whole folder is put back
 *    as the remote has it — whatever this clone wrote there was written under a claim it no longer has;
 * 3. no claim: pushed as is — a person's own edits need no claim (approving, editing a spec, no-claims mode) —
 *    unless the task was in a working status at our merge base with the remote (so only a claimant wrote its
 *    checklist and record since) AND the remote has moved its record since (a takeover finished it, or it was
 *    stopped, released): then a run's leftovers — the checklist and the record, never requirements.md or
 *    design.md, where a person's edit may be — are put back. A killed claimant's old ticks do not land on a task
 *    someone else finished, and a person's edits of a task nobody runs are never touched.
 * What is put back is committed (one commit), so it cancels out in the push.
 *
 * Races: the claims are read after the sync that read the remote head. A claim made since moves that head (its
 * status commit is in the claim's atomic push), so the push leased on it is refused and the fence runs again. A
 * takeover does not move the head; it happens only after the holder's lease lapsed on the taker's clock, by when
 * the holder's own keeper has stopped its agent (LeaseKeeper's margin), so what the window lets through was
 * written under the claim. Git does not check a lease on a ref the push leaves unchanged (tried: `=` up to date),
 * so the claims of others cannot be leased in the same atomic push.
 *
 * Skipped (nothing read) when no claimant ever ran in this clone (no holder id under its git dir) and the caller
 * is none: such a clone's commits were never written under a claim. Folder names come from the diff (branch
 * content, untrusted): only six-digit SpecTask folders of the current layout are used, always after `--`.
 */
export async function fenceForeignFolders(git: GitRunner, c: FolderFenceContext): Promise<FencedFolder[]> {
  const holder = c.identity?.holder ?? cloneHolder(c.worktreePath);
  if (!c.identity && !holder) return [];
  const cwd = c.worktreePath;
  const theirs = await rev(git, cwd, `refs/remotes/${c.remote}/${c.branch}`);
  if (!theirs) return [];
  // Our side only (from the merge base): what the remote changed and we lack is no concern of this push.
  const changed = await git.run(
    ['diff', '--name-only', '-z', '--no-renames', `${theirs}...HEAD`, '--', `${TASKS_DIR}/`],
    {
      cwd,
    },
  );
  const changedPaths = new Set(changed.split('\0'));
  const folders = new Map<string, string>();
  for (const p of changedPaths) {
    const name = p.startsWith(`${TASKS_DIR}/`) ? p.slice(TASKS_DIR.length + 1).split('/')[0] : undefined;
    const parsed =
      name !== undefined && p.length > TASKS_DIR.length + 1 + name.length ? parseTaskFolderName(name) : undefined;
    if (parsed && !c.holds?.(formatTaskNumber(parsed.number))) folders.set(formatTaskNumber(parsed.number), name!);
  }
  if (!folders.size) return [];
  const claims = await readClaims(git, c.remote);
  const ours = (r: ClaimRecord) =>
    r.worker.id === c.identity?.id || (!!holder && r.worker.holder === holder && r.worker.host === os.hostname());
  const fenced: FencedFolder[] = [];
  const paths: string[] = [];
  let base: string | undefined | null = null;
  for (const [task, folder] of folders) {
    const dir = `${TASKS_DIR}/${folder}`;
    if (!(await rev(git, cwd, `${theirs}:${dir}`))) continue; // not on the remote: a task made here, no claim on it
    if (claims.has(task)) {
      const r = claims.get(task);
      if (r && ours(r)) continue;
      fenced.push({ task, folder, reason: `its claim is held by ${r ? workerName(r.worker) : 'an unreadable claim'}` });
      paths.push(dir);
      continue;
    }
    if (base === null)
      base = c.base ?? ((await git.tryRun(['merge-base', theirs, 'HEAD'], { cwd }))?.trim() || undefined);
    if (!base || !(await workingAt(git, cwd, base, dir))) continue;
    const record = `${dir}/${METADATA_FILE}`;
    if ((await rev(git, cwd, `${base}:${record}`)) === (await rev(git, cwd, `${theirs}:${record}`))) continue;
    const files: string[] = [];
    for (const f of RUN_FILES.map((name) => `${dir}/${name}`))
      if (changedPaths.has(f) && ((await rev(git, cwd, `${theirs}:${f}`)) || (await rev(git, cwd, `HEAD:${f}`))))
        files.push(f); // one we deleted that the remote lacks too needs no putting back (nor can git restore it)
    if (!files.length) continue;
    fenced.push({ task, folder, reason: 'its claim is gone and the remote moved the task on meanwhile' });
    paths.push(...files);
  }
  if (!paths.length) return [];
  assertObjectId(theirs, 'remote-tracking head');
  await assertSafeTree(git, cwd, theirs); // what is written here comes from the remote: its names checked first
  await git.run(['restore', `--source=${theirs}`, '--staged', '--worktree', '--', ...paths], { cwd });
  if ((await git.tryRun(['diff', '--cached', '--quiet'], { cwd })) === undefined) {
    const what = fenced.map((f) => `SpecTask ${f.task} (${f.reason})`).join('; ');
    const message = `spectask: put back as the remote has it: ${what}\n\n${fenced.map((f) => `SpecTask: ${f.task}`).join('\n')}\n`;
    const env = await commitIdentityEnv(git, cwd);
    await commitRetryingMovedHead(() => git.run(['commit', '-q', '--no-verify', '-m', message], { cwd, env }));
  }
  return fenced;
}

/** {@link fenceForeignFolders} as its own job of the repository's git queue (a caller outside any job). */
export function fenceInQueue(queue: GitQueue, c: FolderFenceContext): Promise<FencedFolder[]> {
  return queue.enqueue('design-docs: fence foreign folders', (git) => fenceForeignFolders(git, c));
}

/** The clone's claim holder id, read only (holderId.ts makes it; a clone without one never had a claimant). */
function cloneHolder(worktreePath: string): string | undefined {
  try {
    const text = fs.readFileSync(holderIdFile(commonDirOf(worktreePath)), 'utf8').trim();
    return /^[0-9a-f-]{36}$/.test(text) ? text : undefined;
  } catch {
    return undefined;
  }
}

/** The remote's claims, fetched now (after the sync that read the head): task → record (undefined: unreadable). */
async function readClaims(git: GitRunner, remote: string): Promise<Map<string, ClaimRecord | undefined>> {
  const refs = new RemoteRefs(git, remote);
  const prefix = mirrorPrefix(remote);
  await refs.mirror(CLAIMS_PREFIX, prefix);
  const claims = new Map<string, ClaimRecord | undefined>();
  for (const [local, { message }] of await refs.readLocal(prefix)) {
    const task = taskNumberOfClaimRef(`${CLAIMS_PREFIX}${local.slice(prefix.length)}`);
    if (!task) continue;
    const record = parseClaimMessage(message);
    claims.set(task, record?.task === task ? record : undefined);
  }
  return claims;
}

/** Whether the task in `dir` was in a status an agent works in at `commit` (only a claimant writes it then). */
async function workingAt(git: GitRunner, cwd: string, commit: string, dir: string): Promise<boolean> {
  assertObjectId(commit, 'merge base');
  const raw = await git.tryRun(['cat-file', 'blob', '--end-of-options', `${commit}:${dir}/${METADATA_FILE}`], { cwd });
  if (raw === undefined) return false;
  try {
    const v = validateSpecTaskRecord(JSON.parse(raw));
    return v.ok && AGENT_STATUSES.includes(v.record.status);
  } catch {
    return false;
  }
}

async function rev(git: GitRunner, cwd: string, spec: string): Promise<string | undefined> {
  return (
    (await git.tryRun(['rev-parse', '--verify', '--quiet', '--end-of-options', spec], { cwd }))?.trim() || undefined
  );
}
