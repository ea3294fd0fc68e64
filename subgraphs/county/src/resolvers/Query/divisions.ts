import { parseCodeOfLevel, parseDivisionCode } from '../../../../../domain/codes.ts';
import type { QueryResolvers } from '../../generated/resolvers.ts';
import { counties } from '../../store/county.ts';
import { regions } from '../../store/region.ts';

export const divisionQueries: Pick<QueryResolvers, 'region' | 'provinces' | 'county' | 'counties'> = {
  region: (_, { code }, ctx) => ctx.loaders.region.load(parseDivisionCode(code, 'code', ['PROVINCE', 'PREFECTURE'])),
  provinces: (_, __, ctx) => regions.provinces(ctx.em),
  county: (_, { code }, ctx) => ctx.loaders.county.load(parseCodeOfLevel(code, 'COUNTY')),
  counties: (_, { within }, ctx) => counties.within(ctx.em, parseDivisionCode(within, 'within', ['PROVINCE', 'PREFECTURE', 'COUNTY'])),
};
