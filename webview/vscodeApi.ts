import type { WebviewToHost } from '../src/protocol/messages';

/** The one seam to VS Code's webview API; components never call acquireVsCodeApi themselves. */
export interface HostApi {
  postMessage(message: WebviewToHost): void;
  getState<T>(): T | undefined;
  setState<T>(state: T): void;
}

declare function acquireVsCodeApi(): { postMessage(m: unknown): void; getState(): unknown; setState(s: unknown): void };

let api: HostApi | undefined;
export function getHost(): HostApi {
  if (!api) {
    const raw = acquireVsCodeApi(); // may be called once per page
    api = {
      postMessage: (m) => raw.postMessage(m),
      getState: <T>() => raw.getState() as T | undefined,
      setState: (s) => raw.setState(s),
    };
  }
  return api;
}
