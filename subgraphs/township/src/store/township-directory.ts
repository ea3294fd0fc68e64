import { z } from 'zod';
import { col, sql } from '../../../../platform/sql.ts';

/**
 * Reads of the township directory (names and codes, public: no row-level
 * security), run on the pool outside any transaction through
 * platform/jurisdiction.ts `publicRows`.
 */
const Township = z.object({
  code: col.text,
  name: col.text,
  kind: z.enum(['SUBDISTRICT', 'TOWN', 'TOWNSHIP', 'OTHER']),
  countyCode: col.text,
});

const COLUMNS = `code, name, kind, county_code as "countyCode"`;

export const townshipDirectory = {
  /** Township codes. */
  byCodes: sql('township.directoryByCodes', Township, `select ${COLUMNS} from township where code in (?)`),
  /** County codes; by code. */
  ofCounties: sql('township.directoryOfCounties', Township, `select ${COLUMNS} from township where county_code in (?) order by code`),
};
