import * as fsSync from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { checklistFocus, checklistProgress, DEFAULT_CONTEXT_ITEMS } from '../checklist/checklistFocus';
import type { Checklist, ChecklistFocus, ChecklistProgress } from '../checklist/checklistTypes';
import { checklistProgressOf, parseChecklist } from '../checklist/parseChecklist';
import type { SpecTaskStatus } from '../orchestrator/statusMachine';
import {
  DESIGN_FILE,
  formatTaskNumber,
  LEGACY_CHECKLIST_FILE,
  LEGACY_TASKS_DIR,
  METADATA_FILE,
  parseTaskFolderName,
  REQUIREMENTS_FILE,
  TASKS_DIR,
  TASKS_FILE,
} from './designDocsLayout';
import { listedDocuments, type FolderDocuments } from './listedDocuments';
import { assertNoSymlinkBelow, assertNoSymlinkBelowSync, BranchFileRefusedError } from './noFollow';
import { validateSpecTaskRecord, type SpecTaskRecord } from './specTaskSchema';
import { titleFromHeading } from './specTaskTemplates';

/** Something wrong with one SpecTask's files; the others still load. */
export interface SpecTaskProblem {
  /** Absolute path of the offending file. */
  path: string;
  /** The offending field of `spectask.json` (e.g. `history[2].to`), when there is one. */
  field?: string;
  message: string;
}

/** One SpecTask as listed: enough for a tree view row or a dashboard card. */
export interface SpecTaskSummary {
  /** `000007` in the current layout; the folder name for a legacy folder. */
  id: string;
  number?: number;
  /** Folder relative to the worktree, with `/` separators: `design/tasks/000007_add-login`. */
  folder: string;
  /** Absolute folder path. */
  path: string;
  layout: 'current' | 'legacy';
  title: string;
  status?: SpecTaskStatus;
  /** `spectask.json`, when present and valid. */
  record?: SpecTaskRecord;
  /** The checklist file found: `tasks.md`, or the legacy `progress.md`. */
  checklistFile?: string;
  progress?: ChecklistProgress;
  problems: SpecTaskProblem[];
}

/** One SpecTask with its parsed checklist and the current item's context. */
export interface SpecTaskDetails extends SpecTaskSummary {
  checklist?: Checklist;
  focus?: ChecklistFocus;
  /** Absolute paths of the documents that exist. */
  documents: { requirements?: string; design?: string; tasks?: string; metadata?: string };
}

/**
 * Reads SpecTask folders from a design-docs worktree: the current layout (`design/tasks/<NNNNNN>_<slug>/`) and
 * the reference system's older one (`tasks/<…>/`, `progress.md`, no `spectask.json`). Read-only, plain files.
 * The branch's content is a teammate's: a symbolic link is never followed and a document over
 * MAX_DOCUMENT_BYTES is never parsed; either is a problem of its SpecTask (see noFollow.ts).
 */
export class SpecTaskReader {
  /** Task number → folder, from the last full listing (the first folder of each number, as {@link resolve} picks). */
  private readonly byNumber = new Map<number, string>();
  /** The documents of folders whose parents were checked (see {@link readNow}), read with the fewest calls. */
  private readonly documents: FolderDocuments;

  constructor(
    readonly worktreePath: string,
    private readonly contextItems = DEFAULT_CONTEXT_ITEMS,
  ) {
    this.documents = listedDocuments(worktreePath);
  }

  /**
   * Every SpecTask folder, current layout first (by number), then legacy folders (by name). The folders are
   * read synchronously, {@link READ_CHUNK} at a time with a turn of the event loop between chunks: an async
   * call per file (five per document) cost most of `spectask list`'s time over 1,000 SpecTasks (issue 24).
   */
  list(): Promise<SpecTaskSummary[]> {
    return this.eachFolder((f) => this.readNow(f.rel, f.layout, false, true));
  }

  /**
   * Every SpecTask folder as {@link list} finds them, each with its parsed checklist (what {@link details}
   * reads), in one reading per folder. `known`: folders already read, by folder (the design-docs watcher's
   * first scan), taken as they are instead of being read again.
   */
  listDetails(known?: ReadonlyMap<string, SpecTaskDetails>): Promise<SpecTaskDetails[]> {
    return this.eachFolder((f) => known?.get(f.rel) ?? this.readNow(f.rel, f.layout, true, true));
  }

  /**
   * One folder's details from documents the caller reads (see taskFolderReading.ts: the watcher's first scan
   * reads each document once and hands the same bytes to both readers). The folder's parents must be checked.
   */
  detailsFrom(rel: string, layout: 'current' | 'legacy', documents: FolderDocuments): SpecTaskDetails {
    return this.readNow(rel, layout, true, true, documents);
  }

  /** Reads every folder synchronously, {@link READ_CHUNK} at a time with a turn of the event loop between chunks. */
  private async eachFolder<T>(read: (f: { rel: string; layout: 'current' | 'legacy' }) => T): Promise<T[]> {
    const folders = await this.folders();
    const out: T[] = [];
    for (let i = 0; i < folders.length; i += READ_CHUNK) {
      if (i > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      for (const f of folders.slice(i, i + READ_CHUNK)) out.push(read(f));
    }
    return out;
  }

  /** Folders of both layouts, without reading them. */
  async folders(): Promise<{ rel: string; layout: 'current' | 'legacy'; number?: number }[]> {
    // A linked `design/tasks` or `tasks` would list (and then read) folders anywhere: refused with its message.
    await assertNoSymlinkBelow(this.worktreePath, path.join(this.worktreePath, TASKS_DIR));
    await assertNoSymlinkBelow(this.worktreePath, path.join(this.worktreePath, LEGACY_TASKS_DIR));
    const current = (await subdirs(path.join(this.worktreePath, TASKS_DIR)))
      .map((name) => ({ name, parsed: parseTaskFolderName(name) }))
      .filter((f) => f.parsed)
      .sort((a, b) => a.parsed!.number - b.parsed!.number || a.name.localeCompare(b.name))
      .map((f) => ({ rel: `${TASKS_DIR}/${f.name}`, layout: 'current' as const, number: f.parsed!.number }));
    const legacy = (await subdirs(path.join(this.worktreePath, LEGACY_TASKS_DIR)))
      // `tasks/attachments/` and friends are not tasks: a task folder holds at least one of its documents.
      .sort()
      .map((name) => ({ rel: `${LEGACY_TASKS_DIR}/${name}`, layout: 'legacy' as const }));
    const legacyWithDocs = [];
    for (const l of legacy) if (await hasAnyDocument(path.join(this.worktreePath, l.rel))) legacyWithDocs.push(l);
    return [...current, ...legacyWithDocs];
  }

  /** Resolves `7`, `000007`, `000007_add-login` or a legacy folder name to a folder; undefined if none. */
  async resolve(ref: string): Promise<{ rel: string; layout: 'current' | 'legacy'; number?: number } | undefined> {
    const r = ref.trim().replace(/[\\/]+$/, '');
    const asNumber = /^\d{1,6}$/.test(r) ? Number(r) : undefined;
    // The hot path (a commit per tick resolves its task by number): the folder found last time, if it is
    // still there, spares listing every folder.
    // Checked synchronously: concurrent ticks then reach the git queue in the same turn and share one commit.
    const cached = asNumber !== undefined ? this.byNumber.get(asNumber) : undefined;
    if (cached && fsSync.lstatSync(path.join(this.worktreePath, cached), { throwIfNoEntry: false })?.isDirectory())
      return { rel: cached, layout: 'current', number: asNumber };
    const folders = await this.folders();
    this.byNumber.clear();
    for (const f of folders)
      if (f.number !== undefined && !this.byNumber.has(f.number)) this.byNumber.set(f.number, f.rel);
    return (
      folders.find((f) => f.number !== undefined && f.number === asNumber) ??
      folders.find((f) => path.posix.basename(f.rel) === r || f.rel === r) ??
      (r.length >= 3 ? onlyOne(folders.filter((f) => path.posix.basename(f.rel).includes(r))) : undefined)
    );
  }

  /** Reads one folder as a summary. Never throws for bad content: problems are reported in the result. */
  async summary(rel: string, layout: 'current' | 'legacy'): Promise<SpecTaskSummary> {
    return this.readNow(rel, layout, false);
  }

  /** Reads one folder with its parsed checklist and focus. */
  async details(rel: string, layout: 'current' | 'legacy'): Promise<SpecTaskDetails> {
    return this.readNow(rel, layout, true);
  }

  /**
   * One folder's small documents, read synchronously (a fraction of a millisecond). Only what the result
   * needs is read: `design.md` is only looked at, and `requirements.md` only read when no record names the
   * title. `listed`: the folder came from {@link folders}, whose parents were checked for links; otherwise the
   * folder and the ones above it are checked here. Either way its documents are then read without a check of
   * their parents.
   */
  private readNow(
    rel: string,
    layout: 'current' | 'legacy',
    withChecklist: boolean,
    listed = false,
    docs: FolderDocuments = this.documents,
  ): SpecTaskDetails {
    const abs = path.join(this.worktreePath, rel);
    // `abs` is normalized and the names are plain file names: no need for path.join's normalization.
    const inFolder = (file: string) => `${abs}${path.sep}${file}`;
    const name = path.posix.basename(rel);
    const parsedName = layout === 'current' ? parseTaskFolderName(name) : undefined;
    const problems: SpecTaskProblem[] = [];
    const documents: SpecTaskDetails['documents'] = {};
    // The folder and the ones above are checked once; each document is then opened without following a link.
    let folderRefused: BranchFileRefusedError | undefined;
    try {
      if (listed) docs.checkFolder(abs);
      else assertNoSymlinkBelowSync(this.worktreePath, abs);
    } catch (e) {
      if (e instanceof BranchFileRefusedError) folderRefused = e;
    }
    if (folderRefused) problems.push({ path: abs, message: folderRefused.message });
    const readBytes = (file: string): Buffer | undefined => {
      if (folderRefused) return undefined;
      try {
        return docs.read(file);
      } catch (e) {
        if (e instanceof BranchFileRefusedError) problems.push({ path: file, message: e.message });
        return undefined; // unreadable otherwise: as missing, like before
      }
    };
    const readText = (file: string) => readBytes(file)?.toString('utf8');
    const exists = (file: string): boolean => {
      if (folderRefused) return false;
      try {
        return docs.exists(file);
      } catch (e) {
        if (e instanceof BranchFileRefusedError) problems.push({ path: file, message: e.message });
        return false;
      }
    };

    let record: SpecTaskRecord | undefined;
    const metaPath = inFolder(METADATA_FILE);
    const metaText = readText(metaPath);
    if (metaText !== undefined) {
      documents.metadata = metaPath;
      let json: unknown;
      try {
        json = JSON.parse(metaText);
      } catch (e) {
        problems.push({ path: metaPath, message: `not valid JSON: ${(e as Error).message}` });
      }
      if (json !== undefined) {
        const v = validateSpecTaskRecord(json);
        if (v.ok) {
          record = v.record;
          if (parsedName && record.number !== parsedName.number)
            problems.push({
              path: metaPath,
              field: 'number',
              message: `is ${record.number} but the folder is numbered ${parsedName.number}`,
            });
        } else problems.push({ path: metaPath, field: v.field, message: v.message });
      }
    }

    const reqPath = inFolder(REQUIREMENTS_FILE);
    // Its heading is the title only when there is no record.
    const requirements = record ? undefined : readText(reqPath);
    if (requirements !== undefined || (record && exists(reqPath))) documents.requirements = reqPath;
    const designPath = inFolder(DESIGN_FILE);
    if (exists(designPath)) documents.design = designPath;

    let checklistFile: string | undefined;
    let checklist: Checklist | undefined;
    let progress: ChecklistProgress | undefined;
    for (const file of [TASKS_FILE, LEGACY_CHECKLIST_FILE]) {
      const checklistPath = inFolder(file);
      const bytes = readBytes(checklistPath);
      if (bytes) {
        checklistFile = file;
        documents.tasks = checklistPath;
        // A summary shows only the counts: no item is built for it.
        if (withChecklist) checklist = parseChecklist(bytes);
        progress = checklist ? checklistProgress(checklist.items) : checklistProgressOf(bytes);
        break;
      }
    }

    const title =
      record?.title ??
      (requirements !== undefined ? titleFromHeading(requirements) : undefined) ??
      legacyTitle(name, parsedName?.slug);
    const details: SpecTaskDetails = {
      id: parsedName ? formatTaskNumber(parsedName.number) : name,
      number: parsedName?.number,
      folder: rel,
      path: abs,
      layout,
      title,
      status: record?.status,
      record,
      checklistFile,
      progress,
      problems,
      documents,
    };
    if (withChecklist && checklist) {
      details.checklist = checklist;
      details.focus = checklistFocus(checklist.items, this.contextItems);
    }
    return details;
  }
}

/** Folders read per turn of the event loop by {@link SpecTaskReader.list} (about 2 ms of the host's thread). */
export const READ_CHUNK = 64;

/** A readable title from a folder name when no document has one: `2025-10-01_add-login_abc` → `add login`. */
function legacyTitle(folder: string, slug?: string): string {
  const base = slug ?? folder.replace(/^\d{4}-\d{2}-\d{2}_/, '').replace(/_[^_]+$/, '');
  return base.replace(/[-_]+/g, ' ').trim() || folder;
}

async function subdirs(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory()).map((e) => e.name);
}

async function hasAnyDocument(dir: string): Promise<boolean> {
  const names = new Set(await fs.readdir(dir).catch(() => [] as string[]));
  return [REQUIREMENTS_FILE, DESIGN_FILE, TASKS_FILE, LEGACY_CHECKLIST_FILE, METADATA_FILE, 'task-metadata.json'].some(
    (n) => names.has(n),
  );
}

function onlyOne<T>(xs: T[]): T | undefined {
  return xs.length === 1 ? xs[0] : undefined;
}
