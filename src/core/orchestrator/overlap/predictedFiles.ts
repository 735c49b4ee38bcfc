import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { readBranchText } from '../../docs/noFollow';
import { DESIGN_FILE } from '../../docs/designDocsLayout';
import type { GitRunner } from '../../git/gitRunner';
import { designFiles } from './designFiles';
import { globsOverlap, literalPath, type FileGlob } from './fileGlobs';

/** Reads a SpecTask's design.md (`taskFolder`: the folder's absolute path) on the design-docs branch: never through a link, never over the cap. */
export async function readDesign(taskFolder: string): Promise<string | undefined> {
  return readBranchText(path.dirname(taskFolder), path.join(taskFolder, DESIGN_FILE)).catch(() => undefined);
}

/**
 * The predicted files of the SpecTasks the scheduler compares, read again only when a design.md changed (by
 * its size and time), so a scheduler pass costs a stat per queued or running implementation.
 */
export class PredictedFiles {
  private readonly cache = new Map<string, { key: string; globs: FileGlob[] | undefined }>();

  async of(tasks: Iterable<{ id: string; path: string }>): Promise<Map<string, FileGlob[]>> {
    const out = new Map<string, FileGlob[]>();
    for (const t of tasks) {
      const file = path.join(t.path, DESIGN_FILE);
      const st = await fs.lstat(file).catch(() => undefined);
      const key = st ? `${st.size}:${st.mtimeMs}` : '';
      let hit = this.cache.get(t.id);
      if (!hit || hit.key !== key) {
        const text = st?.isFile() ? await readDesign(t.path) : undefined;
        hit = { key, globs: text === undefined ? undefined : designFiles(text)?.globs };
        this.cache.set(t.id, hit);
      }
      if (hit.globs?.length) out.set(t.id, hit.globs);
    }
    return out;
  }
}

/** Predicted against changed: how good the planning agent's `## Files` was. */
export interface PredictionCheck {
  /** The patterns of `## Files`, as written. */
  predicted: string[];
  /** The files the branch changed against its base (since they diverged). */
  changed: string[];
  /** Changed files no pattern predicted. */
  unpredicted: string[];
  /** Patterns that match no changed file. */
  untouched: string[];
}

export function checkPrediction(predicted: readonly FileGlob[], changed: readonly string[]): PredictionCheck {
  const files = changed.map(literalPath);
  return {
    predicted: predicted.map((g) => g.text),
    changed: [...changed],
    unpredicted: files.filter((f) => !predicted.some((g) => globsOverlap(g, f))).map((f) => f.text),
    untouched: predicted.filter((g) => !files.some((f) => globsOverlap(g, f))).map((g) => g.text),
  };
}

/** "predicted 3, changed 4: also src/x.js; not src/y.js" — one line for a card, a tree tooltip, a log. */
export function describePredictionCheck(c: PredictionCheck): string {
  const list = (xs: string[]) =>
    xs.length > 3 ? `${xs.slice(0, 3).join(', ')} and ${xs.length - 3} more` : xs.join(', ');
  const parts = [`files predicted ${c.predicted.length}, changed ${c.changed.length}`];
  if (c.unpredicted.length) parts.push(`not predicted: ${list(c.unpredicted)}`);
  if (c.untouched.length) parts.push(`predicted but unchanged: ${list(c.untouched)}`);
  if (!c.unpredicted.length && !c.untouched.length) parts.push('as predicted');
  return parts.join('; ');
}

/** Files changed on `branch` since it left `base` (`git diff base...branch`), both full ref names or shas. */
export async function changedFiles(git: GitRunner, base: string, branch: string): Promise<string[]> {
  // Full ref names or shas only (never an option); `diff` took `--end-of-options` late.
  const out = await git.run(['diff', '--name-only', '-z', '--no-renames', `${base}...${branch}`]);
  return out.split('\0').filter(Boolean);
}
