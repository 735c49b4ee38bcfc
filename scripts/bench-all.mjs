// `npm run bench`: builds bench/*.bench.ts, runs each in its own process (one at a time: the machine has
// 2 cores), writes bench/results.json and prints one table. BENCH_ONLY=name,name runs a subset.
import { spawnSync } from 'node:child_process';
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const only = (process.env.BENCH_ONLY || '').split(',').filter(Boolean);
const entries = fs
  .readdirSync('bench')
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => !only.length || only.some((o) => f.startsWith(o)))
  .sort();
await esbuild.build({
  entryPoints: entries.map((f) => `bench/${f}`),
  outdir: 'out/bench',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  sourcemap: 'inline',
  logLevel: 'warning',
});
const results = [];
for (const f of entries) {
  const js = path.join('out/bench', f.replace(/\.ts$/, '.js'));
  const resultFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-')), 'r.json');
  console.log(`\n=== ${f} ===`);
  const r = spawnSync(process.execPath, ['--expose-gc', js], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_RESULT_FILE: resultFile },
  });
  if (r.status !== 0 || !fs.existsSync(resultFile)) {
    results.push({ bench: f, error: `exited ${r.status}` });
    continue;
  }
  results.push(JSON.parse(fs.readFileSync(resultFile, 'utf8')));
}
const machine = {
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model,
  memGiB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  date: new Date().toISOString(),
};
fs.writeFileSync('bench/results.json', JSON.stringify({ machine, results }, null, 2));
console.log(`\n=== results (${machine.cpus} cores, ${machine.memGiB} GiB, Node ${machine.node}) ===`);
console.log('| benchmark | figure | value | reference | ratio | target |\n|---|---|---|---|---|---|');
for (const r of results) {
  if (r.error) {
    console.log(`| ${r.bench} | FAILED: ${r.error} | | | | |`);
    continue;
  }
  for (const f of r.figures) {
    const ref = f.reference ? `${f.reference.label}: ${+f.reference.value.toFixed(2)} ${f.reference.unit}` : '';
    const ratio = f.reference ? `${(f.value / f.reference.value).toFixed(2)}×` : '';
    console.log(
      `| ${r.bench} | ${f.metric} | ${+f.value.toFixed(2)} ${f.unit} | ${ref} | ${ratio} | ${f.target ?? ''} |`,
    );
  }
}
process.exit(results.some((r) => r.error) ? 1 : 0);
