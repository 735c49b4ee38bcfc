import type { Event } from '../core/lifecycle';
import type * as vscode from 'vscode';
import type { TranscriptStore } from '../core/agents/transcriptStore';
import type { DesignDocs } from '../core/docs/openDesignDocs';
import type { Orchestrator } from '../core/orchestrator/orchestrator';
import type { TaskLocator } from './services/taskLocator';

/*
 * SpecTaskServices: what the composition root hands to the VS Code features built by other modules
 * (review, CodeLens, ...). Construct a feature as `new SpecReviewController(services)` in createExtension.ts
 * and let it register its own commands, providers and listeners, owning them in its own Disposable.
 *
 * How to use it:
 * - Repositories open lazily: a workspace folder that is a git repository gets a SpecTaskRepository once its
 *   design-docs branch exists (or the user initializes it). Listen to `onDidChangeOrchestrators` and read
 *   `repositories()` again when it fires; never cache an entry across that event.
 * - `repositoryFor(x)` / `orchestratorFor(x)` find the repository that owns `x`: a file Uri (inside the
 *   repository, its design-docs worktree or a code worktree), a SpecTask id (`000007`), or a tree node /
 *   command argument (anything with `{ repoRoot, taskId }`).
 * - `resolveTask(arg)` is what a command handler calls with its first argument: it understands tree nodes,
 *   `{ repoRoot, taskId }`, task ids, document Uris, and with no argument it uses the active editor's
 *   SpecTask document or asks the user to pick one. `allowed` filters the pick by status.
 * - User intents go through `repo.orchestrator` (approve, requestSpecChanges, accept, ...); SpecTask records
 *   and review comments are read and updated through `repo.docs.store` (get/update), never by writing
 *   spectask.json directly.
 * - `mayRunAgents()` returns why agents cannot start (workspace trust), or undefined.
 * - Workspace Trust: while the workspace is untrusted no repository is opened at all (no git runs), so
 *   `repositories()` is empty, `resolveTask` tells the user why and resolves to undefined, and no back-end
 *   probes or starts; `onDidChangeOrchestrators` fires when trust is granted and the repositories open.
 */

/** One git repository of the workspace with its open design-docs store and orchestrator. */
export interface SpecTaskRepository {
  /** The repository's main worktree root (real path); the key of this entry. */
  readonly root: string;
  /** The workspace folder it came from. */
  readonly folder: vscode.WorkspaceFolder;
  /** The design-docs store: `repo` (root, gitDir, commonDir), `location` (branch, worktreePath), `store`. */
  readonly docs: DesignDocs;
  /** Absolute path of the design-docs worktree (`<root>/.git-worktrees/<branch>`). */
  readonly designDocsRoot: string;
  readonly orchestrator: Orchestrator;
  /** Agent run transcripts (`<commonDir>/spectask/transcripts/<taskId>/<runId>.jsonl`). */
  readonly transcripts: TranscriptStore;
  /** Absolute folder of a SpecTask in the design-docs worktree (holds requirements.md, design.md, tasks.md). */
  taskFolder(taskId: string): string | undefined;
  /** Absolute path of a SpecTask's code worktree (whether or not it exists yet). */
  codeWorktree(taskId: string): string | undefined;
}

/** A SpecTask a command acts on. */
export interface TaskRef {
  readonly repo: SpecTaskRepository;
  readonly taskId: string;
}

export interface SpecTaskServices {
  readonly log: vscode.LogOutputChannel;
  readonly extensionUri: vscode.Uri;
  /** Every opened repository (multi-root: one per git workspace folder with a design-docs branch). */
  repositories(): readonly SpecTaskRepository[];
  /** Fires when a repository's orchestrator was opened or closed (folders added/removed, branch initialized). */
  readonly onDidChangeOrchestrators: vscode.Event<void>;
  /** Fires once per change of a repository's fleet store (the store coalesces each burst into one change and rev). */
  readonly onDidChangeTasks: Event<SpecTaskRepository>;
  /** The one answer to "which SpecTask is this file, id or tree node?" across every open repository. */
  readonly locator: TaskLocator<SpecTaskRepository>;
  /** The repository owning a Uri, a SpecTask id or a `{ repoRoot, taskId }` argument. */
  repositoryFor(
    target: vscode.Uri | string | { repoRoot?: string; taskId?: string } | undefined,
  ): SpecTaskRepository | undefined;
  /** Shorthand for `repositoryFor(target)?.orchestrator`. */
  orchestratorFor(
    target: vscode.Uri | string | { repoRoot?: string; taskId?: string } | undefined,
  ): Orchestrator | undefined;
  /**
   * The SpecTask a command should act on (see the comment above). Returns undefined when the user cancelled
   * or nothing fits; it has then already told the user why.
   */
  resolveTask(arg: unknown, allowed?: { statuses?: readonly string[]; verb?: string }): Promise<TaskRef | undefined>;
  /** Why agents may not start here (an untrusted workspace), or undefined when they may. */
  mayRunAgents(): string | undefined;
}
