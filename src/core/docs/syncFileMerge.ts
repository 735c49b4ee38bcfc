import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { inPrivateFolder, readBlob, writeBlob, type SyncScratch } from './syncObjects';
import { mergeByRule } from './syncMergeRules';

/** A merged file: its blob (undefined: deleted), with the rule used when one was needed. */
export interface MergedBlob {
  sha?: string;
  rule?: string;
}

/**
 * Three-way merge of one file of the design-docs branch, given as blob names (undefined: absent on that side).
 * A side that did not change wins; else the rules of syncMergeRules, else git's line merge for changes that do
 * not overlap. Undefined when it cannot be settled.
 */
export async function mergeBlobs(
  scratch: SyncScratch,
  file: string,
  base?: string,
  local?: string,
  remote?: string,
): Promise<MergedBlob | undefined> {
  if (local === remote) return { sha: local };
  if (base === local) return { sha: remote };
  if (base === remote) return { sha: local };
  if (!local || !remote) return undefined; // changed on one side, deleted on the other
  const [b, l, r] = await Promise.all([
    base ? readBlob(scratch, base) : undefined,
    readBlob(scratch, local),
    readBlob(scratch, remote),
  ]);
  const byRule = mergeByRule(file, b, l, r);
  if (byRule) return { sha: await writeBlob(scratch, byRule.merged), rule: byRule.rule };
  // git's own line merge for changes that do not overlap (e.g. two sections of design.md).
  const { git } = scratch;
  const merged = await inPrivateFolder(scratch, async (dir) => {
    const [lf, bf, rf] = ['local', 'base', 'remote'].map((n) => path.join(dir, n));
    await Promise.all([fs.writeFile(lf, l), fs.writeFile(bf, b ?? ''), fs.writeFile(rf, r)]);
    return (await git.tryRun(['merge-file', '-q', lf, bf, rf], { cwd: dir })) === undefined
      ? undefined
      : fs.readFile(lf);
  });
  if (!merged) return undefined;
  return { sha: await writeBlob(scratch, merged), rule: 'changes to different lines merged' };
}
