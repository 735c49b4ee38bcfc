/**
 * How long the extension took to load and activate inside VS Code, measured by the extension itself (VS Code
 * keeps its own figures internal); the activation benchmark reads them through the extension's API.
 *
 * extension.ts imports this module first, so this line runs before any other module of the bundle is
 * evaluated: it starts the module-load clock. extension.ts stops it with {@link markModuleEvaluated} once its
 * imports are evaluated.
 */
const moduleEvaluationStartedAt = performance.now();
let moduleEvaluatedAt: number | undefined;

export interface ActivationTiming {
  /** Evaluating the bundle's modules (not reading and compiling the file, which VS Code does before). */
  moduleLoadMs: number;
  /** From the end of module evaluation to VS Code calling activate(): the host's own work in between. */
  waitForActivateMs: number;
  /** activate() itself: building the composition root, registering commands, views and providers. */
  activateMs: number;
}

export function markModuleEvaluated(): void {
  moduleEvaluatedAt ??= performance.now();
}

export function activationTiming(activateStartedAt: number, activateEndedAt: number): ActivationTiming {
  const evaluated = moduleEvaluatedAt ?? activateStartedAt;
  return {
    moduleLoadMs: evaluated - moduleEvaluationStartedAt,
    waitForActivateMs: activateStartedAt - evaluated,
    activateMs: activateEndedAt - activateStartedAt,
  };
}
