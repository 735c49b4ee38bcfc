import type { FleetSnapshot } from './fleet';

/** Bumped whenever a message shape changes; the host ignores a webview speaking another version. */
export const PROTOCOL_VERSION = 1;

export type HostToWebview = { type: 'fleet/snapshot'; rev: number; snapshot: FleetSnapshot };

export type WebviewToHost =
  | { type: 'webview/ready'; protocol: number }
  | { type: 'command/run'; command: 'spectask.tasks.refresh' };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Host-side boundary check: anything from the webview is `unknown` until this passes. Rebuilds the
 * object instead of casting, so extra fields never leak through.
 */
export function parseWebviewMessage(raw: unknown): WebviewToHost | undefined {
  if (!isRecord(raw)) return undefined;
  switch (raw.type) {
    case 'webview/ready':
      return isNum(raw.protocol) ? { type: 'webview/ready', protocol: raw.protocol } : undefined;
    case 'command/run':
      return raw.command === 'spectask.tasks.refresh' ? { type: 'command/run', command: raw.command } : undefined;
    default:
      return undefined;
  }
}

export function assertNever(x: never): never {
  throw new Error(`unhandled message: ${JSON.stringify(x)}`);
}
