import * as path from 'node:path';
import { DesignDocsWorktree } from '../core/docs/designDocsWorktree';
import { SpecTaskReader } from '../core/docs/specTaskReader';
import { GitQueueRegistry } from '../core/git/gitQueue';
import { GitRunner } from '../core/git/gitRunner';
import { inspectRepository } from '../core/git/repoInspect';
import { allowOnly, expectPositionals, optionValue, type ParsedArgs } from './cliArgs';
import { writeJson, writeText, type CliIO } from './cliOutput';
import { taskJson } from './jsonShapes';

/** The options every design-docs command takes. */
export const STORE_OPTIONS = ['repo', 'branch', 'json'];

/**
 * `spectask list [--json]`. It only reads: the repository is checked and the design-docs worktree found (and
 * repaired) exactly as openDesignDocs does, then the folders are read — no SpecTask store, committer or sync is
 * built, so the small CLI entry runs it without evaluating the code that writes (issue 24: 1,000 SpecTasks).
 */
export async function listCommand(args: ParsedArgs, io: CliIO): Promise<number> {
  allowOnly(args, STORE_OPTIONS);
  expectPositionals(args, 0, 'spectask list [--json]');
  const registry = new GitQueueRegistry();
  try {
    const folder = path.resolve(io.cwd, optionValue(args, 'repo') ?? '.');
    const repo = await inspectRepository(folder, new GitRunner(folder, registry.binary));
    const worktree = new DesignDocsWorktree(repo, registry.forRepo(repo.root), { branch: optionValue(args, 'branch') });
    const location = await worktree.ensure({ createBranch: false });
    const tasks = await new SpecTaskReader(location.worktreePath).list();
    if (args.options.has('json')) {
      writeJson(io, { branch: location.branch, worktreePath: location.worktreePath, tasks: tasks.map(taskJson) });
      return 0;
    }
    if (tasks.length === 0) writeText(io, `no SpecTasks yet on '${location.branch}' (spectask create <title>)\n`);
    for (const t of tasks) {
      const progress = t.progress ? `${t.progress.done}/${t.progress.total}` : '-';
      writeText(
        io,
        `${t.id.padEnd(8)} ${(t.status ?? '-').padEnd(24)} ${progress.padStart(7)}  ${t.title}${t.problems.length ? `  (${t.problems.length} problem${t.problems.length > 1 ? 's' : ''})` : ''}\n`,
      );
    }
    return 0;
  } finally {
    registry.dispose();
  }
}
