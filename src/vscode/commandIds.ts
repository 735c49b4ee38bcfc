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
  'spectask.task.answerPermission': { title: 'Answer the Agent (Allow or Reject)', icon: '$(bell)' },
  'spectask.task.dependsOn': { title: 'Depends on…', icon: '$(references)' },
  'spectask.task.messageAgent': { title: 'Message the Agent…', icon: '$(comment)' },
  'spectask.backends.configure': { title: 'Configure Agent Back-ends', icon: '$(gear)' },
  'spectask.designDocs.init': { title: 'Initialize Design-Docs Branch', icon: '$(git-branch)' },
  'spectask.designDocs.sync': { title: 'Sync Design Docs', icon: '$(sync)' },
  'spectask.spec.review': { title: 'Review Spec', icon: '$(preview)' },
  'spectask.spec.approve': { title: 'Approve Spec', icon: '$(check)' },
  'spectask.spec.requestChanges': { title: 'Request Changes to the Spec', icon: '$(comment-discussion)' },
  'spectask.spec.compareWithPrevious': { title: 'Compare with Previous Revision', icon: '$(git-compare)' },
  'spectask.implementation.review': { title: 'Review Code', icon: '$(diff-multiple)' },
  'spectask.implementation.requestChanges': {
    title: 'Request Changes to the Code',
    icon: '$(comment-draft)',
  },
  'spectask.comment.add': { title: 'Add Comment' },
  'spectask.comment.resolve': { title: 'Resolve', icon: '$(check)' },
  'spectask.comment.reopen': { title: 'Reopen', icon: '$(issue-reopened)' },
  'spectask.comment.delete': { title: 'Delete Comment', icon: '$(trash)' },
} as const satisfies Record<string, { title: string; icon?: string }>;

export type CommandId = keyof typeof COMMANDS;

/** The part of `vscode.Uri` a command argument is recognised by (a real Uri has both). */
export interface UriLike {
  readonly scheme: string;
  readonly fsPath: string;
}

/** A SpecTasks tree node, a notification's or another command's `{ repoRoot, taskId }`. */
export interface TaskNodeArg {
  readonly repoRoot?: string;
  readonly taskId: string;
}

/** The SpecTask a command acts on, after validation (commandArgs.ts). */
export type TaskTarget =
  /** Palette or keybinding: the active editor's SpecTask, else ask. */
  | { readonly kind: 'none' }
  /** A tree node, a dashboard card, a notification, another command: this SpecTask. */
  | { readonly kind: 'task'; readonly taskId: string; readonly repoRoot?: string }
  /** An editor title or explorer menu: the SpecTask that owns the file, else ask. */
  | { readonly kind: 'file'; readonly uri: UriLike };

/** What a caller may pass where a command takes a SpecTask: an id, a node, a file, or an already validated one. */
export type TaskTargetArg = string | TaskNodeArg | UriLike | TaskTarget;

/** The repository "Sync Design Docs" works on, after validation. */
export type RepositoryTarget =
  | { readonly kind: 'none' }
  | { readonly kind: 'root'; readonly root: string }
  | { readonly kind: 'file'; readonly uri: UriLike };

/** What "Create SpecTask" accepts to create without asking (keybindings, tasks, other extensions). */
export interface CreateTaskRequest {
  goal: string;
  details?: string;
  backend?: string;
  priority?: string;
  start?: 'plan' | 'skip' | 'backlog';
  baseBranch?: string;
}

/**
 * What a caller may pass to each command (`executeCommand` checks it). Palette invocations pass nothing, so every
 * argument is optional. Handlers get these validated by commandArgs.ts, in the shapes `HandlerArgs` names.
 */
export interface CommandArgs {
  'spectask.tasks.refresh': [];
  'spectask.fleet.open': [];
  'spectask.log.show': [];
  /** With a request whose goal is set, creates without asking; the folder picks the repository. */
  'spectask.task.create': [request?: CreateTaskRequest, folder?: UriLike];
  'spectask.sample.create': [];
  'spectask.task.startPlanning': [target?: TaskTargetArg];
  'spectask.task.skipPlanning': [target?: TaskTargetArg];
  'spectask.task.openDocs': [target?: TaskTargetArg];
  'spectask.task.reject': [target?: TaskTargetArg];
  'spectask.task.accept': [target?: TaskTargetArg];
  'spectask.task.stop': [target?: TaskTargetArg];
  'spectask.task.retry': [target?: TaskTargetArg];
  'spectask.task.archive': [target?: TaskTargetArg];
  'spectask.task.restore': [target?: TaskTargetArg];
  'spectask.task.showTranscript': [target?: TaskTargetArg];
  'spectask.task.openWorktree': [target?: TaskTargetArg];
  'spectask.task.answerPermission': [target?: TaskTargetArg];
  'spectask.task.dependsOn': [target?: TaskTargetArg];
  'spectask.task.messageAgent': [target?: TaskTargetArg];
  'spectask.backends.configure': [];
  'spectask.designDocs.init': [folder?: UriLike];
  /** A repository root path or a Uri inside the repository; asks when several repositories are open. */
  'spectask.designDocs.sync': [target?: string | UriLike];
  'spectask.spec.review': [target?: TaskTargetArg];
  'spectask.spec.approve': [target?: TaskTargetArg];
  'spectask.spec.requestChanges': [target?: TaskTargetArg, overallComment?: string];
  /** A spec document's Uri (editor title) or a SpecTask (then the active editor's document, else a pick). */
  'spectask.spec.compareWithPrevious': [target?: TaskTargetArg];
  'spectask.implementation.review': [target?: TaskTargetArg];
  'spectask.implementation.requestChanges': [target?: TaskTargetArg, comments?: string];
  /** A vscode.CommentReply from the comment widget. */
  'spectask.comment.add': [reply?: object];
  /** A vscode.CommentThread from the thread's title bar. */
  'spectask.comment.resolve': [thread?: object];
  'spectask.comment.reopen': [thread?: object];
  /** A vscode.Comment from the comment's title bar. */
  'spectask.comment.delete': [comment?: object];
}

/** Compile-time check: CommandArgs names exactly the commands in COMMANDS. */
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const commandArgsCoverCommands: Exact<keyof CommandArgs, CommandId> = true;

export const COMMAND_CATEGORY = 'SpecTask';
