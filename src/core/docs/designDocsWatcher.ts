import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checklistFocus, checklistProgress, DEFAULT_CONTEXT_ITEMS } from '../checklist/checklistFocus';
import type { ChecklistFocus, ChecklistItem, ChecklistProgress, ItemState } from '../checklist/checklistTypes';
import { parseChecklist } from '../checklist/parseChecklist';
import { Disposable, Emitter, toDisposable, type Event } from '../lifecycle';
import { LEGACY_CHECKLIST_FILE, TASK_DOCUMENTS, TASKS_FILE, type TaskDocumentName } from './designDocsLayout';
import { SpecTaskReader } from './specTaskReader';

/** One item whose state differs between two readings; `before`/`after` undefined when it was added/removed. */
export interface ItemStateChange {
  index: number;
  id?: string;
  text: string;
  before?: ItemState;
  after?: ItemState;
}

/** What the watcher reports. Every event carries the SpecTask id and its folder (relative to the worktree). */
export type DesignDocsEvent =
  | { kind: 'taskAdded' | 'taskRemoved'; taskId: string; folder: string }
  | { kind: 'documentChanged'; taskId: string; folder: string; document: TaskDocumentName; change: 'created' | 'changed' | 'deleted' }
  | {
      kind: 'checklistChanged';
      taskId: string;
      folder: string;
      document: TaskDocumentName;
      /** Items whose state changed, were added or were removed. */
      changes: ItemStateChange[];
      items: ChecklistItem[];
      progress: ChecklistProgress;
      focus: ChecklistFocus;
    };

/** Tuning of {@link DesignDocsWatcher}. */
export interface DesignDocsWatcherOptions {
  /** Quiet time before a burst of file events is read; default 40 ms. */
  debounceMs?: number;
  /** Longest a continuous stream of events can delay a reading; default 200 ms. */
  maxWaitMs?: number;
  contextItems?: number;
}

interface DocState {
  hash: string;
  items?: ChecklistItem[];
}
type FolderState = { taskId: string; docs: Map<TaskDocumentName, DocState> };

/**
 * Watches a design-docs worktree and reports typed events, whatever wrote the files: an agent, the user's
 * editor, a `git pull` or our own commits. File events only say "look here"; the watcher then re-reads the
 * affected SpecTask folders and compares content with what it saw last, so a debounced burst always ends with
 * the latest state and identical rewrites report nothing. Uses Node's recursive `fs.watch` (inotify on Linux,
 * native on macOS and Windows; Node ≥ 20), plus {@link rescan} for a reconcile tick.
 */
export class DesignDocsWatcher extends Disposable {
  private readonly _onDidChange = this._register(new Emitter<DesignDocsEvent>());
  /** Fires once per change found, after the debounce. */
  readonly onDidChange: Event<DesignDocsEvent> = this._onDidChange.event;
  private readonly _onDidError = this._register(new Emitter<Error>());
  /** Fires when the file watcher fails (e.g. the worktree was deleted); {@link rescan} still works. */
  readonly onDidError: Event<Error> = this._onDidError.event;

  private readonly reader: SpecTaskReader;
  private state = new Map<string, FolderState>();
  private dirty = new Set<string>();
  private fullScan = false;
  private timer?: NodeJS.Timeout;
  private firstPendingAt = 0;
  private running: Promise<void> = Promise.resolve();
  private readonly debounceMs: number;
  private readonly maxWaitMs: number;
  private readonly contextItems: number;

  constructor(
    readonly worktreePath: string,
    options: DesignDocsWatcherOptions = {},
  ) {
    super();
    this.reader = new SpecTaskReader(worktreePath);
    this.debounceMs = options.debounceMs ?? 40;
    this.maxWaitMs = options.maxWaitMs ?? 200;
    this.contextItems = options.contextItems ?? DEFAULT_CONTEXT_ITEMS;
  }

  /** Reads the current state as the baseline (no events for it), then starts watching. */
  async start(): Promise<void> {
    await this.scan(true, undefined);
    const w = fs.watch(this.worktreePath, { recursive: true }, (_e, filename) => this.noteChange(filename ? String(filename) : undefined));
    w.on('error', (e) => this._onDidError.fire(e));
    this._register(toDisposable(() => w.close()));
    this._register(toDisposable(() => clearTimeout(this.timer)));
  }

  /** Re-reads every SpecTask folder now and reports differences (the orchestrator's reconcile tick). */
  rescan(): Promise<void> {
    this.fullScan = true;
    return this.flush();
  }

  /** Resolves after pending file events have been read and reported (for tests and shutdown). */
  async settle(): Promise<void> {
    if (this.timer) await this.flush();
    await this.running;
  }

  private noteChange(rel: string | undefined): void {
    if (this.isDisposed) return;
    const parts = rel?.split(path.sep) ?? [];
    if (parts[0] === '.git') return; // the worktree's own `.git` pointer file
    const folder = taskFolderOf(parts);
    if (folder) this.dirty.add(folder);
    else this.fullScan = true; // a folder created/removed/renamed, or an unknown path: look at everything
    const now = Date.now();
    if (!this.timer) this.firstPendingAt = now;
    clearTimeout(this.timer);
    const wait = Math.max(0, Math.min(this.debounceMs, this.firstPendingAt + this.maxWaitMs - now));
    this.timer = setTimeout(() => void this.flush(), wait);
  }

  private flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const full = this.fullScan;
    const dirty = this.dirty;
    this.fullScan = false;
    this.dirty = new Set();
    // Readings run one at a time so events keep their order and each compares against the previous one.
    this.running = this.running.then(() => this.scan(false, full ? undefined : dirty)).catch((e) => this._onDidError.fire(e instanceof Error ? e : new Error(String(e))));
    return this.running;
  }

  private async scan(baseline: boolean, only: Set<string> | undefined): Promise<void> {
    const folders = await this.reader.folders();
    const present = new Set(folders.map((f) => f.rel));
    const events: DesignDocsEvent[] = [];
    if (!only) {
      for (const [rel, old] of this.state) {
        if (!present.has(rel)) {
          this.state.delete(rel);
          events.push({ kind: 'taskRemoved', taskId: old.taskId, folder: rel });
        }
      }
    }
    for (const f of folders) {
      if (only && !only.has(f.rel)) continue;
      const taskId = f.number !== undefined ? String(f.number).padStart(6, '0') : path.posix.basename(f.rel);
      const next = await this.readFolder(f.rel);
      const old = this.state.get(f.rel);
      this.state.set(f.rel, { taskId, docs: next });
      if (baseline) continue;
      if (!old) events.push({ kind: 'taskAdded', taskId, folder: f.rel });
      for (const doc of TASK_DOCUMENTS) {
        const a = old?.docs.get(doc);
        const b = next.get(doc);
        if (a?.hash === b?.hash) continue;
        events.push({ kind: 'documentChanged', taskId, folder: f.rel, document: doc, change: !a ? 'created' : !b ? 'deleted' : 'changed' });
        if (b?.items || a?.items) {
          const items = b?.items ?? [];
          const changes = diffItems(a?.items ?? [], items);
          if (changes.length) {
            events.push({ kind: 'checklistChanged', taskId, folder: f.rel, document: doc, changes, items, progress: checklistProgress(items), focus: checklistFocus(items, this.contextItems) });
          }
        }
      }
    }
    if (only) {
      for (const rel of only) {
        const old = this.state.get(rel);
        if (old && !present.has(rel)) {
          this.state.delete(rel);
          events.push({ kind: 'taskRemoved', taskId: old.taskId, folder: rel });
        }
      }
    }
    for (const e of events) this._onDidChange.fire(e);
  }

  private async readFolder(rel: string): Promise<Map<TaskDocumentName, DocState>> {
    const docs = new Map<TaskDocumentName, DocState>();
    await Promise.all(
      TASK_DOCUMENTS.map(async (doc) => {
        const bytes = await fs.promises.readFile(path.join(this.worktreePath, rel, doc)).catch(() => undefined);
        if (!bytes) return;
        const isChecklist = doc === TASKS_FILE || doc === LEGACY_CHECKLIST_FILE;
        docs.set(doc, { hash: createHash('sha1').update(bytes).digest('hex'), items: isChecklist ? parseChecklist(bytes).items : undefined });
      }),
    );
    return docs;
  }
}

/** `design/tasks/000007_x/tasks.md` → `design/tasks/000007_x`; `tasks/legacy/progress.md` → `tasks/legacy`. */
function taskFolderOf(parts: string[]): string | undefined {
  if (parts[0] === 'design' && parts[1] === 'tasks' && parts.length >= 4) return `design/tasks/${parts[2]}`;
  if (parts[0] === 'tasks' && parts.length >= 3) return `tasks/${parts[1]}`;
  return undefined;
}

/**
 * Pairs items of two readings: by stable id where both have it, the rest by position. Reports every pair
 * whose state differs, and unpaired items as added or removed.
 */
export function diffItems(before: readonly ChecklistItem[], after: readonly ChecklistItem[]): ItemStateChange[] {
  const changes: ItemStateChange[] = [];
  const byId = new Map<string, ChecklistItem>();
  for (const it of before) if (it.id && !byId.has(it.id)) byId.set(it.id, it);
  const pairedBefore = new Set<ChecklistItem>();
  const unpairedAfter: ChecklistItem[] = [];
  for (const it of after) {
    const old = it.id ? byId.get(it.id) : undefined;
    if (old && !pairedBefore.has(old)) {
      pairedBefore.add(old);
      if (old.state !== it.state) changes.push({ index: it.index, id: it.id, text: it.text, before: old.state, after: it.state });
    } else unpairedAfter.push(it);
  }
  const restBefore = before.filter((it) => !pairedBefore.has(it));
  const n = Math.max(restBefore.length, unpairedAfter.length);
  for (let i = 0; i < n; i++) {
    const a = restBefore[i];
    const b = unpairedAfter[i];
    if (a && b && a.state === b.state) continue;
    const ref = b ?? a;
    changes.push({ index: ref.index, id: ref.id, text: ref.text, before: a?.state, after: b?.state });
  }
  return changes.sort((x, y) => x.index - y.index);
}
