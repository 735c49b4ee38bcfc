import * as fs from 'node:fs/promises';
import * as path from 'node:path';

/** How the integration queue runs a project's tests: an argv, or nothing ("none", or nothing detected). */
export type TestCommand = { kind: 'argv'; argv: readonly string[]; label: string } | { kind: 'none'; label: string };

/** npm writes this script into a new package.json; it fails on purpose and tests nothing. */
const NPM_PLACEHOLDER = /no test specified/i;

/** Reads a file of the tree under test, or undefined; capped, since the tree is the agent's work. */
async function readSmall(file: string): Promise<string | undefined> {
  try {
    const h = await fs.open(file, 'r');
    try {
      const buf = Buffer.alloc(256 * 1024);
      const { bytesRead } = await h.read(buf, 0, buf.length, 0);
      return buf.subarray(0, bytesRead).toString('utf8');
    } finally {
      await h.close();
    }
  } catch {
    return undefined;
  }
}

const exists = (file: string) =>
  fs.lstat(file).then(
    () => true,
    () => false,
  );

/**
 * The project's test command, found in the tree about to be merged (issue 21's order): `npm test` when
 * package.json has a real test script, `pytest`, `go test ./...`, `cargo test`, `make test`; else none.
 */
export async function detectTestCommand(dir: string): Promise<TestCommand> {
  const pkg = await readSmall(path.join(dir, 'package.json'));
  if (pkg) {
    try {
      const script = (JSON.parse(pkg) as { scripts?: { test?: unknown } }).scripts?.test;
      if (typeof script === 'string' && script.trim() && !NPM_PLACEHOLDER.test(script))
        return { kind: 'argv', argv: ['npm', 'test'], label: 'npm test' };
    } catch {
      // Not JSON: not an npm project we can test.
    }
  }
  for (const f of ['pytest.ini', 'conftest.py', 'tox.ini'])
    if (await exists(path.join(dir, f))) return { kind: 'argv', argv: ['pytest'], label: 'pytest' };
  const pyproject = await readSmall(path.join(dir, 'pyproject.toml'));
  if (pyproject && /\[tool\.pytest/.test(pyproject)) return { kind: 'argv', argv: ['pytest'], label: 'pytest' };
  if (await exists(path.join(dir, 'go.mod')))
    return { kind: 'argv', argv: ['go', 'test', './...'], label: 'go test ./...' };
  if (await exists(path.join(dir, 'Cargo.toml'))) return { kind: 'argv', argv: ['cargo', 'test'], label: 'cargo test' };
  const makefile = (await readSmall(path.join(dir, 'Makefile'))) ?? (await readSmall(path.join(dir, 'makefile')));
  if (makefile && /^test\s*:/m.test(makefile)) return { kind: 'argv', argv: ['make', 'test'], label: 'make test' };
  return { kind: 'none', label: 'no test command found' };
}

/**
 * The command to run: the setting (machine-scoped: it chooses a program) when set — "none" skips the tests
 * on purpose, anything else runs through the platform's shell, as the user typed it — else the detected one.
 */
export async function resolveTestCommand(setting: string, dir: string): Promise<TestCommand> {
  const s = setting.trim();
  if (!s) return detectTestCommand(dir);
  if (s.toLowerCase() === 'none') return { kind: 'none', label: 'tests turned off (testCommand "none")' };
  const argv = process.platform === 'win32' ? ['cmd.exe', '/d', '/s', '/c', s] : ['/bin/sh', '-c', s];
  return { kind: 'argv', argv, label: s };
}
