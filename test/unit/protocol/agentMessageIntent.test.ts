import * as assert from 'node:assert/strict';
import { MAX_TASK_ID_LENGTH, parseWebviewMessage } from '../../../src/protocol/messages';

// "Message the agent…" from a card (issue 20): the webview posts only the intent; the text is asked in VS Code.
describe('webview message agent/message', () => {
  it('accepts a task id, and nothing else passes through', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'agent/message', taskId: '000003', text: 'smuggled' }), {
      type: 'agent/message',
      taskId: '000003',
    });
  });

  it('rejects a missing, non-string, empty or oversized task id', () => {
    for (const taskId of [undefined, 3, '', 'x'.repeat(MAX_TASK_ID_LENGTH + 1), { id: 'x' }])
      assert.equal(parseWebviewMessage({ type: 'agent/message', taskId }), undefined, String(taskId));
  });
});
