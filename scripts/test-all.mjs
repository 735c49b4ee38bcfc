// `npm test`: builds once, runs every tier in turn (even after a failure, so one run shows everything),
// then repeats each tier's "N passed, N failed" line at the end. Exit code 1 if any tier failed.
// SPECTASK_TIERS=unit,webview limits the tiers (e.g. on a machine without the offline VS Code).
import { spawnSync } from 'node:child_process';

const all = ['unit', 'webview', 'integration', 'e2e', 'faults'];
const tiers = (process.env.SPECTASK_TIERS || all.join(',')).split(',').filter(Boolean);
const build = spawnSync(process.execPath, ['esbuild.mjs', '--tests'], { stdio: 'inherit' });
if (build.status !== 0) {
  console.log('build failed');
  for (const t of tiers) console.log(`${t}: 0 passed, 1 failed`);
  process.exit(1);
}
const summary = [];
const failedTests = []; // "<tier> failed: <test> — <error>", repeated after the counts: CI keeps the log's tail
let ok = true;
for (const t of tiers) {
  console.log(`\n=== ${t} tier ===`);
  const r = spawnSync(process.execPath, ['scripts/test-tier.mjs', t, '--no-build'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  process.stdout.write(r.stdout);
  const line = r.stdout
    .trim()
    .split('\n')
    .reverse()
    .find((l) => /^\w+: \d+ passed, \d+ failed/.test(l));
  summary.push(line ?? `${t}: 0 passed, 1 failed`);
  const countLine = /^\w+: \d+ passed, \d+ failed/;
  failedTests.push(
    ...r.stdout.split('\n').filter((l) => l.startsWith(`${t}`) && /^\w+( failed)?: /.test(l) && !countLine.test(l)),
  );
  if (r.status !== 0) ok = false;
}
console.log('\n=== summary ===');
for (const l of summary) console.log(l);
for (const l of failedTests) console.log(l);
process.exit(ok ? 0 : 1);
