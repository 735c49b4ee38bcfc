import * as fs from 'node:fs/promises';
import { vscode } from '../vscodeApi';
import { Disposable } from '../../core/lifecycle';
import { approvalGate, type ApprovalGate } from '../../core/review/approvalGate';
import { blocksApproval, type SpecDocument } from '../../core/review/reviewComments';
import type { SpecTaskRepository } from '../extensionContext';
import type { ReviewCommentModel } from './reviewCommentModel';
import { revisionUnderReview } from './revisionUnderReview';
import type { DocRef, SpecDocLocator } from './specDocLocator';
import { OnScreenTimer } from './onScreenTimer';
import { gateSummary, nextToOpen, pruneViewed, recordView, type ViewedState } from './specDocs';

const VIEWED_KEY = 'spectask.review.viewed';
/** How long a spec document must stay on screen to count as seen by the reviewer. */
const SEEN_AFTER_MS = 1000;

/** The review state of the SpecTask a document belongs to, for the review CodeLens. */
export interface ReviewState {
  ref: DocRef;
  summary: string;
  canApprove: boolean;
  next?: SpecDocument;
  open: number;
}

/**
 * Whether a spec may be approved (core approvalGate: every document opened since its last change, no open
 * comment): remembers which content of each document the reviewer had on screen (workspaceState), and keeps
 * the `spectask:reviewingSpec` / `spectask:specApprovable` context keys of the editor title buttons current.
 */
export class ReviewGate extends Disposable {
  private viewed: ViewedState;
  private readonly seeing = new OnScreenTimer(SEEN_AFTER_MS);
  private readonly _onDidChangeViewed = this._register(new vscode.EventEmitter<void>());
  /** The reviewer opened a document at content not seen before. */
  readonly onDidChangeViewed = this._onDidChangeViewed.event;

  constructor(
    private readonly locator: SpecDocLocator,
    private readonly model: ReviewCommentModel,
    private readonly state: vscode.Memento,
  ) {
    super();
    this.viewed = state.get<ViewedState>(VIEWED_KEY, {});
    this._register(vscode.window.onDidChangeActiveTextEditor(() => void this.onEditorsChanged()));
    this._register(vscode.window.onDidChangeVisibleTextEditors(() => void this.onEditorsChanged()));
    this._register(
      vscode.workspace.onDidChangeTextDocument((e) => {
        // A document that changes while it is on screen (an agent's revision reloading) is seen as it is,
        // once it has been on screen long enough again.
        if (!e.document.isDirty && vscode.window.visibleTextEditors.some((ed) => ed.document === e.document)) {
          this.seeing.forget(e.document.uri.toString());
          void this.onEditorsChanged();
        }
      }),
    );
    // Moving the cursor in a document (keyboard or mouse) is reading it: it counts at once.
    this._register(
      vscode.window.onDidChangeTextEditorSelection(
        (e) =>
          (e.kind === vscode.TextEditorSelectionChangeKind.Keyboard ||
            e.kind === vscode.TextEditorSelectionChangeKind.Mouse) &&
          void this.record([e.textEditor]),
      ),
    );
    this._register({ dispose: () => this.seeing.dispose() });
    this._register(model.onDidSyncAll((live) => void this.onSynced(live)));
  }

  /** What the reviewer has seen of a task's documents: document → content hash. */
  viewedOf(repo: SpecTaskRepository, taskId: string): Partial<Record<SpecDocument, string>> {
    return this.viewed[this.locator.key(repo, taskId)] ?? {};
  }

  /** The approval gate of a SpecTask now (documents read from disk). */
  async gate(repo: SpecTaskRepository, taskId: string): Promise<ApprovalGate> {
    const docs = await this.locator.readDocs(repo, taskId);
    return this.gateOf(repo, taskId, docs);
  }

  private gateOf(repo: SpecTaskRepository, taskId: string, docs: Partial<Record<SpecDocument, string>>): ApprovalGate {
    const gate = approvalGate(
      docs,
      this.viewedOf(repo, taskId),
      this.model.commentsFor(repo, taskId),
      revisionUnderReview(repo, taskId),
    );
    // Comments that could not be read may be open: they block approval like open ones.
    const problem = this.model.problemOf(repo, taskId);
    if (!problem) return gate;
    return { canApprove: false, reasons: [...(gate.canApprove ? [] : gate.reasons), problem] };
  }

  /** The next document the reviewer has not seen at its current content, if any. */
  async nextToOpen(repo: SpecTaskRepository, taskId: string): Promise<SpecDocument | undefined> {
    return nextToOpen(await this.locator.readDocs(repo, taskId), this.viewedOf(repo, taskId));
  }

  /** One line about the review state of the task a document belongs to, with the next document to open. */
  async reviewState(uri: vscode.Uri): Promise<ReviewState | undefined> {
    const ref = this.locator.locate(uri);
    if (!ref || ref.repo.orchestrator.task(ref.taskId)?.status !== 'spec_review') return undefined;
    const docs = await this.locator.readDocs(ref.repo, ref.taskId);
    const gate = this.gateOf(ref.repo, ref.taskId, docs);
    return {
      ref,
      summary: gateSummary(gate),
      canApprove: gate.canApprove,
      next: nextToOpen(docs, this.viewedOf(ref.repo, ref.taskId)),
      open: this.model
        .commentsFor(ref.repo, ref.taskId)
        .filter((c) => blocksApproval(c, revisionUnderReview(ref.repo, ref.taskId))).length,
    };
  }

  private async onSynced(live: ReadonlySet<string>): Promise<void> {
    const pruned = pruneViewed(this.viewed, live);
    if (pruned !== this.viewed) {
      this.viewed = pruned;
      void this.state.update(VIEWED_KEY, this.viewed);
    }
    await this.updateContextKeys();
  }

  /**
   * A spec document counts as seen once it has stayed on screen for a moment (or the reviewer moved the cursor in
   * it), not when it merely flashed by: "Open Design Documents" opens all three in one group,
   * one after the other, and only the last stays visible (issue 22).
   */
  private async onEditorsChanged(): Promise<void> {
    const docs = vscode.window.visibleTextEditors.filter(
      (ed) => !ed.document.isDirty && this.locator.locate(ed.document.uri),
    );
    this.seeing.onScreen(
      docs.map((ed) => ed.document.uri.toString()),
      (uri) => void this.record(vscode.window.visibleTextEditors.filter((ed) => ed.document.uri.toString() === uri)),
    );
    await this.updateContextKeys();
  }

  /** Records what the reviewer has seen of these editors' documents (as committed to disk). */
  private async record(editors: readonly vscode.TextEditor[]): Promise<void> {
    let changed = false;
    for (const ed of editors) {
      if (ed.document.isDirty) continue;
      const ref = this.locator.locate(ed.document.uri);
      if (!ref) continue;
      // The file as committed to disk is what the gate compares against.
      const text = await fs.readFile(ed.document.uri.fsPath, 'utf8').catch(() => undefined);
      if (text === undefined) continue;
      const next = recordView(this.viewed, this.locator.key(ref.repo, ref.taskId), ref.document, text);
      if (next !== this.viewed) {
        this.viewed = next;
        changed = true;
      }
    }
    if (changed) {
      await this.state.update(VIEWED_KEY, this.viewed);
      this._onDidChangeViewed.fire();
      await this.updateContextKeys();
    }
  }

  /** Sets the context keys of the editor title's Approve / Request changes buttons for the active document. */
  async updateContextKeys(): Promise<void> {
    // Typing in a comment widget makes its input (scheme `comment`) the active editor, or none: then the
    // visible spec document counts, so the Approve / Request changes buttons stay while commenting.
    const active = vscode.window.activeTextEditor;
    const ed =
      active?.document.uri.scheme === 'file'
        ? active
        : vscode.window.visibleTextEditors.find((e) => this.locator.locate(e.document.uri));
    const ref = ed && this.locator.locate(ed.document.uri);
    const status = ref && ref.repo.orchestrator.task(ref.taskId)?.status;
    const reviewing = status === 'spec_review';
    const approvable = reviewing && ref ? (await this.gate(ref.repo, ref.taskId)).canApprove : false;
    await vscode.commands.executeCommand('setContext', 'spectask:reviewingSpec', reviewing);
    await vscode.commands.executeCommand('setContext', 'spectask:specApprovable', approvable);
  }
}
