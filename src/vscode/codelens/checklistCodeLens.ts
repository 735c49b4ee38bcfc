import * as path from 'node:path';
import { vscode } from '../vscodeApi';
import { parseChecklist } from '../../core/checklist/parseChecklist';
import { Disposable } from '../../core/lifecycle';
import type { SpecTaskRepository, SpecTaskServices } from '../extensionContext';
import { checklistLenses, type AgentOnTask } from './checklistLenses';

/**
 * CodeLens and line decorations in a SpecTask's tasks.md (design-docs worktree): every checklist item's
 * state, and on the current item which agent is on it (from the orchestrator's fleet snapshot). Updates
 * on the fleet store's change (an agent ticks a box; already coalesced, so no timer here) and when the
 * document is edited; only while such a document is visible. VS Code itself spaces the lens requests.
 */
export class ChecklistCodeLens extends Disposable implements vscode.CodeLensProvider {
  private readonly _onDidChange = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this._onDidChange.event;
  private readonly current = this._register(
    vscode.window.createTextEditorDecorationType({
      isWholeLine: true,
      backgroundColor: new vscode.ThemeColor('editor.rangeHighlightBackground'),
      overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.infoForeground'),
      overviewRulerLane: vscode.OverviewRulerLane.Right,
    }),
  );
  private readonly done = this._register(vscode.window.createTextEditorDecorationType({ opacity: '0.65' }));

  constructor(private readonly services: SpecTaskServices) {
    super();
    this._register(vscode.languages.registerCodeLensProvider({ scheme: 'file', pattern: '**/tasks.md' }, this));
    // One subscription for every repository, present and future: the hub fans the orchestrators' changes in.
    this._register(services.onDidChangeOrchestrators(() => this.refresh()));
    this._register(services.onDidChangeTasks(() => this.refresh()));
    this._register(vscode.window.onDidChangeVisibleTextEditors(() => this.decorate()));
    this._register(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (vscode.window.visibleTextEditors.some((ed) => ed.document === e.document)) this.refresh();
      }),
    );
    this.refresh();
  }

  /** The lenses and decorations again, when a SpecTask's tasks.md is in sight (else nothing shows them). */
  private refresh(): void {
    if (!vscode.window.visibleTextEditors.some((ed) => this.locate(ed.document.uri))) return;
    this._onDidChange.fire();
    this.decorate();
  }

  /** The SpecTask whose tasks.md this is (the workspace's TaskLocator), if any. */
  private locate(uri: vscode.Uri): { repo: SpecTaskRepository; taskId: string } | undefined {
    if (uri.scheme !== 'file' || path.basename(uri.fsPath) !== 'tasks.md') return undefined;
    const hit = this.services.locator.at(uri);
    return hit?.place === 'task-folder' && hit.relative === 'tasks.md'
      ? { repo: hit.repo, taskId: hit.taskId }
      : undefined;
  }

  private lensesFor(doc: vscode.TextDocument) {
    const ref = this.locate(doc.uri);
    if (!ref) return undefined;
    const view = ref.repo.orchestrator.taskViews().find((t) => t.id === ref.taskId);
    const card = ref.repo.orchestrator.fleetSnapshot().cards.find((c) => c.taskId === ref.taskId);
    const agent: AgentOnTask | undefined = card
      ? { backend: card.backend, agentId: card.agentId, lastActivity: card.lastActivity }
      : undefined;
    const items = parseChecklist(doc.getText()).items;
    return {
      ref,
      lenses: checklistLenses(items, { status: view?.status, agentWorking: view?.agentWorking, agent }),
      agent,
    };
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const r = this.lensesFor(doc);
    if (!r) return [];
    return r.lenses
      .filter((l) => l.line < doc.lineCount)
      .map(
        (l) =>
          new vscode.CodeLens(new vscode.Range(l.line, 0, l.line, 0), {
            title: l.title,
            tooltip: `${l.tooltip} (click: open the fleet dashboard)`,
            // Every lens opens the fleet dashboard, where the task's card and its agent's activity show live
            // (a lens without a command id is not accepted by VS Code's CodeLens API commands).
            command: 'spectask.fleet.open',
          }),
      );
  }

  private decorate(): void {
    for (const ed of vscode.window.visibleTextEditors) {
      const r = this.lensesFor(ed.document);
      if (!r) continue;
      const lineCount = ed.document.lineCount;
      const cur = r.lenses
        .filter((l) => l.current && l.line < lineCount)
        .map((l) => ({ range: new vscode.Range(l.line, 0, l.line, 0), hoverMessage: l.tooltip }));
      const done = r.lenses
        .filter((l) => l.title.startsWith('$(pass)') && l.line < lineCount)
        .map((l) => new vscode.Range(l.line, 0, l.line, ed.document.lineAt(l.line).text.length));
      ed.setDecorations(this.current, cur);
      ed.setDecorations(this.done, done);
    }
  }
}
