import type { ToolKind } from './agentEvents';

const KINDS: Record<string, ToolKind> = {
  // Claude Code
  Write: 'edit',
  Edit: 'edit',
  MultiEdit: 'edit',
  NotebookEdit: 'edit',
  Bash: 'shell',
  BashOutput: 'shell',
  KillShell: 'shell',
  KillBash: 'shell',
  Read: 'read',
  Grep: 'search',
  Glob: 'search',
  LS: 'search',
  WebFetch: 'fetch',
  WebSearch: 'fetch',
  TodoWrite: 'think',
  Task: 'other',
  // Gemini CLI
  write_file: 'edit',
  replace: 'edit',
  run_shell_command: 'shell',
  read_file: 'read',
  read_many_files: 'read',
  list_directory: 'search',
  glob: 'search',
  grep_search: 'search',
  search_file_content: 'search',
  web_fetch: 'fetch',
  google_web_search: 'fetch',
  write_todos: 'think',
  // our own loop
  edit_file: 'edit',
  run_command: 'shell',
  list_dir: 'search',
  search: 'search',
};

/** Maps a back-end's tool name to the normalized kind (agent-backends.md §6.1 "Tool kinds"). */
export function toolKind(name: string): ToolKind {
  return KINDS[name] ?? 'other';
}

/** The file paths a tool call names, from the argument names the back-ends use. */
export function toolPaths(input: unknown): string[] | undefined {
  if (!input || typeof input !== 'object') return undefined;
  const o = input as Record<string, unknown>;
  const paths = ['file_path', 'notebook_path', 'path', 'absolute_path', 'dir_path']
    .map((k) => o[k])
    .filter((v): v is string => typeof v === 'string');
  return paths.length ? paths : undefined;
}
