import * as path from 'node:path';
import { DEFAULT_DESIGN_DOCS_BRANCH } from '../core/docs/designDocsLayout';
import { openDesignDocs, type DesignDocs } from '../core/docs/openDesignDocs';
import { GitQueueRegistry } from '../core/git/gitQueue';
import { GitRunner } from '../core/git/gitRunner';
import { allowOnly, expectPositionals, optionValue, type ParsedArgs } from './cliArgs';
import type { CliIO } from './designDocsCommands';
import { syncJson } from './jsonShapes';

/**
 * `spectask sync [--remote <name>] [--json]`: commit what agents wrote, fetch the shared design-docs branch,
 * fast-forward or rebase ours on the teammate's commits, push (never forced). A conflict no rule settles
 * stops with the files named and nothing changed (exit 1, `[conflict]`). While a claimant runs in the same clone
 * (`spectask run --push`, `spectask worker`, VS Code with `spectask.pushToRemote`) it integrates only: the claimant
 * pushes the branch, fenced by its claims.
 */
export async function syncCommand(args: ParsedArgs, io: CliIO): Promise<number> {
  allowOnly(args, ['repo', 'branch', 'json', 'remote']);
  expectPositionals(args, 0, 'spectask sync [--remote <name>] [--json]');
  const folder = path.resolve(io.cwd, optionValue(args, 'repo') ?? '.');
  const remote = optionValue(args, 'remote') ?? 'origin';
  const branch = optionValue(args, 'branch') ?? DEFAULT_DESIGN_DOCS_BRANCH;
  const registry = new GitQueueRegistry();
  let dd: DesignDocs | undefined;
  try {
    // A clone made before the branch was shared has no remote-tracking ref yet: fetch it first, so the
    // branch is adopted from the remote instead of 'not initialized'. A failure here is reported by the sync.
    // With git's integrity check, as the sync's own fetch: a teammate's malformed objects never get in.
    const fetch = ['fetch', '--no-tags', remote, `+refs/heads/${branch}:refs/remotes/${remote}/${branch}`];
    await new GitRunner(folder, registry.binary)
      .tryRun(['-c', 'fetch.fsckObjects=true', '-c', 'transfer.fsckObjects=true', ...fetch], {
        env: { GIT_TERMINAL_PROMPT: '0' },
      })
      .catch(() => undefined);
    dd = await openDesignDocs(folder, { registry, createBranch: false, branch: optionValue(args, 'branch'), remote });
    const r = await dd.sync.sync();
    if (args.options.has('json')) {
      io.out.write(`${JSON.stringify(syncJson(r), null, 2)}\n`);
      return 0;
    }
    const what = {
      'up-to-date': 'already up to date',
      pushed: 'pushed our commits',
      published: `published the branch to '${r.remote}'`,
      'fast-forwarded': `fast-forwarded to the remote (${r.incoming} new commit${r.incoming === 1 ? '' : 's'})`,
      rebased: `rebased ${r.replayed} commit${r.replayed === 1 ? '' : 's'} of ours on ${r.incoming} of the remote's${r.pushed ? ' and pushed' : ''}`,
    }[r.outcome];
    io.out.write(`${r.branch}: ${what}; now at ${r.after.slice(0, 12)}\n`);
    // Pushing here would go around the claimant's fence: its claims lease every push of this clone's branch.
    if (r.pushedByClaimant)
      io.out.write(
        `  not pushed: the branch is pushed by the running claimant (${r.pushedByClaimant.label}, pid ${r.pushedByClaimant.pid}), each push leased on its claims\n`,
      );
    if (r.pendingCommit) io.out.write(`  committed pending changes first (${r.pendingCommit.slice(0, 12)})\n`);
    for (const x of r.resolved) io.out.write(`  merged ${x.file}: ${x.rule}\n`);
    for (const d of r.duplicateNumbers)
      io.out.write(
        `  warning: SpecTask number ${d.number} is used by ${d.folders.join(' and ')} (created in two clones at once); rename one folder to a free number\n`,
      );
    if (r.changedFiles.length)
      io.out.write(
        `  ${r.changedFiles.length} file${r.changedFiles.length === 1 ? '' : 's'} updated in ${dd.location.worktreePath}\n`,
      );
    return 0;
  } finally {
    dd?.store.dispose();
    dd?.sync.dispose();
    registry.dispose();
  }
}
