import * as fs from 'node:fs';
import * as path from 'node:path';
import { vscode } from '../vscodeApi';
import { Disposable } from '../../core/lifecycle';
import {
  describeStatus,
  RETRYABLE_STATUSES,
  statusesAllowing,
  WORKING_STATUSES,
  type SpecTaskStatus,
  type Trigger,
} from '../../core/orchestrator/statusMachine';
import type { HandlerArgs } from '../commandArgs';
import type { CommandId, TaskTarget } from '../commandIds';
import { executeCommand, registerCommand } from '../commandRegistry';
import type { SpecTaskRepository, SpecTaskServices, TaskRef } from '../extensionContext';
import type { FleetActions } from '../fleet/fleetActions';
import type { PermissionAnswer } from '../../protocol/messages';
import type { TranscriptDocuments } from '../services/transcripts';
import { notificationText } from '../views/notificationText';
import { readOrchestratorSettings } from '../services/settings';
import type { BackendCatalog } from '../services/backends';
import { refuseUnavailableBackend } from './backendGate';
import type { TaskResolution } from './taskPick';

/** Runs a command body; an error becomes one clear error message and a log line, never an unhandled rejection. */
export async function reportErrors(
  log: vscode.LogOutputChannel,
  what: string,
  fn: () => Promise<unknown>,
): Promise<void> {
  try {
    await fn();
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    log.error(`${what}: ${message}`);
    // Not awaited: the message stays until dismissed, and the command (and whoever runs it) must not wait for that.
    void vscode.window
      .showErrorMessage(notificationText(`${what} failed: ${message}`), 'Show Log')
      .then((choice) => choice === 'Show Log' && log.show());
  }
}

// Derived from the status table, like the tree's menu words (taskMenuWords.ts), so a command refuses exactly
// what its menu entry hides.
const FAILED = [...RETRYABLE_STATUSES];
const RUNNING = [...WORKING_STATUSES];
const ARCHIVABLE = [...statusesAllowing('archive')];
const allowing = (trigger: Trigger): SpecTaskStatus[] => [...statusesAllowing(trigger)];

/** The commands whose one argument is a SpecTask (validated into a TaskTarget by registerCommand). */
type TaskCommandId = { [K in CommandId]: HandlerArgs<K> extends [TaskTarget] ? K : never }[CommandId];

/**
 * The SpecTask lifecycle commands (palette, tree menus) and the fleet dashboard's card actions. Every
 * handler gets its validated TaskTarget, resolves the SpecTask through SpecTaskServices.resolveTask (the
 * TaskLocator, else the active editor, else a pick: see commands/taskPick.ts) and calls one orchestrator intent.
 */
export class TaskCommands extends Disposable implements FleetActions {
  constructor(
    private readonly services: SpecTaskServices & TaskResolution,
    private readonly transcripts: TranscriptDocuments,
    /** When given, Start and Retry are refused (with the Configure button) while the phase's back-end cannot run. */
    private readonly catalog?: BackendCatalog,
    /** Stop on a run a worker holds through the remote: a stop request (true when one was sent). */
    private readonly remoteStop?: (repo: SpecTaskRepository, taskId: string) => Promise<boolean>,
  ) {
    super();
    const log = services.log;
    const cmd = (id: TaskCommandId, what: string, fn: (arg: TaskTarget) => Promise<unknown>) =>
      this._register(registerCommand(id, (arg) => reportErrors(log, what, () => fn(arg))));

    cmd('spectask.task.startPlanning', 'Start planning', async (arg) => {
      const ref = await services.resolveTask(arg, { statuses: allowing('start_planning'), verb: 'start planning' });
      if (!ref || (await this.refusedPhase('planning'))) return;
      await ref.repo.orchestrator.startPlanning(ref.taskId);
      this.warnIfBlocked();
    });
    cmd('spectask.task.skipPlanning', 'Skip planning', async (arg) => {
      const ref = await services.resolveTask(arg, {
        statuses: allowing('skip_planning'),
        verb: 'implement without a spec',
      });
      if (!ref || (await this.refusedPhase('implementation'))) return;
      await ref.repo.orchestrator.skipPlanning(ref.taskId);
      this.warnIfBlocked();
    });
    cmd('spectask.task.openDocs', 'Open design documents', async (arg) => {
      const ref = await services.resolveTask(arg, { verb: 'open' });
      if (ref) await this.openDocuments(ref);
    });
    cmd('spectask.task.reject', 'Reject', async (arg) => {
      const ref = await services.resolveTask(arg, { statuses: allowing('reject'), verb: 'reject' });
      if (!ref) return;
      const t = ref.repo.orchestrator.task(ref.taskId)!;
      const ok = await vscode.window.showWarningMessage(
        `Reject the spec of #${t.number} "${t.title}"?`,
        { modal: true, detail: 'The SpecTask is archived with its documents; you can restore it later.' },
        'Reject',
      );
      if (ok === 'Reject') await ref.repo.orchestrator.reject(ref.taskId, 'rejected in review');
    });
    cmd('spectask.task.accept', 'Accept and merge', async (arg) => {
      const ref = await services.resolveTask(arg, { statuses: allowing('accept'), verb: 'accept and merge' });
      if (!ref) return;
      const t = ref.repo.orchestrator.task(ref.taskId)!;
      const wt = ref.repo.orchestrator.worktreeOf(ref.taskId);
      const strategy = vscode.workspace.getConfiguration('spectask').get<string>('merge.strategy', 'merge-commit');
      const pr = strategy === 'pull-request';
      const ok = await vscode.window.showWarningMessage(
        pr
          ? `Accept #${t.number} "${t.title}" and open a pull request?`
          : `Accept #${t.number} "${t.title}" and merge it?`,
        {
          modal: true,
          detail: pr
            ? `Branch ${wt?.branch ?? '?'} is pushed (never forced) and a pull request into ${wt?.baseBranch ?? '?'} is opened with gh.`
            : `It joins the integration queue: one SpecTask at a time, branch ${wt?.branch ?? '?'} is put on top of the current ${wt?.baseBranch ?? '?'} in a scratch worktree, the project's tests run, and ${wt?.baseBranch ?? '?'} is fast-forwarded only if they pass. A conflict or failing tests send it back to its agent with the reason.`,
        },
        pr ? 'Accept and Open PR' : 'Accept and Merge',
      );
      if (ok !== 'Accept and Merge' && ok !== 'Accept and Open PR') return;
      const res = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: pr
            ? `Opening a pull request for #${t.number}…`
            : `Integrating #${t.number} into ${wt?.baseBranch ?? 'the base branch'} (queue, tests, fast-forward)…`,
        },
        // Sent back (a conflict, failing tests), held or refused: an outcome of the queue, not a failure of ours.
        () => ref.repo.orchestrator.accept(ref.taskId).catch((e: unknown) => e as Error),
      );
      if (res instanceof Error) {
        void vscode.window.showWarningMessage(notificationText(res.message));
        return;
      }
      if (res.pullRequest) {
        const url = res.pullRequest;
        void vscode.window
          .showInformationMessage(notificationText(`Opened a pull request for #${t.number} "${t.title}".`), 'Open')
          .then((c) => c === 'Open' && vscode.env.openExternal(vscode.Uri.parse(url)));
      }
      // A merge is announced once, by the orchestrator's own notice ("was merged into <base> (…)").
    });
    cmd('spectask.task.stop', 'Stop agent', async (arg) => {
      const ref = await services.resolveTask(arg, { statuses: RUNNING, verb: 'stop' });
      if (ref && !(await this.remoteStop?.(ref.repo, ref.taskId))) await ref.repo.orchestrator.stop(ref.taskId);
    });
    cmd('spectask.task.retry', 'Retry', async (arg) => {
      const ref = await services.resolveTask(arg, { statuses: FAILED, verb: 'retry' });
      if (!ref) return;
      const status = ref.repo.orchestrator.task(ref.taskId)?.status ?? '';
      const planning = status.startsWith('spec');
      if (await this.refusedPhase(planning ? 'planning' : 'implementation')) return;
      await ref.repo.orchestrator.retry(ref.taskId);
      this.warnIfBlocked();
    });
    cmd('spectask.task.archive', 'Archive', async (arg) => {
      const ref = await services.resolveTask(arg, { statuses: ARCHIVABLE, verb: 'archive' });
      if (ref) await ref.repo.orchestrator.archive(ref.taskId);
    });
    cmd('spectask.task.restore', 'Restore', async (arg) => {
      const ref = await services.resolveTask(arg, { statuses: allowing('restore'), verb: 'restore' });
      if (ref) await ref.repo.orchestrator.restore(ref.taskId);
    });
    cmd('spectask.task.showTranscript', 'Show agent transcript', async (arg) => {
      const ref = await services.resolveTask(arg, { verb: 'show the transcript of' });
      if (ref) await this.openTranscript(ref);
    });
    cmd('spectask.task.openWorktree', 'Open code worktree', async (arg) => {
      const ref = await services.resolveTask(arg, { verb: 'open the worktree of' });
      if (ref) await this.revealWorktree(ref);
    });
  }

  /** True (after saying why, with the Configure button) when the phase's back-end cannot run now. */
  private async refusedPhase(phase: 'planning' | 'implementation'): Promise<boolean> {
    if (!this.catalog) return false;
    return refuseUnavailableBackend(this.catalog, readOrchestratorSettings()[phase].backend);
  }

  private warnIfBlocked(): void {
    const reason = this.services.mayRunAgents();
    if (reason)
      void vscode.window
        .showWarningMessage(reason, 'Manage Workspace Trust')
        .then((c) => c && vscode.commands.executeCommand('workbench.trust.manage'));
  }

  async openDocuments(ref: TaskRef): Promise<void> {
    const folder = ref.repo.taskFolder(ref.taskId);
    if (!folder) throw new Error(`SpecTask ${ref.taskId} has no folder on the design-docs branch.`);
    const checklist =
      fs.existsSync(path.join(folder, 'tasks.md')) || !fs.existsSync(path.join(folder, 'progress.md'))
        ? 'tasks.md'
        : 'progress.md';
    const files = ['requirements.md', 'design.md', checklist]
      .map((f) => path.join(folder, f))
      .filter((f) => fs.existsSync(f));
    if (!files.length) throw new Error(`SpecTask ${ref.taskId} has no documents yet (${folder}).`);
    for (const [i, f] of files.entries()) {
      await vscode.window.showTextDocument(vscode.Uri.file(f), { preview: false, preserveFocus: i > 0 });
    }
  }

  async openTranscript(ref: TaskRef): Promise<void> {
    const runs = ref.repo.transcripts.listRuns(ref.taskId);
    const runId = runs[runs.length - 1];
    if (!runId) {
      void vscode.window.showInformationMessage(
        `No agent has run for SpecTask #${ref.repo.orchestrator.task(ref.taskId)?.number ?? ref.taskId} yet.`,
      );
      return;
    }
    const uri = this.transcripts.uriFor(ref.repo.root, ref.taskId, runId);
    this.transcripts.refresh(uri);
    await vscode.window.showTextDocument(uri, { preview: true });
  }

  async revealWorktree(ref: TaskRef): Promise<void> {
    const wt = ref.repo.codeWorktree(ref.taskId);
    if (!wt || !fs.existsSync(wt)) {
      void vscode.window.showInformationMessage(
        `SpecTask #${ref.repo.orchestrator.task(ref.taskId)?.number ?? ref.taskId} has no code worktree (it is created when implementation starts, and removed after a merge).`,
      );
      return;
    }
    const uri = vscode.Uri.file(wt);
    const choice = await vscode.window.showInformationMessage(
      `Code worktree of SpecTask #${ref.taskId}: ${wt}`,
      'Open in New Window',
      'Reveal in Explorer',
    );
    if (choice === 'Open in New Window')
      await vscode.commands.executeCommand('vscode.openFolder', uri, { forceNewWindow: true });
    else if (choice === 'Reveal in Explorer') await vscode.commands.executeCommand('revealInExplorer', uri);
  }

  // ------------------------------------------------------------ FleetActions

  private async byId(taskId: string): Promise<TaskRef> {
    const ref = this.services.locator.byId(taskId);
    if (!ref) throw new Error(`SpecTask ${taskId} is not in any open repository.`);
    return ref;
  }

  async openDocs(taskId: string): Promise<void> {
    await this.openDocuments(await this.byId(taskId));
  }

  async openWorktree(taskId: string): Promise<void> {
    await this.revealWorktree(await this.byId(taskId));
  }

  async showTranscript(taskId: string): Promise<void> {
    await this.openTranscript(await this.byId(taskId));
  }

  async stop(taskId: string): Promise<void> {
    const ref = await this.byId(taskId);
    if (await this.remoteStop?.(ref.repo, taskId)) return;
    await ref.repo.orchestrator.stop(taskId);
  }

  async retry(taskId: string): Promise<void> {
    const ref = await this.byId(taskId);
    await ref.repo.orchestrator.retry(taskId);
    this.warnIfBlocked();
  }

  async answerPermission(taskId: string, requestId: string, answer: PermissionAnswer): Promise<void> {
    const ref = await this.byId(taskId);
    if (!ref.repo.orchestrator.permissions.answer(taskId, requestId, answer))
      this.services.log.info(`permission request ${requestId} was already answered, timed out or its run ended`);
  }

  /** Hands over to the review commands (owned by the review feature); falls back to the documents. */
  async review(taskId: string): Promise<void> {
    const ref = await this.byId(taskId);
    const status = ref.repo.orchestrator.task(taskId)?.status;
    const arg = { repoRoot: ref.repo.root, taskId };
    const commands = new Set(await vscode.commands.getCommands(true));
    if (status === 'spec_review' && commands.has('spectask.spec.review'))
      await executeCommand('spectask.spec.review', arg);
    else if (status === 'implementation_review' && commands.has('spectask.implementation.review'))
      await executeCommand('spectask.implementation.review', arg);
    else if (status === 'spec_review' || status === 'implementation_review') await this.openDocuments(ref);
    else
      void vscode.window.showInformationMessage(
        `SpecTask #${ref.repo.orchestrator.task(taskId)?.number ?? taskId} is ${status ? describeStatus(status) : 'unknown'}: nothing waits for review.`,
      );
  }
}
