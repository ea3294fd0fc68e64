import type { MutationResolvers } from '../../generated/resolvers.ts';
import { SITES } from '../../registry/kinds.ts';
import { currentVersion, writeForm } from '../../registry/write.ts';
import { sites } from '../../store/site.ts';
import { forWrite, registered, tx } from './write.ts';
import { ENDS } from './deregister.ts';

/** 重点场所: registering and correcting key sites, on the sites' one write path (docs/ARCHITECTURE.md, "One write path per kind"). */
export const siteMutations = {
  registerSite: registered('registerSite', SITES, sites),
  updateSite: (_, { id, version, input }, ctx) =>
    tx(ctx, async (em) => {
      const s = await forWrite(em, ctx.caller, sites, id, 'site', { ended: { ends: ENDS.SITE, action: 'change' } });
      await writeForm(em, ctx.caller, SITES, input, { id: s.id, version }, currentVersion(s));
      return (await sites.byId(em, s.id))!;
    }),
} satisfies MutationResolvers;
