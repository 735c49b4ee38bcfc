import type { AgentHost } from '../../agents/agentHost';
import type { GitQueue } from '../../git/gitQueue';
import type { CodeWorktree } from '../codeWorktrees';
import type { IntegrationSettings } from '../settings';
import { holderOf, localChanges, prepareCandidate, publishCandidate, type Prepared } from './branchIntegration';
import { runTests } from './runTests';
import type { Setback } from './sendBack';
import { resolveTestCommand } from './testCommand';

/** How one integration ended. */
export type IntegrationOutcome =
  | { kind: 'merged'; sha: string; note: string }
  /** The pull-request target: the tests passed, the branch was pushed and its one pull request opened or updated. */
  | { kind: 'pull-request'; url: string; note: string }
  | { kind: 'bounced'; setback: Setback }
  /** Nothing the agent can fix (the test program is missing, git failed): a person looks. */
  | { kind: 'blocked'; reason: string }
  /** It waits in the queue: the user's checkout of the base has local changes, or the base kept moving. */
  | { kind: 'held'; reason: string };

export interface IntegrationJob {
  queue: GitQueue;
  host: AgentHost;
  repoRoot: string;
  commonDir: string;
  wt: CodeWorktree;
  number: string;
  title: string;
  settings: IntegrationSettings;
  /** Where the test output goes (0600). */
  outputFile: string;
  /**
   * The scratch worktree (under `integrationDir`): made a clean checkout of the branch for this
   * integration and left as it is afterwards; the caller keeps it for the next one and removes it
   * (`removeScratch`) when its queue has drained.
   */
  scratch: string;
  /**
   * The caller found the user's checkout of the base clean just before (the Integrator's `checkoutHeld`): the
   * first attempt does not ask git again. Publishing checks it anyway before it moves anything.
   */
  checkoutChecked?: boolean;
  /**
   * The pull-request target: called once the tests passed at the candidate's tip, instead of moving the base
   * (which, and the user's checkout of it, is then never touched).
   */
  pullRequest?: () => Promise<{ url: string; updated: boolean; checks?: string }>;
}

/** How often a candidate is rebuilt when the base moves between its test and its publication. */
const MAX_ATTEMPTS = 3;

const held = (path: string, base: string, changes: string[]): IntegrationOutcome => ({
  kind: 'held',
  reason: `${path} has uncommitted changes on ${base} (${changes.length} file${changes.length === 1 ? '' : 's'}); your checkout is left alone: commit or stash them and the queue goes on`,
});

/**
 * One SpecTask through the queue: its branch put on the current base in a scratch worktree, the project's
 * tests run at the candidate's tip, and the base fast-forwarded to it by compare-and-swap. The base is never
 * forced nor rewritten; a conflict or a failing test leaves it untouched.
 */
export async function integrateOne(job: IntegrationJob): Promise<IntegrationOutcome> {
  const { queue, wt } = job;
  const message = `spectask(${job.number}): integrate "${job.title}"`;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    // The user's checkout first: a candidate that could not be published is not worth a test run.
    const dirty = await queue.enqueue('integration: the base checkout', async (git) => {
      if (job.pullRequest || (attempt === 1 && job.checkoutChecked)) return undefined;
      const holder = await holderOf(git, wt.baseBranch);
      const changes = holder ? await localChanges(git, holder) : [];
      return holder && changes.length ? held(holder, wt.baseBranch, changes) : undefined;
    });
    if (dirty) return dirty;
    // The kept scratch worktree, reset for this integration (prepareCandidate checks it out).
    const { scratch } = job;
    const prepared: Prepared = await queue.enqueue('integration: prepare', (git) =>
      prepareCandidate(git, wt, job.settings.strategy, scratch, job.number, job.repoRoot),
    );
    if (prepared.kind === 'already')
      return {
        kind: 'merged',
        sha: prepared.base,
        note: `already in ${wt.baseBranch} at ${prepared.base.slice(0, 12)}`,
      };
    if (prepared.kind === 'conflict') {
      const who = prepared.with.length ? prepared.with.map((n) => `#${n}`).join(', ') : wt.baseBranch;
      return {
        kind: 'bounced',
        setback: {
          kind: 'conflict',
          reason: `conflicts with ${who} in ${prepared.files.slice(0, 5).join(', ')}${prepared.files.length > 5 ? ` and ${prepared.files.length - 5} more` : ''}`,
          files: prepared.files,
          base: prepared.base,
        },
      };
    }
    const command = await resolveTestCommand(job.settings.testCommand, scratch);
    const tests = await runTests({
      host: job.host,
      command,
      cwd: scratch,
      timeoutMs: job.settings.testTimeoutMs,
      outputFile: job.outputFile,
    });
    if (tests.startFailed) return { kind: 'blocked', reason: tests.summary };
    if (!tests.passed)
      return {
        kind: 'bounced',
        setback: {
          kind: 'tests',
          reason: tests.summary,
          tail: tests.tail,
          base: prepared.base,
          outputFile: tests.outputFile,
        },
      };
    if (job.pullRequest) {
      const pr = await job.pullRequest();
      const how = pr.updated ? 'updated' : 'opened';
      return {
        kind: 'pull-request',
        url: pr.url,
        note: `pull request ${pr.url} ${how} (${tests.summary}${pr.checks ? `; ${pr.checks}` : ''})`,
      };
    }
    const published = await queue.enqueue('integration: publish', (git) =>
      publishCandidate(git, wt, prepared.base, prepared.candidate, message, job.settings.runHooks),
    );
    if (published.kind === 'dirty-checkout') return held(published.path, wt.baseBranch, published.changes);
    if (published.kind === 'moved')
      return {
        kind: 'merged',
        sha: published.sha,
        note: `merged into ${wt.baseBranch} at ${published.sha.slice(0, 12)} (${prepared.rebased ? 'rebased, ' : ''}${tests.summary})`,
      };
    // base-moved: another writer moved the base after the candidate was built; build it again on the new one.
  }
  return { kind: 'held', reason: `${wt.baseBranch} kept moving during ${MAX_ATTEMPTS} integrations; it tries again` };
}

/** The user's checkout of the base with local changes, if so: the queue holds the task instead of starting. */
export function checkoutHeld(queue: GitQueue, wt: CodeWorktree): Promise<{ reason: string } | undefined> {
  return queue.enqueue('integration: the base checkout', async (git) => {
    const holder = await holderOf(git, wt.baseBranch);
    const changes = holder ? await localChanges(git, holder) : [];
    if (!holder || !changes.length) return undefined;
    const h = held(holder, wt.baseBranch, changes);
    return h.kind === 'held' ? { reason: h.reason } : undefined;
  });
}
