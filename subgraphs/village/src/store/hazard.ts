import { z } from 'zod';
import { col, command, exec, row, rows, sql, type Db } from '../../../../platform/sql.ts';
import { instant, located, recordTable, type Location } from './record.ts';
import { allOf, scopedList, type Scope, type ScopedList } from './scoped.ts';
import { HAZARD_SOURCES, HAZARD_STATUSES } from '../../../../domain/hazards.ts';

export const HazardStatus = z.enum(HAZARD_STATUSES);
export type HazardStatus = z.infer<typeof HazardStatus>;

const HazardKind = z.enum(['FIRE', 'TRAFFIC', 'FLOOD', 'GEOLOGICAL', 'ELECTRICAL', 'GAS', 'PUBLIC_ORDER', 'OTHER']);

/** Hazards (安全隐患) and their rectification, table `hazard` (migration …02Registry). */
const Hazard = z.object({
  id: col.id,
  kind: HazardKind,
  description: col.text,
  location: col.text.nullable(),
  source: z.enum(HAZARD_SOURCES),
  reportedBy: col.text.nullable(),
  patrolId: col.id.nullable(),
  reportedAt: instant,
  status: HazardStatus,
  rectifiedAt: instant.nullable(),
  verifiedAt: instant.nullable(),
  /** 整改期限: the day (China time) it is to be rectified by, set when rectification starts (…68HazardSteps). */
  rectifyBy: col.day.nullable(),
  ...located,
  version: col.id,
});
export type HazardRow = z.infer<typeof Hazard>;

/** What a step of the hazard's rectification changes. */
export interface HazardChanges {
  status?: HazardStatus;
  /** Null when a failed check (验收不合格) sends it back: it stands unrectified until rectified again. */
  rectifiedAt?: Date | null;
  verifiedAt?: Date;
  rectifyBy?: string | null;
}

const table = recordTable<HazardRow, HazardChanges>('hazard', Hazard, {
  status: 'status',
  rectifiedAt: 'rectified_at',
  verifiedAt: 'verified_at',
  rectifyBy: 'rectify_by',
});

/**
 * Overdue (超期), as `Hazard.overdue` says: still reported or being rectified after the day of its deadline, the day
 * taken in China time (hub_day, …08DayPairs) from the database's clock.
 */
const OVERDUE = `(t.status in ('REPORTED', 'RECTIFYING') and coalesce(t.rectify_by < hub_day(now()), false))`;

/** How a hazard list is ordered (the schema's `HazardOrder`). */
export type HazardOrder = 'OLDEST_FIRST' | 'NEWEST_FIRST' | 'DUE_FIRST';

/**
 * The DUE_FIRST order's time: the start of the day of its 整改期限 (China time) while the hazard is still reported or
 * being rectified, so the most overdue lead; a hazard with no deadline running (none set, or rectified or verified)
 * after every such one, all of them at one far time, so they follow oldest first.
 */
const DUE_SQL = `(case when t.status in ('REPORTED', 'RECTIFYING') and t.rectify_by is not null then hub_day_start(t.rectify_by)
  else timestamptz '9999-12-31 00:00:00+00' end)`;

const ofPatrols = sql('hazard.ofPatrols', Hazard, 'select * from hazard where patrol_id in (?) order by id');
const insertFound = command(
  'hazard.insertFound',
  `insert into hazard (kind, description, location, source, reported_by, patrol_id, reported_at, village_code, grid_code, county_code)
   values (?, ?, ?, 'PATROL', ?, ?, ?, ?, ?, ?)`,
);
const insertReported = sql(
  'hazard.insertReported',
  Hazard,
  `insert into hazard (kind, description, location, source, reported_by, reported_at, village_code, grid_code, county_code) values (?, ?, ?, ?, ?, now(), ?, ?, ?) returning *`,
);

export interface FoundHazard extends Location {
  kind: HazardRow['kind'];
  description: string;
  location: string | null;
  patrolId: number;
  reportedAt: Date;
  /** Who recorded the patrol, which reports what it found. */
  reportedBy: string;
}

export interface ReportedHazard extends Location {
  kind: HazardRow['kind'];
  description: string;
  location: string | null;
  source: HazardRow['source'];
  reportedBy: string | null;
}

export const hazards = {
  ...table,
  /** Hazards found on each patrol, by patrol id. */
  ofPatrols: (db: Db, patrolIds: readonly number[]): Promise<HazardRow[]> => rows(db, ofPatrols, [patrolIds]),
  /** A hazard found on patrol (reported when the patrol ended). */
  insertFound: (db: Db, h: FoundHazard): Promise<number> =>
    exec(db, insertFound, [h.kind, h.description, h.location, h.reportedBy, h.patrolId, h.reportedAt, h.villageCode, h.gridCode, h.countyCode]),
  /** A hazard reported now, not on patrol. */
  async insertReported(db: Db, h: ReportedHazard): Promise<HazardRow> {
    return (await row(db, insertReported, [h.kind, h.description, h.location, h.source, h.reportedBy, h.villageCode, h.gridCode, h.countyCode]))!;
  },
  /**
   * A division's hazards (a village's, a grid's, or every village's of a township or county), in one status, of one
   * source and overdue or not (OVERDUE), each if given, in `order`.
   */
  list(scope: Scope, status?: string | null, source?: string | null, overdue?: boolean | null, order: HazardOrder = 'OLDEST_FIRST'): ScopedList<HazardRow> {
    const filter = allOf(
      [...(status ? ['t.status = ?'] : []), ...(source ? ['t.source = ?'] : []), ...(overdue == null ? [] : [overdue ? OVERDUE : `not ${OVERDUE}`])],
      [...(status ? [status] : []), ...(source ? [source] : [])],
    );
    if (order === 'DUE_FIRST')
      return { ...scopedList('hazard.listDue', 'hazard', Hazard, scope, filter), order: { column: 'id', time: 'due_at', timeSql: DUE_SQL } };
    if (order === 'NEWEST_FIRST')
      return { ...scopedList('hazard.listNewest', 'hazard', Hazard, scope, filter), order: { column: 'id', desc: true }, cursor: 'hazard:newest' };
    return scopedList('hazard.list', 'hazard', Hazard, scope, filter);
  },
};
