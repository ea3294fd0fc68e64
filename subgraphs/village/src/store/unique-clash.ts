import { z } from 'zod';
import { row, sql, type Db, type Sql } from '../../../../platform/sql.ts';

/**
 * The record a write clashed with at a unique index (registry/unique-keys.ts `clash`), found by the key's values in
 * the index's column order, under the caller's row-level security: null for a record the caller may not read.
 */
const idRow = z.object({ id: z.number() });
const keyOf = (name: string, text: string): Sql<{ id: number }> => sql(`uniqueClash.${name}`, idRow, text);

export const clashFinds = {
  address: keyOf('address', 'select id from address where village_code = ? and number = ?'),
  house: keyOf('house', 'select id from house where village_code = ? and number = ?'),
  household: keyOf('household', 'select id from household where village_code = ? and number = ?'),
  person: keyOf('person', 'select id from person where id_number = ?'),
  gridWorker: keyOf('gridWorker', `select id from grid_staff where grid_code = ? and role = 'GRID_WORKER'`),
  gridPost: keyOf('gridPost', 'select id from grid_staff where grid_code = ? and role = ? and person_id = ?::integer'),
  ownCommittee: keyOf('ownCommittee', `select id from mediation_committee where village_code = ? and kind in ('VILLAGE', 'COMMUNITY')`),
  mediator: keyOf('mediator', 'select id from mediator where committee_id = ?::integer and person_id = ?::integer'),
} as const;

/** The id of the record `find` names by `params`, or null. */
export async function clashedId(db: Db, find: Sql<{ id: number }>, params: readonly string[]): Promise<number | null> {
  return (await row(db, find, params))?.id ?? null;
}
