import * as assert from 'node:assert/strict';
import { SandboxedAgentHost } from '../../../../src/core/agents/sandbox/sandboxedAgentHost';
import { sandboxSettingOn } from '../../../../src/core/agents/sandbox/sandboxSetting';
import { parseArgs } from '../../../../src/cli/cliArgs';
import { backendConfigFromArgs } from '../../../../src/cli/orchestratorSettings';

describe('turning the agent sandbox on and off', () => {
  it('spectask.agents.sandbox: only an explicit off (or false) turns it off; anything else keeps it on', () => {
    for (const on of [undefined, 'on', true, 'ON', '', 'yes', 0, null])
      assert.equal(sandboxSettingOn(on), true, `${on}`);
    for (const off of ['off', 'OFF', ' off ', false]) assert.equal(sandboxSettingOn(off), false, `${off}`);
  });

  it('the CLI runs agents in the sandbox unless --no-sandbox or SPECTASK_SANDBOX=off', () => {
    const host = (argv: string[], env: NodeJS.ProcessEnv = {}) =>
      backendConfigFromArgs(parseArgs(['run', ...argv], new Set()), env).host;
    assert.ok(host([]) instanceof SandboxedAgentHost);
    assert.ok(host([], { SPECTASK_SANDBOX: 'on' }) instanceof SandboxedAgentHost);
    assert.equal(host(['--no-sandbox']), undefined);
    assert.equal(host([], { SPECTASK_SANDBOX: 'off' }), undefined);
  });
});
