import * as fsSync from 'node:fs';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { vscode } from '../vscodeApi';
import type { SpecTaskRecord } from '../../core/docs/specTaskSchema';
import { Disposable } from '../../core/lifecycle';
import { approvalGate, type ApprovalGate } from '../../core/review/approvalGate';
import { autoResolve, isOpen, relocate, SPEC_DOCUMENTS, type SpecDocument } from '../../core/review/reviewComments';
import { registerCommand } from '../commandRegistry';
import type { SpecTaskRepository, SpecTaskServices } from '../extensionContext';
import {
  commentsOf,
  markSent,
  newCommentId,
  resolveAnsweredOverall,
  upsertRecords,
  type StoredComment,
} from '../../core/review/commentRecords';
import { gateSummary, nextToOpen, pruneViewed, recordView, specDocOf, type ViewedState } from './specDocs';
import { notificationText } from '../views/notificationText';
import { withoutIconSyntax } from '../views/iconText';

const VIEWED_KEY = 'spectask.review.viewed';
const CONTROLLER_ID = 'spectask.review';

/** A located spec document: which repository, SpecTask and document a file is. */
interface DocRef {
  repo: SpecTaskRepository;
  taskId: string;
  document: SpecDocument;
}

/** What Approve / Request changes return (for tests and callers). */
export type ApproveResult = { approved: true } | { approved: false; reasons: string[] };
export type RequestChangesResult = { sent: number } | { sent: 0; reason: string };

/** One comment as VS Code shows it: the root comment of a thread, or one of its replies. */
class ReviewNote implements vscode.Comment {
  mode = vscode.CommentMode.Preview;
  constructor(
    readonly commentId: string,
    /** -1 for the root comment, else the reply's index. */
    readonly replyIndex: number,
    public body: vscode.MarkdownString,
    public author: vscode.CommentAuthorInformation,
    public timestamp: Date,
    public label: string | undefined,
    public contextValue: string,
  ) {}
}

const markdown = (text: string) => {
  const md = new vscode.MarkdownString(text);
  md.supportHtml = false;
  md.isTrusted = false;
  return md;
};

/**
 * Design-doc review through VS Code's Comments API (issue 6): comments on lines of requirements.md,
 * design.md and tasks.md in the design-docs worktree, threads with replies and resolve/reopen, kept in
 * spectask.json `reviewComments` through the store (committed; format in commentRecords.ts), shown again
 * on reload at the line their quote moved to, and resolved automatically when the quoted text is gone.
 * Approve is gated by approvalGate (every document opened since its last change, no open comment);
 * Request changes hands the open comments to the planning agent through the orchestrator.
 */
export class SpecReviewController extends Disposable {
  private readonly controller: vscode.CommentController;
  /** Comments per SpecTask, key `<repoRoot>#<taskId>`. */
  private readonly comments = new Map<string, StoredComment[]>();
  /** The spectask.json `updatedAt` the comments of a task were last taken from or written with. */
  private readonly knownUpdatedAt = new Map<string, string>();
  /** The record object each task was last synced from, so unchanged tasks are skipped cheaply. */
  private readonly syncedRecord = new Map<string, SpecTaskRecord | undefined>();
  /** Writes in flight per task: while any runs, an older record from the orchestrator must not win. */
  private readonly writing = new Map<string, number>();
  private readonly threads = new Map<string, vscode.CommentThread>();
  private readonly threadIds = new WeakMap<vscode.CommentThread, { key: string; id: string }>();
  private viewed: ViewedState;
  private readonly author: string;
  private readonly _onDidChangeReview = this._register(new vscode.EventEmitter<void>());
  /** Fires after comments, views or the gate changed (CodeLens, tests). */
  readonly onDidChangeReview = this._onDidChangeReview.event;
  private syncTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly services: SpecTaskServices,
    private readonly state: vscode.Memento,
  ) {
    super();
    this.viewed = state.get<ViewedState>(VIEWED_KEY, {});
    this.author = (() => {
      try {
        return os.userInfo().username || 'reviewer';
      } catch {
        return 'reviewer';
      }
    })();
    this.controller = this._register(vscode.comments.createCommentController(CONTROLLER_ID, 'SpecTask review'));
    this.controller.options = {
      prompt: 'Comment on this line for the planning agent',
      placeHolder: 'What should change here?',
    };
    this.controller.commentingRangeProvider = {
      provideCommentingRanges: (doc) =>
        this.locate(doc.uri) ? [new vscode.Range(0, 0, Math.max(0, doc.lineCount - 1), 0)] : [],
    };

    this._register(
      registerCommand('spectask.comment.add', (reply) => this.addComment(reply as vscode.CommentReply | undefined)),
    );
    this._register(
      registerCommand('spectask.comment.resolve', (thread) =>
        this.setResolved(thread as vscode.CommentThread | undefined, true),
      ),
    );
    this._register(
      registerCommand('spectask.comment.reopen', (thread) =>
        this.setResolved(thread as vscode.CommentThread | undefined, false),
      ),
    );
    this._register(
      registerCommand('spectask.comment.delete', (note) => this.deleteNote(note as ReviewNote | undefined)),
    );
    this._register(registerCommand('spectask.spec.review', (target) => this.review(target)));
    this._register(registerCommand('spectask.spec.approve', (target) => this.approve(target)));
    this._register(
      registerCommand('spectask.spec.requestChanges', (target, overall) => this.requestChanges(target, overall)),
    );

    this._register(vscode.window.onDidChangeActiveTextEditor(() => void this.onEditorsChanged()));
    this._register(vscode.window.onDidChangeVisibleTextEditors(() => void this.onEditorsChanged()));
    this._register(
      vscode.workspace.onDidSaveTextDocument((d) => {
        const ref = this.locate(d.uri);
        if (ref) void this.syncTask(ref.repo, ref.taskId, true);
      }),
    );
    this._register(
      vscode.workspace.onDidChangeTextDocument((e) => {
        // A document that changes while it is on screen (an agent's revision reloading) is seen as it is.
        if (!e.document.isDirty && vscode.window.visibleTextEditors.some((ed) => ed.document === e.document))
          void this.onEditorsChanged();
      }),
    );
    this._register(services.onDidChangeOrchestrators(() => this.scheduleSync()));
    this._register(services.onDidChangeTasks(() => this.scheduleSync()));
    this._register({ dispose: () => this.syncTimer && clearTimeout(this.syncTimer) });
    this.scheduleSync();
  }

  // ------------------------------------------------------------------ lookup

  private key(repo: SpecTaskRepository, taskId: string): string {
    return `${repo.root}#${taskId}`;
  }

  /** The spec document a Uri is (a file in a SpecTask folder of a design-docs worktree), if any. */
  locate(uri: vscode.Uri): DocRef | undefined {
    if (uri.scheme !== 'file') return undefined;
    for (const repo of this.services.repositories()) {
      const root = repo.designDocsRoot;
      if (!isInside(uri.fsPath, root) && !isInside(uri.fsPath, realPath(root))) continue;
      const hit =
        specDocOf(uri.fsPath, repo.orchestrator.taskViews()) ??
        specDocOf(
          realPath(uri.fsPath),
          repo.orchestrator.taskViews().map((t) => ({ id: t.id, path: realPath(t.path) })),
        );
      if (hit) return { repo, ...hit };
    }
    return undefined;
  }

  private docUri(repo: SpecTaskRepository, taskId: string, document: SpecDocument): vscode.Uri | undefined {
    const folder = repo.orchestrator.task(taskId)?.path ?? repo.taskFolder(taskId);
    return folder ? vscode.Uri.file(path.join(folder, document)) : undefined;
  }

  private async readDocs(repo: SpecTaskRepository, taskId: string): Promise<Partial<Record<SpecDocument, string>>> {
    const out: Partial<Record<SpecDocument, string>> = {};
    await Promise.all(
      SPEC_DOCUMENTS.map(async (d) => {
        const uri = this.docUri(repo, taskId, d);
        if (!uri) return;
        const text = await fs.readFile(uri.fsPath, 'utf8').catch(() => undefined);
        if (text !== undefined) out[d] = text;
      }),
    );
    return out;
  }

  /** The comments of a SpecTask as this window knows them. */
  commentsFor(repo: SpecTaskRepository, taskId: string): readonly StoredComment[] {
    return this.comments.get(this.key(repo, taskId)) ?? [];
  }

  /** The approval gate of a SpecTask now (documents read from disk). */
  async gate(repo: SpecTaskRepository, taskId: string): Promise<ApprovalGate> {
    const docs = await this.readDocs(repo, taskId);
    return approvalGate(docs, this.viewed[this.key(repo, taskId)] ?? {}, this.commentsFor(repo, taskId));
  }

  // ------------------------------------------------------------------ sync with spectask.json

  private scheduleSync(): void {
    if (this.syncTimer) return;
    this.syncTimer = setTimeout(() => {
      this.syncTimer = undefined;
      void this.syncAll();
    }, 150);
  }

  private async syncAll(): Promise<void> {
    const live = new Set<string>();
    for (const repo of this.services.repositories()) {
      for (const t of repo.orchestrator.taskViews()) {
        const key = this.key(repo, t.id);
        live.add(key);
        if (this.syncedRecord.get(key) === t.record && this.syncedRecord.has(key)) continue;
        await this.syncTask(repo, t.id).catch((e) =>
          this.services.log.warn(`review: could not load the comments of ${t.id}: ${(e as Error).message}`),
        );
      }
    }
    for (const key of [...this.comments.keys()]) if (!live.has(key)) this.dropTask(key);
    const pruned = pruneViewed(this.viewed, live);
    if (pruned !== this.viewed) {
      this.viewed = pruned;
      void this.state.update(VIEWED_KEY, this.viewed);
    }
    await this.updateContextKeys();
  }

  /**
   * Takes the comments from the task's record (unless this window wrote something newer), relocates them
   * to where their quote is now, resolves those whose quote is gone, and renders the threads.
   */
  async syncTask(repo: SpecTaskRepository, taskId: string, force = false): Promise<void> {
    const key = this.key(repo, taskId);
    const view = repo.orchestrator.task(taskId);
    const record = view?.record;
    if (!force && this.syncedRecord.has(key) && this.syncedRecord.get(key) === record) return;
    this.syncedRecord.set(key, record);
    if (record && !this.writing.get(key) && (this.knownUpdatedAt.get(key) ?? '') <= record.updatedAt) {
      this.comments.set(key, commentsOf(record.reviewComments));
      this.knownUpdatedAt.set(key, record.updatedAt);
    }
    const comments = this.comments.get(key) ?? [];
    const docs = await this.readDocs(repo, taskId);
    const now = Date.now();
    const changed = [
      ...autoResolve(comments, docs, now),
      ...resolveAnsweredOverall(comments, record?.status ?? '', record?.revisionCount ?? 0, now),
    ];
    if (changed.length)
      await this.write(
        repo,
        taskId,
        changed,
        [],
        `review: ${changed.length} comment${changed.length === 1 ? '' : 's'} resolved (quoted text gone)`,
      );
    this.render(repo, taskId, docs);
    this._onDidChangeReview.fire();
  }

  /** Applies changes locally at once and persists them to spectask.json (one commit). */
  private async write(
    repo: SpecTaskRepository,
    taskId: string,
    changed: readonly StoredComment[],
    removed: readonly string[],
    what: string,
  ): Promise<void> {
    const key = this.key(repo, taskId);
    const list = [...(this.comments.get(key) ?? [])];
    for (const c of changed) {
      const i = list.findIndex((x) => x.id === c.id);
      if (i >= 0) list[i] = c;
      else list.push(c);
    }
    this.comments.set(
      key,
      list.filter((c) => !removed.includes(c.id)),
    );
    this.writing.set(key, (this.writing.get(key) ?? 0) + 1);
    try {
      const rec = await repo.docs.store.update(taskId, what, (r) => upsertRecords(r.reviewComments, changed, removed));
      if ((this.knownUpdatedAt.get(key) ?? '') < rec.updatedAt) this.knownUpdatedAt.set(key, rec.updatedAt);
      if (this.writing.get(key) === 1) this.comments.set(key, commentsOf(rec.reviewComments));
    } catch (e) {
      this.services.log.error(`review: could not save comments of ${taskId}: ${(e as Error).message}`);
      void vscode.window.showErrorMessage(
        notificationText(`Could not save the review comment: ${(e as Error).message}`),
      );
      throw e;
    } finally {
      this.writing.set(key, (this.writing.get(key) ?? 1) - 1);
    }
  }

  // ------------------------------------------------------------------ threads

  private render(repo: SpecTaskRepository, taskId: string, docs?: Partial<Record<SpecDocument, string>>): void {
    const key = this.key(repo, taskId);
    const comments = this.comments.get(key) ?? [];
    const seen = new Set<string>();
    for (const c of comments) {
      const threadKey = `${key}#${c.id}`;
      seen.add(threadKey);
      const uri = this.docUri(repo, taskId, c.document);
      if (!uri) continue;
      const text = docs?.[c.document];
      const line = Math.max(0, (text !== undefined && !c.resolved ? relocate(c, text) : c.line) - 1);
      let thread = this.threads.get(threadKey);
      if (thread && thread.uri.fsPath !== uri.fsPath) {
        thread.dispose();
        thread = undefined;
      }
      if (!thread) {
        thread = this.controller.createCommentThread(uri, new vscode.Range(line, 0, line, 0), []);
        thread.collapsibleState = c.resolved
          ? vscode.CommentThreadCollapsibleState.Collapsed
          : vscode.CommentThreadCollapsibleState.Expanded;
        this.threads.set(threadKey, thread);
        this.threadIds.set(thread, { key, id: c.id });
      } else if (docs && thread.range?.start.line !== line) {
        thread.range = new vscode.Range(line, 0, line, 0);
      }
      this.fill(thread, c);
    }
    for (const [threadKey, thread] of this.threads) {
      if (threadKey.startsWith(`${key}#`) && !seen.has(threadKey)) {
        thread.dispose();
        this.threads.delete(threadKey);
      }
    }
  }

  private fill(thread: vscode.CommentThread, c: StoredComment): void {
    const resolvedLabel = c.resolved
      ? c.resolved.by === 'auto'
        ? `Resolved automatically${c.resolved.reason ? `: ${c.resolved.reason}` : ''}`
        : 'Resolved'
      : undefined;
    const sentLabel = c.sentInRevision !== undefined ? `sent to the agent in revision ${c.sentInRevision}` : undefined;
    thread.label = [
      c.overall ? 'Overall comment' : undefined,
      resolvedLabel ?? (sentLabel ? `Open, ${sentLabel}` : 'Open'),
    ]
      .filter(Boolean)
      .join(' · ');
    thread.contextValue = c.resolved ? 'resolved' : 'open';
    thread.state = c.resolved ? vscode.CommentThreadState.Resolved : vscode.CommentThreadState.Unresolved;
    thread.canReply = !c.resolved;
    const quote = c.quote.trim() ? `> ${c.quote.trim().slice(0, 300)}\n\n` : '';
    thread.comments = [
      new ReviewNote(
        c.id,
        -1,
        markdown(`${quote}${c.body}`),
        { name: c.author },
        new Date(c.createdAt),
        c.overall ? 'overall' : undefined,
        'note',
      ),
      ...c.replies.map(
        (r, i) => new ReviewNote(c.id, i, markdown(r.body), { name: r.author }, new Date(r.at), undefined, 'reply'),
      ),
    ];
  }

  private dropTask(key: string): void {
    this.comments.delete(key);
    this.syncedRecord.delete(key);
    this.knownUpdatedAt.delete(key);
    for (const [threadKey, thread] of this.threads) {
      if (threadKey.startsWith(`${key}#`)) {
        thread.dispose();
        this.threads.delete(threadKey);
      }
    }
  }

  private find(
    thread: vscode.CommentThread | undefined,
  ): { repo: SpecTaskRepository; taskId: string; comment: StoredComment } | undefined {
    if (!thread) return undefined;
    const ids = this.threadIds.get(thread);
    if (!ids) return undefined;
    const ref = this.locate(thread.uri);
    if (!ref) return undefined;
    const comment = this.comments.get(ids.key)?.find((c) => c.id === ids.id);
    return comment ? { repo: ref.repo, taskId: ref.taskId, comment } : undefined;
  }

  // ------------------------------------------------------------------ comment commands

  private async addComment(reply: vscode.CommentReply | undefined): Promise<void> {
    if (!reply?.thread) return;
    const text = reply.text.trim();
    if (!text) return;
    const existing = this.find(reply.thread);
    if (existing) {
      const c = {
        ...existing.comment,
        replies: [...existing.comment.replies, { author: this.author, body: text, at: Date.now() }],
      };
      await this.write(existing.repo, existing.taskId, [c], [], `review: reply on ${c.document} line ${c.line}`);
      this.fill(reply.thread, c);
      this._onDidChangeReview.fire();
      return;
    }
    const ref = this.locate(reply.thread.uri);
    if (!ref) {
      reply.thread.dispose();
      void vscode.window.showWarningMessage(
        'Review comments can be made on requirements.md, design.md and tasks.md of a SpecTask.',
      );
      return;
    }
    const doc = await vscode.workspace.openTextDocument(reply.thread.uri);
    const range = reply.thread.range ?? new vscode.Range(0, 0, 0, 0);
    const startLine = Math.min(range.start.line, doc.lineCount - 1);
    const endLine = Math.min(Math.max(range.end.line, startLine), doc.lineCount - 1);
    const quote = Array.from({ length: endLine - startLine + 1 }, (_, i) => doc.lineAt(startLine + i).text)
      .join('\n')
      .trim();
    const c: StoredComment = {
      id: newCommentId(Date.now()),
      document: ref.document,
      line: startLine + 1,
      quote,
      body: text,
      author: this.author,
      createdAt: Date.now(),
      replies: [],
    };
    const key = this.key(ref.repo, ref.taskId);
    // The widget's own thread becomes this comment's thread.
    reply.thread.range = new vscode.Range(startLine, 0, startLine, 0);
    this.threads.set(`${key}#${c.id}`, reply.thread);
    this.threadIds.set(reply.thread, { key, id: c.id });
    reply.thread.collapsibleState = vscode.CommentThreadCollapsibleState.Expanded;
    this.fill(reply.thread, c);
    try {
      await this.write(ref.repo, ref.taskId, [c], [], `review: comment on ${c.document} line ${c.line}`);
    } catch {
      this.threads.delete(`${key}#${c.id}`);
      reply.thread.dispose();
      return;
    }
    this._onDidChangeReview.fire();
    await this.updateContextKeys();
  }

  private async setResolved(thread: vscode.CommentThread | undefined, resolved: boolean): Promise<void> {
    const hit = this.find(thread);
    if (!hit || !thread) return;
    const c: StoredComment = { ...hit.comment };
    if (resolved) c.resolved = { at: Date.now(), by: 'user' };
    else delete c.resolved;
    await this.write(
      hit.repo,
      hit.taskId,
      [c],
      [],
      `review: ${resolved ? 'resolve' : 'reopen'} comment on ${c.document} line ${c.line}`,
    );
    this.fill(thread, c);
    thread.collapsibleState = resolved
      ? vscode.CommentThreadCollapsibleState.Collapsed
      : vscode.CommentThreadCollapsibleState.Expanded;
    this._onDidChangeReview.fire();
    await this.updateContextKeys();
  }

  private async deleteNote(note: ReviewNote | undefined): Promise<void> {
    if (!(note instanceof ReviewNote)) return;
    for (const [threadKey, thread] of this.threads) {
      const ids = this.threadIds.get(thread);
      if (ids?.id !== note.commentId) continue;
      const hit = this.find(thread);
      if (!hit) return;
      if (note.replyIndex < 0) {
        await this.write(
          hit.repo,
          hit.taskId,
          [],
          [hit.comment.id],
          `review: delete comment on ${hit.comment.document} line ${hit.comment.line}`,
        );
        thread.dispose();
        this.threads.delete(threadKey);
      } else {
        const c = { ...hit.comment, replies: hit.comment.replies.filter((_, i) => i !== note.replyIndex) };
        await this.write(hit.repo, hit.taskId, [c], [], `review: delete a reply on ${c.document} line ${c.line}`);
        this.fill(thread, c);
      }
      this._onDidChangeReview.fire();
      await this.updateContextKeys();
      return;
    }
  }

  // ------------------------------------------------------------------ viewed documents and context keys

  private async onEditorsChanged(): Promise<void> {
    let changed = false;
    for (const ed of vscode.window.visibleTextEditors) {
      if (ed.document.isDirty) continue;
      const ref = this.locate(ed.document.uri);
      if (!ref) continue;
      // The file as committed to disk is what the gate compares against.
      const text = await fs.readFile(ed.document.uri.fsPath, 'utf8').catch(() => undefined);
      if (text === undefined) continue;
      const next = recordView(this.viewed, this.key(ref.repo, ref.taskId), ref.document, text);
      if (next !== this.viewed) {
        this.viewed = next;
        changed = true;
      }
    }
    if (changed) {
      await this.state.update(VIEWED_KEY, this.viewed);
      this._onDidChangeReview.fire();
    }
    await this.updateContextKeys();
  }

  private async updateContextKeys(): Promise<void> {
    // Typing in a comment widget makes its input (scheme `comment`) the active editor, or none: then the
    // visible spec document counts, so the Approve / Request changes buttons stay while commenting.
    const active = vscode.window.activeTextEditor;
    const ed =
      active?.document.uri.scheme === 'file'
        ? active
        : vscode.window.visibleTextEditors.find((e) => this.locate(e.document.uri));
    const ref = ed && this.locate(ed.document.uri);
    const status = ref && ref.repo.orchestrator.task(ref.taskId)?.status;
    const reviewing = status === 'spec_review';
    const approvable = reviewing && ref ? (await this.gate(ref.repo, ref.taskId)).canApprove : false;
    await vscode.commands.executeCommand('setContext', 'spectask:reviewingSpec', reviewing);
    await vscode.commands.executeCommand('setContext', 'spectask:specApprovable', approvable);
  }

  // ------------------------------------------------------------------ review commands

  /** Opens the next spec document the reviewer has not seen at its current content (else requirements.md). */
  private async review(target: unknown): Promise<SpecDocument | undefined> {
    const ref = await this.services.resolveTask(target, { verb: 'review' });
    if (!ref) return undefined;
    const docs = await this.readDocs(ref.repo, ref.taskId);
    const next =
      nextToOpen(docs, this.viewed[this.key(ref.repo, ref.taskId)] ?? {}) ??
      SPEC_DOCUMENTS.find((d) => docs[d] !== undefined);
    if (!next) {
      void vscode.window.showWarningMessage(`SpecTask ${ref.taskId} has no spec documents yet.`);
      return undefined;
    }
    await this.syncTask(ref.repo, ref.taskId, true);
    const uri = this.docUri(ref.repo, ref.taskId, next)!;
    await vscode.window.showTextDocument(uri, { preview: false });
    return next;
  }

  private async approve(target: unknown): Promise<ApproveResult> {
    const ref = await this.services.resolveTask(target, { statuses: ['spec_review'], verb: 'approve' });
    if (!ref) return { approved: false, reasons: ['no SpecTask chosen'] };
    const status = ref.repo.orchestrator.task(ref.taskId)?.status;
    if (status !== 'spec_review') {
      const reason = `SpecTask ${ref.taskId} is ${String(status).replace(/_/g, ' ')}, not waiting for spec review`;
      void vscode.window.showWarningMessage(`${reason}.`);
      return { approved: false, reasons: [reason] };
    }
    await this.syncTask(ref.repo, ref.taskId, true);
    const gate = await this.gate(ref.repo, ref.taskId);
    if (!gate.canApprove) {
      void this.explainGate(ref.repo, ref.taskId, gate.reasons);
      return { approved: false, reasons: gate.reasons };
    }
    await ref.repo.orchestrator.approve(ref.taskId);
    void vscode.window.showInformationMessage(
      `Spec of SpecTask ${ref.taskId} approved; it is queued for implementation.`,
    );
    await this.updateContextKeys();
    this._onDidChangeReview.fire();
    return { approved: true };
  }

  /** Shows why Approve is not possible yet, and offers to fix the first reason. */
  private async explainGate(repo: SpecTaskRepository, taskId: string, reasons: readonly string[]): Promise<void> {
    const docs = await this.readDocs(repo, taskId);
    const next = nextToOpen(docs, this.viewed[this.key(repo, taskId)] ?? {});
    const open = this.commentsFor(repo, taskId).filter(isOpen);
    const actions = [...(next ? [`Open ${next}`] : []), ...(open.length ? ['Show open comments'] : [])];
    const pick = await vscode.window.showWarningMessage(
      `Cannot approve SpecTask ${taskId} yet: ${reasons.join('; ')}.`,
      ...actions,
    );
    if (pick && next && pick === `Open ${next}`)
      await vscode.window.showTextDocument(this.docUri(repo, taskId, next)!, { preview: false });
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
    const thread = this.threads.get(`${this.key(repo, taskId)}#${item.c.id}`);
    const uri = this.docUri(repo, taskId, item.c.document)!;
    const line = thread?.range?.start.line ?? item.c.line - 1;
    await vscode.window.showTextDocument(uri, { selection: new vscode.Range(line, 0, line, 0), preview: false });
  }

  private async requestChanges(target: unknown, overallArg: string | undefined): Promise<RequestChangesResult> {
    const ref = await this.services.resolveTask(target, { statuses: ['spec_review'], verb: 'request changes to' });
    if (!ref) return { sent: 0, reason: 'no SpecTask chosen' };
    await this.syncTask(ref.repo, ref.taskId, true);
    const key = this.key(ref.repo, ref.taskId);
    const open = this.commentsFor(ref.repo, ref.taskId).filter(isOpen);
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
    const knownIds = new Set((this.comments.get(key) ?? []).map((c) => c.id));
    // The open comments are already in spectask.json; the orchestrator hands every unresolved entry of the
    // record to the planning agent. Only the overall comment is new, so only it is passed along.
    await ref.repo.orchestrator.requestSpecChanges(
      ref.taskId,
      overall ? [{ document: 'requirements.md', line: 1, quote: '', comment: overall }] : [],
      overall || undefined,
    );
    const sentIds = new Set(open.map((c) => c.id));
    this.writing.set(key, (this.writing.get(key) ?? 0) + 1);
    try {
      const rec = await ref.repo.docs.store.update(
        ref.taskId,
        `review: ${open.length + (overall ? 1 : 0)} comment(s) sent to the planning agent`,
        (r) => {
          markSent(r.reviewComments, sentIds, overall || undefined, knownIds, r.revisionCount);
        },
      );
      this.comments.set(key, commentsOf(rec.reviewComments));
      this.knownUpdatedAt.set(key, rec.updatedAt);
    } finally {
      this.writing.set(key, (this.writing.get(key) ?? 1) - 1);
    }
    this.render(ref.repo, ref.taskId, await this.readDocs(ref.repo, ref.taskId));
    void vscode.window.showInformationMessage(
      `Sent ${open.length} comment${open.length === 1 ? '' : 's'}${overall ? ' and your overall comment' : ''} to the planning agent of SpecTask ${ref.taskId}.`,
    );
    this._onDidChangeReview.fire();
    await this.updateContextKeys();
    return { sent: open.length + (overall ? 1 : 0) };
  }

  // ------------------------------------------------------------------ for the review CodeLens

  /** One line about the review state of the task a document belongs to, with the next document to open. */
  async reviewState(
    uri: vscode.Uri,
  ): Promise<{ ref: DocRef; summary: string; canApprove: boolean; next?: SpecDocument; open: number } | undefined> {
    const ref = this.locate(uri);
    if (!ref || ref.repo.orchestrator.task(ref.taskId)?.status !== 'spec_review') return undefined;
    const docs = await this.readDocs(ref.repo, ref.taskId);
    const viewed = this.viewed[this.key(ref.repo, ref.taskId)] ?? {};
    const gate = approvalGate(docs, viewed, this.commentsFor(ref.repo, ref.taskId));
    return {
      ref,
      summary: gateSummary(gate),
      canApprove: gate.canApprove,
      next: nextToOpen(docs, viewed),
      open: this.commentsFor(ref.repo, ref.taskId).filter(isOpen).length,
    };
  }
}

function realPath(p: string): string {
  try {
    return fsSync.realpathSync(p);
  } catch {
    return p;
  }
}

function isInside(file: string, folder: string): boolean {
  const rel = path.relative(folder, file);
  return !!rel && !rel.startsWith('..') && !path.isAbsolute(rel);
}
