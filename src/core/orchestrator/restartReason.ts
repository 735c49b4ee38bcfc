import type { ResultEvent } from '../agents/agentEvents';
import type { ChecklistItem } from '../checklist/checklistTypes';

// Why a run of a SpecTask is not its first, in a few words for its dashboard card ("nudged (1 of 2): 3 items
// left"). Built from counts and run endings only, never from an agent's own text: the card shows it as a
// quiet line, and the whole story (the agent's error, the problems the nudge quoted) is in the transcript
// and, when the task fails, in its error.

/** A run resumed on its session because the previous process ended while it ran (ledger, DESIGN.md §4). */
export const RESUMED_AFTER_RESTART = 'resumed after the editor or orchestrator restarted';

/** A run started because the status says an agent works on the task and none does (a crash, another process). */
export const RESUMED_ORPHAN = 'resumed: its agent was no longer running';

/** The reviewer sent the implementation back to the same agent. */
export const CHANGES_REQUESTED = 'changes requested in review';

/** A done SpecTask reopened. */
export const REOPENED = 'reopened after it was done';

/** Retry on a failed SpecTask, by a person. */
export const RETRIED_AFTER_FAILURE = 'retried after it failed';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The spec sent back to its planning agent with the open review comments. */
export function revisionReason(comments: number): string {
  return `revising the spec: ${plural(comments, 'comment')}`;
}

/**
 * What is missing from the work, in a few words: the checklist items not `[x]` when there are any (the
 * verdict's first problem too), else that the work is not committed.
 */
export function unfinishedWork(phase: 'planning' | 'implementation', items: readonly ChecklistItem[]): string {
  if (phase === 'planning') return 'the spec is not complete';
  if (items.length === 0) return 'no checklist items';
  const left = items.filter((i) => i.state !== 'done').length;
  return left ? `${plural(left, 'item')} left` : 'the work is not committed';
}

/** The same session asked to finish: nudge `n` of at most `max`. */
export function nudgeReason(n: number, max: number, unfinished: string): string {
  return `nudged (${n} of ${max}): ${unfinished}`;
}

/** How a run that did not succeed ended, e.g. "the agent exited with code 1". */
export function runEnding(result: Pick<ResultEvent, 'status' | 'exitCode' | 'signal'>): string {
  // A stop decided by us or the back-end says more than the signal or exit code that carried it out.
  switch (result.status) {
    case 'timeout':
      return 'the agent timed out';
    case 'cancelled':
      return 'the run was cancelled';
    case 'max_turns':
      return 'the agent ran out of turns';
    case 'budget':
      return 'the agent ran out of budget';
    case 'denied':
      return 'a tool was denied';
    default:
      break;
  }
  if (result.signal) return `the agent was killed by ${result.signal}`;
  if (typeof result.exitCode === 'number' && result.exitCode !== 0)
    return `the agent exited with code ${result.exitCode}`;
  return result.status === 'crashed' ? 'the agent crashed' : 'the agent reported an error';
}

/** A fresh run after the previous one ended unfinished and its nudges were used up: retry `n` of at most `max`. */
export function retryReason(
  n: number,
  max: number,
  result: Pick<ResultEvent, 'status' | 'exitCode' | 'signal'>,
  unfinished: string,
): string {
  return result.status === 'success'
    ? `retry ${n} of ${max}: ${unfinished}`
    : `retry ${n} of ${max} after ${runEnding(result)}`;
}

/**
 * Why a run that used up its nudges and retries failed, as the task's error keeps it. How the run ended comes
 * first: for an agent that died or went silent it is the cause, and the unfinished checklist only its consequence.
 */
export function failureReason(
  result: Pick<ResultEvent, 'status' | 'errorMessage' | 'deniedTools' | 'errorKind'>,
  problems: readonly string[],
): string {
  // A refused login or a missing binary is the whole story: the empty templates it left are no news.
  if (result.errorKind) problems = [];
  const ending = result.errorMessage
    ? [`the agent's run ended ${result.status}: ${result.errorMessage}`]
    : result.status !== 'success'
      ? [`the agent's run ended ${result.status}`]
      : [];
  const denied = result.deniedTools?.length ? [`denied tools: ${result.deniedTools.join(', ')}`] : [];
  return [...ending, ...problems, ...denied].join('; ');
}
