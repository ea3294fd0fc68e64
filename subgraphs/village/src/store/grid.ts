import { z } from 'zod';
import { col, row, sql, type Db } from '../../../../platform/sql.ts';
import { Grid, type GridEntity } from '../entities.ts';

/**
 * Grids (网格), keyed by their 15-digit code (village code + 3-digit
 * sequence): read through their MikroORM entity (entities.ts), and by SQL
 * where a write checks one inside its transaction.
 */
const GridRow = z.object({ code: col.text, name: col.text, villageCode: col.text, countyCode: col.text });
export type GridRow = z.infer<typeof GridRow>;

const byCode = sql('grid.byCode', GridRow, 'select * from grid where code = ?');

export const grids = {
  byCodes: (db: Db, codes: readonly string[]): Promise<GridEntity[]> => db.find(Grid, { code: { $in: [...codes] } }),
  /** Grids of each village, by code. */
  ofVillages: (db: Db, villageCodes: readonly string[]): Promise<GridEntity[]> =>
    db.find(Grid, { villageCode: { $in: [...villageCodes] } }, { orderBy: { code: 'asc' } }),
  /** A page of the grids under a division (its code a prefix of theirs), by code, after the code `after`. */
  pageWithin: (db: Db, prefix: string, limit: number, after?: string): Promise<GridEntity[]> =>
    db.find(Grid, { code: after ? { $like: `${prefix}%`, $gt: after } : { $like: `${prefix}%` } }, { orderBy: { code: 'asc' }, limit }),
  countWithin: (db: Db, prefix: string): Promise<number> => db.count(Grid, { code: { $like: `${prefix}%` } }),
  /** The grid, read in the write's transaction. */
  byCode: (db: Db, code: string): Promise<GridRow | null> => row(db, byCode, [code]),
};
