import { z } from 'zod';
import { col, preparedRows, rows, sql, type Db, type Sql } from '../../../../platform/sql.ts';
import { DECLINED } from '../../../../domain/case-engine.ts';
import { publicRows } from '../../../../platform/jurisdiction.ts';
import { CONTACT_LATE_SQL, OVERDUE_SQL, RUNNING_DEADLINE_SQL } from '../disputes/sql.ts';

/**
 * The statements behind the statistics of any division (see ../stats.ts):
 * set-based sums by code prefix over the per-village (or per-county)
 * roll-ups, one statement per code length in a batch. A code length goes
 * into the text (`left(code, len)`), so each statement is declared once per
 * length, on first use, and named with it (`stats.population[12]`).
 */

/** Declares `make(len)` once per code length. */
function perLength<R>(make: (len: number) => Sql<R>): (len: number) => Sql<R> {
  const made = new Map<number, Sql<R>>();
  return (len) => {
    let st = made.get(len);
    if (!st) made.set(len, (st = make(len)));
    return st;
  };
}

/**
 * Rows of `table` (alias t) under each requested division code (alias k.code),
 * as index range scans on its code `column`: codes are digits, so everything under
 * `62` lies in ['62', '62:').
 */
const UNDER = (table: string, column: string, len: number) =>
  `${table} t join hub_codes(array[?]::text[]) as k(code) on left(t.${column}, ${len}) = k.code where t.${column} >= ? and t.${column} < ?`;

/**
 * The roll-up a sum for codes of length `len` reads, and its code column:
 * counties and above the per-county one (…07CountyDays, …31CountyRollup), a
 * county's one row (or a day's) for its hundreds of villages; townships and
 * villages the per-village one.
 */
const rollup = (len: number, kind: 'counts' | 'days'): [table: string, column: string] =>
  len <= 6
    ? [kind === 'counts' ? 'county_rollup' : 'county_day_rollup', 'county_code']
    : [kind === 'counts' ? 'village_rollup' : 'village_day_rollup', 'village_code'];

/** The key range the codes span (so the scan is an index range). */
function range(codes: readonly string[]): [string, string] {
  const sorted = [...codes].sort();
  return [sorted[0]!, `${sorted.at(-1)!}:`];
}

/** The `?` parameters of UNDER: the codes, then the key range they span. */
const underParams = (codes: readonly string[]) => [codes, ...range(codes)];

/**
 * Daily roll-up columns summed over [from, to] for each requested division
 * (k); its parameters are those of `daySumsParams`. The days are summed
 * per village (or county) before they are matched to the requested codes: a
 * year of 临潭县's 147 villages is 22,000 day rows, and matching each by
 * prefix first took half the statement.
 */
function daySums(len: number, cols: readonly string[], only?: string): string {
  const [table, column] = rollup(len, 'days');
  return `select k.code as k, ${cols.map((c) => `sum(t.${c}) as ${c}`).join(', ')}
            from (select ${column} as code, ${cols.map((c) => `sum(${c}) as ${c}`).join(', ')} from ${table}
                   where ${column} >= ? and ${column} < ? and day >= ? and day <= ?${only ? ` and ${only}` : ''} group by 1) t
            join hub_codes(array[?]::text[]) as k(code) on left(t.code, ${len}) = k.code group by 1`;
}

/**
 * A day on which some dispute figure is not zero. Patrols fill nearly every
 * day of a village's roll-up and disputes a few (临潭县: 400 of 21,985 day rows
 * in a year), so dispute sums read only these rows, through the partial index
 * of Migration…27DisputeDays, whose predicate this is word for word (the
 * planner uses a partial index only for a query that states its predicate).
 * A county has a dispute on most days: its sums read the primary key, which
 * carries the figures (…33CountyDayKey), and skip the other days as they read it.
 */
const DISPUTE_DAY = `(reported <> 0 or resolved <> 0 or at_village <> 0 or at_township <> 0 or at_county <> 0
  or to_township <> 0 or to_county <> 0 or on_time <> 0 or rated <> 0 or satisfied <> 0)`;

const daySumsParams = (codes: readonly string[], from: string, to: string) => [...range(codes), from, to, codes];

/** Residents by special-population tag (a jsonb object tag → count), summed over the division's villages. */
const tagCounts = z.record(z.string(), col.num);

/** The population counts, of a division (its roll-ups summed) or of a grid (its records counted). */
const POPULATION_COUNTS = {
  residents: col.num,
  floating: col.num,
  households: col.num,
  houses: col.num,
  addresses: col.num,
  tags: tagCounts.nullable(),
};
const Population = z.object({ k: col.text, ...POPULATION_COUNTS });
export type PopulationRow = z.infer<typeof Population>;

const population = perLength((len) =>
  sql(
    `stats.population[${len}]`,
    Population,
    // The tag counts are summed here, one small object per division: sent as one object per village, a province's
    // counties carried one for each of its villages.
    `with v as (select k.code as k, t.residents, t.floating, t.households, t.houses, t.addresses, t.tags from ${UNDER(...rollup(len, 'counts'), len)}),
     s as (select k, sum(residents) as residents, sum(floating) as floating, sum(households) as households,
                  sum(houses) as houses, sum(addresses) as addresses from v group by 1),
     g as (select k, jsonb_object_agg(tag, n) as tags
             from (select v.k, e.key as tag, sum(e.value::bigint) as n from v cross join lateral jsonb_each_text(v.tags) e group by 1, 2) x group by 1)
     select s.*, g.tags from s left join g on g.k = s.k`,
  ),
);

/** Population sums of each code (all of length `len`); codes with no villages have no row. */
export function populationSums(db: Db, len: number, codes: readonly string[]): Promise<PopulationRow[]> {
  return publicRows(db, population(len), underParams(codes));
}

const Forces = z.object({
  k: col.text,
  grids: col.num,
  gridWorkers: col.num,
  gridsFullyStaffed: col.num,
  jointDefenseGroups: col.num,
  householdsInGroups: col.num,
  households: col.num,
  patrolTeams: col.num,
  patrolMembers: col.num,
});
export type ForcesRow = z.infer<typeof Forces>;

const forces = perLength((len) =>
  sql(
    `stats.forces[${len}]`,
    Forces,
    `select k.code as k, sum(grids) as grids, sum(grid_workers) as grid_workers, sum(grids_fully_staffed) as grids_fully_staffed,
          sum(joint_defense_groups) as joint_defense_groups, sum(households_in_groups) as households_in_groups, sum(households) as households,
          sum(patrol_teams) as patrol_teams, sum(patrol_members) as patrol_members
     from ${UNDER(...rollup(len, 'counts'), len)} group by 1`,
  ),
);

/** Forces sums of each code (all of length `len`). */
export function forcesSums(db: Db, len: number, codes: readonly string[]): Promise<ForcesRow[]> {
  return publicRows(db, forces(len), underParams(codes));
}

const PatrolKind = z.object({ k: col.text, kind: col.text, teams: col.num, members: col.num });
export type PatrolKindRow = z.infer<typeof PatrolKind>;

const patrolKinds = perLength((len) =>
  sql(`stats.patrolKinds[${len}]`, PatrolKind, `select k, kind, teams, members from hub_patrol_kinds(array[?]::text[], ${len}, ?, ?)`),
);

/** Patrol teams and members by kind under each code (all of length `len`); kinds with no team have no row. */
export function patrolKindSums(db: Db, len: number, codes: readonly string[]): Promise<PatrolKindRow[]> {
  return publicRows(db, patrolKinds(len), underParams(codes));
}

const Patrol = z.object({ k: col.text, patrols: col.num, patrolSeconds: col.num, hazardsFound: col.num, hazardsRectified: col.num });
export type PatrolRow = z.infer<typeof Patrol>;

const patrol = perLength((len) => sql(`stats.patrol[${len}]`, Patrol, daySums(len, ['patrols', 'patrol_seconds', 'hazards_found', 'hazards_rectified'])));

/** Patrol sums of each code over the days [from, to]. */
export function patrolSums(db: Db, len: number, codes: readonly string[], from: string, to: string): Promise<PatrolRow[]> {
  return publicRows(db, patrol(len), daySumsParams(codes, from, to));
}

const Disputes = z.object({
  k: col.text,
  reported: col.num,
  resolved: col.num,
  atVillage: col.num,
  atTownship: col.num,
  atCounty: col.num,
  toTownship: col.num,
  toCounty: col.num,
  onTime: col.num,
  rated: col.num,
  satisfied: col.num,
});
export type DisputesRow = z.infer<typeof Disputes>;

const disputes = perLength((len) =>
  sql(
    `stats.disputes[${len}]`,
    Disputes,
    daySums(len, ['reported', 'resolved', 'at_village', 'at_township', 'at_county', 'to_township', 'to_county', 'on_time', 'rated', 'satisfied'], DISPUTE_DAY),
  ),
);

/** Dispute sums of each code for cases reported in the days [from, to], from the daily roll-ups. */
export function disputeSums(db: Db, len: number, codes: readonly string[], from: string, to: string): Promise<DisputesRow[]> {
  return preparedRows(db, disputes(len), daySumsParams(codes, from, to));
}

const DisputeCases = z.object({
  k: col.text,
  overdue: col.num,
  rehandled: col.num,
  declined: col.num,
  contactLate: col.num,
  overdueUntil: col.num.nullable(),
});
export type DisputeCasesRow = z.infer<typeof DisputeCases>;

/**
 * Overdue depends on the clock, so it is counted from the few cases still open, not from the roll-ups; re-handled
 * cases (reopened after an unsatisfied rating) and late contacts (CONTACT_LATE_SQL) are counted beside them, from the
 * cases of the period. due: the first instant a case counted here that is not overdue yet becomes so without a write;
 * a case awaiting 受理 becomes contact-late at that same instant (its running deadline is its contact deadline, and it
 * is overdue from then), so `due` bounds that count too. Codes with no such case have no row. An update moves the
 * `days` version only when it changes a column this or the day roll-up reads (…98RollupDaysCountedColumns lists them):
 * a column read here anew is added there.
 */
const disputeCases = perLength((len) =>
  sql(
    `stats.disputeCases[${len}]`,
    DisputeCases,
    `select k, sum(overdue) as overdue, sum(rehandled) as rehandled, sum(declined) as declined, sum(contact_late) as contact_late,
            extract(epoch from min(due)) * 1000 as overdue_until from (
       select k.code as k, (${OVERDUE_SQL.replaceAll('d.', 't.')})::int as overdue, 0 as rehandled, 0 as declined, 0 as contact_late,
              case when not ${OVERDUE_SQL.replaceAll('d.', 't.')} then ${RUNNING_DEADLINE_SQL} end as due
         from ${UNDER('dispute', 'village_code', len)}
          and t.status in ('REPORTED', 'ACCEPTED', 'ASSIGNED', 'MEDIATING', 'ESCALATED', 'RESOLVED')
          and t.reported_at >= ? and t.reported_at < ?
       union all
       select k.code, 0, 1, 0, 0, null from ${UNDER('dispute', 'village_code', len)} and t.rehandled > 0 and t.reported_at >= ? and t.reported_at < ?
       union all
       select k.code, 0, 0, 1, 0, null from ${UNDER('dispute', 'village_code', len)} and t.status = '${DECLINED}' and t.reported_at >= ? and t.reported_at < ?
       union all
       select k.code, 0, 0, 0, 1, null from ${UNDER('dispute', 'village_code', len)}
          and ${CONTACT_LATE_SQL.replaceAll('d.', 't.')} and t.reported_at >= ? and t.reported_at < ?
     ) x group by 1`,
  ),
);

/**
 * Of each code's cases reported in the period's instants [start, end): the overdue among them now, when that count
 * next changes without a write (`overdueUntil`, epoch ms, null when never), the re-handled among them, the
 * reports declined at intake (不予受理), which the roll-ups leave out, and those whose parties were contacted late.
 */
export function disputeCaseCounts(db: Db, len: number, codes: readonly string[], start: string, end: string): Promise<DisputeCasesRow[]> {
  const period = [...underParams(codes), start, end];
  return preparedRows(db, disputeCases(len), [...period, ...period, ...period, ...period]);
}

const Hazards = z.object({ k: col.text, source: col.text, reported: col.num, open: col.num, awaitingVerification: col.num, verified: col.num });
export type HazardsRow = z.infer<typeof Hazards>;

/**
 * Hazards reported in a period, by source and by where their rectification stands now. Counted from the hazards
 * themselves, through their (village_code, reported_at) index: the day roll-ups keep patrols' hazards only, and a
 * status has no day. A hazard write of a column counted here refreshes its village's day rows (…08DayPairs,
 * …98RollupDaysCountedColumns, which lists the columns read here), so these follow `days`.
 */
const hazards = perLength((len) =>
  sql(
    `stats.hazards[${len}]`,
    Hazards,
    `select k.code as k, t.source, count(*) as reported, count(*) filter (where t.status in ('REPORTED', 'RECTIFYING')) as open,
            count(*) filter (where t.status = 'RECTIFIED') as awaiting_verification, count(*) filter (where t.status = 'VERIFIED') as verified
       from ${len === GRID_LENGTH ? HAZARDS_OF_GRIDS : UNDER('hazard', 'village_code', len)} and t.reported_at >= ? and t.reported_at < ?
      group by 1, 2`,
  ),
);

const GRID_LENGTH = 15;
/**
 * A grid's hazards (alias t) by its code (alias k.code): a grid is its village's code and three digits more, so they
 * are found through the villages' (village_code, reported_at) index and matched to their grid.
 */
const HAZARDS_OF_GRIDS = `hazard t join hub_codes(array[?]::text[]) as k(code) on t.grid_code = k.code where t.village_code >= ? and t.village_code < ?`;

/** Of each code, its hazards reported in the period's instants [start, end), per source; sources with none have no row. */
export function hazardCounts(db: Db, len: number, codes: readonly string[], start: string, end: string): Promise<HazardsRow[]> {
  const under = len === GRID_LENGTH ? [codes, ...range(codes.map((g) => g.slice(0, 12)))] : underParams(codes);
  return preparedRows(db, hazards(len), [...under, start, end]);
}

const GridPopulation = z.object({ gridCode: col.text, ...POPULATION_COUNTS });
export type GridPopulationRow = z.infer<typeof GridPopulation>;

/**
 * A grid's population counted from its records as the village's roll-up counts them (active residents; the
 * households, houses and addresses that stand): a grid is a few hundred people, so one index range per table.
 */
const gridPopulationSql = sql(
  'stats.gridPopulation',
  GridPopulation,
  `select g.code as grid_code, p.residents, p.floating,
          (select count(*) from household h where h.grid_code = g.code) as households,
          (select count(*) from house h where h.grid_code = g.code) as houses,
          (select count(*) from address a where a.grid_code = g.code) as addresses,
          (select jsonb_object_agg(tag, n) from (select tag, count(*) as n from person q cross join unnest(q.tags) tag
                                                   where q.grid_code = g.code and q.status = 'ACTIVE' group by 1) x) as tags
     from grid g
     cross join lateral (select count(*) as residents, count(*) filter (where q.residency = 'FLOATING') as floating
                           from person q where q.grid_code = g.code and q.status = 'ACTIVE') p
    where g.code in (?)`,
);

/** The population of each grid, counted under the caller's row-level security (only a caller holding the grid asks). */
export function gridPopulation(db: Db, grids: readonly string[]): Promise<GridPopulationRow[]> {
  return rows(db, gridPopulationSql, [grids]);
}

/** "1+3+N": a grid worker, the three linked cadres and at least one informant (aggregate over a grid's staff). */
export const FULLY_STAFFED = `(bool_or(role = 'GRID_WORKER') and bool_or(role = 'LINKED_LEADER') and bool_or(role = 'LINKED_OFFICE_CADRE')
  and bool_or(role = 'LINKED_POLITICAL_LEGAL_CADRE') and bool_or(role = 'INFORMANT'))`;

const Staffing = z.object({ gridCode: col.text, fully: z.boolean().nullable() });
export type StaffingRow = z.infer<typeof Staffing>;

const fullyStaffed = sql('stats.fullyStaffed', Staffing, `select grid_code, ${FULLY_STAFFED} as fully from grid_staff where grid_code in (?) group by 1`);

/** Whether each grid that has staff has the full 1+3+N staffing (grids without staff have no row). */
export function gridStaffing(db: Db, grids: readonly string[]): Promise<StaffingRow[]> {
  return rows(db, fullyStaffed, [grids]);
}

const Versions = z.object({ k: col.text, counts: col.text, days: col.text, now: col.num });
export type VersionsRow = z.infer<typeof Versions>;

/**
 * The versions of one roll-up under a division, as one text: how many rows, and their sum. A write gives each row it
 * changes a fresh number from one sequence, larger than any before it, and no row is ever deleted
 * (Migration…25StatsVersion), so every committed change makes the sum grow, or the count when a village is added: a
 * state of the division never comes back. (A digest of every row, as it was, cost a sort and a hash per division.)
 */
const digest = (column: 'counts' | 'days') => `count(s.code) || ':' || coalesce(sum(s.${column}), 0)`;

/**
 * The version fingerprint of each requested division (codes of mixed lengths, one
 * statement): a village reads its own row, a township its villages' rows, a
 * county its own row, a prefecture or province its counties' rows (see
 * Migration…25StatsVersion). One index range scan on the key (level, code)
 * per division: the lateral subquery (kept apart by `offset 0`) keeps the
 * planner from joining on the level alone and testing every pair of
 * division and row (a county drill-down's 164 divisions: 22 ms instead of 1).
 */
const versions = sql(
  'stats.versions',
  Versions,
  `select k.code as k, ${digest('counts')} as counts, ${digest('days')} as days, extract(epoch from now()) * 1000 as now
     from unnest(array[?]::text[]) as k(code)
     left join lateral (
       select s.code, s.counts, s.days from stats_version s
        where s.level = (case length(k.code) when 12 then 12 when 9 then 12 else 6 end) and s.code >= k.code and s.code < k.code || ':'
       offset 0
     ) s on true
    group by 1`,
);

/**
 * The version fingerprints (population and forces: `counts`; patrols and
 * disputes: `days`) of each code, and the database's clock (epoch ms) for
 * figures that depend on it.
 */
export function statsVersions(db: Db, codes: readonly string[]): Promise<VersionsRow[]> {
  // A public table, read as a prepared statement outside the request's transaction: planning it was
  // three quarters of its time.
  return publicRows(db, versions, [codes]);
}
