import * as assert from 'node:assert/strict';
import { askingModeSwitch } from '../../../../src/core/agents/acp/acpSessionMode';

// Claude Code's ACP adapter opens sessions in `auto`, where its own classifier decides on commands: the run
// switches it to `default`, where it asks, so that the permission level (and the person) decide.
describe('ACP session mode: the mode in which the agent asks', () => {
  const modes = (current: string, ...ids: string[]) => ({
    sessionId: 's',
    modes: { currentModeId: current, availableModes: ids.map((id) => ({ id, name: id })) },
  });

  it("switches to 'default' when the agent starts elsewhere and offers it", () => {
    assert.equal(
      askingModeSwitch(modes('auto', 'default', 'acceptEdits', 'plan', 'auto', 'bypassPermissions')),
      'default',
    );
  });

  it('leaves a session alone that asks already, offers no such mode, or says nothing of modes', () => {
    assert.equal(askingModeSwitch(modes('default', 'default', 'auto')), undefined);
    assert.equal(askingModeSwitch(modes('full-access', 'read-only', 'full-access')), undefined);
    assert.equal(askingModeSwitch({ sessionId: 's' }), undefined);
    assert.equal(askingModeSwitch(null), undefined);
    assert.equal(askingModeSwitch({ modes: { currentModeId: 'auto', availableModes: 'default' } }), undefined);
  });
});
