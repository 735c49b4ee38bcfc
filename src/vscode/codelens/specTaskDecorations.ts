import * as path from 'node:path';
import { vscode } from '../vscodeApi';
import { Disposable } from '../../core/lifecycle';
import type { SpecTaskServices } from '../extensionContext';
import { folderBadge, type BadgeTone } from './checklistLenses';

const TONE_COLOR: Readonly<Record<BadgeTone, string | undefined>> = {
  working: 'charts.blue',
  review: 'list.warningForeground',
  failed: 'list.errorForeground',
  done: 'gitDecoration.addedResourceForeground',
  quiet: undefined,
};

/**
 * File decorations for SpecTask folders in the design-docs worktree (explorer and the Design Docs tree):
 * a status letter as the badge, a colour by what the task needs, and the status and progress as tooltip.
 */
export class SpecTaskDecorations extends Disposable implements vscode.FileDecorationProvider {
  private readonly _onDidChange = this._register(new vscode.EventEmitter<vscode.Uri[] | undefined>());
  readonly onDidChangeFileDecorations = this._onDidChange.event;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly services: SpecTaskServices) {
    super();
    this._register(vscode.window.registerFileDecorationProvider(this));
    this._register(services.onDidChangeOrchestrators(() => this.schedule()));
    this._register(services.onDidChangeTasks(() => this.schedule()));
    this._register({ dispose: () => this.timer && clearTimeout(this.timer) });
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this._onDidChange.fire(undefined);
    }, 250);
  }

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (uri.scheme !== 'file') return undefined;
    const p = path.resolve(uri.fsPath);
    for (const repo of this.services.repositories()) {
      const t = repo.orchestrator.taskViews().find((v) => path.resolve(v.path) === p);
      if (!t) continue;
      const b = folderBadge({
        number: t.number,
        title: t.title,
        status: t.status,
        items: t.items,
        agentWorking: t.agentWorking,
        error: t.error,
      });
      const color = TONE_COLOR[b.tone];
      return new vscode.FileDecoration(b.badge, b.tooltip, color ? new vscode.ThemeColor(color) : undefined);
    }
    return undefined;
  }
}
