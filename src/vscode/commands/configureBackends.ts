import { vscode } from '../vscodeApi';
import type { BackendId, ProbeResult } from '../../core/agents/agentBackend';
import { CLAUDE_BACKEND_INFO } from '../../core/agents/claudeBackend';
import { CODEX_BACKEND_INFO } from '../../core/agents/codexBackend';
import { CUSTOM_BACKEND_INFO } from '../../core/agents/customCommandBackend';
import { GEMINI_BACKEND_INFO } from '../../core/agents/geminiBackend';
import { encodeStoredKey, plainHttpProblem, urlOrigin } from '../../core/agents/keyOrigin';
import { OPENAI_COMPAT_BACKEND_INFO } from '../../core/agents/openAiCompatBackend';
import type { MachineScopedSetting } from '../../core/machineSettings';
import { Disposable } from '../../core/lifecycle';
import { EXTENSION_BACKENDS } from '../agents/extensionBackends';
import { registerCommand } from '../commandRegistry';
import { OPENAI_KEY_SECRET, type BackendCatalog } from '../services/backends';
import { readMachineSetting } from '../services/settings';
import { reportErrors } from './taskCommands';
import type { SandboxedAgentHost } from '../../core/agents/sandbox/sandboxedAgentHost';
import { describeSandbox } from '../../core/agents/sandbox/sandboxProbe';
import { pathChangeNotice, probeDetail } from '../views/backendStatusText';
import { showBackendRefusal } from './backendGate';
import { EffectiveValueWatch } from './effectiveValueWatch';

/** A row of the back-end list; the sandbox's row has no id. */
type BackendRow = vscode.QuickPickItem & { id?: BackendId };

/** The setting that holds the binary of each CLI back-end. */
const PATH_SETTING: Partial<Record<BackendId, MachineScopedSetting>> = {
  [CLAUDE_BACKEND_INFO.id]: 'agents.claudePath',
  [CODEX_BACKEND_INFO.id]: 'agents.codexPath',
  [GEMINI_BACKEND_INFO.id]: 'agents.geminiPath',
};

type Action = vscode.QuickPickItem & { run: () => Thenable<unknown> };

/**
 * "Configure agent back-ends": every back-end with what its probe found; per back-end, make it the default
 * for planning or implementation, set its binary path, endpoint, command, or the API key (SecretStorage
 * only, never settings).
 */
export class ConfigureBackends extends Disposable {
  constructor(
    private readonly catalog: BackendCatalog,
    private readonly secrets: vscode.SecretStorage,
    private readonly log: vscode.LogOutputChannel,
    private readonly onChanged: () => void,
    /** The host agents run on: its sandbox status is the list's first line. */
    private readonly sandbox?: SandboxedAgentHost,
  ) {
    super();
    this._register(
      registerCommand('spectask.backends.configure', () =>
        reportErrors(log, 'Configure agent back-ends', () => this.show()),
      ),
    );
    // A changed binary path is confirmed at once: the path and version now used, or why it cannot be. Only a
    // change of the user's value counts (the setting is machine-scoped: a workspace's value is never used).
    const pathSettings = Object.entries(PATH_SETTING) as [BackendId, MachineScopedSetting][];
    const paths = new EffectiveValueWatch(
      pathSettings.map(([, setting]) => setting),
      (setting) => readMachineSetting<string>(setting)?.trim() ?? '',
    );
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        for (const [id, setting] of pathSettings)
          if (e.affectsConfiguration(`spectask.${setting}`) && paths.changed(setting)) void this.confirmPath(id);
      }),
    );
  }

  /** Probes the back-end whose path setting changed and says what it uses now (only for a trusted workspace). */
  private async confirmPath(id: BackendId): Promise<void> {
    if (!vscode.workspace.isTrusted) return;
    this.catalog.rebuild();
    await this.catalog.searchReady();
    const label = EXTENSION_BACKENDS.label(id);
    const result = await this.catalog
      .get(id)
      .probe()
      .catch((e: unknown) => ({ available: false, problem: e instanceof Error ? e.message : String(e) }));
    const notice = pathChangeNotice(label, result, this.catalog.foundIn(id));
    this.log.info(`back-end ${id} after its path changed: ${notice.text}`);
    if (notice.ok) void vscode.window.showInformationMessage(notice.text);
    else showBackendRefusal(notice.text);
  }

  private async show(): Promise<void> {
    for (;;) {
      const picked = await this.pickBackend();
      if (!picked) return;
      if (picked.id === undefined) {
        await this.toggleSandbox();
        continue;
      }
      const done = await this.configure(picked.id, EXTENSION_BACKENDS.label(picked.id));
      if (!done) continue;
      this.onChanged();
      return;
    }
  }

  /**
   * The back-end list. A found CLI's probe runs it (`--version`), which can take seconds: when the probes are not
   * done at once, the list shows right away with "Looking…" and each row fills in when its probe answers.
   */
  private async pickBackend(): Promise<BackendRow | undefined> {
    const cfg = vscode.workspace.getConfiguration('spectask');
    const planning = cfg.get<string>('agents.planning.backend');
    const impl = cfg.get<string>('agents.implementation.backend');
    const row = (id: BackendId, label: string, result?: ProbeResult): BackendRow => ({
      label: `${!result ? '$(loading~spin)' : result.available ? '$(check)' : '$(warning)'} ${label}`,
      description: [id, id === planning ? 'planning default' : '', id === impl ? 'implementation default' : '']
        .filter(Boolean)
        .join(' · '),
      detail: result ? probeDetail(result, this.catalog.foundIn(id)) : 'Looking…',
      id,
    });
    const probes = this.catalog.probeAll();
    const sandbox = await this.sandboxItem();
    // The sandbox row has no back-end id: picking it turns the sandbox on or off.
    const withSandbox = (rows: BackendRow[]) => (sandbox ? [sandbox, ...rows] : rows);
    const quick = await Promise.race([probes, new Promise<undefined>((r) => setTimeout(() => r(undefined), 100))]);
    const pick = vscode.window.createQuickPick<BackendRow>();
    pick.title = 'Configure Agent Back-ends';
    pick.placeholder = 'Pick a back-end to configure or make default';
    pick.ignoreFocusOut = true;
    pick.items = withSandbox(
      quick ? quick.map((p) => row(p.id, p.label, p.result)) : EXTENSION_BACKENDS.list().map((b) => row(b.id, b.label)),
    );
    if (!quick) {
      pick.busy = true;
      void probes.then((all) => {
        const active = pick.activeItems[0]?.id;
        pick.items = withSandbox(all.map((p) => row(p.id, p.label, p.result)));
        const again = pick.items.find((i) => i.id === active);
        if (again) pick.activeItems = [again];
        pick.busy = false;
      });
    }
    return new Promise((resolve) => {
      let result: BackendRow | undefined;
      pick.onDidAccept(() => {
        result = pick.selectedItems[0] ?? pick.activeItems[0];
        pick.hide();
      });
      pick.onDidHide(() => {
        pick.dispose();
        resolve(result);
      });
      pick.show();
    });
  }

  /** "Sandbox: on (bubblewrap 0.8.0)" / "off" / "unavailable: <reason>" / "no sandbox on this platform". */
  private async sandboxItem(): Promise<BackendRow | undefined> {
    if (!this.sandbox) return undefined;
    const status = await this.sandbox.sandboxStatus();
    const line = describeSandbox(status, this.sandbox.enabled);
    const unsupported = !status.available && status.platform === 'unsupported';
    return {
      label: `${status.available || unsupported || !this.sandbox.enabled ? '$(shield)' : '$(warning)'} Sandbox: ${line}`,
      description: 'spectask.agents.sandbox',
      detail: unsupported
        ? 'Agents run as your user: the bubblewrap sandbox exists on Linux only.'
        : `Agents and their commands run inside bubblewrap: home hidden, git directories read-only. Pick to turn it ${this.sandbox.enabled ? 'off' : 'on'}.`,
    };
  }

  private async toggleSandbox(): Promise<void> {
    if (!this.sandbox) return;
    const status = await this.sandbox.sandboxStatus();
    if (!status.available && status.platform === 'unsupported') return;
    const next = this.sandbox.enabled ? 'off' : 'on';
    await vscode.workspace
      .getConfiguration('spectask')
      .update('agents.sandbox', next, vscode.ConfigurationTarget.Global);
    this.log.info(`agent sandbox turned ${next}`);
  }

  /** Returns false when the user went back to the list. */
  private async configure(id: BackendId, label: string): Promise<boolean> {
    const cfg = () => vscode.workspace.getConfiguration('spectask');
    const target = vscode.ConfigurationTarget.Global;
    const actions: Action[] = [
      {
        label: '$(play) Use for planning',
        detail: 'spectask.agents.planning.backend',
        run: () => cfg().update('agents.planning.backend', id, target),
      },
      {
        label: '$(tools) Use for implementation',
        detail: 'spectask.agents.implementation.backend',
        run: () => cfg().update('agents.implementation.backend', id, target),
      },
      {
        label: '$(star-full) Use for both phases',
        run: async () => {
          await cfg().update('agents.planning.backend', id, target);
          await cfg().update('agents.implementation.backend', id, target);
        },
      },
    ];
    const pathSetting = PATH_SETTING[id];
    if (pathSetting) {
      actions.push({
        label: '$(file-binary) Set the binary path',
        detail: `spectask.${pathSetting} (empty: look it up on PATH)`,
        run: async () => {
          const v = await vscode.window.showInputBox({
            title: `${label}: binary path`,
            prompt: 'Absolute path of the executable, or empty to search PATH',
            value: readMachineSetting<string>(pathSetting) ?? '',
          });
          if (v !== undefined) await cfg().update(pathSetting, v.trim(), target);
        },
      });
    }
    if (id === OPENAI_COMPAT_BACKEND_INFO.id) {
      actions.push(
        {
          label: '$(key) Set the API key',
          detail: 'Stored in VS Code SecretStorage, never in settings',
          run: async () => {
            // The key is bound to the origin of the base URL it is entered for (core/agents/keyOrigin).
            const baseUrl = readMachineSetting<string>('openaiCompatible.baseUrl')?.trim() ?? '';
            const origin = urlOrigin(baseUrl);
            if (!origin) {
              void vscode.window.showErrorMessage(
                'Set the base URL first: the API key is stored for that endpoint only and is sent nowhere else.',
              );
              return;
            }
            const insecure = plainHttpProblem(baseUrl);
            if (insecure) {
              void vscode.window.showErrorMessage(`${baseUrl}: ${insecure}`);
              return;
            }
            const v = await vscode.window.showInputBox({
              title: `${label}: API key for ${origin}`,
              prompt: `Stored in SecretStorage and sent only to ${origin}. Leave empty to remove the key.`,
              password: true,
              ignoreFocusOut: true,
            });
            if (v === undefined) return;
            if (v.trim()) await this.secrets.store(OPENAI_KEY_SECRET, encodeStoredKey(v.trim(), baseUrl));
            else await this.secrets.delete(OPENAI_KEY_SECRET);
            await this.catalog.loadSecrets();
            void vscode.window.showInformationMessage(
              v.trim() ? 'The API key was stored in SecretStorage.' : 'The API key was removed.',
            );
          },
        },
        {
          label: '$(globe) Set the base URL',
          detail: 'spectask.openaiCompatible.baseUrl',
          run: async () => {
            const v = await vscode.window.showInputBox({
              title: `${label}: base URL`,
              value: readMachineSetting<string>('openaiCompatible.baseUrl') ?? '',
              placeHolder: 'http://localhost:11434/v1',
              validateInput: (s) =>
                !s.trim() || /^https?:\/\/\S+$/.test(s.trim()) ? undefined : 'Enter an http(s) URL',
            });
            if (v !== undefined) await cfg().update('openaiCompatible.baseUrl', v.trim(), target);
          },
        },
        {
          label: '$(symbol-variable) Set the model',
          detail: 'spectask.openaiCompatible.model',
          run: async () => {
            const v = await vscode.window.showInputBox({
              title: `${label}: model`,
              value: cfg().get<string>('openaiCompatible.model') ?? '',
            });
            if (v !== undefined) await cfg().update('openaiCompatible.model', v.trim(), target);
          },
        },
      );
    }
    if (id === CUSTOM_BACKEND_INFO.id) {
      actions.push({
        label: '$(terminal) Set the command',
        detail: 'spectask.customCommand.template: placeholders {prompt} {cwd} {model} {sessionId}; no shell syntax',
        run: async () => {
          const v = await vscode.window.showInputBox({
            title: 'Custom agent command',
            value: readMachineSetting<string>('customCommand.template') ?? '',
            placeHolder: 'my-agent --cwd {cwd} {prompt}',
          });
          if (v !== undefined) await cfg().update('customCommand.template', v.trim(), target);
        },
      });
    }
    actions.push({
      label: '$(settings-gear) Open all SpecTask agent settings',
      run: () => vscode.commands.executeCommand('workbench.action.openSettings', 'spectask.agents'),
    });
    const back: Action = { label: '$(arrow-left) Back', run: async () => undefined };
    const choice = await vscode.window.showQuickPick([...actions, back], {
      title: `Configure ${label}`,
      ignoreFocusOut: true,
    });
    if (!choice || choice === back) return choice !== back;
    await choice.run();
    this.catalog.rebuild();
    this.log.info(`back-end ${id}: ${choice.label.replace(/^\$\([^)]*\) /, '')}`);
    return true;
  }
}
