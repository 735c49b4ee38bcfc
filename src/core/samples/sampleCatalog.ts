import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FALLBACK_IDENTITY } from '../git/commitIdentity';
import { HARDENED_GIT_CONFIG } from '../git/gitCommand';

/** `samples/<id>/sample.json`: a sample project shipped with the extension. */
export interface SampleManifest {
  id: string;
  title: string;
  description: string;
  language?: string;
  installCommand?: string[];
  testCommand?: string[];
  suggestedGoals?: string[];
}

export type Sample = SampleManifest & { dir: string };

/** Reads `samples/<id>/sample.json` of every sample shipped with the extension, by title. */
export function readSamples(samplesDir: string): Sample[] {
  if (!fs.existsSync(samplesDir)) return [];
  return fs
    .readdirSync(samplesDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(samplesDir, d.name, 'sample.json')))
    .map((d) => ({
      ...(JSON.parse(fs.readFileSync(path.join(samplesDir, d.name, 'sample.json'), 'utf8')) as SampleManifest),
      dir: path.join(samplesDir, d.name),
    }))
    .sort((a, b) => a.title.localeCompare(b.title));
}

/** Copies a sample into `target`, leaving out build output and installed dependencies. */
export function copySample(from: string, target: string): void {
  fs.cpSync(from, target, {
    recursive: true,
    filter: (src) =>
      !/[\\/](node_modules|\.venv|__pycache__|dist|\.git)([\\/]|$)/.test(
        path.relative(from, src) ? `/${path.relative(from, src)}` : '',
      ),
  });
}

/** `base`, or `base-2`, `base-3`… whichever does not exist yet. */
export function uniqueDir(base: string): string {
  let p = base;
  for (let i = 2; fs.existsSync(p); i++) p = `${base}-${i}`;
  return p;
}

/**
 * Makes the copied sample a git repository on `main` with one commit of everything. The folder is new and ours,
 * but the host's git still runs no hooks or fsmonitor (a git template could bring hooks); the user's identity is
 * used when git knows one, else the fallback.
 */
export async function initSampleRepository(dir: string, message: string): Promise<void> {
  const run = (args: string[], env?: NodeJS.ProcessEnv) =>
    new Promise<string>((resolve, reject) =>
      execFile(
        'git',
        [...HARDENED_GIT_CONFIG.flatMap((c) => ['-c', c]), ...args],
        { cwd: dir, timeout: 60_000, env: env ?? process.env },
        (err, out, stderr) => (err ? reject(new Error(`git ${args[0]}: ${stderr.trim() || err.message}`)) : resolve(out)),
      ),
    );
  await run(['init', '-q', '-b', 'main']);
  await run(['add', '-A']);
  const known = await run(['config', 'user.email']).then(
    (v) => !!v.trim(),
    () => false,
  );
  const env = known
    ? process.env
    : {
        ...process.env,
        GIT_AUTHOR_NAME: FALLBACK_IDENTITY.name,
        GIT_AUTHOR_EMAIL: FALLBACK_IDENTITY.email,
        GIT_COMMITTER_NAME: FALLBACK_IDENTITY.name,
        GIT_COMMITTER_EMAIL: FALLBACK_IDENTITY.email,
      };
  await run(['commit', '-q', '--allow-empty', '-m', message], env);
}

/**
 * Runs a sample's install command (an argv from the sample's own manifest, no shell), each output line to
 * `onLine`; rejects with the tail of the output. `signal` stops it.
 */
export function runSampleInstall(
  argv: readonly string[],
  cwd: string,
  onLine: (line: string) => void,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const [cmd, ...args] = argv;
    const child = spawn(cmd!, args, {
      cwd,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: process.platform === 'win32',
    });
    let tail = '';
    const onData = (b: Buffer) => {
      const s = b.toString();
      tail = (tail + s).slice(-4000);
      for (const line of s.split('\n')) if (line.trim()) onLine(`[${argv.join(' ')}] ${line}`);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const stop = () => child.kill('SIGTERM');
    signal?.addEventListener('abort', stop, { once: true });
    child.on('error', (e) => {
      signal?.removeEventListener('abort', stop);
      reject(new Error(`${argv.join(' ')} could not start: ${e.message}`));
    });
    child.on('close', (code, sig) => {
      signal?.removeEventListener('abort', stop);
      if (code === 0) resolve();
      else
        reject(
          new Error(
            `${argv.join(' ')} ${sig ? `was stopped (${sig})` : `exited with ${code}`}:\n${tail.trim().split('\n').slice(-12).join('\n')}`,
          ),
        );
    });
  });
}
