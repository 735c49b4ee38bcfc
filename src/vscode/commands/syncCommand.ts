import { vscode } from '../vscodeApi';
import { DesignDocsSyncError } from '../../core/docs/designDocsSync';
import { Disposable, type IDisposable } from '../../core/lifecycle';
import type { RepositoryTarget } from '../commandIds';
import { executeCommand, registerCommand } from '../commandRegistry';
import type { SpecTaskRepository } from '../extensionContext';
import { showUntrustedNotice } from '../services/trustGate';
import type { RepositoryHub } from '../services/repositoryHub';
import { describeSync } from './syncMessage';
import { pickRepository } from './taskPick';

/**
 * "SpecTask: Sync Design Docs" and the optional periodic sync (`spectask.syncIntervalMinutes`, default off,
 * like VS Code's own `git.autofetch`). The sync itself is core's DesignDocsSync; the orchestrator and the
 * views pick up what it wrote through the design-docs watcher, like any other change to the files.
 */
export class SyncDesignDocs extends Disposable {
  private readonly timers = new Map<string, IDisposable>();
  /** Per repository: the push-failure and sync listeners (and whether a failure is on screen). */
  private readonly watched = new Map<string, { subs: IDisposable[]; warned: boolean }>();
  private intervalMs = 0;

  constructor(private readonly hub: RepositoryHub) {
    super();
    this._register(registerCommand('spectask.designDocs.sync', (target) => this.syncCommand(target)));
    this._register(hub.onDidChangeOrchestrators(() => this.rearm()));
    this._register(
      vscode.workspace.onDidChangeConfiguration(
        (e) => e.affectsConfiguration('spectask.syncIntervalMinutes') && this.rearm(),
      ),
    );
    this._register({ dispose: () => this.stopAll() });
    this._register({ dispose: () => this.unwatchAll() });
    this.rearm();
  }

  private async syncCommand(target: RepositoryTarget): Promise<void> {
    if (!vscode.workspace.isTrusted) return showUntrustedNotice();
    const repo = await this.pick(target);
    if (!repo) return;
    const branch = repo.docs.location.branch;
    try {
      const r = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: `SpecTask: syncing ${branch} with ${repo.docs.sync.remote}…`,
        },
        () => repo.docs.sync.sync(),
      );
      this.hub.log.info(
        `sync ${repo.root}: ${r.outcome}, ${r.incoming} incoming, ${r.replayed} replayed, ${r.resolved.length} merged by rule, pushed: ${r.pushed}`,
      );
      void vscode.window.showInformationMessage(describeSync(r));
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.hub.log.error(`sync ${repo.root}: ${message}`);
      const actions =
        e instanceof DesignDocsSyncError && e.code === 'conflict'
          ? ['Open Design-Docs Worktree', 'Show Log']
          : ['Show Log'];
      const choice = await vscode.window.showErrorMessage(`Sync Design Docs failed: ${message}`, ...actions);
      if (choice === 'Show Log') this.hub.log.show();
      if (choice === 'Open Design-Docs Worktree')
        await vscode.commands.executeCommand('vscode.openFolder', vscode.Uri.file(repo.designDocsRoot), {
          forceNewWindow: true,
        });
    }
  }

  /** The repository named by the argument, the only one open, or the one the user picks. */
  private async pick(target: RepositoryTarget): Promise<SpecTaskRepository | undefined> {
    const all = this.hub.repositories();
    const named =
      target.kind === 'root'
        ? all.find((r) => r.root === target.root)
        : target.kind === 'file'
          ? this.hub.locator.repositoryOf(target.uri)
          : undefined;
    return named ?? pickRepository(all, 'Sync the design docs of which repository?');
  }

  /** (Re)starts one timer per open repository with the current interval; 0 stops them. */
  private rearm(): void {
    const minutes = vscode.workspace.getConfiguration('spectask').get<number>('syncIntervalMinutes', 0);
    const ms = typeof minutes === 'number' && minutes > 0 ? Math.max(1, minutes) * 60_000 : 0;
    const open = new Map(this.hub.repositories().map((r) => [r.root, r]));
    this.watchPushes(open);
    if (ms !== this.intervalMs) this.stopAll();
    this.intervalMs = ms;
    for (const [root, t] of this.timers) {
      if (!open.has(root)) {
        t.dispose();
        this.timers.delete(root);
      }
    }
    if (!ms) return;
    for (const [root, repo] of open) {
      if (this.timers.has(root)) continue;
      // Errors of a background sync go to the log only: a toast every few minutes while offline would nag.
      this.timers.set(
        root,
        repo.docs.sync.startPeriodic(ms, (e) => this.hub.log.warn(`periodic sync of ${root}: ${e.message}`)),
      );
    }
  }

  /**
   * A push that failed even after syncing (a conflict no rule settles, the remote unreachable) is logged and
   * shown once, with the sync command to retry; a later successful sync clears it.
   */
  private watchPushes(open: Map<string, SpecTaskRepository>): void {
    for (const [root, w] of this.watched) {
      if (open.get(root)) continue;
      for (const s of w.subs) s.dispose();
      this.watched.delete(root);
    }
    for (const [root, repo] of open) {
      if (this.watched.has(root)) continue;
      const w = { subs: [] as IDisposable[], warned: false };
      w.subs.push(
        repo.docs.store.onDidFailPush((f) => {
          this.hub.log.warn(`push of ${repo.docs.location.branch} in ${root} failed: ${f.message}`);
          if (w.warned) return;
          w.warned = true;
          void vscode.window
            .showWarningMessage(
              `SpecTask could not push the design docs of ${repo.folder.name}: ${f.message.trim().split('\n')[0]}`,
              'Sync Design Docs',
              'Show Log',
            )
            .then((c) => {
              if (c === 'Sync Design Docs') void executeCommand('spectask.designDocs.sync', root);
              if (c === 'Show Log') this.hub.log.show();
            });
        }),
        repo.docs.sync.onDidSync((r) => {
          w.warned = false;
          for (const d of r.duplicateNumbers)
            this.hub.log.warn(
              `SpecTask number ${d.number} is used by ${d.folders.join(' and ')} in ${root} (created in two clones at once): rename one folder to a free number`,
            );
          if (r.outcome !== 'up-to-date')
            this.hub.log.info(
              `synced ${repo.docs.location.branch} in ${root}: ${r.outcome} (${r.incoming} incoming, ${r.replayed} replayed, ${r.resolved.length} merged by rule)`,
            );
        }),
      );
      this.watched.set(root, w);
    }
  }

  private unwatchAll(): void {
    for (const w of this.watched.values()) for (const s of w.subs) s.dispose();
    this.watched.clear();
  }

  private stopAll(): void {
    for (const t of this.timers.values()) t.dispose();
    this.timers.clear();
  }
}
