import { GraphQLScalarType } from 'graphql';

/** Merges resolver maps type by type (each file contributes fields of the types it covers). */
export function mergeResolvers<T extends Record<string, any>>(...maps: Partial<T>[]): T {
  const out: Record<string, any> = {};
  for (const map of maps) {
    for (const [type, fields] of Object.entries(map)) {
      out[type] = fields instanceof GraphQLScalarType ? fields : { ...(out[type] ?? {}), ...fields };
    }
  }
  return out as T;
}
