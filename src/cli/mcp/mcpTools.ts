import { z } from 'zod';
import * as input from '../../core/service/serviceInput';

// The tools of `spectask mcp`, shared with the Language Model tools' descriptions (package.json repeats them).
// The schemas tell a client the shapes and limits; SpecTaskService checks every value again (serviceInput.ts),
// so the same rules hold whichever surface a request comes through.

const taskRef = {
  taskId: z.string().max(200).describe("The SpecTask's id or number, e.g. 7 or 000007"),
  repoRoot: z.string().max(4096).optional().describe('The repository root, when several are open'),
};
const documentName = z.enum(['requirements.md', 'design.md', 'tasks.md']);

export interface ToolSpec {
  readonly title: string;
  readonly description: string;
  readonly inputSchema: z.ZodRawShape;
  /** Changes the repository: listed and callable only with `--allow-writes`. */
  readonly writes: boolean;
}

export const MCP_TOOLS = {
  spectask_fleet_status: {
    title: 'SpecTask fleet status',
    description:
      'Every SpecTask with its status, checklist progress and whether an agent works on it, and the count per phase.',
    inputSchema: {},
    writes: false,
  },
  spectask_get_documents: {
    title: 'Read SpecTask documents',
    description:
      "A SpecTask's requirements.md, design.md and tasks.md, each with its version (needed to write it back).",
    inputSchema: taskRef,
    writes: false,
  },
  spectask_create: {
    title: 'Create SpecTask',
    description:
      'Creates a SpecTask (requirements.md, design.md, tasks.md on the design-docs branch). start=plan queues it for planning by an agent; backlog (default) waits for a person.',
    inputSchema: {
      title: z.string().max(input.MAX_TITLE_LENGTH).describe('One line'),
      prompt: z.string().max(input.MAX_PROMPT_LENGTH).optional().describe('The goal and details to plan from'),
      priority: z.enum(['low', 'medium', 'high', 'critical']).optional(),
      start: z.enum(['backlog', 'plan']).optional(),
      repoRoot: taskRef.repoRoot,
    },
    writes: true,
  },
  spectask_request_changes: {
    title: 'Request changes to a SpecTask',
    description:
      'In spec review: a review comment on a document line, sent to the planning agent. In implementation review: the comment goes to the implementing agent.',
    inputSchema: {
      ...taskRef,
      comment: z.string().max(input.MAX_COMMENT_LENGTH),
      document: documentName.optional().describe('Spec review: the document the comment is about'),
      line: z.number().int().min(1).optional(),
      quote: z.string().max(input.MAX_QUOTE_LENGTH).optional(),
    },
    writes: true,
  },
  spectask_start_planning: {
    title: 'Start planning a SpecTask',
    description: 'Queues a backlog SpecTask for planning by an agent.',
    inputSchema: taskRef,
    writes: true,
  },
  spectask_approve: {
    title: 'Approve a SpecTask spec',
    description: 'Approves the spec of a SpecTask in spec review; it is then queued for implementation.',
    inputSchema: { ...taskRef, note: z.string().max(input.MAX_NOTE_LENGTH).optional() },
    writes: true,
  },
  spectask_accept: {
    title: 'Accept a SpecTask implementation',
    description:
      'Puts a reviewed implementation in the integration queue (rebased, tested, fast-forwarded by the orchestrator).',
    inputSchema: taskRef,
    writes: true,
  },
  spectask_write_document: {
    title: 'Write a SpecTask document',
    description:
      'Replaces requirements.md, design.md or tasks.md and commits it. Refused while an agent works on the SpecTask and when the document changed since it was read (expectedVersion).',
    inputSchema: {
      ...taskRef,
      document: documentName,
      content: z.string(),
      expectedVersion: z.string().max(40).describe('The version spectask_get_documents returned'),
    },
    writes: true,
  },
} as const satisfies Record<string, ToolSpec>;

export type McpToolName = keyof typeof MCP_TOOLS;

export const WRITE_TOOLS: ReadonlySet<string> = new Set(
  Object.entries(MCP_TOOLS)
    .filter(([, t]) => t.writes)
    .map(([name]) => name),
);
