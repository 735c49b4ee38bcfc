import * as assert from 'node:assert/strict';
import { clockTime, userMessageLine } from '../../../src/vscode/services/transcriptUserLine';

// Issue 20: the transcript shows a person's message to the running agent as "You (time): …".
describe('transcript: a message to the agent', () => {
  it('reads "You (hh:mm:ss): text", later lines indented under it', () => {
    const at = new Date(2026, 11, 5, 14, 3, 7).getTime();
    assert.equal(clockTime(at), '14:03:07');
    assert.equal(userMessageLine('Use tabs.\nAnd test it.', at), 'You (14:03:07): Use tabs.\n    And test it.');
  });
});
