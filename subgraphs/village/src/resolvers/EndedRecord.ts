import type { EndedRecordResolvers } from '../generated/resolvers.ts';
import { gridOf, villageOf } from './refs.ts';

/** 已注销记录: a household, house or group taken out of the current registry, kept as history. */
export const EndedRecord: EndedRecordResolvers = {
  recordId: (e) => String(e.id),
  grid: gridOf,
  village: villageOf,
};
