import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openDesignDocs, type DesignDocs } from '../../../src/core/docs/openDesignDocs';
import type { SpecTaskRecord, SpecTaskReviewComment } from '../../../src/core/docs/specTaskSchema';
import { GitQueueRegistry } from '../../../src/core/git/gitQueue';
import { REVIEW_LIMITS, ReviewCommentsError } from '../../../src/core/review/commentLimits';
import type { StoredComment } from '../../../src/core/review/commentRecords';
import { ReviewService } from '../../../src/core/review/reviewService';
import { cleanupTemp, git, makeRepo } from '../../support/tempRepo';
import { storedComment } from '../../support/reviewFixtures';

const T0 = Date.parse('2026-03-04T05:06:07.000Z');
const comment = (over: Partial<StoredComment> = {}): StoredComment => storedComment(T0, over);

describe('ReviewService (comments in spectask.json, Request changes as one commit)', function () {
  this.timeout(30_000);
  let registry: GitQueueRegistry;
  let dd: DesignDocs;
  let id: string;
  let file: string;
  let transitions: string[];
  let service: ReviewService;

  beforeEach(async () => {
    registry = new GitQueueRegistry();
    dd = await openDesignDocs(makeRepo(), { registry });
    const t = await dd.store.create({ title: 'Review target' });
    id = t.id;
    file = path.join(dd.location.worktreePath, t.folder, 'spectask.json');
    // Planted in spec review (the path there is the orchestrator's business, not this test's).
    await dd.store.update(id, 'plant in spec review', (r) => {
      r.status = 'spec_review';
    });
    transitions = [];
    service = new ReviewService({
      store: dd.store,
      now: () => T0 + 1000,
      afterTransition: (taskId) => {
        // Runs after the commit: the committed file already says spec_revision.
        transitions.push(`${taskId} ${JSON.parse(git(wt(), 'show', `HEAD:${rel()}`)).status}`);
      },
    });
  });
  afterEach(() => {
    dd.store.dispose();
    registry.dispose();
  });
  after(cleanupTemp);

  const wt = () => dd.location.worktreePath;
  const rel = () => path.relative(wt(), file).split(path.sep).join('/');
  const head = () => git(wt(), 'rev-parse', 'HEAD');
  const read = (): SpecTaskRecord => JSON.parse(fs.readFileSync(file, 'utf8'));
  const subjects = (since: string) => git(wt(), 'log', '--format=%s', `${since}..HEAD`).split('\n').filter(Boolean);
  /** Writes entries straight into spectask.json (a teammate's push, a hand edit), bypassing the service. */
  const plant = (entries: SpecTaskReviewComment[]) =>
    dd.store.update(id, 'planted comments', (r) => {
      r.reviewComments.push(...entries);
    });

  it('commits the new comments, the sent marks and spec_review → spec_revision in ONE commit, then calls afterTransition', async () => {
    await service.save(
      id,
      {
        changed: [
          comment(),
          comment({ id: 'rc-2', body: 'Drop this.', resolved: { at: T0, by: 'user' } }),
          comment({ id: 'rc-3', document: 'tasks.md', quote: '', body: 'Add a test step.' }),
        ],
      },
      'review: three comments',
    );
    const before = head();
    const r = await service.requestSpecChanges(
      id,
      [{ document: 'requirements.md', line: 1, quote: '', comment: 'Shorter, please.', author: 'ana', overall: true }],
      'Shorter, please.',
    );
    assert.deepEqual(subjects(before), [
      `spectask(${id}): request changes (1 comment): status spec_review → spec_revision`,
    ]);
    // The one commit's spectask.json holds both the status change and the comments.
    const committed: SpecTaskRecord = JSON.parse(git(wt(), 'show', `HEAD:${rel()}`));
    assert.equal(committed.status, 'spec_revision');
    assert.equal(committed.revisionCount, 1);
    assert.deepEqual(committed.history.at(-1)?.trigger, 'request_spec_changes');
    assert.equal(committed.history.at(-1)?.note, 'Shorter, please.');
    const byId = new Map(
      committed.reviewComments.map((c) => [c.id, c as SpecTaskReviewComment & Record<string, unknown>]),
    );
    assert.equal(byId.get('rc-1')?.sentInRevision, 1);
    assert.equal(byId.get('rc-3')?.sentInRevision, 1);
    assert.equal(byId.get('rc-2')?.sentInRevision, undefined, 'a resolved comment is not sent');
    const overall = byId.get(`c${T0 + 1000}-0`);
    assert.ok(overall, JSON.stringify([...byId.keys()]));
    assert.equal(overall.comment, 'Shorter, please.');
    assert.equal(overall.overall, true);
    assert.equal(overall.sentInRevision, 1);
    assert.equal(overall.author, 'ana');
    assert.deepEqual(r.record, read());
    assert.equal(r.revision, 1);
    assert.equal(r.sent, 3);
    assert.deepEqual(transitions, [`${id} spec_revision`]);
    assert.equal(git(wt(), 'status', '--porcelain'), '');
  });

  it('stores the CLI\u2019s comments as the orchestrator did (no author), with ids that do not clash', async () => {
    await plant([
      { id: `c${T0 + 1000}-0`, document: 'notes.md', comment: 'not ours', createdAt: new Date(T0).toISOString() },
    ]);
    await service.requestSpecChanges(id, [
      { document: 'design.md', line: 3, quote: 'One module.', comment: 'Split it in two.' },
    ]);
    const rec = read();
    assert.equal(rec.reviewComments.length, 2);
    const [other, mine] = rec.reviewComments as (SpecTaskReviewComment & Record<string, unknown>)[];
    assert.deepEqual(other, {
      id: `c${T0 + 1000}-0`,
      document: 'notes.md',
      comment: 'not ours',
      createdAt: new Date(T0).toISOString(),
    });
    assert.equal(mine.id, `c${T0 + 1000}-0~`);
    assert.equal(mine.comment, 'Split it in two.');
    assert.equal(mine.quote, 'One module.');
    assert.equal(mine.line, 3);
    assert.equal('author' in mine, false);
    assert.equal(mine.sentInRevision, 1);
    assert.equal(rec.status, 'spec_revision');
  });

  it('writes nothing when the task is not in spec review, or a comment is empty, too long or on another file', async () => {
    const before = head();
    const attempts: [string, () => Promise<unknown>, RegExp][] = [
      [
        'empty',
        () => service.requestSpecChanges(id, [{ document: 'design.md', line: 1, quote: '', comment: '  ' }]),
        /comments\[0\]\.comment is empty/,
      ],
      [
        'too long',
        () =>
          service.requestSpecChanges(id, [
            { document: 'design.md', line: 1, quote: '', comment: 'x'.repeat(REVIEW_LIMITS.text + 1) },
          ]),
        new RegExp(
          `comments\\[0\\]\\.comment is ${REVIEW_LIMITS.text + 1} characters long; at most ${REVIEW_LIMITS.text}`,
        ),
      ],
      [
        'other file',
        () =>
          service.requestSpecChanges(id, [
            { document: '../../etc/passwd' as 'design.md', line: 1, quote: '', comment: 'x' },
          ]),
        /comments\[0\]\.document must be requirements\.md, design\.md or tasks\.md/,
      ],
    ];
    for (const [what, attempt, message] of attempts)
      await assert.rejects(attempt(), (e: Error) => e instanceof ReviewCommentsError && message.test(e.message), what);
    await dd.store.update(id, 'leave review', (r) => {
      r.status = 'implementation';
    });
    const moved = head();
    await assert.rejects(
      service.requestSpecChanges(id, [{ document: 'design.md', line: 1, quote: '', comment: 'x' }]),
      /Cannot request changes a SpecTask that is being implemented/,
    );
    assert.equal(head(), moved);
    assert.deepEqual(subjects(before), [`spectask(${id}): leave review`]);
    assert.deepEqual(read().reviewComments, []);
    assert.deepEqual(transitions, []);
  });

  it('rejects a hostile or oversized stored list with an error naming the entry, and writes nothing', async () => {
    await plant([
      { id: 'ok', document: 'design.md', comment: 'fine', createdAt: new Date(T0).toISOString() },
      {
        id: 'huge',
        document: 'design.md',
        comment: 'y'.repeat(REVIEW_LIMITS.text + 5),
        createdAt: new Date(T0).toISOString(),
      },
    ]);
    const before = head();
    assert.throws(
      () => service.comments(read()),
      (e: Error) =>
        e instanceof ReviewCommentsError &&
        e.field === 'reviewComments[1].comment' &&
        e.message ===
          `review comments: reviewComments[1].comment is ${REVIEW_LIMITS.text + 5} characters long; at most ${REVIEW_LIMITS.text} are allowed`,
    );
    await assert.rejects(
      service.requestSpecChanges(id, [{ document: 'design.md', line: 1, quote: '', comment: 'x' }]),
      /reviewComments\[1\]\.comment is \d+ characters long/,
    );
    await assert.rejects(service.save(id, { changed: [comment()] }, 'review: add'), /reviewComments\[1\]\.comment/);
    assert.equal(head(), before);
    assert.equal(read().status, 'spec_review');
    assert.deepEqual(transitions, []);
  });

  it('rejects too many entries, too many replies and over-long names', () => {
    const entry = (i: number) => ({
      id: `e${i}`,
      document: 'design.md',
      comment: 'c',
      createdAt: '2026-01-01T00:00:00Z',
    });
    const cases: [unknown, RegExp][] = [
      [Array.from({ length: REVIEW_LIMITS.comments + 1 }, (_, i) => entry(i)), /reviewComments has 1001 entries/],
      [
        [{ ...entry(0), replies: Array.from({ length: REVIEW_LIMITS.replies + 1 }, () => ({ body: 'r' })) }],
        /replies has 501 replies/,
      ],
      [
        [{ ...entry(0), replies: [{ body: 'ok' }, { body: 'z'.repeat(REVIEW_LIMITS.text + 1) }] }],
        /replies\[1\]\.body is/,
      ],
      [[{ ...entry(0), author: 'a'.repeat(REVIEW_LIMITS.name + 1) }], /reviewComments\[0\]\.author is 257 characters/],
      [[{ ...entry(0), id: 'i'.repeat(REVIEW_LIMITS.name + 1) }], /reviewComments\[0\]\.id is 257 characters/],
      [[null], /reviewComments\[0\] must be an object/],
      ['nope', /reviewComments must be a list/],
    ];
    for (const [value, message] of cases)
      assert.throws(
        () => service.comments({ reviewComments: value as SpecTaskReviewComment[] }),
        (e: Error) => e instanceof ReviewCommentsError && message.test(e.message),
        String(message),
      );
    // At the limits it reads.
    assert.equal(
      service.comments({
        reviewComments: [
          { ...entry(0), comment: 'c'.repeat(REVIEW_LIMITS.text), author: 'a'.repeat(REVIEW_LIMITS.name) },
        ],
      }).length,
      1,
    );
  });

  it('saves changes in one commit each and reads them back; a too-long reply is refused before writing', async () => {
    const before = head();
    await service.save(id, { changed: [comment()] }, 'review: comment on design.md line 4');
    const replied = comment({ replies: [{ author: 'bo', body: 'Agreed', at: T0 + 5 }] });
    await service.save(id, { changed: [replied] }, 'review: reply');
    assert.deepEqual(subjects(before), [
      `spectask(${id}): review: reply`,
      `spectask(${id}): review: comment on design.md line 4`,
    ]);
    assert.deepEqual(service.comments(read()), [replied]);
    await assert.rejects(
      service.save(
        id,
        { changed: [comment({ replies: [{ author: 'bo', body: 'r'.repeat(REVIEW_LIMITS.text + 1), at: 1 }] })] },
        'x',
      ),
      /comment 1\.replies\[0\]\.body is/,
    );
    await service.save(id, { changed: [], removed: ['rc-1'] }, 'review: delete');
    assert.deepEqual(service.comments(read()), []);
  });

  it('resolves a comment whose quote is gone, and an overall comment once its revision is back for review', () => {
    const quoted = comment();
    const overall = comment({ id: 'rc-o', quote: '', overall: true, sentInRevision: 1 });
    const docs = { 'design.md': '# Design\n\nSomething else entirely.\n' };
    const due = service.dueResolutions([quoted, overall], { status: 'spec_review', revisionCount: 1 }, docs);
    assert.deepEqual(
      due.map((c) => [c.id, c.resolved?.by, c.resolved?.at]),
      [
        ['rc-1', 'auto', T0 + 1000],
        ['rc-o', 'auto', T0 + 1000],
      ],
    );
    assert.deepEqual(service.dueResolutions([quoted, overall], { status: 'spec_revision', revisionCount: 1 }, {}), []);
  });
});
