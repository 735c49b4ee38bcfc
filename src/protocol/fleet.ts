/**
 * The fleet view-model: the complete picture the dashboard renders. Built in the host from the store,
 * sent whole (never as a delta) with a monotonically increasing revision.
 */
export type Phase =
  | 'backlog'
  | 'planning'
  | 'spec_review'
  | 'implementing'
  | 'implementation_review'
  | 'done'
  | 'failed'
  | 'archived';

export type ItemState = 'todo' | 'doing' | 'done';

export interface FleetChecklistItem {
  index: number;
  text: string;
  state: ItemState;
}

export interface FleetAgentCard {
  taskId: string;
  number: string;
  title: string;
  phase: Phase;
  backend?: string;
  agentId?: string;
  progress: { done: number; total: number };
  /** The current item with up to `contextItems` before and after it, in document order. */
  window: FleetChecklistItem[];
  currentIndex?: number;
  lastActivity?: string;
  startedAt?: number;
  updatedAt?: number;
  tokens?: number;
  costUsd?: number;
  queueReason?: string;
  lastError?: string;
}

export interface FleetSnapshot {
  generatedAt: number;
  cards: FleetAgentCard[];
}

export const emptyFleetSnapshot = (): FleetSnapshot => ({ generatedAt: 0, cards: [] });
