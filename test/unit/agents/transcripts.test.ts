import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildAgentEnv } from '../../../src/core/agents/agentEnv';
import { redactSecrets } from '../../../src/core/agents/redactSecrets';
import { RunEventChannel } from '../../../src/core/agents/runEventChannel';
import { TranscriptStore } from '../../../src/core/agents/transcriptStore';

/** A claude-cli run whose events come from `ch`, as the pool hands one to the transcript store. */
function runOf(ch: RunEventChannel, runId: string) {
  return {
    runId,
    backend: 'claude-cli',
    pid: undefined,
    events: ch.events,
    onEvent: ch.onEvent,
    sessionId: ch.sessionId,
    finished: ch.finished,
    cancel: async () => undefined,
  };
}

describe('TranscriptStore', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tx-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('stores each run as JSONL, redacts keys, reads it back and totals usage per run and per task', async () => {
    const store = new TranscriptStore(dir, () => ['my-secret-key-123']);
    for (const [runId, cost] of [
      ['r1', 0.25],
      ['r2', 0.5],
    ] as const) {
      const ch = new RunEventChannel();
      const recorded = store.record('000001', runOf(ch, runId));
      ch.push({ t: 'session', runId, backend: 'claude-cli', sessionId: 's' });
      ch.push({
        t: 'text',
        runId,
        text: 'key my-secret-key-123 and sk-ant-api03-abcdefghijkl and Bearer abcdefghijklmnopqrstuvwxyz',
        delta: false,
      });
      ch.push({
        t: 'result',
        runId,
        status: 'success',
        durationMs: 1,
        usage: { inputTokens: 100, outputTokens: 10, costUsd: cost },
      });
      await recorded;
    }
    const raw = fs.readFileSync(store.fileFor('000001', 'r1'), 'utf8');
    assert.ok(raw.startsWith('{"t":"session"'));
    assert.doesNotMatch(raw, /my-secret-key-123|abcdefghijkl|abcdefghijklmnop/);
    assert.deepEqual(
      store.read('000001', 'r1').map((e) => e.t),
      ['session', 'text', 'result'],
    );
    assert.deepEqual(store.listRuns('000001').sort(), ['r1', 'r2']);
    assert.deepEqual(store.runTotals('000001', 'r2'), { inputTokens: 100, outputTokens: 10, costUsd: 0.5 });
    assert.deepEqual(store.taskTotals('000001'), { runs: 2, inputTokens: 200, outputTokens: 20, costUsd: 0.75 });
  });

  it('writes a live run through one open file: every event readable at once, on disk after flush, the file closed at the end', async () => {
    const store = new TranscriptStore(dir);
    const ch = new RunEventChannel();
    const recorded = store.record('000002', runOf(ch, 'live'));
    const file = store.fileFor('000002', 'live');
    const openFds = () =>
      fs.existsSync('/proc/self/fd')
        ? fs.readdirSync('/proc/self/fd').filter((fd) => {
            try {
              return fs.readlinkSync(`/proc/self/fd/${fd}`) === file;
            } catch {
              return false;
            }
          }).length
        : undefined;
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 50; i++)
        ch.push({ t: 'text', runId: 'live', text: `round ${round} line ${i}`, delta: false });
      await new Promise((r) => setImmediate(r)); // the recorder takes the events in
      // Readable whatever part is on disk yet: in order, without duplicates.
      const texts = store.read('000002', 'live').map((e) => (e.t === 'text' ? e.text : ''));
      assert.equal(texts.length, (round + 1) * 50);
      assert.equal(texts.at(-1), `round ${round} line 49`);
    }
    await store.flush(); // while the run still records
    assert.equal(fs.readFileSync(file, 'utf8').trim().split('\n').length, 1000, 'every event on disk after flush');
    if (openFds() !== undefined) assert.equal(openFds(), 1, 'one descriptor held open while the run records');
    ch.push({ t: 'result', runId: 'live', status: 'success', durationMs: 1 });
    await recorded;
    assert.equal(store.read('000002', 'live').length, 1001);
    if (openFds() !== undefined) assert.equal(openFds(), 0, 'the file is closed when the run ends');
  });

  it('skips a torn last line and falls back to the last usage event when a run died without a result', () => {
    const store = new TranscriptStore(dir);
    store.append('t', { t: 'usage', runId: 'r', inputTokens: 7 });
    fs.appendFileSync(store.fileFor('t', 'r'), '{"t":"text","runId":"r","te');
    assert.equal(store.read('t', 'r').length, 1);
    assert.deepEqual(store.runTotals('t', 'r'), {
      inputTokens: 7,
      outputTokens: undefined,
      cacheReadTokens: undefined,
      costUsd: undefined,
    });
  });

  it('creates transcripts readable by the user alone (files 0600, folders 0700), through both write paths', async function () {
    if (process.platform === 'win32') {
      console.log('    skipped: file modes 0600/0700 are POSIX; Windows has ACLs instead');
      this.skip();
    }
    const umask = process.umask(0o022); // the common default: without explicit modes, files would be 0644
    try {
      const store = new TranscriptStore(path.join(dir, 'transcripts'));
      store.append('000003', { t: 'usage', runId: 'direct', inputTokens: 1 });
      const ch = new RunEventChannel();
      const recorded = store.record('000004', runOf(ch, 'live'));
      ch.push({ t: 'result', runId: 'live', status: 'success', durationMs: 1 });
      await recorded;
      for (const file of [store.fileFor('000003', 'direct'), store.fileFor('000004', 'live')]) {
        assert.equal(fs.statSync(file).mode & 0o777, 0o600, file);
        assert.equal(fs.statSync(path.dirname(file)).mode & 0o777, 0o700, path.dirname(file));
      }
      assert.equal(fs.statSync(path.join(dir, 'transcripts')).mode & 0o777, 0o700);
    } finally {
      process.umask(umask);
    }
  });

  it('refuses ids that could escape the folder', () => {
    assert.throws(() => new TranscriptStore(dir).fileFor('../x', 'r'), /unsafe/);
    assert.throws(() => new TranscriptStore(dir).fileFor('t', '..'), /unsafe/);
  });
});

describe('redactSecrets', () => {
  it('replaces known values and key shapes, keeps ordinary text', () => {
    assert.equal(redactSecrets('a AIzaSyA1234567890123456789012345678901 b'), 'a [REDACTED] b');
    assert.equal(redactSecrets('Authorization: Bearer abcdefghijklmnopqrstu'), 'Authorization: Bearer [REDACTED]');
    assert.equal(redactSecrets('task-list and sk-short'), 'task-list and sk-short');
  });
});

describe('RunEventChannel', () => {
  it('ends with exactly one result and replays every event to each consumer', async () => {
    const ch = new RunEventChannel();
    ch.push({ t: 'text', runId: 'r', text: 'a', delta: false });
    const first = (async () => {
      const got: string[] = [];
      for await (const e of ch.events) got.push(e.t);
      return got;
    })();
    ch.push({ t: 'result', runId: 'r', status: 'success', durationMs: 1 });
    ch.push({ t: 'result', runId: 'r', status: 'error', durationMs: 1 });
    ch.push({ t: 'text', runId: 'r', text: 'late', delta: false });
    const late: string[] = [];
    for await (const e of ch.events) late.push(e.t);
    assert.deepEqual(await first, ['text', 'result']);
    assert.deepEqual(late, ['text', 'result']);
    assert.equal((await ch.finished).status, 'success');
    assert.equal(await ch.sessionId, undefined);
  });
});

describe('buildAgentEnv', () => {
  it('copies only allow-listed names, then applies overrides and removals', () => {
    const env = buildAgentEnv(
      { PATH: '/bin', HOME: '/h', AWS_SECRET_ACCESS_KEY: 'x', GEMINI_API_KEY: 'g', OTHER: 'o' },
      ['GEMINI_API_KEY'],
      { HOME: '/state', GEMINI_API_KEY: undefined, NEW: '1' },
    );
    assert.deepEqual(env, { PATH: '/bin', HOME: '/state', NEW: '1' });
  });
});
