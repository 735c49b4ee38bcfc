import { vscode } from '../vscodeApi';
import type { SpecTaskRecord } from '../../core/docs/specTaskSchema';
import { Disposable } from '../../core/lifecycle';
import { SerialPasses } from '../../core/serialPasses';
import { commentsOf, type StoredComment } from '../../core/review/commentRecords';
import type { ReviewService } from '../../core/review/reviewService';
import type { SpecDocument } from '../../core/review/reviewComments';
import type { SpecTaskRepository, SpecTaskServices } from '../extensionContext';
import { notificationText } from '../views/notificationText';
import type { SpecDocLocator } from './specDocLocator';
import { RevisionClaims } from './revisionClaim';

/** A SpecTask whose comments were (re)loaded, with its documents as read for that. */
export interface LoadedTask {
  repo: SpecTaskRepository;
  taskId: string;
  docs: Partial<Record<SpecDocument, string>>;
}

/**
 * This window's copy of every SpecTask's review comments, kept in step with spectask.json: loaded (strictly,
 * through the ReviewService) when a task's record changes, resolved automatically when their quote is gone,
 * and written through the ReviewService. The threads view, the gate and the commands read it.
 */
export class ReviewCommentModel extends Disposable {
  /** Comments per SpecTask, key from SpecDocLocator.key. */
  private readonly comments = new Map<string, StoredComment[]>();
  /** Why a task's stored comments could not be read (hostile or oversized), until they can again. */
  private readonly problems = new Map<string, string>();
  /** The spectask.json `updatedAt` the comments of a task were last taken from or written with. */
  private readonly knownUpdatedAt = new Map<string, string>();
  /** The record object each task was last synced from, so unchanged tasks are skipped cheaply. */
  private readonly syncedRecord = new Map<string, SpecTaskRecord | undefined>();
  /** Writes in flight per task: while any runs, an older record from the orchestrator must not win. */
  private readonly writing = new Map<string, number>();
  /** What the agent says its revision addressed (addressed.json), checked against the documents it was sent. */
  private readonly claims = new RevisionClaims();
  /** Passes over every task: never two at once; a change during a pass runs one more after it. */
  private readonly syncs = new SerialPasses(
    () => this.syncAll(),
    (e) => this.services.log.warn(`review: could not sync the comments: ${(e as Error).message}`),
    () => this.isDisposed,
  );

  private readonly _onDidLoadTask = this._register(new vscode.EventEmitter<LoadedTask>());
  /** A task's comments were (re)loaded from its record: render them. */
  readonly onDidLoadTask = this._onDidLoadTask.event;
  private readonly _onDidDropTask = this._register(new vscode.EventEmitter<string>());
  /** A task is gone (key): forget its threads. */
  readonly onDidDropTask = this._onDidDropTask.event;
  private readonly _onDidSyncAll = this._register(new vscode.EventEmitter<ReadonlySet<string>>());
  /** Every task was synced; carries the keys of the tasks that exist. */
  readonly onDidSyncAll = this._onDidSyncAll.event;

  constructor(
    private readonly services: SpecTaskServices,
    private readonly locator: SpecDocLocator,
    private readonly reviewService: (repo: SpecTaskRepository) => ReviewService,
  ) {
    super();
    this._register(
      vscode.workspace.onDidSaveTextDocument((d) => {
        const ref = this.locator.locate(d.uri);
        if (ref) void this.syncTask(ref.repo, ref.taskId, true).catch((e) => this.warn(ref.taskId, e));
      }),
    );
    this._register(services.onDidChangeOrchestrators(() => this.scheduleSync()));
    this._register(services.onDidChangeTasks(() => this.scheduleSync()));
    this.scheduleSync();
  }

  /** The comments of a SpecTask as this window knows them. */
  commentsFor(repo: SpecTaskRepository, taskId: string): readonly StoredComment[] {
    return this.comments.get(this.locator.key(repo, taskId)) ?? [];
  }

  /** Why the stored comments of a task could not be read, if they could not. */
  problemOf(repo: SpecTaskRepository, taskId: string): string | undefined {
    return this.problems.get(this.locator.key(repo, taskId));
  }

  /**
   * A pass over every task on each change of the fleet store (one per burst: the store coalesces, so no timer
   * here). Passes never overlap; a change during a pass runs one more. Unchanged records are skipped by identity.
   */
  private scheduleSync(): void {
    this.syncs.request();
  }

  private async syncAll(): Promise<void> {
    const live = new Set<string>();
    for (const repo of this.services.repositories()) {
      for (const t of repo.orchestrator.taskViews()) {
        const key = this.locator.key(repo, t.id);
        live.add(key);
        if (this.syncedRecord.get(key) === t.record && this.syncedRecord.has(key)) continue;
        await this.syncTask(repo, t.id).catch((e) => this.warn(t.id, e));
      }
    }
    for (const key of [...this.comments.keys()]) if (!live.has(key)) this.dropTask(key);
    this._onDidSyncAll.fire(live);
  }

  private warn(taskId: string, e: unknown): void {
    this.services.log.warn(`review: could not load the comments of ${taskId}: ${(e as Error).message}`);
  }

  /**
   * Takes the comments from the task's record (unless this window wrote something newer), resolves those whose
   * quote is gone, and announces them. Throws ReviewCommentsError when the stored comments are over a limit.
   */
  async syncTask(repo: SpecTaskRepository, taskId: string, force = false): Promise<void> {
    const key = this.locator.key(repo, taskId);
    const record = repo.orchestrator.task(taskId)?.record;
    if (!force && this.syncedRecord.has(key) && this.syncedRecord.get(key) === record) return;
    this.syncedRecord.set(key, record);
    const service = this.reviewService(repo);
    if (record && !this.writing.get(key) && (this.knownUpdatedAt.get(key) ?? '') <= record.updatedAt) {
      try {
        this.comments.set(key, service.comments(record));
        this.problems.delete(key);
      } catch (e) {
        this.problems.set(key, (e as Error).message);
        throw e;
      }
      this.knownUpdatedAt.set(key, record.updatedAt);
    }
    const docs = await this.locator.readDocs(repo, taskId);
    const comments = this.comments.get(key) ?? [];
    const claim = await this.claims.read(repo, taskId, record, comments);
    const changed = service.dueResolutions(comments, record, docs, claim);
    if (changed.length)
      await this.write(
        repo,
        taskId,
        changed,
        [],
        `review: ${changed.length} comment${changed.length === 1 ? '' : 's'} resolved (quoted text gone or changed as the agent said)`,
      );
    this._onDidLoadTask.fire({ repo, taskId, docs });
  }

  /** Applies changes locally at once and persists them to spectask.json (one commit). */
  async write(
    repo: SpecTaskRepository,
    taskId: string,
    changed: readonly StoredComment[],
    removed: readonly string[],
    what: string,
  ): Promise<void> {
    const key = this.locator.key(repo, taskId);
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
    await this.whileWriting(key, async () => {
      try {
        const rec = await this.reviewService(repo).save(taskId, { changed, removed }, what);
        if ((this.knownUpdatedAt.get(key) ?? '') < rec.updatedAt) this.knownUpdatedAt.set(key, rec.updatedAt);
        if (this.writing.get(key) === 1) this.comments.set(key, commentsOf(rec.reviewComments));
      } catch (e) {
        this.services.log.error(`review: could not save comments of ${taskId}: ${(e as Error).message}`);
        void vscode.window.showErrorMessage(
          notificationText(`Could not save the review comment: ${(e as Error).message}`),
        );
        throw e;
      }
    });
  }

  /**
   * Request changes: the overall comment (if any) and every open comment go to the planning agent, in one
   * commit with the move to spec_revision (ReviewService.requestSpecChanges). Returns how many were sent.
   */
  async requestChanges(repo: SpecTaskRepository, taskId: string, overall: string, author: string): Promise<number> {
    const key = this.locator.key(repo, taskId);
    const sent = await this.whileWriting(key, async () => {
      const r = await this.reviewService(repo).requestSpecChanges(
        taskId,
        overall ? [{ document: 'requirements.md', line: 1, quote: '', comment: overall, author, overall: true }] : [],
        overall || undefined,
      );
      this.comments.set(key, commentsOf(r.record.reviewComments));
      this.knownUpdatedAt.set(key, r.record.updatedAt);
      return r.sent;
    });
    this._onDidLoadTask.fire({ repo, taskId, docs: await this.locator.readDocs(repo, taskId) });
    return sent;
  }

  /** Runs a write of a task's comments, counted so a sync meanwhile does not take an older record. */
  private async whileWriting<T>(key: string, run: () => Promise<T>): Promise<T> {
    this.writing.set(key, (this.writing.get(key) ?? 0) + 1);
    try {
      return await run();
    } finally {
      this.writing.set(key, (this.writing.get(key) ?? 1) - 1);
    }
  }

  private dropTask(key: string): void {
    this.comments.delete(key);
    this.problems.delete(key);
    this.syncedRecord.delete(key);
    this.knownUpdatedAt.delete(key);
    this._onDidDropTask.fire(key);
  }
}
