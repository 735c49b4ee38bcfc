import * as path from 'node:path';
import type { ChecklistItem } from '../checklist/checklistTypes';
import { parseChecklist } from '../checklist/parseChecklist';
import { LEGACY_CHECKLIST_FILE, TASK_DOCUMENTS, TASKS_FILE, type TaskDocumentName } from './designDocsLayout';
import { listedDocuments, type FolderDocuments } from './listedDocuments';
import { BranchFileRefusedError } from './noFollow';
import { READ_CHUNK, type SpecTaskDetails, type SpecTaskReader } from './specTaskReader';
import { contentHash } from './specTaskStore';

/** What the design-docs watcher keeps of one document: its content hash, and a checklist's items. */
export interface DocState {
  hash: string;
  items?: ChecklistItem[];
  /** Why the document was not read (a symbolic link, over the size limit): it has no items then. */
  refused?: string;
}

/** One SpecTask folder read once: what the watcher compares later readings with, and what the views show. */
export interface TaskFolderReading {
  /** The watcher's state of each document that could be read or was refused (none when the folder was refused). */
  docs: Map<TaskDocumentName, DocState>;
  /** What {@link SpecTaskReader.details} reads, from the same bytes. */
  details: SpecTaskDetails;
  /** The refused documents, in the order read (the watcher reports each). */
  refusals: BranchFileRefusedError[];
}

type Outcome = { bytes?: Buffer; error?: unknown };

/**
 * Reads every document of one listed folder once — open, one read, close, through `documents` (listedDocuments.ts)
 * — and derives from those bytes both the watcher's state and the SpecTask's details (issue 24: the orchestrator
 * read each folder three times at load, once for the watcher's first scan and twice for the task list). The
 * details are read by {@link SpecTaskReader.detailsFrom} from a replay of these reads, so its problems (refusals,
 * invalid records) are exactly those of a reading of its own.
 */
export function readTaskFolderOnce(
  reader: SpecTaskReader,
  documents: FolderDocuments,
  rel: string,
  layout: 'current' | 'legacy',
): TaskFolderReading {
  const abs = path.join(reader.worktreePath, rel);
  let folderError: unknown;
  try {
    documents.checkFolder(abs);
  } catch (e) {
    folderError = e;
  }
  const refusedFolder = folderError instanceof BranchFileRefusedError;
  const outcomes = new Map<string, Outcome>();
  if (!refusedFolder)
    for (const doc of TASK_DOCUMENTS) {
      const file = `${abs}${path.sep}${doc}`;
      try {
        const bytes = documents.read(file);
        // The listing's reader hands out one reused buffer: this reading keeps its own copy.
        outcomes.set(file, { bytes: bytes && Buffer.from(bytes) });
      } catch (e) {
        outcomes.set(file, { error: e });
      }
    }
  const replay: FolderDocuments = {
    checkFolder: () => {
      if (folderError !== undefined) throw folderError;
    },
    read: (file) => {
      const o = outcomes.get(file);
      if (!o) return documents.read(file);
      if (o.error !== undefined) throw o.error;
      return o.bytes;
    },
    exists: (file) => {
      const o = outcomes.get(file);
      // A refusal is the same for a look as for a read; anything else (an unreadable file) is looked at again.
      if (o?.error instanceof BranchFileRefusedError) throw o.error;
      return o && o.error === undefined ? o.bytes !== undefined : documents.exists(file);
    },
  };
  const details = reader.detailsFrom(rel, layout, replay);
  const docs = new Map<TaskDocumentName, DocState>();
  const refusals: BranchFileRefusedError[] = [];
  for (const doc of TASK_DOCUMENTS) {
    const o = outcomes.get(`${abs}${path.sep}${doc}`);
    if (o?.error instanceof BranchFileRefusedError) {
      refusals.push(o.error);
      docs.set(doc, { hash: `refused:${o.error.message}`, refused: o.error.message });
    } else if (o?.bytes) {
      const isChecklist = doc === TASKS_FILE || doc === LEGACY_CHECKLIST_FILE;
      // The details parsed the checklist they show already: the same items, not a second parse.
      const parsed = details.checklistFile === doc ? details.checklist?.items : undefined;
      docs.set(doc, {
        hash: contentHash(o.bytes),
        items: isChecklist ? (parsed ?? parseChecklist(o.bytes).items) : undefined,
      });
    }
  }
  return { docs, details, refusals };
}

/**
 * Every SpecTask folder {@link SpecTaskReader.folders} lists, each read once by {@link readTaskFolderOnce},
 * synchronously, {@link READ_CHUNK} folders per turn of the event loop (the design-docs watcher's first scan).
 */
export async function readEveryTaskFolder(
  reader: SpecTaskReader,
  onFolder: (f: { rel: string; number?: number }, reading: TaskFolderReading) => void,
): Promise<void> {
  const documents = listedDocuments(reader.worktreePath);
  const folders = await reader.folders();
  for (let i = 0; i < folders.length; i += READ_CHUNK) {
    if (i > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    for (const f of folders.slice(i, i + READ_CHUNK))
      onFolder(f, readTaskFolderOnce(reader, documents, f.rel, f.layout));
  }
}
