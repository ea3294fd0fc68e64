import type { GraphQLResolveInfo } from 'graphql';
import { previousPeriod, yearAgo, type Period } from '../domain/periods.ts';

/** Figures of one division (`code`) for one period, as a statistics type's field resolvers get them. */
export interface PeriodScope {
  code?: string;
  period?: Period;
}

/**
 * A statistics type's period fields and comparisons (环比 previous, 同比 yearAgo), for every subgraph's statistics:
 * `load` gives a division's figures for another period, batched per period across divisions by the caller's loaders.
 */
export function comparisons<C, F extends PeriodScope>(load: (ctx: C, code: string, p: Period, info?: GraphQLResolveInfo) => Promise<F>) {
  return {
    from: (x: F) => x.period!.from,
    to: (x: F) => x.period!.to,
    previous: (x: F, _: unknown, ctx: C, info: GraphQLResolveInfo) => load(ctx, x.code!, previousPeriod(x.period!), info),
    yearAgo: (x: F, _: unknown, ctx: C, info: GraphQLResolveInfo) => load(ctx, x.code!, yearAgo(x.period!), info),
  };
}
