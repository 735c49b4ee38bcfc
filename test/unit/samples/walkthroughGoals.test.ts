import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

// Issue 22 item 20: the samples already have GET /health, so "add a health endpoint" did nothing. Each sample
// suggests goals that make sense for it, and the walkthrough shows them.
describe('the samples’ first goals, shown in the walkthrough', () => {
  const walkthrough = fs.readFileSync('media/walkthrough/create.md', 'utf8');
  const samples = fs
    .readdirSync('samples')
    .filter((d) => fs.existsSync(path.join('samples', d, 'sample.json')))
    .map((d) => JSON.parse(fs.readFileSync(path.join('samples', d, 'sample.json'), 'utf8')));

  it('every sample has goals, none of them something it already does', () => {
    assert.ok(samples.length >= 4);
    for (const s of samples) {
      assert.ok(s.suggestedGoals?.length >= 2, `${s.id} suggests goals`);
      for (const g of s.suggestedGoals) assert.doesNotMatch(g, /health/i, `${s.id}: "${g}" exists already`);
    }
  });

  it('the walkthrough names each sample with its first goal', () => {
    for (const s of samples) {
      assert.ok(walkthrough.includes(s.title), `the walkthrough names ${s.title}`);
      assert.ok(walkthrough.includes(s.suggestedGoals[0]), `the walkthrough shows "${s.suggestedGoals[0]}"`);
    }
  });
});
