/*
 * The public API of the SpecTask Orchestrator extension, version 1: what another extension gets from
 *
 *   const api = vscode.extensions.getExtension<SpecTaskExtensionExports>('spectask.spectask')?.exports.getApi(1);
 *
 * (after `await extension.activate()`). Types only, VS Code-free: copy this file (and src/protocol/fleet.ts for
 * the snapshot's shape) into your extension. Additive changes keep version 1; anything else gets version 2.
 */
import type { FleetSnapshot } from '../protocol/fleet';

export type { FleetSnapshot };

/** The versions `getApi` knows. */
export type SpecTaskApiVersion = 1;

export interface ApiDisposable {
  dispose(): void;
}

/** A `vscode.Event`-compatible subscription: call it with a listener, dispose the result to stop. */
export type ApiEvent<T> = (listener: (e: T) => unknown) => ApiDisposable;

/** The design documents a caller may read and write (spectask.json is the orchestrator's, never written here). */
export type SpecTaskDocumentName = 'requirements.md' | 'design.md' | 'tasks.md';

/** A SpecTask as the SpecTasks tree shows it. */
export interface SpecTaskInfo {
  /** Its id, e.g. `000007`; pass it (or its number, `7`) where a task is asked for. */
  readonly id: string;
  readonly number: string;
  readonly title: string;
  /** One of the statuses of DESIGN.md §5 (backlog, planning, spec_review, …, done). */
  readonly status: string;
  /** The repository's root: with several repositories open, pass it along with the id. */
  readonly repoRoot: string;
  /** An agent is working on it now (its documents may then not be written). */
  readonly agentWorking: boolean;
  /** Checklist progress of tasks.md. */
  readonly progress: { readonly done: number; readonly total: number };
  /** Why it waits (scheduler, dependencies, integration queue), when it does. */
  readonly queueReason?: string;
  /** Why it failed, when it did. */
  readonly error?: string;
}

export interface SpecTaskDocument {
  readonly name: SpecTaskDocumentName;
  readonly content: string;
  /** SHA-1 of the content: pass it back as `expectedVersion` to write the document. */
  readonly version: string;
}

export interface SpecTaskDocuments {
  readonly task: SpecTaskInfo;
  /** The documents that exist (a legacy SpecTask may lack some). */
  readonly documents: readonly SpecTaskDocument[];
}

/** Which SpecTask: its id or number, and its repository when several are open. */
export interface SpecTaskRef {
  readonly taskId: string;
  readonly repoRoot?: string;
}

export interface CreateSpecTaskRequest {
  /** One line, at most 200 characters. */
  readonly title: string;
  /** The goal and details the planning agent starts from (requirements.md). */
  readonly prompt?: string;
  readonly priority?: 'low' | 'medium' | 'high' | 'critical';
  /** `backlog` (default) waits for a person; `plan` queues it for planning at once. */
  readonly start?: 'backlog' | 'plan';
  /** The repository (its root); may be left out when one is open. */
  readonly repoRoot?: string;
}

/** A sample project shipped with the extension. */
export interface SpecTaskSample {
  /** Pass it as `sample` to `createSpecTaskFromSample`. */
  readonly id: string;
  readonly title: string;
  readonly description: string;
  /** Goals that make sense for it; the first is used when a request gives none. */
  readonly suggestedGoals: readonly string[];
}

export interface CreateFromSampleRequest {
  /** A sample's id (`listSamples`). */
  readonly sample: string;
  /** A NEW folder (absolute path; its parent must exist): the sample is copied there as a git repository. */
  readonly folder: string;
  /** The first SpecTask's goal; default the sample's first suggested goal. */
  readonly goal?: string;
  /** `backlog` (default), or `plan`: planning starts once the folder is open in VS Code. */
  readonly start?: 'backlog' | 'plan';
  /** Run the sample's own install command (e.g. `npm install`) before the first commit; default false. */
  readonly install?: boolean;
}

export interface WriteDocumentRequest extends SpecTaskRef {
  readonly document: SpecTaskDocumentName;
  readonly content: string;
  /** The `version` of the content the caller read: the write is refused when the document changed since. */
  readonly expectedVersion: string;
}

export interface RequestChangesRequest extends SpecTaskRef {
  readonly comment: string;
  /** In spec review: the document and line the comment is about (default requirements.md, line 1). */
  readonly document?: SpecTaskDocumentName;
  readonly line?: number;
  readonly quote?: string;
}

/** Version 1 of the API. Every call validates its input and rejects with an Error whose message says why. */
export interface SpecTaskApiV1 {
  readonly version: 1;
  /** Every SpecTask of every open repository. */
  listSpecTasks(): readonly SpecTaskInfo[];
  /** What the fleet dashboard shows. */
  fleetSnapshot(): FleetSnapshot;
  /** Fires once per change of the fleet (coalesced per burst, like the dashboard), with the new snapshot. */
  readonly onDidChangeFleet: ApiEvent<FleetSnapshot>;
  createSpecTask(request: CreateSpecTaskRequest): Promise<SpecTaskInfo>;
  /** The sample projects this build ships. */
  listSamples(): readonly SpecTaskSample[];
  /**
   * Creates a sample project in a new folder (a git repository with a design-docs branch) and its first SpecTask.
   * The folder is not opened: `repoRoot` of the result is where it is (open it with `vscode.openFolder`).
   */
  createSpecTaskFromSample(request: CreateFromSampleRequest): Promise<SpecTaskInfo>;
  getDocuments(ref: SpecTaskRef): Promise<SpecTaskDocuments>;
  /** Refused while an agent works on the SpecTask, and when the document changed since `expectedVersion`. */
  writeDocument(request: WriteDocumentRequest): Promise<SpecTaskDocument>;
  startPlanning(ref: SpecTaskRef): Promise<SpecTaskInfo>;
  approve(ref: SpecTaskRef & { readonly note?: string }): Promise<SpecTaskInfo>;
  /** Spec review: a comment for the planning agent; implementation review: for the implementing agent. */
  requestChanges(request: RequestChangesRequest): Promise<SpecTaskInfo>;
  /** Puts the implementation in the integration queue. */
  accept(ref: SpecTaskRef): Promise<SpecTaskInfo>;
}

/** What `activate()` returns to other extensions (test hooks are added only when VS Code runs the extension's tests). */
export interface SpecTaskExtensionExports {
  getApi(version: 1): SpecTaskApiV1;
}
