import { z } from 'zod';
import type { RiskThresholds } from '../../../../platform/settings.ts';
import { col, rows, sql, type Db } from '../../../../platform/sql.ts';
import { DECLINED } from '../../../../domain/case-engine.ts';
import { OVERDUE_SQL } from '../disputes/sql.ts';
import { FULLY_STAFFED } from './stats.ts';

/**
 * The statements behind the early warnings (苗头预警, docs/ARCHITECTURE.md
 * "Early warnings"): one set-based statement per kind over the disputes
 * under a division, as row-level security lets the caller see them. Every
 * statement returns the same shape: the division the signal is about, what
 * tells two signals of a kind and division apart (`basis`), the days the
 * facts cover, a kind-specific `grade` that the severity is read from, and
 * the facts as counts with the cases they count.
 *
 * A division's disputes are the index range [code, code || ':') of
 * `village_code` (codes are digits); days are China Standard Time.
 *
 * Under a grid (a 网格员's own token, or a village's caller asking for one
 * grid) a statement counts the grid's disputes alone, and of their parties
 * only the residents registered in the grid: what the grid worker's
 * row-level security lets it see, so a village's caller asking for the grid
 * is told the same. A village's month against its baseline and a township's
 * overdue cluster are not told of a grid (../risk-signals.ts).
 */

const Case = z.object({ id: z.string(), caseNumber: z.string() });
const Fact = z.object({ kind: z.string(), value: z.coerce.number(), cases: z.array(Case).nullable() });

const Signal = z.object({
  divisionCode: col.text,
  /** The village's name (village signals); township names come from the division directory. */
  villageName: col.text.nullable(),
  basis: col.text,
  fromDay: col.text,
  toDay: col.text,
  grade: col.num,
  facts: z.array(Fact),
});
export type RiskSignalRow = z.infer<typeof Signal>;
export type RiskCase = z.infer<typeof Case>;

/** Where and when: the division's key range and the period's instants [start, end). */
export interface RiskScope {
  /** A division code down to a grid (15 digits). */
  within: string;
  start: string;
  end: string;
}

/** The grid a scope is cut to (null above a grid): the parameter twice, as `IN_GRID` tests it. */
const gridOf = (s: RiskScope): [string | null, string | null] => {
  const grid = s.within.length === 15 ? s.within : null;
  return [grid, grid];
};
/** `column` lies in the scope's grid, or the scope is no grid (two parameters: gridOf). */
const IN_GRID = (column: string) => `(?::text is null or ${column} = ?)`;

/** A case that counts as a dispute: one declined at intake (不予受理: a duplicate, no dispute at all) warns of nothing. */
const COUNTED = (t: string) => `${t}.status <> '${DECLINED}'`;
const CHINA_DAY = (e: string) => `((${e}) at time zone 'Asia/Shanghai')::date::text`;
/** A jsonb array of {id, caseNumber} of the disputes `x` (alias) aggregated, in report order. */
const CASES = (x: string, filter = '') =>
  `coalesce(jsonb_agg(jsonb_build_object('id', ${x}.id, 'caseNumber', ${x}.case_number) order by ${x}.reported_at, ${x}.id)${filter ? ` filter (where ${filter})` : ''}, '[]')`;

/**
 * REPEATED_DISPUTES: a dispute of the period and an earlier one at most
 * `days` before it share a key: the same two parties (a registered party is
 * its resident record, another its name in the dispute's village), a party's
 * household, or a party's standard address. One signal per set of cases: a
 * set already told by a more specific key (parties, then household, then
 * address) is not told again. The signal is about the village of the latest case.
 * Its `basis` (what its id is hashed from) holds the key with the id of its
 * earliest case: a key alone (two resident ids, a name, a household's or an
 * address's id) is few enough guesses to recover from the id by hashing them
 * all, which would name to a report-only caller the people the signal is
 * about; a case's id (a random UUID) it never reads. The id holds while that
 * case is in the signal.
 */
const repeated = sql(
  'riskSignals.repeated',
  Signal,
  `with d as (
     select id, case_number, village_code, reported_at from dispute
      where village_code >= ? and village_code < ? and reported_at >= ?::timestamptz - make_interval(days => ?) and reported_at < ?
        and ${COUNTED('dispute')} and ${IN_GRID('grid_code')}
   ),
   p as (
     select dp.dispute_id, coalesce('p' || dp.person_id, 'n' || dp.village_code || ':' || dp.name) as who, pe.household_id, pe.address_id
       from d join dispute_party dp on dp.dispute_id = d.id left join person pe on pe.id = dp.person_id and ${IN_GRID('pe.grid_code')}
   ),
   k as (
     select a.dispute_id, 1 as rank, 'SAME_PARTIES' as basis, a.who || '|' || b.who as key from p a join p b on b.dispute_id = a.dispute_id and a.who < b.who
     union
     select dispute_id, 2, 'SAME_HOUSEHOLD', household_id::text from p where household_id is not null
     union
     select dispute_id, 3, 'SAME_ADDRESS', address_id::text from p where address_id is not null
   ),
   g as (
     select row_number() over () as gid, k2.rank, k2.basis, k2.key, array_agg(distinct c order by c) as ids, count(distinct c) as n
       from k k1 join k k2 on k2.basis = k1.basis and k2.key = k1.key and k2.dispute_id <> k1.dispute_id
       join d x on x.id = k1.dispute_id
       join d y on y.id = k2.dispute_id
       cross join lateral unnest(array[x.id, y.id]) as c
      where y.reported_at >= ? and (x.reported_at, x.id) < (y.reported_at, y.id) and x.reported_at >= y.reported_at - make_interval(days => ?)
      group by k2.rank, k2.basis, k2.key
   ),
   e as (select gid, rank, n, unnest(ids) as c from g),
   -- A set of cases that a more specific key tells whole: it shares all its n cases with that key's set.
   covered as (
     select a.gid from e a join e b on b.c = a.c and b.rank < a.rank group by a.gid, a.n, b.gid having count(*) = a.n
   ),
   s as (
     select distinct on (ids) * from g
      where gid not in (select gid from covered)
      order by ids, rank, key
   )
   select (array_agg(x.village_code order by x.reported_at desc, x.id desc))[1] as division_code, null::text as village_name,
          s.basis || ':' || s.key || ':' || (array_agg(x.id::text order by x.reported_at, x.id))[1] as basis,
          ${CHINA_DAY('min(x.reported_at)')} as from_day, ${CHINA_DAY('max(x.reported_at)')} as to_day,
          count(*) as grade, jsonb_build_array(jsonb_build_object('kind', s.basis, 'value', count(*), 'cases', ${CASES('x')})) as facts
     from s join d x on x.id = any(s.ids)
    group by s.basis, s.key`,
);

/**
 * DISPUTE_SURGE: each month of the period in which a village had at least
 * `min` disputes and at least `factor` times its average month of the 12
 * months before (an average of zero counts as zero).
 */
const surge = sql(
  'riskSignals.surge',
  Signal,
  `with bounds as (
     select date_trunc('month', ?::timestamptz at time zone 'Asia/Shanghai') as first_month,
            date_trunc('month', (?::timestamptz - interval '1 microsecond') at time zone 'Asia/Shanghai') as last_month
   ),
   d as (
     select t.id, t.case_number, t.village_code, t.reported_at, date_trunc('month', t.reported_at at time zone 'Asia/Shanghai') as m
       from dispute t, bounds b
      where t.village_code >= ? and t.village_code < ? and ${COUNTED('t')}
        and t.reported_at >= (b.first_month - interval '12 months') at time zone 'Asia/Shanghai'
        and t.reported_at < (b.last_month + interval '1 month') at time zone 'Asia/Shanghai'
   ),
   per as (select village_code, m, count(*) as n from d group by 1, 2),
   s as (
     select c.village_code, c.m, c.n,
            coalesce((select sum(b.n) from per b where b.village_code = c.village_code and b.m >= c.m - interval '12 months' and b.m < c.m), 0) / 12.0 as baseline
       from per c, bounds
      where c.m >= bounds.first_month and c.m <= bounds.last_month
   )
   select s.village_code as division_code, v.name as village_name, to_char(s.m, 'YYYYMM') as basis,
          s.m::date::text as from_day, (s.m + interval '1 month' - interval '1 day')::date::text as to_day,
          case when s.n >= 2 * ? and s.n >= 2 * ? * s.baseline then 2 else 1 end as grade,
          jsonb_build_array(
            jsonb_build_object('kind', 'MONTH_DISPUTES', 'value', s.n, 'cases', (select ${CASES('x')} from d x where x.village_code = s.village_code and x.m = s.m)),
            jsonb_build_object('kind', 'BASELINE_MONTHLY', 'value', round(s.baseline, 2), 'cases', null)) as facts
     from s join village v on v.code = s.village_code
    where s.n >= ? and s.n >= ? * s.baseline`,
);

/**
 * MASS_OR_TWICE_ESCALATED: per village, the disputes of the period that are
 * mass-scale (群体性) or were escalated to the township and on to the county.
 * grade 3: one case is both; 2: a mass case; 1: escalated twice only.
 */
const massOrTwice = sql(
  'riskSignals.massOrTwice',
  Signal,
  `with d as (
     select id, case_number, village_code, reported_at, scale = 'MASS' as mass,
            escalated_to_township_at is not null and escalated_to_county_at is not null as twice
       from dispute
      where village_code >= ? and village_code < ? and reported_at >= ? and reported_at < ? and ${COUNTED('dispute')}
        and ${IN_GRID('grid_code')}
        and (scale = 'MASS' or (escalated_to_township_at is not null and escalated_to_county_at is not null))
   )
   select x.village_code as division_code, v.name as village_name, '' as basis,
          ${CHINA_DAY('min(x.reported_at)')} as from_day, ${CHINA_DAY('max(x.reported_at)')} as to_day,
          case when bool_or(x.mass and x.twice) then 3 when bool_or(x.mass) then 2 else 1 end as grade,
          jsonb_build_array(
            jsonb_build_object('kind', 'MASS_DISPUTES', 'value', count(*) filter (where x.mass), 'cases', ${CASES('x', 'x.mass')}),
            jsonb_build_object('kind', 'TWICE_ESCALATED', 'value', count(*) filter (where x.twice), 'cases', ${CASES('x', 'x.twice')})) as facts
     from d x join village v on v.code = x.village_code
    group by x.village_code, v.name`,
);

/** OVERDUE_CLUSTER: townships with at least `min` disputes of the period overdue now (past a 131 deadline without its step). */
const overdue = sql(
  'riskSignals.overdue',
  Signal,
  `select left(d.village_code, 9) as division_code, null::text as village_name, '' as basis,
          ${CHINA_DAY('min(d.reported_at)')} as from_day, ${CHINA_DAY('max(d.reported_at)')} as to_day,
          count(*) as grade,
          jsonb_build_array(
            jsonb_build_object('kind', 'OVERDUE_CASES', 'value', count(*), 'cases', ${CASES('d')}),
            jsonb_build_object('kind', 'VILLAGES', 'value', count(distinct d.village_code), 'cases', null)) as facts
     from dispute d
    where d.village_code >= ? and d.village_code < ? and d.reported_at >= ? and d.reported_at < ? and ${OVERDUE_SQL}
    group by 1
   having count(*) >= ?`,
);

/** Tags whose people are a known danger to themselves or others (命案风险): HIGH. */
const GRAVE_TAGS = ['SEVERE_MENTAL_DISORDER', 'DRUG_USER'];
/** Tags under supervision or watch: MEDIUM. The care groups (left-behind, extreme poverty) are LOW. */
const WATCHED_TAGS = [
  'RELEASED_PRISONER',
  'COMMUNITY_CORRECTION',
  'HIV_RISK',
  'KEY_YOUTH_IDLE',
  'KEY_YOUTH_BAD_BEHAVIOUR',
  'KEY_YOUTH_VAGRANT',
  'KEY_YOUTH_CHILD_OF_INMATE',
];
const tagList = (tags: readonly string[]) => `array[${tags.map((t) => `'${t}'`).join(', ')}]::text[]`;

/**
 * SPECIAL_POPULATION_PARTY: per village, the disputes of the period with a
 * registered party who carries a special-population tag. grade 3: a grave
 * tag; 2: a watched one; 1: a care group only. The person is never named.
 */
const specialPopulation = sql(
  'riskSignals.specialPopulation',
  Signal,
  `with x as (
     select d.id, d.case_number, d.village_code, d.reported_at,
            max(case when pe.tags && ${tagList(GRAVE_TAGS)} then 3 when pe.tags && ${tagList(WATCHED_TAGS)} then 2 else 1 end) as grade
       from dispute d join dispute_party dp on dp.dispute_id = d.id join person pe on pe.id = dp.person_id
      where d.village_code >= ? and d.village_code < ? and d.reported_at >= ? and d.reported_at < ? and pe.tags <> '{}' and ${COUNTED('d')}
        and ${IN_GRID('d.grid_code')} and ${IN_GRID('pe.grid_code')}
      group by 1, 2, 3, 4
   )
   select x.village_code as division_code, v.name as village_name, '' as basis,
          ${CHINA_DAY('min(x.reported_at)')} as from_day, ${CHINA_DAY('max(x.reported_at)')} as to_day, max(x.grade) as grade,
          jsonb_build_array(jsonb_build_object('kind', 'SPECIAL_POPULATION_CASES', 'value', count(*), 'cases', ${CASES('x')})) as facts
     from x join village v on v.code = x.village_code
    group by x.village_code, v.name`,
);

/**
 * UNDERSTAFFED_RISING: villages with at least `min` disputes in the period,
 * more than in the period before (of the same length), and grids without the
 * full 1+3+N staffing (the village roll-up's count). grade 2: no grid fully staffed.
 */
const understaffed = sql(
  'riskSignals.understaffed',
  Signal,
  `with n as (
     select x.village_code, count(*) filter (where x.reported_at >= ?) as now, count(*) filter (where x.reported_at < ?) as before,
            ${CASES('x', `x.reported_at >= ?`)} as cases
       from dispute x
      where x.village_code >= ? and x.village_code < ? and x.reported_at >= ? and x.reported_at < ? and ${COUNTED('x')}
      group by 1
   )
   select n.village_code as division_code, v.name as village_name, '' as basis, ?::text as from_day, ?::text as to_day,
          case when r.grids_fully_staffed = 0 then 2 else 1 end as grade,
          jsonb_build_array(
            jsonb_build_object('kind', 'PERIOD_DISPUTES', 'value', n.now, 'cases', n.cases),
            jsonb_build_object('kind', 'PREVIOUS_DISPUTES', 'value', n.before, 'cases', null),
            jsonb_build_object('kind', 'GRIDS', 'value', r.grids, 'cases', null),
            jsonb_build_object('kind', 'GRIDS_NOT_FULLY_STAFFED', 'value', r.grids - r.grids_fully_staffed, 'cases', null)) as facts
     from n join village_rollup r on r.village_code = n.village_code join village v on v.code = n.village_code
    where n.now >= ? and n.now > n.before and r.grids > r.grids_fully_staffed`,
);

/**
 * UNDERSTAFFED_RISING of one grid: as a village's, with the grid's disputes and its own staffing (counted from its
 * staff as `Grid.fullyStaffed` is); a grid short of staff has no grid fully staffed, so grade 2. The signal is about
 * the grid's village, the facts are the grid's: GRIDS 1, GRIDS_NOT_FULLY_STAFFED 1.
 */
const understaffedGrid = sql(
  'riskSignals.understaffedGrid',
  Signal,
  `with n as (
     select count(*) filter (where x.reported_at >= ?) as now, count(*) filter (where x.reported_at < ?) as before,
            ${CASES('x', `x.reported_at >= ?`)} as cases
       from dispute x
      where x.village_code = left(?::text, 12) and x.grid_code = ? and x.reported_at >= ? and x.reported_at < ? and ${COUNTED('x')}
   ),
   staffed as (select coalesce((select ${FULLY_STAFFED} from grid_staff where grid_code = ?), false) as fully)
   select v.code as division_code, v.name as village_name, '' as basis, ?::text as from_day, ?::text as to_day, 2 as grade,
          jsonb_build_array(
            jsonb_build_object('kind', 'PERIOD_DISPUTES', 'value', n.now, 'cases', n.cases),
            jsonb_build_object('kind', 'PREVIOUS_DISPUTES', 'value', n.before, 'cases', null),
            jsonb_build_object('kind', 'GRIDS', 'value', 1, 'cases', null),
            jsonb_build_object('kind', 'GRIDS_NOT_FULLY_STAFFED', 'value', 1, 'cases', null)) as facts
     from n, staffed, village v
    where v.code = left(?::text, 12) and n.now >= ? and n.now > n.before and not staffed.fully`,
);

/** The key range of the village codes under a division code (a grid's: its village's alone). */
const range = (code: string): [string, string] => {
  const villages = code.slice(0, 12);
  return [villages, `${villages}:`];
};

export const riskSignals = {
  repeated: (db: Db, s: RiskScope, t: RiskThresholds) =>
    rows(db, repeated, [...range(s.within), s.start, t.repeatDays, s.end, ...gridOf(s), ...gridOf(s), s.start, t.repeatDays]),
  surge: (db: Db, s: RiskScope, t: RiskThresholds) =>
    rows(db, surge, [s.start, s.end, ...range(s.within), t.surgeMin, t.surgeFactor, t.surgeMin, t.surgeFactor]),
  massOrTwice: (db: Db, s: RiskScope) => rows(db, massOrTwice, [...range(s.within), s.start, s.end, ...gridOf(s)]),
  overdue: (db: Db, s: RiskScope, t: RiskThresholds) => rows(db, overdue, [...range(s.within), s.start, s.end, t.overdueMin]),
  specialPopulation: (db: Db, s: RiskScope) => rows(db, specialPopulation, [...range(s.within), s.start, s.end, ...gridOf(s), ...gridOf(s)]),
  /** `previousStart` begins the period before; `days` are the period's first and last day (the signal's window). */
  understaffed: (db: Db, s: RiskScope, t: RiskThresholds, previousStart: string, days: [string, string]) =>
    s.within.length === 15
      ? rows(db, understaffedGrid, [s.start, s.start, s.start, s.within, s.within, previousStart, s.end, s.within, ...days, s.within, t.risingMin])
      : rows(db, understaffed, [s.start, s.start, s.start, ...range(s.within), previousStart, s.end, ...days, t.risingMin]),
};
