import type { Resolvers } from '../generated/resolvers.ts';
import { changeLog } from '../store/changes.ts';
import { Change } from './Change.ts';
import { ChangedRecord } from './ChangedRecord.ts';
import { changeQueries } from './Query/changes.ts';

/** The change feed: Query.changes, its changes and their records. */
export const changeResolvers: Resolvers = { Query: changeQueries, Change, ChangedRecord };

// feed.ts (the NDJSON route) still imports these from here; their homes are changes/query.ts and store/changes.ts.
export { changeCursor, changeQuery } from '../changes/query.ts';
export const readChanges = changeLog.after;
