import * as path from 'node:path';
import type {
  RequestChangesRequest,
  SpecTaskDocument,
  SpecTaskDocuments,
  SpecTaskInfo,
  SpecTaskRef,
} from '../../api/spectaskApi';
import type { DesignDocs } from '../docs/openDesignDocs';
import { readBranchText, writeBranchFile } from '../docs/noFollow';
import { contentHash } from '../docs/specTaskStore';
import type { Orchestrator } from '../orchestrator/orchestrator';
import { WORKING_STATUSES } from '../orchestrator/statusMachine';
import type { FleetSnapshot } from '../../protocol/fleet';
import {
  createSpecTaskFromSample,
  listSamples,
  type SampleCreationDeps,
  type SampleInfo,
} from '../samples/createFromSample';
import { mergeFleetSnapshots } from './mergeSnapshots';
import * as input from './serviceInput';

/** A repository the service reaches: the extension's SpecTaskRepository and the CLI's opened orchestrator fit. */
export interface ServiceRepository {
  readonly root: string;
  readonly docs: DesignDocs;
  readonly orchestrator: Orchestrator;
}

/** A SpecTask found: its repository and id. */
interface Found {
  readonly repo: ServiceRepository;
  readonly id: string;
}

/**
 * The one implementation behind the public surfaces (extension API, Language Model tools, `spectask mcp`): every
 * input is checked (serviceInput.ts), and every change goes through the orchestrator intent the commands use, so
 * no surface can move a SpecTask where the tree's menus could not.
 */
export class SpecTaskService {
  constructor(
    private readonly repositories: () => readonly ServiceRepository[],
    /** Where sample projects come from; absent where none are shipped (the CLI). */
    private readonly samples?: SampleCreationDeps,
  ) {}

  listSamples(): SampleInfo[] {
    return this.samples ? listSamples(this.samples) : [];
  }

  /** A sample project in a new folder, with its first SpecTask (see createSpecTaskFromSample). */
  createSpecTaskFromSample(raw: unknown): Promise<SpecTaskInfo> {
    if (!this.samples) return Promise.reject(new Error('no sample projects are shipped with this build'));
    return createSpecTaskFromSample(this.samples, raw);
  }

  listSpecTasks(): SpecTaskInfo[] {
    return this.repositories().flatMap((r) => r.orchestrator.taskViews().map((t) => info(r, t.id)));
  }

  fleetSnapshot(): FleetSnapshot {
    return mergeFleetSnapshots(this.repositories().map((r) => r.orchestrator.fleetSnapshot()));
  }

  async createSpecTask(raw: unknown): Promise<SpecTaskInfo> {
    const req = input.parseRecord(raw, 'the request');
    const title = input.parseTitle(req.title);
    const prompt = input.parsePrompt(req.prompt);
    const priority = input.parsePriority(req.priority);
    const start = input.parseStart(req.start);
    const repo = this.repository(input.parseRepoRoot(req.repoRoot));
    const id = await repo.orchestrator.create({ title, prompt, priority }, { startPlanning: start === 'plan' });
    return info(repo, id);
  }

  async getDocuments(raw: unknown): Promise<SpecTaskDocuments> {
    const { repo, id } = this.find(raw);
    const documents: SpecTaskDocument[] = [];
    for (const name of input.WRITABLE_DOCUMENTS) {
      const content = await readDocument(repo, id, name);
      if (content !== undefined) documents.push({ name, content, version: contentHash(content) });
    }
    return { task: info(repo, id), documents };
  }

  /** Refused while an agent works on the SpecTask, or when the document is no longer the content the caller read. */
  async writeDocument(raw: unknown): Promise<SpecTaskDocument> {
    const req = input.parseRecord(raw, 'the request');
    const { repo, id } = this.find(req);
    const name = input.parseDocumentName(req.document);
    const content = input.parseDocumentContent(req.content);
    const expected = input.parseVersion(req.expectedVersion);
    const t = info(repo, id);
    if (t.agentWorking || WORKING_STATUSES.has(t.status as never))
      throw new Error(`SpecTask ${t.number} is ${t.status.replace(/_/g, ' ')}: an agent writes its documents now`);
    const current = (await readDocument(repo, id, name)) ?? '';
    if (contentHash(current) !== expected)
      throw new Error(`${name} of SpecTask ${t.number} changed since it was read: read it again and re-apply the edit`);
    await writeBranchFile(repo.docs.location.worktreePath, await documentPath(repo, id, name), content);
    await repo.docs.store.commitFolder(id, `edit ${name}`);
    return { name, content, version: contentHash(content) };
  }

  async startPlanning(raw: unknown): Promise<SpecTaskInfo> {
    const { repo, id } = this.find(raw);
    await repo.orchestrator.startPlanning(id);
    return info(repo, id);
  }

  async approve(raw: unknown): Promise<SpecTaskInfo> {
    const { repo, id } = this.find(raw);
    await repo.orchestrator.approve(id, input.parseNote(input.parseRecord(raw, 'the request').note));
    return info(repo, id);
  }

  async requestChanges(raw: unknown): Promise<SpecTaskInfo> {
    const req = input.parseRecord(raw, 'the request') as Partial<Record<keyof RequestChangesRequest, unknown>>;
    const { repo, id } = this.find(req);
    const comment = input.parseComment(req.comment);
    const document = req.document === undefined ? 'requirements.md' : input.parseDocumentName(req.document);
    const line = input.parseLine(req.line);
    const quote = input.parseQuote(req.quote);
    const status = repo.orchestrator.task(id)?.status;
    if (status === 'implementation_review') await repo.orchestrator.requestImplementationChanges(id, comment);
    else if (status === 'spec_review')
      await repo.orchestrator.requestSpecChanges(id, [{ document, line, quote, comment }]);
    else throw new Error(`SpecTask ${id} is ${status?.replace(/_/g, ' ')}: changes are requested in a review`);
    return info(repo, id);
  }

  async accept(raw: unknown): Promise<SpecTaskInfo> {
    const { repo, id } = this.find(raw);
    await repo.orchestrator.accept(id);
    return info(repo, id);
  }

  /** The repository a new SpecTask goes to: the one named, or the only one open. */
  private repository(root: string | undefined): ServiceRepository {
    const repos = this.repositories();
    if (root !== undefined) {
      const hit = repos.find((r) => samePath(r.root, root));
      if (!hit) throw new Error(`no open repository at ${root}`);
      return hit;
    }
    if (repos.length === 1) return repos[0]!;
    if (!repos.length)
      throw new Error('no repository with a design-docs branch is open (or the workspace is not trusted)');
    throw new Error(`${repos.length} repositories are open: say which with repoRoot`);
  }

  private find(raw: unknown): Found {
    const ref = input.parseRecord(raw, 'the SpecTask') as Partial<Record<keyof SpecTaskRef, unknown>>;
    const taskId = input.parseTaskId(ref.taskId);
    const root = input.parseRepoRoot(ref.repoRoot);
    const repos = this.repositories().filter((r) => root === undefined || samePath(r.root, root));
    if (root !== undefined && !repos.length) throw new Error(`no open repository at ${root}`);
    const hits = repos.flatMap((repo) => {
      const id = matchTask(repo.orchestrator, taskId);
      return id ? [{ repo, id }] : [];
    });
    if (hits.length === 1) return hits[0]!;
    if (!hits.length) throw new Error(`no SpecTask '${taskId}' (use its id or number, e.g. 7 or 000007)`);
    throw new Error(`SpecTask '${taskId}' exists in ${hits.length} repositories: say which with repoRoot`);
  }
}

function matchTask(o: Orchestrator, ref: string): string | undefined {
  const n = /^\d+$/.test(ref) ? Number(ref) : NaN;
  return o
    .taskViews()
    .find((t) => t.id === ref || (Number.isInteger(n) && Number(t.number) === n) || path.basename(t.folder) === ref)
    ?.id;
}

function info(repo: ServiceRepository, id: string): SpecTaskInfo {
  const t = repo.orchestrator.taskViews().find((v) => v.id === id);
  if (!t) throw new Error(`SpecTask ${id} is not loaded`);
  return {
    id: t.id,
    number: t.number,
    title: t.title,
    status: t.status,
    repoRoot: repo.root,
    agentWorking: t.agentWorking,
    progress: { done: t.items.filter((i) => i.state === 'done').length, total: t.items.length },
    ...(t.queueReason ? { queueReason: t.queueReason } : {}),
    ...(t.error ? { error: t.error } : {}),
  };
}

async function documentPath(repo: ServiceRepository, id: string, name: string): Promise<string> {
  return path.join((await repo.docs.store.get(id)).path, name);
}

/** A document's text, or undefined when it does not exist; links and oversized files are refused (noFollow.ts). */
async function readDocument(repo: ServiceRepository, id: string, name: string): Promise<string | undefined> {
  return readBranchText(repo.docs.location.worktreePath, await documentPath(repo, id, name));
}

function samePath(a: string, b: string): boolean {
  return path.resolve(a) === path.resolve(b);
}
