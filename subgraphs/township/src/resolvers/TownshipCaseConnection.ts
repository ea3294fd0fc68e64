import type { TownshipCaseConnectionResolvers } from '../generated/resolvers.ts';

/** The inbox page; the flat endCursor/hasNextPage are deprecated copies of pageInfo's, still served. */
export const TownshipCaseConnection: TownshipCaseConnectionResolvers = {
  endCursor: (c) => c.pageInfo.endCursor,
  hasNextPage: (c) => c.pageInfo.hasNextPage,
};
