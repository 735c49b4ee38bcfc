import { execFile } from 'node:child_process';
import { findExecutable } from '../binaryProbe';
import { buildBwrapArgs, SANDBOX_UID_FOR_ROOT, type SandboxPolicy } from './bwrapArgs';

/** Whether agents can run in the bubblewrap sandbox here, and why not. */
export type SandboxStatus =
  { available: true; bwrap: string; version: string } | { available: false; reason: string; platform?: 'unsupported' };

/** How the sandbox is turned off; quoted in every refusal. */
export const SANDBOX_OFF_HINT =
  'Install bubblewrap (Debian/Ubuntu: apt install bubblewrap) and make sure user namespaces are allowed, or turn the agent sandbox off in your user settings ("spectask.agents.sandbox": "off"; CLI: --no-sandbox).';

/** An empty sandbox with the namespace options every real launch uses (bwrapArgs.ts), to try them once. */
export function trialArgs(asRoot: boolean): string[] {
  const none: SandboxPolicy = { hidden: [], readOnly: [], writable: [], gitDirs: [], state: [] };
  return buildBwrapArgs(
    { ...none, uid: asRoot ? SANDBOX_UID_FOR_ROOT : undefined },
    { command: 'true', args: [], cwd: '/' },
  );
}

/**
 * Finds bwrap on `envPath` and starts one empty sandbox with the options real runs use: a missing binary and
 * disabled user namespaces (sysctl, AppArmor's restrict_unprivileged_userns, a container without them) both
 * show here, with the reason, instead of as a failed agent run.
 */
export async function probeSandbox(
  opts: { envPath?: string; platform?: NodeJS.Platform; asRoot?: boolean } = {},
): Promise<SandboxStatus> {
  const platform = opts.platform ?? process.platform;
  if (platform !== 'linux')
    return { available: false, platform: 'unsupported', reason: 'no sandbox on this platform (Linux only)' };
  const bwrap = findExecutable('bwrap', opts.envPath ?? process.env.PATH);
  if (!bwrap) return { available: false, reason: 'bubblewrap (bwrap) is not installed or not on PATH' };
  const version = await run(bwrap, ['--version']);
  if (version.code !== 0)
    return { available: false, reason: `${bwrap} --version failed: ${version.err.trim() || `exit ${version.code}`}` };
  const asRoot = opts.asRoot ?? (typeof process.getuid === 'function' && process.getuid() === 0);
  const trial = await run(bwrap, trialArgs(asRoot));
  if (trial.code !== 0)
    return {
      available: false,
      reason: `bwrap cannot create its namespaces (are user namespaces disabled?): ${trial.err.trim() || `exit ${trial.code}`}`,
    };
  return { available: true, bwrap, version: version.out.trim().replace(/^bubblewrap\s+/, '') };
}

/** The one line the settings view and the failure messages show for a status. */
export function describeSandbox(status: SandboxStatus | undefined, enabled: boolean): string {
  if (status && !status.available && status.platform === 'unsupported') return 'no sandbox on this platform';
  if (!enabled) return 'off';
  if (!status) return 'on (checking…)';
  return status.available ? `on (bubblewrap ${status.version})` : `unavailable: ${status.reason}`;
}

function run(file: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) =>
    execFile(file, args, { timeout: 10_000 }, (err, out, errOut) =>
      resolve({
        code: err ? (typeof err.code === 'number' ? err.code : 1) : 0,
        out,
        err: errOut || (err?.message ?? ''),
      }),
    ),
  );
}
