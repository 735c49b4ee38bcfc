// Command line: `node dist/cli.js list --json` on a repository with 1,000 SpecTasks (each with
// spectask.json, requirements.md, design.md and a 30-item tasks.md), wall time of the whole process as a
// user would see it. Reference, same run: `node -e 0` (starting Node and doing nothing).
// The 1,000 folders are written directly and committed at once (one `spectask create` sets up the branch).
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { now, percentile, report } from './benchKit';

const TASKS = Number(process.env.BENCH_CLI_TASKS ?? 1000);
const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const git = (cwd: string, ...a: string[]) => execFileSync('git', a, { cwd, encoding: 'utf8' }).trim();

/**
 * Runs `node <args>` with stdout going to a file, not a pipe: the CLI ends with process.exit(), which cuts
 * output to a pipe at 64 KiB (a known bug of src/cli/main.ts, left to its owner); a file is written synchronously.
 */
function wall(args: string[], cwd: string): { ms: number; stdout: string } {
  const outFile = path.join(cwd, '..', `${path.basename(cwd)}.out`);
  const fd = fs.openSync(outFile, 'w');
  const t0 = now();
  const r = spawnSync(process.execPath, args, { cwd, stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' });
  const ms = now() - t0;
  fs.closeSync(fd);
  const stdout = fs.readFileSync(outFile, 'utf8');
  fs.rmSync(outFile);
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { ms, stdout };
}

async function main(): Promise<void> {
  spawnSync(process.execPath, ['esbuild.mjs'], { stdio: 'inherit' });
  const cli = path.resolve('dist/cli.js');
  const repo = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cli-')));
  try {
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, 'config', 'user.name', 'bench');
    git(repo, 'config', 'user.email', 'bench@example.invalid');
    git(repo, 'commit', '-q', '--allow-empty', '-m', 'init');
    wall([cli, 'create', 'Task 1'], repo);
    const wt = path.join(repo, '.git-worktrees', 'helix-design-docs');
    const first = fs.readdirSync(path.join(wt, 'design', 'tasks'))[0]!;
    const template = JSON.parse(fs.readFileSync(path.join(wt, 'design', 'tasks', first, 'spectask.json'), 'utf8'));
    for (let n = 2; n <= TASKS; n++) {
      const id = String(n).padStart(6, '0');
      const dir = path.join(wt, 'design', 'tasks', `${id}_task-${n}`);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(
        path.join(dir, 'spectask.json'),
        `${JSON.stringify({ ...template, id, number: n, title: `Task ${n}` }, null, 2)}\n`,
      );
      fs.writeFileSync(
        path.join(dir, 'requirements.md'),
        `# Requirements: Task ${n}\n\n- WHEN asked THE SYSTEM SHALL do it.\n`,
      );
      fs.writeFileSync(path.join(dir, 'design.md'), `# Design: Task ${n}\n\nA small change.\n`);
      fs.writeFileSync(
        path.join(dir, 'tasks.md'),
        `# Implementation Tasks: Task ${n}\n\n${Array.from({ length: 30 }, (_, k) => `- [${k < n % 30 ? 'x' : ' '}] T${k + 1}: part ${k + 1} of task ${n}`).join('\n')}\n`,
      );
    }
    fs.writeFileSync(
      path.join(wt, 'design', 'spectask-counter.json'),
      `${JSON.stringify({ about: 'Last SpecTask number handed out; numbers are never reused.', lastNumber: TASKS }, null, 2)}\n`,
    );
    git(wt, 'add', '-A');
    git(wt, 'commit', '-qm', `${TASKS} SpecTasks`);

    const listed = JSON.parse(wall([cli, 'list', '--json'], repo).stdout) as { tasks: unknown[] };
    if (listed.tasks.length !== TASKS)
      throw new Error(`list --json returned ${listed.tasks.length} SpecTasks, expected ${TASKS}`);
    const list: number[] = [];
    const bare: number[] = [];
    const version: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      bare.push(wall(['-e', '0'], repo).ms);
      version.push(wall([cli, '--version'], repo).ms);
      list.push(wall([cli, 'list', '--json'], repo).ms);
    }
    const ref = { label: '`node -e 0` p50', value: percentile(bare, 50), unit: 'ms' };
    report('cli', [
      {
        metric: `spectask list --json, ${TASKS} SpecTasks × 30 items, p50 (${RUNS} runs)`,
        value: percentile(list, 50),
        unit: 'ms',
        reference: ref,
      },
      {
        metric: `spectask list --json, ${TASKS} SpecTasks, p95`,
        value: percentile(list, 95),
        unit: 'ms',
        reference: { ...ref, label: '`node -e 0` p95', value: percentile(bare, 95) },
      },
      { metric: 'spectask --version p50 (CLI load only)', value: percentile(version, 50), unit: 'ms', reference: ref },
    ]);
  } finally {
    fs.rmSync(repo, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
