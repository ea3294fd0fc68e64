import { z } from 'zod';
import { columnOf, row, sql, type Db, type Sql } from '../../../../platform/sql.ts';

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
  siteExternal: keyOf('siteExternal', 'select id from site where village_code = ? and external_id = ?'),
  groupExternal: keyOf('groupExternal', 'select id from joint_defense_group where village_code = ? and external_id = ?'),
  teamExternal: keyOf('teamExternal', 'select id from patrol_team where village_code = ? and external_id = ?'),
  gridStaffExternal: keyOf('gridStaffExternal', 'select id from grid_staff where village_code = ? and external_id = ?'),
  committeeExternal: keyOf('committeeExternal', 'select id from mediation_committee where village_code = ? and external_id = ?'),
  mediatorExternal: keyOf('mediatorExternal', 'select id from mediator where committee_id = ?::integer and external_id = ?'),
} as const;

/**
 * A changed record's key columns as they stand before the change (which rolled back): a change names only the
 * columns it sets, and the key's others (its village, its committee) are the record's own, as no change moves a
 * record out of its village or committee without naming the new one.
 */
const keyColumns = z.record(z.string(), z.union([z.string(), z.number(), z.null()]));
/** The statement reading `columns` (the key's, by their column names) of the record a change names by id. */
export const keyColumnsOf = (table: string, columns: readonly string[]): Sql<Record<string, string | number | null>> =>
  sql(`uniqueClash.changed.${table}`, keyColumns, `select ${columns.join(', ')} from ${table} where id = ?::integer`);

/** The key columns of the record `id` names before the change, by their column names as the written row has them, or null. */
export async function changedColumns(
  db: Db,
  st: Sql<Record<string, string | number | null>>,
  id: string,
): Promise<Record<string, string | number | null> | null> {
  const found = await row(db, st, [id]);
  return found && Object.fromEntries(Object.entries(found).map(([k, v]) => [columnOf(k), v]));
}

/** The id of the record `find` names by `params`, or null. */
export async function clashedId(db: Db, find: Sql<{ id: number }>, params: readonly string[]): Promise<number | null> {
  return (await row(db, find, params))?.id ?? null;
}
