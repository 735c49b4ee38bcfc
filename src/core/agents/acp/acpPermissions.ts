import * as path from 'node:path';
import type { PermissionPolicy } from '../agentBackend';
import type { ToolKind } from '../agentEvents';
import { isCommandAllowed, splitCommandLine } from '../commandLine';
import type { AskPerson } from '../personPermission';
import { isOutsideWorktree } from '../worktreePaths';

/** One `session/request_permission` as the deciders see it (paths absolute, kind normalized). */
export interface AcpPermissionAsk {
  callId: string;
  title: string;
  kind: ToolKind;
  /** The command line of a shell tool call, when the agent said it. */
  command?: string;
  /** Absolute paths the tool call names. */
  paths?: string[];
  /** One line about the change the call's diff makes ("src/a.ts +3 −1"), when it carries one. */
  diff?: string;
  input: unknown;
}

/** How a permission request was answered; `by` says who decided, for the transcript. */
export type AcpPermissionAnswer =
  | { outcome: 'allow'; by: 'policy' | 'person' }
  | {
      outcome: 'reject';
      by: 'policy' | 'person' | 'undecided';
      reason: string;
      /** The level only does not allow it (a plain command off the allow-list): a person may still say yes. */
      personMayAllow?: true;
    }
  | { outcome: 'cancelled'; reason: string };

/**
 * The one place a permission request is decided: the permission level, and for what it cannot decide the `ask`
 * policy's callback, else the person the run waits for ("waiting for you"), else a rejection.
 */
export interface PermissionDecider {
  decide(ask: AcpPermissionAsk, signal: AbortSignal): Promise<AcpPermissionAnswer>;
}

/** The permission level's verdict: `undefined` when the level alone cannot decide (a person would have to). */
export function policyVerdict(
  policy: PermissionPolicy,
  ask: AcpPermissionAsk,
  roots: readonly string[],
): AcpPermissionAnswer | undefined {
  if (policy.mode === 'ask') return undefined;
  if (policy.mode === 'full') return { outcome: 'allow', by: 'policy' };
  const reject = (reason: string, personMayAllow?: true): AcpPermissionAnswer => ({
    outcome: 'reject',
    by: 'policy',
    reason,
    ...(personMayAllow && { personMayAllow }),
  });
  switch (ask.kind) {
    case 'read':
    case 'search':
    case 'think':
      return { outcome: 'allow', by: 'policy' };
    case 'edit': {
      if (policy.mode === 'read-only') return reject('the permission level is read-only');
      if (!ask.paths?.length) return undefined; // an edit of unknown files
      const outside = ask.paths.find((p) => !roots.some((r) => !isOutsideWorktree(r, p)));
      return outside
        ? reject(`${outside} is outside the worktree and the SpecTask folder`)
        : { outcome: 'allow', by: 'policy' };
    }
    case 'shell': {
      if (policy.mode !== 'edit+commands') return reject(`the permission level ${policy.mode} runs no commands`);
      if (!ask.command) return undefined;
      const split = splitCommandLine(ask.command);
      if ('error' in split) return reject(`${ask.command}: ${split.error}`);
      return isCommandAllowed(split.argv, policy.allow)
        ? { outcome: 'allow', by: 'policy' }
        : reject(`'${split.argv[0]}' is not an allowed command`, true);
    }
    default:
      return undefined; // fetch, mode switches, other: nothing the level speaks about
  }
}

/**
 * The permission level first; then, under the `ask` policy, its callback; then the person (`askPerson`: the run
 * waits for them); with no one to ask, a rejection saying so.
 */
export function policyDecider(
  policy: PermissionPolicy,
  roots: readonly string[],
  askPerson?: AskPerson,
): PermissionDecider {
  return {
    async decide(ask, signal) {
      const verdict = policyVerdict(policy, ask, roots);
      // The allow-list says what runs without asking; another plain command waits for the person (issue 20:
      // "anything else puts the run in waiting for you"). With no one to ask, the level's rejection stands.
      if (verdict && !(verdict.outcome === 'reject' && verdict.personMayAllow && askPerson)) return verdict;
      if (policy.mode === 'ask') {
        const rel = ask.paths?.map((p) => path.relative(roots[0] ?? '', p));
        const d = await policy.decide({ tool: ask.title, input: ask.input, command: ask.command, paths: rel }, signal);
        if (signal.aborted) return { outcome: 'cancelled', reason: 'the run was stopped' };
        return d.behavior === 'allow'
          ? { outcome: 'allow', by: 'person' }
          : { outcome: 'reject', by: 'person', reason: d.message };
      }
      if (askPerson) {
        const paths = ask.paths?.map((p) => relativeToRoots(p, roots));
        const a = await askPerson(
          { title: ask.title, kind: ask.kind, command: ask.command, paths, diff: ask.diff },
          signal,
        );
        if (signal.aborted) return { outcome: 'cancelled', reason: 'the run was stopped' };
        return a.outcome === 'allow'
          ? { outcome: 'allow', by: 'person' }
          : { outcome: 'reject', by: 'person', reason: a.reason };
      }
      return {
        outcome: 'reject',
        by: 'undecided',
        reason: `the permission level cannot decide on '${ask.title}' (${ask.kind}) and no one can be asked`,
      };
    },
  };
}

/** A path as a person reads it: relative to the worktree (or the SpecTask folder) it lies in, else as it is. */
function relativeToRoots(p: string, roots: readonly string[]): string {
  const root = roots.find((r) => !isOutsideWorktree(r, p));
  return root ? path.relative(root, p) || '.' : p;
}

/** One option of a permission request, as the agent offers it. */
export interface AcpPermissionOption {
  optionId: string;
  kind: string;
}

/**
 * The wire answer for a decision. An allow picks the agent's "allow once" option, never "allow always": that
 * would outlive the decision inside the agent and allow later calls the level never saw. A refusal picks
 * "reject once", else "reject always". Without a fitting option the answer is `cancelled`.
 */
export function permissionOutcome(
  answer: AcpPermissionAnswer,
  options: readonly AcpPermissionOption[],
): { outcome: 'cancelled' } | { outcome: 'selected'; optionId: string } {
  if (answer.outcome === 'cancelled') return { outcome: 'cancelled' };
  const order = answer.outcome === 'allow' ? ['allow_once'] : ['reject_once', 'reject_always'];
  for (const kind of order) {
    const o = options.find((x) => x.kind === kind);
    if (o) return { outcome: 'selected', optionId: o.optionId };
  }
  return { outcome: 'cancelled' };
}
