import {
  ALLOWED_EXTRA_ENV,
  HARDENED_GIT_CONFIG,
  type GitCommandFailure,
  type GitCommandRequest,
  type GitExecutor,
} from './gitCommandTypes';
import { gitCommandEnv, refusal } from './gitGuard';
import { spawnGit } from './gitSpawn';

// The request types and shared settings live in gitCommandTypes.ts; code that imports them from here still
// finds them.
export { ALLOWED_EXTRA_ENV, HARDENED_GIT_CONFIG, type GitCommandFailure, type GitCommandRequest, type GitExecutor };

/** Git processes at once per binary and folder (what simple-git allowed per instance); the rest wait their turn. */
const PROCESSES_PER_FOLDER = 4;

const HARDENED_ARGS: readonly string[] = HARDENED_GIT_CONFIG.flatMap((c) => ['-c', c]);

/**
 * Runs every git command of the host, in whichever process and thread calls it: the git helper (process or
 * worker thread), or the host itself when no helper is available or wanted (SPECTASK_GIT_WORKER=0, one-shot
 * command lines). Each command is checked before git starts (gitGuard.ts: no argument that makes git run a
 * program, no guarded environment variable), runs with the hardened `-c` pairs in front of its own arguments
 * (no hooks, no fsmonitor) and in the guarded environment, and finishes when git does (gitSpawn.ts).
 */
export class GitCommandRunner implements GitExecutor {
  private readonly slots = new Map<string, { running: number; waiting: (() => void)[] }>();

  /** Resolves with git's stdout (untrimmed); rejects with a {@link GitCommandFailure}. */
  async run(req: GitCommandRequest): Promise<string> {
    const extra = req.env && Object.keys(req.env).length ? req.env : undefined;
    const refused = refusal(req.args, extra);
    if (refused) throw refused;
    const env = gitCommandEnv(extra);
    const argv = [...HARDENED_ARGS, ...req.args];
    // Commands with their own variables were never limited (simple-git gave each its own instance).
    if (extra) return spawnGit(req.binary, req.cwd, argv, env, req.input);
    const key = `${req.binary}\0${req.cwd}`;
    await this.acquire(key);
    try {
      return await spawnGit(req.binary, req.cwd, argv, env, req.input);
    } finally {
      this.release(key);
    }
  }

  /** Takes one of the folder's slots, or waits until a finishing command hands its own over. */
  private async acquire(key: string): Promise<void> {
    const slot = this.slots.get(key) ?? { running: 0, waiting: [] };
    this.slots.set(key, slot);
    if (slot.running < PROCESSES_PER_FOLDER) slot.running++;
    else await new Promise<void>((r) => slot.waiting.push(r));
  }

  private release(key: string): void {
    const slot = this.slots.get(key);
    if (!slot) return;
    const next = slot.waiting.shift();
    if (next) return next();
    if (--slot.running === 0) this.slots.delete(key);
  }
}
