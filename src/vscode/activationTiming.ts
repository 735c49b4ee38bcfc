/**
 * How long the extension took to load and activate inside VS Code, measured by the extension itself (VS Code
 * keeps its own figures internal); the activation benchmark reads them through the extension's API.
 *
 * extension.ts imports this module first, so this line runs before any other module of the bundle is
 * evaluated: it starts the module-load clock.
 */
const moduleEvaluationStartedAt = performance.now();

export interface ActivationTiming {
  /** From the first module of the bundle to the start of activate(): evaluating the bundle (and VS Code's call). */
  moduleLoadMs: number;
  /** activate() itself: building the composition root, registering commands, views and providers. */
  activateMs: number;
}

export function activationTiming(activateStartedAt: number, activateEndedAt: number): ActivationTiming {
  return { moduleLoadMs: activateStartedAt - moduleEvaluationStartedAt, activateMs: activateEndedAt - activateStartedAt };
}
