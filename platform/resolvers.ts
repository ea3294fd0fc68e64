import { GraphQLScalarType } from 'graphql';

/** Merges resolver maps type by type (each file contributes fields of the types it covers). */
export function mergeResolvers<T extends object>(...maps: Partial<T>[]): T {
  const out: Record<string, object> = {};
  for (const map of maps) {
    for (const [type, fields] of Object.entries(map)) {
      if (typeof fields !== 'object' || fields === null) continue;
      out[type] = fields instanceof GraphQLScalarType ? fields : { ...out[type], ...fields };
    }
  }
  // Every type of every map is in `out`, with the fields of all maps: a whole `T` when the maps together cover it.
  return out as T;
}
