import { branchNameProblem } from '../git/refName';

/** Where claims live on the remote: one ref per SpecTask number, outside `refs/heads` so no clone checks it out. */
export const CLAIMS_PREFIX = 'refs/spectask/claims/';

/** The claim ref of a SpecTask number ("000007"); throws on anything that is not six digits. */
export function claimRefOf(taskNumber: string): string {
  if (!/^\d{6}$/.test(taskNumber))
    throw new Error(`Refusing claim for ${JSON.stringify(taskNumber)}: not a task number`);
  return `${CLAIMS_PREFIX}${taskNumber}`;
}

/** The task number a claim ref names, or undefined for any other ref (an `ls-remote` line from the server). */
export function taskNumberOfClaimRef(ref: string): string | undefined {
  const m = /^refs\/spectask\/claims\/(\d{6})$/.exec(ref);
  return m?.[1];
}

/**
 * Throws unless `ref` is a full ref name git accepts (`refs/...`): every ref a worker pushes or leases reaches
 * git's argv inside `--force-with-lease=<ref>:<sha>` or a refspec, so it is checked like a branch name first.
 */
export function assertFullRefName(ref: string, what: string): void {
  const problem = ref.startsWith('refs/')
    ? branchNameProblem(ref.slice('refs/'.length))
    : 'it does not start with refs/';
  if (problem) throw new Error(`Refusing ${what} ${JSON.stringify(ref)}: not a valid ref name (${problem}).`);
}

/** Throws unless `name` can name a remote on git's command line (no option, no refspec syntax). */
export function assertRemoteName(name: string): void {
  const problem = branchNameProblem(name);
  if (problem || name.includes('/'))
    throw new Error(`Refusing remote ${JSON.stringify(name)}: not a remote name (${problem ?? 'it holds "/"'}).`);
}

/** Throws unless `sha` is a full object id (40 or 64 hex digits). */
export function assertObjectId(sha: string, what: string): void {
  if (!/^([0-9a-f]{40}|[0-9a-f]{64})$/.test(sha))
    throw new Error(`Refusing ${what} ${JSON.stringify(sha)}: not an object id.`);
}
