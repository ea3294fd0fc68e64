import { parsePhone } from '../../../../../domain/citizen-id.ts';
import { optText, text } from '../../../../../platform/validate.ts';
import type { MutationResolvers } from '../../generated/resolvers.ts';
import { addresses } from '../../store/address.ts';
import { sites } from '../../store/site.ts';
import { forWrite, gridFor, refInVillage, tx, versioned } from './write.ts';

/** 重点场所: registering and correcting key sites. */
export const siteMutations = {
  registerSite: (_, { input }, ctx) =>
    tx(ctx, async (em) => {
      const loc = await gridFor(em, ctx.caller, input.gridCode);
      return sites.insert(em, {
        name: text(input.name, 'name', 100),
        kind: input.kind,
        addressId: await refInVillage(em, ctx.caller, addresses, input.addressId, 'address', loc.villageCode),
        contactName: optText(input.contactName, 'contactName', 50),
        contactPhone: input.contactPhone == null ? null : parsePhone(input.contactPhone),
        ...loc,
      });
    }),
  updateSite: (_, { id, version, input }, ctx) =>
    tx(ctx, async (em) => {
      const s = await forWrite(em, ctx.caller, sites, id, 'site');
      return versioned(em, sites, s.id, version, {
        name: input.name == null ? undefined : text(input.name, 'name', 100),
        kind: input.kind ?? undefined,
        contactName: input.contactName == null ? undefined : text(input.contactName, 'contactName', 50),
        contactPhone: input.contactPhone == null ? undefined : parsePhone(input.contactPhone),
      });
    }),
} satisfies MutationResolvers;
