import * as path from 'node:path';
import { vscode } from '../vscodeApi';
import { Disposable } from '../../core/lifecycle';
import { describeDependencies, setDependsOn } from '../../core/orchestrator/dependencies';
import { describeProposal, dependencyProposal } from '../../core/orchestrator/dependencyProposals';
import { readDesign } from '../../core/orchestrator/overlap/predictedFiles';
import { describeStatus } from '../../core/orchestrator/statusMachine';
import { registerCommand } from '../commandRegistry';
import type { SpecTaskRepository, SpecTaskServices } from '../extensionContext';
import type { OrchestratorNotice } from '../../core/orchestrator/orchestratorContext';
import type { Event } from '../../core/lifecycle';
import { withoutIconSyntax } from '../views/iconText';
import { reportErrors } from './taskCommands';

/** Statuses whose SpecTasks are still open: something may still wait for them. */
const CLOSED: ReadonlySet<string> = new Set(['done', 'archived']);

/** Every SpecTask of the repository → its dependsOn (the graph every edit is checked against). */
function graphOf(repo: SpecTaskRepository): Map<string, string[]> {
  return new Map(repo.orchestrator.taskViews().map((t) => [t.id, [...(t.record?.dependsOn ?? [])]]));
}

/**
 * "SpecTask: Depends on…" (issue 21): a multi-select pick of the repository's other open SpecTasks, the current
 * dependencies ticked; a cycle is refused with its path. And the planning agent's `Depends on:` proposals in
 * design.md, offered when its spec is ready for review ("Add / Ignore") and never applied without that answer.
 */
export class DependsOnCommand extends Disposable {
  constructor(
    private readonly services: SpecTaskServices & {
      onDidNotice: Event<{ repo: SpecTaskRepository; notice: OrchestratorNotice }>;
    },
  ) {
    super();
    this._register(
      registerCommand('spectask.task.dependsOn', (arg) =>
        reportErrors(services.log, 'Depends on', () => this.choose(arg)),
      ),
    );
    this._register(
      services.onDidNotice(({ repo, notice }) => {
        if (notice.kind === 'spec-ready')
          void reportErrors(services.log, 'Dependencies proposed by design.md', () =>
            this.offerProposal(repo, notice.taskId),
          );
      }),
    );
  }

  private async choose(arg: unknown): Promise<void> {
    const ref = await this.services.resolveTask(arg, { verb: 'set the dependencies of' });
    if (!ref) return;
    const { repo, taskId } = ref;
    const graph = graphOf(repo);
    const current = new Set(graph.get(taskId) ?? []);
    const items = repo.orchestrator
      .taskViews()
      .filter((t) => t.id !== taskId && (!CLOSED.has(t.status) || current.has(t.id)))
      .map((t) => ({
        label: `#${t.number} ${withoutIconSyntax(t.title)}`,
        description: describeStatus(t.status),
        picked: current.has(t.id),
        id: t.id,
      }));
    if (!items.length) {
      void vscode.window.showInformationMessage(`There is no other open SpecTask for #${taskId} to depend on.`);
      return;
    }
    const picked = await vscode.window.showQuickPick(items, {
      canPickMany: true,
      title: `#${taskId} depends on…`,
      placeHolder: 'It starts only when every SpecTask ticked here is done',
    });
    if (!picked) return;
    const deps = picked.map((p) => p.id);
    await setDependsOn(repo.docs.store, graph, taskId, deps);
    await repo.orchestrator.reconcile();
    void vscode.window.showInformationMessage(`SpecTask #${taskId} depends on ${describeDependencies(deps)}.`);
  }

  /** Asks whether to add what design.md proposes; nothing changes unless the person says "Add". */
  private async offerProposal(repo: SpecTaskRepository, taskId: string): Promise<void> {
    const folder = repo.taskFolder(taskId);
    const t = repo.orchestrator.task(taskId);
    if (!folder || !t) return;
    const design = await readDesign(path.resolve(folder));
    if (!design) return;
    const graph = graphOf(repo);
    const proposal = dependencyProposal(design, taskId, graph);
    const text = describeProposal(t.number, proposal);
    if (!text) return;
    if (!proposal.add.length) {
      void vscode.window.showWarningMessage(withoutIconSyntax(text));
      return;
    }
    const answer = await vscode.window.showInformationMessage(withoutIconSyntax(text), 'Add', 'Ignore');
    if (answer !== 'Add') return;
    const deps = [...(graph.get(taskId) ?? []), ...proposal.add];
    await setDependsOn(repo.docs.store, graphOf(repo), taskId, deps);
    await repo.orchestrator.reconcile();
  }
}
