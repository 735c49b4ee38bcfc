import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import type { AgentEvent } from '../../src/core/agents/agentEvents';
import type { BaseParseState, CliAdapter } from '../../src/core/agents/cliAdapter';
import { ClaudeAdapter } from '../../src/core/agents/claudeAdapter';
import { CodexAdapter } from '../../src/core/agents/codexAdapter';
import { GeminiAdapter } from '../../src/core/agents/geminiAdapter';
import { SpecTaskReader } from '../../src/core/docs/specTaskReader';
import { newSpecTaskRecord, validateSpecTaskRecord } from '../../src/core/docs/specTaskSchema';
import { parseWebviewMessage } from '../../src/protocol/messages';
import { cleanupTemp, git, makeRepo, tempDir, userState } from '../support/tempRepo';
import { recordInput, tally } from './counters';

// Issue 10, "Bad input": thousands of generated inputs through every parser at a trust boundary. Each must
// either accept the input or reject it cleanly (undefined, a validation result, a notice); a throw is a crash.
const RUNS = Number(process.env.FAULTS_FUZZ_RUNS || 2000);

function classify(area: string, f: () => 'rejected' | 'accepted'): void {
  try {
    recordInput(area, f());
  } catch (e) {
    recordInput(area, 'crashed', (e as Error).stack?.split('\n').slice(0, 3).join(' ') ?? String(e));
  }
}

const crashes = (area: string) => tally.areas[area]?.crashed ?? 0;

describe('faults: bad-input fuzzing', function () {
  this.timeout(300_000);
  after(() => cleanupTemp());

  it(`parseWebviewMessage: ${RUNS * 2} random JSON values and message-shaped objects never throw`, () => {
    const A = 'webview message validator';
    const shaped = fc.record(
      {
        type: fc.constantFrom(
          'webview/ready',
          'webview/resync',
          'task/action',
          'link/open',
          'command/run',
          'fleet/snapshot',
          '__proto__',
          '',
        ),
        protocol: fc.anything(),
        deltas: fc.oneof(fc.boolean(), fc.anything()),
        taskId: fc.anything(),
        action: fc.oneof(fc.constantFrom('stop', 'retry', 'review', 'constructor'), fc.anything()),
        href: fc.oneof(fc.string({ maxLength: 3000 }), fc.anything()),
        command: fc.oneof(fc.constantFrom('spectask.tasks.refresh', 'workbench.action.terminal.new'), fc.anything()),
      },
      { requiredKeys: ['type'] },
    );
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.anything(), shaped), (v) => {
        classify(A, () => {
          const m = parseWebviewMessage(v);
          if (m === undefined) return 'rejected';
          // What passes is exactly one of the five shapes, with no extra fields leaking through.
          const allowed: Record<string, string[]> = {
            'webview/ready': ['type', 'protocol', 'deltas'],
            'webview/resync': ['type', 'protocol'],
            'task/action': ['type', 'taskId', 'action'],
            'link/open': ['type', 'href'],
            'command/run': ['type', 'command'],
          };
          const keys = allowed[m.type];
          if (!keys || Object.keys(m).some((k) => !keys.includes(k)))
            throw new Error(`accepted an unexpected shape: ${JSON.stringify(m)}`);
          if (m.type === 'command/run' && m.command !== 'spectask.tasks.refresh')
            throw new Error(`accepted command ${m.command}`);
          return 'accepted';
        });
      }),
      { numRuns: RUNS * 2 },
    );
    assert.equal(crashes(A), 0);
  });

  it(`validateSpecTaskRecord: ${RUNS} corrupted records never throw`, () => {
    const A = 'spectask.json validator';
    const good = JSON.parse(JSON.stringify(newSpecTaskRecord({ number: 7, title: 'Good', prompt: 'p' }))) as Record<
      string,
      unknown
    >;
    const keys = Object.keys(good);
    const mutated = fc
      .tuple(fc.subarray(keys), fc.array(fc.tuple(fc.constantFrom(...keys), fc.anything()), { maxLength: 4 }))
      .map(([drop, set]) => {
        const r: Record<string, unknown> = { ...good };
        for (const k of drop) delete r[k];
        for (const [k, v] of set) r[k] = v;
        return r;
      });
    fc.assert(
      fc.property(fc.oneof(mutated, fc.anything(), fc.jsonValue()), (v) => {
        classify(A, () => (validateSpecTaskRecord(v).ok ? 'accepted' : 'rejected'));
      }),
      { numRuns: RUNS },
    );
    assert.equal(crashes(A), 0);
  });

  it('SpecTaskReader: corrupted spectask.json files on disk never throw, and the healthy task still loads', async () => {
    const A = 'spectask.json files (reader)';
    const root = tempDir('spectask-fuzz-reader-');
    const tasks = path.join(root, 'design', 'tasks');
    const healthy = path.join(tasks, '000001_healthy');
    fs.mkdirSync(healthy, { recursive: true });
    fs.writeFileSync(
      path.join(healthy, 'spectask.json'),
      JSON.stringify(newSpecTaskRecord({ number: 1, title: 'Healthy' }), null, 2),
    );
    fs.writeFileSync(path.join(healthy, 'tasks.md'), '# Tasks\n\n- [x] T1: a\n- [ ] T2: b\n');
    const base = JSON.stringify(newSpecTaskRecord({ number: 2, title: 'Victim' }), null, 2);
    const victim = path.join(tasks, '000002_victim');
    fs.mkdirSync(victim, { recursive: true });
    const reader = new SpecTaskReader(root);
    const corruptions = fc.oneof(
      fc.nat({ max: base.length }).map((n) => base.slice(0, n)), // truncated (a torn write)
      fc
        .tuple(fc.nat({ max: base.length - 1 }), fc.string({ minLength: 1, maxLength: 8 }))
        .map(([i, s]) => base.slice(0, i) + s + base.slice(i + 1)), // bytes flipped
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')),
      fc.constant('\u0000'.repeat(64)),
    );
    const samples = fc.sample(corruptions, { numRuns: Math.max(200, RUNS / 4), seed: 42 });
    for (const text of samples) {
      fs.writeFileSync(path.join(victim, 'spectask.json'), text);
      try {
        const list = await reader.list();
        const h = list.find((s) => s.id === '000001');
        if (!h || h.status !== 'backlog')
          throw new Error(`the healthy task did not load next to a corrupted one: ${JSON.stringify(h)}`);
        const v = list.find((s) => s.id === '000002');
        const d = await reader.details('design/tasks/000002_victim', 'current');
        recordInput(A, v?.problems.length || d.problems.length ? 'rejected' : 'accepted');
      } catch (e) {
        recordInput(A, 'crashed', `${(e as Error).message} on ${JSON.stringify(text.slice(0, 120))}`);
      }
    }
    assert.equal(crashes(A), 0);
  });

  const fixtures = path.resolve('test/fixtures/agents');
  const adapters: [string, () => CliAdapter<BaseParseState>, string][] = [
    ['claude', () => new ClaudeAdapter() as unknown as CliAdapter<BaseParseState>, 'claude-'],
    ['codex', () => new CodexAdapter() as unknown as CliAdapter<BaseParseState>, 'codex-'],
    ['gemini', () => new GeminiAdapter() as unknown as CliAdapter<BaseParseState>, 'gemini-'],
  ];
  for (const [name, make, prefix] of adapters) {
    it(`${name} stream parser: random and truncated real lines never throw, and every stream ends with exactly one result`, () => {
      const A = `${name} stream parser`;
      const real = fs
        .readdirSync(fixtures)
        .filter((f) => f.startsWith(prefix) && f.endsWith('.jsonl'))
        .flatMap((f) => fs.readFileSync(path.join(fixtures, f), 'utf8').split('\n').filter(Boolean));
      assert.ok(real.length > 5, `recorded ${name} lines found`);
      const truncated = fc.tuple(fc.constantFrom(...real), fc.nat()).map(([l, n]) => l.slice(0, n % (l.length + 1)));
      const mangledJson = fc.constantFrom(...real).chain((l) => {
        const o = JSON.parse(l) as Record<string, unknown>;
        return fc
          .tuple(fc.constantFrom(...Object.keys(o)), fc.anything())
          .map(([k, v]) => JSON.stringify({ ...o, [k]: v }));
      });
      const line = fc.oneof(
        truncated,
        mangledJson,
        fc.string({ maxLength: 300 }),
        fc.jsonValue().map((v) => JSON.stringify(v)),
        fc.constantFrom(...real),
      );
      const exits = fc.record({
        code: fc.oneof(fc.constant(null), fc.integer({ min: -1, max: 255 })),
        signal: fc.constantFrom(null, 'SIGKILL', 'SIGTERM'),
        durationMs: fc.nat(),
        stderrTail: fc.string({ maxLength: 100 }),
      });
      fc.assert(
        fc.property(fc.array(line, { maxLength: 25 }), exits, (lines, exit) => {
          const adapter = make();
          const state = adapter.createState('run-f', {
            taskId: '000001',
            worktree: '/tmp/wt',
            prompt: 'p',
            permissions: { mode: 'edit' },
          });
          for (const l of lines) {
            classify(A, () => {
              const ev: AgentEvent[] = adapter.parseLine(l, state);
              if (!Array.isArray(ev)) throw new Error('parseLine returned no array');
              if (ev.some((e) => e.t === 'result')) throw new Error('parseLine emitted a result; only finalize may');
              return ev.length === 0 || ev.every((e) => e.t === 'notice') ? 'rejected' : 'accepted';
            });
          }
          // The stream's end: exactly one result, whatever came before.
          try {
            const r = adapter.finalize(exit, state);
            if (r?.t !== 'result' || typeof r.status !== 'string')
              throw new Error(`finalize gave ${JSON.stringify(r)}`);
          } catch (e) {
            recordInput(A, 'crashed', `finalize: ${(e as Error).message}`);
          }
        }),
        { numRuns: Math.max(100, RUNS / 10) },
      );
      assert.equal(crashes(A), 0);
    });
  }

  it('hostile SpecTask titles through the CLI: the folder stays in design/tasks, the slug is safe, nothing runs', () => {
    const A = 'hostile titles (CLI create)';
    const CLI = path.resolve('dist/cli.js');
    const repo = makeRepo();
    const before = userState(repo);
    const canary = path.join(tempDir('spectask-canary-'), 'pwned');
    const titles = [
      '../../../../etc/passwd',
      '..\\..\\windows\\system32',
      '/absolute/path',
      '.',
      '..',
      '....//....//x',
      `$(touch ${canary})`,
      `\`touch ${canary}\``,
      `; touch ${canary}`,
      `| touch ${canary} &`,
      `"; touch ${canary}; echo "`,
      `' && touch ${canary} #`,
      'tab\there\nnewline\rcr\u0007bel\u001b[31mred\u007f' /* NUL cannot be in an argv at all */,
      '\u202Egnp.exe\u202C',
      'مرحبا \u200F rtl \u200E mark',
      '名前 🚀 emoji',
      'x'.repeat(10_000),
      '--help',
      '-rf',
      '%s%n%x',
      '{prompt}',
      '<script>alert(1)</script>',
      'CON',
      'aux.txt',
      '   ',
      '.git',
      'design/tasks/000001_x',
    ];
    const made: string[] = [];
    for (const title of titles) {
      try {
        let out: string;
        try {
          out = execFileSync(process.execPath, [CLI, 'create', title], {
            cwd: repo,
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'pipe'],
          });
        } catch (e) {
          const err = e as { status?: number; stderr?: string };
          // A clean refusal: a non-zero exit with a message, no stack trace.
          if (err.status && err.stderr && !/\n\s+at /.test(err.stderr)) {
            recordInput(A, 'rejected');
            continue;
          }
          throw new Error(`exit ${err.status}: ${err.stderr}`);
        }
        const tasksDir = path.join(repo, '.git-worktrees/helix-design-docs/design/tasks');
        const folders = fs.readdirSync(tasksDir).filter((f) => !made.includes(f));
        if (folders.length !== 1)
          throw new Error(`expected one new folder, found ${JSON.stringify(folders)} (${out.trim()})`);
        const f = folders[0]!;
        made.push(f);
        if (!/^\d{6}_[a-z0-9-]{1,25}$/.test(f)) throw new Error(`unsafe folder name ${JSON.stringify(f)}`);
        const rec = JSON.parse(fs.readFileSync(path.join(tasksDir, f, 'spectask.json'), 'utf8')) as { title: string };
        if (typeof rec.title !== 'string') throw new Error('no title stored');
        recordInput(A, 'accepted');
      } catch (e) {
        recordInput(A, 'crashed', `${JSON.stringify(title.slice(0, 40))}: ${(e as Error).message.slice(0, 300)}`);
      }
    }
    // Nothing outside design/tasks was written, nothing was executed, and the user's checkout is as it was.
    const docsWt = path.join(repo, '.git-worktrees/helix-design-docs');
    const stray = git(docsWt, 'ls-files')
      .split('\n')
      .filter(
        (p) =>
          p &&
          !p.startsWith('design/tasks/') &&
          !/^(README\.md|design\/README\.md|design\/spectask-counter\.json|\.spectask.*)$/.test(p),
      );
    if (stray.length) recordInput(A, 'crashed', `files outside design/tasks: ${stray.join(', ')}`);
    if (fs.existsSync(canary)) recordInput(A, 'crashed', 'a shell metacharacter title executed a command');
    if (JSON.stringify(userState(repo)) !== JSON.stringify(before))
      recordInput(A, 'crashed', "the user's checkout changed");
    assert.equal(crashes(A), 0, tally.violations.join('\n'));
  });
});
