// No 'vscode' import: the unit tier checks this policy directly; the integration tier's trust session
// (test/integration/trust.test.ts) checks the whole extension in a really untrusted window.

/**
 * Why SpecTask does nothing in Restricted Mode. Any git command may run programs the folder configures
 * (core.fsmonitor, hooks), and the agents run commands, so neither starts until the user trusts the folder.
 */
export const UNTRUSTED_MESSAGE =
  'This workspace is not trusted, so SpecTask runs no git command and no agent starts. Trust the workspace to use SpecTask.';

/** The button that opens VS Code's Workspace Trust editor, and its command. */
export const MANAGE_TRUST_LABEL = 'Manage Workspace Trust';
export const MANAGE_TRUST_COMMAND = 'workbench.trust.manage';

/** Why agents (and git) may not start, given whether the workspace is trusted; undefined when they may. */
export function untrustedReason(isTrusted: boolean): string | undefined {
  return isTrusted ? undefined : UNTRUSTED_MESSAGE;
}
