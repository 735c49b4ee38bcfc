import type { SpecTaskDetails } from '../../src/core/docs/specTaskReader';
import type { SpecTaskRecord } from '../../src/core/docs/specTaskSchema';

/** What the reader gives for SpecTask 000001 "login" holding `record` (no documents, no problems). */
export const loginDetails = (record: SpecTaskRecord): SpecTaskDetails =>
  ({
    id: '000001',
    folder: 'design/tasks/000001_login',
    path: '/x/design/tasks/000001_login',
    title: record.title,
    status: record.status,
    record,
    problems: [],
    documents: {},
  }) as unknown as SpecTaskDetails;
