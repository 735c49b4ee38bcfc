/**
 * The small glob language of a design's `## Files` section (issue 21): `*` and `?` within one path segment, `**`
 * as a whole segment for any number of segments, everything else literal (no braces, classes or negation).
 * The patterns come from an agent's document, so nothing here builds a regular expression: matching and overlap
 * are dynamic programming over bounded lengths (MAX_PATTERN_CHARS, MAX_SEGMENTS), quadratic at worst.
 */

export const MAX_PATTERN_CHARS = 200;
export const MAX_SEGMENTS = 32;

const STAR = -1;
const ANY = -2;

/** One path segment: `**`, or code points where STAR and ANY stand for `*` and `?`. */
type Segment = 'globstar' | readonly number[];

/** A parsed pattern (or a literal path), ready to compare. */
export interface FileGlob {
  /** As written, normalised ("src/app.js", "test/**\/*.ts"). */
  readonly text: string;
  readonly segments: readonly Segment[];
  /** True when it has no wildcard: it names one file. */
  readonly literal: boolean;
}

/**
 * Parses one pattern; undefined when it is not a safe relative path: empty, too long, absolute, with `..`,
 * backslashes or control characters, or so broad it names no file at all (`**`, `*`, `**\/*`).
 */
export function parseFileGlob(raw: string): FileGlob | undefined {
  const text = raw
    .trim()
    .replace(/^(\.\/)+/, '')
    .replace(/\/+$/, '');
  if (!text || text.length > MAX_PATTERN_CHARS) return undefined;
  if (/[\p{Cc}\\\u202A-\u202E\u2066-\u2069]/u.test(text) || text.startsWith('/') || /^[A-Za-z]:/.test(text))
    return undefined;
  const parts = text.split('/');
  if (parts.length > MAX_SEGMENTS || parts.some((p) => p === '' || p === '.' || p === '..')) return undefined;
  const segments: Segment[] = [];
  for (const p of parts) {
    if (p === '**') {
      if (segments[segments.length - 1] !== 'globstar') segments.push('globstar');
      continue;
    }
    const codes: number[] = [];
    for (const ch of p) {
      const c = ch === '*' ? STAR : ch === '?' ? ANY : ch.codePointAt(0)!;
      // `**` inside a segment is one `*`; runs of stars change nothing and would only cost time.
      if (!(c === STAR && codes[codes.length - 1] === STAR)) codes.push(c);
    }
    segments.push(codes);
  }
  const hasLiteral = segments.some((s) => s !== 'globstar' && s.some((c) => c >= 0));
  if (!hasLiteral) return undefined;
  const literal = segments.every((s) => s !== 'globstar' && s.every((c) => c >= 0));
  return { text: parts.join('/'), segments, literal };
}

/** A changed file's path as a pattern that matches only itself (its `*` and `?` are literal characters). */
export function literalPath(file: string): FileGlob {
  const parts = file.split('/').filter(Boolean);
  return { text: parts.join('/'), segments: parts.map((p) => [...p].map((ch) => ch.codePointAt(0)!)), literal: true };
}

/** Whether two segments (with `*` and `?`) can match one common name. */
function segmentsMeet(a: readonly number[], b: readonly number[]): boolean {
  const w = b.length + 1;
  // memo: 0 unknown, 1 yes, 2 no; filled from the ends backwards so no recursion is needed.
  const ok = new Uint8Array((a.length + 1) * w);
  for (let i = a.length; i >= 0; i--) {
    for (let j = b.length; j >= 0; j--) {
      let r: boolean;
      if (i === a.length && j === b.length) r = true;
      else if (i < a.length && a[i] === STAR)
        r = ok[(i + 1) * w + j] === 1 || (j < b.length && ok[i * w + j + 1] === 1);
      else if (j < b.length && b[j] === STAR)
        r = ok[i * w + j + 1] === 1 || (i < a.length && ok[(i + 1) * w + j] === 1);
      else if (i < a.length && j < b.length) {
        const x = a[i]!;
        const y = b[j]!;
        r = (x === y || x === ANY || y === ANY) && ok[(i + 1) * w + j + 1] === 1;
      } else r = false;
      ok[i * w + j] = r ? 1 : 2;
    }
  }
  return ok[0] === 1;
}

/**
 * Whether some path matches both `a` and `b`. With a literal path on one side this is "does the pattern match
 * the path"; with two patterns it is whether they can name a common file (`src/*.js` and `src/app.*` do).
 */
export function globsOverlap(a: FileGlob, b: FileGlob): boolean {
  const A = a.segments;
  const B = b.segments;
  const w = B.length + 1;
  const ok = new Uint8Array((A.length + 1) * w);
  for (let i = A.length; i >= 0; i--) {
    for (let j = B.length; j >= 0; j--) {
      let r: boolean;
      if (i === A.length && j === B.length) r = true;
      else if (i < A.length && A[i] === 'globstar')
        r = ok[(i + 1) * w + j] === 1 || (j < B.length && ok[i * w + j + 1] === 1);
      else if (j < B.length && B[j] === 'globstar')
        r = ok[i * w + j + 1] === 1 || (i < A.length && ok[(i + 1) * w + j] === 1);
      else if (i < A.length && j < B.length)
        r = ok[(i + 1) * w + j + 1] === 1 && segmentsMeet(A[i] as number[], B[j] as number[]);
      else r = false;
      ok[i * w + j] = r ? 1 : 2;
    }
  }
  return ok[0] === 1;
}

/** The first pair of patterns of `mine` and `theirs` that can name a common file, said as a file or two globs. */
export function firstOverlap(mine: readonly FileGlob[], theirs: readonly FileGlob[]): string | undefined {
  for (const a of mine)
    for (const b of theirs) {
      if (!globsOverlap(a, b)) continue;
      if (a.literal) return a.text;
      if (b.literal) return b.text;
      return a.text === b.text ? a.text : `${a.text} and ${b.text}`;
    }
  return undefined;
}
