import type { RiskFactResolvers, RiskSignalResolvers } from '../generated/resolvers.ts';
import { explain } from '../risk-signals.ts';

/** 苗头预警 An early warning (built by ../risk-signals.ts): its village through the per-request loader, its explanation in the request's language. */
export const RiskSignal: RiskSignalResolvers = {
  village: (s, _, ctx) => (s.villageCode ? ctx.loaders.village.load(s.villageCode) : null),
  township: (s) => ({ code: s.townshipCode }),
  explanation: (s, _, ctx) => explain(s, ctx.language),
};

/** A fact's cases: their numbers, and the records through the per-request dispute loader (none for callers without `read`). */
export const RiskFact: RiskFactResolvers = {
  caseNumbers: (f) => f.cases.map((c) => c.caseNumber),
  disputes: async (f, _, ctx) => (await ctx.loaders.dispute.loadMany(f.cases.map((c) => c.id))).flatMap((d) => (d && !(d instanceof Error) ? [d] : [])),
};
