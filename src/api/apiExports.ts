// VS Code-free, so the unit tier can check what other extensions see in each extension mode.
import type { SpecTaskService } from '../core/service/specTaskService';
import type { ApiEvent, SpecTaskApiV1, SpecTaskExtensionExports } from './spectaskApi';

export interface ExportsOptions<Hooks extends object> {
  readonly service: SpecTaskService;
  /** Fires once per change of the fleet (the dashboard's own signal). */
  readonly onDidChangeFleet: ApiEvent<void>;
  /** `context.extensionMode === ExtensionMode.Test`: only then do the test hooks join the exports. */
  readonly testMode: boolean;
  /** The hooks the integration tests use (built only in test mode). */
  readonly testHooks: () => Hooks;
}

/**
 * What `activate()` returns. Other extensions get `{ getApi }` alone; the hooks that let a caller feed the
 * dashboard or reach the orchestrators are there only while VS Code runs the extension's own tests.
 */
export function buildExports<Hooks extends object>(
  opts: ExportsOptions<Hooks>,
): SpecTaskExtensionExports | (SpecTaskExtensionExports & Hooks) {
  const v1 = apiV1(opts.service, opts.onDidChangeFleet);
  const getApi = (version: 1): SpecTaskApiV1 => {
    if (version === 1) return v1;
    throw new Error(`SpecTask API version ${String(version)} is not offered; this version of the extension has 1`);
  };
  if (opts.testMode) return Object.assign(opts.testHooks(), { getApi });
  return Object.freeze({ getApi });
}

function apiV1(service: SpecTaskService, onDidChangeFleet: ApiEvent<void>): SpecTaskApiV1 {
  return Object.freeze({
    version: 1 as const,
    listSpecTasks: () => service.listSpecTasks(),
    fleetSnapshot: () => service.fleetSnapshot(),
    onDidChangeFleet: (listener) => onDidChangeFleet(() => listener(service.fleetSnapshot())),
    createSpecTask: (request) => service.createSpecTask(request),
    listSamples: () => service.listSamples(),
    createSpecTaskFromSample: (request) => service.createSpecTaskFromSample(request),
    getDocuments: (ref) => service.getDocuments(ref),
    writeDocument: (request) => service.writeDocument(request),
    startPlanning: (ref) => service.startPlanning(ref),
    approve: (ref) => service.approve(ref),
    requestChanges: (request) => service.requestChanges(request),
    accept: (ref) => service.accept(ref),
  } satisfies SpecTaskApiV1);
}
