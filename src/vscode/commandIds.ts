/**
 * Every command the extension contributes, in one typed map (house rule 4). This file does not import
 * `vscode` so the unit tier can check that package.json `contributes.commands` stays in sync with it.
 */
export const COMMANDS = {
  'spectask.tasks.refresh': { title: 'Refresh SpecTasks', icon: '$(refresh)' },
  'spectask.fleet.open': { title: 'Open Fleet Dashboard', icon: '$(dashboard)' },
  'spectask.log.show': { title: 'Show Log', icon: '$(output)' },
  'spectask.task.create': { title: 'Create SpecTask', icon: '$(add)' },
  'spectask.sample.create': { title: 'Create SpecTask in a Sample Project', icon: '$(beaker)' },
  'spectask.task.startPlanning': { title: 'Start Planning', icon: '$(play)' },
  'spectask.task.skipPlanning': { title: 'Skip Planning and Implement', icon: '$(run-all)' },
  'spectask.task.openDocs': { title: 'Open Design Documents', icon: '$(book)' },
  'spectask.task.reject': { title: 'Reject Spec', icon: '$(close)' },
  'spectask.task.accept': { title: 'Accept and Merge', icon: '$(git-merge)' },
  'spectask.task.stop': { title: 'Stop Agent', icon: '$(debug-stop)' },
  'spectask.task.retry': { title: 'Retry', icon: '$(debug-restart)' },
  'spectask.task.archive': { title: 'Archive', icon: '$(archive)' },
  'spectask.task.restore': { title: 'Restore', icon: '$(discard)' },
  'spectask.task.showTranscript': { title: 'Show Agent Transcript', icon: '$(output)' },
  'spectask.task.openWorktree': { title: 'Open Code Worktree', icon: '$(folder-opened)' },
  'spectask.backends.configure': { title: 'Configure Agent Back-ends', icon: '$(gear)' },
  'spectask.designDocs.init': { title: 'Initialize Design-Docs Branch', icon: '$(git-branch)' },
  'spectask.designDocs.sync': { title: 'Sync Design Docs', icon: '$(sync)' },
  'spectask.spec.review': { title: 'Review Spec', icon: '$(preview)' },
  'spectask.spec.approve': { title: 'Approve Spec', icon: '$(check)' },
  'spectask.spec.requestChanges': { title: 'Request Changes to the Spec', icon: '$(comment-discussion)' },
  'spectask.implementation.review': { title: 'Review Implementation', icon: '$(diff-multiple)' },
  'spectask.implementation.requestChanges': {
    title: 'Request Changes to the Implementation',
    icon: '$(comment-draft)',
  },
  'spectask.comment.add': { title: 'Add Comment' },
  'spectask.comment.resolve': { title: 'Resolve', icon: '$(check)' },
  'spectask.comment.reopen': { title: 'Reopen', icon: '$(issue-reopened)' },
  'spectask.comment.delete': { title: 'Delete Comment', icon: '$(trash)' },
} as const satisfies Record<string, { title: string; icon?: string }>;

export type CommandId = keyof typeof COMMANDS;

/** The argument tuple each command accepts. Palette invocations pass nothing, so every argument is optional. */
export interface CommandArgs {
  'spectask.tasks.refresh': [];
  'spectask.fleet.open': [];
  'spectask.log.show': [];
  /** With a request whose goal is set, creates without asking (keybindings, tasks, other extensions). */
  'spectask.task.create': [
    request?: {
      goal: string;
      details?: string;
      backend?: string;
      priority?: string;
      start?: 'plan' | 'skip' | 'backlog';
      baseBranch?: string;
    },
    folder?: unknown,
  ];
  'spectask.sample.create': [];
  'spectask.task.startPlanning': [target?: unknown];
  'spectask.task.skipPlanning': [target?: unknown];
  'spectask.task.openDocs': [target?: unknown];
  'spectask.task.reject': [target?: unknown];
  'spectask.task.accept': [target?: unknown];
  'spectask.task.stop': [target?: unknown];
  'spectask.task.retry': [target?: unknown];
  'spectask.task.archive': [target?: unknown];
  'spectask.task.restore': [target?: unknown];
  'spectask.task.showTranscript': [target?: unknown];
  'spectask.task.openWorktree': [target?: unknown];
  'spectask.backends.configure': [];
  'spectask.designDocs.init': [folder?: unknown];
  /** A repository root path or a workspace folder URI; asks when several repositories are open. */
  'spectask.designDocs.sync': [target?: unknown];
  'spectask.spec.review': [target?: unknown];
  'spectask.spec.approve': [target?: unknown];
  'spectask.spec.requestChanges': [target?: unknown, overallComment?: string];
  'spectask.implementation.review': [target?: unknown];
  'spectask.implementation.requestChanges': [target?: unknown, comments?: string];
  /** A vscode.CommentReply from the comment widget. */
  'spectask.comment.add': [reply?: unknown];
  /** A vscode.CommentThread from the thread's title bar. */
  'spectask.comment.resolve': [thread?: unknown];
  'spectask.comment.reopen': [thread?: unknown];
  /** A vscode.Comment from the comment's title bar. */
  'spectask.comment.delete': [comment?: unknown];
}

/** Compile-time check: CommandArgs names exactly the commands in COMMANDS. */
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const commandArgsCoverCommands: Exact<keyof CommandArgs, CommandId> = true;

export const COMMAND_CATEGORY = 'SpecTask';
