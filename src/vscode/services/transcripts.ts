import { vscode } from '../vscodeApi';
import type { AgentEvent } from '../../core/agents/agentEvents';
import type { SpecTaskServices } from '../extensionContext';
import { transcriptTitle } from './transcriptTitle';
import { userMessageLine } from './transcriptUserLine';

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
    case 'user_message':
      return userMessageLine(e.text, e.at);
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
 * Read-only documents `spectask-transcript:/<taskId>/<runId>/<readable title>.log?<repoRoot>` that render a run's
 * JSONL transcript readably; refreshed when the task changes (a live run keeps appending). The last segment only
 * names the tab (`#000003 Add login — implementation, run 2`); `/<taskId>/<runId>.log` (tabs restored from an
 * earlier version) still opens.
 */
export class TranscriptDocuments implements vscode.TextDocumentContentProvider {
  private readonly _onDidChange = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this._onDidChange.event;

  constructor(private readonly services: SpecTaskServices) {}

  uriFor(repoRoot: string, taskId: string, runId: string): vscode.Uri {
    const name = this.tabName(repoRoot, taskId, runId);
    const path = name ? `/${taskId}/${runId}/${name}.log` : `/${taskId}/${runId}.log`;
    return vscode.Uri.from({ scheme: TRANSCRIPT_SCHEME, path, query: repoRoot });
  }

  /** `#000003 Add login — implementation, run 2`: the run's place among the task's runs and its phase. */
  private tabName(repoRoot: string, taskId: string, runId: string): string | undefined {
    const repo = this.services.repositoryFor({ repoRoot, taskId });
    const task = repo?.orchestrator.task(taskId);
    if (!repo || !task) return undefined;
    const run = repo.transcripts.listRuns(taskId).indexOf(runId) + 1;
    const phase = repo.orchestrator.fleet.state.agents.get(taskId)?.history.find((r) => r.runId === runId)?.phase;
    return transcriptTitle({ number: task.number, title: task.title, phase, run: run || 1 });
  }

  refresh(uri: vscode.Uri): void {
    this._onDidChange.fire(uri);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const [, taskId, second] = uri.path.split('/');
    const runId = second?.replace(/\.log$/, '') ?? '';
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
