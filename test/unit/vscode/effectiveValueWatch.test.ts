import * as assert from 'node:assert/strict';
import { EffectiveValueWatch } from '../../../src/vscode/commands/effectiveValueWatch';

describe('EffectiveValueWatch: a configuration event counts only when the value in effect changed', () => {
  it('an event that leaves the value as it was (trusting a workspace that sets a machine-scoped path) is no change', () => {
    const values: Record<string, string> = { 'agents.claudePath': '', 'agents.codexPath': '/usr/bin/codex' };
    const watch = new EffectiveValueWatch(Object.keys(values), (k) => values[k]);
    assert.equal(watch.changed('agents.claudePath'), false);
    assert.equal(watch.changed('agents.codexPath'), false);
  });

  it('a real change counts once, and changing back counts again', () => {
    const values: Record<string, string> = { p: '' };
    const watch = new EffectiveValueWatch(['p'], (k) => values[k]);
    values.p = '/opt/claude';
    assert.equal(watch.changed('p'), true);
    assert.equal(watch.changed('p'), false, 'the same value again is no change');
    values.p = '';
    assert.equal(watch.changed('p'), true);
  });
});
