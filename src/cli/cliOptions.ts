/** `spectask worker`'s own options that take a value. */
export const WORKER_VALUE_OPTIONS = ['lease', 'max-agents'] as const;

/**
 * Options that take a value, for every command: one list for the whole CLI, so that the small entry
 * (cliEntry.ts) and the full one (main.ts) read a command line the same way.
 */
export const VALUE_OPTIONS: ReadonlySet<string> = new Set([
  'repo',
  'branch',
  'prompt',
  'priority',
  'context',
  'backend',
  'planning-backend',
  'implementation-backend',
  'model',
  'custom-command',
  'acp-command',
  'cap-planning',
  'cap-implementation',
  'permission',
  'max-nudges',
  'max-retries',
  'idle-timeout',
  'agent-priority',
  'comment',
  'document',
  'line',
  'quote',
  'note',
  'remote',
  'depends-on',
  'test-command',
  'test-timeout',
  'integration-strategy',
  'file-overlap',
  ...WORKER_VALUE_OPTIONS,
]);
