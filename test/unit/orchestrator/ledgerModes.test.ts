import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RunLedger } from '../../../src/core/orchestrator/ledger';

describe('RunLedger file modes', () => {
  let dir: string;
  let umask: number;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-modes-'));
    umask = process.umask(0o022); // the common default: without explicit modes, files would be 0644
  });
  afterEach(() => {
    process.umask(umask);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('creates the ledger readable by the user alone (file 0600, its folder 0700)', async function () {
    if (process.platform === 'win32') {
      console.log('    skipped: file modes 0600/0700 are POSIX; Windows has ACLs instead');
      this.skip();
    }
    const root = path.join(dir, 'spectask', 'state');
    const ledger = new RunLedger(root);
    await ledger.append({
      kind: 'run-started',
      runId: 'r1',
      taskId: 't1',
      phase: 'implementation',
      backend: 'claude-cli',
      cwd: '/w',
      at: 1,
    });
    const file = ledger.file;
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.equal(fs.statSync(path.dirname(file)).mode & 0o777, 0o700);
  });
});
