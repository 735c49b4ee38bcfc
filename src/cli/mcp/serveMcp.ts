import * as path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { GitQueueRegistry } from '../../core/git/gitQueue';
import { createProcessBackends } from '../../core/orchestrator/backends';
import { openOrchestrator } from '../../core/orchestrator/openOrchestrator';
import { SpecTaskService } from '../../core/service/specTaskService';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { connectMcpServer, createMcpServer } from './mcpServer';
import { allowOnly, expectPositionals, optionValue, type ParsedArgs } from '../cliArgs';
import type { CliIO } from '../designDocsCommands';
import { backendConfigFromArgs, ORCHESTRATOR_OPTIONS, settingsFromArgs } from '../orchestratorSettings';

export interface McpIO extends CliIO {
  err?: NodeJS.WritableStream;
  /** The protocol's input (default: this process's stdin). */
  in?: NodeJS.ReadableStream;
  env?: NodeJS.ProcessEnv;
  interrupted?: Promise<void>;
}

/**
 * `spectask mcp [--allow-writes]`: the repository's SpecTasks as an MCP server on stdin/stdout, until the client
 * closes stdin. Only the protocol goes to stdout; log lines go to stderr. Like the one-shot commands it starts no
 * agent: a SpecTask it creates or queues is run by `spectask run` or VS Code.
 */
export async function serveMcp(args: ParsedArgs, io: McpIO): Promise<number> {
  allowOnly(args, ['repo', 'branch', 'push', 'allow-writes', ...ORCHESTRATOR_OPTIONS]);
  expectPositionals(args, 0, 'spectask mcp [--allow-writes] [--repo <path>]');
  const allowWrites = args.options.has('allow-writes');
  const env = io.env ?? process.env;
  const settings = settingsFromArgs(args, env);
  const backendCfg = backendConfigFromArgs(args, env);
  const registry = new GitQueueRegistry();
  const opened = await openOrchestrator(path.resolve(io.cwd, optionValue(args, 'repo') ?? '.'), {
    registry,
    backends: createProcessBackends(backendCfg),
    host: backendCfg.host,
    settings: () => settings,
    branch: optionValue(args, 'branch'),
    // Read-only, the server does not even create the design-docs branch.
    createBranch: allowWrites,
    push: args.options.has('push'),
    log: (level, m) => level !== 'info' && io.err?.write(`spectask mcp: ${level}: ${m}\n`),
    mayRunAgents: () => 'waiting for `spectask run` (or VS Code) to start an agent',
  });
  try {
    await opened.orchestrator.load();
    const repo = { root: opened.docs.repo.root, docs: opened.docs, orchestrator: opened.orchestrator };
    const service = new SpecTaskService(() => [repo]);
    const input = (io.in ?? process.stdin) as Readable;
    const server = createMcpServer(service, { allowWrites, refresh: () => opened.orchestrator.load() });
    const closed = new Promise<void>((resolve) => {
      input.once('end', resolve);
      input.once('close', resolve);
      void io.interrupted?.then(resolve);
    });
    await connectMcpServer(server, new StdioServerTransport(input, io.out as Writable), allowWrites);
    io.err?.write(`spectask mcp: serving ${repo.root} (${allowWrites ? 'read and write' : 'read-only'})\n`);
    await closed;
    await server.close();
    return 0;
  } finally {
    opened.dispose();
    await registry.forRepo(opened.docs.repo.root).whenIdle();
    registry.dispose();
  }
}
