/**
 * Agent session ids reach a CLI's argv (`--resume <id>`, `resume <thread>`, a custom command's `{sessionId}`).
 * They are machine-local (the run ledger under `<git-dir>/spectask/`), but a value that is not a plain id must
 * still never get there: one starting with "-" would be read as an option (`--allowed-tools=run_shell_command`
 * turned an `edit` agent into a shell). Real ids are UUIDs or similar tokens.
 */
const SESSION_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** Whether `id` looks like a session id a back-end issued: letters, digits, `._:-`, at most 128, no leading "-". */
export function isSafeSessionId(id: unknown): id is string {
  return typeof id === 'string' && SESSION_ID.test(id);
}

/** The last line of defence in an argv builder: an id that is not {@link isSafeSessionId} never reaches argv. */
export function assertSafeSessionId(id: string): string {
  if (!isSafeSessionId(id)) throw new Error(`refusing to pass ${JSON.stringify(id)} to an agent as a session id`);
  return id;
}
