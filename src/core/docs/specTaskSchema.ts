import { isSpecTaskStatus, type SpecTaskStatus } from '../orchestrator/statusMachine';

/** Version of the `spectask.json` shape; bumped on incompatible changes. */
export const SPECTASK_SCHEMA_VERSION = 1;

export const PRIORITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** One status change, appended on every transition (DESIGN.md §5: each transition is committed). */
export interface SpecTaskTransition {
  /** ISO 8601 time. */
  at: string;
  /** Undefined for the first entry (creation). */
  from?: SpecTaskStatus;
  to: SpecTaskStatus;
  /** What caused it, e.g. `approve` (a status-machine trigger) or `created`. */
  trigger: string;
  /** Free text: a failure reason, the reviewer's note. */
  note?: string;
}

/** A review comment on one of the three documents. */
export interface SpecTaskReviewComment {
  id: string;
  document: string;
  /** 1-based line the comment was made on. */
  line?: number;
  quote?: string;
  comment: string;
  author?: string;
  createdAt: string;
  resolvedAt?: string;
}

/**
 * The content of `spectask.json`. Unknown extra fields are kept as they are when the file is updated, so a
 * newer writer's fields survive an older reader.
 */
export interface SpecTaskRecord {
  schemaVersion: number;
  /** Six-digit number as text: `000007`. */
  id: string;
  number: number;
  title: string;
  /** The user's goal as typed (F1), given to the planning agent. */
  prompt?: string;
  status: SpecTaskStatus;
  priority: Priority;
  labels: string[];
  /** Ids of SpecTasks that must be done first. */
  dependsOn: string[];
  /** Agent back-end id (`claude-code`, `codex`, …). */
  backend?: string;
  /**
   * Legacy: agent session ids by back-end, written by older versions. Still parsed, never used nor written: session
   * ids are machine-local (the run ledger), and this file is shared, so its values must never reach an agent's argv.
   */
  agentSessions: Record<string, string>;
  /** Code branch, `spectask/<NNNNNN>-<slug>`. */
  branch?: string;
  baseBranch?: string;
  revisionCount: number;
  reviewComments: SpecTaskReviewComment[];
  history: SpecTaskTransition[];
  createdAt: string;
  updatedAt: string;
  /** The last failure's reason, kept until the next successful step. */
  error?: string;
}

/** Result of {@link validateSpecTaskRecord}: the record, or the first offending field and why. */
export type SpecTaskValidation = { ok: true; record: SpecTaskRecord } | { ok: false; field: string; message: string };

type Check = (v: unknown) => string | undefined;
const str: Check = (v) => (typeof v === 'string' ? undefined : 'must be a string');
const nonEmpty: Check = (v) => (typeof v === 'string' && v.trim() !== '' ? undefined : 'must be a non-empty string');
const isoTime: Check = (v) =>
  typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? undefined : 'must be an ISO 8601 time';
const count: Check = (v) => (Number.isInteger(v) && (v as number) >= 0 ? undefined : 'must be a whole number ≥ 0');
const status: Check = (v) =>
  isSpecTaskStatus(v) ? undefined : `must be one of the SpecTask statuses (got ${JSON.stringify(v)})`;
const optional =
  (c: Check): Check =>
  (v) =>
    v === undefined ? undefined : c(v);
const strings: Check = (v) =>
  Array.isArray(v) && v.every((s) => typeof s === 'string') ? undefined : 'must be a list of strings';

// The checks, field by field, built once (issue 24: building them per record showed in the load's profile).
const RECORD_FIELDS: readonly (readonly [string, Check])[] = [
  ['schemaVersion', (v) => (Number.isInteger(v) && (v as number) >= 1 ? undefined : 'must be a whole number ≥ 1')],
  ['id', (v) => (typeof v === 'string' && /^\d{6}$/.test(v) ? undefined : 'must be six digits, e.g. "000007"')],
  ['number', (v) => (Number.isInteger(v) && (v as number) > 0 ? undefined : 'must be a whole number > 0')],
  ['title', nonEmpty],
  ['prompt', optional(str)],
  ['status', status],
  [
    'priority',
    (v) => ((PRIORITIES as readonly unknown[]).includes(v) ? undefined : `must be one of ${PRIORITIES.join(', ')}`),
  ],
  ['labels', strings],
  ['dependsOn', strings],
  ['backend', optional(str)],
  [
    'agentSessions',
    (v) =>
      typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((s) => typeof s === 'string')
        ? undefined
        : 'must be an object of session ids (strings)',
  ],
  ['branch', optional(str)],
  ['baseBranch', optional(str)],
  ['revisionCount', count],
  ['createdAt', isoTime],
  ['updatedAt', isoTime],
  ['error', optional(str)],
];
const HISTORY_FIELDS: readonly (readonly [string, Check])[] = [
  ['at', isoTime],
  ['from', optional(status)],
  ['to', status],
  ['trigger', nonEmpty],
  ['note', optional(str)],
];
const COMMENT_FIELDS: readonly (readonly [string, Check])[] = [
  ['id', nonEmpty],
  ['document', nonEmpty],
  ['line', optional((v) => (Number.isInteger(v) && (v as number) >= 1 ? undefined : 'must be a line number ≥ 1'))],
  ['quote', optional(str)],
  ['comment', str],
  ['author', optional(str)],
  ['createdAt', isoTime],
  ['resolvedAt', optional(isoTime)],
];

/**
 * Checks a parsed `spectask.json`. Missing collections (`labels`, `dependsOn`, `agentSessions`,
 * `reviewComments`, `history`) and `priority`/`revisionCount` get their defaults; everything else must be
 * present and well-typed. Errors name the field by path, e.g. `history[2].to`.
 */
export function validateSpecTaskRecord(value: unknown): SpecTaskValidation {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, field: '(root)', message: 'must be a JSON object' };
  const raw = value as Record<string, unknown>;
  const rec: Record<string, unknown> = {
    labels: [],
    dependsOn: [],
    agentSessions: {},
    reviewComments: [],
    history: [],
    priority: 'medium',
    revisionCount: 0,
    schemaVersion: SPECTASK_SCHEMA_VERSION,
    ...raw,
  };
  for (const [field, check] of RECORD_FIELDS) {
    const message = check(rec[field]);
    if (message) return { ok: false, field, message };
  }
  if (rec.id !== String(rec.number).padStart(6, '0'))
    return { ok: false, field: 'id', message: `does not match number ${String(rec.number)}` };

  if (!Array.isArray(rec.history)) return { ok: false, field: 'history', message: 'must be a list' };
  for (const [i, h] of (rec.history as unknown[]).entries()) {
    const bad = checkObject(h, HISTORY_FIELDS);
    if (bad) return { ok: false, field: `history[${i}]${bad.field ? `.${bad.field}` : ''}`, message: bad.message };
  }
  if (!Array.isArray(rec.reviewComments)) return { ok: false, field: 'reviewComments', message: 'must be a list' };
  for (const [i, c] of (rec.reviewComments as unknown[]).entries()) {
    const bad = checkObject(c, COMMENT_FIELDS);
    if (bad)
      return { ok: false, field: `reviewComments[${i}]${bad.field ? `.${bad.field}` : ''}`, message: bad.message };
  }
  return { ok: true, record: rec as unknown as SpecTaskRecord };
}

function checkObject(
  v: unknown,
  fields: readonly (readonly [string, Check])[],
): { field: string; message: string } | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return { field: '', message: 'must be an object' };
  for (const [field, check] of fields) {
    const message = check((v as Record<string, unknown>)[field]);
    if (message) return { field, message };
  }
  return undefined;
}

/** The record a new SpecTask starts with. */
export function newSpecTaskRecord(init: {
  number: number;
  title: string;
  prompt?: string;
  priority?: Priority;
  dependsOn?: string[];
  labels?: string[];
  backend?: string;
  baseBranch?: string;
  now?: Date;
}): SpecTaskRecord {
  const at = (init.now ?? new Date()).toISOString();
  return {
    schemaVersion: SPECTASK_SCHEMA_VERSION,
    id: String(init.number).padStart(6, '0'),
    number: init.number,
    title: init.title,
    ...(init.prompt !== undefined ? { prompt: init.prompt } : {}),
    status: 'backlog',
    priority: init.priority ?? 'medium',
    labels: init.labels ?? [],
    dependsOn: init.dependsOn ?? [],
    ...(init.backend !== undefined ? { backend: init.backend } : {}),
    agentSessions: {},
    ...(init.baseBranch !== undefined ? { baseBranch: init.baseBranch } : {}),
    revisionCount: 0,
    reviewComments: [],
    history: [{ at, to: 'backlog', trigger: 'created' }],
    createdAt: at,
    updatedAt: at,
  };
}
