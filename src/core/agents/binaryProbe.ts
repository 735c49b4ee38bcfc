import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ProbeResult } from './agentBackend';

/** Finds an executable by name on `PATH` (or checks an explicit path). */
export function findExecutable(nameOrPath: string, envPath: string | undefined): string | undefined {
  const isExec = (p: string) => {
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return fs.statSync(p).isFile();
    } catch {
      return false;
    }
  };
  if (nameOrPath.includes('/') || nameOrPath.includes('\\'))
    return isExec(nameOrPath) ? path.resolve(nameOrPath) : undefined;
  const exts = process.platform === 'win32' ? ['', '.exe', '.cmd'] : [''];
  for (const dir of (envPath ?? '').split(path.delimiter).filter(Boolean)) {
    for (const ext of exts) {
      const p = path.join(dir, nameOrPath + ext);
      if (isExec(p)) return p;
    }
  }
  return undefined;
}

/** The words of the "not found" problem that name where it was looked for (a caller that looked further says so). */
export const NOT_FOUND_ON_PATH = 'was not found on PATH';

/** Compares dotted versions numerically (`2.1.330` > `2.1.97`). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split('.').map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return Math.sign(d);
  }
  return 0;
}

/** What a CLI probe needs to know. */
export interface CliProbeSpec {
  label: string;
  binary: string;
  /** How to install it, quoted in the "not found" message. */
  installHint: string;
  minVersion: string;
  env: Record<string, string>;
  /** `undefined` when authentication looks configured, else what is missing. */
  authProblem: () => string | undefined;
}

/**
 * Probes a CLI without starting a model run: is the binary there, does `--version` answer with a supported
 * version, is there a key or a login. The `problem` text is written for the user.
 */
export async function probeCli(spec: CliProbeSpec): Promise<ProbeResult> {
  const bin = findExecutable(spec.binary, spec.env.PATH);
  if (!bin) {
    // A path from the settings is not looked up on PATH: say that file is missing, not that PATH lacks it.
    const where = /[\\/]/.test(spec.binary) ? 'does not exist or is not executable' : NOT_FOUND_ON_PATH;
    return {
      available: false,
      problem: `${spec.label}: '${spec.binary}' ${where}. Install it with \`${spec.installHint}\` or set its path in the settings.`,
    };
  }
  const out = await new Promise<{ ok: boolean; text: string }>((resolve) => {
    execFile(bin, ['--version'], { env: spec.env, timeout: 20_000 }, (err, stdout, stderr) =>
      resolve({ ok: !err, text: `${stdout}${stderr}` }),
    );
  });
  const version = /(\d+\.\d+\.\d+)/.exec(out.text)?.[1];
  if (!out.ok || !version)
    return {
      available: false,
      binary: bin,
      problem: `${spec.label}: '${bin} --version' failed: ${out.text.trim().slice(0, 300) || 'no output'}`,
    };
  if (compareVersions(version, spec.minVersion) < 0) {
    return {
      available: false,
      binary: bin,
      version,
      problem: `${spec.label} ${version} is older than the oldest supported version ${spec.minVersion}; update it with \`${spec.installHint}\`.`,
    };
  }
  const auth = spec.authProblem();
  if (auth) return { available: false, binary: bin, version, problem: `${spec.label}: ${auth}` };
  return { available: true, binary: bin, version };
}
