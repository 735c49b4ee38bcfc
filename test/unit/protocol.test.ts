import * as assert from 'node:assert/strict';
import { parseWebviewMessage, PROTOCOL_VERSION } from '../../src/protocol/messages';

describe('parseWebviewMessage', () => {
  it('accepts a well-formed ready message and drops extra fields', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'webview/ready', protocol: PROTOCOL_VERSION, evil: '<script>' }), {
      type: 'webview/ready',
      protocol: PROTOCOL_VERSION,
    });
  });

  it('rejects anything malformed', () => {
    for (const bad of [null, undefined, 42, 'ready', [], {}, { type: 'webview/ready' }, { type: 'webview/ready', protocol: '1' }, { type: 'nope' }, { type: 'command/run', command: 'workbench.action.terminal.new' }]) {
      assert.equal(parseWebviewMessage(bad), undefined, JSON.stringify(bad));
    }
  });
});
