import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import * as path from 'node:path';

/**
 * Plumbing shared by the fake model servers (agent-backends.md §5): 127.0.0.1 on an ephemeral port, a script
 * re-read from disk on every request (so a test can change it between runs), the reply chosen from the
 * request itself (stateless, so one script spans a resume), and a JSONL request log for assertions.
 * Test fixtures only; nothing here ships.
 */

/** One scripted model turn. */
export interface ScriptTurn {
  text?: string;
  /** A tool call, in the back-end's own tool vocabulary (claude `Write`, gemini `write_file`, …). */
  tool?: { name: string; input: Record<string, unknown> };
  /** Answer with this HTTP error instead. */
  error?: { status: number; type?: string; message: string };
  /** Never answer (the agent hangs until it is timed out or cancelled). */
  hang?: boolean;
}

/** What the log records per request. */
export interface LoggedRequest {
  method: string;
  path: string;
  turn?: number;
  side?: boolean;
  model?: string;
  tools?: string[];
  auth?: 'x-api-key' | 'bearer' | 'goog-key' | 'none';
  /** The last message or tool output the agent sent, as text (what the model "sees"). */
  last?: string;
  stream?: boolean;
}

export interface FakeApi {
  /** Answers one request; `ctx.turn(i)` gives the scripted turn i (undefined past the end). */
  handle(req: http.IncomingMessage, body: unknown, res: http.ServerResponse, ctx: FakeContext): void;
}

export interface FakeContext {
  turn(i: number): ScriptTurn | undefined;
  log(entry: Omit<LoggedRequest, 'method' | 'path'>): void;
}

/** A running fake server. */
export class FakeServer {
  private readonly sockets = new Set<Socket>();
  private constructor(
    private readonly server: http.Server,
    readonly url: string,
    readonly scriptFile: string,
    readonly logFile: string,
  ) {
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  static async start(api: FakeApi, dir: string, name: string): Promise<FakeServer> {
    fs.mkdirSync(dir, { recursive: true });
    const scriptFile = path.join(dir, `${name}.script.json`);
    const logFile = path.join(dir, `${name}.requests.jsonl`);
    fs.writeFileSync(scriptFile, '[]');
    fs.writeFileSync(logFile, '');
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = raw ? JSON.parse(raw) : undefined;
        } catch {
          body = undefined;
        }
        if (raw) fs.writeFileSync(`${logFile}.last-body.json`, raw);
        const ctx: FakeContext = {
          turn: (i) => (JSON.parse(fs.readFileSync(scriptFile, 'utf8')) as ScriptTurn[])[i],
          log: (entry) =>
            fs.appendFileSync(logFile, `${JSON.stringify({ method: req.method, path: req.url, ...entry })}\n`),
        };
        try {
          api.handle(req, body, res, ctx);
        } catch (err) {
          res
            .writeHead(500, { 'content-type': 'application/json' })
            .end(JSON.stringify({ error: { message: String(err) } }));
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    return new FakeServer(server, `http://127.0.0.1:${port}`, scriptFile, logFile);
  }

  setScript(turns: ScriptTurn[]): void {
    fs.writeFileSync(this.scriptFile, JSON.stringify(turns, null, 2));
  }

  requests(): LoggedRequest[] {
    return fs
      .readFileSync(this.logFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as LoggedRequest);
  }

  /** Scripted (non-side) model requests only. */
  modelRequests(): LoggedRequest[] {
    return this.requests().filter((r) => r.turn !== undefined && !r.side);
  }

  clearLog(): void {
    fs.writeFileSync(this.logFile, '');
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy(); // hanging responses would keep close() waiting forever
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Writes one server-sent event. */
export function sse(res: http.ServerResponse, data: unknown, event?: string): void {
  res.write(`${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
}

export function startSse(res: http.ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
}

export function jsonReply(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** Text of anything message-shaped, for the log. */
export function textOf(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(textOf).join(' ');
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    for (const k of ['text', 'content', 'output', 'response', 'parts', 'functionResponse'])
      if (k in o) return textOf(o[k]);
  }
  return v === undefined || v === null ? '' : JSON.stringify(v);
}
