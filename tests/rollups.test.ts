import pg from 'pg';
import { inject, afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCitizenId } from '../domain/citizen-id.ts';
import { postImport, startHub, type Nodes, type TestHub } from './helpers/hub.ts';
import { countyRollupDrift } from './helpers/rollups.ts';

let hub: TestHub;
beforeAll(async () => {
  hub = await startHub();
});
afterAll(() => hub?.stop());

const DAY = (c: string) => `((${c} at time zone 'UTC') + interval '8 hours')::date`;

/**
 * Rows where a roll-up differs from a count of the raw facts, computed in one
 * statement (one snapshot, so concurrent writers cannot fake a difference).
 * Residents are the current (ACTIVE) ones: deregistered people are history.
 */
async function mismatches(county: string): Promise<{ village: unknown[]; days: unknown[] }> {
  const c = new pg.Client({ connectionString: inject('dbs').village.migrationUrl });
  await c.connect();
  try {
    const village = await c.query(
      `with raw as (
         select v.code,
           (select count(*) from person p where p.village_code = v.code and status = 'ACTIVE') as residents,
           (select count(*) from person p where p.village_code = v.code and residency = 'FLOATING' and status = 'ACTIVE') as floating,
           (select count(*) from household h where h.village_code = v.code) as households,
           (select count(joint_defense_group_id) from household h where h.village_code = v.code) as households_in_groups,
           (select count(*) from house h where h.village_code = v.code) as houses,
           (select count(*) from address a where a.village_code = v.code) as addresses,
           (select count(*) from grid g where g.village_code = v.code) as grids,
           (select count(*) from grid_staff s where s.village_code = v.code and role = 'GRID_WORKER') as grid_workers,
           (select count(*) from joint_defense_group j where j.village_code = v.code) as joint_defense_groups,
           (select count(*) from patrol_team t where t.village_code = v.code and t.ended_at is null) as patrol_teams,
           (select count(distinct person_id) from patrol_team_member m where m.village_code = v.code) as patrol_members,
           (select coalesce(sum(array_length(tags, 1)), 0) from person p where p.village_code = v.code and status = 'ACTIVE') as tag_total
         from village v where v.county_code = $1)
       select raw.code, raw.residents, r.residents as rolled from raw left join village_rollup r on r.village_code = raw.code
        where r.village_code is null or (raw.residents, raw.floating, raw.households, raw.households_in_groups, raw.houses, raw.addresses, raw.grids,
              raw.grid_workers, raw.joint_defense_groups, raw.patrol_teams, raw.patrol_members)
           is distinct from (r.residents::bigint, r.floating::bigint, r.households::bigint, r.households_in_groups::bigint, r.houses::bigint, r.addresses::bigint,
              r.grids::bigint, r.grid_workers::bigint, r.joint_defense_groups::bigint, r.patrol_teams::bigint, r.patrol_members::bigint)
           or raw.tag_total <> (select coalesce(sum(value::int), 0) from jsonb_each_text(r.tags))`,
      [county],
    );
    // The county's row holds the sums of its villages' rows, tag counts included.
    const countyRow = await countyRollupDrift(c, county);
    // A village's day keeps its patrols' time in whole seconds (the sum, rounded), while a patrol's times may carry
    // milliseconds (a phone sends them): the raw sum is rounded as the roll-up rounds it.
    const days = await c.query(
      `with raw as (
         select village_code, day, sum(patrols) as patrols, round(sum(secs)) as secs, sum(found) as found, sum(rect) as rect, sum(reported) as reported, sum(resolved) as resolved
           from (
             select village_code, ${DAY('started_at')} as day, 1 as patrols, extract(epoch from ended_at - started_at) as secs, 0 as found, 0 as rect, 0 as reported, 0 as resolved from patrol where county_code = $1
             union all select village_code, ${DAY('reported_at')}, 0, 0, 1, 0, 0, 0 from hazard where source = 'PATROL' and county_code = $1
             union all select village_code, ${DAY('rectified_at')}, 0, 0, 0, 1, 0, 0 from hazard where source = 'PATROL' and rectified_at is not null and county_code = $1
             union all select village_code, ${DAY('reported_at')}, 0, 0, 0, 0, 1, (status in ('RESOLVED', 'RATED', 'CLOSED', 'FOLLOWED_UP'))::int from dispute where county_code = $1
                              and status <> 'DECLINED' -- a report declined at intake counts in no figure
           ) x group by 1, 2)
       select coalesce(raw.village_code, r.village_code) as village, coalesce(raw.day, r.day) as day
         from raw full join (select * from village_day_rollup where left(village_code, 6) = $1) r on r.village_code = raw.village_code and r.day = raw.day
        where (raw.patrols, raw.secs, raw.found, raw.rect, raw.reported, raw.resolved)
              is distinct from (r.patrols::bigint, r.patrol_seconds::numeric, r.hazards_found::bigint, r.hazards_rectified::bigint, r.reported::bigint, r.resolved::bigint)`,
      [county],
    );
    const counties = await c.query(
      `select coalesce(a.day, b.day) as day from
         (select day, sum(patrols) as patrols, sum(patrol_seconds) as secs, sum(reported) as reported, sum(resolved) as resolved
            from village_day_rollup where left(village_code, 6) = $1 group by 1) a
         full join (select * from county_day_rollup where county_code = $1) b on a.day = b.day
        where (a.patrols, a.secs, a.reported, a.resolved) is distinct from (b.patrols::numeric, b.patrol_seconds::numeric, b.reported::numeric, b.resolved::numeric)`,
      [county],
    );
    return { village: [...village.rows, ...countyRow], days: [...days.rows, ...counties.rows] };
  } finally {
    await c.end();
  }
}

describe('patrol teams by kind (红袖标 and the rest)', () => {
  type Kinds = { forces: { patrolTeams: number; patrolByKind: { kind: string; teams: number; members: number }[] } };
  const FORCES = 'forces { patrolTeams patrolByKind { kind teams members } }';
  const VILLAGE = '623022100001';

  /** Teams and distinct members by kind under a division, counted from the teams themselves. */
  async function raw(code: string): Promise<Map<string, { teams: number; members: number }>> {
    const c = new pg.Client({ connectionString: inject('dbs').village.migrationUrl });
    await c.connect();
    try {
      const r = await c.query(
        `select t.kind, count(distinct t.id)::int as teams, count(distinct m.person_id)::int as members
           from patrol_team t left join patrol_team_member m on m.team_id = t.id
          where t.village_code like $1 || '%' and t.ended_at is null group by 1`,
        [code],
      );
      return new Map(r.rows.map((x) => [x.kind as string, { teams: x.teams as number, members: x.members as number }]));
    } finally {
      await c.end();
    }
  }

  it('agree with the teams under a county and a village, for a report-only tool too, and show a new team in the next read', async () => {
    const writer = await hub.token({ jurisdiction: '623022', scopes: ['read', 'write'] });
    const tool = await hub.token({ jurisdiction: '62', scopes: ['report'] });
    const read = async () => {
      const r = await hub.queryAs<{ county: Kinds; village: Kinds }>(
        tool,
        `{ county(code: "623022") { ${FORCES} } village(code: "${VILLAGE}") { ${FORCES} } }`,
      );
      expect(r.errors).toBeUndefined();
      return r.data!;
    };
    const check = async (figures: Kinds, code: string) => {
      const counted = await raw(code);
      expect(figures.forces.patrolByKind.map((k) => k.kind)).toEqual(['RED_ARMBAND', 'MOTORCYCLE_VOLUNTEER', 'JOINT_PREVENTION', 'MILITIA', 'VOLUNTEER']);
      for (const k of figures.forces.patrolByKind)
        expect({ kind: k.kind, teams: k.teams, members: k.members }).toEqual({ kind: k.kind, ...(counted.get(k.kind) ?? { teams: 0, members: 0 }) });
      expect(figures.forces.patrolByKind.reduce((n, k) => n + k.teams, 0)).toBe(figures.forces.patrolTeams);
    };
    const before = await read();
    await check(before.county, '623022');
    await check(before.village, VILLAGE);
    const people = await hub.queryAs<{ village: { residents: Nodes<{ id: string }> } }>(
      writer,
      `{ village(code: "${VILLAGE}") { residents(first: 2) { nodes { id } } } }`,
    );
    const made = await hub.queryAs(writer, `mutation($i: PatrolTeamInput!) { createPatrolTeam(input: $i) { id } }`, {
      i: {
        villageCode: VILLAGE,
        gridCode: `${VILLAGE}001`,
        name: `红袖标巡逻队-${Date.now()}`,
        kind: 'RED_ARMBAND',
        memberIds: people.data!.village.residents.nodes.map((n) => n.id),
      },
    });
    expect(made.errors).toBeUndefined();
    const after = await read();
    const red = (f: Kinds) => f.forces.patrolByKind.find((k) => k.kind === 'RED_ARMBAND')!;
    expect(red(after.village).teams).toBe(red(before.village).teams + 1);
    expect(red(after.county).teams).toBe(red(before.county).teams + 1);
    await check(after.county, '623022');
    await check(after.village, VILLAGE);
    // Disbanded, it leaves the counts (its row stays, for its patrols): the figures and the raw facts still agree.
    const id = (made.data as { createPatrolTeam: { id: string } }).createPatrolTeam.id;
    const team = await hub.queryAs<{ patrolTeam: { version: number } | null }>(writer, `{ patrolTeam(id: "${id}") { version } }`);
    const ended = await hub.queryAs(
      writer,
      `mutation { disbandPatrolTeam(id: "${id}", version: ${team.data!.patrolTeam!.version}, reason: DUPLICATE) { endedAt } }`,
    );
    expect(ended.errors).toBeUndefined();
    const gone = await read();
    expect(red(gone.village).teams).toBe(red(before.village).teams);
    expect(red(gone.county).teams).toBe(red(before.county).teams);
    await check(gone.county, '623022');
    await check(gone.village, VILLAGE);
    expect(await mismatches('623022')).toEqual({ village: [], days: [] });
  });
});

describe('roll-ups always equal a count of the raw facts', () => {
  it('for the seeded counties', async () => {
    for (const county of ['623021', '632223']) expect(await mismatches(county)).toEqual({ village: [], days: [] });
  });

  it('after writes of every kind (people, households moving villages, groups, patrols, hazards, disputes)', async () => {
    const w = await hub.token({ jurisdiction: '623022', scopes: ['read', 'write', 'pii'] });
    const q = <T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>) => hub.queryAs<T>(w, query, variables);
    const p = await q(`mutation($i: PersonInput!) { registerPerson(input: $i) { id } }`, {
      i: {
        name: '卷积测试',
        idNumber: makeCitizenId('623022', '1977-07-07', 777),
        ethnicity: '藏族',
        residency: 'FLOATING',
        gridCode: '623022100003001',
        tags: ['EXTREME_POVERTY'],
      },
    });
    expect(p.errors).toBeUndefined();
    type Household = { id: string; version: number; jointDefenseGroup: { id: string } | null; members: { id: string }[] };
    const hh = await q<{ village: { households: Nodes<Household> } }>(
      `{ village(code: "623022100003") { households(first: 100) { nodes { id version jointDefenseGroup { id } members { id } } } } }`,
    );
    const mover = hh.data!.village.households.nodes.find((h) => h.jointDefenseGroup && h.members.length);
    const moved = await q(`mutation { moveHousehold(id: "${mover!.id}", version: ${mover!.version}, input: { gridCode: "623022100200001" }) { id } }`);
    // The leader's household cannot leave; any other grouped household can, leaving its group.
    if (moved.errors) expect(moved.errors[0]!.extensions!.code, moved.errors[0]!.message).toBe('CONFLICT');
    const hz = await q<{ reportHazard: { id: string; version: number } }>(
      `mutation { reportHazard(input: { gridCode: "623022100003001", kind: GAS, description: "液化气罐", source: DRONE }) { id version } }`,
    );
    await q(`mutation { rectifyHazard(id: "${hz.data!.reportHazard.id}", version: 1) { status } }`);
    const team = await q<{ village: { patrolTeams: Nodes<{ id: string; members: { id: string }[] }> } }>(
      `{ village(code: "623022100003") { patrolTeams(first: 1) { nodes { id members { id } } } } }`,
    );
    const t = team.data!.village.patrolTeams.nodes[0]!;
    /** A patrol of the team on a day of May, with a hazard it found. */
    const patrolOn = (day: string, hours: string, hazard: { kind: string; description: string }) =>
      q<{ recordPatrol: { id: string } }>(`mutation($i: PatrolInput!) { recordPatrol(input: $i) { id } }`, {
        i: {
          teamId: t.id,
          gridCode: '623022100003001',
          startedAt: `2026-05-${day}T20:00:00+08:00`,
          endedAt: `2026-05-${day}T${hours}+08:00`,
          participantIds: [t.members[0]!.id],
          hazards: [{ ...hazard, gridCode: '623022100003001' }],
        },
      });
    expect((await patrolOn('01', '21:45:00', { kind: 'FIRE', description: '柴草' })).errors).toBeUndefined();
    // A patrol voided (entered by mistake) leaves its day's figures with its hazard.
    const mistake = await patrolOn('02', '21:00:00', { kind: 'FLOOD', description: '渠道堵塞' });
    expect(mistake.errors).toBeUndefined();
    expect((await q(`mutation { voidPatrol(id: "${mistake.data!.recordPatrol.id}", reason: "误录") { id } }`)).errors).toBeUndefined();
    type Version = { id: string; version: number };
    const d = await q<Record<string, Version>>(
      `mutation($i: DisputeInput!) { reportDispute(input: $i, idempotencyKey: "rollup-${Date.now()}") { id version } }`,
      {
        i: {
          gridCode: '623022100003001',
          category: 'NEIGHBOUR',
          scale: 'ORDINARY',
          source: 'WALK_IN',
          summary: '邻里纠纷',
          parties: [{ name: '甲', role: 'APPLICANT' }],
        },
      },
    );
    let dv = d.data!.reportDispute!;
    dv = (await q<Record<string, Version>>(`mutation { acceptDispute(id: "${dv.id}", version: ${dv.version}) { id version } }`)).data!.acceptDispute!;
    dv = (await q<Record<string, Version>>(`mutation { assignDispute(id: "${dv.id}", version: ${dv.version}, assignee: "调委会") { id version } }`)).data!
      .assignDispute!;
    await q(`mutation { resolveDispute(id: "${dv.id}", version: ${dv.version}, outcome: AGREEMENT) { id } }`);
    expect(await mismatches('623022')).toEqual({ village: [], days: [] });
  });

  it('when many writers register residents in one county at once (the county row adds each one)', async () => {
    const w = await hub.token({ jurisdiction: '623022', scopes: ['read', 'write', 'pii'] });
    const q = <T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>) => hub.queryAs<T>(w, query, variables);
    const villages = await q<{ villages: { code: string; grids: { code: string }[] }[] }>(`{ villages(within: "623022") { code grids { code } } }`);
    const grids = villages.data!.villages.flatMap((v) => v.grids.slice(0, 1).map((g) => g.code)).slice(0, 16);
    expect(grids.length).toBeGreaterThan(8);
    const total = async () =>
      (
        await q<{ county: { population: { residents: number; byTag: { tag: string; count: number }[] } } }>(
          `{ county(code: "623022") { population { residents byTag { tag count } } } }`,
        )
      ).data!.county.population;
    const before = await total();
    const results = await Promise.all(
      grids.map((gridCode, i) =>
        q(`mutation($i: PersonInput!) { registerPerson(input: $i) { id } }`, {
          i: {
            name: '并发登记',
            idNumber: makeCitizenId('623022', '1951-03-03', 300 + i),
            ethnicity: '汉族',
            residency: 'REGISTERED',
            gridCode,
            tags: ['LEFT_BEHIND_ELDERLY'],
          },
        }),
      ),
    );
    for (const r of results) expect(r.errors).toBeUndefined();
    const after = await total();
    expect(after.residents).toBe(before.residents + grids.length);
    const tagged = (p: typeof before) => p.byTag.find((t) => t.tag === 'LEFT_BEHIND_ELDERLY')?.count ?? 0;
    expect(tagged(after)).toBe(tagged(before) + grids.length);
    expect(await mismatches('623022')).toEqual({ village: [], days: [] });
  });

  it('adds a new resident to their village without recounting it, and counts nothing for a statement that touched no row', async () => {
    // As a superuser on the village database, to count the roll-up's function calls (track_functions) in one transaction, rolled back.
    const url = new URL(inject('adminUrl'));
    url.pathname = new URL(inject('dbs').village.migrationUrl).pathname;
    const c = new pg.Client({ connectionString: url.toString() });
    await c.connect();
    try {
      await c.query('begin');
      await c.query(`set local track_functions = 'all'`);
      await c.query(`select set_config('hub.actor', '测试', true), set_config('hub.subject', 'test-rollup', true)`);
      const calls = async () =>
        Number(
          (await c.query<{ n: string | null }>(`select pg_stat_get_xact_function_calls('refresh_village_rollup(text[])'::regprocedure) as n`)).rows[0]!.n ?? 0,
        );
      await c.query(`update person set name = name where false`);
      await c.query(`update household set version = version where false`);
      expect(await calls()).toBe(0);

      const source = (
        await c.query<{ id: number; village_code: string }>(
          `select id, village_code from person where status = 'ACTIVE' and residency = 'FLOATING' and tags <> '{}' and county_code = '623022' order by id limit 1`,
        )
      ).rows[0]!;
      const rollup = async () =>
        (
          await c.query<{ residents: number; floating: number; tags: Record<string, number> }>(
            `select residents, floating, tags from village_rollup where village_code = $1`,
            [source.village_code],
          )
        ).rows[0]!;
      const before = await rollup();
      const added = (
        await c.query<{ tags: string[] }>(
          `insert into person (id_number, name, gender, birth_date, ethnicity, residency, tags, village_code, grid_code, county_code)
           select $1, name, gender, birth_date, ethnicity, residency, tags, village_code, grid_code, county_code from person where id = $2
           returning tags`,
          [makeCitizenId('623022', '1962-07-08', 910), source.id],
        )
      ).rows[0]!;
      const after = await rollup();
      expect(await calls()).toBe(0);
      // The village's row was changed in place, never deleted and counted again.
      expect(Number((await c.query<{ n: string }>(`select pg_stat_get_xact_tuples_deleted('village_rollup'::regclass) as n`)).rows[0]!.n)).toBe(0);
      const tags = { ...before.tags };
      for (const t of added.tags) tags[t] = (tags[t] ?? 0) + 1;
      expect(after).toEqual({ residents: before.residents + 1, floating: before.floating + 1, tags });
      // And it is what a count of the raw facts gives.
      const counted = (
        await c.query(
          `select (select count(*)::int from person where village_code = $1 and status = 'ACTIVE') as residents,
                  (select count(*)::int from person where village_code = $1 and status = 'ACTIVE' and residency = 'FLOATING') as floating,
                  (select coalesce(jsonb_object_agg(tag, n), '{}') from (select tag, count(*)::int as n from person, unnest(tags) as tag
                    where village_code = $1 and status = 'ACTIVE' group by 1) x) as tags`,
          [source.village_code],
        )
      ).rows[0];
      expect(after).toEqual(counted);
    } finally {
      await c.query('rollback').catch(() => undefined);
      await c.end();
    }
  });

  it('recounts nothing for an update that changes no counted column, and shows a counted change in the very next read', async () => {
    const w = await hub.token({ jurisdiction: '623022', scopes: ['read', 'write', 'pii'] });
    const tool = await hub.token({ jurisdiction: '623022', scopes: ['report'] });
    const c = new pg.Client({ connectionString: inject('dbs').village.migrationUrl });
    await c.connect();
    try {
      const person = (
        await c.query<{ id: number; version: number; village_code: string; grid_code: string }>(
          `select id, version, village_code, grid_code from person where status = 'ACTIVE' and residency = 'REGISTERED' and county_code = '623022'
            order by id desc limit 1`,
        )
      ).rows[0]!;
      const version = async () =>
        (await c.query<{ counts: string }>(`select counts from stats_version where level = 12 and code = $1`, [person.village_code])).rows[0]!.counts;
      type Figures = { residents: number; floating: number };
      const read = async () => {
        const r = await hub.queryAs<{ village: { population: Figures }; grid: { population: Figures } }>(
          tool,
          `{ village(code: "${person.village_code}") { population { residents floating } } grid(code: "${person.grid_code}") { population { residents floating } } }`,
        );
        expect(r.errors).toBeUndefined();
        return r.data!;
      };
      const update = async (v: number, input: Record<string, unknown>) => {
        const r = await hub.queryAs<{ updatePerson: { version: number } }>(
          w,
          `mutation($i: PersonUpdate!) { updatePerson(id: "${person.id}", version: ${v}, input: $i) { version } }`,
          { i: input },
        );
        expect(r.errors).toBeUndefined();
        return r.data!.updatePerson.version;
      };
      const before = await read();
      const v0 = await version();
      // A phone and a name are no figure: the village is not recounted, its version stays, its figures with it.
      const v1 = await update(person.version, { phone: '13800138000', name: '不计数改名' });
      expect(await version()).toBe(v0);
      expect(await read()).toEqual(before);
      // Residency is counted (floating): the next read shows it, in the village and in its grid.
      await update(v1, { residency: 'FLOATING' });
      expect(await version()).not.toBe(v0);
      const after = await read();
      expect(after.village.population).toEqual({ residents: before.village.population.residents, floating: before.village.population.floating + 1 });
      expect(after.grid.population).toEqual({ residents: before.grid.population.residents, floating: before.grid.population.floating + 1 });
      expect(await mismatches('623022')).toEqual({ village: [], days: [] });
    } finally {
      await c.end();
    }
  });
});

/**
 * The forces' records (grids, grid staff, joint-defense groups, patrol teams and their members) recount their villages
 * only when an update changes a column the `counts` figures read (…97RollupForcesCountedColumns): a name, a phone, a
 * leader moves no version and the cached figures stay; a counted change, or a move to another village, is in the
 * very next read of both villages, equal to a count of the raw rows.
 */
describe('an update of the forces recounts only a counted change', () => {
  const COUNTY = '623022';
  type KindCount = { kind: string; teams: number; members: number };
  type Forces = {
    grids: number;
    gridWorkers: number;
    gridsFullyStaffed: number;
    jointDefenseGroups: number;
    householdsInGroups: number;
    patrolTeams: number;
    patrolMembers: number;
    patrolByKind: KindCount[];
  };
  const FORCES =
    'forces { grids gridWorkers gridsFullyStaffed jointDefenseGroups householdsInGroups patrolTeams patrolMembers patrolByKind { kind teams members } }';

  let c: pg.Client;
  let reader: string;
  let writer: string;
  /** Two villages of the county with staff, groups and teams (a team of `a` with members), and a grid of each. */
  let a: string, b: string, gridA: string, gridB: string;
  beforeAll(async () => {
    c = new pg.Client({ connectionString: inject('dbs').village.migrationUrl });
    await c.connect();
    reader = await hub.token({ jurisdiction: COUNTY, scopes: ['read'] });
    writer = await hub.token({ jurisdiction: COUNTY, scopes: ['read', 'write', 'pii'] });
    const { rows } = await c.query<{ code: string; grid: string }>(
      `select v.code, (select min(g.code) from grid g where g.village_code = v.code) as grid from village v
        where v.county_code = $1
          and exists (select from grid_staff s where s.village_code = v.code and s.role = 'GRID_WORKER')
          and exists (select from joint_defense_group j where j.village_code = v.code)
          and exists (select from patrol_team t join patrol_team_member m on m.team_id = t.id where t.village_code = v.code and t.ended_at is null)
        order by v.code desc limit 2`,
      [COUNTY],
    );
    expect(rows).toHaveLength(2);
    [a, b, gridA, gridB] = [rows[0]!.code, rows[1]!.code, rows[0]!.grid, rows[1]!.grid];
  });
  afterAll(() => c?.end());

  /** Both villages' forces, read through the gateway. */
  const read = async (): Promise<Record<string, Forces>> => {
    const r = await hub.queryAs<{ a: { forces: Forces }; b: { forces: Forces } }>(
      reader,
      `{ a: village(code: "${a}") { ${FORCES} } b: village(code: "${b}") { ${FORCES} } }`,
    );
    expect(r.errors).toBeUndefined();
    const kinds = (f: Forces) => ({ ...f, patrolByKind: f.patrolByKind.filter((k) => k.teams || k.members) });
    return { [a]: kinds(r.data!.a.forces), [b]: kinds(r.data!.b.forces) };
  };

  /** Both villages' forces counted from the raw rows, in one snapshot. */
  const raw = async (): Promise<Record<string, Forces>> => {
    const { rows } = await c.query<Forces & { code: string }>(
      `select v.code,
              (select count(*) from grid g where g.village_code = v.code)::int as "grids",
              (select count(*) from grid_staff s where s.village_code = v.code and s.role = 'GRID_WORKER')::int as "gridWorkers",
              (select count(*) from (select from grid_staff s where s.village_code = v.code group by s.grid_code
                                     having bool_or(role = 'GRID_WORKER') and bool_or(role = 'LINKED_LEADER') and bool_or(role = 'LINKED_OFFICE_CADRE')
                                        and bool_or(role = 'LINKED_POLITICAL_LEGAL_CADRE') and bool_or(role = 'INFORMANT')) x)::int as "gridsFullyStaffed",
              (select count(*) from joint_defense_group j where j.village_code = v.code)::int as "jointDefenseGroups",
              (select count(joint_defense_group_id) from household h where h.village_code = v.code)::int as "householdsInGroups",
              (select count(*) from patrol_team t where t.village_code = v.code and t.ended_at is null)::int as "patrolTeams",
              (select count(distinct person_id) from patrol_team_member m where m.village_code = v.code)::int as "patrolMembers",
              coalesce((select jsonb_agg(jsonb_build_object('kind', k.kind, 'teams', k.teams, 'members', k.members)
                                         order by array_position(array['RED_ARMBAND', 'MOTORCYCLE_VOLUNTEER', 'JOINT_PREVENTION', 'MILITIA', 'VOLUNTEER'], k.kind))
                          from (select t.kind, count(distinct t.id)::int as teams, count(distinct m.person_id)::int as members
                                  from patrol_team t left join patrol_team_member m on m.team_id = t.id
                                 where t.village_code = v.code and t.ended_at is null group by 1) k), '[]') as "patrolByKind"
         from village v where v.code = any($1)`,
      [[a, b]],
    );
    return Object.fromEntries(rows.map(({ code, ...f }) => [code, f]));
  };

  const versions = async () =>
    (await c.query<{ code: string; counts: string }>(`select code, counts from stats_version where level = 12 and code = any($1) order by code`, [[a, b]]))
      .rows;

  /**
   * `quiet` changes no counted column: no version moves and the next read is the one before. Each `counted` change
   * moves the versions of the villages it touched and no other, and the next read equals the raw rows; `expected` is
   * told what was read before and after, and which villages' versions moved.
   */
  type Expected = (before: Record<string, Forces>, after: Record<string, Forces>, moved: string[]) => void;
  async function check(quiet: () => Promise<unknown>, ...counted: [change: () => Promise<unknown>, expected: Expected][]) {
    const before = await read();
    expect(before).toEqual(await raw());
    const v0 = await versions();
    await quiet();
    expect(await versions()).toEqual(v0);
    expect(await read()).toEqual(before);
    for (const [change, expected] of counted) {
      const prior = await read();
      const v = await versions();
      await change();
      const now = await versions();
      const moved = now.filter((x, i) => x.counts !== v[i]!.counts).map((x) => x.code);
      const after = await read();
      expect(after).toEqual(await raw());
      expected(prior, after, moved);
    }
    expect(await mismatches(COUNTY)).toEqual({ village: [], days: [] });
  }

  it('a grid: a new name recounts nothing (a grid is never renumbered, nor moved to another village)', async () => {
    await check(() => c.query(`update grid set name = name || '·改' where code = $1`, [gridA]));
    await expect(c.query(`update grid set village_code = $2 where code = $1`, [gridA, b])).rejects.toThrow(/never deleted or renumbered/);
  });

  it('a grid staff member: a name and a phone recount nothing; a role and a move to another village are in the next read', async () => {
    // A grid worker (a grid has one at most): made an informant, then moved to the other village's grid.
    const s = (
      await c.query<{ id: number; version: number; grid_code: string }>(
        `select id, version, grid_code from grid_staff where village_code = $1 and role = 'GRID_WORKER' order by id limit 1`,
        [a],
      )
    ).rows[0]!;
    await check(
      async () => {
        const r = await hub.queryAs<{ updateGridStaff: { version: number } }>(
          writer,
          `mutation($i: GridStaffUpdate!) { updateGridStaff(id: "${s.id}", version: ${s.version}, input: $i) { version } }`,
          { i: { phone: '13800138001', name: '不计数改名' } },
        );
        expect(r.errors).toBeUndefined();
      },
      [
        () => c.query(`update grid_staff set role = 'INFORMANT' where id = $1`, [s.id]),
        (x, y, moved) => {
          expect(moved).toEqual([a]);
          expect(y[a]!.gridWorkers).toBe(x[a]!.gridWorkers - 1);
        },
      ],
      [
        () => c.query(`update grid_staff set village_code = $2, grid_code = $3 where id = $1`, [s.id, b, gridB]),
        (x, y, moved) => expect(moved).toEqual([a, b].sort()),
      ],
      // Back as it was, for the other tests.
      [
        () => c.query(`update grid_staff set village_code = $2, grid_code = $3, role = 'GRID_WORKER' where id = $1`, [s.id, a, s.grid_code]),
        (x, y, moved) => {
          expect(moved).toEqual([a, b].sort());
          expect(y[a]!.gridWorkers).toBe(x[a]!.gridWorkers + 1);
        },
      ],
    );
  });

  it('a joint-defense group (十户联防): a name and a leader recount nothing; a move to another village is in the next read', async () => {
    const g = (
      await c.query<{ id: number; grid_code: string }>(`select id, grid_code from joint_defense_group where village_code = $1 order by id limit 1`, [a])
    ).rows[0]!;
    await check(
      () =>
        c.query(
          `update joint_defense_group set name = name || '·改', version = version + 1,
                  leader_id = (select p.id from person p where p.village_code = $2 and p.status = 'ACTIVE' order by p.id limit 1) where id = $1`,
          [g.id, a],
        ),
      [
        () => c.query(`update joint_defense_group set village_code = $2, grid_code = $3 where id = $1`, [g.id, b, gridB]),
        (x, y, moved) => {
          expect(moved).toEqual([a, b].sort());
          expect(y[a]!.jointDefenseGroups).toBe(x[a]!.jointDefenseGroups - 1);
          expect(y[b]!.jointDefenseGroups).toBe(x[b]!.jointDefenseGroups + 1);
        },
      ],
      [
        () => c.query(`update joint_defense_group set village_code = $2, grid_code = $3 where id = $1`, [g.id, a, g.grid_code]),
        (x, y, moved) => expect(moved).toEqual([a, b].sort()),
      ],
    );
  });

  it('a patrol team: a name recounts nothing; its kind, its end and a move to another village are in the next read', async () => {
    const t = (
      await c.query<{ id: number; kind: string; grid_code: string }>(
        `select t.id, t.kind, t.grid_code from patrol_team t where t.village_code = $1 and t.ended_at is null and exists (select from patrol_team_member m where m.team_id = t.id)
          order by t.id limit 1`,
        [a],
      )
    ).rows[0]!;
    const other = t.kind === 'MILITIA' ? 'VOLUNTEER' : 'MILITIA';
    const teams = (f: Forces, kind: string) => f.patrolByKind.find((k) => k.kind === kind)?.teams ?? 0;
    await check(
      () => c.query(`update patrol_team set name = name || '·改', version = version + 1 where id = $1`, [t.id]),
      [
        () => c.query(`update patrol_team set kind = $2 where id = $1`, [t.id, other]),
        (x, y, moved) => {
          expect(moved).toEqual([a]);
          expect(teams(y[a]!, other)).toBe(teams(x[a]!, other) + 1);
          expect(teams(y[a]!, t.kind)).toBe(teams(x[a]!, t.kind) - 1);
        },
      ],
      [
        () => c.query(`update patrol_team set village_code = $2, grid_code = $3 where id = $1`, [t.id, b, gridB]),
        (x, y, moved) => {
          expect(moved).toEqual([a, b].sort());
          expect(y[a]!.patrolTeams).toBe(x[a]!.patrolTeams - 1);
          expect(y[b]!.patrolTeams).toBe(x[b]!.patrolTeams + 1);
        },
      ],
      [
        () => c.query(`update patrol_team set ended_at = now(), end_reason = 'REORGANISED', ended_member_ids = '{}' where id = $1`, [t.id]),
        (x, y, moved) => {
          expect(moved).toEqual([b]);
          expect(y[b]!.patrolTeams).toBe(x[b]!.patrolTeams - 1);
        },
      ],
      [
        () =>
          c.query(
            `update patrol_team set village_code = $2, grid_code = $3, kind = $4, ended_at = null, end_reason = null, ended_member_ids = null where id = $1`,
            [t.id, a, t.grid_code, t.kind],
          ),
        (x, y, moved) => expect(moved).toEqual([a, b].sort()),
      ],
    );
  });

  it('a patrol team member: an update that changes nothing recounts nothing; another team in another village is in the next read', async () => {
    const m = (
      await c.query<{ team_id: number; person_id: number; to: number }>(
        `select m.team_id, m.person_id,
                (select t.id from patrol_team t where t.village_code = $2 and t.ended_at is null order by t.id limit 1) as to
           from patrol_team_member m join patrol_team t on t.id = m.team_id
          where m.village_code = $1 and t.ended_at is null
            and not exists (select from patrol_team_member o where o.person_id = m.person_id and o.team_id <> m.team_id)
          order by m.team_id, m.person_id limit 1`,
        [a, b],
      )
    ).rows[0]!;
    expect(m.to).not.toBeNull();
    await check(
      () => c.query(`update patrol_team_member set person_id = person_id, village_code = village_code where team_id = $1`, [m.team_id]),
      [
        () => c.query(`update patrol_team_member set team_id = $3, village_code = $4 where team_id = $1 and person_id = $2`, [m.team_id, m.person_id, m.to, b]),
        (x, y, moved) => {
          expect(moved).toEqual([a, b].sort());
          expect(y[a]!.patrolMembers).toBe(x[a]!.patrolMembers - 1);
          expect(y[b]!.patrolMembers).toBe(x[b]!.patrolMembers + 1);
        },
      ],
      [
        () => c.query(`update patrol_team_member set team_id = $1, village_code = $4 where team_id = $3 and person_id = $2`, [m.team_id, m.person_id, m.to, a]),
        (x, y, moved) => expect(moved).toEqual([a, b].sort()),
      ],
    );
  });
});

describe('an update of patrols, hazards and disputes refreshes the day figures only at a counted change', () => {
  const COUNTY = '623022';
  /** A patrol's day (China time) and the next: the patrol moved from the one to the other. */
  const DAY1 = '2026-11-10';
  const DAY2 = '2026-11-11';
  const YEAR = { from: '2026-01-01', to: '2026-12-31' };
  type Patrols = { patrols: number; hazardsFound: number; hazardsRectified: number };
  type Hazards = { reported: number; open: number; awaitingVerification: number; verified: number };
  type Disputes = { reported: number; resolved: number; declined: number; rehandled: number };
  type Figures = { day1: Patrols; day2: Patrols; hazards: Hazards; disputes: Disputes; grid1: Hazards; grid2: Hazards };
  const PATROLS = 'patrols hazardsFound hazardsRectified';
  const HAZARDS = 'reported open awaitingVerification verified';
  const DISPUTES = 'reported resolved declined rehandled';

  let c: pg.Client;
  let token: string;
  /** A village of the write county with two grids and a patrol team, and those grids. */
  let village: string, grid1: string, grid2: string, team: number;
  beforeAll(async () => {
    c = new pg.Client({ connectionString: inject('dbs').village.migrationUrl });
    await c.connect();
    const { rows } = await c.query<{ code: string; grids: string[]; team: number }>(
      `select v.code, array(select g.code from grid g where g.village_code = v.code order by g.code limit 2) as grids,
              (select min(t.id) from patrol_team t where t.village_code = v.code and t.ended_at is null) as team
         from village v
        where v.county_code = $1 and (select count(*) from grid g where g.village_code = v.code) >= 2
          and exists (select from patrol_team t where t.village_code = v.code and t.ended_at is null)
        order by v.code limit 1`,
      [COUNTY],
    );
    expect(rows).toHaveLength(1);
    ({ code: village, team } = rows[0]!);
    [grid1, grid2] = rows[0]!.grids as [string, string];
    token = await hub.token({ jurisdiction: village, scopes: ['read', 'write', 'pii'] });
  });
  afterAll(() => c?.end());

  /** The village's day figures, and its grids' hazards, read through the gateway. */
  const read = async (): Promise<Figures> => {
    const year = `from: "${YEAR.from}", to: "${YEAR.to}"`;
    const r = await hub.queryAs<{ v: Omit<Figures, 'grid1' | 'grid2'>; g1: { hazards: Hazards }; g2: { hazards: Hazards } }>(
      token,
      `{ v: village(code: "${village}") {
           day1: patrolStats(from: "${DAY1}", to: "${DAY1}") { ${PATROLS} } day2: patrolStats(from: "${DAY2}", to: "${DAY2}") { ${PATROLS} }
           hazards: hazardStats(${year}) { ${HAZARDS} } disputes: disputeStats(${year}) { ${DISPUTES} } }
         g1: grid(code: "${grid1}") { hazards: hazardStats(${year}) { ${HAZARDS} } } g2: grid(code: "${grid2}") { hazards: hazardStats(${year}) { ${HAZARDS} } } }`,
    );
    expect(r.errors).toBeUndefined();
    return { ...r.data!.v, grid1: r.data!.g1.hazards, grid2: r.data!.g2.hazards };
  };

  /** The same figures counted from the raw rows, in one snapshot. */
  const raw = async (): Promise<Figures> => {
    const patrols = (day: string) =>
      `(select jsonb_build_object('patrols', count(*), 'hazardsFound',
               (select count(*) from hazard h where h.village_code = $1 and h.source = 'PATROL' and ${DAY('h.reported_at')} = '${day}'),
               'hazardsRectified', (select count(*) from hazard h where h.village_code = $1 and h.source = 'PATROL' and ${DAY('h.rectified_at')} = '${day}'))
          from patrol p where p.village_code = $1 and ${DAY('p.started_at')} = '${day}')`;
    const hazards = (where: string) =>
      `(select jsonb_build_object('reported', count(*), 'open', count(*) filter (where status in ('REPORTED', 'RECTIFYING')),
               'awaitingVerification', count(*) filter (where status = 'RECTIFIED'), 'verified', count(*) filter (where status = 'VERIFIED'))
          from hazard h where ${where} and ${DAY('h.reported_at')} between $2 and $3)`;
    const { rows } = await c.query<Figures>(
      `select ${patrols(DAY1)} as day1, ${patrols(DAY2)} as day2, ${hazards('h.village_code = $1')} as hazards,
              (select jsonb_build_object('reported', count(*) filter (where status <> 'DECLINED'),
                      'resolved', count(*) filter (where status in ('RESOLVED', 'RATED', 'CLOSED', 'FOLLOWED_UP')),
                      'declined', count(*) filter (where status = 'DECLINED'), 'rehandled', count(*) filter (where rehandled > 0))
                 from dispute d where d.village_code = $1 and ${DAY('d.reported_at')} between $2 and $3) as disputes,
              ${hazards('h.grid_code = $4')} as grid1, ${hazards('h.grid_code = $5')} as grid2`,
      [village, YEAR.from, YEAR.to, grid1, grid2],
    );
    return rows[0]!;
  };

  const version = async () => (await c.query<{ days: string }>(`select days from stats_version where level = 12 and code = $1`, [village])).rows[0]?.days;

  /**
   * Each `quiet` update changes no counted column: the village's `days` version stays and the next read is the one
   * before. Each `counted` change moves it, the next read equals the raw rows, and `expected` is told the reads before
   * and after.
   */
  type Step = [change: () => Promise<unknown>, expected: (before: Figures, after: Figures) => void];
  async function check(quiet: (() => Promise<unknown>)[], ...counted: Step[]) {
    const before = await read();
    expect(before).toEqual(await raw());
    for (const q of quiet) {
      const v0 = await version();
      await q();
      expect(await version()).toBe(v0);
      expect(await read()).toEqual(before);
    }
    for (const [change, expected] of counted) {
      const prior = await read();
      const v0 = await version();
      await change();
      expect(await version()).not.toBe(v0);
      const after = await read();
      expect(after).toEqual(await raw());
      expected(prior, after);
    }
    expect(await mismatches(COUNTY)).toEqual({ days: [], village: [] });
  }

  /** A mutation through the gateway as the village's caller; its one field. */
  async function mutate<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
    const r = await hub.queryAs<Record<string, T>>(token, query, variables);
    expect(r.errors, query).toBeUndefined();
    return Object.values(r.data!)[0]!;
  }

  it('a patrol: its route, team and grid refresh nothing; a move to another day is in the next read', async () => {
    const id = (
      await c.query<{ id: number }>(
        `insert into patrol (team_id, started_at, ended_at, route, participant_ids, village_code, grid_code, county_code)
         values ($1, '${DAY1}T10:00:00+08:00', '${DAY1}T12:00:00+08:00', '村道一圈', '{}', $2, $3, $4) returning id`,
        [team, village, grid1, COUNTY],
      )
    ).rows[0]!.id;
    await check(
      [
        () => c.query(`update patrol set route = route || '·改' where id = $1`, [id]),
        () => c.query(`update patrol set participant_ids = participant_ids, team_id = team_id, grid_code = $2 where id = $1`, [id, grid2]),
      ],
      [
        () => c.query(`update patrol set started_at = started_at + interval '1 day', ended_at = ended_at + interval '1 day' where id = $1`, [id]),
        (x, y) => {
          expect(y.day1.patrols).toBe(x.day1.patrols - 1);
          expect(y.day2.patrols).toBe(x.day2.patrols + 1);
        },
      ],
      [() => c.query(`update patrol set ended_at = ended_at + interval '1 hour' where id = $1`, [id]), () => {}],
    );
  });

  it('a hazard: its description, kind and deadline refresh nothing; a step of its rectification and a move to another grid are in the next read', async () => {
    const FIELDS = 'id version status';
    const h = await mutate<{ id: string; version: number }>(
      `mutation { reportHazard(input: { gridCode: "${grid1}", kind: FIRE, description: "柴草堆放靠近民房", source: GRID_WORKER }) { ${FIELDS} } }`,
    );
    let v = h.version;
    await check(
      [
        () => c.query(`update hazard set description = description || '·改', kind = 'ELECTRICAL', version = version + 1 where id = $1`, [h.id]),
        () => c.query(`update hazard set rectify_by = current_date + 30, location = '村口', version = version + 1 where id = $1`, [h.id]),
      ],
      [
        async () => (v = (await mutate<{ version: number }>(`mutation { startHazardRectification(id: "${h.id}", version: ${v + 2}) { ${FIELDS} } }`)).version),
        () => {},
      ],
      [
        async () => (v = (await mutate<{ version: number }>(`mutation { rectifyHazard(id: "${h.id}", version: ${v}) { ${FIELDS} } }`)).version),
        (x, y) => {
          expect(y.hazards.awaitingVerification).toBe(x.hazards.awaitingVerification + 1);
          expect(y.hazards.open).toBe(x.hazards.open - 1);
        },
      ],
      [
        () => c.query(`update hazard set grid_code = $2 where id = $1`, [h.id, grid2]),
        (x, y) => {
          expect(y.grid1.reported).toBe(x.grid1.reported - 1);
          expect(y.grid2.reported).toBe(x.grid2.reported + 1);
          expect(y.hazards).toEqual(x.hazards);
        },
      ],
    );
  });

  it('a dispute: its summary, its parties and a supervision note refresh nothing; each step of its handling is in the next read', async () => {
    const FIELDS = 'id version status';
    const parties = [
      { name: '甲户', role: 'APPLICANT' },
      { name: '乙户', role: 'RESPONDENT' },
    ];
    const d = await mutate<{ id: string; version: number }>(
      `mutation($i: DisputeInput!, $k: String!) { reportDispute(input: $i, idempotencyKey: $k) { ${FIELDS} } }`,
      {
        k: `rollup-days-${Date.now().toString(36)}`,
        i: { gridCode: grid1, category: 'FOREST_GRASSLAND', scale: 'ORDINARY', source: 'GRID_INSPECTION', summary: '两户因草场边界围栏发生争执', parties },
      },
    );
    let v = d.version;
    const step =
      (mutation: string, args = '') =>
      async () =>
        (v = (await mutate<{ version: number }>(`mutation { ${mutation}(id: "${d.id}", version: ${v}${args}) { ${FIELDS} } }`)).version);
    await check(
      [
        step(
          'correctDispute',
          `, input: { summary: "两户因草场围栏界线发生争执", parties: [{ name: "甲户", role: APPLICANT }, { name: "丙户", role: RESPONDENT }] }, reason: "当事人姓名记错"`,
        ),
        () => c.query(`update dispute set supervision_note = '请尽快联系双方', noted_at = now() where id = $1`, [d.id]),
      ],
      [step('acceptDispute'), () => {}],
      [step('assignDispute', ', assignee: "村人民调解委员会"'), () => {}],
      [
        step('resolveDispute', ', outcome: AGREEMENT'),
        (x, y) => {
          expect(y.disputes.resolved).toBe(x.disputes.resolved + 1);
          expect(y.disputes.reported).toBe(x.disputes.reported);
        },
      ],
    );
  });
});

/**
 * One statement may change rows of several villages at once, and a counted column from NULL to a value or back (a
 * hazard's rectification, a dispute's rating and escalation, a patrol team's end): …97RollupForcesCountedColumns and
 * …98RollupDaysCountedColumns compare a row's counted columns with `is distinct from`, for which NULL and a value
 * differ, so every village such a statement touched is refreshed and its versions move. Each roll-up row is compared
 * with a full recount of its villages, made in a transaction that is rolled back.
 */
describe('a statement over several villages, with NULL ↔ value changes, leaves no roll-up stale', () => {
  const COUNTY = '623022';
  let c: pg.Client;
  beforeAll(async () => {
    c = new pg.Client({ connectionString: inject('dbs').village.migrationUrl });
    await c.connect();
  });
  afterAll(() => c?.end());

  /** The villages' roll-up rows (days and counts) that differ from a full recount of those villages. */
  async function stale(villages: readonly string[]): Promise<{ days: unknown[]; counts: unknown[] }> {
    await c.query('begin');
    try {
      await c.query(`create temp table kept_days on commit drop as select * from village_day_rollup where village_code = any($1)`, [villages]);
      await c.query(`create temp table kept_counts on commit drop as select * from village_rollup where village_code = any($1)`, [villages]);
      await c.query(`select refresh_village_days_unlocked($1)`, [villages]);
      await c.query(`select refresh_village_rollup_unlocked($1)`, [villages]);
      const diff = async (table: string, kept: string) =>
        (
          await c.query(
            `(select 'kept' as side, * from ${kept} except all select 'kept', * from ${table} where village_code = any($1))
             union all (select 'recounted', * from ${table} where village_code = any($1) except all select 'recounted', * from ${kept})`,
            [villages],
          )
        ).rows;
      return { days: await diff('village_day_rollup', 'kept_days'), counts: await diff('village_rollup', 'kept_counts') };
    } finally {
      await c.query('rollback');
    }
  }

  const versions = async (villages: readonly string[]) =>
    (
      await c.query<{ code: string; counts: string; days: string }>(
        `select code, counts, days from stats_version where level = 12 and code = any($1) order by code`,
        [villages],
      )
    ).rows;

  /** Runs `change` (one statement), then asks that none of `villages` is stale and that each one's `kind` version moved. */
  async function changed(villages: readonly string[], kind: 'counts' | 'days', change: () => Promise<unknown>) {
    const before = new Map((await versions(villages)).map((v) => [v.code, v[kind]]));
    await change();
    const after = await versions(villages);
    expect(after.map((v) => v.code)).toEqual([...villages].sort());
    expect(after.filter((v) => v[kind] === before.get(v.code)).map((v) => v.code)).toEqual([]);
    expect(await stale(villages)).toEqual({ days: [], counts: [] });
  }

  /** One row (its id and village) in each of three villages of the county, by `where` on `table`. */
  async function rowsOfThreeVillages(table: string, where: string): Promise<{ ids: (number | string)[]; villages: string[] }> {
    const { rows } = await c.query<{ id: number | string; village_code: string }>(
      `select distinct on (village_code) id, village_code from ${table} where left(village_code, 6) = $1 and ${where} order by village_code, id limit 3`,
      [COUNTY],
    );
    expect(rows).toHaveLength(3);
    return { ids: rows.map((r) => r.id), villages: rows.map((r) => r.village_code) };
  }

  it('hazards rectified and un-rectified, disputes rated and un-escalated, patrol teams ended and back, in one statement each', async () => {
    const h = await rowsOfThreeVillages('hazard', `source = 'PATROL' and rectified_at is null`);
    const hs = (await c.query<{ id: number; status: string }>(`select id, status from hazard where id = any($1)`, [h.ids])).rows;
    await changed(h.villages, 'days', () =>
      c.query(`update hazard set rectified_at = reported_at + interval '1 day', status = 'RECTIFIED' where id = any($1)`, [h.ids]),
    );
    await changed(h.villages, 'days', () =>
      c.query(`update hazard h set rectified_at = null, status = o.status from jsonb_to_recordset($1) o(id int, status text) where h.id = o.id`, [
        JSON.stringify(hs),
      ]),
    );

    const r = await rowsOfThreeVillages('dispute', `rating is null and status <> 'DECLINED'`);
    await changed(r.villages, 'days', () => c.query(`update dispute set rating = 'SATISFIED' where id = any($1)`, [r.ids]));
    await changed(r.villages, 'days', () => c.query(`update dispute set rating = null where id = any($1)`, [r.ids]));

    const e = await rowsOfThreeVillages('dispute', `escalated_to_township_at is not null and status <> 'DECLINED'`);
    const at = (await c.query<{ id: string; at: string }>(`select id, escalated_to_township_at::text as at from dispute where id = any($1)`, [e.ids])).rows;
    await changed(e.villages, 'days', () => c.query(`update dispute set escalated_to_township_at = null where id = any($1)`, [e.ids]));
    await changed(e.villages, 'days', () =>
      c.query(`update dispute d set escalated_to_township_at = o.at::timestamptz from jsonb_to_recordset($1) o(id uuid, at text) where d.id = o.id`, [
        JSON.stringify(at),
      ]),
    );

    const t = await rowsOfThreeVillages('patrol_team', `ended_at is null`);
    await changed(t.villages, 'counts', () =>
      c.query(`update patrol_team set ended_at = now(), end_reason = 'REORGANISED', ended_member_ids = '{}' where id = any($1)`, [t.ids]),
    );
    await changed(t.villages, 'counts', () =>
      c.query(`update patrol_team set ended_at = null, end_reason = null, ended_member_ids = null where id = any($1)`, [t.ids]),
    );
    expect(await mismatches(COUNTY)).toEqual({ village: [], days: [] });
  });
});

/**
 * Every path that changes what the village roll-up counts of residents (docs/ARCHITECTURE.md, "Cached statistics"):
 * an insert adds its new residents to their village's row (…094RollupOnlyWhatChanged), any other change of a person,
 * household or other counted row recounts the villages it touched, an import adds its own deltas
 * (store/import.ts). Whatever the order and whoever writes at once, the rows must equal a count of the raw facts.
 */
describe('the village roll-up of residents, by every path that changes it', () => {
  const COUNTY = '623022';

  /** Villages of the county whose tag counts differ from a count of their current residents' tags, tag by tag. */
  async function tagMismatches(county: string): Promise<unknown[]> {
    const c = new pg.Client({ connectionString: inject('dbs').village.migrationUrl });
    await c.connect();
    try {
      const { rows } = await c.query(
        `select v.code, r.tags as rolled,
                (select coalesce(jsonb_object_agg(tag, n), '{}') from (select tag, count(*)::int as n from person p, unnest(p.tags) as tag
                  where p.village_code = v.code and p.status = 'ACTIVE' group by 1) x) as counted
           from village v left join village_rollup r on r.village_code = v.code
          where v.county_code = $1
            and r.tags is distinct from (select coalesce(jsonb_object_agg(tag, n), '{}') from (select tag, count(*)::int as n from person p, unnest(p.tags) as tag
                  where p.village_code = v.code and p.status = 'ACTIVE' group by 1) x)`,
        [county],
      );
      return rows;
    } finally {
      await c.end();
    }
  }
  const agree = async (step: string) => {
    expect({ step, ...(await mismatches(COUNTY)), tags: await tagMismatches(COUNTY) }).toEqual({ step, village: [], days: [], tags: [] });
  };

  /** Two villages of the county with a grid each (the second village's grid for moves). */
  async function villages(q: (query: string) => Promise<{ data?: unknown }>): Promise<{ code: string; grid: string }[]> {
    const r = (await q(`{ villages(within: "${COUNTY}") { code grids { code } } }`)).data as { villages: { code: string; grids: { code: string }[] }[] };
    return r.villages.filter((v) => v.grids.length).map((v) => ({ code: v.code, grid: v.grids[0]!.code }));
  }

  it('through the forms and a file: a resident heading a new household, moved, retagged, dead, reinstated elsewhere, moved out, a household moved, a file moving and registering', async () => {
    const w = await hub.token({ jurisdiction: COUNTY, scopes: ['read', 'write', 'pii'], subject: 'rollup-paths' });
    const q = <T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>) => hub.dataAs<T>(w, query, variables);
    const vs = await villages((query) => hub.queryAs(w, query));
    const [a, b, c] = [vs[3]!, vs[4]!, vs[5]!];
    type Versioned = { id: string; version: number };
    const person = (seq: number, grid: string, extra: Record<string, unknown> = {}) =>
      q<{ registerPerson: Versioned }>(`mutation($i: PersonInput!) { registerPerson(input: $i) { id version } }`, {
        i: {
          name: '卷积路径',
          idNumber: makeCitizenId(COUNTY, '1948-08-08', seq),
          ethnicity: '回族',
          residency: 'FLOATING',
          gridCode: grid,
          tags: ['LEFT_BEHIND_ELDERLY', 'EXTREME_POVERTY'],
          ...extra,
        },
      });
    const version = async (id: string) => (await q<{ person: { version: number } }>(`{ person(id: "${id}") { version } }`)).person.version;

    // A household registered without a head: its first resident becomes the head in the statement that inserts them.
    const household = (
      await q<{ registerHousehold: Versioned }>(`mutation($i: HouseholdInput!) { registerHousehold(input: $i) { id version } }`, {
        i: { gridCode: a.grid, number: `R${Date.now() % 1_000_000}` },
      })
    ).registerHousehold;
    const head = (await person(501, a.grid, { householdId: household.id, relationshipToHead: 'HEAD' })).registerPerson;
    await agree('registered heading a new household');
    const member = (await person(502, a.grid, { householdId: household.id, relationshipToHead: 'SPOUSE' })).registerPerson;
    await agree('registered into a household with a head');
    const p = (await person(503, a.grid)).registerPerson;
    await agree('registered alone');
    await q(`mutation { updatePerson(id: "${p.id}", version: ${p.version}, input: { gridCode: "${b.grid}", residency: REGISTERED }) { id } }`);
    await agree('moved to another village');
    await q(`mutation { untagPerson(id: "${p.id}", tags: [EXTREME_POVERTY]) { id } }`);
    await q(`mutation { tagPerson(id: "${p.id}", tags: [RELEASED_PRISONER]) { id } }`);
    await agree('retagged');
    await q(`mutation { deregisterPerson(id: "${p.id}", version: ${await version(p.id)}, reason: DIED) { id } }`);
    await agree('died');
    await q(`mutation { reinstatePerson(id: "${p.id}", version: ${await version(p.id)}, gridCode: "${c.grid}") { id } }`);
    await agree('reinstated in a third village');
    await q(`mutation { deregisterPerson(id: "${member.id}", version: ${await version(member.id)}, reason: MOVED_OUT) { id } }`);
    await agree('moved out');
    const hh = await q<{ household: { version: number; head: { id: string } | null } }>(`{ household(id: "${household.id}") { version head { id } } }`);
    // The first resident registered into it heads it: the insert and the household's change were one statement.
    expect(hh.household.head?.id).toBe(head.id);
    await q(`mutation { moveHousehold(id: "${household.id}", version: ${hh.household.version}, input: { gridCode: "${b.grid}" }) { id } }`);
    await agree('household moved with its head');
    // A file's rows: one moves the resident back to the first village, one registers a new resident in the second.
    const file = [
      'id_number,name,ethnicity,residency,grid_code,tags',
      `${makeCitizenId(COUNTY, '1948-08-08', 503)},卷积路径,回族,FLOATING,${a.grid},EXTREME_POVERTY`,
      `${makeCitizenId(COUNTY, '1948-08-08', 504)},卷积路径,回族,FLOATING,${b.grid},LEFT_BEHIND_ELDERLY`,
    ].join('\n');
    expect((await postImport(hub.gatewayUrl, w, 'residents', file, `rollup-paths-${Date.now()}`)).done).toMatchObject({ inserted: 1, updated: 1, rejected: 0 });
    await agree('a file moving one resident and registering another');
  });

  it('when forms and an import write residents of one village at once, and residents die meanwhile', async () => {
    const forms = await Promise.all([0, 1].map((i) => hub.token({ jurisdiction: COUNTY, scopes: ['read', 'write', 'pii'], subject: `rollup-race-${i}` })));
    const importer = await hub.token({ jurisdiction: COUNTY, scopes: ['read', 'write', 'pii'], subject: 'rollup-race-import' });
    const vs = await villages((query) => hub.queryAs(forms[0]!, query));
    const v = vs[6]!;
    const living = await hub.dataAs<{ village: { residents: Nodes<{ id: string; version: number }> } }>(
      forms[0]!,
      `{ village(code: "${v.code}") { residents(first: 10) { nodes { id version } } } }`,
    );
    const register = (writer: string, seq: number, residency: string) =>
      hub.queryAs(writer, `mutation($i: PersonInput!) { registerPerson(input: $i) { id } }`, {
        i: {
          name: '并发卷积',
          idNumber: makeCitizenId(COUNTY, '1949-09-09', seq),
          ethnicity: '汉族',
          residency,
          gridCode: v.grid,
          tags: ['EXTREME_POVERTY'],
        },
      });
    const file = [
      'id_number,name,ethnicity,residency,grid_code,tags',
      ...Array.from({ length: 20 }, (_, i) => `${makeCitizenId(COUNTY, '1950-10-10', 600 + i)},导入卷积${i},汉族,FLOATING,${v.grid},EXTREME_POVERTY`),
    ].join('\n');
    const results = await Promise.all([
      ...Array.from({ length: 20 }, (_, i) => register(forms[0]!, 600 + i, 'FLOATING')),
      ...Array.from({ length: 20 }, (_, i) => register(forms[1]!, 700 + i, 'REGISTERED')),
      ...living.village.residents.nodes.map((r, i) =>
        hub.queryAs(forms[i % 2]!, `mutation { deregisterPerson(id: "${r.id}", version: ${r.version}, reason: DIED) { id } }`),
      ),
      postImport(hub.gatewayUrl, importer, 'residents', file, `rollup-race-${Date.now()}`),
    ]);
    const graphql = results.slice(0, -1) as { errors?: { message: string; extensions?: { code?: string } }[] }[];
    // A resident deregistered while their household changed may be refused as changed meanwhile; nothing else.
    for (const r of graphql) if (r.errors) expect(r.errors[0]!.extensions?.code, r.errors[0]!.message).toBe('CONFLICT');
    expect(graphql.slice(0, 40).filter((r) => r.errors)).toEqual([]);
    expect((results.at(-1) as Awaited<ReturnType<typeof postImport>>).done).toMatchObject({ inserted: 20, rejected: 0 });
    await agree('after 40 registrations, 10 deaths and an import of 20 at once');
  }, 120_000);

  it('when two connections insert, move, delete and roll back residents of one village at once', async () => {
    // As a superuser on the village database: a DELETE, an insert into several villages in one statement and a
    // village without a roll-up row yet are written by no form, only by SQL.
    const url = new URL(inject('adminUrl'));
    url.pathname = new URL(inject('dbs').village.migrationUrl).pathname;
    const [c1, c2] = [new pg.Client({ connectionString: url.toString() }), new pg.Client({ connectionString: url.toString() })];
    await Promise.all([c1.connect(), c2.connect()]);
    const begin = (c: pg.Client) => c.query(`begin; select set_config('hub.actor', '测试', true), set_config('hub.subject', 'test-rollup', true)`);
    try {
      const vs = (
        await c1.query<{ code: string }>(
          `select code from village v where county_code = $1 and exists (select from grid g where g.village_code = v.code) order by code`,
          [COUNTY],
        )
      ).rows.map((r) => r.code);
      const [v, w, x] = [vs[7]!, vs[8]!, vs[9]!];
      const source = (
        await c1.query<{ id: number }>(`select id from person where status = 'ACTIVE' and tags <> '{}' and village_code = $1 order by id limit 1`, [v])
      ).rows[0]!.id;
      let seq = 0;
      /** Inserts copies of the source resident into the grids' first grid of each village given, one statement. */
      const insert = (c: pg.Client, villages: string[]) =>
        c.query<{ id: number }>(
          `insert into person (id_number, name, gender, birth_date, ethnicity, residency, tags, village_code, grid_code, county_code)
           select n.id_number, p.name, p.gender, p.birth_date, p.ethnicity, p.residency, p.tags, g.village_code, g.code, p.county_code
             from person p, unnest($2::text[], $3::text[]) as n(village, id_number)
             join lateral (select village_code, code from grid where village_code = n.village order by code limit 1) g on true
            where p.id = $1
           returning id`,
          [source, villages, villages.map(() => makeCitizenId(COUNTY, '1952-12-12', 100 + seq++))],
        );
      const made: number[] = [];

      // 20 rounds of two transactions writing residents of the same village at once, the second waiting for the
      // first's county lock: two inserts, or a recount first (a resident of the village moved out, which counts the
      // village again) and an insert adding to the row it rewrote; the first rolled back every fifth round.
      const stayers = (
        await c1.query<{ id: number }>(
          `select id from person where status = 'ACTIVE' and village_code = $1 and household_id is null order by id desc limit 20`,
          [v],
        )
      ).rows.map((r) => r.id);
      for (let round = 0; round < 20; round++) {
        const [first, second] = round % 2 ? [c2, c1] : [c1, c2];
        await begin(first);
        await begin(second);
        const recount = round % 3 === 2 && stayers.length > 0;
        const a = recount
          ? await first.query<{ id: number }>(
              `update person set village_code = $2, grid_code = (select code from grid where village_code = $2 order by code limit 1)
                where id = $1 returning null::int as id`,
              [stayers.pop(), w],
            )
          : await insert(first, [v]);
        const b = insert(second, [v]);
        if (round % 5 === 4) await first.query('rollback');
        else {
          await first.query('commit');
          if (!recount) made.push(...a.rows.map((r) => r.id));
        }
        made.push(...(await b).rows.map((r) => r.id));
        await second.query('commit');
      }
      await agree('after 2×20 writes racing into one village');

      // In one transaction: inserted, then moved to another village; inserted, then deregistered; inserted, then
      // deleted; inserted after a savepoint rolled back.
      await begin(c1);
      const moved = (await insert(c1, [v])).rows[0]!.id;
      await c1.query(
        `update person p set village_code = g.village_code, grid_code = g.code from (select village_code, code from grid where village_code = $2 order by code limit 1) g where p.id = $1`,
        [moved, w],
      );
      const dead = (await insert(c1, [v])).rows[0]!.id;
      await c1.query(`update person set status = 'DEREGISTERED', deregistered_at = now(), deregistration_reason = 'DIED' where id = $1`, [dead]);
      const deleted = (await insert(c1, [v])).rows[0]!.id;
      await c1.query(`delete from person where id = $1`, [deleted]);
      await c1.query('savepoint s');
      await insert(c1, [v, w]);
      await c1.query('rollback to savepoint s');
      await c1.query('commit');
      made.push(moved, dead);
      await agree('after an insert moved, deregistered, deleted and rolled back to a savepoint in one transaction');

      // One statement into three villages, one of which has no roll-up row yet, while another connection inserts
      // into the same villages.
      await begin(c1);
      await c1.query(`delete from village_rollup where village_code = $1`, [x]);
      const several = await insert(c1, [v, w, x, x]);
      await begin(c2);
      const racing = insert(c2, [x, w]);
      await c1.query('commit');
      made.push(...several.rows.map((r) => r.id), ...(await racing).rows.map((r) => r.id));
      await c2.query('commit');
      await agree('after one statement into three villages, one without a roll-up row, and another racing it');

      // Deleted again, from two connections at once.
      const half = Math.floor(made.length / 2);
      await begin(c1);
      await begin(c2);
      await c1.query(`delete from person where id = any($1)`, [made.slice(0, half)]);
      const other = c2.query(`delete from person where id = any($1)`, [made.slice(half)]);
      await c1.query('commit');
      await other;
      await c2.query('commit');
      await agree('after the inserted residents were deleted from two connections at once');
    } finally {
      for (const c of [c1, c2]) {
        await c.query('rollback').catch(() => undefined);
        await c.end();
      }
    }
  }, 120_000);
});
