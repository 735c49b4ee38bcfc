// No 'vscode' import: the unit tier checks this policy directly (the integration host runs code-server with
// --disable-workspace-trust, so an untrusted window cannot be produced there).

export const UNTRUSTED_MESSAGE =
  'This workspace is not trusted: SpecTasks can be read and reviewed, but no agent starts. Trust the workspace to run agents.';

/** Why agents may not start, given whether the workspace is trusted; undefined when they may. */
export function untrustedReason(isTrusted: boolean): string | undefined {
  return isTrusted ? undefined : UNTRUSTED_MESSAGE;
}
