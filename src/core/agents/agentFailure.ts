import type { ErrorKind } from './agentEvents';

/**
 * Reading an agent CLI's failure for the person who has to fix it: which failures no retry can fix
 * (see {@link ErrorKind}), and the one line of a crash's stderr that says why.
 */

/** What the CLIs print when a login or key is refused (claude, codex and gemini wordings). */
const AUTH_WORDS =
  /not logged in|please run \/login|invalid api key|api key not valid|incorrect api key|unauthori[sz]ed|unauthenticated|authentication[_ ](?:error|failed)|invalid x-api-key|permission[_ ]denied/i;

/** API error types that say the request itself is wrong (Anthropic/OpenAI and Google wordings): no retry helps. */
const REQUEST_ERROR_TYPES = /invalid_request_error|not_found_error|INVALID_ARGUMENT|NOT_FOUND|FAILED_PRECONDITION/;

/** The prefix processRunner gives a spawn that failed with ENOENT. */
const MISSING_BINARY = /^agent binary not found\b/;

/**
 * The kind of an API error a CLI reported, from its HTTP status and message. 401/403 (or a refusal in words) is
 * `auth`; any other status the CLI gave up on (or an error type saying the request is wrong) is `fatal-api`,
 * except 408 and 429, which pass with time.
 */
export function apiErrorKind(status: number | undefined, message: string): ErrorKind | undefined {
  if (status === 401 || status === 403 || AUTH_WORDS.test(message)) return 'auth';
  if (status === undefined) return REQUEST_ERROR_TYPES.test(message) ? 'fatal-api' : undefined;
  if (status === 408 || status === 429) return undefined;
  return 'fatal-api';
}

/** The HTTP status named in a CLI's error text ("unexpected status 401 Unauthorized", `"code":500`). */
export function statusInText(text: string): number | undefined {
  const m = /(?:status|code|error)\D{0,4}([45]\d\d)\b/i.exec(text) ?? /\b([45]\d\d) (?:[A-Z][a-z]+)/.exec(text);
  return m ? Number(m[1]) : undefined;
}

/** `missing-binary` for a spawn that found no program. */
export function spawnErrorKind(spawnError: string): ErrorKind | undefined {
  return MISSING_BINARY.test(spawnError) ? 'missing-binary' : undefined;
}

/** The kind of a crash, from what the CLI printed before it exited. */
export function crashErrorKind(stderr: string): ErrorKind | undefined {
  return AUTH_WORDS.test(stderr) ? 'auth' : undefined;
}

/** How a help text starts (yargs, clap, commander), and the line every one of them lists. */
const USAGE_LINE = /^\s*usage:/i;
const HELP_OPTION_LINE = /^\s*(?:-\w, )?--help\b/;

/**
 * The reason shown for a crash, from stderr. A CLI that rejects its command line prints one error line and
 * then its whole help text; only the error line is worth showing, and it comes just before "Usage:". `head`
 * (the first lines, when the runner kept them) holds it when the help text is longer than the tail.
 */
export function stderrReason(tail: string, head?: string): string {
  const text = `${head ?? ''}\n${tail}`;
  const lines = text.split('\n');
  let usage = lines.findIndex((l) => USAGE_LINE.test(l));
  if (usage < 0 && lines.some((l) => HELP_OPTION_LINE.test(l))) usage = 0; // the tail holds only the help's end
  if (usage < 0) return tail.trim();
  const before = lines
    .slice(0, usage)
    .map((l) => l.trim())
    .filter(Boolean);
  const error = before.at(-1);
  return error
    ? `it rejected its command line: ${error}`
    : 'it rejected its command line (it printed its usage text; the error line was cut off)';
}
