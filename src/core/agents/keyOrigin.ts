/**
 * Where the OpenAI-compatible API key may go. The key is bound to the origin (scheme://host:port) of the base
 * URL it was entered for, so a base URL changed later (by a repository, a teammate or a typo) never receives
 * it; and it never travels over plain http except to this machine (loopback).
 */

/** What SecretStorage holds: the key and the origin it was entered for. */
export interface StoredApiKey {
  key: string;
  /** `undefined` for a key stored before keys were bound to an origin. */
  origin?: string;
}

/** `scheme://host:port` of an http(s) URL (default ports omitted, as URL.origin does), else undefined. */
export function urlOrigin(url: string): string | undefined {
  try {
    const u = new URL(url.trim());
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : undefined;
  } catch {
    return undefined;
  }
}

/** `localhost`, 127.0.0.0/8 and ::1 (a hostname as URL parses it: IPv6 in brackets, IPv4 normalised). */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/\.$/, '');
  if (h === 'localhost' || h === '[::1]' || h === '::1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** Why a key must not go over plain http to `url`, or undefined when it may (https, or http to loopback). */
export function plainHttpProblem(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    return `the API key is not sent: ${url} is not a valid URL.`;
  }
  if (u.protocol === 'https:') return undefined;
  if (u.protocol !== 'http:') return `the API key is not sent: ${u.protocol} is not http or https.`;
  if (isLoopbackHost(u.hostname)) return undefined;
  return `the API key is not sent over plain http to ${u.host} (anyone on the network could read it): use https, or an endpoint on this machine (localhost, 127.0.0.1, ::1).`;
}

/** Whether the stored key may be sent to `url`: `{ ok: true }` or the reason it may not, for the user. */
export function keyMayGoTo(stored: StoredApiKey, url: string): { ok: true } | { ok: false; problem: string } {
  const target = urlOrigin(url);
  if (!target) return { ok: false, problem: `the API key is not sent: ${url} is not an http(s) URL.` };
  if (!stored.origin)
    return {
      ok: false,
      problem: `the stored API key does not say which endpoint it was entered for; enter it again for ${target} (Configure Agent Back-ends).`,
    };
  if (stored.origin !== target)
    return {
      ok: false,
      problem: `the stored API key was entered for ${stored.origin}; enter it again for ${target} (Configure Agent Back-ends).`,
    };
  const http = plainHttpProblem(url);
  return http ? { ok: false, problem: http } : { ok: true };
}

/** The SecretStorage value for a key entered for `baseUrl`. */
export function encodeStoredKey(key: string, baseUrl: string): string {
  return JSON.stringify({ key, origin: urlOrigin(baseUrl) });
}

/** Reads a SecretStorage value; a bare string (stored before origins were recorded) has no origin. */
export function decodeStoredKey(raw: string | undefined): StoredApiKey | undefined {
  if (!raw) return undefined;
  try {
    const v = JSON.parse(raw) as unknown;
    if (v && typeof v === 'object' && typeof (v as StoredApiKey).key === 'string' && (v as StoredApiKey).key) {
      const origin = (v as StoredApiKey).origin;
      return { key: (v as StoredApiKey).key, origin: typeof origin === 'string' ? origin : undefined };
    }
  } catch {
    // not JSON: a key stored by an earlier version
  }
  return { key: raw };
}
