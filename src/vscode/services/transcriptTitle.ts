/** Longest title a transcript tab gets; the SpecTask's title loses its end first. */
const MAX_TITLE = 80;

/**
 * The name of a transcript's tab: `#000003 Add login — implementation, run 2` instead of a run id. A title is
 * written by people (and read from the shared branch): slashes would make path segments of it, and control or
 * bidirectional characters would make it display otherwise than it is written, so they become spaces.
 */
export function transcriptTitle(t: { number: string; title: string; phase?: string; run: number }): string {
  const clean = (s: string) => s.replace(/[\p{Cc}\u202A-\u202E\u2066-\u2069/\\]+/gu, ' ').trim();
  const tail = ` — ${t.phase ? `${clean(t.phase)}, ` : ''}run ${t.run}`;
  const head = `#${clean(t.number)} `;
  const room = Math.max(8, MAX_TITLE - head.length - tail.length);
  const title = clean(t.title);
  return `${head}${title.length > room ? `${title.slice(0, room - 1)}…` : title}${tail}`;
}
