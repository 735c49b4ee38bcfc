// Bundles src/main.jsx into dist/ with esbuild and copies public/ next to it.
// usage: node build.mjs            one production build into dist/
//        node build.mjs --serve    rebuild on change and serve dist/ on http://localhost:8000 (PORT to change)
import * as esbuild from 'esbuild';
import fs from 'node:fs';

const serve = process.argv.includes('--serve');

fs.rmSync('dist', { recursive: true, force: true });
fs.cpSync('public', 'dist', { recursive: true });

const options = {
  entryPoints: ['src/main.jsx'],
  bundle: true,
  outfile: 'dist/app.js',
  format: 'esm',
  jsx: 'automatic',
  target: ['es2020'],
  minify: !serve,
  sourcemap: serve ? 'inline' : false,
  define: { 'process.env.NODE_ENV': JSON.stringify(serve ? 'development' : 'production') },
  logLevel: 'info',
};

if (serve) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
  const { port } = await ctx.serve({ servedir: 'dist', port: Number(process.env.PORT) || 8000 });
  console.log(`dashboard on http://localhost:${port}`);
} else {
  await esbuild.build(options);
}
