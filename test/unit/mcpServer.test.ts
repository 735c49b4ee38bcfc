import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { runCli } from './cli/runCli';
import { cleanupTemp, GIT_ENV, makeRepo } from '../support/tempRepo';

// `spectask mcp` through the SDK's own client over stdio: the built CLI (dist/cli.js) as a child process, the
// way Claude Code, Codex or VS Code start it. Any byte on stdout that is not the protocol breaks the client's
// parser, which reports it through onerror: every test asserts that nothing did.
const CLI = path.resolve('dist/cli.js');

interface Connected {
  client: Client;
  errors: Error[];
  stderr: () => string;
}

async function connect(root: string, ...flags: string[]): Promise<Connected> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, 'mcp', '--repo', root, ...flags],
    env: GIT_ENV as Record<string, string>,
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (d) => (stderr += d));
  const client = new Client({ name: 'spectask-unit-test', version: '0' });
  const errors: Error[] = [];
  client.onerror = (e) => errors.push(e);
  await client.connect(transport);
  return { client, errors, stderr: () => stderr };
}

type ToolResult = { isError?: boolean; content: { type: string; text?: string }[] };
const textOf = (r: unknown) => (r as ToolResult).content.map((c) => c.text ?? '').join('');
const resourceText = (r: { contents: unknown[] }) => String((r.contents[0] as { text?: string }).text);
const call = async (c: Client, name: string, args: Record<string, unknown> = {}) =>
  (await c.callTool({ name, arguments: args })) as ToolResult;

describe('spectask mcp (MCP server over stdio)', function () {
  this.timeout(60_000);
  let open: Connected | undefined;
  afterEach(async () => {
    await open?.client.close();
    open = undefined;
  });
  after(cleanupTemp);

  it('read-only: lists and runs the read tools and resources, refuses writes and bad arguments clearly', async () => {
    const root = makeRepo();
    assert.equal((await runCli(root, 'create', 'Add login endpoint', '--prompt', 'Email and password')).code, 0);
    open = await connect(root);
    const { client } = open;

    const tools = (await client.listTools()).tools.map((t) => t.name).sort();
    assert.deepEqual(tools, ['spectask_fleet_status', 'spectask_get_documents']);

    const status = await call(client, 'spectask_fleet_status');
    assert.equal(status.isError, undefined, textOf(status));
    const fleet = JSON.parse(textOf(status));
    assert.deepEqual(
      fleet.tasks.map((t: { id: string; title: string; status: string }) => [t.id, t.title, t.status]),
      [['000001', 'Add login endpoint', 'backlog']],
    );
    assert.equal(fleet.counts.backlog, 1);

    const docs = JSON.parse(textOf(await call(client, 'spectask_get_documents', { taskId: '1' })));
    assert.deepEqual(
      docs.documents.map((d: { name: string }) => d.name),
      ['requirements.md', 'design.md', 'tasks.md'],
    );
    assert.match(docs.documents[0].content, /Email and password/);
    assert.match(docs.documents[0].version, /^[0-9a-f]{40}$/);

    // Bad arguments: a path for an id, a missing id, an unknown SpecTask.
    const traversal = await call(client, 'spectask_get_documents', { taskId: '../../etc' });
    assert.equal(traversal.isError, true);
    assert.match(textOf(traversal), /invalid arguments: taskId must be a SpecTask's id or number/);
    const missing = await call(client, 'spectask_get_documents', {});
    assert.equal(missing.isError, true);
    assert.match(textOf(missing), /Invalid arguments for tool spectask_get_documents/);
    const unknown = await call(client, 'spectask_get_documents', { taskId: '42' });
    assert.equal(unknown.isError, true);
    assert.match(textOf(unknown), /no SpecTask '42'/);

    // A write tool, though not listed, is refused with how to allow it; nothing is created.
    const create = await call(client, 'spectask_create', { title: 'Sneaky' });
    assert.equal(create.isError, true);
    assert.match(
      textOf(create),
      /spectask_create changes the repository, and this server is read-only.*--allow-writes/,
    );
    const list = JSON.parse((await runCli(root, 'list', '--json')).out);
    assert.deepEqual(
      list.tasks.map((t: { title: string }) => t.title),
      ['Add login endpoint'],
    );

    // Resources: the fleet snapshot and each document.
    const resources = (await client.listResources()).resources.map((r) => r.uri);
    assert.ok(resources.includes('spectask://fleet'), resources.join(', '));
    assert.ok(resources.includes('spectask://tasks/000001/design.md'), resources.join(', '));
    const snapshot = await client.readResource({ uri: 'spectask://fleet' });
    assert.equal(JSON.parse(resourceText(snapshot)).cards[0].title, 'Add login endpoint');
    const requirements = await client.readResource({ uri: 'spectask://tasks/000001/requirements.md' });
    assert.match(resourceText(requirements), /Email and password/);
    await assert.rejects(
      client.readResource({ uri: 'spectask://tasks/000001/spectask.json' }),
      /document must be one of/,
    );

    assert.deepEqual(open.errors, [], `stdout carried something besides the protocol; stderr: ${open.stderr()}`);
  });

  it('--allow-writes: creates, writes with a version check, starts planning; refuses hostile input', async () => {
    const root = makeRepo();
    open = await connect(root, '--allow-writes');
    const { client } = open;
    const tools = (await client.listTools()).tools.map((t) => t.name);
    for (const t of ['spectask_create', 'spectask_request_changes', 'spectask_write_document', 'spectask_accept'])
      assert.ok(tools.includes(t), `${t} in ${tools.join(', ')}`);

    const created = await call(client, 'spectask_create', { title: 'Password reset', prompt: 'By e-mail' });
    assert.equal(created.isError, undefined, textOf(created));
    const task = JSON.parse(textOf(created));
    assert.deepEqual([task.id, task.title, task.status], ['000001', 'Password reset', 'backlog']);
    const listed = JSON.parse((await runCli(root, 'list', '--json')).out);
    assert.deepEqual(
      listed.tasks.map((t: { title: string }) => t.title),
      ['Password reset'],
    );

    for (const [args, why] of [
      [{ title: 'two\nlines' }, /title must be one line/],
      [{ title: 'x'.repeat(201) }, /title|too_big|200/],
      [{ title: '   ' }, /title is empty/],
      [{ title: 'ok', priority: 'urgent' }, /priority/],
    ] as const) {
      const r = await call(client, 'spectask_create', args);
      assert.equal(r.isError, true, JSON.stringify(args));
      assert.match(textOf(r), why);
    }

    const docs = JSON.parse(textOf(await call(client, 'spectask_get_documents', { taskId: '000001' })));
    const design = docs.documents.find((d: { name: string }) => d.name === 'design.md');
    const write = (expectedVersion: string, content: string, document = 'design.md') =>
      call(client, 'spectask_write_document', { taskId: '1', document, content, expectedVersion });
    const written = await write(design.version, '# Design\n\nUse a signed token.\n');
    assert.equal(written.isError, undefined, textOf(written));
    const stale = await write(design.version, '# Design\n\nsomething else\n');
    assert.equal(stale.isError, true);
    assert.match(textOf(stale), /design.md of SpecTask 000001 changed since it was read/);
    const metadata = await write(design.version, '{}', 'spectask.json');
    assert.equal(metadata.isError, true);
    const again = JSON.parse(textOf(await call(client, 'spectask_get_documents', { taskId: '1' })));
    assert.equal(
      again.documents.find((d: { name: string }) => d.name === 'design.md').content,
      '# Design\n\nUse a signed token.\n',
    );

    const early = await call(client, 'spectask_request_changes', { taskId: '1', comment: 'More detail' });
    assert.equal(early.isError, true);
    assert.match(textOf(early), /is backlog: changes are requested in a review/);

    const started = await call(client, 'spectask_start_planning', { taskId: '1' });
    assert.equal(started.isError, undefined, textOf(started));
    assert.notEqual(JSON.parse(textOf(started)).status, 'backlog');

    assert.deepEqual(open.errors, [], `stdout carried something besides the protocol; stderr: ${open.stderr()}`);
  });
});
