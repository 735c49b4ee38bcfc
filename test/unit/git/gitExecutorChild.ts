// Loaded by gitExecutor.test.ts in a child process (not a test file itself): the executors, bundled on their own.
export { WorkerGitExecutor } from '../../../src/core/git/gitThreadExecutor';
export { ProcessGitExecutor } from '../../../src/core/git/gitProcessExecutor';
