import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RunLedger, type LedgerRunStarted } from '../../../src/core/orchestrator/ledger';

const started = (runId: string, taskId = 't1'): LedgerRunStarted => ({
  kind: 'run-started',
  runId,
  taskId,
  phase: 'implementation',
  backend: 'claude-cli',
  cwd: '/w',
  at: 1,
});

describe('RunLedger', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is empty before anything is written', async () => {
    assert.deepEqual(await new RunLedger(dir).interruptedRuns(), []);
  });

  it('reports runs that started and never ended, with what was attached later', async () => {
    const l = new RunLedger(dir);
    await l.append(started('r1'));
    await l.append(started('r2'));
    await l.append({ kind: 'run-attached', runId: 'r2', pid: 4242, sessionId: 's-2', at: 2 });
    await l.append({ kind: 'run-ended', runId: 'r1', outcome: 'success', at: 3 });
    const open = await new RunLedger(dir).interruptedRuns();
    assert.deepEqual(
      open.map((r) => [r.runId, r.pid, r.sessionId]),
      [['r2', 4242, 's-2']],
    );
  });

  it('survives a torn last line from a crash and keeps appending after it', async () => {
    const l = new RunLedger(dir);
    await l.append(started('r1'));
    fs.appendFileSync(l.file, '{"kind":"run-ended","runId":"r1","outc'); // crash mid-write
    await l.append(started('r3'));
    const runs = await l.runs();
    assert.deepEqual(
      runs.map((r) => r.runId),
      ['r1', 'r3'],
    );
    assert.deepEqual(
      (await l.interruptedRuns()).map((r) => r.runId),
      ['r1', 'r3'],
    );
  });

  it('loses nothing under concurrent appends', async () => {
    const l = new RunLedger(dir);
    await Promise.all(Array.from({ length: 50 }, (_, i) => l.append(started(`r${i}`, `t${i}`))));
    assert.equal((await l.runs()).length, 50);
  });
});
