/**
 * `spectask.agents.sandbox` (or the CLI's SPECTASK_SANDBOX): on unless it says off. Anything unreadable keeps
 * the sandbox on; only an explicit `off` (or `false`) turns it off.
 */
export function sandboxSettingOn(value: unknown): boolean {
  return !(value === false || (typeof value === 'string' && value.trim().toLowerCase() === 'off'));
}
