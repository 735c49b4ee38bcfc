import { parseChecklist } from '../checklist/parseChecklist';
import { COUNTER_FILE, LEGACY_CHECKLIST_FILE, METADATA_FILE, TASKS_FILE } from './designDocsLayout';
import {
  validateSpecTaskRecord,
  type SpecTaskRecord,
  type SpecTaskReviewComment,
  type SpecTaskTransition,
} from './specTaskSchema';

/**
 * How the design-docs sync settles a file both sides changed since their common version (the rules are also
 * described in docs/reliability.md, "A teammate moves the design-docs branch"). Pure functions over bytes:
 * the caller (syncFileMerge) fetches the three versions from git and falls back to git's own line merge.
 *
 * - A checklist (`tasks.md`, legacy `progress.md`) whose two versions differ only in markers is merged per
 *   item: `[x]` beats `[~]` beats `[ ]`, so progress never goes backwards whoever ticked.
 * - `spectask.json` is merged field by field: the history is the union of both sides' transitions (ordered
 *   by time) and the status is the one the latest transition led to, so a teammate's later Approve or
 *   Archive is respected and ours is too; review comments are a union by id (a resolution wins); lists
 *   (labels, dependsOn) keep what either side added and drop what either side removed; any other field
 *   changed on one side takes that side's value, and changed on both takes the value of the side whose
 *   `updatedAt` is later.
 * - The SpecTask counter keeps the higher number, so a number handed out on either side is never reused.
 */

/** The outcome of a rule: merged bytes, or undefined when the rule does not apply to these versions. */
export type RuleResult = { merged: Buffer; rule: string } | undefined;

/** Which rule, if any, governs `file` (a path relative to the worktree, `/`-separated). */
export function ruleFor(file: string): 'checklist' | 'record' | 'counter' | undefined {
  const base = file.split('/').pop();
  if (base === TASKS_FILE || base === LEGACY_CHECKLIST_FILE) return 'checklist';
  if (base === METADATA_FILE) return 'record';
  if (file === COUNTER_FILE) return 'counter';
  return undefined;
}

/** Applies the rule for `file`; undefined when none applies (the caller then tries git's line merge). */
export function mergeByRule(file: string, base: Buffer | undefined, local: Buffer, remote: Buffer): RuleResult {
  switch (ruleFor(file)) {
    case 'checklist':
      return mergeChecklistMarkers(local, remote);
    case 'record':
      return mergeSpecTaskRecords(base, local, remote);
    case 'counter':
      return mergeCounters(local, remote);
    default:
      return undefined;
  }
}

const RANK: Record<string, number> = { ' ': 0, '~': 1, x: 2, X: 2 };

/**
 * Two versions of a checklist that are byte-identical except for item markers: each item gets the more
 * advanced of its two markers. Undefined when anything but markers differs (text edits, items added).
 */
export function mergeChecklistMarkers(local: Buffer, remote: Buffer): RuleResult {
  if (local.length !== remote.length) return undefined;
  const a = parseChecklist(local).items;
  const b = parseChecklist(remote).items;
  if (a.length !== b.length || a.some((item, i) => item.markerOffset !== b[i].markerOffset)) return undefined;
  const markers = new Set(a.map((i) => i.markerOffset));
  for (let i = 0; i < local.length; i++) if (!markers.has(i) && local[i] !== remote[i]) return undefined;
  const out = Buffer.from(local);
  for (const item of b) {
    const ours = String.fromCharCode(local[item.markerOffset]);
    const theirs = String.fromCharCode(remote[item.markerOffset]);
    if ((RANK[theirs] ?? -1) > (RANK[ours] ?? -1)) out[item.markerOffset] = remote[item.markerOffset];
  }
  return { merged: out, rule: 'checklist markers merged per item ([x] > [~] > [ ])' };
}

/** Keeps the higher `lastNumber` of the two counter files. */
export function mergeCounters(local: Buffer, remote: Buffer): RuleResult {
  const read = (b: Buffer) => {
    try {
      const v = JSON.parse(b.toString('utf8')) as { lastNumber?: unknown };
      return Number.isInteger(v.lastNumber) ? (v.lastNumber as number) : undefined;
    } catch {
      return undefined;
    }
  };
  const l = read(local);
  const r = read(remote);
  if (l === undefined || r === undefined) return undefined;
  return { merged: l >= r ? local : remote, rule: 'SpecTask counter: the higher number kept' };
}

type Json = Record<string, unknown>;

/** Field-by-field merge of two `spectask.json` versions (rules in the module comment); undefined if unreadable. */
export function mergeSpecTaskRecords(base: Buffer | undefined, local: Buffer, remote: Buffer): RuleResult {
  const parse = (b: Buffer | undefined): Json | undefined => {
    if (!b) return undefined;
    try {
      const v: unknown = JSON.parse(b.toString('utf8'));
      return v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
    } catch {
      return undefined;
    }
  };
  const o = parse(base) ?? {};
  const l = parse(local);
  const r = parse(remote);
  if (!l || !r || !validateSpecTaskRecord(l).ok || !validateSpecTaskRecord(r).ok) return undefined;
  if (l.id !== r.id) return undefined;
  const remoteIsLater = Date.parse(String(r.updatedAt)) > Date.parse(String(l.updatedAt));
  const out: Json = {};
  for (const key of new Set([...Object.keys(l), ...Object.keys(r)])) {
    const lv = l[key];
    const rv = r[key];
    const ov = o[key];
    if (same(lv, rv)) out[key] = lv;
    else if (same(ov, lv)) out[key] = rv;
    else if (same(ov, rv)) out[key] = lv;
    else out[key] = remoteIsLater ? rv : lv;
    if (out[key] === undefined) delete out[key];
  }
  const history = unionBy([...asList<SpecTaskTransition>(l.history), ...asList<SpecTaskTransition>(r.history)], (h) =>
    JSON.stringify([h.at, h.from, h.to, h.trigger, h.note]),
  );
  // Stable sort by time: entries of equal time keep their order (ours first).
  history.sort((x, y) => Date.parse(x.at) - Date.parse(y.at));
  out.history = history;
  if (history.length) out.status = history[history.length - 1].to;
  out.reviewComments = mergeComments(
    asList<SpecTaskReviewComment>(l.reviewComments),
    asList<SpecTaskReviewComment>(r.reviewComments),
  );
  for (const key of ['labels', 'dependsOn'] as const)
    out[key] = mergeSets(asList<string>(o[key]), asList<string>(l[key]), asList<string>(r[key]));
  out.agentSessions = {
    ...objectOf(r.agentSessions),
    ...objectOf(l.agentSessions),
    ...pickChanged(objectOf(o.agentSessions), objectOf(l.agentSessions), objectOf(r.agentSessions)),
  };
  out.revisionCount = Math.max(Number(l.revisionCount ?? 0), Number(r.revisionCount ?? 0));
  out.updatedAt = remoteIsLater ? r.updatedAt : l.updatedAt;
  const checked = validateSpecTaskRecord(out);
  if (!checked.ok) return undefined;
  return {
    merged: Buffer.from(`${JSON.stringify(reorder(out, l), null, 2)}\n`),
    rule: 'spectask.json merged: transitions of both sides, status of the latest, comments by id',
  };
}

function mergeComments(local: SpecTaskReviewComment[], remote: SpecTaskReviewComment[]): SpecTaskReviewComment[] {
  const byId = new Map<string, SpecTaskReviewComment>();
  for (const c of [...local, ...remote]) {
    const had = byId.get(c.id);
    // The same comment on both sides: a resolution (or a later one) wins, so a resolved comment stays resolved.
    if (!had || (c.resolvedAt && (!had.resolvedAt || c.resolvedAt > had.resolvedAt)))
      byId.set(c.id, had ? { ...had, ...c } : c);
  }
  return [...byId.values()];
}

/** Three-way merge of a set: what either side added is in, what either side removed is out. */
function mergeSets(base: string[], local: string[], remote: string[]): string[] {
  const removed = new Set(base.filter((x) => !local.includes(x) || !remote.includes(x)));
  return [...new Set([...local, ...remote])].filter((x) => !removed.has(x));
}

/** Keys whose value one side changed from the base (the remote's change wins only where ours kept the base). */
function pickChanged(
  base: Record<string, unknown>,
  local: Record<string, unknown>,
  remote: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(remote)) if (same(base[k], local[k]) && !same(base[k], remote[k])) out[k] = remote[k];
  return out;
}

function unionBy<T>(items: T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((t) => {
    const k = key(t);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function asList<T>(v: unknown): T[] {
  return Array.isArray(v) ? (v as T[]) : [];
}

function objectOf(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The merged record with its keys in our file's order (new keys last), so the diff stays small. */
function reorder(out: Json, order: Json): Json {
  const r: Json = {};
  for (const k of Object.keys(order)) if (k in out) r[k] = out[k];
  for (const k of Object.keys(out)) if (!(k in r)) r[k] = out[k];
  return r as SpecTaskRecord & Json;
}
