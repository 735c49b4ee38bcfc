import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { findItem } from '../checklist/checklistFocus';
import type { ItemRef, ItemState } from '../checklist/checklistTypes';
import { setItemState } from '../checklist/setItemState';
import type { GitQueue } from '../git/gitQueue';
import { Disposable, Emitter, type Event } from '../lifecycle';
import { transition, type Trigger } from '../orchestrator/statusMachine';
import { writeFileAtomic, writeFileAtomicSync } from './atomicWrite';
import { shortText } from './commitMessage';
import {
  DESIGN_FILE,
  formatTaskNumber,
  METADATA_FILE,
  REQUIREMENTS_FILE,
  TASKS_DIR,
  TASKS_FILE,
  taskFolderName,
} from './designDocsLayout';
import { DocCommitter, type DocCommit, type DocCommitterOptions } from './docCommitter';
import { BranchFileRefusedError, mkdirBranch, readBranchFileSync, readBranchText, writeBranchFile } from './noFollow';
import { slugify } from './slug';
import { SpecTaskReader, type SpecTaskDetails, type SpecTaskSummary } from './specTaskReader';
import { newSpecTaskRecord, validateSpecTaskRecord, type Priority, type SpecTaskRecord } from './specTaskSchema';
import { markTarget } from './markTarget';
import { markChecklistSync } from './markerWrite';
import { designTemplate, requirementsTemplate, tasksTemplate } from './specTaskTemplates';
import { nextTaskNumber, recordTaskNumber } from './taskNumbering';

/** What a new SpecTask starts with. */
export interface CreateSpecTaskInput {
  title: string;
  /** The user's goal, written into requirements.md and spectask.json. */
  prompt?: string;
  priority?: Priority;
  dependsOn?: string[];
  labels?: string[];
  backend?: string;
  baseBranch?: string;
}

/** Result of {@link SpecTaskStore.mark}. */
export interface MarkResult {
  taskId: string;
  /** The item before the change (line, text, id, old state). */
  item: { index: number; id?: string; text: string; line: number };
  before: ItemState;
  after: ItemState;
  changed: boolean;
  /** The commit holding the change; undefined when nothing changed. */
  commit?: DocCommit;
}

/** Error for a SpecTask reference that matches nothing, or a file that cannot be updated. */
export class SpecTaskNotFoundError extends Error {
  constructor(readonly ref: string) {
    super(`no SpecTask '${ref}' (use its number, e.g. 7 or 000007, or its folder name)`);
    this.name = 'SpecTaskNotFoundError';
  }
}

/** A `spectask.json` that cannot be read or would become invalid. */
export class SpecTaskInvalidError extends Error {
  constructor(
    readonly file: string,
    readonly field: string | undefined,
    message: string,
  ) {
    super(`${file}${field ? ` (${field})` : ''}: ${message}`);
    this.name = 'SpecTaskInvalidError';
  }
}

/**
 * Reads and writes SpecTasks in the design-docs worktree. Every write is one job on the repository's git
 * queue and ends in a commit (coalesced when writes arrive together); promises resolve once committed.
 */
export class SpecTaskStore extends Disposable {
  readonly reader: SpecTaskReader;
  private readonly committer: DocCommitter;
  /** Fires after each commit this store makes on the design-docs branch. */
  readonly onDidCommit: Event<DocCommit>;
  /** Fires when a push (setting) failed; the commit stays local until the next successful push. */
  readonly onDidFailPush: Event<{ sha: string; message: string }>;
  private readonly _onDidWriteRecord = this._register(new Emitter<SpecTaskRecord>());
  /** Fires when this store wrote a `spectask.json`, with the record written (before it is committed). */
  readonly onDidWriteRecord: Event<SpecTaskRecord> = this._onDidWriteRecord.event;
  /** The content hash of the `spectask.json` this store wrote last, by absolute path (see {@link isOwnWrite}). */
  private readonly ownRecords = new Map<string, string>();

  constructor(
    readonly worktreePath: string,
    readonly branch: string,
    private readonly queue: GitQueue,
    options: DocCommitterOptions & { contextItems?: number } = {},
  ) {
    super();
    this.reader = new SpecTaskReader(worktreePath, options.contextItems);
    this.committer = this._register(new DocCommitter(queue, worktreePath, branch, options));
    this.onDidCommit = this.committer.onDidCommit;
    this.onDidFailPush = this.committer.onDidFailPush;
  }

  /** See DocCommitter.reportPushFailure: a claimant's push of the branch failed. */
  reportPushFailure(sha: string, message: string): void {
    this.committer.reportPushFailure(sha, message);
  }

  /** Every SpecTask, current and legacy layouts; broken ones are listed with their problems. */
  list(): Promise<SpecTaskSummary[]> {
    return this.reader.list();
  }

  /** One SpecTask by number (`7`, `000007`) or folder name, with its checklist; throws if unknown. */
  async get(ref: string): Promise<SpecTaskDetails> {
    const f = await this.reader.resolve(ref);
    if (!f) throw new SpecTaskNotFoundError(ref);
    return this.reader.details(f.rel, f.layout);
  }

  /**
   * Creates `design/tasks/<NNNNNN>_<slug>/` with the three documents and `spectask.json`, and commits it.
   * Numbers come from the folder scan and the counter file inside the queue job, so two creations at the
   * same moment get different numbers; a folder another process created meanwhile is detected and skipped.
   */
  create(input: CreateSpecTaskInput): Promise<SpecTaskSummary> {
    const title = input.title.replace(/\s+/g, ' ').trim();
    if (!title) return Promise.reject(new Error('a SpecTask needs a title'));
    const slug = slugify(title);
    const job = this.queue.enqueue(`design-docs: create "${shortText(title)}"`, async (git) => {
      await this.committer.repairEmptiedHead(git);
      for (;;) {
        const n = await nextTaskNumber(this.worktreePath);
        const rel = `${TASKS_DIR}/${taskFolderName(n, slug)}`;
        const abs = path.join(this.worktreePath, rel);
        await mkdirBranch(this.worktreePath, path.dirname(abs));
        // Non-recursive mkdir fails if the folder exists: another process won this number.
        if (
          !(await fs.mkdir(abs).then(
            () => true,
            () => false,
          ))
        ) {
          await recordTaskNumber(this.worktreePath, n);
          continue;
        }
        const record = newSpecTaskRecord({ ...input, title, number: n });
        const write = (file: string, text: string) => writeBranchFile(this.worktreePath, path.join(abs, file), text);
        await write(REQUIREMENTS_FILE, requirementsTemplate(title, input.prompt));
        await write(DESIGN_FILE, designTemplate(title));
        await write(TASKS_FILE, tasksTemplate(title));
        await write(METADATA_FILE, serializeRecord(record));
        const counter = await recordTaskNumber(this.worktreePath, n);
        const committed = this.committer.commit({
          taskId: record.id,
          summary: `create "${shortText(title)}"`,
          files: [rel, counter],
        });
        return { rel, committed };
      }
    });
    return job.then(async ({ rel, committed }) => {
      await committed;
      return this.reader.summary(rel, 'current');
    });
  }

  /**
   * Changes `spectask.json` through `mutate` (which edits the record in place or returns a new one) and
   * commits it as `spectask(<id>): <what>`. The result is validated before it is written; unknown fields
   * of the file are kept. Throws {@link SpecTaskInvalidError} for a broken file or an invalid result.
   */
  update(
    ref: string,
    what: string,
    mutate: (record: SpecTaskRecord) => SpecTaskRecord | void,
  ): Promise<SpecTaskRecord> {
    return this.writeRecord(ref, what, (rec) => mutate(rec) ?? rec);
  }

  /**
   * Moves a SpecTask through the status machine (DESIGN.md §5) and records the transition in its history.
   * Throws with the status machine's message when the move is not allowed.
   */
  transition(ref: string, trigger: Trigger, note?: string): Promise<SpecTaskRecord> {
    return this.writeRecord(
      ref,
      '',
      (rec) => transitioned(rec, trigger, note),
      (before, after) => `status ${before.status} → ${after.status}`,
    );
  }

  /**
   * A transition and a change to the record in ONE commit (`spectask(<id>): <what>: status a → b`), so nobody
   * sees one without the other: e.g. Request changes stores the comments it sends together with the move to
   * spec_revision, and the agent cannot start before they are in the file. `mutate` sees the record after the
   * transition (new status, revisionCount, history); when it throws, nothing is written.
   */
  updateAndTransition(
    ref: string,
    trigger: Trigger,
    note: string | undefined,
    what: string,
    mutate: (record: SpecTaskRecord) => SpecTaskRecord | void,
  ): Promise<SpecTaskRecord> {
    return this.writeRecord(
      ref,
      what,
      (rec) => {
        const next = transitioned(rec, trigger, note);
        return mutate(next) ?? next;
      },
      (before, after) => `${what}: status ${before.status} → ${after.status}`,
    );
  }

  /**
   * Sets one checklist item's state (changing exactly its marker byte) and commits it as
   * `spectask(<id>): mark "<item>" <state>`. Concurrent marks are serialized and coalesced; each promise
   * resolves when its change is committed.
   */
  async mark(ref: string, item: ItemRef, state: ItemState): Promise<MarkResult> {
    const f = await this.reader.resolve(ref);
    if (!f) throw new SpecTaskNotFoundError(ref);
    const target = await markTarget(this.reader, f);
    const fileRel = `${f.rel}/${target.checklistFile}`;
    const abs = path.join(this.worktreePath, fileRel);
    const { result, committed } = await this.queue.enqueue(`design-docs: mark ${target.id}`, async (git) => {
      await this.committer.repairEmptiedHead(git);
      // Synchronous file work: a fraction of a millisecond, where a dozen async calls queued behind 15 others.
      // Read and written through one descriptor: the marker's byte in place when the file is still the one
      // read, else the whole file (markerWrite.ts).
      const marked = markChecklistSync(this.worktreePath, abs, (bytes) => {
        const r = setItemState(bytes, item, state);
        const result = {
          taskId: target.id,
          item: { index: r.item.index, id: r.item.id, text: r.item.text, line: r.item.line },
          before: r.before,
          after: r.after,
          changed: r.changed,
        };
        return { result, write: r.changed ? { after: r.document, offset: r.item.markerOffset } : undefined };
      });
      if (!marked) throw new Error(`${fileRel} is missing`);
      const { result: out, written } = marked;
      if (!out.changed) return { result: out, committed: Promise.resolve(undefined) };
      // Committed with `commit --only`: its own file as written, never what another process has staged.
      const committed = this.committer.commit({
        taskId: target.id,
        summary: `mark "${shortText(out.item.text)}" ${state}`,
        files: [fileRel],
        ...(written && { wholeTrackedFiles: true, written: new Map([[fileRel, written]]) }),
      });
      return { result: out, committed };
    });
    const commit = await committed;
    return { ...result, commit };
  }

  /**
   * Commits whatever changed in a SpecTask's folder (an agent's or the editor's edits, seen by the watcher),
   * as `spectask(<id>): <what>`. Resolves with undefined when nothing changed.
   */
  async commitFolder(ref: string, what = 'update documents'): Promise<DocCommit | undefined> {
    const f = await this.reader.resolve(ref);
    if (!f) throw new SpecTaskNotFoundError(ref);
    // A current-layout folder's id is its number; only a legacy folder needs reading to know its id.
    const id = f.number !== undefined ? formatTaskNumber(f.number) : (await this.reader.summary(f.rel, f.layout)).id;
    const committed = await this.queue.enqueue(`design-docs: commit ${id}`, async (git) => {
      await this.committer.repairEmptiedHead(git);
      return { c: this.committer.commit({ taskId: id, summary: what, files: [f.rel] }) };
    });
    return committed.c;
  }

  /**
   * An agent killed between truncating and rewriting `tasks.md` leaves it empty. After a run that did not
   * succeed, an emptied checklist is put back as last committed (with every tick committed so far) instead of
   * being committed empty, which would lose the ticks and fail every retry. Returns true when it restored.
   */
  async restoreEmptiedChecklist(ref: string): Promise<boolean> {
    const f = await this.reader.resolve(ref);
    if (!f || f.layout !== 'current') return false;
    const rel = path.posix.join(f.rel.split(path.sep).join('/'), TASKS_FILE);
    const abs = path.join(this.worktreePath, rel);
    return this.queue.enqueue(`design-docs: check ${rel}`, async (git) => {
      const now = await readBranchText(this.worktreePath, abs).catch(() => undefined);
      if (now === undefined || now.trim() !== '') return false;
      const committed = await git.tryRun(['show', `HEAD:${rel}`], { cwd: this.worktreePath });
      if (!committed?.trim()) return false;
      await writeFileAtomic(abs, committed.endsWith('\n') ? committed : `${committed}\n`, { root: this.worktreePath });
      return true;
    });
  }

  /** Checks that a checklist item exists without changing anything (for UIs validating input). */
  async findChecklistItem(ref: string, item: ItemRef) {
    const d = await this.get(ref);
    if (!d.checklist) throw new Error(`SpecTask ${d.id} has no checklist`);
    return findItem(d.checklist, item);
  }

  /**
   * Whether `file` with content hash `hash` (sha1, hex) is the `spectask.json` this store wrote last: the
   * watcher reports no change for it, since {@link onDidWriteRecord} carried the record already (no echo).
   */
  isOwnWrite(file: string, hash: string): boolean {
    return this.ownRecords.get(file) === hash;
  }

  private async writeRecord(
    ref: string,
    what: string,
    change: (rec: SpecTaskRecord) => SpecTaskRecord,
    describe?: (before: SpecTaskRecord, after: SpecTaskRecord) => string,
  ): Promise<SpecTaskRecord> {
    const f = await this.reader.resolve(ref);
    if (!f) throw new SpecTaskNotFoundError(ref);
    const fileRel = `${f.rel}/${METADATA_FILE}`;
    const abs = path.join(this.worktreePath, fileRel);
    const { record, committed } = await this.queue.enqueue(`design-docs: update ${ref}`, async (git) => {
      await this.committer.repairEmptiedHead(git);
      // Synchronous reads and writes of this small file: fewer turns of the thread pool per transition.
      const raw = await Promise.resolve()
        .then(() => readBranchFileSync(this.worktreePath, abs)?.toString('utf8'))
        .catch((e: unknown) => {
          if (e instanceof BranchFileRefusedError) throw new SpecTaskInvalidError(abs, undefined, e.message);
          return undefined;
        });
      if (raw === undefined)
        throw new SpecTaskInvalidError(
          abs,
          undefined,
          `missing (legacy SpecTasks have no ${METADATA_FILE}; create one first)`,
        );
      let json: unknown;
      try {
        json = JSON.parse(raw);
      } catch (e) {
        throw new SpecTaskInvalidError(abs, undefined, `not valid JSON: ${(e as Error).message}`);
      }
      const v = validateSpecTaskRecord(json);
      if (!v.ok) throw new SpecTaskInvalidError(abs, v.field, v.message);
      const before = structuredClone(v.record);
      const next = change(structuredClone(v.record));
      next.updatedAt = new Date().toISOString();
      const checked = validateSpecTaskRecord(next);
      if (!checked.ok)
        throw new SpecTaskInvalidError(abs, checked.field, `the update would make it invalid: ${checked.message}`);
      if (checked.record.id !== before.id || checked.record.number !== before.number)
        throw new SpecTaskInvalidError(abs, 'id', 'a SpecTask keeps its number');
      // Noted before the write, so that the watcher, reading it whenever, recognises it as this store's own.
      const text = serializeRecord(checked.record);
      this.ownRecords.set(abs, contentHash(text));
      try {
        writeFileAtomicSync(abs, text, { root: this.worktreePath });
      } catch (e) {
        this.ownRecords.delete(abs);
        throw e;
      }
      this._onDidWriteRecord.fire(checked.record);
      const summary = describe ? describe(before, checked.record) : what;
      return {
        record: checked.record,
        committed: this.committer.commit({ taskId: before.id, summary, files: [fileRel], wholeTrackedFiles: true }),
      };
    });
    await committed;
    return record;
  }
}

/** The record after a status-machine move, with the move in its history; throws when the move is not allowed. */
function transitioned(rec: SpecTaskRecord, trigger: Trigger, note: string | undefined): SpecTaskRecord {
  const t = transition(rec.status, trigger);
  if (!t.ok) throw new Error(t.message);
  const at = new Date().toISOString();
  return {
    ...rec,
    status: t.to,
    revisionCount: trigger === 'request_spec_changes' ? rec.revisionCount + 1 : rec.revisionCount,
    history: [...rec.history, { at, from: t.from, to: t.to, trigger, ...(note ? { note } : {}) }],
  };
}

/** The content hash the design-docs watcher compares readings by. */
export function contentHash(content: string | Uint8Array): string {
  return createHash('sha1').update(content).digest('hex');
}

function serializeRecord(record: SpecTaskRecord): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}
