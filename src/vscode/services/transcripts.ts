import { vscode } from '../vscodeApi';
import type { AgentEvent } from '../../core/agents/agentEvents';
import type { SpecTaskServices } from '../extensionContext';

export const TRANSCRIPT_SCHEME = 'spectask-transcript';

/** One event as a readable line (or a few). */
export function renderEvent(e: AgentEvent): string {
  switch (e.t) {
    case 'session':
      return `── session ${e.sessionId ?? '(none)'} · ${e.backend}${e.model ? ` · ${e.model}` : ''}${e.version ? ` · ${e.version}` : ''}`;
    case 'text':
      return e.text;
    case 'thinking':
      return `(thinking) ${e.text}`;
    case 'tool_call':
      return `▶ ${e.name}${e.command ? `: ${e.command}` : e.paths?.length ? `: ${e.paths.join(', ')}` : ''}`;
    case 'tool_result':
      return `  ${e.ok ? '✓' : '✗'}${e.exitCode !== undefined ? ` exit ${e.exitCode}` : ''}${e.output ? `\n${indent(e.output.length > 2000 ? `${e.output.slice(0, 2000)}…` : e.output)}` : ''}`;
    case 'file_change':
      return `  ${e.change} ${e.path}${e.outsideWorktree ? ' (outside the worktree)' : ''}`;
    case 'plan':
      return e.items.map((i) => `  [${i.done ? 'x' : ' '}] ${i.text}`).join('\n');
    case 'permission':
      return `  permission ${e.decision}: ${e.tool}${e.reason ? ` (${e.reason})` : ''}`;
    case 'usage':
      return '';
    case 'notice':
      return `! ${e.level}: ${e.message}`;
    case 'result':
      return `── result: ${e.status} after ${(e.durationMs / 1000).toFixed(1)} s${e.turns ? `, ${e.turns} turns` : ''}${e.errorMessage ? `\n${e.errorMessage}` : ''}${e.text ? `\n${e.text}` : ''}`;
  }
}

const indent = (s: string) =>
  s
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');

/**
 * Read-only documents `spectask-transcript:/<taskId>/<runId>.log?<repoRoot>` that render a run's JSONL
 * transcript readably; refreshed when the task changes (a live run keeps appending).
 */
export class TranscriptDocuments implements vscode.TextDocumentContentProvider {
  private readonly _onDidChange = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this._onDidChange.event;

  constructor(private readonly services: SpecTaskServices) {}

  uriFor(repoRoot: string, taskId: string, runId: string): vscode.Uri {
    return vscode.Uri.from({ scheme: TRANSCRIPT_SCHEME, path: `/${taskId}/${runId}.log`, query: repoRoot });
  }

  refresh(uri: vscode.Uri): void {
    this._onDidChange.fire(uri);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const [, taskId, file] = uri.path.split('/');
    const runId = file?.replace(/\.log$/, '') ?? '';
    const repo = this.services.repositoryFor({ repoRoot: uri.query, taskId });
    if (!repo || !taskId) return 'This transcript belongs to a repository that is not open.';
    const events = repo.transcripts.read(taskId, runId);
    if (!events.length) return `No events recorded for run ${runId} yet.`;
    return (
      events
        .map(renderEvent)
        .filter((l) => l !== '')
        .join('\n') + '\n'
    );
  }

  dispose(): void {
    this._onDidChange.dispose();
  }
}
