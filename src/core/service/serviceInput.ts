// The boundary check of everything the public surfaces take (the extension API, Language Model tools, the MCP
// server): the caller is another extension, a model or an MCP client, so every value is untrusted, as a webview
// message is (src/protocol/messages.ts). Each parse returns the checked value or throws ServiceInputError.
import * as path from 'node:path';
import { MAX_DOCUMENT_BYTES } from '../docs/noFollow';
import { PRIORITIES, type Priority } from '../docs/specTaskSchema';
import type { SpecTaskDocumentName } from '../../api/spectaskApi';

/** An argument the caller must change; the message says which and why. */
export class ServiceInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServiceInputError';
  }
}

export const MAX_TITLE_LENGTH = 200;
export const MAX_PROMPT_LENGTH = 20_000;
export const MAX_COMMENT_LENGTH = 10_000;
export const MAX_QUOTE_LENGTH = 2_000;
export const MAX_NOTE_LENGTH = 2_000;
const MAX_TASK_ID_LENGTH = 200;
const MAX_PATH_LENGTH = 4096;
const MAX_LINE = 1_000_000;
export const WRITABLE_DOCUMENTS: readonly SpecTaskDocumentName[] = ['requirements.md', 'design.md', 'tasks.md'];

// C0/C1 controls (newlines included) and bidirectional overrides: one line that reads as it is stored.
const CONTROL_OR_BIDI = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
// `7`, `#7`, `000007` or a folder name `000007_add-login`: nothing that could name a path.
const TASK_REF = /^#?\d{1,9}$|^\d{6}_[a-z0-9][a-z0-9-]{0,99}$/;

const fail = (message: string): never => {
  throw new ServiceInputError(message);
};

function text(v: unknown, field: string, max: number, opts: { oneLine?: boolean; optional?: boolean } = {}) {
  if (v === undefined && opts.optional) return undefined;
  if (typeof v !== 'string') return fail(`${field} must be a string`);
  if (v.length > max) fail(`${field} is ${v.length} characters long; the limit is ${max}`);
  if (v.includes('\u0000')) fail(`${field} contains a NUL character`);
  if (opts.oneLine && CONTROL_OR_BIDI.test(v)) fail(`${field} must be one line without control characters`);
  return v;
}

export function parseTitle(v: unknown): string {
  const t = text(v, 'title', MAX_TITLE_LENGTH, { oneLine: true })!.trim();
  return t || fail('title is empty');
}

export function parsePrompt(v: unknown): string | undefined {
  const t = text(v, 'prompt', MAX_PROMPT_LENGTH, { optional: true })?.trim();
  return t || undefined;
}

export function parseTaskId(v: unknown): string {
  const t = text(v, 'taskId', MAX_TASK_ID_LENGTH)!.trim();
  if (!TASK_REF.test(t)) fail(`taskId must be a SpecTask's id or number (e.g. 7 or 000007), not ${JSON.stringify(t)}`);
  return t.replace(/^#/, '');
}

export function parseRepoRoot(v: unknown): string | undefined {
  const t = text(v, 'repoRoot', MAX_PATH_LENGTH, { optional: true, oneLine: true });
  if (t !== undefined && !path.isAbsolute(t)) fail('repoRoot must be an absolute path');
  return t;
}

export function parseDocumentName(v: unknown, field = 'document'): SpecTaskDocumentName {
  if (typeof v === 'string' && (WRITABLE_DOCUMENTS as readonly string[]).includes(v)) return v as SpecTaskDocumentName;
  return fail(`${field} must be one of ${WRITABLE_DOCUMENTS.join(', ')}`);
}

export function parsePriority(v: unknown): Priority | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string' && (PRIORITIES as readonly string[]).includes(v)) return v as Priority;
  return fail(`priority must be one of ${PRIORITIES.join(', ')}`);
}

export function parseStart(v: unknown): 'backlog' | 'plan' {
  if (v === undefined || v === 'backlog' || v === 'plan') return v ?? 'backlog';
  return fail('start must be backlog or plan');
}

export function parseComment(v: unknown): string {
  const t = text(v, 'comment', MAX_COMMENT_LENGTH)!.trim();
  return t || fail('comment is empty');
}

export function parseNote(v: unknown): string | undefined {
  return text(v, 'note', MAX_NOTE_LENGTH, { optional: true })?.trim() || undefined;
}

export function parseQuote(v: unknown): string {
  return text(v, 'quote', MAX_QUOTE_LENGTH, { optional: true }) ?? '';
}

export function parseLine(v: unknown): number {
  if (v === undefined) return 1;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > MAX_LINE)
    return fail(`line must be a whole number from 1 to ${MAX_LINE}`);
  return v;
}

/** A document's new content: text of at most the size the store reads (1 MiB of UTF-8). */
export function parseDocumentContent(v: unknown): string {
  if (typeof v !== 'string') return fail('content must be a string');
  const bytes = Buffer.byteLength(v, 'utf8');
  if (bytes > MAX_DOCUMENT_BYTES) fail(`content is ${bytes} bytes; the limit is ${MAX_DOCUMENT_BYTES} (1 MiB)`);
  if (v.includes('\u0000')) fail('content contains a NUL character');
  return v;
}

export function parseVersion(v: unknown): string {
  if (typeof v === 'string' && /^[0-9a-f]{40}$/.test(v)) return v;
  return fail('expectedVersion must be the version (40 hex digits) getDocuments returned with the content');
}

/** The object a request arrives as; a caller's array or primitive is refused before any field is read. */
export function parseRecord(v: unknown, what: string): Record<string, unknown> {
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  return fail(`${what} must be an object`);
}
