import { z } from 'zod';
import { col, row, rows, sql, type Db } from '../../../../platform/sql.ts';
import { instant, located, recordTable, type Location } from './record.ts';
import { allOf, scopedList, type Scope, type ScopedList } from './scoped.ts';

/** Patrols (巡逻) of a team, table `patrol` (migration …02Registry). */
const Patrol = z.object({
  id: col.id,
  teamId: col.id,
  startedAt: instant,
  endedAt: instant,
  route: col.text.nullable(),
  participantIds: z.array(col.id),
  ...located,
});
export type PatrolRow = z.infer<typeof Patrol>;

/** Patrols are recorded once and never updated. */
type PatrolChanges = Record<never, never>;

const table = recordTable<PatrolRow, PatrolChanges>('patrol', Patrol, {});

const insert = sql(
  'patrol.insert',
  Patrol,
  `insert into patrol (team_id, started_at, ended_at, route, participant_ids, village_code, grid_code, county_code) values (?, ?, ?, ?, array[?]::int[], ?, ?, ?) returning *`,
);

const ofHazards = sql('patrol.ofHazards', Patrol, `select * from hub_patrols_of_hazards(array[?]::integer[])`);

const overlapping = sql('patrol.overlapping', Patrol, 'select * from patrol where team_id = ? and started_at < ? and ended_at > ? order by started_at limit 1');
// A patrol lasts at most 24 hours (the table's check), so one that overlaps [start, end) started after start - 24 h:
// the village's patrols by start time, then their participants.
const busy = sql(
  'patrol.busy',
  Patrol,
  `select * from patrol where village_code = ? and started_at < ? and started_at > ?::timestamptz - interval '24 hours' and ended_at > ?
      and team_id <> ? and participant_ids && array[?]::int[] order by started_at limit 1`,
);

/**
 * 作废: the patrol moves to `patrol_voided` with its hazards (…59PatrolVoid), who voided it and why; the voided
 * patrol. The hazards leave first (they reference the patrol); the tables' triggers follow both deletions.
 */
const voidPatrol = sql(
  'patrol.void',
  Patrol,
  `with h as (delete from hazard where patrol_id = ? returning *),
        gone as (delete from patrol where id = ? returning *)
   insert into patrol_voided (id, team_id, started_at, ended_at, route, participant_ids, village_code, grid_code, county_code, hazards, voided_by, voided_by_name, reason)
   select g.id, g.team_id, g.started_at, g.ended_at, g.route, g.participant_ids, g.village_code, g.grid_code, g.county_code,
          coalesce((select jsonb_agg(to_jsonb(h) order by h.id) from h), '[]'), ?, ?, ? from gone g
   returning id, team_id, started_at, ended_at, route, participant_ids, village_code, grid_code, county_code`,
);
/** The patrol as the same void, sent again by the same caller after its answer was lost, left it. */
const voidedAgain = sql(
  'patrol.voidedAgain',
  Patrol,
  `select id, team_id, started_at, ended_at, route, participant_ids, village_code, grid_code, county_code from patrol_voided
    where id = ? and voided_by = nullif(current_setting('hub.subject', true), '') and reason = ?`,
);

/** A voided patrol as an ended record (registry/rules.ts `alreadyEnded`): when, by whom and why it was voided. */
const Voided = z.object({ id: col.id, endedAt: instant, endedBy: col.text, endedByName: col.text.nullable(), endReason: col.text, ...located });
const voidedOf = sql(
  'patrol.voidedOf',
  Voided,
  `select id, voided_at as ended_at, voided_by as ended_by, voided_by_name as ended_by_name, reason as end_reason, village_code, grid_code, county_code
     from patrol_voided where id = ?`,
);

/**
 * A hazard a voided patrol reported, kept with it in `patrol_voided.hazards`: when, by whom and why it was voided with
 * its patrol, and the hazard's own place (row-level security on the voided patrol keeps another jurisdiction's out).
 */
const VoidedHazard = Voided.extend({ patrolId: col.id });
const voidedHazardOf = sql(
  'patrol.voidedHazardOf',
  VoidedHazard,
  `select (h ->> 'id')::int as id, p.id as patrol_id, p.voided_at as ended_at, p.voided_by as ended_by, p.voided_by_name as ended_by_name,
          p.reason as end_reason, h ->> 'village_code' as village_code, h ->> 'grid_code' as grid_code, h ->> 'county_code' as county_code
     from patrol_voided p cross join lateral jsonb_array_elements(p.hazards) h
    where p.hazards @> jsonb_build_array(jsonb_build_object('id', ?::int)) and (h ->> 'id')::int = ?`,
);

export interface NewPatrol extends Location {
  teamId: number;
  startedAt: Date;
  endedAt: Date;
  route: string | null;
  participantIds: readonly number[];
}

export const patrols = {
  byIds: table.byIds,
  /** Of these patrols, those that found a hazard on a grid inside the caller's jurisdiction, whatever grid they walked (`Hazard.patrol`). */
  namedByHazards: (db: Db, ids: readonly number[]): Promise<PatrolRow[]> => rows(db, ofHazards, [ids]),
  byId: table.byId,
  lock: table.lock,
  /** Voids the patrol and its hazards (moved to `patrol_voided`); the voided patrol. */
  void: async (db: Db, id: number, by: { subject: string; name: string | null }, reason: string): Promise<PatrolRow> =>
    (await row(db, voidPatrol, [id, id, by.subject, by.name, reason]))!,
  /** The patrol as the same void, by this transaction's caller for this reason, left it; null if there was none. */
  voidedAgain: (db: Db, id: number, reason: string): Promise<PatrolRow | null> => row(db, voidedAgain, [id, reason]),
  /** The patrol as voided, if it was: when, by whom and why (row-level security keeps another jurisdiction's out). */
  voidedOf: (db: Db, id: number): Promise<z.infer<typeof Voided> | null> => row(db, voidedOf, [id]),
  /** The hazard as voided with the patrol that reported it, if it was: when, by whom and why, and which patrol. */
  voidedHazardOf: (db: Db, hazardId: number): Promise<z.infer<typeof VoidedHazard> | null> => row(db, voidedHazardOf, [hazardId, hazardId]),
  async insert(db: Db, p: NewPatrol): Promise<PatrolRow> {
    return (await row(db, insert, [p.teamId, p.startedAt, p.endedAt, p.route, p.participantIds, p.villageCode, p.gridCode, p.countyCode]))!;
  },
  /** The first patrol of another team of the village that overlaps [start, end) with one of these people in it, if any. */
  busy: (db: Db, p: { villageCode: string; teamId: number; start: Date; end: Date; people: readonly number[] }): Promise<PatrolRow | null> =>
    row(db, busy, [p.villageCode, p.end, p.start, p.start, p.teamId, p.people]),
  /** The team's first patrol that overlaps [start, end), if any. */
  overlapping: (db: Db, teamId: number, start: Date, end: Date): Promise<PatrolRow | null> => row(db, overlapping, [teamId, end, start]),
  /** A division's patrols that started in [from, before) (ISO instants). */
  list: (scope: Scope, from: string, before: string): ScopedList<PatrolRow> =>
    scopedList('patrol.list', 'patrol', Patrol, scope, allOf(['t.started_at >= ? and t.started_at < ?'], [from, before])),
};
