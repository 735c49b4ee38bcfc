import { parseFileGlob, type FileGlob } from './fileGlobs';

/**
 * Reads the `## Files` section of a design.md (issue 21, file-overlap prediction): the files the planning agent
 * expects the implementation to touch, one list item each, globs allowed. design.md lives on the design-docs
 * branch and an agent wrote it, so it is read as untrusted text: only its first MAX_DESIGN_CHARS, at most
 * MAX_FILES entries, each entry checked by parseFileGlob (relative, no `..`, bounded length); anything else is
 * skipped and counted, never an error.
 */

export const MAX_DESIGN_CHARS = 256 * 1024;
export const MAX_FILES = 200;

export interface DesignFiles {
  globs: FileGlob[];
  /** Entries that were not safe relative paths or globs, or beyond MAX_FILES. */
  skipped: number;
}

/** A markdown ATX heading's level and text, without a regular expression that could backtrack on a long line. */
function heading(line: string): { level: number; text: string } | undefined {
  const level = /^#{1,6}(?=[ \t])/.exec(line)?.[0].length;
  return level ? { level, text: line.slice(level).trim() } : undefined;
}

/** The section's files, or undefined when design.md has no `## Files` section (no prediction). */
export function designFiles(design: string): DesignFiles | undefined {
  const lines = design.slice(0, MAX_DESIGN_CHARS).split('\n');
  const start = lines.findIndex((l) => {
    const h = heading(l);
    return h?.level === 2 && /^files\b/i.test(h.text);
  });
  if (start < 0) return undefined;
  const globs: FileGlob[] = [];
  let skipped = 0;
  for (const line of lines.slice(start + 1)) {
    if ((heading(line)?.level ?? 9) <= 2) break;
    const item = /^\s*(?:[-*+]|\d{1,3}[.)])\s+(.*)$/.exec(line);
    if (!item) continue;
    const entry = fileOfItem(item[1]!);
    const glob = entry === undefined ? undefined : parseFileGlob(entry);
    if (!glob || globs.length >= MAX_FILES) skipped++;
    else if (!globs.some((g) => g.text === glob.text)) globs.push(glob);
  }
  return { globs, skipped };
}

/** "`src/app.js` — the entry point", "src/app.js (new)", "src/app.js: …" → "src/app.js". */
function fileOfItem(text: string): string | undefined {
  const quoted = /^`([^`]{1,400})`/.exec(text.trim());
  if (quoted) return quoted[1];
  const word = /^(\S{1,400})/.exec(text.trim())?.[1];
  return word?.replace(/[:,;]$/, '');
}
