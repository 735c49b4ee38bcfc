import type { BackendId } from '../../core/agents/agentBackend';
import type { Priority } from '../../core/docs/specTaskSchema';

export type StartMode = 'plan' | 'skip' | 'backlog';

export interface CreateTaskAnswers {
  goal: string;
  details: string;
  backend: BackendId;
  baseBranch?: string;
  priority: Priority;
  start: StartMode;
  /** SpecTask ids it waits for (checked: they exist, no cycle). */
  dependsOn?: string[];
}
