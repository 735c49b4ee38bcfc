// Pure (no `vscode`), so the unit tier can check package.json's menus against it.
import {
  SPECTASK_STATUSES,
  STATUS_FACTS,
  statusesAllowing,
  WORKING_STATUSES,
  type SpecTaskStatus,
  type Trigger,
} from '../../core/orchestrator/statusMachine';

/** The start of every SpecTask item's `contextValue`; menu entries that apply to any SpecTask test for it. */
export const TASK_ITEM = 'spectask.task';

const allows = (trigger: Trigger) => {
  const statuses = statusesAllowing(trigger);
  return (s: SpecTaskStatus) => statuses.has(s);
};

/**
 * What a SpecTask tree item offers, as words in its `contextValue`, each derived from the status table. The
 * menus in package.json test for a word (`viewItem =~ /\bcanRetry\b/`), never for status names, so a status
 * added to the table gets the right menu entries without touching package.json.
 */
const MENU_WORDS: Readonly<Record<string, (s: SpecTaskStatus) => boolean>> = {
  canStartPlanning: allows('start_planning'),
  canSkipPlanning: allows('skip_planning'),
  canStop: (s) => WORKING_STATUSES.has(s),
  canRetry: allows('retry'),
  // The spec review's three verdicts, and the code review's two (issue 22: the menu offers what the table allows).
  canApprove: allows('approve'),
  canRequestSpecChanges: allows('request_spec_changes'),
  canReject: allows('reject'),
  canAccept: allows('accept'),
  canRequestCodeChanges: allows('request_implementation_changes'),
  canOpenWorktree: (s) => STATUS_FACTS[s].hasCodeWorktree,
  canArchive: allows('archive'),
  canRestore: allows('restore'),
};

/** Every word any status can produce. */
export const ALL_MENU_WORDS: readonly string[] = Object.keys(MENU_WORDS);

/** The words of a status, in a fixed order. */
export function menuWordsOf(status: SpecTaskStatus): string[] {
  return ALL_MENU_WORDS.filter((w) => MENU_WORDS[w](status));
}

/** A SpecTask tree item's `contextValue`, e.g. "spectask.task canRetry canOpenWorktree canArchive". */
export function taskContextValue(status: SpecTaskStatus): string {
  return [TASK_ITEM, ...menuWordsOf(status)].join(' ');
}

/** Statuses whose items show the entry guarded by `word` (for tests and messages). */
export function statusesWithWord(word: string): SpecTaskStatus[] {
  return SPECTASK_STATUSES.filter((s) => MENU_WORDS[word]?.(s));
}
