import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { ChecklistItem } from '../checklist/checklistTypes';
import type { SpecTaskDetails } from '../docs/specTaskReader';
import type { SpecTaskRecord } from '../docs/specTaskSchema';
import type { SpecTaskStore } from '../docs/specTaskStore';
import type { TaskEntry } from '../store/fleetState';
import type { FleetStore } from '../store/fleetStore';
import { codeWorktreeFor, type CodeWorktree } from './codeWorktrees';

export type { TaskEntry } from '../store/fleetState';

/**
 * The SpecTasks as last read from the design-docs worktree, kept in the fleet store. Reading is the only way
 * in: every entry is what `refresh` found in the files, what the watcher already parsed (a tick), or a record
 * this process just wrote, so the views never show a status the files do not have.
 */
export class TaskBook {
  /** Readings are numbered as they start; per task, the number of the latest one taken into the store. */
  private readonly taken = new Map<string, number>();
  private generation = 0;

  constructor(
    private readonly store: SpecTaskStore,
    private readonly fleet: FleetStore,
    private readonly repoRoot: string,
    private readonly now: () => number,
  ) {}

  get(id: string): TaskEntry | undefined {
    return this.fleet.state.tasks.get(id);
  }

  require(id: string): TaskEntry {
    const t = this.get(id);
    if (!t) throw new Error(`no SpecTask ${id}`);
    return t;
  }

  all(): IterableIterator<TaskEntry> {
    return this.fleet.state.tasks.values();
  }

  /** The code worktree of a task (whether or not it exists yet). */
  worktreeOf(id: string): CodeWorktree | undefined {
    const t = this.get(id);
    if (!t?.record) return undefined;
    return codeWorktreeFor(this.repoRoot, path.basename(t.folder), t.record.baseBranch ?? 'main');
  }

  /** The watcher parsed the task's checklist: shown at once, without reading the folder again. */
  setItems(id: string, items: readonly ChecklistItem[]): void {
    this.fleet.dispatch({ type: 'checklistRead', id, items, at: this.now() });
  }

  /**
   * This process wrote the task's `spectask.json`: the view takes the record as written. A reading that
   * started before the write and ends after it would bring back the old record, so it is not taken.
   */
  recordWritten(record: SpecTaskRecord): void {
    this.take(record.id, ++this.generation);
    this.fleet.dispatch({ type: 'recordWritten', record });
  }

  /**
   * Re-reads every SpecTask, one reading per folder (a listing with details, not a listing and then a `get` of
   * each); those whose folders are gone are forgotten. `read`: folders read already since the watch began (the
   * watcher's first scan, by folder), taken instead of read again unless this book took a newer reading or a
   * written record of that task meanwhile.
   */
  async refreshAll(read?: ReadonlyMap<string, SpecTaskDetails>): Promise<void> {
    const generation = ++this.generation;
    const known = read?.size ? new Map([...read].filter(([, d]) => !this.taken.has(d.id))) : undefined;
    const list = await this.store.reader.listDetails(known);
    const ids = new Set<string>();
    const fresh: SpecTaskDetails[] = [];
    for (const d of list) {
      // A second folder with the same number: a reading by id is of the first one.
      if (ids.has(d.id)) continue;
      ids.add(d.id);
      fresh.push(d);
    }
    const present: boolean[] = [];
    for (const d of fresh) present.push(await this.worktreeOnDisk(d));
    // Taken and dispatched in one synchronous step, so a newer reading of a task cannot land in between; one event
    // for the listing: the store builds one new task map instead of one per task (a copy of 1,000 entries each).
    const entries = fresh.flatMap((d, i) => (this.take(d.id, generation) ? [this.entryOf(d, present[i])] : []));
    this.fleet.dispatch({ type: 'tasksRead', tasks: entries });
    this.fleet.dispatch({ type: 'tasksListed', ids });
  }

  /**
   * Re-reads one SpecTask from its folder; undefined when it is gone. `documentsChanged`: the watcher saw its
   * documents change, so the reading is a change even if the views show the same (see FleetEvent `taskRead`).
   */
  async refresh(id: string, documentsChanged = false): Promise<TaskEntry | undefined> {
    // Readings of one task may overlap (a watcher event, an intent, the reconcile tick): the one started last
    // wins, and an older one that ends later is not taken.
    const generation = ++this.generation;
    let d: SpecTaskDetails;
    try {
      d = await this.store.get(id);
    } catch {
      if (this.take(id, generation)) this.fleet.dispatch({ type: 'taskGone', id });
      return this.get(id);
    }
    const present = await this.worktreeOnDisk(d);
    if (this.take(d.id, generation))
      this.fleet.dispatch({ type: 'taskRead', task: this.entryOf(d, present), documentsChanged });
    return this.get(d.id);
  }

  /** This process made (or removed) the task's code worktree. */
  worktreePresence(id: string, present: boolean): void {
    this.fleet.dispatch({ type: 'worktreePresence', id, present });
  }

  /**
   * Whether the task's code worktree is on disk: the record only names its branch, and the worktree goes when the
   * task is merged (cleanup), or by hand. One stat, and only for tasks that have a branch.
   */
  private async worktreeOnDisk(d: SpecTaskDetails): Promise<boolean> {
    if (!d.record?.branch) return false;
    const wt = codeWorktreeFor(this.repoRoot, path.basename(d.folder), d.record.baseBranch ?? 'main');
    return fs.stat(path.join(wt.path, '.git')).then(
      () => true,
      () => false,
    );
  }

  /** Whether a reading is newer than the last one taken (and then takes it). */
  private take(id: string, generation: number): boolean {
    if (generation < (this.taken.get(id) ?? 0)) return false;
    this.taken.set(id, generation);
    return true;
  }

  private entryOf(d: SpecTaskDetails, worktreePresent: boolean): TaskEntry {
    if (!d.record || !d.status)
      // A legacy or broken folder: listed, never scheduled.
      return {
        id: d.id,
        number: d.id,
        title: d.title,
        status: 'backlog',
        items: d.checklist?.items ?? [],
        hasWorktree: false,
        updatedAt: this.now(),
        folder: d.folder,
        path: d.path,
        error: d.problems.map((p) => p.message).join('; ') || undefined,
      };
    const prev = this.get(d.id);
    return {
      id: d.id,
      number: d.record.id,
      title: d.title,
      status: d.record.status,
      backend: d.record.backend,
      items: d.checklist?.items ?? ([] as ChecklistItem[]),
      error: d.record.error,
      hasWorktree: !!d.record.branch && worktreePresent,
      worktreePresent,
      updatedAt: Math.max(prev?.updatedAt ?? 0, Date.parse(d.record.updatedAt) || 0),
      record: d.record,
      folder: d.folder,
      path: d.path,
    };
  }
}
