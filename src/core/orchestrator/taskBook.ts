import * as path from 'node:path';
import type { ChecklistItem } from '../checklist/checklistTypes';
import type { SpecTaskDetails } from '../docs/specTaskReader';
import type { SpecTaskRecord } from '../docs/specTaskSchema';
import type { SpecTaskStore } from '../docs/specTaskStore';
import { codeWorktreeFor, type CodeWorktree } from './codeWorktrees';
import type { TaskView } from './fleetView';

/** A SpecTask as the orchestrator last read it: what the views show, its record, and where its folder is. */
export type TaskEntry = TaskView & { record?: SpecTaskRecord; folder: string; path: string };

/**
 * The SpecTasks as last read from the design-docs worktree. Reading is the only way in: every entry is what
 * `refresh` found in the files (or, for a tick, what the watcher already parsed), so the views never show a
 * status the files do not have.
 */
export class TaskBook {
  private readonly tasks = new Map<string, TaskEntry>();

  constructor(
    private readonly store: SpecTaskStore,
    private readonly repoRoot: string,
    private readonly now: () => number,
  ) {}

  get(id: string): TaskEntry | undefined {
    return this.tasks.get(id);
  }

  require(id: string): TaskEntry {
    const t = this.tasks.get(id);
    if (!t) throw new Error(`no SpecTask ${id}`);
    return t;
  }

  all(): IterableIterator<TaskEntry> {
    return this.tasks.values();
  }

  /** The code worktree of a task (whether or not it exists yet). */
  worktreeOf(id: string): CodeWorktree | undefined {
    const t = this.tasks.get(id);
    if (!t?.record) return undefined;
    return codeWorktreeFor(this.repoRoot, path.basename(t.folder), t.record.baseBranch ?? 'main');
  }

  /** The watcher parsed the task's checklist: shown at once, without reading the folder again. */
  setItems(id: string, items: readonly ChecklistItem[]): boolean {
    const t = this.tasks.get(id);
    if (!t || t.items === items) return false;
    t.items = items;
    t.updatedAt = this.now();
    return true;
  }

  /** Re-reads every SpecTask; those whose folders are gone are forgotten. */
  async refreshAll(): Promise<void> {
    const list = await this.store.list();
    const seen = new Set<string>();
    for (const s of list) {
      seen.add(s.id);
      await this.refresh(s.id);
    }
    for (const id of [...this.tasks.keys()]) if (!seen.has(id)) this.tasks.delete(id);
  }

  /** Re-reads one SpecTask from its folder; undefined when it is gone. */
  async refresh(id: string): Promise<TaskEntry | undefined> {
    let d: SpecTaskDetails;
    try {
      d = await this.store.get(id);
    } catch {
      this.tasks.delete(id);
      return undefined;
    }
    const view = this.entryOf(d);
    this.tasks.set(d.id, view);
    return view;
  }

  private entryOf(d: SpecTaskDetails): TaskEntry {
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
    const prev = this.tasks.get(d.id);
    return {
      id: d.id,
      number: d.record.id,
      title: d.title,
      status: d.record.status,
      backend: d.record.backend,
      items: d.checklist?.items ?? ([] as ChecklistItem[]),
      error: d.record.error,
      hasWorktree: !!d.record.branch,
      updatedAt: Math.max(prev?.updatedAt ?? 0, Date.parse(d.record.updatedAt) || 0),
      record: d.record,
      folder: d.folder,
      path: d.path,
    };
  }
}
