import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main';
import { startAnthropicFake } from './fakes/anthropicFake';
import type { FakeServer } from './fakes/fakeServer';
import { agentCli } from './support/agentClis';
import { makeTempRepo, type TempRepo } from './support/tempRepo';

const CLI = path.resolve('dist/cli.js');

/** `spectask list --json` in-process: the SpecTasks on the design-docs branch. */
async function listTitles(root: string): Promise<string[]> {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d) => (text += d));
  assert.equal(await main(['list', '--json', '--repo', root], out, new PassThrough(), root), 0);
  return (JSON.parse(text) as { tasks: { title: string }[] }).tasks.map((t) => t.title);
}

// The real Claude Code with `spectask mcp --allow-writes` as its MCP server (--mcp-config), its model the Anthropic
// fake: the scripted model calls spectask_fleet_status, then spectask_create; the SpecTask must land on the branch.
describe('spectask mcp from the real Claude Code (fake Anthropic model)', function () {
  let fake: FakeServer;
  let repo: TempRepo;

  beforeEach(async () => {
    repo = makeTempRepo('mcp');
    fake = await startAnthropicFake(path.join(repo.scratch, 'fake'));
  });
  afterEach(async () => {
    await fake.close();
    repo.cleanup();
  });

  it('Claude Code lists the fleet and creates a SpecTask through the MCP tools', async () => {
    const bin = agentCli('claude');
    assert.equal(
      await main(['create', 'Existing work', '--repo', repo.root], new PassThrough(), new PassThrough(), repo.root),
      0,
    );
    const config = path.join(repo.scratch, 'mcp.json');
    fs.writeFileSync(
      config,
      JSON.stringify({
        mcpServers: {
          spectask: {
            type: 'stdio',
            command: process.execPath,
            args: [CLI, 'mcp', '--allow-writes', '--repo', repo.root],
          },
        },
      }),
    );
    fake.setScript([
      { text: 'Looking at the fleet.', tool: { name: 'mcp__spectask__spectask_fleet_status', input: {} } },
      {
        tool: {
          name: 'mcp__spectask__spectask_create',
          input: { title: 'Add CSV export', prompt: 'Export the audit log as CSV' },
        },
      },
      { text: 'Created it.' },
    ]);
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: repo.scratch, ANTHROPIC_BASE_URL: fake.url };
    for (const k of Object.keys(env)) if (k.startsWith('ANTHROPIC_') && k !== 'ANTHROPIC_BASE_URL') delete env[k];
    env.ANTHROPIC_API_KEY = `sk-ant-e2e-${randomUUID()}`;
    const args = [
      '-p',
      '--output-format',
      'json',
      '--setting-sources',
      'user',
      '--strict-mcp-config',
      '--mcp-config',
      config,
      '--allowedTools',
      'mcp__spectask__spectask_fleet_status,mcp__spectask__spectask_create',
      '--model',
      'fake-claude',
    ];
    const child = spawn(bin, args, { cwd: repo.root, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.stdin.end('Plan the CSV export as a SpecTask.');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 0, `claude exited ${code}: ${stderr.slice(-2000)} ${stdout.slice(-2000)}`);

    const requests = fake.modelRequests();
    // Claude Code defers MCP tools (ToolSearch), so they need not be in the first request's list; a call works.
    // What the model saw after each call: the fleet (with the existing SpecTask), then the created one.
    assert.match(requests[1]?.last ?? '', /Existing work/);
    assert.match(requests[2]?.last ?? '', /"title": "Add CSV export"/);
    assert.deepEqual(await listTitles(repo.root), ['Existing work', 'Add CSV export']);
  });
});
