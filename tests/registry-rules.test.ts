import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { makeCitizenId, parseCitizenId } from '../domain/citizen-id.ts';
import { readDivisions } from '../domain/divisions.ts';
import { checkTagsForAge } from '../domain/tags.ts';
import { postImport, postJson, startHub, type ImportEvent, type Nodes, type TestHub } from './helpers/hub.ts';
import { testScratch } from './helpers/scratch.ts';
import { expireAgedTags } from '../subgraphs/village/src/registry/aged-tags.ts';
import { chinaDay } from '../domain/china-day.ts';

/**
 * The registry's rule bugs (issue "The registry in daily use", part 7), each
 * through the gateway on both write paths where it has two: an ID number of
 * no province, key-youth tags outside ages 6–25, households above 8, an
 * address left in the old village, patrol teams and patrols filed on the
 * village's first grid, and make-residents' "outside" grid inside the county.
 * Writes go to two villages of 卓尼县 (623022101) no other test writes to.
 */
const run = promisify(execFile);
const NODE = process.execPath;
const A = '623022101203';
const B = '623022101204';
const RUN = Date.now();
let hub: TestHub;
let db: pg.Client;
let writer: string;

beforeAll(async () => {
  hub = await startHub();
  db = new pg.Client({ connectionString: inject('dbs').village.migrationUrl });
  await db.connect();
  writer = await hub.token({ jurisdiction: '623022', scopes: ['read', 'write', 'pii'], subject: `rules-${RUN}` });
}, 180_000);
afterAll(async () => {
  await db?.end();
  await hub?.stop();
});

type Errors = { errors?: { message: string; extensions?: Record<string, unknown> }[] };
const code = (r: Errors) => r.errors?.[0]?.extensions?.code;

/** The English message of the error `fn` throws (hub errors carry it beside the Chinese one); '' when it throws none. */
function englishOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    const en = (e as { extensions?: { en?: unknown } }).extensions?.en;
    return typeof en === 'string' ? en : String(e);
  }
  return '';
}

/** YYYY-MM-DD, `years` years and `days` days before today (China time). */
function ago(years: number, days = 0): string {
  const now = new Date(Date.now() + 8 * 3_600_000);
  const d = new Date(Date.UTC(now.getUTCFullYear() - years, now.getUTCMonth(), now.getUTCDate() - days));
  return d.toISOString().slice(0, 10);
}
let seq = 600;
/** A fresh valid ID number of 卓尼县 for this birth date (sequences above any the seed uses). */
const freshId = (birth: string) => makeCitizenId('623022', birth, seq++);

async function register(input: Record<string, unknown>) {
  return hub.queryAs<{ registerPerson: { id: string; version: number; tags: string[] } }>(
    writer,
    `mutation($i: PersonInput!) { registerPerson(input: $i) { id version tags } }`,
    { i: { name: '规则测试', ethnicity: '汉族', residency: 'REGISTERED', gridCode: `${A}001`, ...input } },
  );
}

/** Posts a residents file to the gateway's import; the rejects it streams back. */
async function importResidents(csv: string): Promise<{ rejects: ImportEvent[]; done: ImportEvent | Record<string, never> }> {
  const r = await postImport(hub.gatewayUrl, writer, 'residents', csv, `rules-${RUN}-${seq++}`);
  expect(r.status).toBe(200);
  return { rejects: r.rejects, done: r.done ?? {} };
}

describe('ID numbers name a province of the division directory', () => {
  it('takes every province of the directory and refuses codes of none (99, 71)', () => {
    const provinces = readDivisions('provinces', ['1', '2', '3', '4', '5', '6', '7', '8', '9']).map((p) => p.code);
    expect(provinces).toHaveLength(31);
    for (const p of provinces) expect(parseCitizenId(makeCitizenId(`${p}0101`, '1990-01-01', 11)).addressCode).toBe(`${p}0101`);
    for (const bad of ['999999', '710101', '200101', '900101']) {
      expect(
        englishOf(() => parseCitizenId(makeCitizenId(bad, '1990-01-01', 11))),
        bad,
      ).toMatch(`no province has code ${bad.slice(0, 2)}`);
    }
  });

  it('refuses an ID number with area code 999999 in a form and in a file, writing nothing', async () => {
    const id = makeCitizenId('999999', '1990-01-01', 11);
    const r = await register({ idNumber: id });
    expect(code(r)).toBe('BAD_USER_INPUT');
    expect(r.errors![0]!.message).toMatch(/no province has code 99/);
    const file = await importResidents(`id_number,name,ethnicity,residency,grid_code\n${id},规则测试,汉族,REGISTERED,${A}001\n`);
    // The rule's stable name is the form's (extensions.rule), for programs that sort rejects.
    expect(r.errors![0]!.extensions!.rule).toBe('idNumberProvince');
    expect(file.rejects).toEqual([
      { type: 'reject', line: 2, field: 'id_number', code: 'BAD_USER_INPUT', rule: 'idNumberProvince', reason: expect.stringMatching(/99/) },
    ]);
    expect((await db.query(`select count(*)::int as n from person where id_number = $1`, [id])).rows[0].n).toBe(0);
  });
});

describe('民族 is a GB/T 3304 name', () => {
  it('refuses 火星族 and a mis-decoded 汉族 in a form and in a file, and keeps 汉 as 汉族', async () => {
    const bad = await register({ idNumber: freshId('1990-01-01'), ethnicity: '火星族' });
    expect(code(bad)).toBe('BAD_USER_INPUT');
    expect(bad.errors![0]!.extensions).toMatchObject({ argument: 'ethnicity', rule: 'ethnicityName' });
    const [x, y] = [freshId('1990-01-02'), freshId('1990-01-03')];
    const file = await importResidents(
      `id_number,name,ethnicity,residency,grid_code\n${x},规则测试,姹夋棌,REGISTERED,${A}001\n${y},规则测试,汉,REGISTERED,${A}001\n`,
    );
    expect(file.rejects).toEqual([
      { type: 'reject', line: 2, field: 'ethnicity', code: 'BAD_USER_INPUT', rule: 'ethnicityName', reason: expect.stringMatching(/GB\/T 3304/) },
    ]);
    const stored = await db.query(`select id_number, ethnicity from person where id_number = any($1) order by 1`, [[x, y]]);
    expect(stored.rows).toEqual([{ id_number: y, ethnicity: '汉族' }]);
  });
});

describe('key-youth tags apply by age, 6 to 25 (GB/T 31000 重点青少年)', () => {
  it('is one rule with its boundaries on the birthdays', () => {
    const today = '2026-06-15';
    const check = (birth: string, tags = ['KEY_YOUTH_IDLE']) => englishOf(() => checkTagsForAge(tags, birth, today));
    expect(check('2020-06-15')).toBe(''); // 6 today
    expect(check('2020-06-16')).toMatch(/aged 6–25; this person is 5/); // turning 6 tomorrow
    expect(check('2000-06-16')).toBe(''); // 25, turning 26 tomorrow
    expect(check('2000-06-15')).toMatch(/this person is 26/); // 26 today
    expect(check('1988-01-01')).toMatch(/this person is 38/);
    expect(check('1988-01-01', ['DRUG_USER', 'EXTREME_POVERTY'])).toBe('');
  });

  it('holds the other tags the law gives an age to: 留守儿童 under 16, 留守老人 60 and over, and sentences from 12', () => {
    const today = '2026-06-15';
    const check = (birth: string, tags: string[]) => englishOf(() => checkTagsForAge(tags, birth, today));
    expect(check('2010-06-16', ['LEFT_BEHIND_CHILD'])).toBe(''); // 15, 16 tomorrow
    expect(check('2010-06-15', ['LEFT_BEHIND_CHILD'])).toMatch(/LEFT_BEHIND_CHILD applies to people aged 0–15; this person is 16/);
    expect(check('1966-06-15', ['LEFT_BEHIND_ELDERLY'])).toBe(''); // 60 today
    expect(check('2026-06-01', ['LEFT_BEHIND_ELDERLY', 'COMMUNITY_CORRECTION'])).toMatch(
      /LEFT_BEHIND_ELDERLY applies to people aged 60 and over; COMMUNITY_CORRECTION applies to people aged 12 and over; this person is 0/,
    );
    // A child and an elder at once is neither.
    expect(check('1980-01-01', ['LEFT_BEHIND_CHILD', 'LEFT_BEHIND_ELDERLY'])).toMatch(/LEFT_BEHIND_CHILD.*LEFT_BEHIND_ELDERLY.*this person is 46/);
  });

  it('refuses KEY_YOUTH tags on a 38-year-old when registering, tagging and importing', async () => {
    const birth = ago(38, 10);
    const r = await register({ idNumber: freshId(birth), tags: ['KEY_YOUTH_BAD_BEHAVIOUR'] });
    expect(code(r)).toBe('BAD_USER_INPUT');
    expect(r.errors![0]!.extensions!.argument).toBe('tags');

    const adult = await register({ idNumber: freshId(birth) });
    expect(adult.errors).toBeUndefined();
    const tag = await hub.queryAs(writer, `mutation { tagPerson(id: "${adult.data!.registerPerson.id}", tags: [KEY_YOUTH_IDLE]) { tags } }`);
    expect(code(tag)).toBe('BAD_USER_INPUT');
    const other = await hub.queryAs<{ tagPerson: { tags: string[] } }>(
      writer,
      `mutation { tagPerson(id: "${adult.data!.registerPerson.id}", tags: [EXTREME_POVERTY]) { tags } }`,
    );
    expect(other.data!.tagPerson.tags).toEqual(['EXTREME_POVERTY']);

    const old = freshId(birth);
    const young = freshId(ago(17, 3));
    const file = await importResidents(
      `id_number,name,ethnicity,residency,tags,grid_code\n${old},规则测试,汉族,REGISTERED,KEY_YOUTH_IDLE,${A}001\n${young},规则测试,汉族,REGISTERED,KEY_YOUTH_IDLE,${A}001\n`,
    );
    expect(file.rejects).toEqual([
      { type: 'reject', line: 2, field: 'tags', code: 'BAD_USER_INPUT', rule: 'tagsForAge', reason: expect.stringMatching(/KEY_YOUTH_IDLE.*38/) },
    ]);
    expect(file.done).toMatchObject({ inserted: 1, rejected: 1 });
  });

  it('takes KEY_YOUTH tags from 6 to 25', async () => {
    // Six today, the last day of 25 (26 tomorrow), and 17.
    for (const birth of [ago(6), ago(26, -1), ago(17)]) {
      const r = await register({ idNumber: freshId(birth), tags: ['KEY_YOUTH_CHILD_OF_INMATE'] });
      expect(r.errors, birth).toBeUndefined();
      expect(r.data!.registerPerson.tags).toEqual(['KEY_YOUTH_CHILD_OF_INMATE']);
    }
    const five = await register({ idNumber: freshId(ago(5)), tags: ['KEY_YOUTH_CHILD_OF_INMATE'] });
    expect(code(five)).toBe('BAD_USER_INPUT');
  });
});

describe('tags that end with an age (到龄移除)', () => {
  it('leave a person on the birthday past their ages, keeping the other tags, in the figures and filters at once', async () => {
    // 15 and 25 today, 16 and 26 tomorrow (China time).
    const child = await register({ idNumber: freshId(ago(16, -1)), tags: ['LEFT_BEHIND_CHILD', 'EXTREME_POVERTY'] });
    const youth = await register({ idNumber: freshId(ago(26, -1)), tags: ['KEY_YOUTH_IDLE'] });
    expect(child.errors ?? youth.errors).toBeUndefined();
    const ids = [child.data!.registerPerson.id, youth.data!.registerPerson.id];
    type Seen = {
      village: { population: { byTag: { tag: string; count: number }[] }; residents: { nodes: { id: string }[] } };
      a: { tags: string[]; version: number; history: { nodes: { via: string; by: string; byName: string | null; changedFields: string[] }[] } };
      b: { tags: string[]; version: number };
    };
    const seen = async () => {
      const r = await hub.queryAs<Seen>(
        writer,
        `{ village(code: "${A}") { population { byTag { tag count } } residents(filter: { tags: [LEFT_BEHIND_CHILD] }, first: 500) { nodes { id } } }
           a: person(id: "${ids[0]}") { tags version history(first: 1) { nodes { via by byName changedFields } } }
           b: person(id: "${ids[1]}") { tags version } }`,
      );
      expect(r.errors).toBeUndefined();
      return r.data!;
    };
    const children = (s: Seen) => s.village.population.byTag.find((t) => t.tag === 'LEFT_BEHIND_CHILD')?.count ?? 0;
    const orm = hub.subgraphs.village.orm;

    const before = await seen();
    expect(before.village.residents.nodes.map((n) => n.id)).toContain(ids[0]);
    await expireAgedTags(orm);
    expect(await seen()).toEqual(before);

    const tomorrow = new Date(Date.parse(`${chinaDay()}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    expect(await expireAgedTags(orm, tomorrow)).toBeGreaterThanOrEqual(2);
    const after = await seen();
    expect(after.a).toMatchObject({ tags: ['EXTREME_POVERTY'], version: before.a.version + 1 });
    expect(after.a.history.nodes[0]).toMatchObject({ via: 'SYSTEM', byName: '系统（到龄移除标签）', changedFields: ['tags'] });
    expect(after.b).toEqual({ tags: [], version: before.b.version + 1 });
    expect(after.village.residents.nodes.map((n) => n.id)).not.toContain(ids[0]);
    expect(children(after)).toBe(children(before) - 1);
    // Nothing is left to remove that day.
    expect(await expireAgedTags(orm, tomorrow)).toBe(0);
  });
});

describe('a blank name is refused as blank text is, under rule required', () => {
  /** The code, argument and rule of each error of a write whose name (or number) is `$n`. */
  const refusal = async (mutation: string, n: string, headers: Record<string, string> = {}) => {
    const r = await postJson(hub.gatewayUrl, { query: mutation, variables: { n } }, { authorization: `Bearer ${writer}`, ...headers });
    return { said: r.errors?.map((e) => e.message), why: r.errors?.map((e) => [e.extensions?.code, e.extensions?.argument, e.extensions?.rule]) };
  };
  const person = (extra = '') =>
    `mutation($n: String!) { registerPerson(input: { name: $n, idNumber: "${freshId('1990-05-17')}", ethnicity: "汉族", residency: REGISTERED, gridCode: "${A}001"${extra} }) { id } }`;
  // Spaces, a full-width space, a zero-width space: each shows as nothing in a list of names.
  const BLANKS = ['   ', '\u3000', '\u200b'];

  it('a person’s name: registerPerson and updatePerson say 不能为空白 (rule required), as a hazard’s description does', async () => {
    const zh = await refusal(person(), '   ', { 'accept-language': 'zh' });
    expect(zh).toEqual({ said: ['姓名 不能为空白。'], why: [['BAD_USER_INPUT', 'name', 'required']] });
    for (const n of BLANKS) expect((await refusal(person(), n)).why, JSON.stringify(n)).toEqual([['BAD_USER_INPUT', 'name', 'required']]);
    const made = await hub.queryAs<{ registerPerson: { id: string } }>(writer, person(), { n: '空白测试' });
    expect(made.errors).toBeUndefined();
    const update = `mutation($n: String) { updatePerson(id: "${made.data!.registerPerson.id}", version: 1, input: { name: $n }) { id } }`;
    for (const n of BLANKS) {
      expect(await refusal(update, n), JSON.stringify(n)).toEqual({ said: ['name must not be blank.'], why: [['BAD_USER_INPUT', 'name', 'required']] });
    }
    // A name that is too long is told so under its own rule.
    expect((await refusal(person(), '名'.repeat(51))).why).toEqual([['BAD_USER_INPUT', 'name', 'textLength']]);
  });

  it('grid staff’s and mediators’ names, and the names and numbers of households, sites, groups and teams, say the same', async () => {
    const writes = [
      `mutation($n: String) { createGridStaff(input: { gridCode: "${A}001", role: LINKED_OFFICE_CADRE, name: $n }) { id } }`,
      `mutation($n: String) { createMediator(input: { committeeId: "1", name: $n }) { id } }`,
      `mutation($n: String!) { registerHousehold(input: { gridCode: "${A}001", number: $n }) { id } }`,
      `mutation($n: String!) { registerSite(input: { gridCode: "${A}001", name: $n, kind: MARKET }) { id } }`,
      `mutation($n: String!) { createJointDefenseGroup(input: { gridCode: "${A}001", name: $n, householdIds: [], leaderId: "1" }) { id } }`,
      `mutation($n: String!) { createPatrolTeam(input: { villageCode: "${A}", gridCode: "${A}001", name: $n, kind: VOLUNTEER }) { id } }`,
    ];
    for (const write of writes) {
      const argument = write.includes('registerHousehold') ? 'number' : 'name';
      for (const n of BLANKS) expect((await refusal(write, n)).why, `${write} ${JSON.stringify(n)}`).toEqual([['BAD_USER_INPUT', argument, 'required']]);
    }
  });
});

describe('a household has at most 8 people', () => {
  it('takes the 8th member and refuses the 9th, when registering and when moving someone in', async () => {
    const h = await hub.queryAs<{ registerHousehold: { id: string } }>(
      writer,
      `mutation { registerHousehold(input: { gridCode: "${A}001", number: "规则-${RUN}" }) { id } }`,
    );
    expect(h.errors).toBeUndefined();
    const householdId = h.data!.registerHousehold.id;
    for (let i = 0; i < 8; i++) {
      const r = await register({ idNumber: freshId(ago(30 + i)), householdId });
      expect(r.errors, `member ${i + 1}`).toBeUndefined();
    }
    const ninth = await register({ idNumber: freshId(ago(40)), householdId });
    expect(code(ninth)).toBe('BAD_USER_INPUT');
    expect(ninth.errors![0]!.message).toMatch(/already has 8 members; a household has at most 8/);

    const outsider = await register({ idNumber: freshId(ago(41)) });
    const id = outsider.data!.registerPerson.id;
    const move = await hub.queryAs(writer, `mutation { updatePerson(id: "${id}", version: 1, input: { householdId: "${householdId}" }) { id } }`);
    expect(code(move)).toBe('BAD_USER_INPUT');
    expect((await db.query(`select count(*)::int as n from person where household_id = $1`, [householdId])).rows[0].n).toBe(8);
  });

  it('counts members a grid’s token cannot read: a 9th is refused on the form and in a file', async () => {
    const h = await hub.queryAs<{ registerHousehold: { id: string } }>(
      writer,
      `mutation { registerHousehold(input: { gridCode: "${A}001", number: "规则-跨网格-${RUN}" }) { id } }`,
    );
    const householdId = h.data!.registerHousehold.id;
    for (let i = 0; i < 8; i++) {
      const r = await register({ idNumber: freshId(ago(50 + i)), householdId, gridCode: `${A}001` });
      expect(r.errors, `member ${i + 1}`).toBeUndefined();
    }
    // Six members live on the next grid, two on the household's own: a household as registered before its members
    // had to live on its grid (householdGrid), which the hub no longer writes but may still hold.
    await db.query(
      `update person set grid_code = $2 where id in (select id from person where household_id = $1 and id <> (select head_id from household where id = $1) order by id limit 6)`,
      [householdId, `${A}002`],
    );
    const grid = await hub.token({ jurisdiction: `${A}001`, scopes: ['read', 'write'], subject: `rules-grid-${RUN}` });
    const seen = await hub.queryAs<{ household: { members: unknown[] } }>(grid, `{ household(id: "${householdId}") { members { id } } }`);
    expect(seen.data!.household.members).toHaveLength(2);
    const ninth = await hub.queryAs(grid, `mutation($i: PersonInput!) { registerPerson(input: $i) { id } }`, {
      i: { name: '规则测试', ethnicity: '汉族', residency: 'REGISTERED', gridCode: `${A}001`, idNumber: freshId(ago(60)), householdId },
    });
    expect(code(ninth)).toBe('BAD_USER_INPUT');
    expect(ninth.errors![0]!.extensions).toMatchObject({ argument: 'householdId', rule: 'householdFull' });
    const file = await postImport(
      hub.gatewayUrl,
      grid,
      'residents',
      `id_number,name,ethnicity,residency,grid_code,household_id\n${freshId(ago(61))},规则测试,汉族,REGISTERED,${A}001,${householdId}\n`,
      `rules-grid-${RUN}`,
    );
    expect(file.rejects).toEqual([expect.objectContaining({ line: 2, field: 'household_id', code: 'BAD_USER_INPUT', rule: 'householdFull' })]);
    expect((await db.query(`select count(*)::int as n from person where household_id = $1`, [householdId])).rows[0].n).toBe(8);
  });

  it('counts only the rows it takes: a row refused for another rule leaves its place in the household to the next', async () => {
    const household = async (n: string) =>
      (
        await hub.queryAs<{ registerHousehold: { id: string } }>(
          writer,
          `mutation { registerHousehold(input: { gridCode: "${A}001", number: "规则-${n}-${RUN}" }) { id } }`,
        )
      ).data!.registerHousehold.id;
    const seven = await household('七人');
    for (let i = 0; i < 7; i++) expect((await register({ idNumber: freshId(ago(20 + i)), householdId: seven })).errors, `member ${i + 1}`).toBeUndefined();
    // The head of another household may not leave it (headLeaves): refused, it is not the eighth member.
    const other = await household('另户');
    const head = (await register({ idNumber: freshId(ago(70)), householdId: other })).data!.registerPerson.id;
    const mover = (await register({ idNumber: freshId(ago(71)) })).data!.registerPerson.id;
    const file = await postImport(hub.gatewayUrl, writer, 'residents', `id,household_id\n${head},${seven}\n${mover},${seven}\n`, `rules-eighth-${RUN}`);
    expect(file.rejects).toEqual([expect.objectContaining({ line: 2, field: 'household_id', rule: 'headLeaves' })]);
    expect(file.done).toMatchObject({ updated: 1, rejected: 1 });
    expect((await db.query(`select count(*)::int as n from person where household_id = $1`, [seven])).rows[0].n).toBe(8);
  });
});

describe('an address lies in the person’s village', () => {
  it('clears the old village’s address when a person moves to another village, and takes one of the new village', async () => {
    const address = async (village: string, n: string) =>
      (
        await hub.queryAs<{ registerAddress: { id: string } }>(
          writer,
          `mutation { registerAddress(input: { gridCode: "${village}001", number: "规则${n}-${RUN}", text: "规则测试地址${n}" }) { id } }`,
        )
      ).data!.registerAddress.id;
    const inA = await address(A, 'A');
    const inB = await address(B, 'B');
    const p = await register({ idNumber: freshId(ago(33)), addressId: inA });
    expect(p.errors).toBeUndefined();
    const id = p.data!.registerPerson.id;
    type Moved = { updatePerson: { version: number; village: { code: string }; address: { id: string } | null } };
    const moved = await hub.queryAs<Moved>(
      writer,
      `mutation { updatePerson(id: "${id}", version: 1, input: { gridCode: "${B}002" }) { version village { code } address { id } } }`,
    );
    expect(moved.errors).toBeUndefined();
    expect(moved.data!.updatePerson).toEqual({ version: 2, village: { code: B }, address: null });

    const withOld = await hub.queryAs(writer, `mutation { updatePerson(id: "${id}", version: 2, input: { addressId: "${inA}" }) { id } }`);
    expect(code(withOld)).toBe('BAD_USER_INPUT');
    const withNew = await hub.queryAs<Moved>(
      writer,
      `mutation { updatePerson(id: "${id}", version: 2, input: { addressId: "${inB}" }) { version address { id } } }`,
    );
    expect(withNew.data!.updatePerson.address).toEqual({ id: inB });
    // Back to A with B's address: refused, and nothing changes.
    const back = await hub.queryAs(writer, `mutation { updatePerson(id: "${id}", version: 3, input: { gridCode: "${A}001", addressId: "${inB}" }) { id } }`);
    expect(code(back)).toBe('BAD_USER_INPUT');
    // Moving within the village keeps the address.
    const within = await hub.queryAs<Moved>(
      writer,
      `mutation { updatePerson(id: "${id}", version: 3, input: { gridCode: "${B}001" }) { version village { code } address { id } } }`,
    );
    expect(within.data!.updatePerson).toEqual({ version: 4, village: { code: B }, address: { id: inB } });
    const row = (await db.query(`select village_code, address_id::text from person where id = $1`, [id])).rows[0];
    expect(row).toEqual({ village_code: B, address_id: inB });
  });
});

describe('a household’s members live on its grid, at its address', () => {
  // A caller of its own: registering counts against a caller's minute of ID-number lookups, which the tests before
  // spend (tests/lookup-quota.test.ts).
  beforeAll(async () => {
    writer = await hub.token({ jurisdiction: '623022', scopes: ['read', 'write', 'pii'], subject: `rules-grid-${RUN}` });
  });
  type Placed = { id: string; version: number; grid: { code: string }; address: { id: string } | null; household: { id: string } | null };
  const PLACED = 'id version grid { code } address { id } household { id }';
  /** A household of village A on `grid` at a new address there; its id and the address's. */
  const household = async (grid: string, n: string) => {
    const a = await hub.queryAs<{ registerAddress: { id: string } }>(
      writer,
      `mutation { registerAddress(input: { gridCode: "${grid}", number: "户网格${n}-${RUN}", text: "户网格测试地址${n}" }) { id } }`,
    );
    const h = await hub.queryAs<{ registerHousehold: { id: string } }>(
      writer,
      `mutation { registerHousehold(input: { gridCode: "${grid}", number: "户网格${n}-${RUN}", addressId: "${a.data!.registerAddress.id}" }) { id } }`,
    );
    expect(h.errors).toBeUndefined();
    return { id: h.data!.registerHousehold.id, address: a.data!.registerAddress.id };
  };

  it('registers a person into a household on its grid and address, and refuses another grid', async () => {
    const h = await household(`${A}002`, 'reg');
    const newborn = await hub.queryAs<{ registerPerson: Placed }>(writer, `mutation($i: PersonInput!) { registerPerson(input: $i) { ${PLACED} } }`, {
      i: { name: '户网格新生', ethnicity: '汉族', residency: 'REGISTERED', idNumber: freshId(ago(0, 20)), gridCode: `${A}002`, householdId: h.id },
    });
    expect(newborn.errors).toBeUndefined();
    expect(newborn.data!.registerPerson).toMatchObject({ grid: { code: `${A}002` }, address: { id: h.address }, household: { id: h.id } });
    const elsewhere = await register({ idNumber: freshId(ago(30)), gridCode: `${A}001`, householdId: h.id });
    expect(elsewhere.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'householdGrid', argument: 'gridCode' });
  });

  it('moves a person who joins a household onto its grid and address, and keeps a member from leaving its grid alone', async () => {
    const h = await household(`${A}002`, 'upd');
    const head = await register({ idNumber: freshId(ago(45)), gridCode: `${A}002`, householdId: h.id });
    expect(head.errors).toBeUndefined();
    const p = await register({ idNumber: freshId(ago(40)), gridCode: `${A}001` });
    expect(p.errors).toBeUndefined();
    const id = p.data!.registerPerson.id;
    const joined = await hub.queryAs<{ updatePerson: Placed }>(
      writer,
      `mutation { updatePerson(id: "${id}", version: 1, input: { householdId: "${h.id}" }) { ${PLACED} } }`,
    );
    expect(joined.errors).toBeUndefined();
    expect(joined.data!.updatePerson).toMatchObject({ version: 2, grid: { code: `${A}002` }, address: { id: h.address }, household: { id: h.id } });
    // The whole household is on one grid: a member who names another grid alone is refused, and nothing changes.
    const alone = await hub.queryAs(writer, `mutation { updatePerson(id: "${id}", version: 2, input: { gridCode: "${A}003" }) { id } }`);
    expect(alone.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'householdGrid', argument: 'gridCode' });
    const both = await hub.queryAs(writer, `mutation { updatePerson(id: "${id}", version: 2, input: { gridCode: "${A}001", householdId: "${h.id}" }) { id } }`);
    expect(both.errors?.[0]?.extensions).toMatchObject({ rule: 'householdGrid' });
    // Leaving the household frees the grid.
    const left = await hub.queryAs<{ updatePerson: Placed }>(
      writer,
      `mutation { updatePerson(id: "${id}", version: 2, input: { gridCode: "${A}003", householdId: null }) { ${PLACED} } }`,
    );
    expect(left.errors).toBeUndefined();
    expect(left.data!.updatePerson).toMatchObject({ version: 3, grid: { code: `${A}003` }, household: null });
    const row = (await db.query(`select grid_code, household_id from person where id = $1`, [id])).rows[0];
    expect(row).toEqual({ grid_code: `${A}003`, household_id: null });
  });

  it('refuses a file row that puts a person on another grid than the household it names', async () => {
    const h = await household(`${A}002`, 'file');
    const number = `户网格file-${RUN}`;
    const { rejects, done } = await importResidents(
      [
        'id_number,name,ethnicity,residency,grid_code,household_number',
        `${freshId(ago(50))},户网格甲,汉族,REGISTERED,${A}002,${number}`,
        `${freshId(ago(51))},户网格乙,汉族,REGISTERED,${A}001,${number}`,
      ].join('\n'),
    );
    expect(rejects.map((r) => [r.line, r.field, r.rule])).toEqual([[3, 'grid_code', 'householdGrid']]);
    expect(done).toMatchObject({ inserted: 1 });
    const members = (await db.query(`select address_id::text from person where household_id = $1`, [h.id])).rows;
    expect(members).toEqual([{ address_id: h.address }]);
  });
});

describe('patrol teams and patrols sit on the grid they name', () => {
  const ONE_GRID_VILLAGE = '659004999201';
  const firstResidents = async (n: number): Promise<string[]> =>
    (await db.query(`select id::text from person where village_code = $1 order by id limit $2`, [A, n])).rows.map((r: { id: string }) => r.id);
  /** A militia team on A's first grid with these members; its id. */
  const militiaTeam = async (name: string, memberIds: string[]): Promise<string> => {
    const team = await hub.queryAs<{ createPatrolTeam: { id: string } }>(
      writer,
      `mutation($n: String!, $m: [ID!]) { createPatrolTeam(input: { villageCode: "${A}", gridCode: "${A}001", name: $n, kind: MILITIA, memberIds: $m }) { id } }`,
      { n: name, m: memberIds },
    );
    expect(team.errors).toBeUndefined();
    return team.data!.createPatrolTeam.id;
  };

  beforeAll(async () => {
    // The directory gives every village of the seed counties 5–6 grids; a village of one grid is made here, outside every loaded county.
    await db.query(
      `insert into village (code, name, kind, township_code, county_code) values ($1, '单网格测试村', 'VILLAGE', left($1, 9), left($1, 6)) on conflict do nothing`,
      [ONE_GRID_VILLAGE],
    );
    await db.query(
      `insert into grid (code, name, village_code, county_code) values ($1 || '001', '单网格测试村第1网格', $1, left($1, 6)) on conflict do nothing`,
      [ONE_GRID_VILLAGE],
    );
  });

  it('files a team on its grid, so Grid.patrolTeams lists it there and only there', async () => {
    const members = (await db.query(`select id::text from person where village_code = $1 order by id limit 4`, [A])).rows.map((r: { id: string }) => r.id);
    const create = (extra: string) =>
      hub.queryAs<{ createPatrolTeam: { id: string; grid: { code: string }; village: { code: string } } }>(
        writer,
        `mutation($m: [ID!]) { createPatrolTeam(input: { villageCode: "${A}", name: "规则测试巡逻队", kind: RED_ARMBAND, memberIds: $m${extra} }) { id grid { code } village { code } } }`,
        { m: members },
      );
    const unnamed = await create('');
    expect(code(unnamed)).toBe('BAD_USER_INPUT');
    expect(unnamed.errors![0]!.message).toMatch(/grids: give the gridCode/);
    expect(code(await create(`, gridCode: "${B}001"`))).toBe('BAD_USER_INPUT');
    expect(code(await create(`, gridCode: "623021100001001"`))).toBe('FORBIDDEN');

    const team = await create(`, gridCode: "${A}003"`);
    expect(team.errors).toBeUndefined();
    expect(team.data!.createPatrolTeam).toMatchObject({ grid: { code: `${A}003` }, village: { code: A } });
    const tid = team.data!.createPatrolTeam.id;
    type Teams = { third: { patrolTeams: Nodes<{ id: string }> }; first: { patrolTeams: Nodes<{ id: string }> } };
    const lists = await hub.queryAs<Teams>(
      writer,
      `{ third: grid(code: "${A}003") { patrolTeams(first: 500) { nodes { id } } } first: grid(code: "${A}001") { patrolTeams(first: 500) { nodes { id } } } }`,
    );
    expect(lists.data!.third.patrolTeams.nodes.map((t) => t.id)).toContain(tid);
    expect(lists.data!.first.patrolTeams.nodes.map((t) => t.id)).not.toContain(tid);

    // A village of one grid: the grid may go unnamed.
    const only = await hub.query<{ createPatrolTeam: { grid: { code: string } } }>(
      `mutation { createPatrolTeam(input: { villageCode: "${ONE_GRID_VILLAGE}", name: "单网格巡逻队", kind: VOLUNTEER }) { grid { code } } }`,
    );
    expect(only.errors).toBeUndefined();
    expect(only.data!.createPatrolTeam.grid.code).toBe(`${ONE_GRID_VILLAGE}001`);
  });

  it('files a patrol on the grid patrolled, not on its first hazard’s or the team’s', async () => {
    const members = await firstResidents(3);
    const tid = await militiaTeam('规则测试巡逻二队', members);
    const patrol = (gridCode?: string) =>
      hub.queryAs<{ recordPatrol: { id: string; grid: { code: string }; hazards: { grid: { code: string } }[] } }>(
        writer,
        `mutation($i: PatrolInput!) { recordPatrol(input: $i) { id grid { code } hazards { grid { code } } } }`,
        {
          i: {
            teamId: tid,
            ...(gridCode ? { gridCode } : {}),
            startedAt: '2026-04-02T19:00:00+08:00',
            endedAt: '2026-04-02T20:30:00+08:00',
            participantIds: members.slice(0, 2),
            hazards: [{ kind: 'FIRE', description: '柴草堆放', gridCode: `${A}004` }],
          },
        },
      );
    expect(code(await patrol())).toBe('BAD_USER_INPUT');
    expect(code(await patrol(`${B}001`))).toBe('BAD_USER_INPUT');
    const p = await patrol(`${A}002`);
    expect(p.errors).toBeUndefined();
    expect(p.data!.recordPatrol.grid.code).toBe(`${A}002`);
    expect(p.data!.recordPatrol.hazards).toEqual([{ grid: { code: `${A}004` } }]);
    const listed = await hub.queryAs<{ grid: { patrols: Nodes<{ id: string }> } }>(
      writer,
      `{ grid(code: "${A}002") { patrols(from: "2026-04-02", to: "2026-04-02", first: 500) { nodes { id } } } }`,
    );
    expect(listed.data!.grid.patrols.nodes.map((x) => x.id)).toContain(p.data!.recordPatrol.id);
  });

  it('files a hazard found on a patrol on the patrol’s grid when it names none, and checks one it names as before', async () => {
    const members = await firstResidents(2);
    const teamId = await militiaTeam(`规则测试巡逻三队-${RUN}`, members);
    const patrol = (day: string, hazards: Record<string, unknown>[]) =>
      hub.queryAs<{ recordPatrol: { grid: { code: string }; hazards: { description: string; grid: { code: string } }[] } }>(
        writer,
        `mutation($i: PatrolInput!) { recordPatrol(input: $i) { grid { code } hazards { description grid { code } } } }`,
        {
          i: {
            teamId,
            gridCode: `${A}002`,
            startedAt: `2026-04-${day}T19:00:00+08:00`,
            endedAt: `2026-04-${day}T20:30:00+08:00`,
            participantIds: members,
            hazards,
          },
        },
      );
    const p = await patrol('03', [
      { kind: 'ELECTRICAL', description: '电线老化' },
      { kind: 'FIRE', description: '柴草堆放', gridCode: `${A}004` },
    ]);
    expect(p.errors).toBeUndefined();
    expect(p.data!.recordPatrol).toEqual({
      grid: { code: `${A}002` },
      hazards: expect.arrayContaining([
        { description: '电线老化', grid: { code: `${A}002` } },
        { description: '柴草堆放', grid: { code: `${A}004` } },
      ]) as unknown,
    });
    // A grid it names is still one of the team's village, and the patrol is not recorded without it.
    const elsewhere = await patrol('04', [{ kind: 'FIRE', description: '柴草堆放', gridCode: `${B}001` }]);
    expect(elsewhere.errors?.map((e) => [e.extensions?.code, e.extensions?.argument])).toEqual([['BAD_USER_INPUT', 'hazards']]);
    const listed = await hub.queryAs<{ grid: { patrols: Nodes<{ id: string }> } }>(
      writer,
      `{ grid(code: "${A}002") { patrols(from: "2026-04-04", to: "2026-04-04", first: 500) { nodes { id } } } }`,
    );
    expect(listed.data!.grid.patrols.nodes).toEqual([]);
  });
});

describe('a household changes grid only with its members', () => {
  it('refuses a households row moving a household with members to another grid of its village (householdGridAlone), leaving household and members where they are; an empty household moves', async () => {
    const hh = (
      await db.query(
        `select h.id, h.number, h.version from household h where h.grid_code = $1 and exists (select 1 from person p where p.household_id = h.id) order by h.id limit 1`,
        [`${A}001`],
      )
    ).rows[0];
    const file = await postImport(hub.gatewayUrl, writer, 'households', `id,grid_code,version\n${hh.id},${A}002,${hh.version}\n`, `rules-hh-grid-${RUN}`);
    expect(file.rejects.map((r) => [r.line, r.field, r.code, r.rule])).toEqual([[2, 'grid_code', 'BAD_USER_INPUT', 'householdGridAlone']]);
    expect(file.done).toMatchObject({ updated: 0, rejected: 1 });
    const grids = await db.query(`select distinct grid_code from person where household_id = $1 union select grid_code from household where id = $1`, [hh.id]);
    expect(grids.rows.map((r) => r.grid_code)).toEqual([`${A}001`]);
    // A household no one lives in yet has no members to leave behind.
    const empty = await postImport(hub.gatewayUrl, writer, 'households', `number,grid_code\n空户${RUN},${A}001\n`, `rules-hh-empty-${RUN}`);
    expect(empty.done).toMatchObject({ inserted: 1, rejected: 0 });
    const moved = await postImport(hub.gatewayUrl, writer, 'households', `number,grid_code\n空户${RUN},${A}002\n`, `rules-hh-empty-move-${RUN}`);
    expect(moved.done).toMatchObject({ updated: 1, rejected: 0 });
  });
});

describe('a house and the households living in it agree (实有房屋 and 户)', () => {
  type Rec = { id: string; version: number };
  type HH = Rec & { address: { id: string } | null; house: { id: string } | null };
  const HH_FIELDS = 'id version address { id } house { id }';
  let n = 0;
  const address = async (grid = `${A}001`) =>
    (
      await hub.dataAs<{ registerAddress: Rec & { number: string } }>(
        writer,
        `mutation { registerAddress(input: { gridCode: "${grid}", number: "房户地址${RUN}-${++n}", text: "房户测试地址${n}" }) { id version number } }`,
      )
    ).registerAddress;
  const house = async (addressId: string | null, grid = `${A}001`) =>
    (
      await hub.dataAs<{ registerHouse: Rec & { number: string } }>(writer, `mutation($i: HouseInput!) { registerHouse(input: $i) { id version number } }`, {
        i: { gridCode: grid, number: `房户${RUN}-${++n}`, use: 'SELF_OCCUPIED', addressId },
      })
    ).registerHouse;
  const household = (input: Record<string, unknown>) =>
    hub.queryAs<{ registerHousehold: HH }>(writer, `mutation($i: HouseholdInput!) { registerHousehold(input: $i) { ${HH_FIELDS} } }`, {
      i: { gridCode: `${A}001`, number: `房户户${RUN}-${++n}`, ...input },
    });
  const houseRow = async (id: string) => (await db.query(`select use, grid_code, version from house where id = $1`, [id])).rows[0];

  it('refuses VACANT for a house households live in, on the form and in a houses file (houseOccupied), and takes it once they have left', async () => {
    const at = await address();
    const h = await house(at.id);
    const lived = (await household({ houseId: h.id })).data!.registerHousehold;
    const form = await hub.queryAs(writer, `mutation { updateHouse(id: "${h.id}", version: ${h.version}, input: { use: VACANT }) { id use } }`);
    expect(form.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', rule: 'houseOccupied', argument: 'use' });
    expect(form.errors![0]!.message).toMatch(/^use .*moveHousehold/);
    const file = await postImport(hub.gatewayUrl, writer, 'houses', `id,use,version\n${h.id},VACANT,${h.version}\n`, `rules-vacant-${RUN}`);
    expect(file.rejects.map((r) => [r.line, r.field, r.code, r.rule])).toEqual([[2, 'use', 'CONFLICT', 'houseOccupied']]);
    expect(await houseRow(h.id)).toMatchObject({ use: 'SELF_OCCUPIED', version: h.version });
    // The household leaves the house (its own grid, houseId: null): the house may stand empty.
    await hub.dataAs(writer, `mutation { moveHousehold(id: "${lived.id}", version: ${lived.version}, input: { gridCode: "${A}001", houseId: null }) { id } }`);
    const empty = await hub.queryAs(writer, `mutation { updateHouse(id: "${h.id}", version: ${h.version}, input: { use: VACANT }) { use } }`);
    expect(empty.errors).toBeUndefined();
    expect(empty.data).toEqual({ updateHouse: { use: 'VACANT' } });
  });

  it('refuses a houses row moving a house households live in to another grid (houseGridAlone); an empty house moves', async () => {
    const h = await house(null);
    const lived = await household({ houseId: h.id });
    expect(lived.errors).toBeUndefined();
    const file = await postImport(hub.gatewayUrl, writer, 'houses', `id,grid_code,version\n${h.id},${A}003,${h.version}\n`, `rules-house-grid-${RUN}`);
    expect(file.rejects.map((r) => [r.line, r.field, r.code, r.rule])).toEqual([[2, 'grid_code', 'CONFLICT', 'houseGridAlone']]);
    expect(file.done).toMatchObject({ updated: 0, rejected: 1 });
    expect(await houseRow(h.id)).toMatchObject({ grid_code: `${A}001` });
    const free = await house(null);
    const moved = await postImport(
      hub.gatewayUrl,
      writer,
      'houses',
      `id,grid_code,version\n${free.id},${A}003,${free.version}\n`,
      `rules-house-grid-free-${RUN}`,
    );
    expect(moved.done).toMatchObject({ updated: 1, rejected: 0 });
  });

  it('puts a household registered into a house at the house’s address, its members too, and refuses another (householdAddress)', async () => {
    const at = await address();
    const other = await address();
    const h = await house(at.id);
    const taken = await household({ houseId: h.id });
    expect(taken.errors).toBeUndefined();
    expect(taken.data!.registerHousehold).toMatchObject({ address: { id: at.id }, house: { id: h.id } });
    const member = await register({ idNumber: freshId(ago(35)), householdId: taken.data!.registerHousehold.id });
    expect(member.errors).toBeUndefined();
    const m = (await db.query(`select address_id::text from person where id = $1`, [member.data!.registerPerson.id])).rows[0];
    expect(m).toEqual({ address_id: at.id });
    const same = await household({ houseId: h.id, addressId: at.id });
    expect(same.errors).toBeUndefined();
    const elsewhere = await household({ houseId: h.id, addressId: other.id });
    expect(elsewhere.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      rule: 'householdAddress',
      argument: 'addressId',
      houseAddressId: at.id,
      addressId: other.id,
    });
    expect(elsewhere.errors![0]!.message).toContain(`${at.id}`);
    expect(elsewhere.errors![0]!.message).toContain(`${other.id}`);
    // Changing the address of a household in a house alone (a file row: the form has no address to change) is the same mistake.
    const hh = taken.data!.registerHousehold;
    // Its first member became its head, a new version.
    const { version } = (await db.query(`select version from household where id = $1`, [hh.id])).rows[0];
    const alone = await postImport(hub.gatewayUrl, writer, 'households', `id,address_id,version\n${hh.id},${other.id},${version}\n`, `rules-hh-alone-${RUN}`);
    expect(alone.rejects.map((r) => [r.line, r.field, r.rule])).toEqual([[2, 'address_id', 'householdAddress']]);
  });

  it('does the same in a households file: the house’s address when none is given, another refused naming both', async () => {
    const at = await address();
    const other = await address();
    const h = await house(at.id);
    const taken = `房户文件甲${RUN}`;
    const file = await postImport(
      hub.gatewayUrl,
      writer,
      'households',
      ['number,grid_code,house_number,address_number', `${taken},${A}001,${h.number},`, `房户文件乙${RUN},${A}001,${h.number},${other.number}`].join('\n'),
      `rules-hh-address-${RUN}`,
    );
    expect(file.rejects.map((r) => [r.line, r.field, r.code, r.rule])).toEqual([[3, 'address_number', 'BAD_USER_INPUT', 'householdAddress']]);
    expect(file.rejects[0]!.reason).toContain(at.id);
    expect(file.rejects[0]!.reason).toContain(other.id);
    const row = (await db.query(`select address_id::text from household where village_code = $1 and number = $2`, [A, taken])).rows[0];
    expect(row).toEqual({ address_id: at.id });
  });

  it('moves a household into a house at the house’s address, and refuses another address (householdAddress)', async () => {
    const at = await address();
    const other = await address();
    const h = await house(at.id);
    const hh = (await household({ addressId: other.id })).data!.registerHousehold;
    const wrong = await hub.queryAs(
      writer,
      `mutation { moveHousehold(id: "${hh.id}", version: ${hh.version}, input: { gridCode: "${A}001", houseId: "${h.id}", addressId: "${other.id}" }) { id } }`,
    );
    expect(wrong.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'householdAddress', houseAddressId: at.id, addressId: other.id });
    const moved = await hub.queryAs<{ moveHousehold: HH }>(
      writer,
      `mutation { moveHousehold(id: "${hh.id}", version: ${hh.version}, input: { gridCode: "${A}001", houseId: "${h.id}" }) { ${HH_FIELDS} } }`,
    );
    expect(moved.errors).toBeUndefined();
    expect(moved.data!.moveHousehold).toMatchObject({ address: { id: at.id }, house: { id: h.id } });
  });

  const hhRow = async (id: string) =>
    (await db.query(`select grid_code, address_id::text, house_id::text, version from household where id = $1`, [id])).rows[0];
  const addressOf = async (personId: string) => (await db.query(`select address_id::text from person where id = $1`, [personId])).rows[0]!.address_id;

  it('refuses a household and its house on different grids (householdHouseGrid), registered, moved or filed, naming the house’s grid', async () => {
    const far = await house(null, `${A}003`);
    const reg = await household({ houseId: far.id });
    expect(reg.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      rule: 'householdHouseGrid',
      argument: 'houseId',
      houseId: far.id,
      houseGridCode: `${A}003`,
      gridCode: `${A}001`,
    });
    expect(reg.errors![0]!.message).toMatch(new RegExp(`^houseId .*house ${far.number} is on grid ${A}003`));
    const file = await postImport(
      hub.gatewayUrl,
      writer,
      'households',
      `number,grid_code,house_id\n房户异格${RUN},${A}001,${far.id}\n`,
      `rules-hh-house-grid-${RUN}`,
    );
    expect(file.rejects.map((r) => [r.line, r.field, r.code, r.rule])).toEqual([[2, 'house_id', 'BAD_USER_INPUT', 'householdHouseGrid']]);
    expect(file.rejects[0]!.reason).toContain(`${A}003`);
    // A household in a house on its grid: moved to another grid keeping the house, or into a house of another grid.
    const near = await house(null);
    const hh = (await household({ houseId: near.id })).data!.registerHousehold;
    const keeping = await hub.queryAs(writer, `mutation { moveHousehold(id: "${hh.id}", version: ${hh.version}, input: { gridCode: "${A}003" }) { id } }`);
    expect(keeping.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      rule: 'householdHouseGrid',
      argument: 'gridCode',
      houseGridCode: `${A}001`,
    });
    const into = await hub.queryAs(
      writer,
      `mutation { moveHousehold(id: "${hh.id}", version: ${hh.version}, input: { gridCode: "${A}001", houseId: "${far.id}" }) { id } }`,
    );
    expect(into.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'householdHouseGrid', argument: 'houseId', houseGridCode: `${A}003` });
    expect(await hhRow(hh.id)).toMatchObject({ grid_code: `${A}001`, house_id: near.id, version: hh.version });
    // Into the house on its own grid, it moves.
    const along = await hub.queryAs(
      writer,
      `mutation { moveHousehold(id: "${hh.id}", version: ${hh.version}, input: { gridCode: "${A}003", houseId: "${far.id}" }) { id } }`,
    );
    expect(along.errors).toBeUndefined();
    expect(await hhRow(hh.id)).toMatchObject({ grid_code: `${A}003`, house_id: far.id });
  });

  it('refuses a household moving into a VACANT house (houseVacant), form and file, until the desk changes the house’s use', async () => {
    const empty = (
      await hub.dataAs<{ registerHouse: Rec & { number: string } }>(writer, `mutation($i: HouseInput!) { registerHouse(input: $i) { id version number } }`, {
        i: { gridCode: `${A}001`, number: `房户空置${RUN}`, use: 'VACANT' },
      })
    ).registerHouse;
    const reg = await household({ houseId: empty.id });
    expect(reg.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', rule: 'houseVacant', argument: 'houseId', houseId: empty.id });
    expect(reg.errors![0]!.message).toContain('updateHouse');
    const file = await postImport(
      hub.gatewayUrl,
      writer,
      'households',
      `number,grid_code,house_number\n房户空置户${RUN},${A}001,${empty.number}\n`,
      `rules-hh-vacant-${RUN}`,
    );
    expect(file.rejects.map((r) => [r.line, r.field, r.code, r.rule])).toEqual([[2, 'house_number', 'CONFLICT', 'houseVacant']]);
    const hh = (await household({})).data!.registerHousehold;
    const move = `mutation { moveHousehold(id: "${hh.id}", version: ${hh.version}, input: { gridCode: "${A}001", houseId: "${empty.id}" }) { id house { id } } }`;
    const refused = await hub.queryAs(writer, move);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', rule: 'houseVacant', argument: 'houseId' });
    expect(await houseRow(empty.id)).toMatchObject({ use: 'VACANT', version: empty.version });
    await hub.dataAs(writer, `mutation { updateHouse(id: "${empty.id}", version: ${empty.version}, input: { use: RENTED }) { id } }`);
    const moved = await hub.queryAs(writer, move);
    expect(moved.errors).toBeUndefined();
    expect(moved.data).toEqual({ moveHousehold: { id: hh.id, house: { id: empty.id } } });
  });

  it('moves the households living in a house, and their members who were at its address, when the house’s address is corrected', async () => {
    const at = await address();
    const corrected = await address();
    const again = await address();
    const elsewhere = await address();
    const h = await house(at.id);
    const hh = (await household({ houseId: h.id })).data!.registerHousehold;
    const home = (await register({ idNumber: freshId(ago(40)), householdId: hh.id })).data!.registerPerson;
    const away = (await register({ idNumber: freshId(ago(38)), householdId: hh.id, addressId: elsewhere.id })).data!.registerPerson;
    expect([await addressOf(home.id), await addressOf(away.id)]).toEqual([at.id, elsewhere.id]);
    const form = await hub.queryAs(
      writer,
      `mutation { updateHouse(id: "${h.id}", version: ${h.version}, input: { addressId: "${corrected.id}" }) { id version } }`,
    );
    expect(form.errors).toBeUndefined();
    expect(await hhRow(hh.id)).toMatchObject({ address_id: corrected.id, house_id: h.id });
    expect([await addressOf(home.id), await addressOf(away.id)]).toEqual([corrected.id, elsewhere.id]);
    // A houses row the same, in the import's one statement.
    const { version } = (form.data as { updateHouse: Rec }).updateHouse;
    const file = await postImport(hub.gatewayUrl, writer, 'houses', `id,address_id,version\n${h.id},${again.id},${version}\n`, `rules-house-readdress-${RUN}`);
    expect(file.done).toMatchObject({ updated: 1, rejected: 0 });
    expect(await hhRow(hh.id)).toMatchObject({ address_id: again.id });
    expect([await addressOf(home.id), await addressOf(away.id)]).toEqual([again.id, elsewhere.id]);
    // A new household of the house is then at the house's address as the old ones are (householdAddress).
    expect((await household({ houseId: h.id, addressId: again.id })).errors).toBeUndefined();
  });

  it('refuses a grid’s caller correcting the address of a house a household of another grid lives in (houseLivedInOutside)', async () => {
    const at = await address();
    const corrected = await address();
    const h = await house(at.id);
    // Kept from before householdHouseGrid: a household of grid 002 in a house of grid 001.
    const hh = (await household({ gridCode: `${A}002`, addressId: at.id })).data!.registerHousehold;
    await db.query(`update household set house_id = $1 where id = $2`, [h.id, hh.id]);
    const grid = await hub.token({ jurisdiction: `${A}001`, scopes: ['read', 'write'], subject: `rules-grid-readdress-${RUN}` });
    const r = await hub.queryAs(grid, `mutation { updateHouse(id: "${h.id}", version: ${h.version}, input: { addressId: "${corrected.id}" }) { id } }`);
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', rule: 'houseLivedInOutside', argument: 'addressId' });
    expect(await hhRow(hh.id)).toMatchObject({ address_id: at.id });
    expect((await db.query(`select address_id::text from house where id = $1`, [h.id])).rows[0]).toEqual({ address_id: at.id });
  });

  it('moves a household’s members with its address in a households file, as moveHousehold does', async () => {
    const at = await address();
    const next = await address();
    const hh = (await household({ addressId: at.id })).data!.registerHousehold;
    const member = (await register({ idNumber: freshId(ago(42)), householdId: hh.id })).data!.registerPerson;
    expect(await addressOf(member.id)).toBe(at.id);
    const { version } = (await db.query(`select version from household where id = $1`, [hh.id])).rows[0];
    const file = await postImport(hub.gatewayUrl, writer, 'households', `id,address_id,version\n${hh.id},${next.id},${version}\n`, `rules-hh-readdress-${RUN}`);
    expect(file.done).toMatchObject({ updated: 1, rejected: 0 });
    expect(await hhRow(hh.id)).toMatchObject({ address_id: next.id });
    expect(await addressOf(member.id)).toBe(next.id);
  });
});

describe('tagPerson and untagPerson take at least one tag', () => {
  it('refuses tags: [] as a filter’s empty list is refused (BAD_USER_INPUT), writing nothing', async () => {
    const p = await register({ idNumber: freshId(ago(40)) });
    expect(p.errors).toBeUndefined();
    const { id, version } = p.data!.registerPerson;
    for (const m of ['tagPerson', 'untagPerson']) {
      const r = await hub.queryAs(writer, `mutation { ${m}(id: "${id}", tags: []) { id version } }`);
      expect(r.errors?.[0]?.extensions, m).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'tags' });
    }
    const row = (await db.query(`select version from person where id = $1`, [id])).rows[0];
    expect(row).toEqual({ version });
  });
});

describe('make-residents --bad', () => {
  it.each(['623022', '623021'])('writes its "grid outside the county" rows with a grid of another county (--county %s)', async (county) => {
    const dir = testScratch('hub-rules-');
    const out = join(dir, 'residents.csv');
    await run(NODE, ['scripts/make-residents.ts', '--out', out, '--rows', '400', '--bad', '0.1', '--county', county]);
    const bad = JSON.parse(readFileSync(`${out}.bad.json`, 'utf8')) as Record<string, string>;
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    // grid_code is the last column.
    const gridOf = (line: string) => /(\d{15})\D*$/.exec(line)?.[1] ?? '';
    const grids = Object.entries(bad)
      .filter(([, how]) => how === 'grid outside the county')
      .map(([line]) => gridOf(lines[Number(line) - 1]!));
    expect(grids.length).toBeGreaterThan(2);
    for (const g of grids) {
      expect(g).toMatch(/^\d{15}$/);
      expect(g.startsWith(county), g).toBe(false);
    }
    // Every other row's grid lies inside the county.
    const good = lines.slice(1).filter((_, i) => bad[String(i + 2)] !== 'grid outside the county');
    for (const l of good) expect(gridOf(l).startsWith(county), l).toBe(true);
  });

  it.each([
    [['--rows', 'abc'], '--rows'],
    [['--rows', '1.5'], '--rows'],
    [['--bad', '2'], '--bad'],
    [['--encoding', 'latin1'], '--encoding'],
    [['--format', 'xml'], '--format'],
    [['--county', '6'], '--county'],
    [['--county', '62', '--bad', '0.1'], 'no county beside 62'],
  ])('refuses %j saying why (exit 2, no stack trace, no file)', async (args, said) => {
    const dir = testScratch('hub-rules-');
    const out = join(dir, 'residents.csv');
    const failed = await run(NODE, ['scripts/make-residents.ts', '--out', out, '--county', '623021', '--rows', '10', ...args]).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(failed?.code).toBe(2);
    expect(failed?.stderr).toContain(said);
    expect(failed?.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  });

  it('writes a province’s file when no row is to be broken (no grid outside it is needed)', async () => {
    const dir = testScratch('hub-rules-');
    const out = join(dir, 'residents.csv');
    await run(NODE, ['scripts/make-residents.ts', '--out', out, '--rows', '20', '--county', '62']);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(21);
    for (const l of lines.slice(1)) expect(l).toMatch(/,62\d{13}$/);
  });
});

describe('a refused field is named as the form names it', () => {
  it('calls a site’s bad contact phone contactPhone on the form and contact_phone in a file, not phone', async () => {
    const r = await hub.queryAs(
      writer,
      `mutation { registerSite(input: { gridCode: "${A}001", name: "规则测试场所", kind: MARKET, contactPhone: "abc" }) { id } }`,
    );
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'contactPhone' });
    expect(r.errors![0]!.message).toMatch(/^contactPhone "abc"/);
  });

  it('tells a gender that disagrees with the ID number in words, in Chinese', async () => {
    const id = freshId(ago(45));
    const wrong = parseCitizenId(id).gender === 'MALE' ? 'FEMALE' : 'MALE';
    const r = await postJson(
      hub.gatewayUrl,
      {
        query: `mutation($i: PersonInput!) { registerPerson(input: $i) { id } }`,
        variables: { i: { name: '规则测试', ethnicity: '汉族', residency: 'REGISTERED', gridCode: `${A}001`, idNumber: id, gender: wrong } },
      },
      { authorization: `Bearer ${writer}`, 'accept-language': 'zh-CN' },
    );
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'gender', rule: 'genderOfIdNumber' });
    const [said, shown] = wrong === 'MALE' ? ['男', '女'] : ['女', '男'];
    expect(r.errors![0]!.message).toBe(`性别“${said}”与公民身份号码所示的“${shown}”不符；性别由身份证号得出：请核对身份证号，或将此项留空。`);
  });

  it('names gridCode when the grid lies outside the jurisdiction', async () => {
    const r = await hub.queryAs(writer, `mutation { registerSite(input: { gridCode: "623021200201001", name: "规则测试场所", kind: MARKET }) { id } }`);
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', argument: 'gridCode' });
  });

  it('reads an ID number typed in full-width digits as the same number', async () => {
    const id = freshId(ago(44));
    const p = (await register({ idNumber: id })).data!.registerPerson;
    const wide = [...id].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join('');
    const found = await hub.queryAs<{ personByIdNumber: { id: string } | null }>(writer, `{ personByIdNumber(idNumber: "${wide}") { id } }`);
    expect(found.errors).toBeUndefined();
    expect(found.data!.personByIdNumber?.id).toBe(p.id);
  });
});

describe('a household without a head', () => {
  it('takes as head the first resident to join it, registered into it or moved into it, on a form and in a file', async () => {
    const household = async (n: string) =>
      (
        await hub.queryAs<{ registerHousehold: { id: string } }>(
          writer,
          `mutation { registerHousehold(input: { gridCode: "${A}001", number: "规则-户主-${n}-${RUN}" }) { id } }`,
        )
      ).data!.registerHousehold.id;
    const headOf = async (id: string) =>
      (await hub.queryAs<{ household: { head: { id: string } | null } }>(writer, `{ household(id: "${id}") { head { id } } }`)).data!.household.head?.id ??
      null;

    const registered = await household('登记');
    const first = await register({ idNumber: freshId(ago(35)), householdId: registered });
    expect(await headOf(registered)).toBe(first.data!.registerPerson.id);

    const moved = await household('迁入');
    const mover = (await register({ idNumber: freshId(ago(36)) })).data!.registerPerson;
    const r = await hub.queryAs(writer, `mutation { updatePerson(id: "${mover.id}", version: ${mover.version}, input: { householdId: "${moved}" }) { id } }`);
    expect(r.errors).toBeUndefined();
    expect(await headOf(moved)).toBe(mover.id);

    const filed = await household('文件');
    const resident = (await register({ idNumber: freshId(ago(37)) })).data!.registerPerson;
    const file = await importResidents(`id,household_id\n${resident.id},${filed}\n`);
    expect(file.rejects).toEqual([]);
    expect(await headOf(filed)).toBe(resident.id);
  });
});

describe('the clerk finds records by what the register writes', () => {
  it('finds a household by its number, an address by its number or text, and hazards by who found them', async () => {
    const number = `规则-查找-${RUN}`;
    const h = await hub.queryAs<{ registerHousehold: { id: string } }>(
      writer,
      `mutation { registerHousehold(input: { gridCode: "${A}001", number: "${number}" }) { id } }`,
    );
    type Ids = { nodes: { id: string }[]; totalCount: number };
    const found = await hub.queryAs<{ village: { households: Ids } }>(
      writer,
      `{ village(code: "${A}") { households(number: "${number}") { totalCount nodes { id } } } }`,
    );
    expect(found.data!.village.households).toEqual({ totalCount: 1, nodes: [{ id: h.data!.registerHousehold.id }] });

    const a = await hub.queryAs<{ registerAddress: { id: string } }>(
      writer,
      `mutation { registerAddress(input: { gridCode: "${A}001", number: "FIND-${RUN}", text: "卓尼县规则路${RUN}号院" }) { id } }`,
    );
    const search = async (text: string) =>
      (
        await hub.queryAs<{ village: { addresses: Ids } }>(
          writer,
          `{ village(code: "${A}") { addresses(search: ${JSON.stringify(text)}) { totalCount nodes { id } } } }`,
        )
      ).data!.village.addresses;
    expect((await search(`FIND-${RUN}`)).nodes).toEqual([{ id: a.data!.registerAddress.id }]);
    expect((await search(`规则路${RUN}号`)).nodes).toEqual([{ id: a.data!.registerAddress.id }]);
    // Typed by a Chinese input method: full-width digits and letters read as ASCII, in a search, a number and a code alike.
    const fullWidth = (t: string) => t.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
    expect((await search(`规则路${fullWidth(String(RUN))}号`)).nodes).toEqual([{ id: a.data!.registerAddress.id }]);
    const typed = await hub.queryAs<{ village: { households: Ids } }>(
      writer,
      `{ village(code: "${fullWidth(A)}") { households(number: "${fullWidth(number)}") { totalCount nodes { id } } } }`,
    );
    expect(typed.data!.village.households).toEqual({ totalCount: 1, nodes: [{ id: h.data!.registerHousehold.id }] });
    // A record the caller does not hold is NOT_FOUND naming the argument, as every other refusal does.
    const missing = await hub.queryAs(writer, `mutation { updateHousehold(id: "999999999", version: 1, input: { number: "x" }) { id } }`);
    expect(missing.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', argument: 'id' });
    // A wildcard is a character like any other, not a pattern.
    expect((await search('%')).totalCount).toBe(0);
    const blank = await hub.queryAs(writer, `{ village(code: "${A}") { addresses(search: " ") { totalCount } } }`);
    expect(blank.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'search' });

    await hub.queryAs(writer, `mutation { reportHazard(input: { gridCode: "${A}001", kind: FIRE, description: "群众反映 ${RUN}", source: CITIZEN }) { id } }`);
    const bySource = await hub.queryAs<{ village: { hazards: { nodes: { source: string; description: string }[] } } }>(
      writer,
      `{ village(code: "${A}") { hazards(source: CITIZEN, status: REPORTED, first: 500) { nodes { source description } } } }`,
    );
    const nodes = bySource.data!.village.hazards.nodes;
    expect(nodes.some((n) => n.description === `群众反映 ${RUN}`)).toBe(true);
    expect(nodes.every((n) => n.source === 'CITIZEN')).toBe(true);
  });
});

describe('an ID number registered by mistake', () => {
  it('is corrected with correctIdNumber: the record kept, gender and birth date from the new number, audited, the old number free again', async () => {
    const wrong = freshId('1980-05-01');
    const p = (await register({ idNumber: wrong })).data!.registerPerson;
    const right = freshId('1981-06-02');
    const CORRECT = `mutation($id: ID!, $v: Int!, $n: String!) { correctIdNumber(id: $id, version: $v, idNumber: $n, reason: "登记时录错一位") { id idNumber birthDate gender version } }`;
    const reader = await hub.token({ jurisdiction: '623022', scopes: ['read', 'write'], subject: `rules-nopii-${RUN}` });
    const refused = await hub.queryAs(reader, CORRECT, { id: p.id, v: p.version, n: right });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', scope: 'pii' });

    const r = await hub.queryAs<{ correctIdNumber: { id: string; idNumber: string; birthDate: string; gender: string; version: number } }>(writer, CORRECT, {
      id: p.id,
      v: p.version,
      n: right,
    });
    expect(r.errors).toBeUndefined();
    const parsed = parseCitizenId(right);
    expect(r.data!.correctIdNumber).toEqual({ id: p.id, idNumber: right, birthDate: '1981-06-02', gender: parsed.gender, version: p.version + 1 });
    const audited = await db.query(`select fields from audit_log where operation = 'correctIdNumber: 登记时录错一位' and record_ids @> array[$1]::int[]`, [
      Number(p.id),
    ]);
    expect(audited.rows).toEqual([{ fields: ['idNumber'] }]);

    // The mistyped number names no one now: it may be registered to the person it belongs to.
    const owner = await register({ idNumber: wrong });
    expect(owner.errors).toBeUndefined();
    // A number registered to another resident is refused, as registering it would be; a stale version too.
    const taken = await hub.queryAs(writer, CORRECT, { id: p.id, v: p.version + 1, n: wrong });
    expect(taken.errors?.[0]?.extensions).toMatchObject({
      code: 'CONFLICT',
      rule: 'alreadyRegistered',
      argument: 'idNumber',
      personId: owner.data!.registerPerson.id,
    });
    const stale = await hub.queryAs(writer, CORRECT, { id: p.id, v: p.version, n: freshId('1982-01-01') });
    expect(stale.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', currentVersion: p.version + 1 });
    const bad = await hub.queryAs(writer, CORRECT, { id: p.id, v: p.version + 1, n: '623022198001010000' });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'idNumber' });
  });
});

describe('a corrected ID number whose birth date a tag does not fit', () => {
  it('is refused naming the number the caller sent (idNumber, rule tagsForAge), telling to take the tag off first', async () => {
    const p = (await register({ idNumber: freshId('1950-03-01'), tags: ['LEFT_BEHIND_ELDERLY'] })).data!.registerPerson;
    const CORRECT = `mutation($id: ID!, $v: Int!, $n: String!) { correctIdNumber(id: $id, version: $v, idNumber: $n, reason: "出生年份录错") { id birthDate } }`;
    const n = freshId('1996-03-01');
    const r = await postJson<Errors>(
      hub.gatewayUrl,
      { query: CORRECT, variables: { id: p.id, v: p.version, n } },
      { authorization: `Bearer ${writer}`, 'accept-language': 'zh' },
    );
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'idNumber', rule: 'tagsForAge', tags: ['LEFT_BEHIND_ELDERLY'] });
    expect(r.errors![0]!.message).toMatch(/^身份证号 所示出生日期为 1996-03-01.*留守老人.*untagPerson/);
    // Untagged first, the same correction goes through.
    const untag = await hub.queryAs<{ untagPerson: { version: number } }>(
      writer,
      `mutation($id: ID!) { untagPerson(id: $id, tags: [LEFT_BEHIND_ELDERLY]) { version } }`,
      {
        id: p.id,
      },
    );
    expect(untag.errors).toBeUndefined();
    const done = await hub.queryAs<{ correctIdNumber: { birthDate: string } }>(writer, CORRECT, { id: p.id, v: untag.data!.untagPerson.version, n });
    expect(done.errors).toBeUndefined();
    expect(done.data!.correctIdNumber.birthDate).toBe('1996-03-01');
  });
});

describe('a person’s history keeps corrections', () => {
  // A caller of its own: registering counts against a caller's minute of ID-number lookups, which the tests before
  // spend (tests/lookup-quota.test.ts).
  beforeAll(async () => {
    writer = await hub.token({ jurisdiction: '623022', scopes: ['read', 'write', 'pii'], subject: `rules-history-${RUN}` });
  });
  it('records a renamed person with the name before and after, and a changed phone by name only', async () => {
    const registered = await register({ idNumber: freshId(ago(46)), name: '马秀兰' });
    expect(registered.errors).toBeUndefined();
    const p = registered.data!.registerPerson;
    const fixed = await hub.queryAs<{ updatePerson: { version: number } }>(
      writer,
      `mutation { updatePerson(id: "${p.id}", version: ${p.version}, input: { name: "马秀蓝", phone: "13900001111", residency: FLOATING }) { version } }`,
    );
    expect(fixed.errors).toBeUndefined();
    type Entry = {
      changedFields: string[];
      before: { name: string | null; residency: string | null };
      after: { name: string | null; residency: string | null };
    };
    const h = await hub.queryAs<{ person: { history: { nodes: Entry[] } } }>(
      writer,
      `{ person(id: "${p.id}") { history(first: 1) { nodes { changedFields before { name residency } after { name residency } } } } }`,
    );
    expect(h.errors).toBeUndefined();
    const [entry] = h.data!.person.history.nodes;
    expect([...entry!.changedFields].sort()).toEqual(['name', 'phone', 'residency']);
    expect(entry!.before).toEqual({ name: '马秀兰', residency: 'REGISTERED' });
    expect(entry!.after).toEqual({ name: '马秀蓝', residency: 'FLOATING' });
    const kept = await db.query(`select count(*)::int as n from person_history where person_id = $1 and '13900001111' = any(changed)`, [Number(p.id)]);
    expect(kept.rows[0].n).toBe(0);
  });
});

describe('a rejected row reports every problem of its fields at once', () => {
  it('lists a row’s three field problems in one reject, counts the row once, and leaves one-problem and database rejects as they were', async () => {
    const [three, one, unknown, fine] = [freshId('1990-02-01'), freshId('1990-02-02'), freshId('1990-02-03'), freshId('1990-02-04')];
    const csv =
      `id_number,name,birth_date,ethnicity,phone,residency,grid_code,household_number\n` +
      `${three},规则测试,1991-02-01,火星族,12345,REGISTERED,${A}001,\n` +
      `${one},规则测试,,火星族,13800000000,REGISTERED,${A}001,\n` +
      `${unknown},规则测试,,汉族,13800000000,REGISTERED,${A}001,NO-SUCH-${RUN}\n` +
      `${fine},规则测试,,汉族,13800000000,REGISTERED,${A}001,\n`;
    const file = await importResidents(csv);
    const [first, second, third] = file.rejects;
    // The first problem stays where a reader of one problem finds it; `problems` holds it and the others.
    expect(first).toMatchObject({ type: 'reject', line: 2, field: 'birth_date', code: 'BAD_USER_INPUT', rule: 'birthDateOfIdNumber' });
    expect(first!.problems).toEqual([
      { field: 'birth_date', code: 'BAD_USER_INPUT', rule: 'birthDateOfIdNumber', reason: first!.reason },
      expect.objectContaining({ field: 'ethnicity', code: 'BAD_USER_INPUT', rule: 'ethnicityName', reason: expect.stringMatching(/火星族/) }),
      expect.objectContaining({ field: 'phone', code: 'BAD_USER_INPUT', reason: expect.stringMatching(/12345/) }),
    ]);
    // One problem: the reject as it always was, no list.
    expect(second).toEqual({
      type: 'reject',
      line: 3,
      field: 'ethnicity',
      code: 'BAD_USER_INPUT',
      rule: 'ethnicityName',
      reason: expect.stringMatching(/火星族/),
    });
    // A rule that needs the database answers as before.
    expect(third).toMatchObject({ type: 'reject', line: 4, field: 'household_number', rule: 'refElsewhere', reason: expect.stringMatching(/NO-SUCH/) });
    expect(third!.problems).toBeUndefined();
    expect(file.rejects).toHaveLength(3);
    expect(file.done).toMatchObject({ inserted: 1, rejected: 3 });

    // The command's reject file: its columns as before, a line for each problem under the row's line number, the first first.
    const folder = testScratch('problems-');
    const path = join(folder, 'residents.csv');
    writeFileSync(path, csv);
    const { stdout } = await run(NODE, ['scripts/import.ts', 'residents', path, '--token', writer, '--url', hub.gatewayUrl, '--lang', 'zh', '--dry-run']);
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toMatchObject({ rejected: 3 });
    const lines = readFileSync(`${path}.rejects.csv`, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('\uFEFFline,field,code,reason,rule');
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 3).join(','))).toEqual([
      '2,birth_date,BAD_USER_INPUT',
      '2,ethnicity,BAD_USER_INPUT',
      '2,phone,BAD_USER_INPUT',
      '3,ethnicity,BAD_USER_INPUT',
      '4,household_number,BAD_USER_INPUT',
    ]);
  }, 60_000);
});
