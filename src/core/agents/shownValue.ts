/**
 * A value from an agent's JSON output, as text for a notice or an error message. `String(v)` is not safe on
 * parsed JSON: an object whose `toString` is not a function (`{"toString": 1}`) makes it throw, and the fault
 * tier's fuzzer sent exactly that through the Gemini parser. Objects are shown as JSON, cut at `max` characters.
 */
export function shownValue(v: unknown, max = 200): string {
  if (v === null || typeof v !== 'object') return String(v).slice(0, max);
  try {
    return (JSON.stringify(v) ?? '').slice(0, max);
  } catch {
    return '[unprintable]';
  }
}
