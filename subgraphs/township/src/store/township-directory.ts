import { z } from 'zod';
import { col, sql } from '../../../../platform/sql.ts';

/**
 * Reads of the township directory (names and codes, public: no row-level
 * security), run on the pool outside any transaction through
 * platform/jurisdiction.ts `publicRows` (`$n` parameters).
 */
const Township = z.object({
  code: col.text,
  name: col.text,
  kind: z.enum(['SUBDISTRICT', 'TOWN', 'TOWNSHIP', 'OTHER']),
  countyCode: col.text,
});

const COLUMNS = `code, name, kind, county_code as "countyCode"`;

export const townshipDirectory = {
  /** $1: township codes. */
  byCodes: sql('township.directoryByCodes', Township, `select ${COLUMNS} from township where code = any($1::text[])`),
  /** $1: county codes; by code. */
  ofCounties: sql('township.directoryOfCounties', Township, `select ${COLUMNS} from township where county_code = any($1::text[]) order by code`),
};
