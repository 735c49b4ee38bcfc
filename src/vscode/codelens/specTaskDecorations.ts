import * as path from 'node:path';
import { vscode } from '../vscodeApi';
import { Disposable } from '../../core/lifecycle';
import type { SpecTaskServices } from '../extensionContext';
import { folderBadge, type BadgeTone, type FolderBadge } from './checklistLenses';

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
 * Projected on the fleet store's change (already coalesced, so no timer here): the badges are worked out once
 * per change, and VS Code is told only about the folders whose badge changed, so a tick asks it to redraw one
 * folder rather than every decorated file in sight.
 */
export class SpecTaskDecorations extends Disposable implements vscode.FileDecorationProvider {
  private readonly _onDidChange = this._register(new vscode.EventEmitter<vscode.Uri[] | undefined>());
  readonly onDidChangeFileDecorations = this._onDidChange.event;
  /** The badge of every SpecTask folder (resolved absolute path), as last projected. */
  private badges = new Map<string, FolderBadge>();

  constructor(private readonly services: SpecTaskServices) {
    super();
    this._register(vscode.window.registerFileDecorationProvider(this));
    this._register(services.onDidChangeOrchestrators(() => this.project()));
    this._register(services.onDidChangeTasks(() => this.project()));
    this.project();
  }

  private project(): void {
    const next = new Map<string, FolderBadge>();
    for (const repo of this.services.repositories())
      for (const t of repo.orchestrator.taskViews()) {
        const p = path.resolve(t.path);
        if (!next.has(p)) next.set(p, folderBadge(t));
      }
    const changed: vscode.Uri[] = [];
    for (const [p, b] of next) if (!sameBadge(this.badges.get(p), b)) changed.push(vscode.Uri.file(p));
    for (const p of this.badges.keys()) if (!next.has(p)) changed.push(vscode.Uri.file(p));
    this.badges = next;
    if (changed.length) this._onDidChange.fire(changed);
  }

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (uri.scheme !== 'file') return undefined;
    const b = this.badges.get(path.resolve(uri.fsPath));
    if (!b) return undefined;
    const color = TONE_COLOR[b.tone];
    return new vscode.FileDecoration(b.badge, b.tooltip, color ? new vscode.ThemeColor(color) : undefined);
  }
}

function sameBadge(a: FolderBadge | undefined, b: FolderBadge): boolean {
  return a?.badge === b.badge && a.tooltip === b.tooltip && a.tone === b.tone;
}
