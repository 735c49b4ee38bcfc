import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { designFiles, MAX_FILES } from '../../../src/core/orchestrator/overlap/designFiles';
import {
  firstOverlap,
  globsOverlap,
  literalPath,
  parseFileGlob,
} from '../../../src/core/orchestrator/overlap/fileGlobs';
import { changedFiles, checkPrediction } from '../../../src/core/orchestrator/overlap/predictedFiles';
import { planningPrompt } from '../../../src/core/orchestrator/prompts';
import { schedule, type SchedulableTask } from '../../../src/core/orchestrator/scheduler';
import type { SpecTaskStatus } from '../../../src/core/orchestrator/statusMachine';
import { GitRunner } from '../../../src/core/git/gitRunner';
import { replay } from '../../support/replayBackend';
import { git, makeCleanRepo } from '../../support/tempRepo';
import { disposeHarnessAfterEach, makeHarness, waitForStatus, type Harness } from '../../support/orchestratorHarness';

const globs = (...xs: string[]) => xs.map((x) => parseFileGlob(x)!);
const overlaps = (a: string, b: string) => globsOverlap(parseFileGlob(a)!, parseFileGlob(b)!);

describe('file-overlap prediction (issue 21)', () => {
  describe('the Files section', () => {
    it('reads list items, in backticks or bare, with globs, and stops at the next section', () => {
      const d = designFiles(
        [
          '# Design: x',
          '## Files',
          '- `src/app.js` — the entry point',
          '* ./src/util/*.ts (new)',
          '1. test/**/app.test.js: its tests',
          'prose that is not an item',
          '### Notes inside the section',
          '- README.md',
          '## Risks',
          '- not/a/file.js',
        ].join('\n'),
      )!;
      assert.deepEqual(
        d.globs.map((g) => g.text),
        ['src/app.js', 'src/util/*.ts', 'test/**/app.test.js', 'README.md'],
      );
      assert.equal(d.skipped, 0);
      assert.equal(designFiles('# Design: x\n## Architecture\n- src/app.js\n'), undefined, 'no section, no prediction');
    });

    it('skips hostile entries: absolute, .., backslashes, control and bidi characters, everything-globs, overlong', () => {
      const d = designFiles(
        [
          '## Files',
          '- /etc/passwd',
          '- ../outside.js',
          '- src/../../x',
          '- C:/win.txt',
          '- src\\app.js',
          '- src/a\u202Eb.js',
          '- **',
          '- **/*',
          '- *',
          `- ${'a/'.repeat(40)}b`,
          `- ${'x'.repeat(300)}`,
          '- src/ok.js',
        ].join('\n'),
      )!;
      assert.deepEqual(
        d.globs.map((g) => g.text),
        ['src/ok.js'],
      );
      assert.equal(d.skipped, 11);
    });

    it('keeps at most MAX_FILES entries and counts the rest', () => {
      const many = Array.from({ length: MAX_FILES + 5 }, (_, i) => `- f${i}.js`).join('\n');
      const d = designFiles(`## Files\n${many}`)!;
      assert.equal(d.globs.length, MAX_FILES);
      assert.equal(d.skipped, 5);
    });

    it('answers a pathological pattern pair and a huge document at once (no backtracking blow-up)', () => {
      // Quadratic at worst by construction; a backtracking matcher would take exponential time on these.
      const a = parseFileGlob(`${'*a'.repeat(90)}*`)!;
      const b = parseFileGlob(`${'a'.repeat(199)}`)!;
      assert.equal(globsOverlap(a, b), true);
      const c = parseFileGlob(`${'*a'.repeat(90)}*b`)!;
      assert.equal(globsOverlap(c, b), false);
      const deep = parseFileGlob(Array.from({ length: 15 }, () => '**/x*').join('/'))!;
      assert.equal(globsOverlap(deep, literalPath(Array.from({ length: 31 }, () => 'y').join('/'))), false);
      const big = `## Files\n${`- ${' '.repeat(100_000)}x\n`.repeat(20)}${'#'.repeat(6)} ${' #'.repeat(100_000)}\n`;
      assert.ok(designFiles(big));
    });

    it('the planning prompt asks for the section', () => {
      const p = planningPrompt({ number: '000001', title: 'T', goal: 'g' }, { repoRoot: '/r', taskFolder: '/f' });
      assert.match(p, /section "## Files"/);
    });
  });

  describe('overlap of globs', () => {
    it('decides whether two patterns can name one file', () => {
      assert.ok(overlaps('src/app.js', 'src/app.js'));
      assert.ok(overlaps('src/*.js', 'src/app.js'));
      assert.ok(overlaps('src/*.js', 'src/app.*'));
      assert.ok(overlaps('src/**', 'src/a/b/c.ts'));
      assert.ok(overlaps('**/app.js', 'src/app.js'));
      assert.ok(overlaps('src/**/x.ts', 'src/*/x.ts'));
      assert.ok(overlaps('src/a?c.js', 'src/abc.js'));
      assert.ok(!overlaps('src/*.js', 'src/app.css'));
      assert.ok(!overlaps('src/*.js', 'src/a/app.js'), '* stays in one segment');
      assert.ok(!overlaps('lib/**', 'src/app.js'));
      assert.ok(!overlaps('src/a?c.js', 'src/ac.js'));
      assert.ok(globsOverlap(parseFileGlob('src/*')!, literalPath('src/*')), 'a literal path with a star');
      assert.ok(!globsOverlap(parseFileGlob('src/x')!, literalPath('src/*')), "a changed file's * is literal");
    });

    it('names what both touch: the file when one side names it', () => {
      assert.equal(firstOverlap(globs('src/*.js'), globs('README.md', 'src/app.js')), 'src/app.js');
      assert.equal(firstOverlap(globs('src/*.js'), globs('src/a*')), 'src/*.js and src/a*');
      assert.equal(firstOverlap(globs('src/*.js'), globs('lib/x.js')), undefined);
    });
  });

  describe('the scheduler', () => {
    const task = (n: number, status: SpecTaskStatus, files?: string[], extra: Partial<SchedulableTask> = {}) => ({
      id: `t${n}`,
      number: String(n).padStart(6, '0'),
      status,
      priorityRank: 2,
      dependsOn: [],
      files: files && globs(...files),
      ...extra,
    });
    const limits = { planning: 3, implementation: 5, autoStart: false };

    it('holds an implementation whose files overlap a running one and says which task it waits for', () => {
      const tasks = [
        task(3, 'implementation', ['src/app.js', 'README.md']),
        task(4, 'queued_implementation', ['src/*.js']),
        task(5, 'queued_implementation', ['lib/other.js']),
        task(6, 'queued_implementation'),
      ];
      const d = schedule(tasks, limits);
      assert.deepEqual(
        d.start.map((s) => s.taskId),
        ['t5', 't6'],
        'no prediction is no hold',
      );
      assert.equal(d.queueReasons.get('t4'), 'waiting for #000003 (implementing): both touch src/app.js');
      const off = schedule(tasks, { ...limits, fileOverlap: 'off' });
      assert.deepEqual(
        off.start.map((s) => s.taskId),
        ['t4', 't5', 't6'],
      );
      const warn = schedule(tasks, { ...limits, fileOverlap: 'warn' });
      assert.equal(warn.start.length, 3);
      assert.deepEqual(warn.warnings, [
        'SpecTask #000004 started although it overlaps #000003 (implementing): both touch src/app.js',
      ]);
    });

    it('does not start two overlapping implementations in the same pass', () => {
      const d = schedule(
        [task(1, 'queued_implementation', ['src/app.js']), task(2, 'queued_implementation', ['src/**'])],
        limits,
      );
      assert.deepEqual(
        d.start.map((s) => s.taskId),
        ['t1'],
      );
      assert.equal(d.queueReasons.get('t2'), 'waiting for #000001 (implementing): both touch src/app.js');
    });

    it('says "waiting for #000003 (implementing)" for a dependency', () => {
      const d = schedule(
        [task(3, 'implementation'), task(4, 'queued_implementation', undefined, { dependsOn: ['t3'] })],
        limits,
      );
      assert.equal(d.queueReasons.get('t4'), 'waiting for #000003 (implementing)');
    });
  });

  it('compares the prediction with the real diff of the branch (real git)', async () => {
    const repo = makeCleanRepo();
    git(repo, 'checkout', '-q', '-b', 'feature');
    fs.mkdirSync(path.join(repo, 'src'), { recursive: true });
    fs.writeFileSync(path.join(repo, 'src', 'app.js'), 'x\n');
    fs.writeFileSync(path.join(repo, 'src', 'extra.js'), 'y\n');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'work');
    git(repo, 'checkout', '-q', 'main');
    fs.writeFileSync(path.join(repo, 'base-only.txt'), 'the base moved\n');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'base');
    const changed = await changedFiles(new GitRunner(repo), 'refs/heads/main', 'refs/heads/feature');
    assert.deepEqual(changed.sort(), ['src/app.js', 'src/extra.js'], 'only the branch, not what the base did');
    assert.deepEqual(checkPrediction(globs('src/app.js', 'docs/*.md'), changed), {
      predicted: ['src/app.js', 'docs/*.md'],
      changed,
      unpredicted: ['src/extra.js'],
      untouched: ['docs/*.md'],
    });
  });
});

describe('overlap holding a task back (orchestrator, real git)', function () {
  this.timeout(60_000);
  let h: Harness | undefined;
  disposeHarnessAfterEach(
    () => h,
    () => (h = undefined),
  );

  it('starts the second implementation only when the first, which touches the same file, has finished', async () => {
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    h = await makeHarness(async (ctx) => {
      const number = /SpecTask #(\d{6})/.exec(ctx.req.prompt)![1];
      if (number === '000001') await gate;
      await replay.implement(ctx, number);
    });
    const ids: string[] = [];
    for (const n of [1, 2]) ids.push(await h.orchestrator.create({ title: `Overlap ${n}` }));
    for (const id of ids) {
      const t = h.orchestrator.task(id)!;
      fs.writeFileSync(path.join(t.path, 'tasks.md'), `# Implementation Tasks: ${t.title}\n\n- [ ] T1: one\n`);
      fs.writeFileSync(path.join(t.path, 'design.md'), `# Design: ${t.title}\n\n## Files\n\n- \`src/app.js\`\n`);
    }
    await h.orchestrator.skipPlanning(ids[0]);
    await waitForStatus(h, ids[0], 'implementation');
    await h.orchestrator.skipPlanning(ids[1]);
    const card = () => h!.orchestrator.fleetSnapshot().cards.find((c) => c.taskId === ids[1])!;
    // The scheduler's pass is asynchronous: wait for it to have said something about the second task.
    for (let t0 = Date.now(); !card().queueReason && Date.now() - t0 < 10_000;)
      await new Promise((r) => setTimeout(r, 20));
    assert.equal(h.orchestrator.task(ids[1])!.status, 'queued_implementation', 'held while #000001 implements');
    assert.equal(card().queueReason, 'waiting for #000001 (implementing): both touch src/app.js');
    assert.equal(h.backend.calls.length, 1);
    open();
    await waitForStatus(h, ids[0], 'implementation_review');
    await waitForStatus(h, ids[1], 'implementation_review');
    assert.equal(h.backend.maxLive, 1, 'the two never ran at once');
    // After the run, the card compares the prediction with what the branch changed.
    const first = () => h!.orchestrator.fleetSnapshot().cards.find((c) => c.taskId === ids[0])!;
    for (let t0 = Date.now(); !first().filePrediction && Date.now() - t0 < 10_000;)
      await new Promise((r) => setTimeout(r, 20));
    assert.equal(
      first().filePrediction,
      'files predicted 1, changed 1; not predicted: src/step-000001-2.txt; predicted but unchanged: src/app.js',
    );
  });
});
