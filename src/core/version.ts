/** Product identity shared by the CLI, the extension and the logs. Kept in one place so they agree. */
export const PRODUCT_NAME = 'SpecTask Orchestrator';
/** Replaced at build time from package.json by esbuild's `define`. */
declare const __SPECTASK_VERSION__: string;
export const PRODUCT_VERSION: string = typeof __SPECTASK_VERSION__ === 'string' ? __SPECTASK_VERSION__ : '0.0.0-dev';
