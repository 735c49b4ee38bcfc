import * as fs from 'node:fs';
import * as path from 'node:path';
import { vscode } from '../vscodeApi';
import { GitRunner } from '../../core/git/gitRunner';
import { Disposable } from '../../core/lifecycle';
import { statusesAllowing } from '../../core/orchestrator/statusMachine';
import { BranchDiff } from '../../core/review/branchDiff';
import { registerCommand } from '../commandRegistry';
import type { SpecTaskServices } from '../extensionContext';
import {
  BASE_SCHEME,
  decodeBaseQuery,
  diffEntries,
  encodeBaseQuery,
  REVIEW_TITLE_PREFIX,
  type DiffSide,
} from './diffPlan';

export { BASE_SCHEME } from './diffPlan';
const TITLE_PREFIX = REVIEW_TITLE_PREFIX;
const REVIEWABLE = ['implementation', 'implementation_review', 'implementation_failed', 'done'];

export interface ImplementationReviewResult {
  /** How the changes were shown: one multi-file diff editor, single diffs, or nothing changed. */
  shown: 'multi-diff' | 'diff' | 'none';
  files: string[];
  /** The multi-file diff editor's title (the tab label), when one was opened. */
  title?: string;
}

/**
 * Implementation review (issue 6): the task branch's changes against its base in VS Code's diff editors.
 * The base side is read with `git show <merge-base>:<path>` into read-only `spectask-base:` documents; the
 * other side is the file in the code worktree. All files open in one multi-file diff editor
 * (`vscode.changes`, VS Code ≥ 1.86), else one diff editor per file. Request changes sends a comment to the
 * same implementation agent; Accept and merge is `spectask.task.accept`.
 */
export class ImplementationReview extends Disposable implements vscode.TextDocumentContentProvider {
  private readonly diffs = new Map<string, BranchDiff>();
  /** Reviews opened on a live code worktree, by tab title: closed once that worktree is gone (merged, removed). */
  private readonly onWorktree = new Map<string, { worktree: string; files: vscode.Uri[] }>();

  constructor(private readonly services: SpecTaskServices) {
    super();
    this._register(vscode.workspace.registerTextDocumentContentProvider(BASE_SCHEME, this));
    this._register(registerCommand('spectask.implementation.review', (target) => this.review(target)));
    this._register(
      registerCommand('spectask.implementation.requestChanges', (target, comments) =>
        this.requestChanges(target, comments),
      ),
    );
    this._register(vscode.window.tabGroups.onDidChangeTabs(() => void this.updateContext()));
    this._register(vscode.window.tabGroups.onDidChangeTabGroups(() => void this.updateContext()));
    this._register(services.onDidChangeTasks(() => void this.closeWhereWorktreeGone()));
  }

  private diffFor(repoRoot: string): BranchDiff {
    let d = this.diffs.get(repoRoot);
    if (!d) {
      // Read-only git (diff, merge-base, show): it needs no place on the write queue.
      d = new BranchDiff(new GitRunner(repoRoot));
      this.diffs.set(repoRoot, d);
    }
    return d;
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const ref = decodeBaseQuery(uri.query);
    if (!ref || !ref.rev) return '';
    // A restored diff tab or a link can name any folder: git runs only in a repository the hub opened (none
    // while the workspace is untrusted).
    if (!this.services.repositoryFor({ repoRoot: ref.repo })) return '';
    return (await this.diffFor(ref.repo).show(ref.rev, ref.path, ref.repo)) ?? '';
  }

  /**
   * A side's document. A revision is a `spectask-base:` document whose path is the file's path in the code
   * worktree (`home`), the same path as the other side's: VS Code's multi-file diff marks an entry "R" when its
   * two paths differ, so a modified file must not look renamed (issue 22).
   */
  private sideUri(side: DiffSide, repo: string, worktree: string | undefined, home: string): vscode.Uri {
    if (side.kind === 'worktree' && worktree) return vscode.Uri.file(path.join(worktree, side.path));
    const rev = side.kind === 'rev' ? side.rev : '';
    return vscode.Uri.from({
      scheme: BASE_SCHEME,
      path: vscode.Uri.file(path.join(home, side.path)).path,
      query: encodeBaseQuery({ repo, rev, path: side.path }),
    });
  }

  private async review(target: unknown): Promise<ImplementationReviewResult> {
    const ref = await this.services.resolveTask(target, { statuses: REVIEWABLE, verb: 'review the implementation of' });
    if (!ref) return { shown: 'none', files: [] };
    const wt = ref.repo.orchestrator.worktreeOf(ref.taskId);
    const task = ref.repo.orchestrator.task(ref.taskId);
    if (!wt || !task?.record?.branch) {
      void vscode.window.showWarningMessage(`SpecTask ${ref.taskId} has no code branch yet.`);
      return { shown: 'none', files: [] };
    }
    const git = this.diffFor(ref.repo.root);
    const branchSha = await git.revParse(wt.branch);
    if (!branchSha) {
      void vscode.window.showWarningMessage(
        `The branch ${wt.branch} of SpecTask ${ref.taskId} does not exist (any more).`,
      );
      return { shown: 'none', files: [] };
    }
    const mergeBase = await git.mergeBase(wt.baseBranch, wt.branch);
    const entries = diffEntries(await git.changedFiles(wt.baseBranch, wt.branch), mergeBase);
    if (!entries.length) {
      void vscode.window.showInformationMessage(`The branch ${wt.branch} has no changes against ${wt.baseBranch}.`);
      return { shown: 'none', files: [] };
    }
    // After Accept the worktree may be gone: then the right side is the branch head, also from git.
    const worktree = fs.existsSync(wt.path) ? wt.path : undefined;
    const right = (s: DiffSide): DiffSide =>
      s.kind === 'worktree' && !worktree ? { kind: 'rev', rev: branchSha, path: s.path } : s;
    const side = (s: DiffSide) => this.sideUri(s, ref.repo.root, worktree, wt.path);
    const resources = entries.map((e) => ({
      label: e.label,
      left: side(e.left),
      right: side(right(e.right)),
      // The multi-file diff's letters come from which sides exist: no base side is "A", no branch side "D".
      original: e.left.kind === 'empty' ? undefined : side(e.left),
      modified: e.right.kind === 'empty' ? undefined : side(right(e.right)),
    }));
    const title = `${TITLE_PREFIX} #${task.number}: ${task.title} (${wt.branch} vs ${wt.baseBranch})`;
    const files = entries.map((e) => e.path);
    if (worktree)
      this.onWorktree.set(title, {
        worktree,
        files: resources.flatMap((r) => [r.original, r.modified]).filter((u): u is vscode.Uri => !!u),
      });
    // Not in the dashboard's side group (a narrow column beside the editors): the first group, full width.
    if (vscode.window.tabGroups.activeTabGroup.viewColumn !== vscode.ViewColumn.One)
      await vscode.commands.executeCommand('workbench.action.focusFirstEditorGroup');
    if ((await vscode.commands.getCommands(true)).includes('vscode.changes')) {
      await vscode.commands.executeCommand(
        'vscode.changes',
        title,
        resources.map((r) => [r.modified ?? r.original, r.original, r.modified]),
      );
      await this.updateContext();
      return { shown: 'multi-diff', files, title };
    }
    const pick =
      resources.length === 1
        ? resources[0]
        : (
            await vscode.window.showQuickPick(
              resources.map((r) => ({ label: r.label, r })),
              { placeHolder: `${resources.length} changed files` },
            )
          )?.r;
    if (!pick) return { shown: 'none', files };
    await vscode.commands.executeCommand(
      'vscode.diff',
      pick.left,
      pick.right,
      `${pick.label} (${wt.baseBranch} ↔ ${wt.branch})`,
      { viewColumn: vscode.ViewColumn.One },
    );
    await this.updateContext();
    return { shown: 'diff', files };
  }

  private async requestChanges(target: unknown, commentsArg: string | undefined): Promise<{ sent: boolean }> {
    const ref = await this.services.resolveTask(target, {
      statuses: [...statusesAllowing('request_implementation_changes')],
      verb: 'request changes to',
    });
    if (!ref) return { sent: false };
    let text = commentsArg;
    if (text === undefined) {
      text = await vscode.window.showInputBox({
        title: `Request changes to the implementation of SpecTask ${ref.taskId}`,
        prompt: 'What should the implementation agent change? It continues on the same session and branch.',
        placeHolder: 'e.g. The reset link must expire after 30 minutes; add a test for it.',
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim() ? undefined : 'Say what should change'),
      });
    }
    if (!text?.trim()) return { sent: false };
    await ref.repo.orchestrator.requestImplementationChanges(ref.taskId, text.trim());
    void vscode.window.showInformationMessage(
      `Sent your comments to the implementation agent of SpecTask ${ref.taskId}.`,
    );
    return { sent: true };
  }

  /** Closes the review tabs of code worktrees that are gone: their right side no longer exists. */
  private async closeWhereWorktreeGone(): Promise<void> {
    const gone = [...this.onWorktree].filter(([, r]) => !fs.existsSync(r.worktree));
    if (!gone.length) return;
    const titles = new Set(gone.map(([t]) => t));
    const files = new Set(gone.flatMap(([, r]) => r.files.map((u) => u.toString())));
    for (const [t] of gone) this.onWorktree.delete(t);
    const tabs = vscode.window.tabGroups.all
      .flatMap((g) => g.tabs)
      .filter(
        (tab) =>
          // The multi-file diff's tab shows the title with the file count after it: "… (2 files)".
          [...titles].some((t) => tab.label === t || tab.label.startsWith(`${t} (`)) ||
          (tab.input instanceof vscode.TabInputTextDiff &&
            (files.has(tab.input.original.toString()) || files.has(tab.input.modified.toString()))),
      );
    if (tabs.length) await vscode.window.tabGroups.close(tabs);
  }

  /** `spectask:reviewingImplementation`: the active tab is one of our diffs (the editor-title buttons show). */
  private async updateContext(): Promise<void> {
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    const input = tab?.input;
    const ours =
      (input instanceof vscode.TabInputTextDiff &&
        (input.original.scheme === BASE_SCHEME || input.modified.scheme === BASE_SCHEME)) ||
      !!tab?.label.startsWith(TITLE_PREFIX);
    await vscode.commands.executeCommand('setContext', 'spectask:reviewingImplementation', ours);
  }
}
