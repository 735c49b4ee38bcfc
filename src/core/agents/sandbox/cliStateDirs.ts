import * as path from 'node:path';

/**
 * The home-relative state each agent CLI keeps (sessions, resume, settings, credentials it wrote itself). The
 * sandbox hides the home directory and binds back only these, writable, for the back-end that runs.
 */
const CLI_STATE: Readonly<Record<string, readonly string[]>> = {
  'claude-cli': ['.claude', '.claude.json'],
  codex: ['.codex'],
  gemini: ['.gemini'],
};

/** The state folders and files of `backend`'s CLI under `home`; none for a back-end without a CLI of its own. */
export function cliStateDirs(backend: string | undefined, home: string | undefined): string[] {
  if (!backend || !home || !path.isAbsolute(home)) return [];
  return (CLI_STATE[backend] ?? []).map((rel) => path.join(home, rel));
}
