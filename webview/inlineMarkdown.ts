import MarkdownIt from 'markdown-it';
import { classifyLink } from '../src/protocol/linkPolicy';

/** Inline markdown as plain data: text, code spans, emphasis and links. Never HTML. */
export type InlineNode =
  | string
  | { kind: 'code'; text: string }
  | { kind: 'strong' | 'em' | 's' | 'plain'; children: InlineNode[] }
  | { kind: 'link'; href: string; children: InlineNode[] };

// html:false: raw HTML in an agent's or document's text stays literal text (house rule 8). Only the
// inline rules a checklist line needs are on; linkify is off so bare text is never turned into a link.
const md = new MarkdownIt('zero', { html: false, linkify: false, typographer: false }).enable([
  'backticks',
  'emphasis',
  'strikethrough',
  'link',
  'escape',
  'entity',
]);

const cache = new Map<string, InlineNode[]>();
const CACHE_LIMIT = 4000;

/**
 * Parses one line of inline markdown with markdown-it into InlineNodes. Links whose target the host
 * would refuse (see classifyLink) become plain text. Results are cached: the same checklist lines
 * arrive with every snapshot.
 */
export function parseInline(text: string): InlineNode[] {
  const hit = cache.get(text);
  if (hit) return hit;
  const root: InlineNode[] = [];
  const stack: InlineNode[][] = [root];
  const top = () => stack[stack.length - 1];
  for (const t of md.parseInline(text, {})[0]?.children ?? []) {
    switch (t.type) {
      case 'text':
        if (t.content) top().push(t.content); // markdown-it leaves empty text tokens around delimiters
        break;
      case 'softbreak':
      case 'hardbreak':
        top().push(' ');
        break;
      case 'code_inline':
        top().push({ kind: 'code', text: t.content });
        break;
      case 'strong_open':
      case 'em_open':
      case 's_open': {
        const node = { kind: t.type.slice(0, -5) as 'strong' | 'em' | 's', children: [] as InlineNode[] };
        top().push(node);
        stack.push(node.children);
        break;
      }
      case 'link_open': {
        const href = String(t.attrGet('href') ?? '');
        const children: InlineNode[] = [];
        // A refused link keeps its text but is not clickable.
        if (classifyLink(href)) top().push({ kind: 'link', href, children });
        else top().push({ kind: 'plain', children });
        stack.push(children);
        break;
      }
      case 'strong_close':
      case 'em_close':
      case 's_close':
      case 'link_close':
        if (stack.length > 1) stack.pop();
        break;
      default:
        // Anything else (an entity already decoded into text, an image): keep its text content.
        if (t.content) top().push(t.content);
    }
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(text, root);
  return root;
}
