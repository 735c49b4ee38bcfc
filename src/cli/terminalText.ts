/**
 * Text from the design-docs branch (titles, item texts, problems) is written by anyone with push access: on a
 * terminal, a control sequence could rewrite the screen and a bidi control could reorder what is shown (a title
 * that reads differently from what it is). Each is shown as a visible `?` instead; line breaks stay.
 */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, '?');
}

/**
 * JSON for `--json`: the same value, with bidi controls written as `\uXXXX` escapes (JSON.stringify escapes only
 * C0 controls), so a program's output shown on a terminal cannot be reordered either.
 */
export function jsonSafe(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(
    /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u0080-\u009f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
