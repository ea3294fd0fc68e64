import pg from 'pg';
import { inject, afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCitizenId } from '../domain/citizen-id.ts';
import { startHub, type Nodes, type TestHub } from './helpers/hub.ts';
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
});
