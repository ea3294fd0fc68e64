import { badInput } from '../../../../../platform/errors.ts';
import { text } from '../../../../../platform/validate.ts';
import type { MutationResolvers } from '../../generated/resolvers.ts';
import { addresses } from '../../store/address.ts';
import { forWrite, gridFor, tx, versioned } from './write.ts';

/** 标准地址: registering and correcting addresses. */
export const addressMutations = {
  registerAddress: (_, { input }, ctx) =>
    tx(ctx, async (em) => {
      const loc = await gridFor(em, ctx.caller, input.gridCode);
      return addresses.insert(em, { number: text(input.number, 'number', 50), text: text(input.text, 'text'), ...loc });
    }),
  updateAddress: (_, { id, version, input }, ctx) =>
    tx(ctx, async (em) => {
      const a = await forWrite(em, ctx.caller, addresses, id, 'address');
      const loc = input.gridCode ? await gridFor(em, ctx.caller, input.gridCode) : null;
      if (loc && loc.villageCode !== a.villageCode) {
        throw badInput(
          { zh: '标准地址不能迁到其他村（社区），请登记新地址。', en: 'An address cannot move to another village; register a new one.' },
          { argument: 'gridCode' },
        );
      }
      return versioned(em, addresses, a.id, version, {
        number: input.number == null ? undefined : text(input.number, 'number', 50),
        text: input.text == null ? undefined : text(input.text, 'text'),
        gridCode: loc?.gridCode,
      });
    }),
} satisfies MutationResolvers;
