import { vscode } from '../vscodeApi';
import { Disposable } from '../../core/lifecycle';
import { newCommentId, type StoredComment } from '../../core/review/commentRecords';
import { isAddressed, relocate, type SpecDocument } from '../../core/review/reviewComments';
import { registerCommand } from '../commandRegistry';
import type { SpecTaskRepository } from '../extensionContext';
import type { LoadedTask, ReviewCommentModel } from './reviewCommentModel';
import { revisionUnderReview } from './revisionUnderReview';
import type { SpecDocLocator } from './specDocLocator';

const CONTROLLER_ID = 'spectask.review';

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
 * The review comments as VS Code comment threads (issue 6): one thread per stored comment on requirements.md,
 * design.md and tasks.md, at the line its quote moved to, with replies and resolve / reopen / delete. Maps the
 * core records (through ReviewCommentModel) to threads and the thread widget's actions back to record changes.
 */
export class ReviewThreads extends Disposable {
  private readonly controller: vscode.CommentController;
  /** Threads by `<task key>#<comment id>`. */
  private readonly threads = new Map<string, vscode.CommentThread>();
  private readonly threadIds = new WeakMap<vscode.CommentThread, { key: string; id: string }>();

  constructor(
    private readonly locator: SpecDocLocator,
    private readonly model: ReviewCommentModel,
    private readonly author: string,
    /** Called after the reviewer changed a comment (the gate's context keys, the CodeLens). */
    private readonly changed: () => Promise<void>,
  ) {
    super();
    this.controller = this._register(vscode.comments.createCommentController(CONTROLLER_ID, 'SpecTask review'));
    this.controller.options = {
      prompt: 'Comment on this line for the planning agent',
      placeHolder: 'What should change here?',
    };
    this.controller.commentingRangeProvider = {
      provideCommentingRanges: (doc) =>
        this.locator.locate(doc.uri) ? [new vscode.Range(0, 0, Math.max(0, doc.lineCount - 1), 0)] : [],
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
    this._register(model.onDidLoadTask((t) => this.render(t)));
    this._register(model.onDidDropTask((key) => this.drop(key)));
  }

  /** The 0-based line a comment's thread is shown at now, if it has a thread. */
  lineOf(repo: SpecTaskRepository, taskId: string, commentId: string): number | undefined {
    return this.threads.get(`${this.locator.key(repo, taskId)}#${commentId}`)?.range?.start.line;
  }

  // ------------------------------------------------------------------ records → threads

  private render({ repo, taskId, docs }: LoadedTask): void {
    const key = this.locator.key(repo, taskId);
    const reviewed = revisionUnderReview(repo, taskId);
    const seen = new Set<string>();
    for (const c of this.model.commentsFor(repo, taskId)) {
      const threadKey = `${key}#${c.id}`;
      seen.add(threadKey);
      const uri = this.locator.docUri(repo, taskId, c.document);
      if (!uri) continue;
      const text = docs[c.document];
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
      } else if (thread.range?.start.line !== line) {
        thread.range = new vscode.Range(line, 0, line, 0);
      }
      this.fill(thread, c, reviewed);
    }
    this.drop(key, seen);
  }

  private fill(thread: vscode.CommentThread, c: StoredComment, reviewed: number | undefined): void {
    const resolvedLabel = c.resolved
      ? c.resolved.by === 'auto'
        ? `Resolved automatically${c.resolved.reason ? `: ${c.resolved.reason}` : ''}`
        : 'Resolved'
      : undefined;
    const sentLabel = c.sentInRevision !== undefined ? `sent to the agent in revision ${c.sentInRevision}` : undefined;
    // Issue 22: once the revision it was sent in is back for review, the agent addressed it; it no longer
    // blocks Approve, and Resolve (one click) closes it.
    const addressedLabel = isAddressed(c, reviewed)
      ? `Addressed in revision ${c.sentInRevision} · resolve it if it is done`
      : undefined;
    thread.label = [
      c.overall ? 'Overall comment' : undefined,
      resolvedLabel ?? addressedLabel ?? (sentLabel ? `Open, ${sentLabel}` : 'Open'),
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

  /** Disposes the threads of a task (all, or those not in `keep`). */
  private drop(key: string, keep?: ReadonlySet<string>): void {
    for (const [threadKey, thread] of this.threads) {
      if (threadKey.startsWith(`${key}#`) && !keep?.has(threadKey)) {
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
    const ref = this.locator.locate(thread.uri);
    if (!ref) return undefined;
    const comment = this.model.commentsFor(ref.repo, ref.taskId).find((c) => c.id === ids.id);
    return comment ? { repo: ref.repo, taskId: ref.taskId, comment } : undefined;
  }

  // ------------------------------------------------------------------ thread actions → records

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
      await this.model.write(existing.repo, existing.taskId, [c], [], `review: reply on ${c.document} line ${c.line}`);
      this.fill(reply.thread, c, revisionUnderReview(existing.repo, existing.taskId));
      await this.changed();
      return;
    }
    const ref = this.locator.locate(reply.thread.uri);
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
    const c = this.newComment(ref.document, startLine + 1, quote, text);
    const key = this.locator.key(ref.repo, ref.taskId);
    // The widget's own thread becomes this comment's thread.
    reply.thread.range = new vscode.Range(startLine, 0, startLine, 0);
    this.threads.set(`${key}#${c.id}`, reply.thread);
    this.threadIds.set(reply.thread, { key, id: c.id });
    reply.thread.collapsibleState = vscode.CommentThreadCollapsibleState.Expanded;
    this.fill(reply.thread, c, revisionUnderReview(ref.repo, ref.taskId));
    try {
      await this.model.write(ref.repo, ref.taskId, [c], [], `review: comment on ${c.document} line ${c.line}`);
    } catch {
      this.threads.delete(`${key}#${c.id}`);
      reply.thread.dispose();
      return;
    }
    await this.changed();
  }

  private newComment(document: SpecDocument, line: number, quote: string, body: string): StoredComment {
    const now = Date.now();
    return { id: newCommentId(now), document, line, quote, body, author: this.author, createdAt: now, replies: [] };
  }

  private async setResolved(thread: vscode.CommentThread | undefined, resolved: boolean): Promise<void> {
    const hit = this.find(thread);
    if (!hit || !thread) return;
    const c: StoredComment = { ...hit.comment };
    if (resolved) c.resolved = { at: Date.now(), by: 'user' };
    else delete c.resolved;
    await this.model.write(
      hit.repo,
      hit.taskId,
      [c],
      [],
      `review: ${resolved ? 'resolve' : 'reopen'} comment on ${c.document} line ${c.line}`,
    );
    this.fill(thread, c, revisionUnderReview(hit.repo, hit.taskId));
    thread.collapsibleState = resolved
      ? vscode.CommentThreadCollapsibleState.Collapsed
      : vscode.CommentThreadCollapsibleState.Expanded;
    await this.changed();
  }

  private async deleteNote(note: ReviewNote | undefined): Promise<void> {
    if (!(note instanceof ReviewNote)) return;
    for (const [threadKey, thread] of this.threads) {
      const ids = this.threadIds.get(thread);
      if (ids?.id !== note.commentId) continue;
      const hit = this.find(thread);
      if (!hit) return;
      if (note.replyIndex < 0) {
        await this.model.write(
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
        await this.model.write(hit.repo, hit.taskId, [c], [], `review: delete a reply on ${c.document} line ${c.line}`);
        this.fill(thread, c, revisionUnderReview(hit.repo, hit.taskId));
      }
      await this.changed();
      return;
    }
  }
}
