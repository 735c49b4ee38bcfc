import { vscode } from '../vscodeApi';
import { Disposable } from '../../core/lifecycle';
import type { ApprovalGate } from '../../core/review/approvalGate';
import type { StoredComment } from '../../core/review/commentRecords';
import type { SpecTaskRepository, SpecTaskServices } from '../extensionContext';
import { ReviewCommands } from './reviewCommands';
import { ReviewCommentModel } from './reviewCommentModel';
import { ReviewGate, type ReviewState } from './reviewGate';
import { reviewerName, reviewServiceFor } from './reviewServices';
import { SpecRevisionCompare } from './specRevisionCompare';
import { ReviewThreads } from './reviewThreads';
import { SpecDocLocator, type DocRef } from './specDocLocator';

export type { ApproveResult, RequestChangesResult } from './reviewCommands';

/**
 * Design-doc review (issue 6), put together from its parts: comments on lines of requirements.md, design.md
 * and tasks.md kept in spectask.json through the core ReviewService (ReviewCommentModel), shown as VS Code
 * comment threads (ReviewThreads), Approve gated by ReviewGate, and the Review / Approve / Request changes
 * commands (ReviewCommands). What the review CodeLens and tests read is here.
 */
export class SpecReviewController extends Disposable {
  private readonly locator: SpecDocLocator;
  private readonly model: ReviewCommentModel;
  private readonly reviewGate: ReviewGate;
  private readonly _onDidChangeReview = this._register(new vscode.EventEmitter<void>());
  /** Fires after comments, views or the gate changed (CodeLens, tests). */
  readonly onDidChangeReview = this._onDidChangeReview.event;

  constructor(services: SpecTaskServices, state: vscode.Memento) {
    super();
    const author = reviewerName();
    this.locator = new SpecDocLocator(services);
    this.model = this._register(new ReviewCommentModel(services, this.locator, reviewServiceFor));
    this.reviewGate = this._register(new ReviewGate(this.locator, this.model, state));
    const changed = async () => {
      this._onDidChangeReview.fire();
      await this.reviewGate.updateContextKeys();
    };
    const threads = this._register(new ReviewThreads(this.locator, this.model, author, changed));
    this._register(
      new ReviewCommands(services, {
        locator: this.locator,
        model: this.model,
        gate: this.reviewGate,
        threads,
        author,
        changed,
      }),
    );
    this._register(new SpecRevisionCompare(services, this.locator));
    this._register(this.model.onDidLoadTask(() => this._onDidChangeReview.fire()));
    this._register(this.reviewGate.onDidChangeViewed(() => this._onDidChangeReview.fire()));
  }

  /** The spec document a Uri is, if any. */
  locate(uri: vscode.Uri): DocRef | undefined {
    return this.locator.locate(uri);
  }

  /** The comments of a SpecTask as this window knows them. */
  commentsFor(repo: SpecTaskRepository, taskId: string): readonly StoredComment[] {
    return this.model.commentsFor(repo, taskId);
  }

  /** The approval gate of a SpecTask now (documents read from disk). */
  gate(repo: SpecTaskRepository, taskId: string): Promise<ApprovalGate> {
    return this.reviewGate.gate(repo, taskId);
  }

  /** One line about the review state of the task a document belongs to, with the next document to open. */
  reviewState(uri: vscode.Uri): Promise<ReviewState | undefined> {
    return this.reviewGate.reviewState(uri);
  }
}
