import * as vscode from 'vscode';
import { Disposable } from '../core/lifecycle';
import { probeRepository, type RepoProbe } from '../core/git/repoProbe';

/**
 * Tracks which workspace folders are git repositories and publishes the context keys the welcome
 * views use. Multi-root: each folder is probed on its own.
 */
export class WorkspaceRepositories extends Disposable {
  private probes = new Map<string, RepoProbe>();
  private readonly _onDidChange = this._register(new vscode.EventEmitter<void>());
  readonly onDidChange = this._onDidChange.event;

  constructor(private readonly log: vscode.LogOutputChannel) {
    super();
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(() => void this.refresh()));
  }

  get repositories(): { root: string; gitDir: string }[] {
    return [...this.probes.values()].flatMap((p) => (p.kind === 'repo' ? [{ root: p.root, gitDir: p.gitDir }] : []));
  }

  async refresh(): Promise<void> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const next = new Map<string, RepoProbe>();
    await Promise.all(
      folders
        .filter((f) => f.uri.scheme === 'file')
        .map(async (f) => {
          const probe = await probeRepository(f.uri.fsPath);
          if (probe.kind === 'git-missing') this.log.error(probe.message);
          next.set(f.uri.fsPath, probe);
        }),
    );
    this.probes = next;
    await vscode.commands.executeCommand('setContext', 'spectask:noGitRepo', folders.length > 0 && this.repositories.length === 0);
    this._onDidChange.fire();
  }
}
