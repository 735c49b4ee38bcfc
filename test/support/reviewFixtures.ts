import type { StoredComment } from '../../src/core/review/commentRecords';

/** A review comment as the review keeps it: on design.md line 4, by "ana", open, with no replies. */
export function storedComment(createdAt: number, over: Partial<StoredComment> = {}): StoredComment {
  return {
    id: 'rc-1',
    document: 'design.md',
    line: 4,
    quote: 'Store sessions in memory.',
    body: 'Use Redis.',
    author: 'ana',
    createdAt,
    replies: [],
    ...over,
  };
}
