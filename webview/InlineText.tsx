import type { ComponentChildren } from 'preact';
import type { HostApi } from './vscodeApi';
import { parseInline, type InlineNode } from './inlineMarkdown';

function render(nodes: InlineNode[], host: HostApi): ComponentChildren {
  return nodes.map((n, i) => {
    if (typeof n === 'string') return n; // Preact renders strings as text nodes, never as markup
    switch (n.kind) {
      case 'code':
        return <code key={i}>{n.text}</code>;
      case 'strong':
        return <strong key={i}>{render(n.children, host)}</strong>;
      case 'em':
        return <em key={i}>{render(n.children, host)}</em>;
      case 's':
        return <s key={i}>{render(n.children, host)}</s>;
      case 'plain':
        return <span key={i}>{render(n.children, host)}</span>;
      case 'link':
        return (
          <a
            key={i}
            href={n.href}
            title={n.href}
            onClick={(e) => {
              // The webview never navigates; the host decides whether and how to open it.
              e.preventDefault();
              host.postMessage({ type: 'link/open', href: n.href });
            }}
            onAuxClick={(e) => {
              // A middle click fires no click event; left alone, the browser opens the link in a new tab.
              if (e.button !== 1) return;
              e.preventDefault();
              host.postMessage({ type: 'link/open', href: n.href });
            }}
          >
            {render(n.children, host)}
          </a>
        );
    }
  });
}

/** A line of inline markdown from an agent or a document, rendered as text (no HTML, links via the host). */
export function InlineText({ text, host }: { text: string; host: HostApi }) {
  return <>{render(parseInline(text), host)}</>;
}
