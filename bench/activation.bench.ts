// Activation in a real VS Code (DESIGN.md §10 "Activation: lazy; the host bundle loads in tens of
// milliseconds"): the offline VS Code of the integration tier (code-server) starts on a fresh fixture workspace,
// the extension activates, and its own timing (src/vscode/activationTiming.ts, read through its API by
// test/integration/activation.test.ts) is collected: module evaluation, the host's own time until it calls
// activate(), and activate(). A few fresh sessions.
// Reference, same sessions: the module evaluation of the same bundle, as the floor activate() adds to.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { percentile, report } from './benchKit';

const RUNS = Number(process.env.BENCH_ACTIVATION_RUNS ?? 3);

interface Timing {
  moduleLoadMs: number;
  waitForActivateMs: number;
  activateMs: number;
  vscode: string;
}

function session(): Timing {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-activation-ws-'));
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-activation-'));
  const timingFile = path.join(out, 'timing.json');
  try {
    const mk = spawnSync('bash', ['scripts/make-fixture-repo.sh', 'test/fixtures/workspace', ws], { stdio: 'inherit' });
    if (mk.status !== 0) throw new Error('could not create the fixture workspace');
    const r = spawnSync('bash', ['scripts/run-vscode-tests.sh', '.', 'out/test/integration/index.js', ws], {
      encoding: 'utf8',
      env: {
        ...process.env,
        RESULT_FILE: path.join(out, 'result.json'),
        SNAP_DIR: path.join(out, 'shots'),
        EXT_ENV: JSON.stringify({ TEST_FILES: 'activation', ACTIVATION_TIMING_FILE: timingFile }),
      },
    });
    if (!fs.existsSync(timingFile))
      throw new Error(`the extension reported no timing (exit ${r.status}):\n${(r.stdout + r.stderr).slice(-2000)}`);
    return JSON.parse(fs.readFileSync(timingFile, 'utf8')) as Timing;
  } finally {
    fs.rmSync(ws, { recursive: true, force: true });
    fs.rmSync(out, { recursive: true, force: true });
  }
}

function main(): void {
  const build = spawnSync(process.execPath, ['esbuild.mjs', '--tests'], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('build failed');
  const runs: Timing[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(session());
  const load = runs.map((t) => t.moduleLoadMs);
  const wait = runs.map((t) => t.waitForActivateMs);
  const act = runs.map((t) => t.activateMs);
  const floor = {
    label: 'module evaluation of the bundle in the same host (p50)',
    value: percentile(load, 50),
    unit: 'ms',
  };
  const list = (xs: number[]) => xs.map((v) => v.toFixed(1)).join(', ');
  console.log(
    `VS Code ${runs[0].vscode} (code-server), ${RUNS} fresh sessions: module evaluation ${list(load)} ms; host until activate() ${list(wait)} ms; activate() ${list(act)} ms`,
  );
  report('activation', [
    {
      metric: `module evaluation of dist/extension.js in VS Code p50 (${RUNS} fresh sessions)`,
      value: percentile(load, 50),
      unit: 'ms',
      target: 'tens of ms',
    },
    {
      metric: 'activate() in VS Code p50',
      value: percentile(act, 50),
      unit: 'ms',
      reference: floor,
      target: 'tens of ms',
    },
    {
      metric: 'module evaluation + activate() p50',
      value: percentile(
        load.map((v, i) => v + act[i]),
        50,
      ),
      unit: 'ms',
      reference: floor,
      target: 'tens of ms',
    },
    {
      metric: "VS Code's own time between the module's evaluation and its activate() call p50 (not ours)",
      value: percentile(wait, 50),
      unit: 'ms',
    },
  ]);
}

main();
