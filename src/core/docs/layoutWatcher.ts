import * as fs from 'node:fs';
import * as path from 'node:path';
import type { IDisposable } from '../lifecycle';

/** Receives a changed path relative to the watched root (with the platform's separator), as recursive `fs.watch` reports it. */
export type LayoutChangeListener = (relativePath: string | undefined) => void;

/** A started watch; {@link ready} resolves once every folder that exists now is watched. */
export interface LayoutWatch extends IDisposable {
  readonly ready: Promise<void>;
}

/**
 * Watches the part of a design-docs worktree that can hold SpecTasks: the root, `design/`, the SpecTask parents
 * `design/tasks/` and `tasks/` (older layout), and each SpecTask folder, each with its own non-recursive
 * `fs.watch`.
 *
 * Why not `fs.watch(root, { recursive: true })` everywhere: on Linux Node implements recursion in JavaScript,
 * with one watcher per file and folder and a synchronous `statSync` per event plus a `readdirSync` of the folder
 * on every folder event. With many agents ticking, that is blocking file I/O on the extension host's event
 * loop for every tick (it showed in profiles of the 200-SpecTask benchmark). Here every file-system call is
 * asynchronous and a folder costs one inotify watch, not one per file. On macOS and Windows recursive watching
 * is native and cheap, so it is used there.
 */
export function watchLayout(root: string, onChange: LayoutChangeListener, onError: (e: Error) => void): LayoutWatch {
  if (process.platform === 'darwin' || process.platform === 'win32') {
    const w = fs.watch(root, { recursive: true }, (_e, filename) => onChange(filename ? String(filename) : undefined));
    w.on('error', onError);
    return { ready: Promise.resolve(), dispose: () => w.close() };
  }
  return new FolderByFolderWatch(root, onChange, onError);
}

/** What lives below a watched folder: `children` = every sub-folder is watched too; `named` = only these. */
function watchedBelow(rel: string): { children: true } | { named: readonly string[] } | undefined {
  if (rel === '') return { named: ['design', 'tasks'] };
  if (rel === 'design') return { named: ['tasks'] };
  if (rel === path.join('design', 'tasks') || rel === 'tasks') return { children: true };
  return undefined; // a SpecTask folder: its documents are reported through its own watcher
}

class FolderByFolderWatch implements LayoutWatch {
  readonly ready: Promise<void>;
  private readonly watchers = new Map<string, fs.FSWatcher>();
  private disposed = false;

  constructor(
    private readonly root: string,
    private readonly onChange: LayoutChangeListener,
    private readonly onError: (e: Error) => void,
  ) {
    // The root must exist; a missing root is an error the caller reports, as fs.watch would throw it.
    this.ready = this.watch('', false);
  }

  dispose(): void {
    this.disposed = true;
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }

  /**
   * Starts watching `rel`, then the folders below it that exist now. With `report`, each of those is reported
   * once watched: a tree that arrived all at once (a checkout) sent no events from inside itself.
   */
  private async watch(rel: string, report: boolean): Promise<void> {
    if (this.disposed || this.watchers.has(rel)) return;
    let w: fs.FSWatcher;
    try {
      w = fs.watch(path.join(this.root, rel), (event, filename) =>
        this.onEvent(rel, event, filename ? String(filename) : undefined),
      );
    } catch (e) {
      if (rel === '') throw e;
      return; // gone again before we could watch it: its parent's event says so
    }
    w.on('error', (e) => this.onWatcherError(rel, e));
    this.watchers.set(rel, w);
    const below = watchedBelow(rel);
    if (!below) return;
    const entries = await fs.promises.readdir(path.join(this.root, rel), { withFileTypes: true }).catch(() => []);
    const subfolders = entries.filter((e) => e.isDirectory() && ('children' in below || below.named.includes(e.name)));
    await Promise.all(
      subfolders.map(async (e) => {
        const sub = path.join(rel, e.name);
        await this.watch(sub, report);
        if (report && !this.disposed) this.onChange(sub);
      }),
    );
  }

  private onEvent(rel: string, event: string, filename: string | undefined): void {
    if (this.disposed) return;
    const changed = filename === undefined ? rel : path.join(rel, filename);
    this.onChange(changed === '' ? undefined : changed);
    const below = watchedBelow(rel);
    // A name appeared, disappeared or was renamed below a folder whose sub-folders we watch: look at it.
    if (
      filename !== undefined &&
      event === 'rename' &&
      below &&
      ('children' in below || below.named.includes(filename))
    )
      void this.recheck(changed);
  }

  /** A folder we may watch was created, removed or renamed: watch it (and report it once watched) or forget it. */
  private async recheck(rel: string): Promise<void> {
    const isDir = await fs.promises.stat(path.join(this.root, rel)).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (this.disposed) return;
    if (!isDir) return this.forget(rel);
    if (this.watchers.has(rel)) return;
    await this.watch(rel, true);
    // Files written into the folder before its watcher existed sent no event of their own.
    if (!this.disposed) this.onChange(rel);
  }

  private forget(rel: string): void {
    const prefix = rel + path.sep;
    for (const [r, w] of this.watchers) {
      if (r === rel || r.startsWith(prefix)) {
        w.close();
        this.watchers.delete(r);
      }
    }
  }

  private onWatcherError(rel: string, e: Error): void {
    this.forget(rel);
    if (this.disposed) return;
    if (rel === '') this.onError(e);
    else void this.recheck(rel); // usually the folder was removed; if it is still there, watch it again
  }
}
