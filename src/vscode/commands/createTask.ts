import { vscode } from '../vscodeApi';
import type { BackendId } from '../../core/agents/agentBackend';
import type { CreateTaskAnswers } from './createTaskAnswers';
import type { SpecTaskRepository } from '../extensionContext';
import type { BackendCatalog } from '../services/backends';
import { BACKEND_LABELS } from '../services/backends';
import { BACKEND_IDS } from '../services/settings';
import { InputButtonPressed, InputCancelled, inputStep } from './multiStepInput';
import { askAdvanced } from './createTaskAdvanced';
import { refuseUnavailableBackend } from './backendGate';

export type { CreateTaskAnswers, StartMode } from './createTaskAnswers';

/** Title of a SpecTask from the goal: its first line, at most 80 characters, cut at a word. */
export function titleFromGoal(goal: string): string {
  const first = goal.trim().split('\n')[0]!.trim();
  if (first.length <= 80) return first;
  const cut = first.slice(0, 80);
  return `${cut.slice(0, cut.lastIndexOf(' ') > 40 ? cut.lastIndexOf(' ') : 80).trim()}…`;
}

export function validateGoal(v: string): string | undefined {
  const t = v.trim();
  if (!t) return 'Describe the goal, e.g. "Add password reset by e-mail".';
  if (t.length < 4) return 'The goal is too short to plan from.';
  if (t.length > 2000) return 'Keep the goal under 2000 characters; put details under Advanced….';
  return undefined;
}

/** The "Advanced…" button beside the goal. */
export const ADVANCED_BUTTON_LABEL = 'Advanced… (back-end, base branch, priority, depends on)';

/**
 * "Create SpecTask": one input, the goal; Enter creates it with the defaults and starts planning. The
 * "Advanced…" button beside it opens the rest (back-end, base branch, priority, depends on, details, what happens
 * next) as one list to change any of them, then create. Returns undefined when the user pressed Escape.
 */
export async function askCreateTask(
  repo: SpecTaskRepository,
  catalog: BackendCatalog,
  preset: Partial<CreateTaskAnswers> = {},
): Promise<CreateTaskAnswers | undefined> {
  const cfg = vscode.workspace.getConfiguration('spectask');
  const state: CreateTaskAnswers = {
    goal: preset.goal ?? '',
    details: preset.details ?? '',
    backend: preset.backend ?? ((cfg.get<string>('agents.planning.backend') as BackendId) || 'claude-cli'),
    priority: preset.priority ?? 'medium',
    start: preset.start ?? 'plan',
    baseBranch: preset.baseBranch,
    dependsOn: preset.dependsOn ?? [],
  };
  const advanced: vscode.QuickInputButton = {
    iconPath: new vscode.ThemeIcon('settings-gear'),
    tooltip: ADVANCED_BUTTON_LABEL,
  };
  for (;;) {
    try {
      state.goal = (
        await inputStep(
          { title: 'Create SpecTask', step: 1, totalSteps: 1 },
          {
            prompt:
              'What should be built or changed? One sentence is enough: Enter starts planning with the defaults; the gear button (Advanced…) changes the back-end, base branch, priority or dependencies.',
            placeholder: 'Add password reset by e-mail',
            value: state.goal,
            validate: validateGoal,
            extraButton: advanced,
          },
        )
      ).trim();
      return state;
    } catch (e) {
      if (e instanceof InputCancelled) return undefined;
      if (!(e instanceof InputButtonPressed)) throw e;
      state.goal = e.value.trim();
      const next = await askAdvanced(repo, catalog, state);
      if (next === 'cancel') return undefined;
      // "Create" with a goal that is not one yet goes back to the goal box, which says why.
      if (next === 'create' && !validateGoal(state.goal)) return state;
    }
  }
}

/**
 * True (after saying why in one sentence, with the Configure Agent Back-ends button) when the answers would start
 * an agent whose back-end cannot run: nothing is created, so no card shows an agent "working" that cannot start.
 */
export async function refusedToStart(catalog: BackendCatalog, a: CreateTaskAnswers): Promise<boolean> {
  if (a.start === 'backlog') return false;
  // The run takes the phase's back-end from the settings; the SpecTask records the chosen one: both must run.
  const phase = vscode.workspace
    .getConfiguration('spectask')
    .get<string>(a.start === 'plan' ? 'agents.planning.backend' : 'agents.implementation.backend') as
    BackendId | undefined;
  for (const id of new Set([a.backend, ...(phase ? [phase] : [])]))
    if (await refuseUnavailableBackend(catalog, id)) return true;
  return false;
}

/** Creates the SpecTask the answers describe; returns its id. */
export async function createFromAnswers(repo: SpecTaskRepository, a: CreateTaskAnswers): Promise<string> {
  const prompt = a.details ? `${a.goal}\n\n${a.details}` : a.goal;
  return repo.orchestrator.create(
    {
      title: titleFromGoal(a.goal),
      prompt,
      priority: a.priority,
      backend: a.backend,
      baseBranch: a.baseBranch,
      ...(a.dependsOn?.length ? { dependsOn: a.dependsOn } : {}),
    },
    { startPlanning: a.start === 'plan', skipPlanning: a.start === 'skip' },
  );
}

export { BACKEND_IDS, BACKEND_LABELS };
