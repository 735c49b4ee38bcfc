import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// Issue 22 item 1: `npm start` loaded the extension through the development payload, which only works with
// VS Code's smoke-test-driver option, and under that option the workbench shows no notification toast at all.
// It now links the working tree into code-server's extensions folder as an installed extension.
describe('npm start (scripts/start.sh)', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spectask-start-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('links the extension into the extensions folder under its installed name', () => {
    const exts = path.join(dir, 'exts');
    execFileSync('bash', ['-c', '. scripts/lib/link-extension.sh && link_extension "$1" .', 'link', exts]);
    const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8'));
    const link = path.join(exts, `${pkg.publisher}.${pkg.name}-${pkg.version}`);
    assert.ok(fs.lstatSync(link).isSymbolicLink(), `${link} is a symbolic link`);
    assert.equal(fs.realpathSync(link), fs.realpathSync('.'));
    // Linking again (a second `npm start` on the same folder) replaces the link instead of nesting one inside.
    execFileSync('bash', ['-c', '. scripts/lib/link-extension.sh && link_extension "$1" .', 'link', exts]);
    assert.deepEqual(fs.readdirSync(exts), [path.basename(link)]);
    assert.equal(fs.existsSync(path.join(link, path.basename(link))), false);
  });

  it('starts code-server without the smoke-test-driver option or the development payload', () => {
    const script = fs.readFileSync('scripts/start.sh', 'utf8');
    const code = script
      .split('\n')
      .filter((l) => !l.trimStart().startsWith('#'))
      .join('\n');
    assert.doesNotMatch(code, /enable-smoke-test-driver/, 'this option hides every notification toast');
    assert.doesNotMatch(code, /extensionDevelopmentPath|payload=/);
    assert.match(code, /link_extension "\$RUN\/exts" "\$ROOT"/);
    assert.match(code, /start_code_server "\$PORT" "\$UD" "\$RUN\/exts"\s*$/m);
  });

  // Issue 22 item 4: the sample's own tests failed out of the box (`Cannot find module 'express'`).
  const install = (ws: string) =>
    execFileSync('bash', ['-c', '. scripts/lib/install-sample-deps.sh && install_sample_deps "$1"', 'install', ws], {
      encoding: 'utf8',
    });
  const sample = (installCommand: unknown) => {
    const ws = path.join(dir, 'ws');
    fs.mkdirSync(ws, { recursive: true });
    fs.writeFileSync(path.join(ws, 'sample.json'), JSON.stringify({ id: 's', title: 'S', installCommand }));
    return ws;
  };

  it("installs the sample's dependencies with its own install command, and says so", () => {
    const ws = sample([
      'node',
      '-e',
      "require('fs').writeFileSync('installed', process.argv.slice(1).join(' '))",
      'a b',
    ]);
    const out = install(ws);
    assert.equal(fs.readFileSync(path.join(ws, 'installed'), 'utf8'), 'a b', 'run as an argument array, no shell');
    assert.match(out, /installing the sample's dependencies in .*: node -e/);
    assert.match(out, /done/);
  });

  it('says plainly when the install fails (no registry) and goes on', () => {
    const ws = sample(['node', '-e', 'process.exit(3)']);
    const out = install(ws); // exits 0: npm start goes on and opens the sample
    assert.match(out, /could not install the sample's dependencies \(is the package registry reachable\?\)/);
    assert.match(out, /its tests fail until you run/);
  });

  it('start.sh builds and installs with a line saying what it does', () => {
    const script = fs.readFileSync('scripts/start.sh', 'utf8');
    assert.match(script, /echo "building the extension/);
    assert.match(script, /install_sample_deps "\$WS"/);
    // Issue 22 item 19: npm's warnings about packages' install scripts looked alarming in the first minute; the
    // install says what it does in one line and prints npm's errors only.
    assert.match(script, /echo "installing the extension's npm packages \(npm ci\)…"/);
    assert.match(script, /npm ci --no-audit --no-fund --loglevel=error/);
  });
});
