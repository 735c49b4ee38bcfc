import type * as http from 'node:http';
import { FakeServer, jsonReply, type FakeApi } from './fakeServer';

/**
 * A fake model API that accepts exactly one credential, like the real services: a Claude Code login token
 * (`Authorization: Bearer sk-ant-oat01-…` from ~/.claude/.credentials.json), a Codex login's key
 * (`Authorization: Bearer …` from ~/.codex/auth.json), or a Gemini key (`x-goog-api-key` / `?key=`). Anything
 * else gets a 401 in a shape every CLI reads as "authentication failed". Test fixtures only.
 */
export interface Credential {
  bearer?: string;
  apiKey?: string;
  googKey?: string;
}

/** What the checking fake saw: requests with the expected credential, and requests it refused. */
export interface CredentialLog {
  accepted: number;
  refused: { path: string; presented: string }[];
}

function presented(req: http.IncomingMessage): { kind: keyof Credential | 'none'; value: string } {
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && /^Bearer /i.test(auth)) return { kind: 'bearer', value: auth.slice(7) };
  const apiKey = req.headers['x-api-key'];
  if (typeof apiKey === 'string') return { kind: 'apiKey', value: apiKey };
  const goog = req.headers['x-goog-api-key'] ?? /[?&]key=([^&]+)/.exec(req.url ?? '')?.[1];
  if (typeof goog === 'string') return { kind: 'googKey', value: decodeURIComponent(goog) };
  return { kind: 'none', value: '' };
}

/** Wraps `api` so that only `accept` gets through; the returned log counts what arrived. */
export function requireCredential(api: FakeApi, accept: Credential): { api: FakeApi; log: CredentialLog } {
  const log: CredentialLog = { accepted: 0, refused: [] };
  return {
    log,
    api: {
      handle(req, body, res, ctx) {
        // Claude Code probes the server with HEAD / first; that carries no credential and needs none.
        if (req.method === 'HEAD') return api.handle(req, body, res, ctx);
        const p = presented(req);
        if (p.kind !== 'none' && accept[p.kind] === p.value) {
          log.accepted++;
          return api.handle(req, body, res, ctx);
        }
        log.refused.push({ path: req.url ?? '', presented: `${p.kind}:${p.value.slice(0, 12)}…` });
        return jsonReply(res, 401, {
          type: 'error',
          error: {
            type: 'authentication_error',
            code: 401,
            status: 'UNAUTHENTICATED',
            message: 'invalid credential (the fake accepts only the login under test)',
          },
        });
      },
    },
  };
}

/** Starts `api` in `dir`, accepting only `accept`. */
export async function startCheckedFake(
  api: FakeApi,
  dir: string,
  name: string,
  accept: Credential,
): Promise<{ fake: FakeServer; log: CredentialLog }> {
  const checked = requireCredential(api, accept);
  return { fake: await FakeServer.start(checked.api, dir, name), log: checked.log };
}
