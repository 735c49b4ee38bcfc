import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { openDesignDocs, type DesignDocs } from '../../src/core/docs/openDesignDocs';
import {
  newSpecTaskRecord,
  validateSpecTaskRecord,
  type SpecTaskReviewComment,
} from '../../src/core/docs/specTaskSchema';
import { GitQueueRegistry } from '../../src/core/git/gitQueue';
import { autoResolve, relocate, SPEC_DOCUMENTS, type SpecDocument } from '../../src/core/review/reviewComments';
import {
  commentsOf,
  markSent,
  newCommentId,
  toRecord,
  upsertRecords,
  type StoredComment,
} from '../../src/core/review/commentRecords';
import { parseReviewComments, REVIEW_LIMITS, ReviewCommentsError } from '../../src/core/review/commentLimits';
import { cleanupTemp, git, makeRepo } from '../support/tempRepo';
import { recordInput, recordViolation as record, tally } from './counters';

/** Violation messages quote hostile text; keep them readable. */
const recordViolation = (area: string, what: string) =>
  record(area, what.length > 400 ? `${what.slice(0, 400)}…` : what);

// Issue 10, "Bad input" for review comments: what a reviewer, a teammate (through a shared spectask.json) or
// an agent (by rewriting the documents) can put there. The pure comment-record logic (commentRecords.ts has no
// `vscode`) is driven through random operation sequences against a plain model; every state is round-tripped
// through JSON text and the store's own validation, so "nothing lost, ids unique, never throws" is checked on
// what would be on disk. One run goes through the real SpecTaskStore and its git history.
const RUNS = Number(process.env.FAULTS_COMMENT_RUNS || 400);
const A_OPS = 'review comments: edit sequences';
const A_READ = 'review comments: hostile spectask.json entries';
const A_MOVE = 'review comments: relocation in rewritten documents';
const A_STORE = 'review comments: through the store and git';
const A_LIMITS = 'review comments: size limits of the strict reader';

const hostile = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '<script>window.__pwned=1</script>',
      '<img src=x onerror=alert(1)>',
      '[run](command:workbench.action.terminal.new)',
      '[x](javascript:alert(1))',
      '$(sync~spin) $(alert)',
      '\u202egnp.exe\u202c',
      '\u200f rtl \u200e',
      '"}, "id": "injected',
      '__proto__',
      'constructor',
      '\u0000\u0007\u001b[31m',
      '\r\n\r\n',
      '\ud800 lone',
      '  ',
      '> quoted\n> more',
      '```\ncode\n```',
      '<!-- hidden -->',
    ),
  },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 12_000 }).map((n) => 'x'.repeat(n)) },
);
const nonBlank = hostile.map((s) => (s.trim() ? s : `blank:${JSON.stringify(s)}`));
const time = fc.integer({ min: 0, max: Date.UTC(2100, 0, 1) });
const docName = fc.constantFrom(...SPEC_DOCUMENTS);

/** What a reviewer can do to the comment list; `pick` chooses among the existing comments. */
type Op =
  | {
      op: 'add';
      document: SpecDocument;
      line: number;
      quote: string;
      body: string;
      author: string;
      at: number;
      rnd: number;
      overall: boolean;
    }
  | { op: 'reply'; pick: number; author: string; body: string; at: number }
  | { op: 'resolve'; pick: number; at: number; by: 'user' | 'auto'; reason?: string }
  | { op: 'reopen'; pick: number }
  | { op: 'remove'; pick: number }
  | { op: 'send'; picks: number[]; revision: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('add' as const),
      document: docName,
      line: fc.integer({ min: 1, max: 5000 }),
      quote: hostile,
      body: nonBlank,
      author: hostile,
      at: time,
      rnd: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
      overall: fc.boolean(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('reply' as const),
      pick: fc.nat(),
      author: hostile,
      body: nonBlank,
      at: time,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('resolve' as const),
      pick: fc.nat(),
      at: time,
      by: fc.constantFrom('user' as const, 'auto' as const),
      reason: fc.option(nonBlank, { nil: undefined }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('reopen' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('remove' as const), pick: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('send' as const),
      picks: fc.array(fc.nat(), { maxLength: 4 }),
      revision: fc.integer({ min: 1, max: 50 }),
    }),
  },
);

/** Entries a teammate's tools (or a hand edit) may have left: other documents, unknown fields, reused ids. */
const foreignEntry: fc.Arbitrary<SpecTaskReviewComment> = fc
  .record({
    id: fc.oneof(fc.constantFrom('rc-dup', 'c1-0', '__proto__', 'constructor', 'rc-dup~2'), nonBlank),
    document: fc.oneof(docName, fc.constantFrom('notes.md', '../../etc/passwd', 'tasks.md ')),
    line: fc.option(fc.integer({ min: 1, max: 10_000 }), { nil: undefined }),
    quote: fc.option(hostile, { nil: undefined }),
    comment: hostile,
    author: fc.option(hostile, { nil: undefined }),
    createdAt: time.map((t) => new Date(t).toISOString()),
    resolvedAt: fc.option(
      time.map((t) => new Date(t).toISOString()),
      { nil: undefined },
    ),
    extras: fc.dictionary(
      fc.constantFrom(
        'replies',
        'resolvedBy',
        'resolvedReason',
        'sentInRevision',
        'overall',
        'fromNewerWriter',
        '__proto__',
      ),
      fc.oneof(
        fc.jsonValue(),
        fc.array(
          fc.record({
            author: fc.oneof(hostile, fc.jsonValue()),
            body: fc.oneof(hostile, fc.jsonValue()),
            at: fc.oneof(time, fc.jsonValue()),
          }),
          { maxLength: 3 },
        ),
      ),
      { maxKeys: 3 },
    ),
  })
  .map(({ extras, ...e }) => {
    const entry: Record<string, unknown> = JSON.parse(JSON.stringify({ ...e }));
    // JSON text, not object spread: a "__proto__" key must arrive as an own field, as JSON.parse makes it.
    for (const [k, v] of Object.entries(extras))
      Object.defineProperty(entry, k, { value: v, enumerable: true, writable: true, configurable: true });
    return JSON.parse(JSON.stringify(entry)) as SpecTaskReviewComment;
  });

/** spectask.json text in and out: what a write and the next read would see. */
const throughJson = (records: SpecTaskReviewComment[]): SpecTaskReviewComment[] =>
  JSON.parse(JSON.stringify(records)) as SpecTaskReviewComment[];

function validates(records: SpecTaskReviewComment[]): string | undefined {
  const rec = { ...newSpecTaskRecord({ number: 1, title: 'x' }), reviewComments: records };
  const v = validateSpecTaskRecord(JSON.parse(JSON.stringify(rec)));
  return v.ok ? undefined : `${v.field}: ${v.message}`;
}

const idsUnique = (cs: readonly { id: string }[]) => new Set(cs.map((c) => c.id)).size === cs.length;

/** Applies one operation to the model and returns what the controller would write (changed, removed). */
function apply(
  model: StoredComment[],
  op: Op,
  knownIds: Set<string>,
): { changed: StoredComment[]; removed: string[]; send?: { ids: Set<string>; revision: number } } {
  const target = model.length ? model[('pick' in op ? op.pick : 0) % model.length] : undefined;
  switch (op.op) {
    case 'add': {
      let id = newCommentId(op.at, () => op.rnd);
      // The controller's ids are random; a clash with an id already in the file must not overwrite it.
      while (knownIds.has(id)) id += '-';
      const c: StoredComment = {
        id,
        document: op.document,
        line: op.line,
        quote: op.quote.trim(),
        body: op.body.trim(),
        author: op.author,
        createdAt: op.at,
        replies: [],
        ...(op.overall ? { overall: true } : {}),
      };
      model.push(c);
      return { changed: [c], removed: [] };
    }
    case 'reply': {
      if (!target) return { changed: [], removed: [] };
      const c = { ...target, replies: [...target.replies, { author: op.author, body: op.body.trim(), at: op.at }] };
      model[model.indexOf(target)] = c;
      return { changed: [c], removed: [] };
    }
    case 'resolve':
    case 'reopen': {
      if (!target) return { changed: [], removed: [] };
      const { resolved: _drop, ...open } = target;
      const c: StoredComment =
        op.op === 'resolve'
          ? { ...target, resolved: { at: op.at, by: op.by, ...(op.reason ? { reason: op.reason } : {}) } }
          : open;
      model[model.indexOf(target)] = c;
      return { changed: [c], removed: [] };
    }
    case 'remove':
      if (!target) return { changed: [], removed: [] };
      model.splice(model.indexOf(target), 1);
      return { changed: [], removed: [target.id] };
    case 'send': {
      const ids = new Set(op.picks.flatMap((p) => (model.length ? [model[p % model.length].id] : [])));
      for (const [i, c] of model.entries())
        if (ids.has(c.id) && !c.resolved) model[i] = { ...c, sentInRevision: op.revision };
      return { changed: [], removed: [], send: { ids, revision: op.revision } };
    }
  }
}

/** Compares what is stored with the model; returns the differences (empty = fine). */
function compare(stored: StoredComment[], model: StoredComment[]): string[] {
  const out: string[] = [];
  if (!idsUnique(stored)) out.push(`duplicate ids ${stored.map((c) => c.id).join(',')}`);
  if (stored.length !== model.length) out.push(`${stored.length} comments stored, ${model.length} expected`);
  for (const [i, m] of model.entries()) {
    const s = stored[i];
    if (!s) break;
    try {
      assert.deepEqual(s, m);
    } catch (e) {
      out.push(`comment ${i} (${m.id}) differs: ${(e as Error).message}`);
    }
  }
  return out;
}

describe('faults: hostile review comments', function () {
  this.timeout(600_000);
  after(() => cleanupTemp());

  it(`${RUNS} edit sequences with hostile text, round-tripped through spectask.json: never throws, nothing lost, ids unique`, () => {
    fc.assert(
      fc.property(
        fc.array(foreignEntry, { maxLength: 6 }),
        fc.array(opArb, { minLength: 1, maxLength: 25 }),
        (foreign, ops) => {
          let records = throughJson(foreign);
          const foreignOther = records.filter((r) => !(SPEC_DOCUMENTS as readonly string[]).includes(r.document));
          if (validates(records)) return; // a file the store itself refuses never reaches the review code
          let model = commentsOf(records);
          for (const op of ops) {
            try {
              const { changed, removed, send } = apply(model, op, new Set(records.map((r) => r.id)));
              if (send) markSent(records, send.ids, undefined, new Set(model.map((c) => c.id)), send.revision);
              else upsertRecords(records, changed, removed);
              records = throughJson(records);
              const bad = validates(records);
              if (bad) {
                recordInput(A_OPS, 'crashed', `${op.op} wrote a spectask.json the store refuses: ${bad}`);
                return;
              }
              const diff = compare(commentsOf(records), model);
              for (const d of diff) recordViolation(A_OPS, `after ${op.op}: ${d}`);
              if (diff.length) return;
              // Entries about other documents are carried along untouched, in their order.
              const other = records.filter((r) => !(SPEC_DOCUMENTS as readonly string[]).includes(r.document));
              if (JSON.stringify(other) !== JSON.stringify(foreignOther))
                recordViolation(A_OPS, `after ${op.op}: entries about other documents changed`);
              recordInput(A_OPS, 'accepted');
              model = commentsOf(records); // the controller reloads after each write
            } catch (e) {
              recordInput(A_OPS, 'crashed', `${op.op}: ${(e as Error).stack?.split('\n').slice(0, 3).join(' ')}`);
              return;
            }
          }
        },
      ),
      { numRuns: RUNS },
    );
    assert.equal(tally.areas[A_OPS]?.violations ?? 0, 0, tally.violations.join('\n'));
  });

  it(`${RUNS} hostile spectask.json entries: read without throwing, unknown fields kept, a reply lands on the right thread`, () => {
    fc.assert(
      fc.property(fc.array(foreignEntry, { minLength: 1, maxLength: 8 }), fc.nat(), hostile, (foreign, pick, body) => {
        const records = throughJson(foreign);
        if (validates(records)) return void recordInput(A_READ, 'rejected'); // the store refuses such a file with a clear error
        try {
          const before = throughJson(records);
          const comments = commentsOf(records);
          const specEntries = records.filter((r) => (SPEC_DOCUMENTS as readonly string[]).includes(r.document)).length;
          if (comments.length !== specEntries)
            recordViolation(A_READ, `${specEntries} spec-document entries, ${comments.length} comments read`);
          if (!idsUnique(comments))
            recordViolation(A_READ, `comment ids not unique: ${comments.map((c) => c.id).join(', ')}`);
          if (!comments.length) return void recordInput(A_READ, 'accepted');
          const target = comments[pick % comments.length];
          const replied = { ...target, replies: [...target.replies, { author: 'me', body: `reply ${body}`, at: 1 }] };
          upsertRecords(records, [replied]);
          const after = throughJson(records);
          const again = commentsOf(after);
          // Exactly the replied thread changed; every other comment reads as it did.
          for (const [i, c] of comments.entries()) {
            const now = again[i];
            const expect = c.id === target.id ? replied : c;
            try {
              assert.deepEqual(now, expect);
            } catch {
              recordViolation(
                A_READ,
                `after a reply to ${JSON.stringify(target.id)}, comment ${i} (${JSON.stringify(c.id)}) reads ${JSON.stringify(now).slice(0, 200)}`,
              );
            }
          }
          // Fields we do not know survive the write on every entry.
          for (const [i, r] of before.entries()) {
            for (const k of Object.keys(r))
              if (
                ![
                  'id',
                  'replies',
                  'line',
                  'quote',
                  'author',
                  'createdAt',
                  'resolvedAt',
                  'resolvedBy',
                  'resolvedReason',
                  'sentInRevision',
                  'overall',
                  'comment',
                ].includes(k) &&
                JSON.stringify((after[i] as unknown as Record<string, unknown>)[k]) !==
                  JSON.stringify((r as unknown as Record<string, unknown>)[k])
              )
                recordViolation(A_READ, `unknown field ${k} of entry ${i} was lost`);
          }
          const bad = validates(after);
          if (bad) recordViolation(A_READ, `the write made the file invalid: ${bad}`);
          recordInput(A_READ, 'accepted');
        } catch (e) {
          recordInput(A_READ, 'crashed', (e as Error).stack?.split('\n').slice(0, 3).join(' '));
        }
      }),
      { numRuns: RUNS },
    );
    assert.equal(tally.areas[A_READ]?.violations ?? 0, 0, tally.violations.join('\n'));
  });

  it(`${RUNS} hostile spectask.json lists through the ReviewService's strict reader: read as before, or refused naming an entry over a limit`, () => {
    const longest = (r: Record<string, unknown>) =>
      Math.max(
        ...['id', 'author'].map((k) => (typeof r[k] === 'string' ? (r[k] as string).length - REVIEW_LIMITS.name : 0)),
        ...['comment', 'quote', 'resolvedReason'].map((k) =>
          typeof r[k] === 'string' ? (r[k] as string).length - REVIEW_LIMITS.text : 0,
        ),
        ...(Array.isArray(r.replies)
          ? (r.replies as unknown[]).flatMap((x) => {
              const reply = (x && typeof x === 'object' ? x : {}) as Record<string, unknown>;
              return [
                typeof reply.body === 'string' ? reply.body.length - REVIEW_LIMITS.text : 0,
                typeof reply.author === 'string' ? reply.author.length - REVIEW_LIMITS.name : 0,
              ];
            })
          : [0]),
      );
    fc.assert(
      fc.property(fc.array(foreignEntry, { maxLength: 8 }), (foreign) => {
        const records = throughJson(foreign);
        if (validates(records)) return void recordInput(A_LIMITS, 'rejected');
        const over = records.some((r) => longest(r as unknown as Record<string, unknown>) > 0);
        try {
          const comments = parseReviewComments(records);
          if (over) recordViolation(A_LIMITS, 'an entry over a limit was read');
          try {
            assert.deepEqual(comments, commentsOf(records));
          } catch {
            recordViolation(A_LIMITS, 'the strict reader reads differently from the tolerant one');
          }
          recordInput(A_LIMITS, 'accepted');
        } catch (e) {
          if (!(e instanceof ReviewCommentsError) || !/^reviewComments\[\d+\]/.test(e.field))
            return void recordInput(A_LIMITS, 'crashed', (e as Error).stack?.split('\n').slice(0, 3).join(' '));
          if (!over) recordViolation(A_LIMITS, `refused a list within the limits: ${e.message.slice(0, 200)}`);
          recordInput(A_LIMITS, 'rejected');
        }
      }),
      { numRuns: RUNS },
    );
    assert.equal(tally.areas[A_LIMITS]?.violations ?? 0, 0, tally.violations.join('\n'));
    assert.equal(tally.areas[A_LIMITS]?.crashed ?? 0, 0, tally.violations.join('\n'));
  });

  it(`${RUNS} documents rewritten around a comment: the thread follows its quote, and resolves only when the quote is gone`, () => {
    const line = hostile.map((s) => s.replace(/[\r\n\u2028\u2029]/g, ' '));
    fc.assert(
      fc.property(
        fc.array(line, { minLength: 1, maxLength: 30 }),
        fc.nat(),
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.tuple(fc.nat(), line), { maxLength: 10 }),
        fc.constantFrom('\n', '\r\n', '\r'),
        fc.constantFrom('\n', '\r\n', '\r'),
        fc.boolean(),
        (texts, at, span, inserts, eolBefore, eolAfter, respace) => {
          // Tag every line so the quote occurs exactly once; inserted lines carry no tag.
          const lines = texts.map((t, i) => `${t} ⟦L${i}⟧`);
          const start = at % lines.length;
          const quoted = lines.slice(start, start + span);
          const c: StoredComment = {
            id: 'rc-x',
            document: 'design.md',
            line: start + 1,
            quote: quoted.join('\n').trim(),
            body: 'b',
            author: 'a',
            createdAt: 0,
            replies: [],
          };
          try {
            const before = lines.join(eolBefore);
            if (relocate(c, before) !== start + 1)
              recordViolation(
                A_MOVE,
                `the quote is on line ${start + 1} but relocate says ${relocate(c, before)} (${JSON.stringify(eolBefore)})`,
              );
            // Rewrite: unrelated lines inserted anywhere but inside the quote, whitespace changed, other line ends.
            const next = [...lines];
            let newStart = start;
            for (const [pos, text] of inserts) {
              const p = pos % (next.length + 1);
              if (p > newStart && p < newStart + quoted.length) continue;
              next.splice(p, 0, text.replace(/⟦/g, '['));
              if (p <= newStart) newStart++;
            }
            const rewritten = next
              .map((l, i) =>
                respace && i >= newStart && i < newStart + quoted.length ? `  ${l.replace(/ /g, ' \t ')} ` : l,
              )
              .join(eolAfter);
            const moved = relocate(c, rewritten);
            if (moved !== newStart + 1)
              recordViolation(
                A_MOVE,
                `the quote moved to line ${newStart + 1} but relocate says ${moved} (span ${quoted.length}, ${JSON.stringify(eolAfter)})`,
              );
            if (autoResolve([c], { 'design.md': rewritten }, 1).length)
              recordViolation(A_MOVE, 'resolved automatically although the quoted text is still there');
            // The agent rewrote the quoted lines away: the comment resolves, and the thread stays where it was.
            const gone = next.filter((_, i) => i < newStart || i >= newStart + quoted.length).join(eolAfter);
            const resolved = autoResolve([c], { 'design.md': gone }, 5);
            if (resolved.length !== 1 || resolved[0].resolved?.by !== 'auto')
              recordViolation(A_MOVE, 'not resolved although the quoted text is gone');
            if (relocate(c, gone) !== c.line) recordViolation(A_MOVE, 'a comment whose quote is gone moved');
            if (autoResolve([c], {}, 5).length)
              recordViolation(A_MOVE, 'resolved although the document could not be read');
            recordInput(A_MOVE, 'accepted');
          } catch (e) {
            recordInput(A_MOVE, 'crashed', (e as Error).stack?.split('\n').slice(0, 3).join(' '));
          }
        },
      ),
      { numRuns: RUNS },
    );
    assert.equal(tally.areas[A_MOVE]?.violations ?? 0, 0, tally.violations.join('\n'));
  });

  describe('through the real SpecTaskStore', () => {
    let registry: GitQueueRegistry;
    let dd: DesignDocs;
    before(async () => {
      registry = new GitQueueRegistry();
      dd = await openDesignDocs(makeRepo(), { registry });
    });
    after(() => {
      dd?.store.dispose();
      registry?.dispose();
    });

    it('hostile comments, a hand-edited duplicate id and replies: every committed spectask.json is valid and holds every comment', async () => {
      const t = await dd.store.create({ title: 'Review target' });
      const file = path.join(dd.location.worktreePath, t.folder, 'spectask.json');
      const ops = fc.sample(opArb, { numRuns: Number(process.env.FAULTS_COMMENT_STORE_OPS || 25), seed: 10 });
      let model: StoredComment[] = [];
      const step = async (what: string, f: (records: SpecTaskReviewComment[]) => void) => {
        const rec = await dd.store.update(t.id, what, (r) => f(r.reviewComments));
        const onDisk = JSON.parse(fs.readFileSync(file, 'utf8')) as { reviewComments: SpecTaskReviewComment[] };
        const diff = compare(commentsOf(onDisk.reviewComments), model);
        if (JSON.stringify(onDisk.reviewComments) !== JSON.stringify(rec.reviewComments))
          diff.push('the file differs from the record the store returned');
        for (const d of diff) recordViolation(A_STORE, `${what}: ${d}`);
        recordFaultFree(what, diff);
        model = commentsOf(onDisk.reviewComments);
      };
      const recordFaultFree = (what: string, diff: string[]) =>
        recordInput(A_STORE, diff.length ? 'crashed' : 'accepted', diff.length ? `${what}: ${diff[0]}` : undefined);

      for (const op of ops) {
        const records = (await dd.store.get(t.id)).record!.reviewComments;
        const { changed, removed, send } = apply(model, op, new Set(records.map((r) => r.id)));
        await step(`review: ${op.op}`, (r) =>
          send
            ? void markSent(r, send.ids, undefined, new Set(model.map((c) => c.id)), send.revision)
            : upsertRecords(r, changed, removed),
        );
      }

      // A teammate's hand edit pushed a copy of an entry with the same id (a merge, a copy-paste).
      const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as { reviewComments: SpecTaskReviewComment[] };
      const first = toRecord({
        id: 'rc-same',
        document: 'tasks.md',
        line: 2,
        quote: 'q1',
        body: 'first <script>x</script>',
        author: 'ana',
        createdAt: 1000,
        replies: [],
      });
      raw.reviewComments.push(first, { ...first, line: 9, quote: 'q2', comment: 'second, same id' });
      fs.writeFileSync(file, JSON.stringify(raw, null, 2) + '\n');
      await dd.store.commitFolder(t.id, 'hand edit');
      model = commentsOf((await dd.store.get(t.id)).record!.reviewComments);
      const second = model.find((c) => c.body === 'second, same id');
      if (!second || second.id === 'rc-same' || !idsUnique(model))
        recordViolation(A_STORE, `duplicate ids read as ${model.map((c) => c.id).join(', ')}`);
      // Reply to the second one: the first must keep its body and get no reply.
      const replied = { ...second!, replies: [{ author: 'bo', body: 'reply to the second', at: 2000 }] };
      model[model.indexOf(second!)] = replied;
      await step('review: reply to a duplicated id', (r) => upsertRecords(r, [replied]));
      const firstNow = model.find((c) => c.body.startsWith('first'));
      if (!firstNow || firstNow.replies.length)
        recordViolation(A_STORE, 'a reply to the second of two same-id comments changed the first');

      // Every committed version of spectask.json on the design-docs branch parses and validates.
      const wt = dd.location.worktreePath;
      const revs = git(wt, 'log', '--format=%H', '--', `${t.folder}/spectask.json`).split('\n').filter(Boolean);
      for (const rev of revs) {
        const text = git(wt, 'show', `${rev}:${t.folder}/spectask.json`);
        const v = validateSpecTaskRecord(JSON.parse(text));
        if (!v.ok)
          recordViolation(A_STORE, `commit ${rev.slice(0, 8)} holds an invalid spectask.json: ${v.field} ${v.message}`);
      }
      assert.ok(revs.length >= ops.length / 2, `the edits were committed (${revs.length} commits)`);
      assert.equal(tally.areas[A_STORE]?.violations ?? 0, 0, tally.violations.join('\n'));
    });
  });
});
