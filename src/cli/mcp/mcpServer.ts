import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { SpecTaskService } from '../../core/service/specTaskService';
import { parseDocumentName, ServiceInputError } from '../../core/service/serviceInput';
import { PRODUCT_VERSION } from '../../core/version';
import { MCP_TOOLS, WRITE_TOOLS, type McpToolName } from './mcpTools';

export interface McpServerOptions {
  /** List and run the tools that change the repository. */
  readonly allowWrites: boolean;
  /** Reads the SpecTasks again before a read, so the answer includes what others changed meanwhile. */
  readonly refresh: () => Promise<void>;
}

export const FLEET_RESOURCE = 'spectask://fleet';
const DOCUMENT_TEMPLATE = 'spectask://tasks/{taskId}/{document}';

export const readOnlyRefusal = (tool: string) =>
  `${tool} changes the repository, and this server is read-only: start it with \`spectask mcp --allow-writes\` to allow it`;

/** The `spectask mcp` server over `service`: the tools of mcpTools.ts and the fleet and documents as resources. */
export function createMcpServer(service: SpecTaskService, opts: McpServerOptions): McpServer {
  const server = new McpServer({ name: 'spectask', version: PRODUCT_VERSION });
  const run: Record<McpToolName, (args: Record<string, unknown>) => Promise<unknown>> = {
    spectask_fleet_status: async () => {
      await opts.refresh();
      return { tasks: service.listSpecTasks(), counts: service.fleetSnapshot().counts };
    },
    spectask_get_documents: async (a) => {
      await opts.refresh();
      return service.getDocuments(a);
    },
    spectask_create: (a) => service.createSpecTask(a),
    spectask_request_changes: (a) => service.requestChanges(a),
    spectask_start_planning: (a) => service.startPlanning(a),
    spectask_approve: (a) => service.approve(a),
    spectask_accept: (a) => service.accept(a),
    spectask_write_document: (a) => service.writeDocument(a),
  };
  for (const [name, spec] of Object.entries(MCP_TOOLS) as [McpToolName, (typeof MCP_TOOLS)[McpToolName]][]) {
    const tool = server.registerTool(
      name,
      {
        title: spec.title,
        description: spec.description,
        inputSchema: spec.inputSchema,
        annotations: { readOnlyHint: !spec.writes, destructiveHint: false, openWorldHint: false },
      },
      async (args: Record<string, unknown>): Promise<CallToolResult> => {
        try {
          return { content: [{ type: 'text', text: JSON.stringify(await run[name](args), null, 2) }] };
        } catch (e) {
          const why = e instanceof ServiceInputError ? 'invalid arguments: ' : '';
          return { isError: true, content: [{ type: 'text', text: `${name}: ${why}${(e as Error).message}` }] };
        }
      },
    );
    if (spec.writes && !opts.allowWrites) tool.disable();
  }

  server.registerResource(
    'fleet',
    FLEET_RESOURCE,
    { title: 'SpecTask fleet', description: 'The fleet snapshot the dashboard shows', mimeType: 'application/json' },
    async (uri) => {
      await opts.refresh();
      return {
        contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(service.fleetSnapshot()) }],
      };
    },
  );
  server.registerResource(
    'document',
    new ResourceTemplate(DOCUMENT_TEMPLATE, {
      list: async () => {
        await opts.refresh();
        return {
          resources: service.listSpecTasks().flatMap((t) =>
            (['requirements.md', 'design.md', 'tasks.md'] as const).map((d) => ({
              uri: `spectask://tasks/${t.id}/${d}`,
              name: `${t.number} ${t.title}: ${d}`,
              mimeType: 'text/markdown',
            })),
          ),
        };
      },
    }),
    { title: 'SpecTask document', description: "A SpecTask's design document", mimeType: 'text/markdown' },
    async (uri, vars) => {
      await opts.refresh();
      const name = parseDocumentName(vars.document);
      const docs = await service.getDocuments({ taskId: vars.taskId });
      const doc = docs.documents.find((d) => d.name === name);
      if (!doc) throw new Error(`SpecTask ${docs.task.number} has no ${name}`);
      return { contents: [{ uri: uri.href, mimeType: 'text/markdown', text: doc.content }] };
    },
  );
  return server;
}

/**
 * Connects `server` to `transport`. A read-only server does not list the write tools; a client that calls one
 * anyway gets a tool error saying how to allow it (the SDK alone would answer "disabled").
 */
export async function connectMcpServer(server: McpServer, transport: Transport, allowWrites: boolean): Promise<void> {
  await server.connect(transport);
  if (allowWrites) return;
  const deliver = transport.onmessage!;
  transport.onmessage = (message, extra) => {
    const m = message as { id?: string | number; method?: string; params?: { name?: unknown } };
    if (m.method === 'tools/call' && m.id !== undefined && WRITE_TOOLS.has(String(m.params?.name))) {
      const result: CallToolResult = {
        isError: true,
        content: [{ type: 'text', text: readOnlyRefusal(String(m.params?.name)) }],
      };
      void transport.send({ jsonrpc: '2.0', id: m.id, result });
      return;
    }
    deliver(message, extra);
  };
}
