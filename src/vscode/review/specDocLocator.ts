import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { vscode } from '../vscodeApi';
import { SPEC_DOCUMENTS, type SpecDocument } from '../../core/review/reviewComments';
import type { SpecTaskRepository, SpecTaskServices } from '../extensionContext';

/** A located spec document: which repository, SpecTask and document a file is. */
export interface DocRef {
  repo: SpecTaskRepository;
  taskId: string;
  document: SpecDocument;
}

/**
 * The review's one answer to "which SpecTask owns this file": a file is a spec document when it is
 * requirements.md, design.md or tasks.md in a SpecTask folder of a design-docs worktree. Every file → task
 * lookup of src/vscode/review goes through {@link SpecDocLocator.locate}, which asks the workspace's TaskLocator
 * (src/vscode/services/taskLocator.ts).
 */
export class SpecDocLocator {
  constructor(private readonly services: SpecTaskServices) {}

  /** The key a SpecTask's review state is kept under (comments, threads, viewed documents). */
  key(repo: SpecTaskRepository, taskId: string): string {
    return `${repo.root}#${taskId}`;
  }

  /** The spec document a Uri is (a file in a SpecTask folder of a design-docs worktree), if any. */
  locate(uri: vscode.Uri): DocRef | undefined {
    if (uri.scheme !== 'file') return undefined;
    const hit = this.services.locator.at(uri);
    if (hit?.place !== 'task-folder' || !(SPEC_DOCUMENTS as readonly string[]).includes(hit.relative)) return undefined;
    return { repo: hit.repo, taskId: hit.taskId, document: hit.relative as SpecDocument };
  }

  /** Where a SpecTask's document is, when the task has a folder. */
  docUri(repo: SpecTaskRepository, taskId: string, document: SpecDocument): vscode.Uri | undefined {
    const folder = repo.orchestrator.task(taskId)?.path ?? repo.taskFolder(taskId);
    return folder ? vscode.Uri.file(path.join(folder, document)) : undefined;
  }

  /** The three documents as they are on disk; a document that cannot be read is left out. */
  async readDocs(repo: SpecTaskRepository, taskId: string): Promise<Partial<Record<SpecDocument, string>>> {
    const out: Partial<Record<SpecDocument, string>> = {};
    await Promise.all(
      SPEC_DOCUMENTS.map(async (d) => {
        const uri = this.docUri(repo, taskId, d);
        if (!uri) return;
        const text = await fs.readFile(uri.fsPath, 'utf8').catch(() => undefined);
        if (text !== undefined) out[d] = text;
      }),
    );
    return out;
  }
}
