import * as os from 'node:os';
import * as path from 'node:path';
import { commitIdentityEnv } from '../git/commitIdentity';
import { GitCommandError } from '../git/gitErrors';
import type { GitRunner } from '../git/gitRunner';
import { inCloneFetchLock } from './cloneFetchLock';
import { assertFullRefName, assertObjectId, assertRemoteName } from './claimRefs';

/**
 * One ref a push changes, compare-and-swap: `expect` is the sha the remote must still have ('' = the ref must
 * not exist), `to` the new sha (undefined deletes the ref).
 */
export interface RefUpdate {
  ref: string;
  expect: string;
  to?: string;
}

export type PushOutcome = { ok: true } | { ok: false; message: string };

/** No prompt for credentials: a worker without them fails its push instead of hanging on a terminal. */
const NO_PROMPT = { GIT_TERMINAL_PROMPT: '0' };

/**
 * The worker's git against the remote, through the host's hardened runner (no hooks, no fsmonitor: see
 * HARDENED_GIT_CONFIG). Every ref, sha and remote name is validated before it reaches argv, and the values come
 * after `--end-of-options`, so nothing read from the remote can become an option.
 */
export class RemoteRefs {
  private emptyTree?: string;
  private identity?: Promise<Record<string, string>>;

  constructor(
    readonly git: GitRunner,
    readonly remote: string,
  ) {
    assertRemoteName(remote);
  }

  /**
   * Pushes every update in ONE transaction (`--atomic`): each ref leased on its expected sha
   * (`--force-with-lease=<ref>:<expect>`), which the server checks again under its ref locks, so two workers
   * racing cannot both win, and a worker whose claim moved cannot push anything.
   */
  async push(updates: readonly RefUpdate[]): Promise<PushOutcome> {
    for (const u of updates) {
      assertFullRefName(u.ref, 'ref');
      if (u.expect) assertObjectId(u.expect, 'expected sha');
      // Only `to: undefined` deletes: an empty sha (a command's answer cut off) must not push `:<ref>`.
      if (u.to !== undefined) assertObjectId(u.to, 'new sha');
    }
    const args = [
      'push',
      '--atomic',
      '--porcelain',
      '--no-verify',
      ...updates.map((u) => `--force-with-lease=${u.ref}:${u.expect}`),
      '--end-of-options',
      this.remote,
      ...updates.map((u) => `${u.to ?? ''}:${u.ref}`),
    ];
    try {
      await this.git.run(args, { env: NO_PROMPT });
      return { ok: true };
    } catch (e) {
      if (!(e instanceof GitCommandError) || e.spawnFailed) throw e;
      return { ok: false, message: e.stderr.trim().split('\n').slice(-3).join(' ') || 'push refused' };
    }
  }

  /** The remote's refs under `prefix` (one round trip, nothing fetched): ref → sha. */
  async list(prefix: string): Promise<Map<string, string>> {
    assertFullRefName(`${prefix}x`, 'ref prefix');
    const out = await this.git.run(['ls-remote', '--refs', '--end-of-options', this.remote, `${prefix}*`], {
      env: NO_PROMPT,
    });
    const refs = new Map<string, string>();
    for (const line of out.split('\n')) {
      const [sha, ref] = line.split('\t');
      if (sha && ref) refs.set(ref, sha);
    }
    return refs;
  }

  /** The remote's sha of one ref (undefined: it does not exist). */
  async sha(ref: string): Promise<string | undefined> {
    assertFullRefName(ref, 'ref');
    const out = await this.git.run(['ls-remote', '--end-of-options', this.remote, ref], { env: NO_PROMPT });
    return out
      .split('\n')
      .find((l) => l.endsWith(`\t${ref}`))
      ?.split('\t')[0];
  }

  /**
   * Fetches the remote's refs under `prefix` into `localPrefix` (forced, pruned: a mirror of what the remote
   * holds), with git's integrity check on the objects that arrive.
   */
  async mirror(prefix: string, localPrefix: string): Promise<void> {
    assertFullRefName(`${prefix}x`, 'ref prefix');
    assertFullRefName(`${localPrefix}x`, 'ref prefix');
    // One fetch into this clone's refs at a time (cloneFetchLock.ts): two at once fail with "cannot lock ref".
    await inCloneFetchLock(this.git, () => this.fetchInto(prefix, localPrefix));
  }

  private async fetchInto(prefix: string, localPrefix: string): Promise<void> {
    await this.git.run(
      [
        '-c',
        'fetch.fsckObjects=true',
        'fetch',
        '--prune',
        '--no-tags',
        '--quiet',
        '--end-of-options',
        this.remote,
        `+${prefix}*:${localPrefix}*`,
      ],
      { env: NO_PROMPT },
    );
  }

  /**
   * Fetches the remote's `ref` (its objects too, with git's integrity check) into `localRef`: its sha, or undefined
   * when the remote has no such ref. One round trip, like `ls-remote`, and the head's tree can be read here at once.
   */
  async fetchOne(ref: string, localRef: string): Promise<string | undefined> {
    assertFullRefName(ref, 'ref');
    assertFullRefName(localRef, 'ref');
    return this.fetchSpecs([], [`+${ref}:${localRef}`], localRef);
  }

  /**
   * {@link fetchOne} and {@link mirror} in ONE fetch (one round trip): the remote's `ref` into `localRef` and its
   * refs under `prefix` into `localPrefix` (forced, pruned). The sha of `ref`, or undefined when the remote has none.
   */
  async fetchOneWithMirror(
    ref: string,
    localRef: string,
    prefix: string,
    localPrefix: string,
  ): Promise<string | undefined> {
    for (const r of [ref, localRef, `${prefix}x`, `${localPrefix}x`]) assertFullRefName(r, 'ref');
    return this.fetchSpecs(['--prune'], [`+${ref}:${localRef}`, `+${prefix}*:${localPrefix}*`], localRef);
  }

  /** One fetch of `specs` (checked refs only); the commit `localRef` then names, or undefined when the remote has none. */
  private async fetchSpecs(options: string[], specs: string[], localRef: string): Promise<string | undefined> {
    const fetch = [
      '-c',
      'fetch.fsckObjects=true',
      'fetch',
      ...options,
      '--no-tags',
      '--quiet',
      '--no-write-fetch-head',
    ];
    const got = await inCloneFetchLock(this.git, () =>
      this.git.run([...fetch, '--end-of-options', this.remote, ...specs], { env: NO_PROMPT }).then(
        () => true,
        (e: unknown) => {
          if (e instanceof GitCommandError && /couldn't find remote ref/i.test(e.stderr)) return false;
          throw e;
        },
      ),
    );
    if (!got) return undefined;
    return (await this.git.run(['rev-parse', '--verify', '--end-of-options', `${localRef}^{commit}`])).trim();
  }

  /** Local refs under `prefix` with their commit messages: ref → {sha, message}. */
  async readLocal(prefix: string): Promise<Map<string, { sha: string; message: string }>> {
    assertFullRefName(`${prefix}x`, 'ref prefix');
    const out = await this.git.run([
      'for-each-ref',
      '--format=%(objectname) %(refname)%00%(contents)%00',
      '--',
      prefix,
    ]);
    const refs = new Map<string, { sha: string; message: string }>();
    const parts = out.split('\0');
    for (let i = 0; i + 1 < parts.length; i += 2) {
      const head = parts[i].replace(/^\n/, '');
      const space = head.indexOf(' ');
      refs.set(head.slice(space + 1), { sha: head.slice(0, space), message: parts[i + 1] });
    }
    return refs;
  }

  /** A commit of the empty tree with `message` (a claim's record), written to the local object store. */
  async commitMessage(message: string): Promise<string> {
    this.emptyTree ??= (
      await this.git.run(['write-tree'], {
        env: { GIT_INDEX_FILE: path.join(os.tmpdir(), `spectask-empty-index-${process.pid}-${Date.now()}`) },
      })
    ).trim();
    const env = await (this.identity ??= commitIdentityEnv(this.git, this.git.repoRoot));
    return (await this.git.run(['commit-tree', this.emptyTree, '-m', message], { env })).trim();
  }
}
