// Builds every bundle from one script (see README "Build"):
//   dist/extension.js  node, cjs, `vscode` external          dist/cli.js  node, cjs, VS Code-free: the design-docs
//   commands; dist/cliFull.js  node, cjs: every command, loaded by dist/cli.js for the others (src/cli/cliEntry.ts)
//   dist/gitWorker.js  node, cjs: the helper process that starts git processes for both
//   dist/mcp.js  node, cjs: the MCP SDK and server, required by `spectask mcp` only
//   dist/webview.js/.css  browser, iife, Preact JSX            --tests: out/test/{unit,integration,webview}
// Flags: --production (minify, no sourcemaps), --watch, --tests (also build the test bundles).
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';

const args = new Set(process.argv.slice(2));
const production = args.has('--production');
const watch = args.has('--watch');
const tests = args.has('--tests');
const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8'));

/** Fails the build when VS Code-free code imports `vscode` (DESIGN.md §3, house rule 1). */
const forbidVscode = {
  name: 'forbid-vscode',
  setup(build) {
    build.onResolve({ filter: /^vscode$/ }, (a) => ({
      errors: [
        {
          text: `'vscode' may not be imported from ${path.relative(process.cwd(), a.importer)}: src/core, src/protocol, src/cli, webview/ and the unit tests are VS Code-free (DESIGN.md §3).`,
        },
      ],
    }));
  },
};

/** Prints start/end lines that the VS Code esbuild problem matcher understands, for `--watch`. */
const problemMatcher = {
  name: 'problem-matcher',
  setup(build) {
    if (!watch) return;
    build.onStart(() => {
      console.log('[watch] build started');
    });
    build.onEnd((r) => {
      for (const e of r.errors)
        console.error(`✘ [ERROR] ${e.text}\n    ${e.location?.file}:${e.location?.line}:${e.location?.column}:`);
      console.log('[watch] build finished');
    });
  },
};

function walk(dir, pred) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p, pred) : pred(p) ? [p] : [];
  });
}

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  define: { __SPECTASK_VERSION__: JSON.stringify(pkg.version) },
  plugins: [problemMatcher],
};
const node = { ...common, platform: 'node', format: 'cjs', target: 'node20' };

const configs = [
  { ...node, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  {
    ...node,
    entryPoints: ['src/cli/cliEntry.ts'],
    outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' },
    plugins: [forbidVscode, problemMatcher],
  },
  // The whole CLI, loaded by dist/cli.js for every command but the design-docs ones (src/cli/cliEntry.ts).
  {
    ...node,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cliFull.js',
    plugins: [forbidVscode, problemMatcher],
  },
  // `spectask mcp`'s SDK and server, loaded by that command alone (src/cli/mcpCommand.ts).
  {
    ...node,
    entryPoints: ['src/cli/mcp/mcpBundle.ts'],
    outfile: 'dist/mcp.js',
    plugins: [forbidVscode, problemMatcher],
  },
  // The helper process that starts git processes for the extension and the CLI (src/core/git/gitWorker.ts).
  {
    ...node,
    entryPoints: ['src/core/git/gitWorker.ts'],
    outfile: 'dist/gitWorker.js',
    plugins: [forbidVscode, problemMatcher],
  },
  {
    ...common,
    entryPoints: { webview: 'webview/main.tsx' },
    outdir: 'dist',
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    loader: { '.ttf': 'file' },
    plugins: [forbidVscode, problemMatcher],
  },
];

if (tests) {
  const testNode = { ...node, sourcemap: 'inline', minify: false, packages: 'external' };
  configs.push(
    // Unit and webview tiers run on plain Node: an import of `vscode` anywhere in their graph fails here.
    {
      ...testNode,
      entryPoints: walk('test/unit', (p) => p.endsWith('.ts')),
      outdir: 'out/test/unit',
      outbase: 'test/unit',
      plugins: [forbidVscode],
    },
    {
      ...testNode,
      entryPoints: walk('test/webview', (p) => p.endsWith('.ts')),
      outdir: 'out/test/webview',
      outbase: 'test/webview',
      plugins: [forbidVscode],
    },
    {
      ...testNode,
      entryPoints: walk('test/integration', (p) => p.endsWith('.ts')),
      outdir: 'out/test/integration',
      outbase: 'test/integration',
      external: ['vscode'],
    },
  );
  // The ACP agent fixture the integration tier configures as a user's agent runs in the sandbox, which binds only
  // the script it names (a clone under /tmp is hidden): bundled with the SDK, it needs no node_modules there.
  configs.push({
    ...node,
    sourcemap: false,
    minify: false,
    format: 'esm',
    entryPoints: ['test/fixtures/agents/acp-asking-agent.mjs'],
    outfile: 'out/test/fixtures/acp-asking-agent.mjs',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  if (fs.existsSync('test/e2e')) {
    configs.push({
      ...testNode,
      entryPoints: walk('test/e2e', (p) => p.endsWith('.ts') && !p.includes('node_modules')),
      outdir: 'out/test/e2e',
      outbase: 'test/e2e',
      plugins: [forbidVscode],
    });
  }
  if (fs.existsSync('test/faults'))
    configs.push({
      ...testNode,
      entryPoints: walk('test/faults', (p) => p.endsWith('.ts')),
      outdir: 'out/test/faults',
      outbase: 'test/faults',
      plugins: [forbidVscode],
    });
}

// Codicons ship as a font + stylesheet; copy them so the webview can load them through asWebviewUri.
function copyCodicons() {
  const src = 'node_modules/@vscode/codicons/dist';
  fs.mkdirSync('dist/codicons', { recursive: true });
  for (const f of ['codicon.css', 'codicon.ttf']) fs.copyFileSync(path.join(src, f), path.join('dist/codicons', f));
}

if (watch) {
  const contexts = await Promise.all(configs.map((c) => esbuild.context(c)));
  copyCodicons();
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  const results = await Promise.allSettled(configs.map((c) => esbuild.build(c)));
  const failed = results.filter((r) => r.status === 'rejected');
  if (failed.length) {
    for (const f of failed) console.error(f.reason?.message ?? f.reason);
    process.exit(1);
  }
  copyCodicons();
  if (fs.existsSync('dist/cli.js')) fs.chmodSync('dist/cli.js', 0o755);
}
