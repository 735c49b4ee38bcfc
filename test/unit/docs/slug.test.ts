import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { slugify } from '../../../src/core/docs/slug';

describe('slugify', () => {
  it('lower-cases and hyphenates, cutting at a word within 25 characters', () => {
    assert.equal(slugify('Add login endpoint'), 'add-login-endpoint');
    assert.equal(slugify('Add password reset via email and SMS'), 'add-password-reset-via');
    assert.equal(slugify('Café Ünïcode naïve'), 'cafe-unicode-naive');
  });

  it('makes hostile titles safe', () => {
    assert.equal(slugify('../../etc/passwd'), 'etc-passwd');
    assert.equal(slugify('a\\b/c'), 'a-b-c');
    assert.equal(slugify('tab\there\u0000nul\u001bescape'), 'tab-here-nul-escape');
    assert.equal(slugify('🚀 Launch 🎉 rocket'), 'launch-rocket');
    assert.equal(slugify('x'.repeat(500)), 'x'.repeat(25));
    assert.equal(slugify(`${'word '.repeat(100)}`).length <= 25, true);
  });

  it('is never empty', () => {
    for (const t of ['', '   ', '🎉🎉', '...', '../..', '—', '日本語'])
      assert.equal(slugify(t), 'task', JSON.stringify(t));
  });

  it('always yields a safe folder-name fragment (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 600 }), (title) => {
        const s = slugify(title);
        assert.match(s, /^[a-z0-9]+(-[a-z0-9]+)*$/);
        assert.ok(s.length >= 1 && s.length <= 25);
      }),
      { numRuns: 500 },
    );
  });
});
