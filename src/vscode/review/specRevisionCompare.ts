import * as path from 'node:path';
import { vscode } from '../vscodeApi';
import { GitRunner } from '../../core/git/gitRunner';
import { Disposable } from '../../core/lifecycle';
import { SPEC_DOCUMENTS, type SpecDocument } from '../../core/review/reviewComments';
import { previousRevisionCommit } from '../../core/review/revisionHistory';
import type { TaskTarget } from '../commandIds';
import { registerCommand } from '../commandRegistry';
import type { SpecTaskServices } from '../extensionContext';
import { BASE_SCHEME, encodeBaseQuery } from './diffPlan';
import type { DocRef, SpecDocLocator } from './specDocLocator';

/**
 * "Compare with Previous Revision" (issue 22): a spec document as the reviewer last reviewed it (the design-docs
 * commit of the latest Request changes) against the document now, in a diff editor. The old side is read
 * with `git show` through the review's `spectask-base:` documents (ImplementationReview's provider).
 */
export class SpecRevisionCompare extends Disposable {
  constructor(
    private readonly services: SpecTaskServices,
    private readonly locator: SpecDocLocator,
  ) {
    super();
    this._register(registerCommand('spectask.spec.compareWithPrevious', (target) => this.compare(target)));
  }

  private async compare(target: TaskTarget): Promise<{ shown: boolean }> {
    const doc = await this.documentOf(target);
    if (!doc) return { shown: false };
    const { repo, taskId, document } = doc;
    const task = repo.orchestrator.task(taskId);
    const current = this.locator.docUri(repo, taskId, document);
    if (!task || !current) return { shown: false };
    const worktree = repo.designDocsRoot;
    const folder = path.relative(worktree, task.path).split(path.sep).join('/');
    const sha = await previousRevisionCommit(new GitRunner(worktree), worktree, folder);
    if (!sha) {
      void vscode.window.showInformationMessage(`#${task.number} has no earlier revision of its spec yet.`);
      return { shown: false };
    }
    const revision = task.record?.revisionCount ?? 1;
    const before = vscode.Uri.from({
      scheme: BASE_SCHEME,
      path: current.path,
      query: encodeBaseQuery({ repo: repo.root, rev: sha, path: `${folder}/${document}` }),
    });
    await vscode.commands.executeCommand(
      'vscode.diff',
      before,
      current,
      `${document} #${task.number}: revision ${revision - 1} ↔ ${revision}`,
    );
    return { shown: true };
  }

  /** The spec document to compare: the one named, else the active editor's, else the one the user picks. */
  private async documentOf(target: TaskTarget): Promise<DocRef | undefined> {
    if (target.kind === 'file') {
      const named = this.locator.locate(vscode.Uri.file(target.uri.fsPath));
      if (named) return named;
    }
    const active = vscode.window.activeTextEditor && this.locator.locate(vscode.window.activeTextEditor.document.uri);
    const ref = await this.services.resolveTask(target, { verb: 'compare with its previous revision' });
    if (!ref) return undefined;
    if (active && active.taskId === ref.taskId && active.repo === ref.repo) return active;
    const document = await vscode.window.showQuickPick([...SPEC_DOCUMENTS], {
      title: 'Which document do you want to compare with its previous revision?',
    });
    return document ? { repo: ref.repo, taskId: ref.taskId, document: document as SpecDocument } : undefined;
  }
}
