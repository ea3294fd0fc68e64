import { parseCodeOfLevel, parseDivisionCode } from '../../../../../domain/codes.ts';
import type { QueryResolvers } from '../../generated/resolvers.ts';
import { townships } from '../../store/township.ts';

export const divisionQueries: Pick<QueryResolvers, 'township' | 'townships'> = {
  township: (_, { code }, ctx) => ctx.loaders.township.load(parseCodeOfLevel(code, 'TOWNSHIP')),
  townships: (_, { within }, ctx) => townships.within(ctx.em, parseDivisionCode(within, 'within', ['PROVINCE', 'PREFECTURE', 'COUNTY', 'TOWNSHIP'])),
};
