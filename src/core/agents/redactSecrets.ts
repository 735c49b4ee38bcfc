/**
 * Removes API keys from text before it is stored (transcripts live in the repository's git dir and may be
 * shared in bug reports). Known secret values are replaced exactly; common key shapes are caught by pattern
 * as a second line of defence for keys we were never told about.
 */
const KEY_PATTERNS: readonly RegExp[] = [
  /sk-ant-[A-Za-z0-9_-]{8,}/g, // Anthropic
  /sk-(?:proj-)?[A-Za-z0-9_-]{16,}/g, // OpenAI and compatible servers
  /AIza[0-9A-Za-z_-]{30,}/g, // Google
  /gh[pousr]_[A-Za-z0-9]{20,}/g, // GitHub tokens
  /(Bearer\s+)[A-Za-z0-9._~+/=-]{16,}/g,
];

export const REDACTED = '[REDACTED]';

/** Replaces every known secret and every key-shaped token in `text`. Secrets shorter than 6 characters are ignored (too likely to hit ordinary words). */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const s of secrets) {
    if (s && s.length >= 6) out = out.split(s).join(REDACTED);
  }
  for (const re of KEY_PATTERNS)
    out = out.replace(re, (m, prefix?: string) =>
      typeof prefix === 'string' && m.startsWith(prefix) ? `${prefix}${REDACTED}` : REDACTED,
    );
  return out;
}
