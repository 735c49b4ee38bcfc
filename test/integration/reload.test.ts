import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SpecTaskApi } from '../../src/vscode/createExtension';
import type { SpecTaskRepository } from '../../src/vscode/extensionContext';
import { announceReload, confirmReloaded, driverAvailable, eventually, readText, snap } from './driver';
import {
  agentProcs,
  alive,
  descendsFrom,
  historyProblems,
  ledger,
  openRuns,
  taskSeen,
  untickedInHistory,
  userState,
  type HostSeen,
  type TaskSeen,
} from './reloadWitness';

// Issue 10: "Developer: Reload Window" while agents plan and implement, in the real VS Code. The suite
// dies with the extension host it runs in, so it runs in stages, one per extension host: each stage
// writes what it saw to RELOAD_STATE_FILE and reloads the window for real (workbench.action.reloadWindow);
// the reloaded workbench loads this same file in a fresh extension host, which reads the file and checks
// the invariants against it. Checks made by earlier hosts are replayed as tests, so the tier counts them.
//   host 1: a SpecTask planning and one implementing (two ticks committed), agents held there → reload
//   host 2: checks; with RELOADS=2 (default 1), approves the planned SpecTask and waits until its
//           implementation ticks → reload; host 3: checks (a run resumed once, interrupted again)
//   last host: releases the agents; both SpecTasks finish with every item ticked, no agent process left.
// scripts/test-tier.mjs runs this file in a code-server session of its own (it sets RELOAD_STATE_FILE).

const EXTENSION_ID = 'spectask.spectask';
const STATE_FILE = process.env.RELOAD_STATE_FILE;
/** How many times the window is reloaded (the environment, e.g. EXT_ENV='{"RELOADS":"2"}', may raise it). */
const RELOADS = Math.min(2, Math.max(1, Number(process.env.RELOADS) || 1));
const ITEMS = 8;
/** Where the test holds and releases its agents (test/fixtures/agents/gated-agent.mjs). */
const GATES = STATE_FILE ? path.join(path.dirname(STATE_FILE), 'gates') : '';
const gate = (name: string, taskNumber: string | number, content?: string) => {
  const f = path.join(GATES, `${name}-${String(taskNumber).padStart(6, '0')}`);
  if (content === undefined) fs.rmSync(f, { force: true });
  else fs.writeFileSync(f, content);
};
// Upper bounds for waits only (never asserted): the machine running the tiers may be heavily loaded.
const LONG = 90_000;
const SETTINGS: [string, unknown][] = [
  ['agents.planning.backend', 'custom'],
  ['agents.implementation.backend', 'custom'],
];

interface Check {
  host: number;
  title: string;
  err?: string;
}
interface ReloadState {
  stage: number;
  marker: string;
  /** The user's checkout before any agent ran. */
  user: Record<string, string>;
  /** Task ids: the one that goes through planning, the one that skips it. */
  planned: string;
  direct: string;
  checks: Check[];
  seen: HostSeen[];
  /** Figures for the report, per reload. */
  figures: Record<string, number | string>[];
}

const readState = (): ReloadState | undefined =>
  STATE_FILE && fs.existsSync(STATE_FILE)
    ? (JSON.parse(fs.readFileSync(STATE_FILE, 'utf8')) as ReloadState)
    : undefined;
const writeState = (s: ReloadState) => {
  fs.writeFileSync(`${STATE_FILE}.tmp`, JSON.stringify(s, null, 1));
  fs.renameSync(`${STATE_FILE}.tmp`, STATE_FILE!);
};

/**
 * Polls `fn` (every 300 ms: the checks run inside the host under test and must not crowd it) until it
 * returns a truthy value; the failure message is made when the wait fails, so it shows the state then.
 */
async function until<T>(fn: () => Promise<T> | T, what: () => Promise<string> | string, ms = LONG): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > ms) throw new Error(`${await what()}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

describe('Reload Window in the middle of agent runs, in a real VS Code', function () {
  this.timeout(300_000);
  const state = readState();
  const stage = state?.stage ?? 0;
  if (!STATE_FILE) {
    it('needs the staged runner (scripts/test-tier.mjs sets RELOAD_STATE_FILE)', function () {
      console.log(
        '    skipped: a window reload kills this mocha run; only the staged runner of npm run test:integration can resume it in the new host',
      );
      this.skip();
    });
    return;
  }
  if (stage > 0) confirmReloaded();
  for (const c of state?.checks ?? []) {
    it(`host ${c.host + 1} of ${RELOADS + 1}: ${c.title}`, () => {
      if (c.err) throw new Error(c.err);
    });
  }

  describe(`host ${stage + 1} of ${RELOADS + 1}`, function () {
    const checks: Check[] = [];
    /** Milliseconds since the previous host asked for the reload, and what it found; for the report. */
    const figures: Record<string, number | string> = { reload: stage };
    let api: SpecTaskApi;
    let repo: SpecTaskRepository;
    let st: ReloadState;
    const ext = () => vscode.extensions.getExtension<SpecTaskApi>(EXTENSION_ID)!;
    const cfg = () => vscode.workspace.getConfiguration('spectask');
    const tasksOf = () =>
      Promise.all([st.planned, st.direct].map((id) => taskSeen(repo.designDocsRoot, repo.taskFolder(id)!)));
    const status = (id: string) => repo.orchestrator.task(id)?.status;
    const describeTask = (id: string) =>
      JSON.stringify({
        status: status(id),
        error: repo.orchestrator.task(id)?.error,
        reason: repo.orchestrator.taskViews().find((t) => t.id === id)?.queueReason,
      });

    afterEach(function () {
      const t = this.currentTest!;
      checks.push({
        host: stage,
        title: t.title,
        err: t.state === 'failed' ? String(t.err?.message ?? 'failed').slice(0, 2000) : undefined,
      });
    });

    // ------------------------------------------------------------------ host 1: start work

    if (stage === 0) {
      it('starts a planning run and an implementation run with a slow custom-command agent', async function () {
        api = await ext().activate();
        await api._testRefreshRepositories();
        if (!api.services.repositories().length) await vscode.commands.executeCommand('spectask.designDocs.init');
        repo = await eventually(() => api.services.repositories()[0], 'the repository opens', LONG);
        const ws = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
        const marker = `spectask-reload-${randomUUID()}`;
        const agent = path.join(ext().extensionPath, 'test', 'fixtures', 'agents', 'gated-agent.mjs');
        fs.mkdirSync(GATES, { recursive: true });
        // Global (user) settings: they live in the user-data dir, which the reloaded window keeps.
        await cfg().update(
          'customCommand.template',
          `node ${agent} {prompt} ${GATES} ${marker}`,
          vscode.ConfigurationTarget.Global,
        );
        for (const [k, v] of SETTINGS) await cfg().update(k, v, vscode.ConfigurationTarget.Global);
        const user = userState(ws);
        // Leave the dashboard open beside the code and the sidebar on the Explorer, as a user might: after the
        // reload the panel must come back with live cards, and nothing but the workspace may activate us.
        await vscode.commands.executeCommand('spectask.fleet.open');
        await vscode.commands.executeCommand('workbench.view.explorer');
        const o = repo.orchestrator;
        const planned = await o.create({ title: 'Plan me across a reload', backend: 'custom' });
        const direct = await o.create({
          title: 'Implement me across a reload',
          prompt: 'tick through a reload',
          backend: 'custom',
        });
        // The planning agent waits until released; the implementing one stops after two items: the reload
        // comes while both work, whatever the speed of the machine.
        gate('hold-plan', o.task(planned)!.number, '');
        gate('limit', o.task(direct)!.number, '2');
        await o.startPlanning(planned);
        fs.writeFileSync(
          path.join(repo.taskFolder(direct)!, 'tasks.md'),
          `# Implementation Tasks: Implement me across a reload\n\n${Array.from({ length: ITEMS }, (_, i) => `- [ ] R${i + 1}: reload step ${i + 1}`).join('\n')}\n`,
        );
        await repo.docs.store.commitFolder(direct, 'checklist for the reload test');
        await o.skipPlanning(direct);
        st = { stage: 0, marker, user, planned, direct, checks: [], seen: [], figures: [] };
        await until(
          () => status(planned) === 'spec_generation' && status(direct) === 'implementation',
          () => `both SpecTasks start (${describeTask(planned)} ${describeTask(direct)})`,
        );
      });

      it('has two agents working and ticks of the implementation committed before the reload', async function () {
        await until(
          async () => (await tasksOf())[1]!.committedTicks.length >= 2 && agentProcs(st.marker).length >= 2,
          async () =>
            `two ticks committed and both agents alive (${describeTask(st.planned)} ${describeTask(st.direct)}, ticks ${(await tasksOf()).map((t) => t.committedTicks.length)}, agents ${JSON.stringify(agentProcs(st.marker).map((p) => p.cmdline.slice(0, 120)))})`,
        );
        assert.equal(
          status(st.planned),
          'spec_generation',
          'the planning agent is still thinking when the reload comes',
        );
        if (driverAvailable())
          await snap('reload-0-before', `article.card:not(.compact-card)[data-task-id="${st.direct}"] .progress-count`);
      });
    }

    // ------------------------------------------------------------------ hosts 2 and 3: check the reload

    if (stage > 0) {
      st = state!;
      const before: HostSeen = st.seen.at(-1)!;
      const since = () => Date.now() - before.at;

      it('activates by itself after the reload and opens the repository again', async function () {
        // Not activated by the test: the workspace has SpecTasks, so the extension must start on its own
        // (the sidebar was left on the Explorer, so no SpecTask view activates it either).
        await eventually(() => ext().isActive, 'the extension activates without being asked', LONG);
        figures.activatedAfterMs = since();
        api = ext().exports;
        repo = await eventually(() => api.services.repositories()[0], 'the repository opens', LONG);
        await eventually(
          () => repo.orchestrator.task(st.planned) && repo.orchestrator.task(st.direct),
          'both SpecTasks are loaded',
          LONG,
        );
      });

      it('stops every agent process of the extension host before the reload', async function () {
        const old = before.agents;
        assert.ok(old.length >= 1, 'the previous host recorded its agents');
        const strays = () => [
          ...old.filter(alive),
          ...agentProcs(st.marker).filter((p) => !descendsFrom(p.pid, process.pid)),
        ];
        const left = await until(
          () => strays().length === 0,
          () => 'the agents of the old host are gone',
        ).then(() => [], strays);
        figures.oldAgentsGoneAfterMs = since();
        figures.oldAgents = old.length;
        assert.deepEqual(left, [], `agent processes of the old host still run: ${JSON.stringify(left)}`);
        figures.oldHostAlive = fs.existsSync(`/proc/${before.hostPid}`) ? 'yes' : 'no';
        // When did they die? Each agent writes the time every 100 ms while it lives.
        const beats = old.map((p) => Number(fs.readFileSync(path.join(GATES, `beat-${p.pid}`), 'utf8')));
        assert.ok(
          beats.every((b) => b > before.at - 600_000),
          `unreadable heartbeats: ${beats.join(', ')}`,
        );
        const lastBeat = Math.max(...beats);
        const hostStart = Date.now() - process.uptime() * 1000;
        figures.oldAgentsLastBeatAfterReloadMs = lastBeat - before.at;
        figures.oldAgentsLastBeatAfterNewHostStartMs = Math.round(lastBeat - hostStart);
        // Stopped by the old host as it shut down, not left running, orphaned, until a new host came to kill
        // them (which never happens when the user closes the window instead of reloading it).
        assert.ok(
          lastBeat < hostStart,
          `the old host's agents were still alive ${Math.round(lastBeat - hostStart)} ms after the new host started`,
        );
      });

      it('keeps every SpecTask where it was: the history continues the one seen before, with legal steps only', async () => {
        const now = await tasksOf();
        for (const b of before.tasks) {
          const n = now.find((t) => t.id === b.id);
          assert.ok(n, `SpecTask ${b.id} is gone`);
          assert.deepEqual(historyProblems(b.history, n.history), [], `SpecTask ${b.id}`);
          assert.notEqual(n.status, 'spec_failed');
          assert.notEqual(n.status, 'implementation_failed');
        }
      });

      it('has every tick made before the reload committed on the design-docs branch, none taken back', async function () {
        // A tick the agent wrote just before the reload may have been on disk only: the new host commits it.
        const missing = async () => {
          const now = await tasksOf();
          return before.tasks.flatMap((b) =>
            b.diskTicks
              .filter((t) => !now.find((n) => n.id === b.id)!.committedTicks.includes(t))
              .map((t) => `${b.id}: ${t}`),
          );
        };
        await until(
          async () => (await missing()).length === 0,
          async () => `ticks on disk before the reload and not committed now: ${(await missing()).join(', ')}`,
        );
        const now = await tasksOf();
        for (const b of before.tasks) {
          const n = now.find((t) => t.id === b.id)!;
          for (const t of b.committedTicks)
            assert.ok(n.committedTicks.includes(t), `"${t}" of ${b.id} was committed before the reload and is not now`);
          assert.deepEqual(await untickedInHistory(repo.designDocsRoot, b.rel), [], `tasks.md history of ${b.id}`);
        }
        figures.ticksBefore = before.tasks.reduce((n, t) => n + t.committedTicks.length, 0);
      });

      it('takes every interrupted run up again and leaves no run open from before', async function () {
        const interrupted = before.tasks.filter((t) => t.status === 'spec_generation' || t.status === 'implementation');
        assert.ok(interrupted.length >= 1, 'the previous host had runs to interrupt');
        await until(
          () => {
            const lines = ledger(repo.root);
            const open = new Set(openRuns(repo.root));
            return (
              interrupted.every(
                (t) =>
                  lines.some((l) => l.kind === 'run-started' && l.taskId === t.id && l.at >= before.at) || isBeyond(t),
              ) && !before.openRuns.some((r) => open.has(r))
            );
          },
          () =>
            `the interrupted runs start again (${interrupted.map((t) => describeTask(t.id)).join(' ')}) and the old ones are closed (open now: ${openRuns(repo.root).join(', ')})`,
        );
        figures.resumedAfterMs = since();
        const ended = ledger(repo.root).filter((l) => l.kind === 'run-ended' && before.openRuns.includes(l.runId));
        figures.oldRunOutcomes = [...new Set(ended.map((l) => l.outcome))].join(',');
        // Resumed through the ledger (the path that adopts the agent's session), not ended by the dying host.
        assert.deepEqual(
          [...new Set(ended.map((l) => l.outcome))],
          ['interrupted'],
          'how the runs open at the reload ended',
        );
        // Visible: the dashboard card of every task still working names its agent run again.
        for (const t of interrupted)
          if (!isBeyond(t))
            await eventually(
              () => repo.orchestrator.taskViews().find((v) => v.id === t.id)?.agentWorking,
              `an agent works on ${t.id} again`,
              LONG,
            );

        function isBeyond(t: TaskSeen) {
          const s = status(t.id);
          return s !== t.status; // finished meanwhile (moved to review): taken up and done
        }
      });

      it('shows the live state again in the SpecTasks tree and the restored dashboard', async function () {
        const tree = await eventually(
          async () => {
            const snapTree = await api._testTreeSnapshot();
            const all = snapTree.flatMap((g) => g.children ?? []);
            return [st.planned, st.direct].every((id) =>
              all.some((n) => n.label.includes(repo.orchestrator.task(id)!.title)),
            )
              ? snapTree
              : undefined;
          },
          'the tree lists both SpecTasks',
          LONG,
        );
        const directTitle = repo.orchestrator.task(st.direct)!.title;
        const node = tree!.flatMap((g) => g.children ?? []).find((n) => n.label.includes(directTitle))!;
        assert.match(node.description ?? '', /^\d+\/8/, `progress of ${directTitle}`);
        if (!driverAvailable()) return;
        // The dashboard panel was open when the window reloaded: VS Code restores it, with live cards.
        const card = `article.card:not(.compact-card)[data-task-id="${st.direct}"]`;
        const text = await eventually(
          async () => {
            const t = await readText(card, 20_000);
            return /\d+\/8/.test(t) ? t : '';
          },
          "the restored dashboard panel shows the implementing SpecTask's card",
          LONG,
        );
        assert.ok(text.includes(directTitle), text);
        figures.dashboardAfterMs = since();
        // The sidebar's Fleet view too: focusing the SpecTasks container shows it, and it must render the live
        // fleet (an earlier screenshot, taken the moment the container appeared, showed it still blank).
        let sidebarRendered = false;
        void api.whenFleetReady('view').then(() => (sidebarRendered = true));
        await vscode.commands.executeCommand('spectask.tasks.focus');
        await eventually(() => sidebarRendered, 'the sidebar Fleet view renders a snapshot after the reload', LONG);
        figures.sidebarFleetAfterMs = since();
        await snap(`reload-${stage}-tree-and-dashboard`, `.pane-body [role=treeitem]:has-text("${directTitle}")`);
      });

      it("leaves the user's branch, index and files untouched", () => {
        assert.deepEqual(userState(vscode.workspace.workspaceFolders![0]!.uri.fsPath), st.user);
      });
    }

    // ------------------------------------------------------------------ host 2: interrupt an implementation

    if (stage === 1 && RELOADS > 1) {
      it('finishes the interrupted planning, approves it, and has its implementation ticking before the next reload', async function () {
        const number = (id: string) => repo.orchestrator.task(id)!.number;
        gate('limit', number(st.planned), '1');
        gate('hold-plan', number(st.planned));
        gate('limit', number(st.direct));
        await until(
          () => status(st.planned) === 'spec_review',
          () => `the planned SpecTask reaches spec review (${describeTask(st.planned)})`,
        );
        await repo.orchestrator.approve(st.planned, 'approved by the reload test');
        await until(
          async () =>
            status(st.planned) === 'implementation' &&
            (await tasksOf())[0]!.committedTicks.length >= 1 &&
            agentProcs(st.marker).length >= 1,
          () => `its implementation ticks (${describeTask(st.planned)})`,
        );
        if (driverAvailable())
          await snap(
            'reload-1-before',
            `article.card:not(.compact-card)[data-task-id="${st.planned}"] .progress-count`,
          );
      });
    }

    // ------------------------------------------------------------------ last host: everything finishes

    if (stage === RELOADS) {
      it('finishes both SpecTasks with every item ticked and committed, and leaves no agent process', async function () {
        const number = (id: string) => repo.orchestrator.task(id)!.number;
        gate('hold-plan', number(st.planned));
        gate('limit', number(st.planned));
        gate('limit', number(st.direct));
        if (status(st.planned) !== 'implementation') {
          await until(
            () => status(st.planned) === 'spec_review',
            () => `the planned SpecTask reaches spec review (${describeTask(st.planned)})`,
          );
          await repo.orchestrator.approve(st.planned, 'approved by the reload test');
        }
        for (const id of [st.planned, st.direct])
          await until(
            () => status(id) === 'implementation_review',
            () => `${id} reaches implementation review (${describeTask(id)})`,
          );
        const now = await tasksOf();
        for (const t of now) {
          assert.ok(
            t.committedTicks.length > 0 && t.committedTicks.length === t.diskTicks.length,
            `${t.id}: ${t.committedTicks.length} ticks committed, ${t.diskTicks.length} on disk`,
          );
          assert.deepEqual(await untickedInHistory(repo.designDocsRoot, t.rel), []);
        }
        assert.equal(now[1]!.committedTicks.length, ITEMS);
        await until(
          () => agentProcs(st.marker).length === 0,
          () => `no agent process is left (${JSON.stringify(agentProcs(st.marker))})`,
        );
        assert.deepEqual(openRuns(repo.root), [], 'every run in the ledger has ended');
      });
    }

    // ------------------------------------------------------------------ between hosts

    after(async function () {
      this.timeout(120_000);
      if (!st) return; // the first test failed before it knew anything
      if (stage > 0) st.figures.push(figures);
      const ok = checks.every((c) => !c.err);
      if (stage === RELOADS || !ok) {
        for (const [k] of SETTINGS) await cfg().update(k, undefined, vscode.ConfigurationTarget.Global);
        await cfg().update('customCommand.template', undefined, vscode.ConfigurationTarget.Global);
        console.log(`[reload] figures: ${JSON.stringify(st.figures)}`);
        return;
      }
      await vscode.commands.executeCommand('workbench.view.explorer');
      const seen: HostSeen = {
        hostPid: process.pid,
        at: Date.now(),
        tasks: await tasksOf(),
        agents: agentProcs(st.marker),
        openRuns: openRuns(repo.root),
      };
      writeState({ ...st, stage: stage + 1, checks: [...st.checks, ...checks], seen: [...st.seen, seen] });
      console.log(
        `[reload] host ${stage + 1}: reloading the window with ${seen.agents.length} agent processes and ${seen.openRuns.length} open runs; ticks committed ${seen.tasks.map((t) => t.committedTicks.length).join('+')}`,
      );
      if (driverAvailable()) await announceReload();
      // The dying host cancels the command's promise; the suite goes on in the next host.
      void vscode.commands.executeCommand('workbench.action.reloadWindow').then(undefined, () => undefined);
      await new Promise((r) => setTimeout(r, 80_000));
      throw new Error('the window did not reload within 80 s');
    });
  });
});
