/** Longest slug (DESIGN.md §4). */
export const MAX_SLUG_LENGTH = 25;
/** Used when a title has nothing usable in it (empty, only emoji, only punctuation). */
export const FALLBACK_SLUG = 'task';

/**
 * A safe folder-name slug from any title: lower-case ASCII letters, digits and single hyphens, at most 25
 * characters, cut at a word boundary when possible, never empty. Accents are folded (`Café` → `cafe`);
 * emoji, control characters, path separators and dots (so never `..`) are dropped.
 */
export function slugify(title: string, maxLength = MAX_SLUG_LENGTH): string {
  const words = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // combining accents left by NFKD
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  let slug = '';
  for (const w of words) {
    const next = slug ? `${slug}-${w}` : w;
    if (next.length > maxLength) {
      // A single word longer than the limit is cut hard; otherwise stop at the last whole word.
      if (!slug) slug = w.slice(0, maxLength);
      break;
    }
    slug = next;
  }
  return slug || FALLBACK_SLUG;
}
