import * as path from 'node:path';
import type { ParsedArgs } from './cliArgs';
import type { McpIO } from './mcp/serveMcp';

/**
 * `spectask mcp [--allow-writes]`: runs the command from its own bundle next to this one (dist/mcp.js, see
 * esbuild.mjs). The file name is built at run time so that esbuild does not pull the bundle into the CLI's.
 */
export function mcpCommand(args: ParsedArgs, io: McpIO): Promise<number> {
  const file = path.join(__dirname, ['mcp', 'js'].join('.'));
  let bundle: typeof import('./mcp/mcpBundle');
  try {
    bundle = require(file) as typeof import('./mcp/mcpBundle');
  } catch (e) {
    throw new Error(`the MCP server is not built next to the CLI (${file}): run 'npm run build' (${String(e)})`);
  }
  return bundle.serveMcp(args, io);
}
