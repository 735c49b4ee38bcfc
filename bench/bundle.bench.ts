// Extension bundle (DESIGN.md §10 "Activation: lazy; the host bundle loads in tens of milliseconds"):
// the size of dist/extension.js and the time `require` of it takes in a fresh Node process, with the
// `vscode` module resolved to an empty stub. What is measured is module load only (reading, compiling and
// running the bundle's top level) — not activate(), which needs a real VS Code (the integration tier runs
// it). Reference, same run: `require` of an empty bundle built by esbuild with the same format and target.
import { spawnSync } from 'node:child_process';
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { percentile, report } from './benchKit';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);

/** Loads `file` in a fresh process with `vscode` stubbed; prints the require time in ms. */
const LOADER = `
const Module = require('node:module');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) { return request === 'vscode' ? require.resolve(process.env.STUB) : resolve.call(this, request, ...rest); };
const t0 = process.hrtime.bigint();
require(process.env.BUNDLE);
process.stdout.write(String(Number(process.hrtime.bigint() - t0) / 1e6));
`;

function loadTimes(bundle: string, stub: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = spawnSync(process.execPath, ['-e', LOADER], {
      env: { ...process.env, BUNDLE: bundle, STUB: stub },
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`loading ${bundle} failed: ${r.stderr}`);
    out.push(Number(r.stdout));
  }
  return out;
}

async function main(): Promise<void> {
  // Built now, so the figure is the current source's bundle.
  spawnSync(process.execPath, ['esbuild.mjs'], { stdio: 'inherit' });
  const bundle = path.resolve('dist/extension.js');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-bundle-'));
  const stub = path.join(dir, 'vscode-stub.js');
  // Every `vscode.X` the bundle names, as a stand-in that can be constructed, called and read from, so
  // top-level code (enums, new ThemeIcon(…)) runs. esbuild copies the module's own keys, hence real keys.
  const names = [
    ...new Set([...fs.readFileSync(bundle, 'utf8').matchAll(/\bvscode\d*\.([A-Za-z_$][\w$]*)/g)].map((m) => m[1])),
  ];
  fs.writeFileSync(
    stub,
    `const any = new Proxy(function () {}, { get: (t, k) => (k === Symbol.toPrimitive ? () => 0 : any), construct: () => any, apply: () => any });\nfor (const n of ${JSON.stringify(names)}) exports[n] = any;\n`,
  );
  const entry = path.join(dir, 'empty.ts');
  fs.writeFileSync(entry, 'export function activate(): void {}\nexport function deactivate(): void {}\n');
  const empty = path.join(dir, 'empty.js');
  await esbuild.build({
    entryPoints: [entry],
    outfile: empty,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    logLevel: 'warning',
  });
  try {
    const ext = loadTimes(bundle, stub);
    const base = loadTimes(empty, stub);
    const size = fs.statSync(bundle).size;
    const emptyRef = { label: 'empty bundle, same format (p50)', value: percentile(base, 50), unit: 'ms' };
    report('bundle', [
      {
        metric: 'dist/extension.js size',
        value: size / 1024,
        unit: 'KiB',
        reference: { label: 'empty bundle of the same format', value: fs.statSync(empty).size / 1024, unit: 'KiB' },
      },
      {
        metric: `require(dist/extension.js) p50 (module load only, vscode stubbed, ${RUNS} fresh processes)`,
        value: percentile(ext, 50),
        unit: 'ms',
        reference: emptyRef,
        target: 'tens of ms',
      },
      {
        metric: 'require(dist/extension.js) p95',
        value: percentile(ext, 95),
        unit: 'ms',
        reference: { ...emptyRef, label: 'empty bundle, same format (p95)', value: percentile(base, 95) },
      },
    ]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
