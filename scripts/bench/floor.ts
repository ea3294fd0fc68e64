/**
 * The physical limit of the village dashboard (README, "Benchmarks"): the same figures as the dashboard query of scripts/bench.ts (and
 * examples/village-dashboard.ts) from ONE hand-written statement on the
 * village database, one round trip, no GraphQL, no federation, no
 * transaction. It runs as the database owner, so row-level security adds
 * nothing either: what is left is PostgreSQL reading the rows. The township's
 * name lives in the township database, which one statement cannot reach: the
 * floor leaves out that one key lookup.
 */
import pg from 'pg';
import { OPEN_STATUSES } from '../../domain/case-engine.ts';
import { periodBounds } from '../../domain/periods.ts';
import { OVERDUE_SQL } from '../../subgraphs/village/src/disputes/sql.ts';

const OPEN = OPEN_STATUSES.map((s) => `'${s}'`).join(', ');

/** $1 the village's code, $2 and $3 the instants [start, end) of the patrols' period. */
export const FLOOR_SQL = `/* bench.floor */ select json_build_object(
  'name', (select name from village where code = $1),
  'grids', (select coalesce(json_agg(json_build_object('code', g.code, 'name', g.name, 'fullyStaffed', coalesce(s.fully, false)) order by g.code), '[]')
              from grid g left join lateral (
                select bool_or(role = 'GRID_WORKER') and bool_or(role = 'LINKED_LEADER') and bool_or(role = 'LINKED_OFFICE_CADRE')
                       and bool_or(role = 'LINKED_POLITICAL_LEGAL_CADRE') and bool_or(role = 'INFORMANT') as fully
                  from grid_staff where grid_code = g.code) s on true
             where g.village_code = $1),
  'population', (select json_build_object('residents', residents, 'households', households, 'floating', floating, 'byTag', tags)
                   from village_rollup where village_code = $1),
  'forces', (select json_build_object('grids', grids, 'gridWorkers', grid_workers, 'jointDefenseGroups', joint_defense_groups,
                      'householdCoverage', case when households > 0 then households_in_groups::float8 / households else 0 end, 'patrolTeams', patrol_teams)
               from village_rollup where village_code = $1),
  'disputes', json_build_object(
     'totalCount', (select count(*) from dispute d where d.village_code = $1 and d.status in (${OPEN})),
     'nodes', (select coalesce(json_agg(json_build_object('caseNumber', case_number, 'status', status, 'overdue', overdue) order by no desc), '[]')
                 from (select d.no, d.case_number, d.status, ${OVERDUE_SQL} as overdue from dispute d
                        where d.village_code = $1 and d.status in (${OPEN}) order by d.no desc limit 20) d)),
  'patrols', json_build_object(
     'totalCount', (select count(*) from patrol where village_code = $1 and started_at >= $2 and started_at < $3),
     'nodes', (select coalesce(json_agg(json_build_object('startedAt', started_at, 'hours', extract(epoch from ended_at - started_at) / 3600) order by id), '[]')
                 from (select id, started_at, ended_at from patrol where village_code = $1 and started_at >= $2 and started_at < $3 order by id limit 50) p))
) as dashboard`;

export interface FloorDashboard {
  name: string;
  grids: unknown[];
  population: { residents: number };
  disputes: { totalCount: number };
  patrols: { totalCount: number };
}

/**
 * A bench target sending FLOOR_SQL over `connections` pooled connections (the owner's `url`), for the
 * village `code` and the patrols of the days [from, to]; `first()` answers it once, to compare with the hub's answer.
 */
export async function floorTarget(url: string, connections: number, code: string, from: string, to: string) {
  const pool = new pg.Pool({ connectionString: url, max: connections });
  const params = [code, ...periodBounds(from, to)];
  // Prepared once per connection (a named statement), as the services' drivers do not: the floor gets every advantage.
  const query = { name: 'bench.floor', text: FLOOR_SQL, values: params };
  return {
    target: {
      url: '',
      headers: {},
      body: () => '',
      send: async () => (await pool.query<{ dashboard: FloorDashboard }>(query)).rows.length === 1,
    },
    first: async (): Promise<FloorDashboard> => (await pool.query<{ dashboard: FloorDashboard }>(query)).rows[0]!.dashboard,
    close: () => pool.end(),
  };
}
