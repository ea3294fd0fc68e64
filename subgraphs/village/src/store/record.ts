import { z } from 'zod';
import { col, row, rows, sql, type Db, type SqlParam } from '../../../../platform/sql.ts';

/**
 * The statements every registry table (migration …02Registry) answers the
 * same way: rows by id (for loaders and for writes, optionally locked), and
 * the versioned update of optimistic concurrency. Each table's store builds
 * them once with `recordTable` and adds its own statements.
 */

/** Where every registry record is: its village, grid and county codes. */
export const located = { villageCode: col.text, gridCode: col.text, countyCode: col.text };

/** The columns of a record that can end (the forces): its version, the key a file names it by, and its end when read from `<table>_ended`. */
export const ENDABLE = {
  version: col.id,
  externalId: col.text.nullable(),
  endedAt: col.instant.nullable().optional(),
  /** The display name of who ended it (`ended_by`); their subject is `ended_by_subject` (…58EndedBySubject). */
  endedBy: col.text.nullable().optional(),
  endedBySubject: col.text.nullable().optional(),
  endReason: col.text.nullable().optional(),
};

/** A `timestamptz` column as it comes (see platform/sql.ts `col.instant`). */
export const instant = col.instant;

/** A record's division codes (what a write puts into the three columns). */
export interface Location {
  villageCode: string;
  gridCode: string;
  countyCode: string;
}

/** The column of each field a versioned update may set. */
export type ColumnsOf<C> = { readonly [K in keyof C]-?: string };

export interface RecordTable<R, C> {
  /** Rows with these ids (in no particular order; missing ids have none). */
  byIds(db: Db, ids: readonly number[]): Promise<R[]>;
  byId(db: Db, id: number): Promise<R | null>;
  /** The row, locked for the rest of the transaction. */
  lock(db: Db, id: number): Promise<R | null>;
  /** The rows, locked for the rest of the transaction. */
  lockMany(db: Db, ids: readonly number[]): Promise<R[]>;
  /**
   * Sets the given fields (in the order given; undefined ones are left alone)
   * and bumps the version, if `version` is still current: the row as it is
   * now, or null when someone else changed it first.
   */
  update(db: Db, id: number, version: number, changes: C): Promise<R | null>;
  /** The current version of a row (undefined when there is none). */
  version(db: Db, id: number): Promise<number | undefined>;
}

const Version = z.object({ version: col.num });

/** The common statements of `table`, whose rows parse with `shape`; `columns` names the updatable fields' columns. */
export function recordTable<R, C extends { readonly [K in keyof C]?: SqlParam }>(table: string, shape: z.ZodType<R>, columns: ColumnsOf<C>): RecordTable<R, C> {
  const byIds = sql(`${table}.byIds`, shape, `select * from ${table} where id in (?)`);
  const byId = sql(`${table}.byId`, shape, `select * from ${table} where id = ?`);
  const lock = sql(`${table}.lock`, shape, `select * from ${table} where id = ? for update`);
  const lockMany = sql(`${table}.lockMany`, shape, `select * from ${table} where id in (?) for update`);
  const version = sql(`${table}.version`, Version, `select version from ${table} where id = ?`);
  const isField = (k: string): k is Extract<keyof C, string> => Object.hasOwn(columns, k);
  return {
    byIds: (db, ids) => rows(db, byIds, [ids]),
    byId: (db, id) => row(db, byId, [id]),
    lock: (db, id) => row(db, lock, [id]),
    lockMany: (db, ids) => rows(db, lockMany, [ids]),
    async update(db, id, v, changes) {
      const sets: [string, SqlParam][] = [];
      for (const k of Object.keys(changes)) {
        if (!isField(k)) continue;
        const value = changes[k];
        if (value !== undefined) sets.push([columns[k], value]);
      }
      const assign = sets
        .map(([c]) => `${c} = ?`)
        .concat('version = version + 1')
        .join(', ');
      const st = sql(`${table}.update`, shape, `update ${table} set ${assign} where id = ? and version = ? returning *`);
      return row(db, st, [...sets.map(([, value]) => value), id, v]);
    },
    version: async (db, id) => (await row(db, version, [id]))?.version,
  };
}
