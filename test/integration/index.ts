// Loaded by the extension host through extensionTestsPath (code-server offline, or @vscode/test-electron).
// Must export run(): Promise<void>; VS Code turns resolve/reject into the process exit code.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha = require('mocha');

export function run(): Promise<void> {
  const resultFile = process.env.RESULT_FILE || path.resolve(__dirname, 'result.json');
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000 });
  // TEST_FILES=tasks,review (via EXT_ENV) runs only those files, for debugging one suite in the real host.
  // TEST_EXCLUDE leaves files out (the runner runs the whole-loop suite in its own session and workspace).
  const only = (process.env.TEST_FILES ?? '').split(',').filter(Boolean);
  const skip = (process.env.TEST_EXCLUDE ?? '').split(',').filter(Boolean);
  const files = fs
    .readdirSync(__dirname)
    .filter(
      (f) =>
        f.endsWith('.test.js') &&
        (!only.length || only.some((o) => f.startsWith(o))) &&
        !skip.some((o) => f.startsWith(o)),
    )
    .sort();
  for (const f of files) mocha.addFile(path.resolve(__dirname, f));
  const results: { title: string; state: string; err?: string }[] = [];
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const summary = {
        passed: results.filter((r) => r.state === 'passed').length,
        failed: failures,
        skipped: results.filter((r) => r.state === 'pending').length,
        results,
        pid: process.pid,
        node: process.version,
        vscodeVersion: (require('vscode') as typeof import('vscode')).version,
      };
      fs.writeFileSync(resultFile, JSON.stringify(summary, null, 2));
      console.log(`[tests] VS Code ${summary.vscodeVersion}: ${summary.passed} passed, ${summary.failed} failed`);
      if (failures > 0) reject(new Error(`${failures} tests failed.`));
      else resolve();
    });
    runner.on('pass', (t) => results.push({ title: t.fullTitle(), state: 'passed' }));
    runner.on('fail', (t, err) =>
      results.push({ title: t.fullTitle(), state: 'failed', err: String((err && err.stack) || err) }),
    );
    runner.on('pending', (t) => results.push({ title: t.fullTitle(), state: 'pending' }));
  });
}
