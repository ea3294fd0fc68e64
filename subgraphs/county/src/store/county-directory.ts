import { z } from 'zod';
import { col, sql } from '../../../../platform/sql.ts';

/**
 * Reads of the region and county directory (names and codes, public: no
 * row-level security), run on the pool outside any transaction through
 * platform/jurisdiction.ts `publicRows`.
 */
const Region = z.object({ code: col.text, name: col.text, level: z.enum(['PROVINCE', 'PREFECTURE']), parentCode: col.text.nullable() });
const County = z.object({ code: col.text, name: col.text, prefectureCode: col.text, provinceCode: col.text });

const REGION = `code, name, level, parent_code as "parentCode"`;
const COUNTY = `code, name, prefecture_code as "prefectureCode", province_code as "provinceCode"`;

export const countyDirectory = {
  /** Region codes. */
  regionsByCodes: sql('region.directoryByCodes', Region, `select ${REGION} from region where code in (?)`),
  /** Parent (province) codes; by code. */
  regionsOfParents: sql('region.directoryOfParents', Region, `select ${REGION} from region where parent_code in (?) order by code`),
  /** County codes. */
  countiesByCodes: sql('county.directoryByCodes', County, `select ${COUNTY} from county where code in (?)`),
  /** Province or prefecture codes, mixed freely; by code. */
  countiesOfRegions: sql(
    'county.directoryOfRegions',
    County,
    `select ${COUNTY} from county where prefecture_code in (?) or province_code in (?) order by code`,
  ),
};
