import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { makeCitizenId } from '../domain/citizen-id.ts';
import { startHub, type TestHub } from './helpers/hub.ts';
import { WRITE_COUNTY } from './setup/global.ts';

/**
 * One write path per kind (issue "The registry in daily use", part 1),
 * through the gateway: a residents file without household and address
 * columns leaves those links as they are; an explicit empty cell clears, as
 * `updatePerson(householdId: null)` does; a no-op update keeps the version
 * and the change feed quiet; and every invariant is refused by the mutation
 * and by the import with the same code and the same reason (after the
 * argument's or the column's name). Writes go to two villages of 卓尼县 that
 * no other test writes to (picked from the seeded data).
 */
const RUN = Date.now() % 1_000_000;
let hub: TestHub;
let db: pg.Client;
let writer: string;
/** A grid of each of two villages, and a grid of another county. */
let GA: string;
let GB: string;
const OUTSIDE_GRID = '623021200201001';

interface Err {
  message: string;
  extensions?: Record<string, unknown>;
}
type Res<T> = { data?: T | null; errors?: Err[] };
interface Reject {
  line: number;
  field: string;
  reason: string;
  code?: string;
}

const ok = <T>(r: Res<T>): T => {
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return r.data!;
};
const err = <T>(r: Res<T>): Err => {
  expect(r.errors, JSON.stringify(r.data)).toBeDefined();
  return r.errors![0]!;
};
const gql = <T>(query: string, variables?: Record<string, unknown>) => hub.queryAs<T>(writer, query, variables);

let job = 0;
/** Posts a CSV to the gateway's import (English reasons): its rejects and its final line. */
async function importCsv(kind: string, csv: string) {
  const res = await fetch(new URL(`/import/${kind}?job=write-path-${RUN}-${job++}`, hub.gatewayUrl), {
    method: 'POST',
    headers: { authorization: `Bearer ${writer}`, 'content-type': 'text/csv; charset=utf-8', 'accept-language': 'en' },
    body: csv,
  });
  expect(res.status, await res.clone().text()).toBe(200);
  const lines = (await res.text())
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Reject & { type: string } & Record<string, unknown>);
  return { rejects: lines.filter((l) => l.type === 'reject'), done: lines.find((l) => l.type === 'done')! };
}

/** The form's error and the file's reject for one rule: the same code, and the same reason after the argument's or the column's name. */
function sameRule(form: Err, argument: string, rejects: Reject[], field: string) {
  expect(rejects, JSON.stringify(rejects)).toHaveLength(1);
  const reject = rejects[0]!;
  expect(reject.field).toBe(field);
  expect(reject.code).toBe(form.extensions?.code);
  expect(reject.reason.startsWith(`${field} `), reject.reason).toBe(true);
  const reason = reject.reason.slice(field.length + 1);
  // A form may add what it knows (ids, the group) after the reason.
  expect(form.message.startsWith(`${argument} ${reason}`), `${form.message} | ${reject.reason}`).toBe(true);
}

let seq = 700;
/** A fresh valid ID number of 卓尼县 (sequences above any the seed and the other tests use). */
const freshId = (birth = '1980-05-05') => makeCitizenId(WRITE_COUNTY, birth, seq++);

interface Person {
  id: string;
  version: number;
  phone: string | null;
  household: { id: string } | null;
  address: { id: string } | null;
}
const PERSON = 'id version phone household { id } address { id }';

async function register(input: Record<string, unknown>): Promise<Person & { idNumber: string }> {
  const idNumber = (input.idNumber as string | undefined) ?? freshId();
  const r = await gql<{ registerPerson: Person }>(`mutation($i: PersonInput!) { registerPerson(input: $i) { ${PERSON} } }`, {
    i: { name: '写入测试', ethnicity: '藏族', residency: 'REGISTERED', gridCode: GA, idNumber, ...input },
  });
  return { ...ok(r).registerPerson, idNumber };
}
const registerHousehold = async (number: string, grid = GA) =>
  ok(
    await gql<{ registerHousehold: { id: string; version: number } }>(
      `mutation { registerHousehold(input: { gridCode: "${grid}", number: "${number}" }) { id version } }`,
    ),
  ).registerHousehold;
const registerAddress = async (number: string, grid: string) =>
  ok(
    await gql<{ registerAddress: { id: string } }>(
      `mutation { registerAddress(input: { gridCode: "${grid}", number: "${number}", text: "写入测试地址${number}" }) { id } }`,
    ),
  ).registerAddress.id;
const person = async (id: string) => ok(await gql<{ person: Person }>(`{ person(id: "${id}") { ${PERSON} } }`)).person;
const row = async (sql: string, params: unknown[]) => (await db.query(sql, params)).rows[0];

beforeAll(async () => {
  hub = await startHub();
  db = new pg.Client({ connectionString: inject('dbs').village.migrationUrl });
  await db.connect();
  writer = await hub.token({ jurisdiction: WRITE_COUNTY, scopes: ['read', 'write', 'pii'], subject: `write-path-${RUN}` });
  // Two villages (村, segment 200+) of one township no other test writes to: the other tests take the first
  // and the last villages with two grids of the townships they use.
  const picked = await db.query<{ g: string }>(
    `select min(g.code) as g from grid g
      where g.county_code = $1 and left(g.code, 9) not in ('623022100', '623022101', '623022199') and right(g.village_code, 3) >= '200'
      group by g.village_code having count(*) >= 2 order by g.village_code desc offset 2 limit 2`,
    [WRITE_COUNTY],
  );
  expect(picked.rows).toHaveLength(2);
  [GA, GB] = [picked.rows[0]!.g, picked.rows[1]!.g];
}, 180_000);
afterAll(async () => {
  await db?.end();
  await hub?.stop();
});

describe('partial updates', () => {
  it('a residents file without household and address columns leaves those links; an empty cell clears', async () => {
    const h = await registerHousehold(`写入-${RUN}-1`);
    const a = await registerAddress(`写入-${RUN}-1`, GA);
    const p = await register({ householdId: h.id, addressId: a, phone: '13800001111' });
    expect(p.household).toEqual({ id: h.id });
    expect(p.address).toEqual({ id: a });

    const file = await importCsv(
      'residents',
      `id_number,name,ethnicity,phone,residency,tags,grid_code\n${p.idNumber},写入测试,藏族,13900002222,REGISTERED,DRUG_USER;EXTREME_POVERTY,${GA}\n`,
    );
    expect(file.rejects).toEqual([]);
    expect(file.done).toMatchObject({ inserted: 0, updated: 1, rejected: 0 });
    const after = await person(p.id);
    expect(after).toMatchObject({ version: 2, phone: '13900002222', household: { id: h.id }, address: { id: a } });
    expect(await row(`select tags from person where id = $1`, [p.id])).toEqual({ tags: ['DRUG_USER', 'EXTREME_POVERTY'] });

    // A given empty cell clears; the columns the file lacks (household, name, …) stay.
    const cleared = await importCsv('residents', `id_number,phone,address_number\n${p.idNumber},,\n`);
    expect(cleared.done).toMatchObject({ updated: 1, rejected: 0 });
    expect(await person(p.id)).toMatchObject({ version: 3, phone: null, address: null, household: { id: h.id } });
  });

  it('updatePerson(householdId: null) clears the household; a field left out stays', async () => {
    const h = await registerHousehold(`写入-${RUN}-2`);
    const head = await register({ householdId: h.id });
    const p = await register({ householdId: h.id, phone: '13800003333' });
    const r = ok(
      await gql<{ updatePerson: Person }>(`mutation { updatePerson(id: "${p.id}", version: ${p.version}, input: { householdId: null }) { ${PERSON} } }`),
    ).updatePerson;
    expect(r).toMatchObject({ version: p.version + 1, household: null, phone: '13800003333' });
    expect(await row(`select household_id from person where id = $1`, [p.id])).toEqual({ household_id: null });
    // The head stays the head: a member.
    expect(await row(`select head_id::text from household where id = $1`, [h.id])).toEqual({ head_id: head.id });
  });

  it('a no-op update keeps the version and writes nothing to the change feed, on both paths', async () => {
    const p = await register({ phone: '13800004444' });
    const feed = async () => (await row(`select count(*)::int as n from change_log where kind = 'RESIDENT' and record_id = $1`, [p.id])).n as number;
    const before = await feed();
    const same = ok(
      await gql<{ updatePerson: Person }>(
        `mutation { updatePerson(id: "${p.id}", version: ${p.version}, input: { name: "写入测试", phone: "138 0000 4444", gridCode: "${GA}" }) { ${PERSON} } }`,
      ),
    ).updatePerson;
    expect(same.version).toBe(p.version);
    // Removing a tag the person does not have changes nothing (an empty list is refused: tests/registry-rules.test.ts).
    const untagged = ok(
      await gql<{ untagPerson: { version: number } }>(`mutation { untagPerson(id: "${p.id}", tags: [RELEASED_PRISONER]) { version } }`),
    ).untagPerson;
    expect(untagged.version).toBe(p.version);
    const file = await importCsv('residents', `id,version,id_number,name,phone,grid_code\n${p.id},${p.version},${p.idNumber},写入测试,13800004444,${GA}\n`);
    expect(file.done).toMatchObject({ inserted: 0, updated: 0, unchanged: 1, rejected: 0 });
    expect((await person(p.id)).version).toBe(p.version);
    expect(await feed()).toBe(before);
    // A stale version is refused only when the row changes something: CONFLICT on both paths, with the same reason.
    const form = err(await gql(`mutation { updatePerson(id: "${p.id}", version: ${p.version + 5}, input: { phone: "13800005555" }) { id } }`));
    expect(form.extensions?.code).toBe('CONFLICT');
    const stale = await importCsv('residents', `id,version,phone\n${p.id},${p.version + 5},13800005555\n`);
    sameRule(form, 'version', stale.rejects, 'version');
    const unchangedStale = await importCsv('residents', `id,version,phone\n${p.id},${p.version + 5},13800004444\n`);
    expect(unchangedStale.done).toMatchObject({ unchanged: 1, rejected: 0 });
  });
});

describe('every invariant, refused by the mutation and by the import alike', () => {
  it('a household has at most 8 people', async () => {
    const number = `写入-${RUN}-满`;
    const h = await registerHousehold(number);
    for (let i = 0; i < 8; i++) await register({ householdId: h.id });
    const form = err(
      await gql(`mutation($i: PersonInput!) { registerPerson(input: $i) { id } }`, {
        i: { name: '第九人', ethnicity: '藏族', residency: 'REGISTERED', gridCode: GA, idNumber: freshId(), householdId: h.id },
      }),
    );
    expect(form.extensions?.code).toBe('BAD_USER_INPUT');
    const file = await importCsv(
      'residents',
      `id_number,name,ethnicity,residency,grid_code,household_number\n${freshId()},第九人,藏族,REGISTERED,${GA},${number}\n`,
    );
    sameRule(form, 'householdId', file.rejects, 'household_number');
    // Two newcomers in one file to a household of 7: the first fits, the second is refused.
    const h2 = await registerHousehold(`写入-${RUN}-七`);
    for (let i = 0; i < 7; i++) await register({ householdId: h2.id });
    const two = await importCsv(
      'residents',
      `id_number,name,ethnicity,residency,grid_code,household_id\n${freshId()},第八人,藏族,REGISTERED,${GA},${h2.id}\n${freshId()},第九人,藏族,REGISTERED,${GA},${h2.id}\n`,
    );
    expect(two.done).toMatchObject({ inserted: 1, rejected: 1 });
    expect(two.rejects[0]).toMatchObject({ line: 3, field: 'household_id', code: 'BAD_USER_INPUT' });
    expect(await row(`select count(*)::int as n from person where household_id = $1`, [h2.id])).toEqual({ n: 8 });
  });

  it('the head of a household is one of its members', async () => {
    const h = await registerHousehold(`写入-${RUN}-户主`);
    const head = await register({ householdId: h.id });
    const outsider = await register({});
    const hv = ok(await gql<{ household: { version: number; head: { id: string } } }>(`{ household(id: "${h.id}") { version head { id } } }`)).household;
    expect(hv.head).toEqual({ id: head.id });
    // Naming a head who is not a member.
    const form = err(await gql(`mutation { updateHousehold(id: "${h.id}", version: ${hv.version}, input: { headId: "${outsider.id}" }) { id } }`));
    expect(form.extensions?.code).toBe('BAD_USER_INPUT');
    const file = await importCsv('households', `id,head_id\n${h.id},${outsider.id}\n`);
    sameRule(form, 'headId', file.rejects, 'head_id');
    // The head leaving the household.
    const leave = err(await gql(`mutation { updatePerson(id: "${head.id}", version: ${head.version}, input: { householdId: null }) { id } }`));
    expect(leave.extensions?.code).toBe('CONFLICT');
    const leaveFile = await importCsv('residents', `id_number,household_number\n${head.idNumber},\n`);
    sameRule(leave, 'householdId', leaveFile.rejects, 'household_number');
    expect(await row(`select household_id::text from person where id = $1`, [head.id])).toEqual({ household_id: h.id });
    // Clearing the head first lets them go, as no one else is left.
    ok(await gql(`mutation { updateHousehold(id: "${h.id}", version: ${hv.version}, input: { headId: null }) { id } }`));
    // Their 与户主关系 was cleared with the headship (a change of their record: the version moved).
    const was = ok(await gql<{ person: { version: number } }>(`{ person(id: "${head.id}") { version } }`)).person;
    ok(await gql(`mutation { updatePerson(id: "${head.id}", version: ${was.version}, input: { householdId: null }) { id } }`));
  });

  it('a household with members besides its head keeps a head: it is named anew, not cleared', async () => {
    const h = await registerHousehold(`写入-${RUN}-留户主`);
    const head = await register({ householdId: h.id });
    const other = await register({ householdId: h.id });
    const hv = ok(await gql<{ household: { version: number; head: { id: string } } }>(`{ household(id: "${h.id}") { version head { id } } }`)).household;
    expect(hv.head).toEqual({ id: head.id });
    const form = err(await gql(`mutation { updateHousehold(id: "${h.id}", version: ${hv.version}, input: { headId: null }) { id } }`));
    expect(form.extensions).toMatchObject({ code: 'CONFLICT', rule: 'headRequired' });
    const file = await importCsv('households', `id,head_id\n${h.id},\n`);
    sameRule(form, 'headId', file.rejects, 'head_id');
    expect(file.rejects[0]).toMatchObject({ rule: 'headRequired' });
    // A file that names heads by ID number, cleared there, is told of its own column.
    const byNumber = await importCsv('households', `id,head_id_number\n${h.id},\n`);
    sameRule(form, 'headId', byNumber.rejects, 'head_id_number');
    // Naming the other member is the way.
    const named = ok(
      await gql<{ updateHousehold: { head: { id: string } } }>(
        `mutation { updateHousehold(id: "${h.id}", version: ${hv.version}, input: { headId: "${other.id}" }) { head { id } } }`,
      ),
    ).updateHousehold;
    expect(named.head).toEqual({ id: other.id });
  });

  it('a 十户联防 group’s leader lives in one of its households; a household is in one group at most', async () => {
    const h1 = await registerHousehold(`写入-${RUN}-联1`);
    const h2 = await registerHousehold(`写入-${RUN}-联2`);
    const h3 = await registerHousehold(`写入-${RUN}-联3`);
    await register({ householdId: h1.id }); // the head
    const leader = await register({ householdId: h1.id });
    const elsewhere = await register({ householdId: h3.id });
    type Group = { id: string; version: number };
    const g = ok(
      await gql<{ createJointDefenseGroup: Group }>(
        `mutation { createJointDefenseGroup(input: { gridCode: "${GA}", name: "写入测试联防组${RUN}", householdIds: ["${h1.id}", "${h2.id}"], leaderId: "${leader.id}" }) { id version } }`,
      ),
    ).createJointDefenseGroup;
    const g2 = ok(
      await gql<{ createJointDefenseGroup: Group }>(
        `mutation { createJointDefenseGroup(input: { gridCode: "${GA}", name: "写入测试联防组${RUN}乙", householdIds: ["${h3.id}"], leaderId: "${elsewhere.id}" }) { id version } }`,
      ),
    ).createJointDefenseGroup;

    // A leader who lives in none of the group's households.
    const outside = err(await gql(`mutation { setJointDefenseGroupLeader(groupId: "${g.id}", version: ${g.version}, leaderId: "${elsewhere.id}") { id } }`));
    expect(outside.extensions?.code).toBe('BAD_USER_INPUT');
    const outsideFile = await importCsv('joint-defense-groups', `id,leader_id\n${g.id},${elsewhere.id}\n`);
    sameRule(outside, 'leaderId', outsideFile.rejects, 'leader_id');

    // The leader moving to a household outside the group.
    const moves = err(await gql(`mutation { updatePerson(id: "${leader.id}", version: ${leader.version}, input: { householdId: "${h3.id}" }) { id } }`));
    expect(moves.extensions?.code).toBe('CONFLICT');
    const movesFile = await importCsv('residents', `id,household_id\n${leader.id},${h3.id}\n`);
    sameRule(moves, 'householdId', movesFile.rejects, 'household_id');

    // The leader's household leaving the group.
    const leaves = err(await gql(`mutation { removeHouseholdsFromGroup(groupId: "${g.id}", version: ${g.version}, householdIds: ["${h1.id}"]) { id } }`));
    expect(leaves.extensions?.code).toBe('CONFLICT');
    const leavesFile = await importCsv('households', `id,joint_defense_group_id\n${h1.id},\n`);
    sameRule(leaves, 'householdIds', leavesFile.rejects, 'joint_defense_group_id');

    // A household of one group put into another.
    const taken = err(await gql(`mutation { assignHouseholdsToGroup(groupId: "${g2.id}", version: ${g2.version}, householdIds: ["${h2.id}"]) { id } }`));
    expect(taken.extensions?.code).toBe('CONFLICT');
    const takenFile = await importCsv('households', `id,joint_defense_group_id\n${h2.id},${g2.id}\n`);
    sameRule(taken, 'householdIds', takenFile.rejects, 'joint_defense_group_id');
    expect(await row(`select joint_defense_group_id::text as g from household where id = $1`, [h2.id])).toEqual({ g: g.id });

    // Leaving the group and then joining another is fine by file; assigning a household already in the group changes nothing.
    const out = await importCsv('households', `id,joint_defense_group_id\n${h2.id},\n`);
    expect(out.done).toMatchObject({ updated: 1, rejected: 0 });
    const into = await importCsv('households', `id,joint_defense_group_id\n${h2.id},${g2.id}\n`);
    expect(into.done).toMatchObject({ updated: 1, rejected: 0 });
    const again = ok(
      await gql<{ assignHouseholdsToGroup: Group }>(
        `mutation { assignHouseholdsToGroup(groupId: "${g2.id}", version: ${g2.version}, householdIds: ["${h3.id}"]) { id version } }`,
      ),
    ).assignHouseholdsToGroup;
    // The file that moved h2 into the group raised its version once, as a form would; the no-op assignment did not.
    expect(again.version).toBe(g2.version + 1);
  });

  it('a 户号 whose leading zeros a spreadsheet dropped is quoted back with the number it may have been', async () => {
    // 户号 0070…: a sheet that read the column as numbers wrote 70…, which names no household of the village.
    const digits = `70${RUN}`;
    await registerHousehold(`00${digits}`);
    const p = await register({});
    const file = await importCsv('residents', `id_number,household_number\n${p.idNumber},${digits}\n`);
    expect(file.rejects).toEqual([
      expect.objectContaining({
        field: 'household_number',
        code: 'BAD_USER_INPUT',
        rule: 'refElsewhere',
        reason: `household_number names no household in this village; got "${digits}". Its leading zeros were probably dropped by a spreadsheet that read the column as a number: is it "00${digits}"? Set the column to text and type it again.`,
      }),
    ]);
  });

  it('an address lies in the person’s village', async () => {
    const inB = await registerAddress(`写入-${RUN}-乙`, GB);
    const p = await register({});
    const form = err(await gql(`mutation { updatePerson(id: "${p.id}", version: ${p.version}, input: { addressId: "${inB}" }) { id } }`));
    expect(form.extensions?.code).toBe('BAD_USER_INPUT');
    const file = await importCsv('residents', `id_number,address_id\n${p.idNumber},${inB}\n`);
    sameRule(form, 'addressId', file.rejects, 'address_id');
    // By local number the address is looked up in the person's village, where there is none of that number.
    const byNumber = await importCsv('residents', `id_number,address_number\n${p.idNumber},写入-${RUN}-乙\n`);
    expect(byNumber.rejects).toEqual([
      expect.objectContaining({
        field: 'address_number',
        code: 'BAD_USER_INPUT',
        reason: `address_number names no address in this village; got "写入-${RUN}-乙"`,
      }),
    ]);
    // Moving to B leaves A's address behind and takes B's.
    const inA = await registerAddress(`写入-${RUN}-甲`, GA);
    ok(await gql(`mutation { updatePerson(id: "${p.id}", version: ${p.version}, input: { addressId: "${inA}" }) { id } }`));
    const moved = await importCsv('residents', `id_number,grid_code\n${p.idNumber},${GB}\n`);
    expect(moved.done).toMatchObject({ updated: 1, rejected: 0 });
    expect(await person(p.id)).toMatchObject({ address: null });
  });

  it('a person moving to another village needs a household there, or none', async () => {
    const h = await registerHousehold(`写入-${RUN}-迁`);
    await register({ householdId: h.id });
    const p = await register({ householdId: h.id });
    const form = err(await gql(`mutation { updatePerson(id: "${p.id}", version: ${p.version}, input: { gridCode: "${GB}" }) { id } }`));
    expect(form.extensions?.code).toBe('BAD_USER_INPUT');
    const file = await importCsv('residents', `id_number,grid_code\n${p.idNumber},${GB}\n`);
    // The file has neither household column: the reject names the one to add, and says the file lacks it.
    const lacking = ' (the file has no household_number column)';
    expect(file.rejects[0]!.reason.endsWith(lacking), file.rejects[0]!.reason).toBe(true);
    sameRule(form, 'householdId', [{ ...file.rejects[0]!, reason: file.rejects[0]!.reason.slice(0, -lacking.length) }], 'household_number');
    const hb = await registerHousehold(`写入-${RUN}-迁乙`, GB);
    const ok2 = await importCsv('residents', `id_number,grid_code,household_id\n${p.idNumber},${GB},${hb.id}\n`);
    expect(ok2.done).toMatchObject({ updated: 1, rejected: 0 });
  });

  it('key-youth tags apply at ages 6–25: refused on a new record, and by file only when the row changes the tags', async () => {
    const old = freshId('1980-03-03');
    const form = err(
      await gql(`mutation($i: PersonInput!) { registerPerson(input: $i) { id } }`, {
        i: { name: '年龄', ethnicity: '藏族', residency: 'REGISTERED', gridCode: GA, idNumber: old, tags: ['KEY_YOUTH_IDLE'] },
      }),
    );
    expect(form.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'tags', rule: 'tagsForAge' });
    // A batch of new residents only goes straight from the stage, unless a row needs a check like this one.
    const file = await importCsv('residents', `id_number,name,ethnicity,residency,tags,grid_code\n${old},年龄,藏族,REGISTERED,KEY_YOUTH_IDLE,${GA}\n`);
    expect(file.rejects).toEqual([expect.objectContaining({ line: 2, field: 'tags', code: 'BAD_USER_INPUT', reason: form.message, rule: 'tagsForAge' })]);
    // Someone tagged at 25 who has turned 26: the row as exported passes, a change of the tags does not.
    const p = await register({ idNumber: old });
    await db.query(`update person set tags = '{KEY_YOUTH_IDLE}' where id = $1`, [p.id]);
    const same = await importCsv('residents', `id,tags\n${p.id},KEY_YOUTH_IDLE\n`);
    expect(same.done).toMatchObject({ unchanged: 1, rejected: 0 });
    const more = await importCsv('residents', `id,birth_date,tags\n${p.id},1980-03-03,KEY_YOUTH_IDLE;EXTREME_POVERTY\n`);
    expect(more.rejects).toEqual([expect.objectContaining({ field: 'tags', code: 'BAD_USER_INPUT', reason: expect.stringMatching(/this person is \d+/) })]);
  });

  it('the grid lies in the caller’s jurisdiction', async () => {
    const form = err(
      await gql(`mutation($i: PersonInput!) { registerPerson(input: $i) { id } }`, {
        i: { name: '辖区外', ethnicity: '藏族', residency: 'REGISTERED', gridCode: OUTSIDE_GRID, idNumber: freshId() },
      }),
    );
    expect(form.extensions?.code).toBe('FORBIDDEN');
    const file = await importCsv('residents', `id_number,name,ethnicity,residency,grid_code\n${freshId()},辖区外,藏族,REGISTERED,${OUTSIDE_GRID}\n`);
    sameRule(form, 'gridCode', file.rejects, 'grid_code');
    const site = err(await gql(`mutation { registerSite(input: { gridCode: "${OUTSIDE_GRID}", name: "辖区外", kind: MARKET }) { id } }`));
    const siteFile = await importCsv('sites', `grid_code,external_id,name,kind\n${OUTSIDE_GRID},S-${RUN},辖区外,MARKET\n`);
    sameRule(site, 'gridCode', siteFile.rejects, 'grid_code');
  });

  it('a site moves to another grid of its village and to another address by form, as a sites file moves it', async () => {
    type Site = { id: string; version: number; grid: { code: string }; address: { id: string } | null };
    const SITE = 'id version grid { code } address { id }';
    const other = (await row(`select code from grid where village_code = left($1, 12) and code <> $1 order by code limit 1`, [GA])).code as string;
    const address = await registerAddress(`场所-${RUN}`, other);
    const made = ok(
      await gql<{ registerSite: Site }>(`mutation { registerSite(input: { gridCode: "${GA}", name: "写入测试寺", kind: RELIGIOUS_SITE }) { ${SITE} } }`),
    ).registerSite;
    const moved = ok(
      await gql<{ updateSite: Site }>(
        `mutation { updateSite(id: "${made.id}", version: ${made.version}, input: { gridCode: "${other}", addressId: "${address}" }) { ${SITE} } }`,
      ),
    ).updateSite;
    expect(moved).toMatchObject({ grid: { code: other }, address: { id: address }, version: made.version + 1 });
    // Back by file, and a grid of another village refused by both with the same rule and reason.
    const back = await importCsv('sites', `id,grid_code,address_id\n${made.id},${GA},\n`);
    expect(back.done).toMatchObject({ updated: 1, rejected: 0 });
    const now = ok(await gql<{ site: Site }>(`{ site(id: "${made.id}") { ${SITE} } }`)).site;
    expect(now).toMatchObject({ grid: { code: GA }, address: null });
    const form = err(
      await gql(
        `mutation { updateSite(id: "${made.id}", version: ${now.version}, input: { addressId: "${await registerAddress(`场所乙-${RUN}`, GB)}" }) { id } }`,
      ),
    );
    const file = await importCsv('sites', `id,address_id\n${made.id},${(await row(`select id from address where number = $1`, [`场所乙-${RUN}`])).id}\n`);
    sameRule(form, 'addressId', file.rejects, 'address_id');
  });

  it('a sites or houses file may write a kind or use as a village register names it (寺庙, 学校, 铁路护路, 闲置)', async () => {
    const named = ['寺庙', '清真寺', '学校', '幼儿园', '市场', '卫生室', '铁路护路'];
    const sites = await importCsv('sites', `外部编号,网格代码,名称,场所类型\n${named.map((k, i) => `称呼-${RUN}-${i},${GA},称呼测试${i},${k}`).join('\n')}\n`);
    expect(sites.rejects).toEqual([]);
    expect(sites.done).toMatchObject({ inserted: named.length });
    const kinds = await db.query<{ kind: string }>(`select kind from site where external_id like $1 order by external_id`, [`称呼-${RUN}-%`]);
    expect(kinds.rows.map((r) => r.kind)).toEqual(['RELIGIOUS_SITE', 'RELIGIOUS_SITE', 'SCHOOL', 'SCHOOL', 'MARKET', 'HOSPITAL', 'RAILWAY_LINE']);
    const houses = await importCsv('houses', `网格代码,房屋号,房屋用途\n${GA},称呼-${RUN},闲置\n`);
    expect(houses.rejects).toEqual([]);
    expect((await row(`select use from house where number = $1`, [`称呼-${RUN}`])).use).toBe('VACANT');
  });

  it('a house’s floor area is judged as kept, to the hundredth of a square metre: 0.001 and 99999.999 are refused, not a 500', async () => {
    const form = err(await gql(`mutation { registerHouse(input: { gridCode: "${GA}", number: "面积-${RUN}", use: VACANT, area: 0.001 }) { id } }`));
    expect(form.extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'areaRange' });
    const file = await importCsv('houses', `number,use,area,grid_code\n面积-${RUN},VACANT,0.001,${GA}\n`);
    sameRule(form, 'area', file.rejects, 'area');
    const top = err(await gql(`mutation { registerHouse(input: { gridCode: "${GA}", number: "面积-${RUN}", use: VACANT, area: 99999.999 }) { id } }`));
    expect(top.extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'areaRange' });
    // The file's other rows are written: the one row is rejected, the import runs on.
    const mixed = await importCsv('houses', `number,use,area,grid_code\n面积-${RUN},VACANT,99999.999,${GA}\n面积-${RUN}-2,VACANT,60.005,${GA}\n`);
    expect(mixed.rejects).toEqual([expect.objectContaining({ line: 2, field: 'area', code: 'BAD_USER_INPUT' })]);
    expect(mixed.done).toMatchObject({ inserted: 1, rejected: 1 });
    expect(Number((await row(`select area from house where number = $1`, [`面积-${RUN}-2`])).area)).toBe(60.01);
  });

  it('a record’s local number is unique in its village, on registering and by file', async () => {
    const number = `写入-${RUN}-号`;
    await registerAddress(number, GA);
    const form = err(await gql(`mutation { registerAddress(input: { gridCode: "${GA}", number: "${number}", text: "重复" }) { id } }`));
    expect(form.extensions?.code).toBe('CONFLICT');
    // A file row with the number updates that address instead (the natural key); renaming another onto it is refused.
    const other = await registerAddress(`${number}-2`, GA);
    const file = await importCsv('addresses', `id,number\n${other},${number}\n`);
    expect(file.rejects).toEqual([
      expect.objectContaining({ field: 'number', code: 'CONFLICT', reason: 'number is already used by another address of this village' }),
    ]);
  });
});
