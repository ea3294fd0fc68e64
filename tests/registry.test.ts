import { inject, afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { makeCitizenId } from '../domain/citizen-id.ts';
import { postImport, postJson, startHub, type Counted, type GraphQLResponse, type Nodes, type TestHub } from './helpers/hub.ts';

let hub: TestHub;
beforeAll(async () => {
  hub = await startHub();
});
afterAll(() => hub?.stop());

const SEED = ['623021', '632223', '510311', '440514', '513328'];
const FIGURES = `population { residents households floating houses addresses byTag { tag count } }
  forces { grids gridWorkers gridsFullyStaffed jointDefenseGroups householdsInGroups patrolTeams patrolMembers }
  patrolStats(from: "2025-10-01", to: "2026-09-30") { patrols patrolHours hazardsFound hazardsRectified }
  disputeStats(from: "2025-10-01", to: "2026-09-30") { reported resolved resolvedAtVillage resolvedAtTownship resolvedAtCounty escalatedToTownship escalatedToCounty open overdue }`;

const GROUPS = ['population', 'forces', 'patrolStats', 'disputeStats'] as const;
type Group = (typeof GROUPS)[number];
interface TagCount {
  tag: string;
  count: number;
}
/** One division's figures as FIGURES selects them: numbers, and population.byTag as a list. */
type Figures = Record<Group, Record<string, number | TagCount[]>>;
/** Figures added up field by field, byTag keyed by tag. */
type Sums = Record<Group, { byTag?: Record<string, number>; [field: string]: number | Record<string, number> | undefined }>;
/** A division with its figures, as `{ code ${FIGURES} }` selects it. */
type WithFigures = Figures & { code: string };

/** Adds up figure objects field by field (byTag by tag). */
function sum(list: readonly Figures[]): Sums {
  const out: Sums = { population: {}, forces: {}, patrolStats: {}, disputeStats: {} };
  for (const item of list) {
    for (const group of GROUPS) {
      const into = out[group];
      for (const [k, v] of Object.entries(item[group])) {
        if (k === 'byTag') {
          const byTag = (into.byTag ??= {});
          for (const t of v as TagCount[]) byTag[t.tag] = (byTag[t.tag] ?? 0) + t.count;
        } else into[k] = ((into[k] as number | undefined) ?? 0) + (v as number);
      }
    }
  }
  return out;
}
const norm = (item: Figures) => sum([item]);

describe('registry statistics', () => {
  it('临潭县 has the seeds’ real scale', async () => {
    type Population = { residents: number; households: number; houses: number; addresses: number };
    type Forces = { grids: number; jointDefenseGroups: number; householdsInGroups: number; householdCoverage: number; gridsFullyStaffed: number };
    const r = await hub.query<{ county: { population: Population; forces: Forces } }>(
      `{ county(code: "623021") { population { residents households houses addresses } forces { grids jointDefenseGroups householdsInGroups householdCoverage gridsFullyStaffed } } }`,
    );
    expect(r.errors).toBeUndefined();
    const { population, forces } = r.data!.county;
    expect(population.residents).toBeGreaterThanOrEqual(140_000);
    expect(population.houses).toBeGreaterThanOrEqual(50_000);
    expect(population.addresses).toBeGreaterThanOrEqual(30_000);
    expect(forces.grids).toBe(770);
    expect(forces.jointDefenseGroups).toBe(1995);
    expect(forces.householdsInGroups).toBeGreaterThan(0);
    expect(forces.householdCoverage).toBeCloseTo(forces.householdsInGroups / population.households, 10);
    expect(forces.gridsFullyStaffed).toBeGreaterThan(700);
  });

  it.each(SEED)('county %s equals the sum of its townships, and each township the sum of its villages', async (code) => {
    type County = WithFigures & { townships: (WithFigures & { villages: WithFigures[] })[] };
    const r = await hub.query<{ county: County }>(`{ county(code: "${code}") { ${FIGURES} townships { code ${FIGURES} villages { code ${FIGURES} } } } }`);
    expect(r.errors).toBeUndefined();
    const county = r.data!.county;
    expect(norm(county)).toEqual(sum(county.townships));
    for (const t of county.townships) expect(norm(t), t.code).toEqual(sum(t.villages));
    expect(county.population.residents).toBeGreaterThan(0);
  });

  it('the province and prefecture add up their counties', async () => {
    type Some = { population: { residents: number }; forces: { grids: number } };
    const r = await hub.query<{ region: Some; county: Some; zhuoni: Pick<Some, 'population'> }>(
      `{ region(code: "6230") { ${FIGURES} } county(code: "623021") { ${FIGURES} } zhuoni: county(code: "623022") { population { residents } } }`,
    );
    expect(r.errors).toBeUndefined();
    // 甘南州 holds 临潭县 and 卓尼县 (the test suite's write county, whose figures move while tests write).
    const { region, county, zhuoni } = r.data!;
    expect(region.forces.grids).toBeGreaterThan(county.forces.grids);
    expect(region.population.residents).toBeGreaterThanOrEqual(county.population.residents + zhuoni.population.residents - 50);
  });
});

describe('registry queries are batched', () => {
  it('a page of residents with household { members } costs the same for 5 as for 200', async () => {
    const q = `query($n: Int!) { village(code: "440514001001") { residents(first: $n) { totalCount nodes { name idNumber household { number head { name } members { name } jointDefenseGroup { name leader { name } } } address { text } grid { code } } } } }`;
    // Warm-up with the larger page: the first use of a pooled connection costs a session statement.
    await hub.query(q, { n: 200 });
    type Residents = GraphQLResponse<{ village: { residents: Nodes<unknown> & Counted } }>;
    let small: Residents | undefined;
    let large: Residents | undefined;
    const a = await hub.countStatements(async () => (small = await hub.query(q, { n: 5 })));
    const b = await hub.countStatements(async () => (large = await hub.query(q, { n: 200 })));
    expect(small!.errors).toBeUndefined();
    expect(large!.data!.village.residents.nodes.length).toBe(Math.min(200, large!.data!.village.residents.totalCount));
    expect(large!.data!.village.residents.nodes.length).toBeGreaterThan(100);
    expect(b).toBe(a);
  });

  it('statistics for every village of a county cost the same as for a few', async () => {
    const q = (w: string) => `{ villages(within: "${w}") { code ${FIGURES} residents(first: 2) { nodes { name } } } }`;
    await hub.query(q('440514'));
    await hub.query(q('632223'));
    const a = await hub.countStatements(() => hub.query(q('632223')));
    const b = await hub.countStatements(() => hub.query(q('440514')));
    expect(b).toBe(a);
  });

  it('filters residents by tag, residency, name and age', async () => {
    type Residents<T> = Nodes<T> & Counted;
    type Village = {
      all: Counted;
      elderly: Residents<{ age: number }>;
      young: Nodes<{ age: number }>;
      floating: Nodes<{ residency: string; idNumber: string }>;
      tagged: Nodes<{ tags: string[] }>;
    };
    const r = await hub.query<{ village: Village }>(`{ village(code: "623021200201") {
      all: residents { totalCount }
      elderly: residents(filter: { minAge: 65 }, first: 500) { totalCount nodes { age } }
      young: residents(filter: { maxAge: 17 }, first: 500) { nodes { age } }
      floating: residents(filter: { residency: FLOATING }, first: 500) { nodes { residency idNumber } }
      tagged: residents(filter: { tags: [LEFT_BEHIND_ELDERLY, LEFT_BEHIND_CHILD] }, first: 500) { nodes { tags } }
    } }`);
    expect(r.errors).toBeUndefined();
    const v = r.data!.village;
    expect(v.elderly.totalCount).toBeLessThan(v.all.totalCount);
    for (const p of v.elderly.nodes) expect(p.age).toBeGreaterThanOrEqual(65);
    for (const p of v.young.nodes) expect(p.age).toBeLessThanOrEqual(17);
    for (const p of v.floating.nodes) {
      expect(p.residency).toBe('FLOATING');
      expect(p.idNumber.slice(0, 6)).not.toBe('623021');
    }
    for (const p of v.tagged.nodes) expect(p.tags.some((t) => t.startsWith('LEFT_BEHIND'))).toBe(true);
    // An emptied name box is no filter; a name past 50 characters is refused.
    const byName = (name: string) =>
      hub.query<{ village: { residents: { totalCount: number } } }>(
        `{ village(code: "623021200201") { residents(filter: { name: "${name}" }) { totalCount } } }`,
      );
    const everyone = await hub.query<{ village: { residents: { totalCount: number } } }>(`{ village(code: "623021200201") { residents { totalCount } } }`);
    expect((await byName('')).data!.village.residents.totalCount).toBe(everyone.data!.village.residents.totalCount);
    expect((await byName('名'.repeat(51))).errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
  });

  it('pages residents on their own cursors and refuses another list’s cursor of the same shape (a household id)', async () => {
    type Page = { totalCount: number; pageInfo: { endCursor: string }; nodes: { id: string }[] };
    const first = await hub.query<{ village: { residents: Page; households: Page } }>(`{ village(code: "623021200201") {
      residents(first: 3) { totalCount pageInfo { endCursor } nodes { id } }
      households(first: 3) { totalCount pageInfo { endCursor } nodes { id } } } }`);
    expect(first.errors).toBeUndefined();
    const v = first.data!.village;
    const next = await hub.query<{ village: { residents: Page } }>(
      `query($a: String) { village(code: "623021200201") { residents(first: 3, after: $a) { nodes { id } } } }`,
      { a: v.residents.pageInfo.endCursor },
    );
    expect(next.errors).toBeUndefined();
    const ids = [...v.residents.nodes, ...next.data!.village.residents.nodes].map((p) => Number(p.id));
    expect(new Set(ids).size).toBe(6);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    // Both lists are ordered by id, so a household's cursor held a key the residents list could read.
    const crossed = await hub.query(`query($a: String) { village(code: "623021200201") { residents(first: 3, after: $a) { nodes { id } } } }`, {
      a: v.households.pageInfo.endCursor,
    });
    expect(crossed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(crossed.errors?.[0]?.message).toMatch(/is not a cursor returned by this field/);
  });
});

/** Direct SQL as the table owner, to check what was (not) written. */
async function ownerCount(sql: string, params: unknown[] = []): Promise<number> {
  const c = new pg.Client({ connectionString: inject('dbs').village.migrationUrl });
  await c.connect();
  try {
    return Number((await c.query(sql, params)).rows[0].n);
  } finally {
    await c.end();
  }
}

describe('registry writes (in 卓尼县)', () => {
  const grid = '623022100001001';
  let seq = 0;
  const freshId = (birth = '1990-05-17', male = true) => makeCitizenId('623022', birth, 900 + (male ? 1 : 0) + 2 * (seq++ % 40));

  it('registers a person, reading sex and birth date from the ID number', async () => {
    const id = freshId('1988-03-09', false);
    const r = await hub.query<{ registerPerson: unknown }>(
      `mutation($i: PersonInput!) { registerPerson(input: $i) { id name gender birthDate idNumber village { code } version } }`,
      { i: { name: '测试甲', idNumber: id, ethnicity: '藏族', residency: 'REGISTERED', gridCode: grid, phone: '13800001111' } },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.registerPerson).toMatchObject({ gender: 'FEMALE', birthDate: '1988-03-09', idNumber: id, village: { code: '623022100001' }, version: 1 });
    const again = await hub.query(`mutation($i: PersonInput!) { registerPerson(input: $i) { id } }`, {
      i: { name: '测试乙', idNumber: id, ethnicity: '汉族', residency: 'REGISTERED', gridCode: grid },
    });
    expect(again.errors![0]!.extensions!.code).toBe('CONFLICT');
  });

  it.each([
    [
      'a wrong check character',
      () => {
        const id = freshId();
        return id.slice(0, 17) + (id[17] === '0' ? '1' : '0');
      },
      'check character',
    ],
    ['a birth date of 1990-02-30', () => '623022199002301234', 'not a real date'],
    ['17 characters', () => '62302219900517123', '18 characters'],
  ])('refuses an ID number with %s and writes nothing', async (_, make, rule) => {
    const idNumber = make();
    const before = await ownerCount(`select count(*) as n from person where village_code = '623022100001'`);
    const r = await hub.query(`mutation($i: PersonInput!) { registerPerson(input: $i) { id } }`, {
      i: { name: '测试丙', idNumber, ethnicity: '汉族', residency: 'REGISTERED', gridCode: grid },
    });
    expect(r.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(r.errors![0]!.message).toContain(rule);
    expect(await ownerCount(`select count(*) as n from person where village_code = '623022100001'`)).toBe(before);
  });

  it('refuses a stale version with CONFLICT and keeps the newer write', async () => {
    const p = await hub.query<{ registerPerson: { id: string; version: number } }>(`mutation($i: PersonInput!) { registerPerson(input: $i) { id version } }`, {
      i: { name: '测试丁', idNumber: freshId(), ethnicity: '汉族', residency: 'REGISTERED', gridCode: grid },
    });
    const { id } = p.data!.registerPerson;
    const first = await hub.query(`mutation { updatePerson(id: "${id}", version: 1, input: { name: "测试丁一" }) { name version } }`);
    expect(first.data!.updatePerson).toEqual({ name: '测试丁一', version: 2 });
    const stale = await hub.query(`mutation { updatePerson(id: "${id}", version: 1, input: { name: "测试丁二" }) { name } }`);
    expect(stale.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', currentVersion: 2, argument: 'version' });
    expect(stale.errors![0]!.message).toBe('version is not the current version: the record has changed since it was read; read it again and retry');
    // A version the record never had: told so, by form and by file alike.
    const ahead = await hub.query(`mutation { updatePerson(id: "${id}", version: 5, input: { name: "测试丁二" }) { name } }`);
    expect(ahead.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', currentVersion: 2, argument: 'version', rule: 'versionAhead' });
    expect(ahead.errors![0]!.message).toBe("version is ahead of the record's version: not a version you read; read it again and retry");
    const file = await postImport(
      hub.gatewayUrl,
      await hub.token({ jurisdiction: '623022', scopes: ['read', 'write'] }),
      'residents',
      `id,version,name\n${id},5,测试丁二\n`,
      `ahead-${id}`,
    );
    expect(file.rejects.map((r) => [r.field, r.code, r.reason])).toEqual([
      ['version', 'CONFLICT', "version is ahead of the record's version: not a version you read; read it again and retry"],
    ]);
    const now = await hub.query(`{ person(id: "${id}") { name version } }`);
    expect(now.data!.person).toEqual({ name: '测试丁一', version: 2 });
  });

  it('lets a grid’s own token (a 网格员) read and change its grid’s residents by id, and no other grid’s', async () => {
    const worker = await hub.token({ jurisdiction: grid, scopes: ['read', 'write'], subject: 'grid-worker' });
    const made = await hub.queryAs<{ registerPerson: { id: string } }>(worker, `mutation($i: PersonInput!) { registerPerson(input: $i) { id } }`, {
      i: { name: '测试网格', idNumber: freshId('1979-04-02'), ethnicity: '汉族', residency: 'REGISTERED', gridCode: grid },
    });
    expect(made.errors).toBeUndefined();
    const id = made.data!.registerPerson.id;
    const read = await hub.queryAs<{ person: { name: string; grid: { code: string } } | null }>(worker, `{ person(id: "${id}") { name grid { code } } }`);
    expect(read.data!.person).toEqual({ name: '测试网格', grid: { code: grid } });
    const changed = await hub.queryAs<{ updatePerson: { name: string } }>(
      worker,
      `mutation { updatePerson(id: "${id}", version: 1, input: { name: "测试网格一" }) { name } }`,
    );
    expect(changed.errors).toBeUndefined();
    expect(changed.data!.updatePerson.name).toBe('测试网格一');
    // A resident of the village's other grid is not this worker's: it looks like a missing one.
    const other = await hub.query<{ registerPerson: { id: string } }>(`mutation($i: PersonInput!) { registerPerson(input: $i) { id } }`, {
      i: { name: '测试邻格', idNumber: freshId('1979-04-03'), ethnicity: '汉族', residency: 'REGISTERED', gridCode: '623022100001002' },
    });
    expect(other.errors).toBeUndefined();
    const theirs = await hub.queryAs(worker, `{ person(id: "${other.data!.registerPerson.id}") { name } }`);
    expect(theirs.data!.person).toBeNull();
    const untouched = await hub.queryAs(
      worker,
      `mutation { updatePerson(id: "${other.data!.registerPerson.id}", version: 1, input: { name: "改" }) { name } }`,
    );
    expect(untouched.errors![0]!.extensions!.code).toBe('NOT_FOUND');
  });

  it('tags and untags a person', async () => {
    const p = await hub.query<{ registerPerson: { id: string } }>(`mutation($i: PersonInput!) { registerPerson(input: $i) { id } }`, {
      i: { name: '测试戊', idNumber: freshId('1950-01-01'), ethnicity: '汉族', residency: 'REGISTERED', gridCode: grid, tags: ['LEFT_BEHIND_ELDERLY'] },
    });
    const id = p.data!.registerPerson.id;
    const t = await hub.query<{ tagPerson: { tags: string[] } }>(`mutation { tagPerson(id: "${id}", tags: [EXTREME_POVERTY, LEFT_BEHIND_ELDERLY]) { tags } }`);
    expect(t.data!.tagPerson.tags).toEqual(['EXTREME_POVERTY', 'LEFT_BEHIND_ELDERLY']);
    const u = await hub.query<{ untagPerson: { tags: string[] } }>(`mutation { untagPerson(id: "${id}", tags: [LEFT_BEHIND_ELDERLY]) { tags } }`);
    expect(u.data!.untagPerson.tags).toEqual(['EXTREME_POVERTY']);
  });

  it('keeps a household in at most one joint-defense group (CONFLICT), with a leader who lives in it', async () => {
    type Household = { id: string; head: { id: string } | null; jointDefenseGroup: { id: string } | null };
    const v = await hub.query<{ village: { households: Nodes<Household> } }>(
      `{ village(code: "623022100001") { households(first: 200) { nodes { id head { id } jointDefenseGroup { id } } } } }`,
    );
    const households = v.data!.village.households.nodes;
    const grouped = households.find((h) => h.jointDefenseGroup);
    const free = households.filter((h) => !h.jointDefenseGroup && h.head);
    expect(grouped).toBeDefined();
    expect(free.length).toBeGreaterThanOrEqual(3);
    const before = await ownerCount(`select count(*) as n from joint_defense_group where village_code = '623022100001'`);
    const clash = await hub.query(`mutation($i: JointDefenseGroupInput!) { createJointDefenseGroup(input: $i) { id } }`, {
      i: { gridCode: grid, name: '测试联防组', householdIds: [free[0]!.id, grouped!.id], leaderId: free[0]!.head!.id },
    });
    expect(clash.errors![0]!.extensions!.code).toBe('CONFLICT');
    expect(await ownerCount(`select count(*) as n from joint_defense_group where village_code = '623022100001'`)).toBe(before);
    const badLeader = await hub.query(`mutation($i: JointDefenseGroupInput!) { createJointDefenseGroup(input: $i) { id } }`, {
      i: { gridCode: grid, name: '测试联防组', householdIds: [free[0]!.id], leaderId: free[1]!.head!.id },
    });
    expect(badLeader.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    // A malformed household id is named by the list argument the caller sent (householdIds), not one it has not.
    const badId = await hub.query(`mutation($i: JointDefenseGroupInput!) { createJointDefenseGroup(input: $i) { id } }`, {
      i: { gridCode: grid, name: '测试联防组', householdIds: [free[0]!.id, 'abc'], leaderId: free[0]!.head!.id },
    });
    expect(badId.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'householdIds', rule: 'recordId' });
    type Group = { id: string; version: number; leader: { id: string }; households: { id: string }[] };
    const ok = await hub.query<{ createJointDefenseGroup: Group }>(
      `mutation($i: JointDefenseGroupInput!) { createJointDefenseGroup(input: $i) { id version leader { id } households { id } } }`,
      { i: { gridCode: grid, name: '测试联防组', householdIds: [free[0]!.id, free[1]!.id], leaderId: free[1]!.head!.id } },
    );
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.createJointDefenseGroup.households.map((h) => h.id).sort()).toEqual([free[0]!.id, free[1]!.id].sort());
    const g = ok.data!.createJointDefenseGroup;
    const add = await hub.query(`mutation { assignHouseholdsToGroup(groupId: "${g.id}", version: ${g.version}, householdIds: ["${grouped!.id}"]) { id } }`);
    expect(add.errors![0]!.extensions!.code).toBe('CONFLICT');
    const addBad = await hub.query(`mutation { assignHouseholdsToGroup(groupId: "${g.id}", version: ${g.version}, householdIds: ["-3"]) { id } }`);
    expect(addBad.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'householdIds', rule: 'recordId' });
    const add2 = await hub.query<{ assignHouseholdsToGroup: Pick<Group, 'households'> }>(
      `mutation { assignHouseholdsToGroup(groupId: "${g.id}", version: ${g.version}, householdIds: ["${free[2]!.id}"]) { households { id } } }`,
    );
    expect(add2.data!.assignHouseholdsToGroup.households).toHaveLength(3);
  });

  it('lets a grid worker form and change a 十户联防 group of its own grid’s households, and no other grid’s', async () => {
    type Household = { id: string; head: { id: string } | null; jointDefenseGroup: { id: string } | null; grid: { code: string } };
    // A village of several grids that the other tests here leave alone.
    const villages = await hub.query<{ villages: { code: string; grids: { code: string }[] }[] }>(`{ villages(within: "623022") { code grids { code } } }`);
    const village = villages.data!.villages.find((x) => x.grids.length > 1 && !['623022100001', '623022100002'].includes(x.code))!.code;
    const v = await hub.query<{ village: { households: Nodes<Household> } }>(
      `{ village(code: "${village}") { households(first: 500) { nodes { id head { id } jointDefenseGroup { id } grid { code } } } } }`,
    );
    const free = v.data!.village.households.nodes.filter((h) => !h.jointDefenseGroup && h.head);
    const own = free[0]!.grid.code;
    const mine = free.filter((h) => h.grid.code === own);
    const elsewhere = free.find((h) => h.grid.code !== own);
    expect(mine.length).toBeGreaterThanOrEqual(3);
    expect(elsewhere).toBeDefined();
    const gridToken = await hub.token({ jurisdiction: own, scopes: ['read', 'write'] });
    type Group = { id: string; version: number; households: { id: string }[] };
    const made = await hub.queryAs<{ createJointDefenseGroup: Group }>(
      gridToken,
      `mutation($i: JointDefenseGroupInput!) { createJointDefenseGroup(input: $i) { id version households { id } } }`,
      { i: { gridCode: own, name: '网格联防组', householdIds: [mine[0]!.id, mine[1]!.id], leaderId: mine[0]!.head!.id } },
    );
    expect(made.errors).toBeUndefined();
    const g = made.data!.createJointDefenseGroup;
    const added = await hub.queryAs<{ assignHouseholdsToGroup: Group }>(
      gridToken,
      `mutation { assignHouseholdsToGroup(groupId: "${g.id}", version: ${g.version}, householdIds: ["${mine[2]!.id}"]) { id version households { id } } }`,
    );
    expect(added.errors).toBeUndefined();
    expect(added.data!.assignHouseholdsToGroup.households).toHaveLength(3);
    const removed = await hub.queryAs<{ removeHouseholdsFromGroup: Group }>(
      gridToken,
      `mutation { removeHouseholdsFromGroup(groupId: "${g.id}", version: ${added.data!.assignHouseholdsToGroup.version}, householdIds: ["${mine[1]!.id}"]) { id version households { id } } }`,
    );
    expect(removed.errors).toBeUndefined();
    expect(removed.data!.removeHouseholdsFromGroup.households.map((h) => h.id).sort()).toEqual([mine[0]!.id, mine[2]!.id].sort());
    // A household of another grid of the village is not the grid worker's to see: not found, as a hidden record is.
    const other = await hub.queryAs(
      gridToken,
      `mutation { assignHouseholdsToGroup(groupId: "${g.id}", version: ${removed.data!.removeHouseholdsFromGroup.version}, householdIds: ["${elsewhere!.id}"]) { id } }`,
    );
    expect(other.errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND' });
    expect(other.errors![0]!.message).toContain(elsewhere!.id);
    // Its grid's patrol team too, but not another grid's.
    const team = (gridCode: string) =>
      hub.queryAs<{ createPatrolTeam: { id: string; grid: { code: string } } }>(
        gridToken,
        `mutation($i: PatrolTeamInput!) { createPatrolTeam(input: $i) { id grid { code } } }`,
        { i: { villageCode: village, gridCode, name: '网格红袖标队', kind: 'RED_ARMBAND' } },
      );
    const formed = await team(own);
    expect(formed.errors).toBeUndefined();
    expect(formed.data!.createPatrolTeam.grid.code).toBe(own);
    const refused = await team(elsewhere!.grid.code);
    expect(refused.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', argument: 'gridCode' });
  });

  it('keeps a 十户联防 group’s leader (联户长) an adult, as forming it, as its leader and in a file, as patrol teams keep their members', async () => {
    // The demo data obeys the rule: every group is led by an adult (the seed makes the first household's head leader).
    expect(
      await ownerCount(
        `select count(*) as n from joint_defense_group g join person p on p.id = g.leader_id
          where p.birth_date > ((now() at time zone 'Asia/Shanghai')::date - interval '18 years')::date`,
      ),
    ).toBe(0);
    const V = '623022100001';
    type Member = { id: string; age: number };
    type Group = { id: string; version: number; leader: { id: string } | null; households: { id: string; members: Member[] }[] };
    const listed = await hub.query<{ village: { jointDefenseGroups: Nodes<Group> } }>(
      `{ village(code: "${V}") { jointDefenseGroups(first: 100) { nodes { id version leader { id } households { id members { id age } } } } } }`,
    );
    const g = listed.data!.village.jointDefenseGroups.nodes.find((x) => x.households.some((h) => h.members.some((m) => m.age < 18)))!;
    const living = g.households.flatMap((h) => h.members);
    const kid = living.find((m) => m.age < 18)!;
    const adult = living.find((m) => m.age >= 18 && m.id !== g.leader?.id)!;
    type Led = { setJointDefenseGroupLeader: { version: number; leader: { id: string } } };
    const lead = (leaderId: string, version: number, headers?: Record<string, string>) =>
      hub.query<Led>(
        `mutation { setJointDefenseGroupLeader(groupId: "${g.id}", version: ${version}, leaderId: "${leaderId}") { version leader { id } } }`,
        undefined,
        headers,
      );
    const young = await lead(kid.id, g.version);
    expect(young.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'personUnderage', argument: 'leaderId', personId: kid.id });
    expect(young.errors![0]!.message).toContain('under 18');
    const zh = await lead(kid.id, g.version, { 'accept-language': 'zh-CN' });
    expect(zh.errors![0]!.message).toContain(`未满 18 周岁：十户联防组的联户长须为成年人（人员 ${kid.id}）`);
    const grown = await lead(adult.id, g.version);
    expect(grown.errors).toBeUndefined();
    expect(grown.data!.setJointDefenseGroupLeader.leader).toEqual({ id: adult.id });
    // A file row is the same row as the form: refused by the same rule, naming the column it came in.
    const token = await hub.token({ jurisdiction: '623022', scopes: ['read', 'write'] });
    const file = await postImport(hub.gatewayUrl, token, 'joint-defense-groups', `id,leader_id\n${g.id},${kid.id}\n`, `minor-leader-${Date.now()}`);
    expect(file.rejects).toMatchObject([{ code: 'BAD_USER_INPUT', rule: 'personUnderage', field: 'leader_id' }]);
    // A group formed with a minor as its leader is not formed.
    type Household = { id: string; grid: { code: string }; jointDefenseGroup: { id: string } | null; members: Member[] };
    const hs = await hub.query<{ village: { households: Nodes<Household> } }>(
      `{ village(code: "${V}") { households(first: 500) { nodes { id grid { code } jointDefenseGroup { id } members { id age } } } } }`,
    );
    const free = hs.data!.village.households.nodes.find((h) => !h.jointDefenseGroup && h.members.some((m) => m.age < 18))!;
    const before = await ownerCount(`select count(*) as n from joint_defense_group where village_code = '${V}'`);
    const formed = await hub.query(`mutation($i: JointDefenseGroupInput!) { createJointDefenseGroup(input: $i) { id } }`, {
      i: { gridCode: free.grid.code, name: '少年联防组', householdIds: [free.id], leaderId: free.members.find((m) => m.age < 18)!.id },
    });
    expect(formed.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'personUnderage', argument: 'leaderId' });
    expect(await ownerCount(`select count(*) as n from joint_defense_group where village_code = '${V}'`)).toBe(before);
  });

  it('moves a household with its members to another grid', async () => {
    type Household = {
      id: string;
      version: number;
      jointDefenseGroup: { id: string } | null;
      members: { id: string; version: number }[];
      grid: { code: string };
    };
    const v = await hub.query<{ village: { households: Nodes<Household> } }>(
      `{ village(code: "623022100002") { households(first: 500) { nodes { id version jointDefenseGroup { id } members { id version } grid { code } } } } }`,
    );
    const h = v.data!.village.households.nodes.reverse().find((x) => !x.jointDefenseGroup && x.members.length > 1);
    const target = '623022100001002';
    type Moved = { grid: { code: string }; village: { code: string }; members: { grid: { code: string } }[]; version: number };
    const r = await hub.query<{ moveHousehold: Moved }>(
      `mutation { moveHousehold(id: "${h!.id}", version: ${h!.version}, input: { gridCode: "${target}" }) { grid { code } village { code } members { grid { code } } version } }`,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.moveHousehold.grid.code).toBe(target);
    for (const m of r.data!.moveHousehold.members) expect(m.grid.code).toBe(target);
    // A residents file exported before the move still names the old grid and the household, at the members' old
    // versions: it is told it is stale (CONFLICT), not that the household is in another village, which is no mistake
    // of the file's.
    const [m] = h!.members;
    const stale = await postImport(
      hub.gatewayUrl,
      await hub.token({ jurisdiction: '623022', scopes: ['read', 'write', 'pii'] }),
      'residents',
      `id,version,grid_code,household_id\n${m!.id},${m!.version},${h!.grid.code},${h!.id}\n`,
      `stale-${Date.now()}`,
    );
    expect(stale.rejects).toMatchObject([{ code: 'CONFLICT', rule: 'staleVersion', field: 'version' }]);
    // So is the household's own row from before the move (it was told that a household moves with its members).
    const staleHousehold = await postImport(
      hub.gatewayUrl,
      await hub.token({ jurisdiction: '623022', scopes: ['read', 'write', 'pii'] }),
      'households',
      `id,version,grid_code\n${h!.id},${h!.version},${h!.grid.code}\n`,
      `stale-household-${Date.now()}`,
    );
    expect(staleHousehold.rejects).toMatchObject([{ code: 'CONFLICT', rule: 'staleVersion', field: 'version' }]);
  });

  it('moves a household to another grid of its village keeping its address and members’ own addresses, not its house on the old grid; to another village, leaves them', async () => {
    const stamp = Date.now();
    const [g1, g2, away] = ['623022100001001', '623022100001002', '623022100002001'];
    const one = async <T>(q: string, vars: Record<string, unknown>): Promise<T> => {
      const r = await hub.query<Record<string, T>>(q, vars);
      expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
      return Object.values(r.data!)[0]!;
    };
    const address = (n: number) =>
      one<{ id: string }>(`mutation($i: AddressInput!) { registerAddress(input: $i) { id } }`, {
        i: { gridCode: g1, number: `MV-${stamp}-${n}`, text: `卓尼县柳林镇迁移路${n}号` },
      });
    const [home, own] = [await address(1), await address(2)];
    const house = await one<{ id: string }>(`mutation($i: HouseInput!) { registerHouse(input: $i) { id } }`, {
      i: { gridCode: g1, number: `MV-${stamp}`, use: 'SELF_OCCUPIED', addressId: home.id },
    });
    const h = await one<{ id: string }>(`mutation($i: HouseholdInput!) { registerHousehold(input: $i) { id } }`, {
      i: { gridCode: g1, number: `MV-${stamp}`, addressId: home.id, houseId: house.id },
    });
    for (const [name, addressId] of [
      ['迁移甲', home.id],
      ['迁移乙', own.id],
    ])
      await one(`mutation($i: PersonInput!) { registerPerson(input: $i) { id } }`, {
        i: { name, gender: 'FEMALE', birthDate: '1990-01-01', ethnicity: '汉族', residency: 'OVERSEAS', gridCode: g1, householdId: h.id, addressId },
      });
    type Moved = {
      version: number;
      grid: { code: string };
      address: { id: string } | null;
      house: { id: string } | null;
      members: { address: { id: string } | null }[];
    };
    const MOVE = `mutation($id: ID!, $v: Int!, $m: HouseholdMove!) { moveHousehold(id: $id, version: $v, input: $m) {
      version grid { code } address { id } house { id } members { address { id } } } }`;
    const { version } = (await hub.query<{ household: { version: number } }>(`{ household(id: "${h.id}") { version } }`)).data!.household;
    // Its house is on the old grid: kept, the household and its house would be on two grids (householdHouseGrid).
    const kept = await hub.query(MOVE, { id: h.id, v: version, m: { gridCode: g2 } });
    expect(kept.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'householdHouseGrid', argument: 'gridCode', houseGridCode: g1 });
    const within = await one<Moved>(MOVE, { id: h.id, v: version, m: { gridCode: g2, houseId: null } });
    expect(within).toMatchObject({ grid: { code: g2 }, address: { id: home.id }, house: null });
    expect(within.members.map((m) => m.address?.id).sort()).toEqual([home.id, own.id].sort());
    // null clears, and the members take the household's address (none).
    const cleared = await one<Moved>(MOVE, { id: h.id, v: within.version, m: { gridCode: g2, addressId: null } });
    expect(cleared).toMatchObject({ grid: { code: g2 }, address: null, house: null });
    expect(cleared.members.map((m) => m.address)).toEqual([null, null]);
    // Back into the house on its grid: at its address.
    const elsewhere = await one<Moved>(MOVE, { id: h.id, v: cleared.version, m: { gridCode: g1, houseId: house.id } });
    expect(elsewhere).toMatchObject({ address: { id: home.id }, house: { id: house.id } });
    // To another address of the village, the house left out: it stands at the old address and stays behind there;
    // named, it comes along.
    const moved = await one<Moved>(MOVE, { id: h.id, v: elsewhere.version, m: { gridCode: g2, addressId: own.id } });
    expect(moved).toMatchObject({ grid: { code: g2 }, address: { id: own.id }, house: null });
    const named = await one<Moved>(MOVE, { id: h.id, v: moved.version, m: { gridCode: g1, addressId: home.id, houseId: house.id } });
    expect(named).toMatchObject({ address: { id: home.id }, house: { id: house.id } });
    // Another village: what belongs to the old one stays behind.
    const left = await one<Moved>(MOVE, { id: h.id, v: named.version, m: { gridCode: away } });
    expect(left).toMatchObject({ grid: { code: away }, address: null, house: null });
  });

  it('walks a hazard through reported → rectifying → rectified → verified, refusing skips', async () => {
    type Hazard = { id?: string; status: string; version?: number };
    const r = await hub.query<{ reportHazard: Hazard }>(
      `mutation { reportHazard(input: { gridCode: "${grid}", kind: FIRE, description: "柴草堆放靠近民房", source: GRID_WORKER, reportedBy: "网格员" }) { id status version } }`,
    );
    const h = r.data!.reportHazard;
    expect(h.status).toBe('REPORTED');
    const skip = await hub.query(`mutation { verifyHazard(id: "${h.id}", version: ${h.version}) { status } }`);
    expect(skip.errors![0]!.extensions!.code).toBe('INVALID_TRANSITION');
    expect(skip.errors![0]!.message).toContain('RECTIFYING');
    // In Chinese, each status by the schema's own name for it.
    const skipZh = await hub.query(`mutation { verifyHazard(id: "${h.id}", version: ${h.version}) { status } }`, undefined, { 'accept-language': 'zh-CN' });
    expect(skipZh.errors![0]!.message).toBe('已上报的隐患不能改为已核查；可改为：整改中、已整改。');
    const s1 = await hub.query<Record<string, Hazard>>(`mutation { startHazardRectification(id: "${h.id}", version: 1) { status version } }`);
    const s2 = await hub.query<Record<string, Hazard>>(
      `mutation { rectifyHazard(id: "${h.id}", version: ${s1.data!.startHazardRectification!.version}) { status version rectifiedAt } }`,
    );
    const s3 = await hub.query<Record<string, Hazard>>(
      `mutation { verifyHazard(id: "${h.id}", version: ${s2.data!.rectifyHazard!.version}) { status verifiedAt } }`,
    );
    expect(s3.data!.verifyHazard!.status).toBe('VERIFIED');
    const back = await hub.query(`mutation { rectifyHazard(id: "${h.id}", version: 4) { status } }`);
    expect(back.errors![0]!.extensions!.code).toBe('INVALID_TRANSITION');
    // A move the status no longer allows is refused as such whatever version was sent: re-reading would not help.
    const stale = await hub.query(`mutation { rectifyHazard(id: "${h.id}", version: 1) { status } }`);
    expect(stale.errors![0]!.extensions!.code).toBe('INVALID_TRANSITION');
    // A move the status allows, sent from an older version, is CONFLICT: the client re-reads and may take it then.
    const r2 = await hub.query<Record<string, Hazard>>(
      `mutation { reportHazard(input: { gridCode: "${grid}", kind: GAS, description: "燃气管道老化", source: GRID_WORKER }) { id status version } }`,
    );
    const h2 = r2.data!.reportHazard!;
    expect((await hub.query(`mutation { startHazardRectification(id: "${h2.id}", version: 1) { status } }`)).errors).toBeUndefined();
    const behind = await hub.query(`mutation { rectifyHazard(id: "${h2.id}", version: 1) { status } }`);
    expect(behind.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', currentVersion: 2 });
    expect(behind.errors![0]!.message).toMatch(/^The record has changed since you read it/);
    // A version the hazard never had is not someone else's change.
    const ahead = await hub.query(`mutation { rectifyHazard(id: "${h2.id}", version: 9) { status } }`);
    expect(ahead.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', currentVersion: 2 });
    expect(ahead.errors![0]!.message).toBe("You sent version 9, ahead of the record's version 2: not a version you read; read it again and retry.");
  });

  it('creates a patrol team and records a patrol with the hazards it found', async () => {
    const v = await hub.query<{ village: { residents: Nodes<{ id: string }> } }>(
      `{ village(code: "623022100001") { residents(first: 4, filter: { minAge: 20, maxAge: 60 }) { nodes { id } } } }`,
    );
    const ids = v.data!.village.residents.nodes.map((p) => p.id);
    const team = await hub.query<{ createPatrolTeam: { id: string; members: { id: string }[] } }>(
      `mutation($i: PatrolTeamInput!) { createPatrolTeam(input: $i) { id members { id } } }`,
      { i: { villageCode: '623022100001', gridCode: grid, name: '测试红袖标队', kind: 'RED_ARMBAND', memberIds: ids } },
    );
    expect(team.data!.createPatrolTeam.members).toHaveLength(4);
    const tid = team.data!.createPatrolTeam.id;
    const outsider = await hub.query(`mutation($i: PatrolInput!) { recordPatrol(input: $i) { id } }`, {
      i: { teamId: tid, startedAt: '2026-03-01T19:00:00+08:00', endedAt: '2026-03-01T21:30:00+08:00', participantIds: [ids[0], '1'] },
    });
    expect(outsider.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    type Stats = { village: { patrolStats: { patrols: number; patrolHours: number; hazardsFound: number } } };
    const before = await hub.query<Stats>(
      `{ village(code: "623022100001") { patrolStats(from: "2026-03-01", to: "2026-03-01") { patrols patrolHours hazardsFound } } }`,
    );
    type Patrol = {
      hours: number;
      participants: { id: string }[];
      hazards: { kind: string; status: string; reportedBy: string | null; patrol: { id: string } }[];
    };
    const p = await hub.query<{ recordPatrol: Patrol }>(
      `mutation($i: PatrolInput!) { recordPatrol(input: $i) { hours participants { id } hazards { kind status reportedBy patrol { id } } } }`,
      {
        i: {
          teamId: tid,
          gridCode: grid,
          startedAt: '2026-03-01T19:00:00+08:00',
          endedAt: '2026-03-01T21:30:00+08:00',
          route: '村委会—河边',
          participantIds: ids.slice(0, 3),
          hazards: [{ kind: 'ELECTRICAL', description: '私拉乱接电线', gridCode: grid }],
        },
      },
    );
    expect(p.errors).toBeUndefined();
    expect(p.data!.recordPatrol.hours).toBe(2.5);
    // Reported by whoever recorded the patrol, as reportHazard records its reporter.
    expect(p.data!.recordPatrol.hazards).toEqual([{ kind: 'ELECTRICAL', status: 'REPORTED', reportedBy: 'test caller', patrol: { id: expect.any(String) } }]);
    const after = await hub.query<Stats>(
      `{ village(code: "623022100001") { patrolStats(from: "2026-03-01", to: "2026-03-01") { patrols patrolHours hazardsFound } } }`,
    );
    const b = before.data!.village.patrolStats;
    expect(after.data!.village.patrolStats).toEqual({ patrols: b.patrols + 1, patrolHours: b.patrolHours + 2.5, hazardsFound: b.hazardsFound + 1 });
    // The same patrol sent again (a retry after a lost answer) is the one recorded; an overlapping other is refused.
    const same = {
      teamId: tid,
      gridCode: grid,
      startedAt: '2026-03-01T19:00:00+08:00',
      endedAt: '2026-03-01T21:30:00+08:00',
      participantIds: [...ids.slice(0, 3)].reverse(),
      hazards: [{ kind: 'ELECTRICAL', description: '私拉乱接电线', gridCode: grid }],
    };
    const retried = await hub.query<{ recordPatrol: Patrol }>(`mutation($i: PatrolInput!) { recordPatrol(input: $i) { hazards { patrol { id } } } }`, {
      i: same,
    });
    expect(retried.errors).toBeUndefined();
    expect(retried.data!.recordPatrol.hazards).toEqual(p.data!.recordPatrol.hazards.map((h) => ({ patrol: h.patrol })));
    const overlapping = await hub.query(`mutation($i: PatrolInput!) { recordPatrol(input: $i) { id } }`, {
      i: { ...same, startedAt: '2026-03-01T21:00:00+08:00', endedAt: '2026-03-01T23:00:00+08:00', hazards: [] },
    });
    expect(overlapping.errors![0]!.extensions!.code).toBe('CONFLICT');
    expect(overlapping.errors![0]!.message).toContain('2026-03-01 19:00–2026-03-01 21:30');
    // Right after it is another patrol.
    const next = await hub.query(`mutation($i: PatrolInput!) { recordPatrol(input: $i) { id } }`, {
      i: { ...same, startedAt: '2026-03-01T21:30:00+08:00', endedAt: '2026-03-01T23:00:00+08:00', hazards: [] },
    });
    expect(next.errors).toBeUndefined();
    const twice = await hub.query<Stats>(
      `{ village(code: "623022100001") { patrolStats(from: "2026-03-01", to: "2026-03-01") { patrols patrolHours hazardsFound } } }`,
    );
    expect(twice.data!.village.patrolStats).toEqual({ patrols: b.patrols + 2, patrolHours: b.patrolHours + 4, hazardsFound: b.hazardsFound + 1 });

    // A member who has left since is still in the patrol sent again: the retry is answered before membership is judged.
    const left = await hub.query(`mutation { removePatrolTeamMembers(teamId: "${tid}", personIds: ["${ids[2]}"]) { id } }`);
    expect(left.errors).toBeUndefined();
    const late = await hub.query<{ recordPatrol: Patrol }>(`mutation($i: PatrolInput!) { recordPatrol(input: $i) { hazards { patrol { id } } } }`, {
      i: same,
    });
    expect(late.errors).toBeUndefined();
    expect(late.data!.recordPatrol.hazards).toEqual(p.data!.recordPatrol.hazards.map((h) => ({ patrol: h.patrol })));
    // One person walks one patrol at a time: in another team's patrol at the same time, they are refused.
    const other = await hub.query<{ createPatrolTeam: { id: string } }>(`mutation($i: PatrolTeamInput!) { createPatrolTeam(input: $i) { id } }`, {
      i: { villageCode: '623022100001', gridCode: grid, name: '测试民兵巡逻队', kind: 'MILITIA', memberIds: [ids[0], ids[3]] },
    });
    expect(other.errors).toBeUndefined();
    const otherTeam = other.data!.createPatrolTeam.id;
    const busy = await hub.query(`mutation($i: PatrolInput!) { recordPatrol(input: $i) { id } }`, {
      i: { teamId: otherTeam, gridCode: grid, startedAt: '2026-03-01T20:00:00+08:00', endedAt: '2026-03-01T20:45:00+08:00', participantIds: [ids[0], ids[3]] },
    });
    expect(busy.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', argument: 'participantIds', patrolId: expect.any(String) });
    expect(busy.errors![0]!.message).toContain(String(ids[0]));
    const alone = await hub.query(`mutation($i: PatrolInput!) { recordPatrol(input: $i) { id } }`, {
      i: { teamId: otherTeam, gridCode: grid, startedAt: '2026-03-01T20:00:00+08:00', endedAt: '2026-03-01T20:45:00+08:00', participantIds: [ids[3]] },
    });
    expect(alone.errors).toBeUndefined();
    // Times that are a slip, not a patrol: a minute long, or decades ago.
    for (const [startedAt, endedAt] of [
      ['2026-03-02T19:00:00+08:00', '2026-03-02T19:01:00+08:00'],
      ['1990-12-03T12:00:00+08:00', '1990-12-03T14:00:00+08:00'],
    ]) {
      const r = await hub.query(`mutation($i: PatrolInput!) { recordPatrol(input: $i) { id } }`, {
        i: { teamId: tid, gridCode: grid, startedAt, endedAt, participantIds: [ids[0]] },
      });
      expect(r.errors![0]!.extensions, startedAt).toMatchObject({ code: 'BAD_USER_INPUT' });
    }
    // Patrol members are adults.
    const kids = await hub.query<{ village: { residents: Nodes<{ id: string }> } }>(
      `{ village(code: "623022100001") { residents(first: 1, filter: { maxAge: 15 }) { nodes { id } } } }`,
    );
    const kid = kids.data!.village.residents.nodes[0]!.id;
    const young = await hub.query(`mutation { addPatrolTeamMembers(teamId: "${tid}", personIds: ["${kid}"]) { id } }`);
    expect(young.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'personUnderage', personId: kid });
  });

  it('takes as a patrol’s participants only people the caller holds: a grid’s worker names the members on their own grid', async () => {
    const village = '623022100001';
    const onGrid = async (g: string) =>
      (
        await hub.query<{ grid: { residents: { nodes: { id: string }[] } } }>(
          `{ grid(code: "${g}") { residents(first: 1, filter: { minAge: 20, maxAge: 60 }) { nodes { id } } } }`,
        )
      ).data!.grid.residents.nodes[0]!.id;
    const here = await onGrid(`${village}001`);
    const there = await onGrid(`${village}002`);
    const team = await hub.query<{ createPatrolTeam: { id: string } }>(`mutation($i: PatrolTeamInput!) { createPatrolTeam(input: $i) { id } }`, {
      i: { villageCode: village, gridCode: `${village}001`, name: '跨网格测试队', kind: 'RED_ARMBAND', memberIds: [here, there] },
    });
    expect(team.errors).toBeUndefined();
    const teamId = team.data!.createPatrolTeam.id;
    const worker = await hub.token({ jurisdiction: `${village}001`, scopes: ['read', 'write'] });
    const record = (participantIds: string[], day: string) =>
      hub.queryAs<{ recordPatrol: { participants: { id: string }[] } }>(
        worker,
        `mutation($i: PatrolInput!) { recordPatrol(input: $i) { participants { id } } }`,
        {
          i: { teamId, gridCode: `${village}001`, startedAt: `${day}T19:00:00+08:00`, endedAt: `${day}T20:00:00+08:00`, participantIds },
        },
      );
    // A member who lives on the next grid is no one the worker holds: refused as a case's party would be, nothing written.
    const beyond = await record([here, there], '2026-04-01');
    expect(beyond.errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND', argument: 'participantIds', personId: there });
    const own = await record([here], '2026-04-01');
    expect(own.errors).toBeUndefined();
    expect(own.data!.recordPatrol.participants).toEqual([{ id: here }]);
    // The village's worker holds both.
    const both = await hub.query<{ recordPatrol: { id: string } }>(`mutation($i: PatrolInput!) { recordPatrol(input: $i) { id } }`, {
      i: { teamId, gridCode: `${village}001`, startedAt: '2026-04-02T19:00:00+08:00', endedAt: '2026-04-02T20:00:00+08:00', participantIds: [here, there] },
    });
    expect(both.errors).toBeUndefined();
    // The grid's worker learns nothing of the unseen participant: the same patrol sent as a retry is refused rather than
    // answered, and the grid's export lists the participants the API shows.
    const guessed = await record([here, there], '2026-04-02');
    expect(guessed.errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND', personId: there });
    const exported = await fetch(new URL(`/export/patrols.ndjson?within=${village}001`, new URL(hub.gatewayUrl).origin), {
      headers: { authorization: `Bearer ${worker}` },
    });
    const row = (await exported.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: number; participant_ids: string })
      .find((r) => r.id === Number(both.data!.recordPatrol.id));
    expect(row?.participant_ids).toBe(here);
  });

  it('disbands a patrol team: out of the lists, figures and exports, its patrols kept, and it takes nothing more', async () => {
    const V = '623022100001';
    type Forces = { village: { forces: { patrolTeams: number; patrolByKind: { kind: string; teams: number }[] }; patrolTeams: { nodes: { id: string }[] } } };
    const forces = async () =>
      (await hub.query<Forces>(`{ village(code: "${V}") { forces { patrolTeams patrolByKind { kind teams } } patrolTeams(first: 100) { nodes { id } } } }`))
        .data!.village;
    const people = await hub.query<{ village: { residents: Nodes<{ id: string }> } }>(
      `{ village(code: "${V}") { residents(first: 2, filter: { minAge: 30, maxAge: 50 }) { nodes { id } } } }`,
    );
    const ids = people.data!.village.residents.nodes.map((p) => p.id);
    const made = await hub.query<{ createPatrolTeam: { id: string; version: number } }>(
      `mutation($i: PatrolTeamInput!) { createPatrolTeam(input: $i) { id version } }`,
      { i: { villageCode: V, gridCode: grid, name: `解散测试联防队${Date.now()}`, kind: 'JOINT_PREVENTION', memberIds: ids } },
    );
    expect(made.errors).toBeUndefined();
    const team = made.data!.createPatrolTeam;
    const patrol = await hub.query<{ recordPatrol: { id: string } }>(`mutation($i: PatrolInput!) { recordPatrol(input: $i) { id } }`, {
      i: { teamId: team.id, gridCode: grid, startedAt: '2026-04-10T19:00:00+08:00', endedAt: '2026-04-10T20:00:00+08:00', participantIds: ids },
    });
    expect(patrol.errors).toBeUndefined();
    const before = await forces();
    const kindTeams = (f: Awaited<ReturnType<typeof forces>>) => f.forces.patrolByKind.find((k) => k.kind === 'JOINT_PREVENTION')?.teams ?? 0;

    const bad = await hub.query(`mutation { disbandPatrolTeam(id: "${team.id}", version: ${team.version}, reason: DEMOLISHED) { id } }`);
    expect(bad.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'reason' });
    const DISBAND = `mutation { disbandPatrolTeam(id: "${team.id}", version: ${team.version}, reason: REORGANISED, note: "并入村红袖标队") {
      id endedAt endReason endNote members { id } version } }`;
    const ended = await hub.query<{
      disbandPatrolTeam: { id: string; endedAt: string; endReason: string; endNote: string; members: unknown[]; version: number };
    }>(DISBAND);
    expect(ended.errors).toBeUndefined();
    expect(ended.data!.disbandPatrolTeam).toMatchObject({ endReason: 'REORGANISED', endNote: '并入村红袖标队', members: [] });
    expect(ended.data!.disbandPatrolTeam.endedAt).toBeTruthy();
    // The same disband sent again after a lost answer is answered with the team as it ended.
    const again = await hub.query<{ disbandPatrolTeam: { id: string; version: number } }>(DISBAND);
    expect(again.data!.disbandPatrolTeam).toMatchObject({ id: team.id, version: ended.data!.disbandPatrolTeam.version });

    const after = await forces();
    expect(after.forces.patrolTeams).toBe(before.forces.patrolTeams - 1);
    expect(kindTeams(after)).toBe(kindTeams(before) - 1);
    expect(before.patrolTeams.nodes.map((n) => n.id)).toContain(team.id);
    expect(after.patrolTeams.nodes.map((n) => n.id)).not.toContain(team.id);
    // Its patrol stays and still names it.
    const kept = await hub.query<{ village: { patrols: Nodes<{ id: string; team: { id: string; endedAt: string | null } }> } }>(
      `{ village(code: "${V}") { patrols(from: "2026-04-10", to: "2026-04-10", first: 100) { nodes { id team { id endedAt } } } } }`,
    );
    expect(kept.data!.village.patrols.nodes.find((p) => p.id === patrol.data!.recordPatrol.id)!.team).toMatchObject({
      id: team.id,
      endedAt: expect.stringMatching(/\+08:00$/),
    });
    // It takes no member or file row (nor a patrol after its end: the next test).
    const refused = await hub.query(`mutation { addPatrolTeamMembers(teamId: "${team.id}", personIds: ["${ids[0]}"]) { id } }`);
    expect(refused.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', rule: 'teamDisbanded' });
    const token = await hub.token({ jurisdiction: '623022', scopes: ['read', 'write'] });
    const file = await postImport(hub.gatewayUrl, token, 'patrol-teams', `id,name\n${team.id},改名\n`, `disbanded-${Date.now()}`);
    expect(file.rejects).toMatchObject([{ code: 'CONFLICT', rule: 'teamDisbanded' }]);
    const csv = await (await fetch(new URL(`/export/patrol-teams.csv?within=${V}`, hub.gatewayUrl), { headers: { authorization: `Bearer ${token}` } })).text();
    expect(csv.split('\n').some((l) => l.startsWith(`${team.id},`))).toBe(false);
  });

  it('records late a patrol a disbanded team walked before its end, with the members it had then, and refuses one after', async () => {
    const V = '623022100001';
    const people = await hub.query<{ village: { residents: Nodes<{ id: string }> } }>(
      `{ village(code: "${V}") { residents(first: 3, filter: { minAge: 51, maxAge: 55 }) { nodes { id } } } }`,
    );
    const [a, b, outsider] = people.data!.village.residents.nodes.map((p) => p.id);
    const made = await hub.query<{ createPatrolTeam: { id: string; version: number } }>(
      `mutation($i: PatrolTeamInput!) { createPatrolTeam(input: $i) { id version } }`,
      { i: { villageCode: V, gridCode: grid, name: `补录测试巡逻队${Date.now()}`, kind: 'RED_ARMBAND', memberIds: [a, b] } },
    );
    expect(made.errors).toBeUndefined();
    const team = made.data!.createPatrolTeam;
    const ended = await hub.query(`mutation { disbandPatrolTeam(id: "${team.id}", version: ${team.version}, reason: REORGANISED) { id } }`);
    expect(ended.errors).toBeUndefined();
    // Disbanded at 22:38 on 20 May; its patrol logs of that day are entered afterwards, as clerks do.
    await ownerCount(`update patrol_team set ended_at = '2026-05-20T22:38:00+08:00' where id = $1 returning 1 as n`, [team.id]);
    const record = (startedAt: string, endedAt: string, participantIds = [a, b]) =>
      hub.query<{ recordPatrol: { id: string; team: { id: string }; participants: { id: string }[] } }>(
        `mutation($i: PatrolInput!) { recordPatrol(input: $i) { id team { id } participants { id } } }`,
        { i: { teamId: team.id, gridCode: grid, startedAt, endedAt, participantIds } },
      );
    const morning = await record('2026-05-20T10:00:00+08:00', '2026-05-20T11:00:00+08:00');
    expect(morning.errors).toBeUndefined();
    expect(morning.data!.recordPatrol.team).toEqual({ id: team.id });
    expect(morning.data!.recordPatrol.participants.map((p) => p.id).sort()).toEqual([a, b].sort());
    // One that ended at the very minute of the end was walked by the team.
    expect((await record('2026-05-20T22:00:00+08:00', '2026-05-20T22:38:00+08:00', [a])).errors).toBeUndefined();
    // Its participants are the members it had when it ended (they left it then).
    const stranger = await record('2026-05-20T12:00:00+08:00', '2026-05-20T13:00:00+08:00', [a, outsider!]);
    expect(stranger.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'participantIds' });
    // After the end, or running past it: refused, saying when the team ended.
    for (const [startedAt, endedAt] of [
      ['2026-05-21T10:00:00+08:00', '2026-05-21T11:00:00+08:00'],
      ['2026-05-20T22:38:00+08:00', '2026-05-20T23:30:00+08:00'],
    ]) {
      const r = await record(startedAt!, endedAt!);
      expect(r.errors![0]!.extensions, startedAt).toMatchObject({ code: 'CONFLICT', rule: 'teamDisbanded', argument: 'teamId' });
      expect(r.errors![0]!.message).toContain('2026-05-20 22:38');
    }
    // Its members stay as they were: it takes no one.
    const join = await hub.query(`mutation { addPatrolTeamMembers(teamId: "${team.id}", personIds: ["${outsider}"]) { id } }`);
    expect(join.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', rule: 'teamDisbanded' });
  });

  it('takes a patrol-teams file with its members as exported, and refuses an edited member list rather than ignore it', async () => {
    const V = '623022100001';
    const people = await hub.query<{ village: { residents: Nodes<{ id: string }> } }>(
      `{ village(code: "${V}") { residents(first: 3, filter: { minAge: 30, maxAge: 50 }) { nodes { id } } } }`,
    );
    const ids = people.data!.village.residents.nodes.map((p) => p.id);
    const made = await hub.query<{ createPatrolTeam: { id: string } }>(`mutation($i: PatrolTeamInput!) { createPatrolTeam(input: $i) { id } }`, {
      i: { villageCode: V, gridCode: grid, name: `队员只读测试队${Date.now()}`, kind: 'VOLUNTEER', memberIds: ids.slice(0, 2) },
    });
    expect(made.errors).toBeUndefined();
    const team = made.data!.createPatrolTeam.id;
    const token = await hub.token({ jurisdiction: '623022', scopes: ['read', 'write'] });
    const csv = await (await fetch(new URL(`/export/patrol-teams.csv?within=${V}`, hub.gatewayUrl), { headers: { authorization: `Bearer ${token}` } })).text();
    const [header, ...lines] = csv.trim().split('\n');
    const line = lines.find((l) => l.startsWith(`${team},`))!;
    const members = header!.split(',').indexOf('member_ids');
    const cells = line.split(',');
    expect(cells[members]!.split(';').sort()).toEqual(ids.slice(0, 2).sort());
    const withMembers = (list: string) => `${header}\n${cells.map((c, i) => (i === members ? list : c)).join(',')}\n`;
    const job = (n: string) => `members-${n}-${Date.now()}`;
    // As exported, or the same members in another order and spacing: no change, no reject.
    for (const list of [cells[members]!, `" ${ids[1]} ; ${ids[0]} "`]) {
      const same = await postImport(hub.gatewayUrl, token, 'patrol-teams', withMembers(list), job('same'));
      expect(same.rejects, list).toEqual([]);
    }
    // One member more, or one fewer: refused, naming the column.
    for (const list of [`${ids[0]};${ids[1]};${ids[2]}`, ids[0]!]) {
      const edited = await postImport(hub.gatewayUrl, token, 'patrol-teams', withMembers(list), job('edited'));
      expect(edited.rejects, list).toMatchObject([{ code: 'BAD_USER_INPUT', rule: 'membersReadOnly', field: 'member_ids' }]);
    }
    // A new team's row names no members (they are added once it exists).
    const fresh = await postImport(
      hub.gatewayUrl,
      token,
      'patrol-teams',
      `grid_code,external_id,name,kind,member_ids\n${grid},members-new-${Date.now()},新队,VOLUNTEER,${ids[0]}\n`,
      job('new'),
    );
    expect(fresh.rejects).toMatchObject([{ rule: 'membersReadOnly', field: 'member_ids' }]);
    const after = await hub.query<{ patrolTeam: { members: { id: string }[] } }>(`{ patrolTeam(id: "${team}") { members { id } } }`);
    expect(after.data!.patrolTeam.members.map((m) => m.id).sort()).toEqual(ids.slice(0, 2).sort());
  });

  it('voids a patrol entered by mistake: out of the lists and its day’s figures with its hazards, kept as history', async () => {
    const V = '623022100001';
    const people = await hub.query<{ village: { residents: Nodes<{ id: string }> } }>(
      `{ village(code: "${V}") { residents(first: 2, filter: { minAge: 25, maxAge: 55 }) { nodes { id } } } }`,
    );
    const ids = people.data!.village.residents.nodes.map((p) => p.id).reverse();
    const made = await hub.query<{ createPatrolTeam: { id: string } }>(`mutation($i: PatrolTeamInput!) { createPatrolTeam(input: $i) { id } }`, {
      i: { villageCode: V, gridCode: grid, name: `作废测试巡逻队${Date.now()}`, kind: 'VOLUNTEER', memberIds: ids },
    });
    expect(made.errors).toBeUndefined();
    const team = made.data!.createPatrolTeam.id;
    type Stats = { village: { patrolStats: { patrols: number; hazardsFound: number } } };
    const day = async () =>
      (await hub.query<Stats>(`{ village(code: "${V}") { patrolStats(from: "2026-06-20", to: "2026-06-20") { patrols hazardsFound } } }`)).data!.village
        .patrolStats;
    const before = await day();
    const record = (startedAt: string, endedAt: string) =>
      hub.query<{ recordPatrol: { id: string; hazards: { id: string }[] } }>(`mutation($i: PatrolInput!) { recordPatrol(input: $i) { id hazards { id } } }`, {
        i: { teamId: team, gridCode: grid, startedAt, endedAt, participantIds: ids, hazards: [{ kind: 'FIRE', description: '柴草堆放', gridCode: grid }] },
      });
    // An end before the start: said in Chinese, with no English argument name in the sentence.
    const zhWriter = await hub.token({ jurisdiction: V, scopes: ['read', 'write'], subject: `void-zh-${Date.now()}` });
    const backwards = await postJson<{ errors: { message: string; extensions: Record<string, unknown> }[] }>(
      hub.gatewayUrl,
      {
        query: `mutation($i: PatrolInput!) { recordPatrol(input: $i) { id } }`,
        variables: { i: { teamId: team, gridCode: grid, startedAt: '2026-06-20T20:00:00+08:00', endedAt: '2026-06-20T19:00:00+08:00', participantIds: ids } },
      },
      { authorization: `Bearer ${zhWriter}`, 'accept-language': 'zh' },
    );
    expect(backwards.errors![0]!).toMatchObject({ message: '结束时间应晚于开始时间。', extensions: { code: 'BAD_USER_INPUT', argument: 'endedAt' } });
    const wrong = (await record('2026-06-20T19:00:00+08:00', '2026-06-20T20:00:00+08:00')).data!.recordPatrol;
    expect(await day()).toEqual({ patrols: before.patrols + 1, hazardsFound: before.hazardsFound + 1 });

    const VOID = `mutation { voidPatrol(id: "${wrong.id}", reason: "日期录错，应为6月21日") { id startedAt hazards { id } } }`;
    const voided = await hub.query<{ voidPatrol: { id: string; startedAt: string; hazards: unknown[] } }>(VOID);
    expect(voided.errors).toBeUndefined();
    expect(voided.data!.voidPatrol).toMatchObject({ id: wrong.id, hazards: [] });
    expect(await day()).toEqual(before);
    expect((await hub.query<{ hazard: unknown }>(`{ hazard(id: "${wrong.hazards[0]!.id}") { id } }`)).data!.hazard).toBeNull();
    // Sent again after a lost answer: the patrol as voided; for another reason it is not that void: the patrol was voided
    // (INVALID_TRANSITION, rule alreadyEnded, saying when, by whom and why), as every other ended record answers, not
    // NOT_FOUND, which would tell a grid worker it was never entered.
    expect((await hub.query<{ voidPatrol: { id: string } }>(VOID)).data!.voidPatrol.id).toBe(wrong.id);
    const other = await hub.query(`mutation { voidPatrol(id: "${wrong.id}", reason: "另一原因") { id } }`);
    expect(other.errors![0]!.extensions).toMatchObject({ code: 'INVALID_TRANSITION', rule: 'alreadyEnded', endReason: '日期录错，应为6月21日' });
    expect(other.errors![0]!.extensions!.endedAt).toMatch(/\+08:00$/);
    // Outside the patrol's jurisdiction it stays unknown.
    const elsewhere = await hub.token({ jurisdiction: '623022100002', scopes: ['read', 'write'], subject: `void-elsewhere-${Date.now()}` });
    const outside = await hub.queryAs(elsewhere, `mutation { voidPatrol(id: "${wrong.id}", reason: "另一原因") { id } }`);
    expect(outside.errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND' });
    // The corrected patrol takes its place, as the voided one no longer overlaps anything.
    expect((await record('2026-06-20T19:00:00+08:00', '2026-06-20T20:00:00+08:00')).errors).toBeUndefined();
    // A patrol whose hazard is being rectified stands: the hazard was found.
    const kept = (await record('2026-06-20T21:00:00+08:00', '2026-06-20T22:00:00+08:00')).data!.recordPatrol;
    expect((await hub.query(`mutation { rectifyHazard(id: "${kept.hazards[0]!.id}", version: 1) { status } }`)).errors).toBeUndefined();
    const refused = await hub.query(`mutation { voidPatrol(id: "${kept.id}", reason: "误录") { id } }`);
    expect(refused.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', hazardIds: [kept.hazards[0]!.id] });
    const blank = await hub.query(`mutation { voidPatrol(id: "${kept.id}", reason: " ") { id } }`);
    expect(blank.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'reason' });
    expect(await day()).toEqual({ patrols: before.patrols + 2, hazardsFound: before.hazardsFound + 2 });
  });

  it('refuses bad dates and periods with BAD_USER_INPUT', async () => {
    const a = await hub.query(`{ county(code: "623021") { patrolStats(from: "2026-13-01", to: "2026-12-31") { patrols } } }`);
    expect(a.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    const b = await hub.query(`{ county(code: "623021") { patrolStats(from: "2026-09-01", to: "2026-01-01") { patrols } } }`);
    expect(b.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
  });
});

/**
 * 外部编号 (externalId) of sites, joint-defense groups and patrol teams, set by the form through the rules a file's row
 * goes through (registry/fields.ts, store/registry-kinds.ts): set, changed, cleared, refused when another record of the
 * village holds it, and the key a later file import matches the record by. In 卓尼县's village 623022100001.
 */
describe('externalId of sites, joint-defense groups and patrol teams, by form and by file', () => {
  const V = '623022100001';
  const GRID = `${V}001`;
  const RUN = Date.now();
  let seq = (RUN % 300) * 3;
  let writer: string;
  beforeAll(async () => {
    writer = await hub.token({ jurisdiction: '623022', scopes: ['read', 'write', 'pii'], subject: `external-${RUN}` });
  });

  /** A new household of the grid with an adult resident living in it, who may lead a group formed with it. */
  const neighbour = async (tag: string) => {
    const h = await hub.dataAs<{ registerHousehold: { id: string } }>(writer, `mutation($i: HouseholdInput!) { registerHousehold(input: $i) { id } }`, {
      i: { gridCode: GRID, number: `外部-${RUN}-${tag}` },
    });
    const idNumber = makeCitizenId('623022', `19${70 + (RUN % 20)}-0${1 + (RUN % 9)}-2${RUN % 8}`, 1 + (seq++ % 998));
    const p = await hub.dataAs<{ registerPerson: { id: string } }>(writer, `mutation($i: PersonInput!) { registerPerson(input: $i) { id } }`, {
      i: { name: '联户长', idNumber, ethnicity: '汉族', residency: 'REGISTERED', gridCode: GRID, householdId: h.registerHousehold.id },
    });
    return { householdIds: [h.registerHousehold.id], leaderId: p.registerPerson.id };
  };

  const KINDS = [
    {
      label: 'site',
      zh: '重点场所',
      create: 'registerSite',
      input: 'SiteInput',
      update: 'updateSite',
      patch: 'SiteUpdate',
      file: 'sites',
      fields: async (tag: string) => ({ gridCode: GRID, name: `外部场所${tag}`, kind: 'MARKET' }),
      row: (externalId: string, name: string) => `grid_code,external_id,name,kind\n${GRID},${externalId},${name},MARKET\n`,
    },
    {
      label: 'joint-defense group',
      zh: '十户联防组',
      create: 'createJointDefenseGroup',
      input: 'JointDefenseGroupInput',
      update: 'updateJointDefenseGroup',
      patch: 'JointDefenseGroupUpdate',
      file: 'joint-defense-groups',
      fields: async (tag: string) => ({ gridCode: GRID, name: `外部联防组${tag}`, ...(await neighbour(tag)) }),
      row: (externalId: string, name: string) => `grid_code,external_id,name\n${GRID},${externalId},${name}\n`,
    },
    {
      label: 'patrol team',
      zh: '巡防队',
      create: 'createPatrolTeam',
      input: 'PatrolTeamInput',
      update: 'updatePatrolTeam',
      patch: 'PatrolTeamUpdate',
      file: 'patrol-teams',
      fields: async (tag: string) => ({ villageCode: V, gridCode: GRID, name: `外部巡防队${tag}`, kind: 'VOLUNTEER' }),
      row: (externalId: string, name: string) => `grid_code,external_id,name,kind\n${GRID},${externalId},${name},VOLUNTEER\n`,
    },
  ] as const;
  type Made = { id: string; version: number; name: string; externalId: string | null };
  type Kind = (typeof KINDS)[number];
  const create = (k: Kind, input: Record<string, unknown>, token = writer) =>
    hub.queryAs<Record<string, Made>>(token, `mutation($i: ${k.input}!) { ${k.create}(input: $i) { id version name externalId } }`, { i: input });
  const update = (k: Kind, r: { id: string; version: number }, input: Record<string, unknown>, token = writer) =>
    hub.queryAs<Record<string, Made>>(
      token,
      `mutation($id: ID!, $v: Int!, $i: ${k.patch}!) { ${k.update}(id: $id, version: $v, input: $i) { id version name externalId } }`,
      {
        id: r.id,
        v: r.version,
        i: input,
      },
    );

  it.each(KINDS)('sets a $label’s externalId on create (trimmed), changes it, keeps it when left out and clears it with null', async (k) => {
    const ext = `E-${RUN}-${k.file}`;
    const made = await create(k, { ...(await k.fields(`${k.file}-set`)), externalId: `  ${ext}  ` });
    expect(made.errors, JSON.stringify(made.errors)).toBeUndefined();
    const r = made.data![k.create]!;
    expect(r.externalId).toBe(ext);
    const changed = await update(k, r, { externalId: `${ext}-2` });
    expect(changed.errors, JSON.stringify(changed.errors)).toBeUndefined();
    expect(changed.data![k.update]).toMatchObject({ externalId: `${ext}-2`, version: r.version + 1 });
    const renamed = await update(k, changed.data![k.update]!, { name: `${r.name}改` });
    expect(renamed.data![k.update]).toMatchObject({ externalId: `${ext}-2`, name: `${r.name}改` });
    const cleared = await update(k, renamed.data![k.update]!, { externalId: null });
    expect(cleared.errors, JSON.stringify(cleared.errors)).toBeUndefined();
    expect(cleared.data![k.update]!.externalId).toBeNull();
    // The limits of every external id, as a file's cell has them.
    const long = await update(k, cleared.data![k.update]!, { externalId: 'x'.repeat(65) });
    expect(long.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'externalId', rule: 'textLength' });
  });

  it.each(KINDS)('refuses a $label’s externalId another of the village holds: CONFLICT keyTaken naming it (recordId), on create and on change', async (k) => {
    const ext = `T-${RUN}-${k.file}`;
    const holder = (await create(k, { ...(await k.fields(`${k.file}-holder`)), externalId: ext })).data![k.create]!;
    const zh = await hub.token({ jurisdiction: '623022', scopes: ['read', 'write', 'pii'], subject: `external-zh-${RUN}` });
    const again = await hub.query<Record<string, Made>>(
      `mutation($i: ${k.input}!) { ${k.create}(input: $i) { id } }`,
      { i: { ...(await k.fields(`${k.file}-again`)), externalId: ext } },
      { authorization: `Bearer ${zh}`, 'accept-language': 'zh' },
    );
    expect(again.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', rule: 'keyTaken', argument: 'externalId', recordId: holder.id });
    expect(again.errors![0]!.message).toBe(`外部编号 已被本村（社区）另一条${k.zh}记录使用（编号 ${holder.id}）。`);
    const other = (await create(k, await k.fields(`${k.file}-other`))).data![k.create]!;
    const onto = await update(k, other, { externalId: ext });
    expect(onto.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', rule: 'keyTaken', argument: 'externalId', recordId: holder.id });
    expect(onto.errors![0]!.message).toContain(`(id ${holder.id})`);
    // Its own key sent again is no clash.
    expect((await update(k, holder, { externalId: ext })).errors).toBeUndefined();
  });

  it.each(KINDS)('matches a $label registered by the form when a file later brings its source system’s row: no second record', async (k) => {
    const ext = `F-${RUN}-${k.file}`;
    const made = (await create(k, { ...(await k.fields(`${k.file}-file`)), externalId: ext })).data![k.create]!;
    const file = await postImport(hub.gatewayUrl, writer, k.file, k.row(ext, `来自文件${RUN}`), `external-${k.file}-${RUN}`);
    expect(file.rejects).toEqual([]);
    expect(file.done).toMatchObject({ inserted: 0, updated: 1, rejected: 0 });
    const table = { sites: 'site', 'joint-defense-groups': 'joint_defense_group', 'patrol-teams': 'patrol_team' }[k.file];
    const c = new pg.Client({ connectionString: inject('dbs').village.migrationUrl });
    await c.connect();
    try {
      const rows = await c.query<{ id: number; name: string }>(`select id, name from ${table} where village_code = $1 and external_id = $2`, [V, ext]);
      expect(rows.rows).toEqual([{ id: Number(made.id), name: `来自文件${RUN}` }]);
    } finally {
      await c.end();
    }
  });
});
