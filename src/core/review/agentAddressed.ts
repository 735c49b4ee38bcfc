import type { ReviewComment, SpecDocument } from './reviewComments';

/**
 * The planning agent's claim of which review comments a revision addressed (issue 22): the revision prompt asks
 * it to write this file in the SpecTask's folder as `{"revision": N, "addressed": ["<comment id>", …]}`. The file is agent
 * output on the design-docs branch, so untrusted: it is read strictly, and a claim alone resolves nothing
 * (see {@link claimedResolutions}).
 */
export const ADDRESSED_FILE = 'addressed.json';

const MAX_TEXT = 16 * 1024;
const MAX_IDS = 500;
/** The ids the review service gives (`c<ms>-<n>`, `~` suffixes for duplicates) and hand-written ones alike. */
const COMMENT_ID = /^[\w.~-]{1,100}$/;
/** Whether `id` looks like a comment id (it is named in the revision prompt and read back from agent output). */
export const isCommentId = (id: unknown): id is string => typeof id === 'string' && COMMENT_ID.test(id);

/**
 * The comment ids an `addressed.json` of revision `revision` names: `{"revision": N, "addressed": [ids]}`. Empty
 * for anything but that shape within its limits, and for another revision's file (one left from an earlier
 * revision must not speak for this one).
 */
export function parseAddressedClaim(text: string | undefined, revision: number): Set<string> {
  if (typeof text !== 'string' || text.length > MAX_TEXT) return new Set();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return new Set();
  }
  if ((parsed as { revision?: unknown } | null)?.revision !== revision) return new Set();
  const ids = (parsed as { addressed?: unknown }).addressed;
  if (!Array.isArray(ids) || ids.length > MAX_IDS) return new Set();
  return new Set(ids.filter(isCommentId));
}

/** What a revision's claim is checked against: the ids it names and its documents before and after. */
export interface RevisionClaim {
  /** The revision now under review (spectask.json revisionCount). */
  revision: number;
  /** The ids the agent named ({@link parseAddressedClaim}). */
  claimed: ReadonlySet<string>;
  /** The documents as they were sent to the agent (the Request changes commit); unreadable ones missing. */
  before: Partial<Record<SpecDocument, string>>;
}

const normalize = (s: string) => s.replace(/\s+/g, ' ').trim();
const lines = (text: string) => text.split(/\r\n|\r|\n/).map(normalize);

/**
 * The whole line(s) of `text` holding `quote` nearest to `line` (normalized), or undefined when it is not there.
 * A comment quotes a line or a selection within lines; what the reviewer pointed at is the lines around it.
 */
function quotedLines(text: string, quote: string, line: number): string | undefined {
  const all = lines(text);
  const want = normalize(quote);
  const span = quote.trim().split(/\r\n|\r|\n/).length;
  let best: number | undefined;
  for (let i = 0; i + span <= all.length; i++) {
    if (!normalize(all.slice(i, i + span).join(' ')).includes(want)) continue;
    if (best === undefined || Math.abs(i + 1 - line) < Math.abs(best + 1 - line)) best = i;
  }
  return best === undefined ? undefined : all.slice(best, best + span).join('\n');
}

/** Whether `block` (lines joined by \n, normalized) appears as whole consecutive lines of `text`. */
function hasLines(text: string, block: string): boolean {
  const want = block.split('\n');
  const all = lines(text);
  for (let i = 0; i + want.length <= all.length; i++) if (want.every((w, k) => all[i + k] === w)) return true;
  return false;
}

/**
 * The open comments a revision resolves because the agent said so AND the text changed: each was sent in this
 * revision, is named in the claim, quotes text, and the line(s) it quoted, as they were sent, are no longer in
 * the document unchanged. A claim about a comment whose lines stayed the same, an unknown id, an unreadable
 * document, or a comment without a quote resolves nothing: the reviewer decides those.
 */
export function claimedResolutions<C extends ReviewComment>(
  comments: readonly C[],
  claim: RevisionClaim,
  after: Partial<Record<SpecDocument, string>>,
  at: number,
): C[] {
  const out: C[] = [];
  for (const c of comments) {
    if (c.resolved || c.sentInRevision !== claim.revision || !claim.claimed.has(c.id) || !c.quote.trim()) continue;
    const before = claim.before[c.document];
    const now = after[c.document];
    if (before === undefined || now === undefined) continue;
    const quoted = quotedLines(before, c.quote, c.line);
    if (quoted === undefined || hasLines(now, quoted)) continue;
    const reason = `the agent addressed it in revision ${claim.revision} and changed the quoted text`;
    out.push({ ...c, resolved: { at, by: 'auto', reason } });
  }
  return out;
}
