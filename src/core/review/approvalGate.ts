import { blocksApproval, contentHash, SPEC_DOCUMENTS, type ReviewComment, type SpecDocument } from './reviewComments';

export type ApprovalGate = { canApprove: true } | { canApprove: false; reasons: string[] };

/**
 * Approve is allowed only when every spec document has been opened since it last changed and no comment
 * is open (the reference system's rule, F17). `viewed` maps a document to the content hash it had when
 * the reviewer last opened it. A comment a revision under review (`reviewed`, see reviewedRevision) answered
 * no longer blocks (issue 22).
 */
export function approvalGate(
  documents: Partial<Record<SpecDocument, string>>,
  viewed: Partial<Record<SpecDocument, string>>,
  comments: readonly ReviewComment[],
  reviewed?: number,
): ApprovalGate {
  const reasons: string[] = [];
  for (const doc of SPEC_DOCUMENTS) {
    const text = documents[doc];
    if (text === undefined) reasons.push(`${doc} is missing`);
    else if (viewed[doc] === undefined) reasons.push(`open ${doc} to review it`);
    else if (viewed[doc] !== contentHash(text)) reasons.push(`${doc} changed since you opened it; open it again`);
  }
  const open = comments.filter((c) => blocksApproval(c, reviewed));
  if (open.length)
    reasons.push(
      `${open.length} open comment${open.length === 1 ? '' : 's'} (resolve or send them with Request changes)`,
    );
  return reasons.length ? { canApprove: false, reasons } : { canApprove: true };
}
