import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openDesignDocs, type DesignDocs } from '../../../src/core/docs/openDesignDocs';
import type { SpecTaskRecord } from '../../../src/core/docs/specTaskSchema';
import { GitQueueRegistry } from '../../../src/core/git/gitQueue';
import { ReviewService } from '../../../src/core/review/reviewService';
import type { SpecTaskRepository } from '../../../src/vscode/extensionContext';
import { RevisionClaims } from '../../../src/vscode/review/revisionClaim';
import { cleanupTemp, makeRepo } from '../../support/tempRepo';

const SENT = '# Design\n\n## Sessions\nStore sessions in memory. They expire after 1 h.\n';
const REVISED = '# Design\n\n## Sessions\nStore sessions in memory. Redis keeps them across restarts.\n';

// Issue 22 item 10, end to end over a real design-docs branch: the review model reads the agent's addressed.json
// and the documents as they were sent (the Request changes commit), and the service resolves the comment.
describe('RevisionClaims (addressed.json against the documents sent, on the design-docs branch)', function () {
  this.timeout(30_000);
  let registry: GitQueueRegistry;
  let dd: DesignDocs;
  let id: string;
  let folder: string;
  let service: ReviewService;
  const repo = () =>
    ({ taskFolder: () => folder, designDocsRoot: dd.location.worktreePath }) as never as SpecTaskRepository;
  const record = (): SpecTaskRecord => JSON.parse(fs.readFileSync(path.join(folder, 'spectask.json'), 'utf8'));

  beforeEach(async () => {
    registry = new GitQueueRegistry();
    dd = await openDesignDocs(makeRepo(), { registry });
    const t = await dd.store.create({ title: 'Claim target' });
    id = t.id;
    folder = path.join(dd.location.worktreePath, t.folder);
    fs.writeFileSync(path.join(folder, 'design.md'), SENT);
    await dd.store.commitFolder(id, 'the first spec');
    await dd.store.update(id, 'plant in spec review', (r) => {
      r.status = 'spec_review';
    });
    service = new ReviewService({ store: dd.store });
    await service.requestSpecChanges(id, [
      { document: 'design.md', line: 4, quote: 'Store sessions in memory.', comment: 'Survive restarts.' },
    ]);
  });
  afterEach(() => {
    dd.store.dispose();
    registry.dispose();
  });
  after(cleanupTemp);

  /** The agent's revision: the documents, its addressed.json, then back in spec review. */
  async function revise(design: string, addressed: unknown) {
    fs.writeFileSync(path.join(folder, 'design.md'), design);
    fs.writeFileSync(path.join(folder, 'addressed.json'), JSON.stringify(addressed));
    await dd.store.commitFolder(id, 'revision 1');
    await dd.store.update(id, 'back in review', (r) => {
      r.status = 'spec_review';
    });
  }

  it('resolves the comment the agent named once its quoted line changed, reading what was sent from git', async () => {
    const comments = service.comments(record());
    assert.equal(comments[0].sentInRevision, 1);
    await revise(REVISED, { revision: 1, addressed: [comments[0].id] });
    const claim = await new RevisionClaims().read(repo(), id, record(), comments);
    assert.equal(claim?.before['design.md'], SENT, 'the design document as it was sent');
    const due = service.dueResolutions(comments, record(), { 'design.md': REVISED }, claim);
    assert.deepEqual(
      due.map((c) => [c.id, c.resolved?.by]),
      [[comments[0].id, 'auto']],
    );
  });

  it('reads nothing for a claim of another revision, an unnamed comment, or while the revision runs', async () => {
    const comments = service.comments(record());
    const claims = new RevisionClaims();
    assert.equal(await claims.read(repo(), id, record(), comments), undefined, 'spec_revision: still running');
    await revise(REVISED, { revision: 0, addressed: [comments[0].id] });
    assert.equal(await claims.read(repo(), id, record(), comments), undefined, 'a file of another revision');
    await revise(REVISED, { revision: 1, addressed: ['someone-else'] });
    assert.equal(await claims.read(repo(), id, record(), comments), undefined, 'the comment is not named');
  });
});
