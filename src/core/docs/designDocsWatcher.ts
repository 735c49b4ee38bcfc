import * as fs from 'node:fs';
import * as path from 'node:path';
import { checklistFocus, checklistProgress, DEFAULT_CONTEXT_ITEMS } from '../checklist/checklistFocus';
import type { ChecklistFocus, ChecklistItem, ChecklistProgress, ItemState } from '../checklist/checklistTypes';
import { parseChecklist } from '../checklist/parseChecklist';
import { Disposable, Emitter, toDisposable, type Event } from '../lifecycle';
import { watchLayout } from './layoutWatcher';
import {
  LEGACY_CHECKLIST_FILE,
  parseTaskFolderName,
  TASK_DOCUMENTS,
  TASKS_FILE,
  type TaskDocumentName,
} from './designDocsLayout';
import { assertNoSymlinkBelow, BranchFileRefusedError, readBranchFile } from './noFollow';
import { SpecTaskReader, type SpecTaskDetails } from './specTaskReader';
import { contentHash } from './specTaskStore';
import { readEveryTaskFolder, type DocState } from './taskFolderReading';

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
  | {
      kind: 'documentChanged';
      taskId: string;
      folder: string;
      document: TaskDocumentName;
      change: 'created' | 'changed' | 'deleted';
      /** For a checklist document (tasks.md, progress.md) that exists: its items as just parsed. */
      items?: ChecklistItem[];
    }
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
  /**
   * Quiet time before a burst of file events is read; default 40 ms. A checklist's first change after a quiet
   * time of its folder is read at once instead (an agent's tick; see `noteChange`).
   */
  debounceMs?: number;
  /** Longest a continuous stream of events can delay a reading; default 200 ms. */
  maxWaitMs?: number;
  /**
   * Whether an agent's tick on a quiet folder is read on the next turn (default true); false: every file event
   * waits for the debounce, as before issue 24 (the dashboard benchmark compares the two).
   */
  readTicksAtOnce?: boolean;
  contextItems?: number;
  /**
   * Whether a document (absolute path) with this content hash is a write of this process that was announced
   * already (SpecTaskStore.isOwnWrite): its change is then not reported again as an echo.
   */
  isOwnWrite?: (file: string, hash: string) => boolean;
}

type FolderState = { taskId: string; docs: Map<TaskDocumentName, DocState> };

/**
 * Watches a design-docs worktree and reports typed events, whatever wrote the files: an agent, the user's
 * editor, a `git pull` or our own commits. File events only say "look here"; the watcher then re-reads the
 * affected SpecTask folders and compares content with what it saw last, so a debounced burst always ends with
 * the latest state and identical rewrites report nothing. Uses {@link watchLayout} (a watch per folder on Linux,
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
  /**
   * The first scan's SpecTask details by folder, for the orchestrator's first listing ({@link takeBaseline});
   * a folder leaves it as soon as a file event names it, so what is handed over is what is on disk.
   */
  private baseline = new Map<string, SpecTaskDetails>();
  /** Folders to re-read, each with the documents named by file events (`all`: read every document). */
  private dirty = new Map<string, Set<TaskDocumentName> | 'all'>();
  private fullScan = false;
  private timer?: NodeJS.Timeout;
  /** A reading due on the next turn of the event loop (a lone tick), or undefined. */
  private immediate?: NodeJS.Immediate;
  private firstPendingAt = 0;
  /** When each SpecTask folder last had a file event: a folder quiet for `debounceMs` has its next tick read at once. */
  private readonly lastEventAt = new Map<string, number>();
  private running: Promise<void> = Promise.resolve();
  private readonly debounceMs: number;
  private readonly maxWaitMs: number;
  private readonly contextItems: number;
  private readonly readTicksAtOnce: boolean;
  private readonly isOwnWrite?: (file: string, hash: string) => boolean;

  constructor(
    readonly worktreePath: string,
    options: DesignDocsWatcherOptions = {},
  ) {
    super();
    this.debounceMs = options.debounceMs ?? 40;
    this.maxWaitMs = options.maxWaitMs ?? 200;
    this.contextItems = options.contextItems ?? DEFAULT_CONTEXT_ITEMS;
    this.reader = new SpecTaskReader(worktreePath, this.contextItems);
    this.readTicksAtOnce = options.readTicksAtOnce ?? true;
    this.isOwnWrite = options.isOwnWrite;
  }

  /**
   * Starts watching, then reads the current state as the baseline (no events for it). A change made while the
   * baseline is read is noted by the watch already, and read again once the baseline is done.
   */
  async start(): Promise<void> {
    const w = this._register(
      watchLayout(
        this.worktreePath,
        (rel) => this.noteChange(rel),
        (e) => this._onDidError.fire(e),
      ),
    );
    this._register(
      toDisposable(() => {
        clearTimeout(this.timer);
        clearImmediate(this.immediate);
      }),
    );
    this.running = this.readBaseline();
    await Promise.all([w.ready, this.running]);
  }

  /**
   * What the first scan read of each SpecTask folder no file event has named since (by folder), once: the
   * orchestrator's first listing takes these instead of reading every folder again (issue 24).
   */
  takeBaseline(): ReadonlyMap<string, SpecTaskDetails> {
    const baseline = this.baseline;
    this.baseline = new Map();
    return baseline;
  }

  /** Re-reads every SpecTask folder now and reports differences (the orchestrator's reconcile tick). */
  rescan(): Promise<void> {
    this.fullScan = true;
    return this.flush();
  }

  /** Resolves after pending file events have been read and reported (for tests and shutdown). */
  async settle(): Promise<void> {
    if (this.timer || this.immediate) await this.flush();
    await this.running;
  }

  private noteChange(rel: string | undefined): void {
    if (this.isDisposed) return;
    const parts = rel?.split(path.sep) ?? [];
    if (parts[0] === '.git') return; // the worktree's own `.git` pointer file
    if (parts[0] === 'design' && parts.length >= 2 && parts[1] !== 'tasks') return; // design/spectask-counter.json and such: no SpecTask
    const now = Date.now();
    const folder = taskFolderOf(parts);
    let atOnce = false;
    if (folder) this.baseline.delete(folder);
    else this.baseline.clear();
    if (folder) {
      // A file event names one document: only that one is read again. The temporary file of an atomic write
      // names the document it will replace (its rename reports the document too). Anything else (a
      // sub-folder, the folder itself being created, removed or renamed) reads the whole folder.
      const depth = folder.split('/').length;
      const doc =
        parts.length === depth + 1
          ? (documentName(parts[depth]) ?? documentName(ATOMIC_TEMP.exec(parts[depth])?.[1] ?? ''))
          : undefined;
      const prev = this.dirty.get(folder);
      if (!doc) this.dirty.set(folder, 'all');
      else if (prev === undefined) this.dirty.set(folder, new Set([doc]));
      else if (prev !== 'all') prev.add(doc);
      // The hot path, an agent's tick: the checklist itself (the rename of an atomic write, not its temporary
      // file) of a known folder that was quiet for the debounce is read on the next turn, not after
      // a quiet time of the whole worktree (which many agents ticking together rarely leave). The events of
      // one write that arrive together are still read together; a folder whose events keep coming (a second
      // write, a flood) waits for the debounce as before, so a flood still costs one reading per `maxWaitMs`.
      // The temporary file is not an event of its own here: its rename is the write.
      const named = parts.length === depth + 1 && parts[depth] === doc;
      const quietFor = now - (this.lastEventAt.get(folder) ?? -Infinity);
      if (named || !doc) this.lastEventAt.set(folder, now);
      atOnce =
        this.readTicksAtOnce &&
        named &&
        quietFor >= this.debounceMs &&
        (doc === TASKS_FILE || doc === LEGACY_CHECKLIST_FILE) &&
        this.state.has(folder);
    } else this.fullScan = true; // a folder created/removed/renamed, or an unknown path: look at everything
    if (this.immediate) return; // read on this turn already, with everything noted until then
    if (atOnce) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.immediate = setImmediate(() => void this.flush());
      return;
    }
    if (!this.timer) this.firstPendingAt = now;
    clearTimeout(this.timer);
    const wait = Math.max(0, Math.min(this.debounceMs, this.firstPendingAt + this.maxWaitMs - now));
    this.timer = setTimeout(() => void this.flush(), wait);
  }

  private flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    clearImmediate(this.immediate);
    this.immediate = undefined;
    const full = this.fullScan;
    const dirty = this.dirty;
    this.fullScan = false;
    this.dirty = new Map();
    // Readings run one at a time so events keep their order and each compares against the previous one.
    this.running = this.running
      .then(() => this.scan(full ? undefined : dirty))
      .catch((e) => this._onDidError.fire(e instanceof Error ? e : new Error(String(e))));
    return this.running;
  }

  /**
   * The baseline: every folder read once, synchronously (taskFolderReading.ts), with no events. Its SpecTask
   * details are kept for {@link takeBaseline}.
   */
  private readBaseline(): Promise<void> {
    return readEveryTaskFolder(this.reader, (f, reading) => {
      const taskId = f.number !== undefined ? String(f.number).padStart(6, '0') : path.posix.basename(f.rel);
      this.state.set(f.rel, { taskId, docs: reading.docs });
      this.baseline.set(f.rel, reading.details);
      for (const e of reading.refusals) this._onDidError.fire(e);
    });
  }

  private async scan(only: Map<string, Set<TaskDocumentName> | 'all'> | undefined): Promise<void> {
    // The hot path (an agent ticking its checklist): every dirty folder is already known, so only those
    // folders are looked at; listing all folders is kept for full scans and for folders seen for the first time
    // and legacy ones (whose listing depends on their content).
    const known = only && [...only.keys()].every((rel) => this.state.has(rel) && rel.startsWith('design/tasks/'));
    const folders = known
      ? [...only.keys()].sort().map((rel) => ({ rel, number: parseTaskFolderName(path.posix.basename(rel))?.number }))
      : await this.reader.folders();
    const present = new Set(folders.map((f) => f.rel));
    const events: DesignDocsEvent[] = [];
    if (!only) {
      for (const [rel, old] of this.state) {
        if (!present.has(rel)) {
          this.state.delete(rel);
          this.lastEventAt.delete(rel);
          events.push({ kind: 'taskRemoved', taskId: old.taskId, folder: rel });
        }
      }
    }
    for (const f of folders) {
      if (only && !only.has(f.rel)) continue;
      const taskId = f.number !== undefined ? String(f.number).padStart(6, '0') : path.posix.basename(f.rel);
      const old = this.state.get(f.rel);
      const docs = only?.get(f.rel);
      const { docs: next, missing } = await this.readFolder(
        f.rel,
        old && docs && docs !== 'all' ? { previous: old.docs, docs } : undefined,
      );
      // A known folder is not listed first (a stat per tick); a document that could not be read is when to ask
      // whether the folder itself is gone.
      if (known && missing && !(await this.isDirectory(f.rel))) {
        present.delete(f.rel);
        continue;
      }
      this.state.set(f.rel, { taskId, docs: next });
      if (!old) events.push({ kind: 'taskAdded', taskId, folder: f.rel });
      for (const doc of TASK_DOCUMENTS) {
        const a = old?.docs.get(doc);
        const b = next.get(doc);
        if (a?.hash === b?.hash) continue;
        if (a && b && this.isOwnWrite?.(path.join(this.worktreePath, f.rel, doc), b.hash)) continue;
        events.push({
          kind: 'documentChanged',
          taskId,
          folder: f.rel,
          document: doc,
          change: !a ? 'created' : !b ? 'deleted' : 'changed',
          ...(b?.items ? { items: b.items } : {}),
        });
        // A refused checklist's items are unknown, not removed: no item changes are claimed for it.
        if ((b?.items || a?.items) && !b?.refused) {
          const items = b?.items ?? [];
          const changes = diffItems(a?.items ?? [], items);
          if (changes.length) {
            events.push({
              kind: 'checklistChanged',
              taskId,
              folder: f.rel,
              document: doc,
              changes,
              items,
              progress: checklistProgress(items),
              focus: checklistFocus(items, this.contextItems),
            });
          }
        }
      }
    }
    if (only) {
      for (const rel of only.keys()) {
        const old = this.state.get(rel);
        if (old && !present.has(rel)) {
          this.state.delete(rel);
          this.lastEventAt.delete(rel);
          events.push({ kind: 'taskRemoved', taskId: old.taskId, folder: rel });
        }
      }
    }
    for (const e of events) this._onDidChange.fire(e);
  }

  private isDirectory(rel: string): Promise<boolean> {
    return fs.promises.lstat(path.join(this.worktreePath, rel)).then(
      (st) => st.isDirectory(),
      () => false,
    );
  }

  /**
   * Reads a folder's documents; with `partial`, only the named ones, the others kept from the previous reading.
   * `missing`: a document asked for could not be read (deleted, or the whole folder is gone).
   */
  private async readFolder(
    rel: string,
    partial?: { previous: Map<TaskDocumentName, DocState>; docs: Set<TaskDocumentName> },
  ): Promise<{ docs: Map<TaskDocumentName, DocState>; missing: boolean }> {
    const docs = new Map<TaskDocumentName, DocState>();
    let missing = false;
    if (partial) for (const [doc, st] of partial.previous) if (!partial.docs.has(doc)) docs.set(doc, st);
    // The folder and those above it are checked once; each document is then opened without following a link.
    const folder = path.join(this.worktreePath, rel);
    if (
      !(await assertNoSymlinkBelow(this.worktreePath, folder).then(
        () => true,
        () => false,
      ))
    )
      return { docs: new Map(), missing: true };
    await Promise.all(
      (partial ? [...partial.docs] : TASK_DOCUMENTS).map(async (doc) => {
        let bytes: Buffer | undefined;
        try {
          // Size checked on the open file before any byte is read: a huge document costs a stat, not a parse.
          bytes = await readBranchFile(this.worktreePath, path.join(folder, doc), { parentsChecked: true });
        } catch (e) {
          if (e instanceof BranchFileRefusedError) {
            const refused = e.message;
            if (partial?.previous.get(doc)?.refused !== refused) this._onDidError.fire(e);
            docs.set(doc, { hash: `refused:${refused}`, refused });
            return;
          }
        }
        if (!bytes) {
          missing = true;
          return;
        }
        const isChecklist = doc === TASKS_FILE || doc === LEGACY_CHECKLIST_FILE;
        docs.set(doc, {
          hash: contentHash(bytes),
          items: isChecklist ? parseChecklist(bytes).items : undefined,
        });
      }),
    );
    return { docs, missing };
  }
}

const DOCUMENT_NAMES: ReadonlySet<string> = new Set(TASK_DOCUMENTS);
/** {@link writeFileAtomic}'s temporary sibling: `.<name>.<pid>.<seq>.tmp`. */
const ATOMIC_TEMP = /^\.(.+)\.\d+\.\d+\.tmp$/;
function documentName(file: string): TaskDocumentName | undefined {
  return DOCUMENT_NAMES.has(file) ? (file as TaskDocumentName) : undefined;
}

/** `design/tasks/000007_x/tasks.md` (or the folder itself) → `design/tasks/000007_x`; `tasks/legacy/progress.md` → `tasks/legacy`. */
function taskFolderOf(parts: string[]): string | undefined {
  if (parts[0] === 'design' && parts[1] === 'tasks' && parts.length >= 3) return `design/tasks/${parts[2]}`;
  if (parts[0] === 'tasks' && parts.length >= 2) return `tasks/${parts[1]}`;
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
      if (old.state !== it.state)
        changes.push({ index: it.index, id: it.id, text: it.text, before: old.state, after: it.state });
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
