import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { SpecTaskRecord } from '../../core/docs/specTaskSchema';
import { GitRunner } from '../../core/git/gitRunner';
import { ADDRESSED_FILE, parseAddressedClaim, type RevisionClaim } from '../../core/review/agentAddressed';
import type { StoredComment } from '../../core/review/commentRecords';
import { SPEC_DOCUMENTS, type SpecDocument } from '../../core/review/reviewComments';
import { previousRevisionCommit } from '../../core/review/revisionHistory';
import type { SpecTaskRepository } from '../extensionContext';

/** An addressed.json larger than this is not read at all (parseAddressedClaim refuses it anyway). */
const MAX_FILE = 16 * 1024;

/**
 * The claim of the revision under review (core/review/agentAddressed.ts), read for the review model: the ids the
 * agent's addressed.json names, and the documents as they were sent (the latest Request changes commit of the
 * design-docs branch, read with `git show`). Undefined, without running git, unless the SpecTask waits for spec
 * review and the file names an open comment sent in this revision. The documents sent are kept per revision.
 */
export class RevisionClaims {
  private readonly sent = new Map<string, Partial<Record<SpecDocument, string>>>();

  async read(
    repo: SpecTaskRepository,
    taskId: string,
    record: SpecTaskRecord | undefined,
    comments: readonly StoredComment[],
  ): Promise<RevisionClaim | undefined> {
    const folder = repo.taskFolder(taskId);
    if (!folder || record?.status !== 'spec_review' || !record.revisionCount) return undefined;
    const revision = record.revisionCount;
    const file = path.join(folder, ADDRESSED_FILE);
    const size = await fs.stat(file).then(
      (s) => (s.isFile() ? s.size : Infinity),
      () => Infinity,
    );
    if (size > MAX_FILE) return undefined;
    const claimed = parseAddressedClaim(await fs.readFile(file, 'utf8').catch(() => undefined), revision);
    if (!comments.some((c) => !c.resolved && c.sentInRevision === revision && claimed.has(c.id))) return undefined;
    const key = `${folder}\n${revision}`;
    const before = this.sent.get(key) ?? (await this.documentsSent(repo.designDocsRoot, folder));
    this.sent.set(key, before);
    return { revision, claimed, before };
  }

  private async documentsSent(worktree: string, folder: string): Promise<Partial<Record<SpecDocument, string>>> {
    const git = new GitRunner(worktree);
    const rel = path.relative(worktree, folder).split(path.sep).join('/');
    const sha = await previousRevisionCommit(git, worktree, rel);
    const out: Partial<Record<SpecDocument, string>> = {};
    if (!sha) return out;
    for (const d of SPEC_DOCUMENTS) {
      const text = await git.tryRun(['show', `${sha}:${rel}/${d}`], { cwd: worktree });
      if (text !== undefined) out[d] = text;
    }
    return out;
  }
}
