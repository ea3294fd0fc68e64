import type { Resolvers } from '../generated/resolvers.ts';
import { Change } from './Change.ts';
import { ChangedRecord } from './ChangedRecord.ts';
import { changeQueries } from './Query/changes.ts';

/** The change feed: Query.changes, its changes and their records. */
export const changeResolvers: Resolvers = { Query: changeQueries, Change, ChangedRecord };
