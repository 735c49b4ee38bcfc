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
});
