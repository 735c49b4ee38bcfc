import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { z } from 'zod';
import { MCP_TOOLS } from '../../src/cli/mcp/mcpTools';

// The Language Model tools (package.json, read by VS Code) and the MCP tools (mcpTools.ts) are the same tools:
// a model sees the same names and arguments on either surface.
describe('Language Model tools in package.json match the MCP tools', () => {
  const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8'));
  const contributed: { name: string; inputSchema: { properties: object; required?: string[] } }[] =
    pkg.contributes.languageModelTools;

  it('contributes the four tools of the issue', () => {
    assert.deepEqual(contributed.map((t) => t.name).sort(), [
      'spectask_create',
      'spectask_fleet_status',
      'spectask_get_documents',
      'spectask_request_changes',
    ]);
  });

  for (const tool of contributed)
    it(`${tool.name}: same arguments, same required ones`, () => {
      const shape = MCP_TOOLS[tool.name as keyof typeof MCP_TOOLS]?.inputSchema as z.ZodRawShape | undefined;
      assert.ok(shape, `${tool.name} is not an MCP tool`);
      const schema = z.toJSONSchema(z.object(shape)) as { properties?: object; required?: string[] };
      assert.deepEqual(Object.keys(tool.inputSchema.properties).sort(), Object.keys(schema.properties ?? {}).sort());
      assert.deepEqual((tool.inputSchema.required ?? []).sort(), (schema.required ?? []).sort());
    });
});
