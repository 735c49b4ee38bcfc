// VS Code-free on purpose: the unit tier tests it against real orchestrators (test/unit/vscode/taskLocator.test.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TaskTarget, UriLike } from '../commandIds';

/** What the locator reads of a repository: `SpecTaskRepository` fits, and so does a test's real orchestrator. */
export interface LocatableRepository {
  readonly root: string;
  readonly designDocsRoot: string;
  readonly orchestrator: {
    task(id: string): unknown;
    taskViews(): readonly { id: string; path: string }[];
    worktreeOf(id: string): { path: string } | undefined;
  };
}

/** A SpecTask found by the locator, in the repository that holds it. */
export interface LocatedTask<R> {
  readonly repo: R;
  readonly taskId: string;
}

/** Where a file is, relative to the SpecTask that owns it. */
export interface LocatedPath<R> extends LocatedTask<R> {
  /** In the SpecTask's folder on the design-docs branch, or in its code worktree. */
  readonly place: 'task-folder' | 'code-worktree';
  /** Path inside that folder ('' for the folder itself), with the platform's separators. */
  readonly relative: string;
}

/** What `repositoryOf` accepts: a file, a SpecTask id, or a tree node / command argument. */
export type RepositoryTarget = UriLike | string | { repoRoot?: string; taskId?: string } | undefined;

/** `dir` itself or anything below it. */
export function isUnder(p: string, dir: string): boolean {
  return p === dir || p.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);
}

/** The real path when it exists (worktrees may sit behind a symlink such as macOS's /tmp), else `p`. */
export function realPath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

/** Relative path of `p` inside the first of `dirs` that holds it, or undefined. */
function inside(p: string, dirs: readonly string[]): string | undefined {
  for (const d of dirs) if (isUnder(p, d)) return path.relative(d, p);
  return undefined;
}

const isUriLike = (t: RepositoryTarget): t is UriLike =>
  typeof t === 'object' && t !== null && typeof (t as UriLike).scheme === 'string' && 'fsPath' in t;

/**
 * Answers "which SpecTask (and repository) is this?" for a file, a SpecTask id, a tree node or a command's
 * validated argument, across every open repository of the workspace. The one place that maps paths to
 * SpecTasks: the commands, the review, the CodeLens and the decorations all ask it.
 */
export class TaskLocator<R extends LocatableRepository> {
  /**
   * A folder's spellings (as given and, behind a symlink, real). Folders (roots, SpecTask folders, worktrees)
   * do not move, and the decorations ask for every file the explorer shows, so each is resolved once; a
   * folder that does not exist yet is not remembered, so its real path is found once it does.
   */
  private readonly folderSpellings = new Map<string, readonly string[]>();

  constructor(private readonly repositories: () => readonly R[]) {}

  /** The repository owning a file (its root, design-docs worktree or a code worktree), a SpecTask id or a node. */
  repositoryOf(target: RepositoryTarget): R | undefined {
    const all = this.repositories();
    if (target === undefined) return all.length === 1 ? all[0] : undefined;
    if (typeof target === 'string') return all.find((r) => r.orchestrator.task(target));
    if (isUriLike(target)) return target.scheme === 'file' ? this.repositoryAtPath(target.fsPath) : undefined;
    if (target.repoRoot) {
      const root = target.repoRoot;
      return all.find((r) => r.root === root) ?? all.find((r) => r.root === realPath(root));
    }
    return target.taskId ? this.repositoryOf(target.taskId) : undefined;
  }

  /** The repository whose root or design-docs worktree holds `fsPath`; the innermost root wins (nested repos). */
  repositoryAtPath(fsPath: string): R | undefined {
    return this.withSpellings(fsPath, (p) => {
      // The design-docs and code worktrees live under <root>/.git-worktrees, so the root prefix covers them.
      return this.repositories()
        .filter(
          (r) =>
            inside(p, this.spellingsOf(r.root)) !== undefined ||
            inside(p, this.spellingsOf(r.designDocsRoot)) !== undefined,
        )
        .sort((a, b) => b.root.length - a.root.length)[0];
    });
  }

  /** The SpecTask with this id (in `repoRoot` when given, else in whichever repository has it). */
  byId(taskId: string, repoRoot?: string): LocatedTask<R> | undefined {
    const repo = this.repositoryOf(repoRoot ? { repoRoot, taskId } : taskId);
    return repo?.orchestrator.task(taskId) ? { repo, taskId } : undefined;
  }

  /** The SpecTask a file belongs to: one inside its design-docs folder, or inside its code worktree. */
  at(target: UriLike | string): LocatedPath<R> | undefined {
    if (typeof target !== 'string' && target.scheme !== 'file') return undefined;
    const fsPath = typeof target === 'string' ? target : target.fsPath;
    const repo = this.repositoryAtPath(fsPath);
    if (!repo) return undefined;
    return this.withSpellings(fsPath, (p) => {
      const tasks = repo.orchestrator.taskViews();
      for (const t of tasks) {
        const relative = inside(p, this.spellingsOf(t.path));
        if (relative !== undefined) return { repo, taskId: t.id, place: 'task-folder', relative };
      }
      for (const t of tasks) {
        const wt = repo.orchestrator.worktreeOf(t.id);
        const relative = wt && inside(p, this.spellingsOf(wt.path));
        if (relative !== undefined) return { repo, taskId: t.id, place: 'code-worktree', relative };
      }
      return undefined;
    });
  }

  /** The SpecTask a validated command argument names; undefined for `none` and for a file no SpecTask owns. */
  resolve(target: TaskTarget): LocatedTask<R> | undefined {
    switch (target.kind) {
      case 'none':
        return undefined;
      case 'task':
        return this.byId(target.taskId, target.repoRoot);
      case 'file': {
        const hit = this.at(target.uri);
        return hit && { repo: hit.repo, taskId: hit.taskId };
      }
    }
  }

  /** `find` with the file's path as given, then (only when that misses) with its real path. */
  private withSpellings<T>(fsPath: string, find: (p: string) => T | undefined): T | undefined {
    const given = path.resolve(fsPath);
    const hit = find(given);
    if (hit !== undefined) return hit;
    const real = realPath(given);
    return real === given ? undefined : find(real);
  }

  private spellingsOf(dir: string): readonly string[] {
    const known = this.folderSpellings.get(dir);
    if (known) return known;
    const given = path.resolve(dir);
    let real: string;
    try {
      real = fs.realpathSync(given);
    } catch {
      return [given]; // not there yet: ask again next time
    }
    const spellings = real === given ? [given] : [given, real];
    this.folderSpellings.set(dir, spellings);
    return spellings;
  }
}
