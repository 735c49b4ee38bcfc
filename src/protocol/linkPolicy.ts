/** Where a link from the dashboard may lead; anything else is refused. */
export type LinkTarget =
  | { kind: 'web'; url: string }
  /** A workspace-relative or absolute file path with an optional 1-based line (`src/a.ts#L12`). */
  | { kind: 'file'; path: string; line?: number };

/**
 * Classifies a link the webview asks the host to open (house rule 8). Only http(s) URLs and plain file
 * paths pass; `javascript:`, `command:`, `data:`, `file:` URIs and other schemes are refused. The host
 * still checks that a file lies inside a workspace folder before opening it.
 */
export function classifyLink(href: string): LinkTarget | undefined {
  const h = href.trim();
  if (h.length === 0 || /[\u0000-\u001f\u007f]/.test(h)) return undefined;
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(h)?.[1];
  // A single letter before ':' is a Windows drive, not a scheme.
  if (scheme && scheme.length > 1) {
    if (!/^https?$/i.test(scheme)) return undefined;
    try {
      const u = new URL(h);
      return u.hostname ? { kind: 'web', url: u.toString() } : undefined;
    } catch {
      return undefined;
    }
  }
  if (h.startsWith('//')) return undefined; // protocol-relative: a web host in disguise
  const m = /^(.*?)(?:#L(\d+))?$/.exec(h)!;
  let path: string;
  try {
    path = decodeURI(m[1]);
  } catch {
    return undefined;
  }
  if (path.length === 0) return undefined;
  return m[2] ? { kind: 'file', path, line: Number(m[2]) } : { kind: 'file', path };
}
