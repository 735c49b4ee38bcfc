import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { OpenAiChatModel } from '../../../src/core/agents/openAiChatModel';
import { OpenAiCompatBackend } from '../../../src/core/agents/openAiCompatBackend';

// Issue 18 items 2 and 9: the availability probe never sends the key (a base URL set by a repository used to
// receive it on activation), a request naming another endpoint does not inherit the configured key, and the
// key never goes over plain http to another machine.
const KEY = 'sk-probe-must-not-travel-5d1e';

describe('OpenAI-compatible API key transport', () => {
  let server: http.Server;
  let baseUrl: string;
  let dir: string;
  const seen: { url: string; headers: http.IncomingHttpHeaders }[] = [];
  beforeEach(async () => {
    seen.length = 0;
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'keyxport-')));
    server = http.createServer((req, res) => {
      seen.push({ url: req.url ?? '', headers: req.headers });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":[]}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterEach(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('probes the endpoint without the API key or the configured headers', async () => {
    const backend = new OpenAiCompatBackend({
      endpoint: { baseUrl, apiKey: KEY, headers: { 'x-api-key': KEY } },
      model: 'local',
    });
    const probe = await backend.probe();
    assert.equal(probe.available, true, probe.problem);
    assert.equal(seen.length, 1, 'the probe reached the server');
    assert.equal(seen[0]!.url, '/v1/models');
    assert.equal(seen[0]!.headers.authorization, undefined, 'no Authorization header');
    assert.ok(!JSON.stringify(seen[0]!.headers).includes(KEY), `the key is in the probe's headers`);
  });

  it('does not give the configured key to a request that names another endpoint', async () => {
    const sent: string[] = [];
    const recordingFetch = (async (url: string | URL | Request, init?: RequestInit) => {
      sent.push(`${String(url)} ${(init?.headers as Record<string, string>)?.authorization ?? ''}`);
      return new Response('{"error":{"message":"no"}}', { status: 500 });
    }) as typeof fetch;
    const backend = new OpenAiCompatBackend({
      endpoint: { baseUrl: 'https://api.example.com/v1', apiKey: KEY },
      model: 'm',
      fetch: recordingFetch,
    });
    const run = backend.start({
      taskId: 't',
      worktree: dir,
      prompt: 'go',
      permissions: { mode: 'edit' },
      stateDir: path.join(dir, 'state'),
      endpoint: { baseUrl: 'https://elsewhere.example.net/v1' },
    });
    await run.finished;
    assert.ok(sent.length > 0, 'the run made a request');
    assert.ok(
      sent.every((s) => s.startsWith('https://elsewhere.example.net/') && !s.includes(KEY)),
      sent.join('\n'),
    );
  });

  it('refuses to send a key over plain http to a non-loopback host, before any request', async () => {
    let calls = 0;
    const chat = new OpenAiChatModel({
      baseUrl: 'http://gpu-box.lan:8000/v1',
      apiKey: KEY,
      model: 'm',
      fetch: (async () => (calls++, new Response('', { status: 500 }))) as typeof fetch,
    });
    await assert.rejects(async () => {
      for await (const _ of chat.stream([{ role: 'user', content: 'hi' }], [], new AbortController().signal));
    }, /not sent over plain http to gpu-box\.lan:8000/);
    assert.equal(calls, 0, 'no request was made');
  });

  it('still sends the key over http to a loopback endpoint (a local model server)', async () => {
    const chat = new OpenAiChatModel({ baseUrl, apiKey: KEY, model: 'm' });
    // The recording server answers JSON, not a stream, so nothing is yielded; only the header matters here.
    for await (const _ of chat.stream([{ role: 'user', content: 'hi' }], [], new AbortController().signal));
    assert.equal(seen[0]?.headers.authorization, `Bearer ${KEY}`);
  });
});
