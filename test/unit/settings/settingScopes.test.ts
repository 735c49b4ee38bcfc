import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { MACHINE_SCOPED_SETTINGS, isMachineScoped, userLevelValue } from '../../../src/core/machineSettings';

// Issue 18 item 2: a repository's .vscode/settings.json must not choose what runs on the user's machine, with
// which rights, or where the API key goes. Every spectask.* setting is classified here, by hand, so a new
// setting fails this test until someone decides which kind it is.
const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8'));
const properties: Record<string, { scope?: string; description?: string; markdownDescription?: string }> =
  pkg.contributes.configuration.properties;

/** Pick an executable, a command line, an endpoint, a permission level, allowed commands, or how agents run. */
const DANGEROUS = [
  'spectask.agents.claudePath',
  'spectask.agents.codexPath',
  'spectask.agents.geminiPath',
  'spectask.customCommand.template',
  'spectask.customCommand.promptOnStdin',
  'spectask.agents.permissionLevel',
  'spectask.agents.allowedCommands',
  'spectask.agents.cpuPriority',
  'spectask.openaiCompatible.baseUrl',
  'spectask.integration.testCommand',
  'spectask.integration.runHooks',
  'spectask.agents.acp.agent',
  'spectask.agents.acp.agents',
  'spectask.agents.sandbox',
  'spectask.agents.permissionTimeoutSeconds',
];

/**
 * Shape the UI, the workflow or the team's shared branch; a workspace may set them. (Back-end and model names
 * only pick among what the user configured; a SpecTask on the shared branch can name its own anyway.)
 */
const WORKSPACE_SAFE = [
  'spectask.designDocsBranch',
  'spectask.dashboard.contextItems',
  'spectask.agents.planning.backend',
  'spectask.agents.planning.model',
  'spectask.agents.implementation.backend',
  'spectask.agents.implementation.model',
  'spectask.concurrency.planning',
  'spectask.concurrency.implementation',
  'spectask.agents.wallClockTimeoutMinutes',
  'spectask.agents.idleTimeoutMinutes',
  'spectask.agents.idleStopMinutes',
  'spectask.reconcileIntervalSeconds',
  'spectask.scheduler.fileOverlap',
  'spectask.autoStart',
  'spectask.merge.strategy',
  'spectask.integration.strategy',
  'spectask.integration.testTimeoutMinutes',
  'spectask.merge.cleanupWorktree',
  'spectask.pushToRemote',
  'spectask.syncIntervalMinutes',
  'spectask.openaiCompatible.model',
];

/** Words that mark a setting as dangerous by its name or description, so a misfiled one is caught too. */
const DANGER_WORDS =
  /path|executable|binary|command|template|base ?url|endpoint|permission|sandbox|priority|allowed|api key/i;

describe('spectask.* setting scopes (issue 18: workspace settings choose nothing that runs)', () => {
  const names = Object.keys(properties);

  it('classifies every contributed setting exactly once', () => {
    const both = DANGEROUS.filter((n) => WORKSPACE_SAFE.includes(n));
    assert.deepEqual(both, [], 'a setting is in both lists');
    const unclassified = names.filter((n) => !DANGEROUS.includes(n) && !WORKSPACE_SAFE.includes(n));
    assert.deepEqual(unclassified, [], 'new settings: add each to DANGEROUS or WORKSPACE_SAFE in this test');
    const stale = [...DANGEROUS, ...WORKSPACE_SAFE].filter((n) => !names.includes(n));
    assert.deepEqual(stale, [], 'listed here but no longer contributed');
  });

  it('gives every dangerous setting machine (or application) scope', () => {
    const unscoped = DANGEROUS.filter((n) => !['machine', 'application'].includes(properties[n]?.scope ?? ''));
    assert.deepEqual(unscoped, []);
  });

  it('lists every dangerous setting under untrustedWorkspaces.restrictedConfigurations', () => {
    const restricted: string[] = pkg.capabilities.untrustedWorkspaces.restrictedConfigurations ?? [];
    assert.deepEqual(
      DANGEROUS.filter((n) => !restricted.includes(n)),
      [],
    );
  });

  it('finds no workspace-safe setting whose name or description says it is dangerous', () => {
    // The only exceptions are named: they mention a danger word but only pick among the user's own choices.
    const mentions = new Set([
      'spectask.agents.planning.backend',
      'spectask.agents.implementation.backend',
      'spectask.openaiCompatible.model',
    ]);
    const suspicious = WORKSPACE_SAFE.filter(
      (n) =>
        !mentions.has(n) &&
        DANGER_WORDS.test(`${n} ${properties[n]?.description ?? ''} ${properties[n]?.markdownDescription ?? ''}`),
    );
    assert.deepEqual(suspicious, [], 'these look dangerous: classify them as DANGEROUS or add a named exception');
  });

  it('reads exactly the dangerous settings through the user-level path in the code', () => {
    assert.deepEqual(MACHINE_SCOPED_SETTINGS.map((k) => `spectask.${k}`).sort(), [...DANGEROUS].sort());
    for (const n of DANGEROUS) assert.ok(isMachineScoped(n.replace(/^spectask\./, '')), n);
    assert.equal(isMachineScoped('agents.planning.model'), false);
  });
});

describe('userLevelValue (an inspect() result with a hostile workspace value)', () => {
  const hostile = {
    defaultValue: 'edit+commands',
    workspaceValue: 'full',
    workspaceFolderValue: 'full',
    workspaceLanguageValue: 'full',
    workspaceFolderLanguageValue: 'full',
  };

  it('takes the default when the user set nothing, however the workspace and folder insist', () => {
    assert.equal(userLevelValue(hostile), 'edit+commands');
  });

  it("takes the user's own value over the default and never the workspace's", () => {
    assert.equal(userLevelValue({ ...hostile, globalValue: 'edit' }), 'edit');
    assert.equal(userLevelValue({ defaultValue: '', workspaceValue: './evil.sh', globalValue: '' }), '');
  });

  it('keeps non-string values and an absent setting', () => {
    assert.deepEqual(userLevelValue({ defaultValue: ['git status'], workspaceValue: ['bash'] }), ['git status']);
    assert.equal(userLevelValue(undefined), undefined);
    assert.equal(userLevelValue({ workspaceValue: 'x' }), undefined);
  });
});
