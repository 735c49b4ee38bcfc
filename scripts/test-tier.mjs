// Runs one test tier and prints "<tier>: N passed, N failed[, N skipped]" as its last line.
// usage: node scripts/test-tier.mjs <unit|integration|webview|e2e> [--no-build]
// Exit code: 0 when the tier passed, 1 otherwise. Used by `npm test` (scripts/test-all.mjs) and the per-tier scripts.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const tier = process.argv[2];
const build = !process.argv.includes('--no-build');
const tiers = {
  unit: () => runMocha('out/test/unit'),
  webview: () => runMocha('out/test/webview', ['--timeout', '30000']),
  integration: runIntegration,
  e2e: () => runMocha('out/test/e2e', ['--timeout', '180000']),
  faults: () => runMocha('out/test/faults', ['--timeout', '600000']),
};
if (!tiers[tier]) {
  console.error(`unknown tier '${tier}'; one of ${Object.keys(tiers).join(', ')}`);
  process.exit(2);
}
if (build) {
  const b = spawnSync(process.execPath, ['esbuild.mjs', '--tests'], { stdio: 'inherit' });
  if (b.status !== 0) finish({ passed: 0, failed: 1, skipped: 0, note: 'build failed' });
}
finish(tiers[tier]());

function testFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.test.js'))
    .map((f) => path.join(dir, f))
    .sort();
}

function runMocha(dir, extra = []) {
  const files = testFiles(dir);
  if (files.length === 0) return { passed: 0, failed: 0, skipped: 0, note: `no test files in ${dir}` };
  const resultFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tier-')), 'result.json');
  const r = spawnSync(
    process.execPath,
    [
      'node_modules/mocha/bin/mocha.js',
      '--reporter',
      'scripts/mocha-summary-reporter.cjs',
      '--enable-source-maps',
      ...extra,
      ...files,
    ],
    {
      stdio: 'inherit',
      env: { ...process.env, TIER_RESULT_FILE: resultFile },
    },
  );
  if (!fs.existsSync(resultFile))
    return { passed: 0, failed: 1, skipped: 0, note: `mocha exited ${r.status} before reporting` };
  const res = JSON.parse(fs.readFileSync(resultFile, 'utf8'));
  if (r.status !== 0 && res.failed === 0) res.failed = 1; // a crash after the last test still fails the tier
  return res;
}

/**
 * One code-server session running the in-host suite on a fresh copy of `fixture` (a git repository).
 * `prepare(ws)` may change the workspace first (false: it could not); `env` goes to run-vscode-tests.sh.
 */
function runVsCodeSession(fixture, extEnv, { prepare = () => true, env = {} } = {}) {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'spectask-ws-'));
  const mk = spawnSync('bash', ['scripts/make-fixture-repo.sh', fixture, ws], { stdio: 'inherit' });
  if (mk.status !== 0 || !prepare(ws))
    return { passed: 0, failed: 1, skipped: 0, note: `could not create a workspace from ${fixture}` };
  const resultFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tier-')), 'result.json');
  const snapDir = process.env.SNAP_DIR || path.resolve('test-results/screenshots');
  fs.mkdirSync(snapDir, { recursive: true });
  const extEnvAll = { ...JSON.parse(process.env.EXT_ENV || '{}'), ...extEnv };
  const r = spawnSync('bash', ['scripts/run-vscode-tests.sh', '.', 'out/test/integration/index.js', ws], {
    stdio: 'inherit',
    env: { ...process.env, ...env, RESULT_FILE: resultFile, SNAP_DIR: snapDir, EXT_ENV: JSON.stringify(extEnvAll) },
  });
  fs.rmSync(ws, { recursive: true, force: true });
  if (!fs.existsSync(resultFile))
    return { passed: 0, failed: 1, skipped: 0, note: 'the extension host wrote no result' };
  const res = JSON.parse(fs.readFileSync(resultFile, 'utf8'));
  console.log(
    `integration session ran inside VS Code ${res.vscodeVersion} (extension host Node ${res.node}); screenshots in ${snapDir}`,
  );
  if (r.status !== 0 && res.failed === 0) res.failed = 1;
  res.failures = (res.results ?? []).filter((t) => t.state === 'failed').map(({ title, err }) => ({ title, err }));
  return res;
}

function runIntegration() {
  const only = JSON.parse(process.env.EXT_ENV || '{}').TEST_FILES;
  const res = { passed: 0, failed: 0, skipped: 0 };
  const add = (r) => {
    if (r.note) console.log(`integration: ${r.note}`);
    res.failures = [...(res.failures ?? []), ...(r.failures ?? [])];
    res.passed += r.passed;
    res.failed += r.failed;
    res.skipped += r.skipped ?? 0;
  };
  // The main suites share one workspace; the whole-loop suite gets its own, scaffolded from a sample project;
  // the reload suite gets its own too, because it reloads the window (its stages share RELOAD_STATE_FILE); the
  // hostile-input suites get their own, since they leave two dozen SpecTasks and notifications behind.
  // The trust suite gets a session of its own with Workspace Trust on, on a hostile repository.
  const ownSession = /^(wholeLoop|reload|hostileTitles|secrets|trust)(,(hostileTitles|secrets))*$/;
  if (!only || !ownSession.test(only))
    add(runVsCodeSession('test/fixtures/workspace', { TEST_EXCLUDE: 'wholeLoop,reload,hostileTitles,secrets,trust' }));
  if (!only || /wholeLoop/.test(only)) add(runVsCodeSession('samples/empty-project', { TEST_FILES: 'wholeLoop' }));
  if (!only || /hostileTitles|secrets/.test(only))
    add(runVsCodeSession('test/fixtures/workspace', { TEST_FILES: only ?? 'hostileTitles,secrets' }));
  if (!only || /reload/.test(only)) {
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'reload-'));
    // The reload suite's gated fixture agents beat into files of this folder, outside their worktrees: the
    // agent sandbox refuses that by design (the whole machine read-only, /tmp private), so this one session runs
    // agents without it. The sandbox itself is tested in the unit and e2e tiers and in the other sessions.
    console.log('reload session: agents run without the sandbox (its fixture agents write outside their worktrees)');
    add(
      runVsCodeSession(
        'test/fixtures/workspace',
        { TEST_FILES: 'reload', RELOAD_STATE_FILE: path.join(stateDir, 'state.json') },
        { env: { MACHINE_SETTINGS_JSON: JSON.stringify({ 'spectask.agents.sandbox': 'off' }) } },
      ),
    );
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
  if (!only || /trust/.test(only)) add(runTrustSession());
  if (only) return res;
  // The packaged .vsix, installed into a fresh offline VS Code, must show the sidebar too.
  const pack = spawnSync('npm', ['run', '--silent', 'package'], { stdio: 'inherit' });
  const smoke = pack.status === 0 ? spawnSync('bash', ['scripts/vsix-smoke.sh'], { stdio: 'inherit' }) : pack;
  if (smoke.status === 0) res.passed++;
  else res.failed++;
  // `npm run package` rebuilt dist/ for production; rebuild the development bundles the other tiers use.
  spawnSync(process.execPath, ['esbuild.mjs', '--tests'], { stdio: 'inherit' });
  return res;
}

/**
 * The Workspace Trust session (test/integration/trust.test.ts): code-server WITHOUT --disable-workspace-trust on a
 * repository armed like a hostile clone (scripts/lib/make-hostile-repo.sh: hooks, core.fsmonitor and a
 * .vscode/settings.json whose endpoint is a recorder process started here). The extension host finds `git`
 * first in a folder whose `git` logs every call and then runs the real one. The suite reads the markers, the
 * git log and the recorder's log.
 */
function runTrustSession() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spectask-trust-'));
  const f = (name) => path.join(dir, name);
  const recorder = spawn(process.execPath, ['scripts/lib/request-recorder.mjs', f('hostile.log'), f('hostile.port')], {
    stdio: 'inherit',
  });
  try {
    const waitUntil = Date.now() + 30_000;
    while (!fs.existsSync(f('hostile.port')) && Date.now() < waitUntil)
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    if (!fs.existsSync(f('hostile.port')))
      return { passed: 0, failed: 1, skipped: 0, note: 'the request recorder did not start' };
    const hostileUrl = `http://127.0.0.1:${fs.readFileSync(f('hostile.port'), 'utf8').trim()}/v1`;
    const realGit = spawnSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).stdout.trim();
    fs.mkdirSync(f('bin'));
    fs.writeFileSync(f('git.log'), '');
    fs.writeFileSync(
      f('bin/git'),
      `#!/bin/sh\necho "$(pwd) :: $* :: $(tr '\\0' ' ' < /proc/$PPID/cmdline | cut -c1-120)" >> '${f('git.log')}'\nexec '${realGit}' "$@"\n`,
      { mode: 0o755 },
    );
    return runVsCodeSession(
      'test/fixtures/workspace',
      {
        TEST_FILES: 'trust',
        TRUST_MARKERS: f('markers'),
        TRUST_GIT_LOG: f('git.log'),
        TRUST_HOSTILE_LOG: f('hostile.log'),
        TRUST_HOSTILE_URL: hostileUrl,
        PATH: `${f('bin')}:${process.env.PATH}`,
      },
      {
        prepare: (ws) =>
          spawnSync('bash', ['scripts/lib/make-hostile-repo.sh', ws, f('markers'), hostileUrl], { stdio: 'inherit' })
            .status === 0,
        // VS Code's own git extension starts once the folder is trusted, and its `git status` would run the
        // repository's fsmonitor: the suite must see only what the extension runs.
        env: { WORKSPACE_TRUST: '1', USER_SETTINGS_JSON: JSON.stringify({ 'git.enabled': false }) },
      },
    );
  } finally {
    recorder.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function finish(res) {
  if (res.note) console.log(`${tier}: ${res.note}`);
  // CI keeps only the tail of a long log: name each failed test (and its error's first line) beside the count.
  for (const f of res.failures ?? []) {
    const why =
      String(f.err ?? '')
        .split('\n')
        .find((l) => l.trim()) ?? '';
    console.log(`${tier} failed: ${f.title}${why ? ` — ${why.trim().slice(0, 300)}` : ''}`);
  }
  console.log(`${tier}: ${res.passed} passed, ${res.failed} failed, ${res.skipped ?? 0} skipped`);
  process.exit(res.failed === 0 ? 0 : 1);
}
