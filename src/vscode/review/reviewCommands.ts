import { vscode } from '../vscodeApi';
import { Disposable } from '../../core/lifecycle';
import { statusesAllowing } from '../../core/orchestrator/statusMachine';
import type { StoredComment } from '../../core/review/commentRecords';
import { blocksApproval, isOpen, SPEC_DOCUMENTS, type SpecDocument } from '../../core/review/reviewComments';
import { registerCommand } from '../commandRegistry';
import type { SpecTaskRepository, SpecTaskServices } from '../extensionContext';
import { withoutIconSyntax } from '../views/iconText';
import type { ReviewCommentModel } from './reviewCommentModel';
import type { ReviewGate } from './reviewGate';
import { revisionUnderReview } from './revisionUnderReview';
import type { ReviewThreads } from './reviewThreads';
import type { SpecDocLocator } from './specDocLocator';

/** What Approve / Request changes return (for tests and callers). */
export type ApproveResult = { approved: true } | { approved: false; reasons: string[] };
export type RequestChangesResult = { sent: number } | { sent: 0; reason: string };

/** The parts of the review the commands act through. */
export interface ReviewParts {
  locator: SpecDocLocator;
  model: ReviewCommentModel;
  gate: ReviewGate;
  threads: ReviewThreads;
  author: string;
  /** Called after a command changed the review (the gate's context keys, the CodeLens). */
  changed: () => Promise<void>;
}

/**
 * The spec review's commands: Review Spec (open the next unseen document), Approve Spec (only through the
 * gate, explaining what is missing) and Request Changes (the open comments and an overall comment to the
 * planning agent, one intent of the core ReviewService).
 */
export class ReviewCommands extends Disposable {
  constructor(
    private readonly services: SpecTaskServices,
    private readonly parts: ReviewParts,
  ) {
    super();
    this._register(registerCommand('spectask.spec.review', (target) => this.review(target)));
    this._register(registerCommand('spectask.spec.approve', (target) => this.approve(target)));
    this._register(
      registerCommand('spectask.spec.requestChanges', (target, overall) => this.requestChanges(target, overall)),
    );
  }

  /** Opens the next spec document the reviewer has not seen at its current content (else requirements.md). */
  private async review(target: unknown): Promise<SpecDocument | undefined> {
    const { locator, gate, model } = this.parts;
    const ref = await this.services.resolveTask(target, { verb: 'review' });
    if (!ref) return undefined;
    const docs = await locator.readDocs(ref.repo, ref.taskId);
    const next = (await gate.nextToOpen(ref.repo, ref.taskId)) ?? SPEC_DOCUMENTS.find((d) => docs[d] !== undefined);
    if (!next) {
      void vscode.window.showWarningMessage(`SpecTask ${ref.taskId} has no spec documents yet.`);
      return undefined;
    }
    await model.syncTask(ref.repo, ref.taskId, true);
    const uri = locator.docUri(ref.repo, ref.taskId, next)!;
    await vscode.window.showTextDocument(uri, { preview: false });
    return next;
  }

  private async approve(target: unknown): Promise<ApproveResult> {
    const ref = await this.services.resolveTask(target, {
      statuses: [...statusesAllowing('approve')],
      verb: 'approve',
    });
    if (!ref) return { approved: false, reasons: ['no SpecTask chosen'] };
    const status = ref.repo.orchestrator.task(ref.taskId)?.status;
    if (status !== 'spec_review') {
      const reason = `SpecTask ${ref.taskId} is ${String(status).replace(/_/g, ' ')}, not waiting for spec review`;
      void vscode.window.showWarningMessage(`${reason}.`);
      return { approved: false, reasons: [reason] };
    }
    // Comments that cannot be read block the approval (the gate names them); the sync's error is that reason.
    await this.parts.model.syncTask(ref.repo, ref.taskId, true).catch(() => undefined);
    const gate = await this.parts.gate.gate(ref.repo, ref.taskId);
    if (!gate.canApprove) {
      void this.explainGate(ref.repo, ref.taskId, gate.reasons);
      return { approved: false, reasons: gate.reasons };
    }
    await ref.repo.orchestrator.approve(ref.taskId);
    void vscode.window.showInformationMessage(
      `Spec of SpecTask ${ref.taskId} approved; it is queued for implementation.`,
    );
    await this.parts.changed();
    return { approved: true };
  }

  /** Shows why Approve is not possible yet, and offers to fix the first reason. */
  private async explainGate(repo: SpecTaskRepository, taskId: string, reasons: readonly string[]): Promise<void> {
    const next = await this.parts.gate.nextToOpen(repo, taskId);
    const reviewed = revisionUnderReview(repo, taskId);
    const open = this.parts.model.commentsFor(repo, taskId).filter((c) => blocksApproval(c, reviewed));
    const actions = [...(next ? [`Open ${next}`] : []), ...(open.length ? ['Show open comments'] : [])];
    const pick = await vscode.window.showWarningMessage(
      `Cannot approve SpecTask ${taskId} yet: ${reasons.join('; ')}.`,
      ...actions,
    );
    if (pick && next && pick === `Open ${next}`)
      await vscode.window.showTextDocument(this.parts.locator.docUri(repo, taskId, next)!, { preview: false });
    else if (pick === 'Show open comments') await this.pickComment(repo, taskId, open);
  }

  private async pickComment(repo: SpecTaskRepository, taskId: string, open: readonly StoredComment[]): Promise<void> {
    const item = await vscode.window.showQuickPick(
      open.map((c) => ({
        label: `${c.document}:${c.line}`,
        description: withoutIconSyntax(c.body.slice(0, 80)),
        detail: withoutIconSyntax(c.quote.slice(0, 120)) || undefined,
        c,
      })),
      { placeHolder: 'Open comments: resolve them, or send them with Request changes' },
    );
    if (!item) return;
    const uri = this.parts.locator.docUri(repo, taskId, item.c.document)!;
    const line = this.parts.threads.lineOf(repo, taskId, item.c.id) ?? item.c.line - 1;
    await vscode.window.showTextDocument(uri, { selection: new vscode.Range(line, 0, line, 0), preview: false });
  }

  private async requestChanges(target: unknown, overallArg: string | undefined): Promise<RequestChangesResult> {
    const { model } = this.parts;
    const ref = await this.services.resolveTask(target, {
      statuses: [...statusesAllowing('request_spec_changes')],
      verb: 'request changes to',
    });
    if (!ref) return { sent: 0, reason: 'no SpecTask chosen' };
    await model.syncTask(ref.repo, ref.taskId, true);
    const open = model.commentsFor(ref.repo, ref.taskId).filter(isOpen);
    let overall = overallArg;
    if (overall === undefined) {
      overall = await vscode.window.showInputBox({
        title: `Request changes to SpecTask ${ref.taskId}`,
        prompt: `${open.length} open comment${open.length === 1 ? '' : 's'} will be sent to the planning agent. Add an overall comment (optional).`,
        placeHolder: 'Overall comment for the planning agent',
        ignoreFocusOut: true,
      });
      if (overall === undefined) return { sent: 0, reason: 'cancelled' };
    }
    overall = overall.trim();
    if (!open.length && !overall) {
      const reason = 'there is nothing to send: comment on a line of the documents, or give an overall comment';
      void vscode.window.showWarningMessage(`Request changes: ${reason}.`);
      return { sent: 0, reason };
    }
    // One intent, one commit: the overall comment, the "sent in revision N" marks and the move to spec_revision.
    const sent = await model.requestChanges(ref.repo, ref.taskId, overall, this.parts.author);
    const others = sent - (overall ? 1 : 0);
    void vscode.window.showInformationMessage(
      `Sent ${others} comment${others === 1 ? '' : 's'}${overall ? ' and your overall comment' : ''} to the planning agent of SpecTask ${ref.taskId}.`,
    );
    await this.parts.changed();
    return { sent };
  }
}
