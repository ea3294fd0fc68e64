import { z } from 'zod';
import { col, sql } from '../../../../platform/sql.ts';

/**
 * Reads of the village and grid directory (names and codes, public: no
 * row-level security), run on the pool outside any transaction through
 * platform/jurisdiction.ts `publicRows`.
 */
const Village = z.object({
  code: col.text,
  name: col.text,
  kind: z.enum(['COMMUNITY', 'VILLAGE', 'OTHER']),
  townshipCode: col.text,
  countyCode: col.text,
});
const Grid = z.object({ code: col.text, name: col.text, villageCode: col.text, countyCode: col.text });

const VILLAGE = `code, name, kind, township_code as "townshipCode", county_code as "countyCode"`;
const GRID = `code, name, village_code as "villageCode", county_code as "countyCode"`;

export const villageDirectory = {
  /**
   * Whether the hub holds the division: a grid by its code, every other level by a village under it (the key range of
   * the village codes starting with it). One row: [code, code + ':'] for a grid, the range's ends otherwise.
   */
  divisionHeld: sql(
    'village.divisionHeld',
    z.object({ found: z.boolean() }),
    `select case when length(?::text) = 15 then exists (select 1 from grid where code = ?) else exists (select 1 from village where code >= ? and code < ?) end as found`,
  ),
  /** Village codes. */
  villagesByCodes: sql('village.directoryByCodes', Village, `select ${VILLAGE} from village where code in (?)`),
  /** Township codes; by code. */
  villagesOfTownships: sql('village.directoryOfTownships', Village, `select ${VILLAGE} from village where township_code in (?) order by code`),
  /** Grid codes. */
  gridsByCodes: sql('grid.directoryByCodes', Grid, `select ${GRID} from grid where code in (?)`),
  /** Village codes; by code. */
  gridsOfVillages: sql('grid.directoryOfVillages', Grid, `select ${GRID} from grid where village_code in (?) order by code`),
};

/** The parameters of `divisionHeld` for a division code (its ':' bound sorts after every digit). */
export const heldParams = (code: string): [string, string, string, string] => [code, code, code, `${code}:`];
