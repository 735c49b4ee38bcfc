import * as path from 'node:path';
import type { MakePrompt } from './phases';
import type { OrchestratorContext } from './orchestratorContext';
import { openPullRequest, pullRequestText } from './pullRequest';
import { DEFAULT_INTEGRATION } from './settings';
import { checkoutHeld, integrateOne, type IntegrationOutcome } from './integration/integrateOne';
import { bouncesInARow, queueOrder, REQUEUED_NOTE, returnedFromQueue } from './integration/integrationReason';
import { cleanStaleScratch, keptScratchPath, removeScratch } from './integration/scratchWorktrees';
import { mergeBaseIntoWorktree, setbackPrompt } from './integration/sendBack';
import type { TaskEntry } from '../store/fleetState';
import type { FileGlob } from './overlap/fileGlobs';
import { PredictedFiles } from './overlap/predictedFiles';
import { PredictionChecks } from './overlap/predictionChecks';

/** After this many setbacks in a row the task waits for a person instead of going back to its agent again. */
export const MAX_BOUNCES = 3;

/** What the coordinator lends the integrator beyond the shared context. */
export interface IntegratorHooks {
  /** Starts the task's implementation agent again on its session with this prompt (the task is in implementation). */
  sendBack(id: string, prompt: MakePrompt, reason: string): Promise<void>;
  /** Whether the orchestrator's loop runs (the queue is processed); one-shot commands only enqueue. */
  isStarted(): boolean;
}

export interface AcceptResult {
  sha?: string;
  pullRequest?: string;
  /** Place in the integration queue, when the loop does not run here (`spectask accept`: `spectask run` integrates). */
  queued?: number;
}

type Waiter = { resolve: (r: AcceptResult) => void; reject: (e: Error) => void };

/**
 * The integration queue (DESIGN.md v2 §5, §7; issue 21). Accept puts a SpecTask in `queued_integration`; one at
 * a time it is `integrating`: its branch put on the current base in a scratch worktree, the project's tests run
 * at the tip, and the base fast-forwarded by compare-and-swap only when they pass. A conflict or a failing test
 * sends it back to the same agent session with the reason; when the agent is done it queues again by itself.
 */
export class Integrator {
  private commonDir: string | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  /** Why a queued task did not go now (the user's checkout is dirty, the base kept moving). */
  private readonly held = new Map<string, string>();
  private readonly waiters = new Map<string, Waiter[]>();
  private readonly predictions = new PredictedFiles();
  /** The scratch worktree integrations reuse while the queue has work; removed once it drained. */
  private scratch: string | undefined;
  /** Each finished run's predicted files against its real diff (card, tooltip). */
  readonly predictionChecks: PredictionChecks;

  constructor(
    private readonly ctx: OrchestratorContext,
    private readonly hooks: IntegratorHooks,
  ) {
    this.predictionChecks = new PredictionChecks(ctx);
  }

  /** At the orchestrator's start: scratch worktrees of a killed process go, interrupted integrations queue again. */
  async recover(): Promise<void> {
    const { deps, book } = this.ctx;
    const removed = await deps.worktrees.queue.enqueue('integration: clean up', async (git) =>
      cleanStaleScratch(git, await this.gitCommonDir(), true),
    );
    for (const p of removed) this.ctx.log('info', `removed the scratch worktree ${p} of an interrupted integration`);
    for (const t of [...book.all()].filter((x) => x.status === 'integrating'))
      await this.ctx.apply(
        t.id,
        'integration_interrupted',
        'the orchestrator stopped during the integration; the base moved or not, never half',
        false,
      );
  }

  /** Accept: the task enters the queue. Where the loop runs, resolves once it is merged (or says why not). */
  async accept(id: string): Promise<AcceptResult> {
    const position = await this.enqueue(id);
    if (!this.hooks.isStarted()) return { queued: position };
    // The tests are the agent's code: nothing runs where agents may not (an untrusted workspace).
    const blocked = this.ctx.deps.mayRunAgents?.();
    if (blocked)
      throw new Error(`SpecTask #${this.ctx.book.require(id).number} is queued for integration; it waits: ${blocked}`);
    const done = new Promise<AcceptResult>((resolve, reject) => {
      const list = this.waiters.get(id) ?? [];
      list.push({ resolve, reject });
      this.waiters.set(id, list);
    });
    this.request();
    return done;
  }

  /** Puts an implementation under review into the queue; returns its place (1 = next). */
  async enqueue(id: string, note = 'queued for integration'): Promise<number> {
    const t = this.ctx.book.require(id);
    if (t.status !== 'implementation_review')
      throw new Error(`SpecTask ${t.number} is ${t.status.replace(/_/g, ' ')}, not waiting for implementation review.`);
    await this.ctx.apply(id, 'accept', note, false);
    this.ctx.kick();
    return this.queue().findIndex((x) => x.id === id) + 1;
  }

  /** The files each queued or running implementation predicts (design.md `## Files`), for the scheduler. */
  predictedFiles(): Promise<Map<string, FileGlob[]>> {
    const relevant = [...this.ctx.book.all()].filter(
      (t) => t.status === 'queued_implementation' || t.status === 'implementation',
    );
    return this.predictions.of(relevant);
  }

  /** The queued tasks in the order they will be integrated. */
  queue(): TaskEntry[] {
    return queueOrder([...this.ctx.book.all()]);
  }

  /** What each task of the queue shows (card, tree, `spectask fleet`): its place, or why it waits. */
  queueReasons(blocked?: string): Map<string, string> {
    const reasons = new Map<string, string>();
    const q = this.queue();
    const integrating = [...this.ctx.book.all()].find((t) => t.status === 'integrating');
    if (integrating) reasons.set(integrating.id, 'integrating: put on the current base and tested');
    q.forEach((t, i) => {
      const ahead = i > 0 ? `after #${q[i - 1]!.number}` : integrating ? `after #${integrating.number}` : 'next';
      const held = blocked ?? this.held.get(t.id);
      reasons.set(t.id, `integration queue: ${i + 1} of ${q.length}, ${ahead}${held ? ` — waits: ${held}` : ''}`);
    });
    return reasons;
  }

  /** A scheduler pass: bounced work its agent finished queues again; the queue is worked through in the background. */
  async pass(): Promise<void> {
    for (const t of [...this.ctx.book.all()]) {
      const history = t.record?.history ?? [];
      if (t.status === 'implementation_review' && returnedFromQueue(history) && bouncesInARow(history) < MAX_BOUNCES)
        await this.enqueue(t.id, REQUEUED_NOTE).catch((e) => this.ctx.log('warn', (e as Error).message));
    }
    await this.predictionChecks
      .update(this.ctx.book.all())
      .catch((e) => this.ctx.log('warn', `file prediction check: ${(e as Error).message}`));
    this.request();
  }

  /** True when nothing can be integrated without a person: none runs, and every queued task is held. */
  isIdle(): boolean {
    return (
      !this.running &&
      ![...this.ctx.book.all()].some((t) => t.status === 'integrating') &&
      this.queue().every((t) => this.held.has(t.id))
    );
  }

  /** Resolves when no integration runs (tests, shutdown). */
  async whenIdle(): Promise<void> {
    while (this.running) await this.running;
  }

  private request(): void {
    if (this.ctx.isDisposed()) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.drain();
        if (!this.again) await this.releaseScratch();
      } while (this.again && !this.ctx.isDisposed());
    })()
      .catch((e) => this.ctx.log('error', `integration queue: ${(e as Error).message}`))
      .finally(() => (this.running = undefined));
  }

  /**
   * The queue drained (or the orchestrator stopped): the kept scratch worktree goes, so none outlives the run
   * (a killed process's is removed at the next start). A burst of integrations shares one.
   */
  private async releaseScratch(): Promise<void> {
    const scratch = this.scratch;
    if (!scratch) return;
    this.scratch = undefined;
    await this.ctx.deps.worktrees.queue
      .enqueue('integration: clean up', (git) => removeScratch(git, scratch))
      .catch((e) => {
        // Disposed: the queue is closed, and the next start removes it.
        if (!this.ctx.isDisposed()) this.ctx.log('warn', `could not remove ${scratch}: ${(e as Error).message}`);
      });
  }

  /** Integrates the queued tasks one at a time, in order; a held task lets the ones behind it go. */
  private async drain(): Promise<void> {
    const tried = new Set<string>();
    for (;;) {
      if (this.ctx.isDisposed()) return;
      const next = this.queue().find((t) => !tried.has(t.id));
      if (!next) return;
      tried.add(next.id);
      await this.integrate(next);
    }
  }

  private async integrate(t: TaskEntry): Promise<void> {
    const { deps, book } = this.ctx;
    const wt = book.worktreeOf(t.id);
    if (!wt) return this.finish(t.id, { kind: 'blocked', reason: 'it has no code branch' });
    const heldBy = await checkoutHeld(deps.worktrees.queue, wt);
    if (heldBy) {
      const changed = this.held.get(t.id) !== heldBy.reason;
      this.held.set(t.id, heldBy.reason);
      if (changed) this.ctx.kick(); // the new reason reaches the views with the next pass
      return this.settle(t.id, { kind: 'held', reason: heldBy.reason });
    }
    this.held.delete(t.id);
    await this.ctx.apply(t.id, 'integration_slot_free', undefined, false);
    this.ctx.kick();
    let outcome: IntegrationOutcome;
    try {
      const s = deps.settings();
      const commonDir = await this.gitCommonDir();
      // The pull-request target goes through the same gate: rebased on the current base and tested first.
      const pullRequest =
        s.mergeStrategy === 'pull-request'
          ? async () =>
              openPullRequest(
                deps.worktrees.queue,
                wt,
                await pullRequestText(t.path, {
                  number: t.number,
                  title: t.title,
                  checklist: t.items.map((i) => i.text),
                }),
              )
          : undefined;
      outcome = await integrateOne({
        queue: deps.worktrees.queue,
        host: deps.pool.host,
        repoRoot: deps.repoRoot,
        commonDir,
        wt,
        number: t.number,
        title: t.title,
        settings: s.integration ?? DEFAULT_INTEGRATION,
        outputFile: path.join(commonDir, 'spectask', 'integration-logs', `${t.number}.log`),
        scratch: (this.scratch ??= keptScratchPath(commonDir)),
        checkoutChecked: true,
        pullRequest,
      });
    } catch (e) {
      outcome = { kind: 'blocked', reason: `the integration failed: ${(e as Error).message.split('\n')[0]}` };
    }
    if (this.ctx.isDisposed()) return; // the next start finds it `integrating` and queues it again
    if (outcome.kind === 'pull-request') {
      await this.ctx.apply(t.id, 'integration_succeeded', outcome.note, false);
      this.ctx.notice({
        kind: 'done',
        taskId: t.id,
        message: `#${t.number} "${t.title}" passed its tests: ${outcome.note}`,
      });
      this.settle(t.id, { pullRequest: outcome.url });
      this.ctx.kick();
      return;
    }
    await this.finish(t.id, outcome);
  }

  /** Records how an integration ended and tells whoever waits for it. */
  private async finish(id: string, outcome: Exclude<IntegrationOutcome, { kind: 'pull-request' }>): Promise<void> {
    const { deps, book } = this.ctx;
    const t = book.require(id);
    const wt = book.worktreeOf(id);
    if (outcome.kind === 'merged') {
      await this.ctx.apply(id, 'integration_succeeded', outcome.note, false);
      if (wt && deps.settings().cleanupWorktreeOnDone && !(await deps.worktrees.remove(wt)))
        this.ctx.log('warn', `kept ${wt.path}: it has uncommitted changes`);
      await book.refresh(id);
      this.ctx.notice({
        kind: 'done',
        taskId: id,
        message: `SpecTask #${t.number} "${t.title}" was merged into ${wt?.baseBranch ?? 'its base'} (${outcome.note}).`,
      });
      this.settle(id, { sha: outcome.sha });
    } else if (outcome.kind === 'held') {
      await this.ctx.apply(id, 'integration_interrupted', outcome.reason, false);
      this.held.set(id, outcome.reason);
      this.settle(id, outcome);
    } else if (outcome.kind === 'bounced' && bouncesInARow(t.record?.history ?? []) < MAX_BOUNCES && wt) {
      const { setback } = outcome;
      await this.ctx.apply(id, 'integration_bounced', setback.reason, false);
      const merging = await mergeBaseIntoWorktree(
        deps.worktrees.queue,
        { number: t.number, worktree: wt },
        setback.base,
      );
      this.ctx.notice({
        kind: 'failed',
        taskId: id,
        message: `#${t.number} "${t.title}" did not reach ${wt.baseBranch}: ${setback.reason}. It went back to its agent.`,
      });
      this.settle(id, { kind: 'bounced', reason: setback.reason });
      await this.hooks.sendBack(
        id,
        (task, paths) => setbackPrompt(task, paths, setback, merging),
        `sent back by the integration queue: ${setback.reason}`,
      );
    } else {
      const reason =
        outcome.kind === 'bounced'
          ? `${outcome.setback.reason} (sent back ${MAX_BOUNCES} times; a person decides now)`
          : outcome.reason;
      await this.ctx.apply(id, 'integration_blocked', reason, false);
      this.ctx.notice({
        kind: 'error',
        taskId: id,
        message: `#${t.number} "${t.title}" was not integrated: ${reason}`,
      });
      this.settle(id, { kind: 'blocked', reason });
    }
    this.ctx.kick(); // tasks that depended on this one may start now; reasons change
  }

  private settle(id: string, r: AcceptResult | { kind: 'held' | 'bounced' | 'blocked'; reason: string }): void {
    const list = this.waiters.get(id);
    if (!list) return;
    this.waiters.delete(id);
    for (const w of list) {
      if ('kind' in r) {
        const t = this.ctx.book.get(id);
        w.reject(new Error(`SpecTask #${t?.number ?? id} was not merged: ${r.reason}`));
      } else w.resolve(r);
    }
  }

  private async gitCommonDir(): Promise<string> {
    if (!this.commonDir) {
      const out = (await this.ctx.deps.worktrees.queue.git.run(['rev-parse', '--git-common-dir'])).trim();
      this.commonDir = path.resolve(this.ctx.deps.repoRoot, out);
    }
    return this.commonDir;
  }
}
