/**
 * The environment an agent process gets (DESIGN.md §6: allow-listed). Nothing from the extension host's
 * environment passes unless it is named here or by the back-end: a user's unrelated secrets (cloud tokens,
 * other providers' keys) never reach an agent.
 */

/** Variables every agent may inherit: what a shell and its tools need to behave normally. */
export const BASE_ENV_ALLOW_LIST: readonly string[] = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'LANG',
  'LANGUAGE',
  'LC_ALL',
  'LC_CTYPE',
  'LC_MESSAGES',
  'TERM',
  'TZ',
  'TMPDIR',
  'TMP',
  'TEMP',
  'XDG_CONFIG_HOME',
  'XDG_CACHE_HOME',
  'XDG_DATA_HOME',
  'XDG_RUNTIME_DIR',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'NODE_EXTRA_CA_CERTS',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'GIT_AUTHOR_NAME',
  'GIT_AUTHOR_EMAIL',
  'GIT_COMMITTER_NAME',
  'GIT_COMMITTER_EMAIL',
  // Windows needs these to start anything at all.
  'SystemRoot',
  'SYSTEMROOT',
  'ComSpec',
  'PATHEXT',
  'WINDIR',
  'USERPROFILE',
  'APPDATA',
  'LOCALAPPDATA',
  'ProgramFiles',
];

/**
 * Builds the child environment: allow-listed names (base plus `backendAllow`) copied from `source` when
 * present, then `overrides` on top (an override of `undefined` removes the name).
 */
export function buildAgentEnv(
  source: Readonly<Record<string, string | undefined>>,
  backendAllow: readonly string[],
  overrides: Readonly<Record<string, string | undefined>> = {},
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of [...BASE_ENV_ALLOW_LIST, ...backendAllow]) {
    const v = source[name];
    if (v !== undefined) env[name] = v;
  }
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}
