// Loaded by gitExecutor.test.ts in a child process (not a test file itself): the executor, bundled on its own.
export { WorkerGitExecutor } from '../../../src/core/git/gitExecutor';
