import type * as http from 'node:http';
import {
  FakeServer,
  jsonReply,
  sse,
  startSse,
  textOf,
  type FakeApi,
  type FakeContext,
  type ScriptTurn,
} from './fakeServer';

interface GenerateBody {
  contents?: { role?: string; parts?: Record<string, unknown>[] }[];
  tools?: { functionDeclarations?: { name: string }[] }[];
}

/**
 * Gemini API fake: `…:streamGenerateContent?alt=sse` plays the script (turn index = number of `model`
 * entries, which stays right across a resume), `:generateContent` answers the CLI's side calls with JSON
 * text, `:countTokens` a count.
 */
export const geminiApi: FakeApi = {
  handle(req: http.IncomingMessage, body: unknown, res: http.ServerResponse, ctx: FakeContext) {
    const url = req.url ?? '';
    const model = /models\/([^:]+):/.exec(url)?.[1];
    const b = (body ?? {}) as GenerateBody;
    if (url.includes(':countTokens')) return jsonReply(res, 200, { totalTokens: 42 });
    const authKind = req.headers['x-goog-api-key'] || /[?&]key=/.test(url) ? 'goog-key' : 'none';
    if (url.includes(':generateContent')) {
      ctx.log({ side: true, model, auth: authKind });
      return jsonReply(res, 200, {
        candidates: [
          {
            content: {
              role: 'model',
              parts: [
                {
                  text: '{"reasoning":"fake","next_speaker":"user","complexity_reasoning":"fake","complexity_score":1}',
                },
              ],
            },
            finishReason: 'STOP',
            index: 0,
          },
        ],
        usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 5, totalTokenCount: 10 },
      });
    }
    if (!url.includes(':streamGenerateContent'))
      return jsonReply(res, 404, { error: { code: 404, message: `no route ${url}`, status: 'NOT_FOUND' } });
    const contents = b.contents ?? [];
    const tools = (b.tools ?? []).flatMap((t) => (t.functionDeclarations ?? []).map((f) => f.name));
    const turnIndex = contents.filter((c) => c.role === 'model').length;
    ctx.log({
      turn: turnIndex,
      side: tools.length === 0,
      model,
      tools,
      auth: authKind,
      last: textOf(contents.at(-1)?.parts).slice(0, 2000),
      stream: true,
    });
    const turn: ScriptTurn =
      tools.length === 0 ? { text: 'Fake side reply' } : (ctx.turn(turnIndex) ?? { text: 'Script finished.' });
    if (turn.hang) return;
    if (turn.error)
      return jsonReply(res, turn.error.status, {
        error: { code: turn.error.status, message: turn.error.message, status: turn.error.type ?? 'INVALID_ARGUMENT' },
      });
    const parts: Record<string, unknown>[] = [];
    if (turn.text) parts.push({ text: turn.text });
    if (turn.tool) parts.push({ functionCall: { name: turn.tool.name, args: turn.tool.input } });
    startSse(res);
    sse(res, {
      candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }],
      usageMetadata: { promptTokenCount: 400 + turnIndex, candidatesTokenCount: 50, totalTokenCount: 450 + turnIndex },
      modelVersion: model,
    });
    res.end();
  },
};

/** Starts the Gemini fake in `dir`. */
export function startGeminiFake(dir: string): Promise<FakeServer> {
  return FakeServer.start(geminiApi, dir, 'gemini');
}
