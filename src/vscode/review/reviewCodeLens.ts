import { vscode } from '../vscodeApi';
import { Disposable } from '../../core/lifecycle';
import type { SpecReviewController } from './specReviewController';

/**
 * The review bar at the top of a spec document while its SpecTask waits for spec review: whether Approve is
 * possible and why not, Request changes with the number of open comments, and the next document to open.
 */
export class SpecReviewCodeLens extends Disposable implements vscode.CodeLensProvider {
  private readonly _onDidChange = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this._onDidChange.event;

  constructor(private readonly review: SpecReviewController) {
    super();
    this._register(review.onDidChangeReview(() => this._onDidChange.fire()));
    this._register(
      vscode.languages.registerCodeLensProvider({ scheme: 'file', pattern: '**/{requirements,design,tasks}.md' }, this),
    );
  }

  async provideCodeLenses(doc: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    const s = await this.review.reviewState(doc.uri);
    if (!s) return [];
    const top = new vscode.Range(0, 0, 0, 0);
    const target = { repoRoot: s.ref.repo.root, taskId: s.ref.taskId };
    const lenses = [
      new vscode.CodeLens(top, {
        title: s.canApprove ? '$(check) Approve spec' : `$(lock) ${s.summary}`,
        tooltip: s.canApprove
          ? 'Every document was opened since its last change and no comment is open'
          : 'Click to see what is missing',
        command: 'spectask.spec.approve',
        arguments: [target],
      }),
      new vscode.CodeLens(top, {
        title: `$(comment-discussion) Request changes${s.open ? ` (${s.open} open comment${s.open === 1 ? '' : 's'})` : ''}`,
        tooltip: 'Send the open comments and an overall comment to the planning agent',
        command: 'spectask.spec.requestChanges',
        arguments: [target],
      }),
    ];
    if (s.next && s.next !== s.ref.document) {
      lenses.push(
        new vscode.CodeLens(top, {
          title: `$(arrow-right) Next: ${s.next}`,
          tooltip: `Open ${s.next}; it has not been opened since its last change`,
          command: 'spectask.spec.review',
          arguments: [target],
        }),
      );
    }
    return lenses;
  }
}
