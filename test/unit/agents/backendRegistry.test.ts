import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BackendRegistry, type BackendInfo } from '../../../src/core/agents/backendRegistry';
import { BUILTIN_BACKENDS } from '../../../src/core/agents/builtinBackends';
import { CLAUDE_BACKEND_INFO } from '../../../src/core/agents/claudeBackend';
import { CLI_BACKEND_IDS } from '../../../src/cli/orchestratorSettings';
import { VSCODE_LM_BACKEND_INFO } from '../../../src/vscode/agents/vscodeLmInfo';

interface EnumSetting {
  enum: string[];
  enumDescriptions: string[];
  default: string;
}

/** The extension's list as src/vscode/agents/extensionBackends.ts builds it (that file needs VS Code). */
const extensionList = () => new BackendRegistry<BackendInfo>([...BUILTIN_BACKENDS.list(), VSCODE_LM_BACKEND_INFO]);

describe('the back-end registry', () => {
  it("is what package.json's back-end settings offer: ids, descriptions, order and a registered default", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../../package.json'), 'utf8')) as {
      contributes: { configuration: { properties: Record<string, EnumSetting> } };
    };
    const props = pkg.contributes.configuration.properties;
    const list = extensionList().list();
    for (const key of ['spectask.agents.planning.backend', 'spectask.agents.implementation.backend']) {
      const setting = props[key];
      assert.ok(setting, key);
      assert.deepEqual(
        setting.enum,
        list.map((b) => b.id),
        `${key}: enum`,
      );
      assert.deepEqual(
        setting.enumDescriptions,
        list.map((b) => b.description),
        `${key}: enumDescriptions`,
      );
      assert.equal(setting.default, CLAUDE_BACKEND_INFO.id);
    }
  });

  it('gives every back-end one label, different from every other', () => {
    const labels = extensionList()
      .list()
      .map((b) => b.label);
    assert.equal(new Set(labels).size, labels.length);
    assert.deepEqual(labels, [
      'Claude Code',
      'Codex CLI',
      'Gemini CLI',
      'OpenAI-compatible endpoint',
      'VS Code language model',
      'ACP agent',
      'Custom command',
    ]);
  });

  it('builds back-ends that carry the id, label and capabilities of their registration', () => {
    for (const reg of BUILTIN_BACKENDS.list()) {
      const b = reg.create({ custom: { command: 'my-agent', args: ['{prompt}'] }, acp: { agent: 'gemini' } });
      assert.ok(b, reg.id);
      assert.deepEqual([b.id, b.label, b.capabilities], [reg.id, reg.label, reg.capabilities]);
    }
  });

  it('leaves out the custom command until one is configured', () => {
    assert.equal(BUILTIN_BACKENDS.get('custom')!.create({}), undefined);
  });

  it('offers the CLI every built-in back-end but not the VS Code LM one', () => {
    assert.deepEqual(CLI_BACKEND_IDS, ['claude-cli', 'codex', 'gemini', 'openai-compat', 'acp', 'custom']);
  });

  it('keeps display order when a layer adds a back-end, refuses an id twice, and names unknown ids by their id', () => {
    const extended = extensionList();
    assert.deepEqual(extended.ids(), ['claude-cli', 'codex', 'gemini', 'openai-compat', 'vscode-lm', 'acp', 'custom']);
    assert.deepEqual(BUILTIN_BACKENDS.ids(), ['claude-cli', 'codex', 'gemini', 'openai-compat', 'acp', 'custom']);
    assert.throws(() => extended.with(VSCODE_LM_BACKEND_INFO), /registered twice/);
    assert.equal(extended.label('vscode-lm'), 'VS Code language model');
    assert.equal(extended.label('acp-future'), 'acp-future');
    assert.equal(extended.has('codex'), true);
    assert.equal(extended.has('acp-future'), false);
    assert.equal(extended.labels()['claude-cli'], 'Claude Code');
  });
});
