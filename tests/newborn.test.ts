import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { makeCitizenId } from '../domain/citizen-id.ts';
import { postImport, postJson, startHub, type TestHub } from './helpers/hub.ts';
import { NEWBORN_MATCH } from '../subgraphs/village/src/store/resident-kind.ts';

/**
 * 出生登记: a newborn registered before the citizen ID number is issued, by
 * form and by file alike (the registry's one write path), found again by the
 * residents filter `withoutIdNumber`, and given the number later with
 * correctIdNumber, which must agree with the recorded sex and birth date.
 * Writes go to 寺古多村 (623022101208), which no other test writes to.
 */
const V = '623022101208';
const GRID = `${V}001`;
const RUN = Date.now();
let hub: TestHub;
let db: pg.Client;
let writer: string;
let reader: string;

beforeAll(async () => {
  hub = await startHub();
  db = new pg.Client({ connectionString: inject('dbs').village.migrationUrl });
  await db.connect();
  writer = await hub.token({ jurisdiction: '623022', scopes: ['read', 'write', 'pii'], subject: `newborn-${RUN}` });
  reader = await hub.token({ jurisdiction: '623022', scopes: ['read'], subject: `newborn-reader-${RUN}` });
}, 180_000);
afterAll(async () => {
  await db?.end();
  await hub?.stop();
});

type Errors = { errors?: { message: string; extensions?: Record<string, unknown> }[] };

/** YYYY-MM-DD, `years` years and `days` days before today (China time); negative days are after today. */
function ago(years: number, days = 0): string {
  const now = new Date(Date.now() + 8 * 3_600_000);
  return new Date(Date.UTC(now.getUTCFullYear() - years, now.getUTCMonth(), now.getUTCDate() - days)).toISOString().slice(0, 10);
}

const REGISTER = `mutation($i: PersonInput!) { registerPerson(input: $i) { id version idNumber gender birthDate } }`;
type Registered = { registerPerson: { id: string; version: number; idNumber: string | null; gender: string; birthDate: string } };
const register = (input: Record<string, unknown>) =>
  hub.queryAs<Registered>(writer, REGISTER, { i: { ethnicity: '汉族', residency: 'REGISTERED', gridCode: GRID, ...input } });

const FIGURES = `{ grid(code: "${GRID}") { population { residents } }
  village(code: "${V}") { young: residents(first: 1, filter: { maxAge: 6 }) { totalCount } } }`;
async function figures(): Promise<{ residents: number; young: number }> {
  const r = await hub.queryAs<{ grid: { population: { residents: number } }; village: { young: { totalCount: number } } }>(writer, FIGURES);
  expect(r.errors).toBeUndefined();
  return { residents: r.data!.grid.population.residents, young: r.data!.village.young.totalCount };
}

/** The residents of the village the filter lists (ids), with their ID numbers as `token` reads them. */
async function waiting(token: string, without: boolean, namePrefix?: string): Promise<{ id: string; idNumber: string | null }[]> {
  const r = await hub.queryAs<{ village: { residents: { nodes: { id: string; idNumber: string | null }[] } } }>(
    token,
    `query($w: Boolean, $p: String) { village(code: "${V}") { residents(first: 100, filter: { withoutIdNumber: $w, namePrefix: $p }) { nodes { id idNumber } } } }`,
    { w: without, p: namePrefix ?? null },
  );
  expect(r.errors).toBeUndefined();
  return r.data!.village.residents.nodes;
}

async function importResidents(csv: string, job: string) {
  const r = await postImport(hub.gatewayUrl, writer, 'residents', csv, job);
  expect(r.status).toBe(200);
  return r;
}

describe('a newborn registered by form without an ID number', () => {
  it('is registered under a year old, counted in the population figures, with idNumber null for every caller', async () => {
    const before = await figures();
    const r = await register({ name: `新生甲${RUN % 1000}`, gender: 'FEMALE', birthDate: ago(0, 40) });
    expect(r.errors).toBeUndefined();
    expect(r.data!.registerPerson).toMatchObject({ idNumber: null, gender: 'FEMALE', birthDate: ago(0, 40) });
    // Up to and including the first birthday.
    const birthday = await register({ name: `新生乙${RUN % 1000}`, gender: 'MALE', birthDate: ago(1) });
    expect(birthday.errors).toBeUndefined();
    expect(await figures()).toEqual({ residents: before.residents + 2, young: before.young + 2 });
    // Masking a missing number gives no number, and reads nothing into the audit log.
    const id = r.data!.registerPerson.id;
    expect((await waiting(reader, true)).find((p) => p.id === id)).toEqual({ id, idNumber: null });
    expect((await waiting(writer, true)).find((p) => p.id === id)).toEqual({ id, idNumber: null });
  });

  it('is refused past the first birthday (idNumberRequired), without a birth date, or with a birth date in the future', async () => {
    const old = (await register({ name: '两岁无号', gender: 'MALE', birthDate: ago(2) })) as Errors;
    expect(old.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'idNumberRequired', argument: 'idNumber' });
    expect(old.errors?.[0]?.message).toContain('only a newborn up to one year old');
    // In Chinese, the rule says its exception.
    const zh = await postJson(
      hub.gatewayUrl,
      {
        query: REGISTER,
        variables: { i: { name: '两岁无号', gender: 'MALE', birthDate: ago(2), ethnicity: '汉族', residency: 'REGISTERED', gridCode: GRID } },
      },
      { authorization: `Bearer ${writer}`, 'accept-language': 'zh-CN' },
    );
    expect(zh.errors?.[0]?.message).toBe(
      '身份证号 为必填项；仅一周岁以内的新生儿（出生登记，尚未申领公民身份号码）可先登记，须填写性别和出生日期，号码签发后补录；以表单登记的境外人员也可不填',
    );
    const dayPast = (await register({ name: '一岁零一天', gender: 'MALE', birthDate: ago(1, 1) })) as Errors;
    expect(dayPast.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'idNumberRequired' });
    const noDate = (await register({ name: '无出生日期', gender: 'MALE' })) as Errors;
    expect(noDate.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'idNumberRequired', argument: 'idNumber' });
    const noSex = (await register({ name: '无性别', birthDate: ago(0, 3) })) as Errors;
    expect(noSex.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'idNumber' });
    const future = (await register({ name: '未出生', gender: 'FEMALE', birthDate: ago(0, -2) })) as Errors;
    expect(future.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'birthDateInFuture', argument: 'birthDate' });
    // Overseas residents keep registering without a number at any age, as before.
    const overseas = await register({ name: '境外无号', residency: 'OVERSEAS', gender: 'MALE', birthDate: '1980-01-01' });
    expect(overseas.errors).toBeUndefined();
  });
});

describe('a newborn in a residents file without an ID number', () => {
  it('is accepted exactly when the form would, and a second run of the file registers no one twice', async () => {
    const name = `文件新生${RUN % 100_000}`;
    const csv = [
      'id_number,name,gender,birth_date,ethnicity,residency,grid_code',
      `,${name},男,${ago(0, 10)},汉族,REGISTERED,${GRID}`,
      `,${name}妹,FEMALE,${ago(0, 10)},汉族,REGISTERED,${GRID}`,
      `,两岁文件,FEMALE,${ago(2)},汉族,REGISTERED,${GRID}`,
      `,未来文件,FEMALE,${ago(0, -3)},汉族,REGISTERED,${GRID}`,
      `,无日期文件,FEMALE,,汉族,REGISTERED,${GRID}`,
    ].join('\n');
    const before = await figures();
    const first = await importResidents(csv, `newborn-${RUN}-1`);
    expect(first.done).toMatchObject({ type: 'done', inserted: 2, rejected: 3 });
    expect(first.rejects.map((r) => [r.line, r.field, r.code, r.rule])).toEqual([
      [4, 'id_number', 'BAD_USER_INPUT', 'idNumberRequired'],
      [5, 'birth_date', 'BAD_USER_INPUT', 'birthDateInFuture'],
      [6, 'id_number', 'BAD_USER_INPUT', 'idNumberRequired'],
    ]);
    expect(await figures()).toEqual({ residents: before.residents + 2, young: before.young + 2 });

    // Run again (another job): the rows find the residents they registered, by grid, name, birth date and sex.
    const second = await importResidents(csv, `newborn-${RUN}-2`);
    expect(second.done).toMatchObject({ inserted: 0, updated: 0, rejected: 3 });
    const { rows } = await db.query<{ n: number }>(`select count(*)::int as n from person where name = $1 and village_code = $2`, [name, V]);
    expect(rows).toEqual([{ n: 1 }]);
    // A later run may change the facts a newborn row gives (here the phone), still on the same record.
    const third = await importResidents(
      ['id_number,name,gender,birth_date,ethnicity,residency,grid_code,phone', `,${name},MALE,${ago(0, 10)},汉族,REGISTERED,${GRID},13800138000`].join('\n'),
      `newborn-${RUN}-3`,
    );
    expect(third.done).toMatchObject({ inserted: 0, updated: 1, rejected: 0 });
    expect(await figures()).toEqual({ residents: before.residents + 2, young: before.young + 2 });
  });
});

describe('the number added once issued', () => {
  const CORRECT = `mutation($id: ID!, $v: Int!, $n: String!) { correctIdNumber(id: $id, version: $v, idNumber: $n, reason: "补录新生儿身份证号") { id idNumber gender birthDate version } }`;

  it('must agree with the recorded sex and birth date; then the resident is like every other', async () => {
    const born = ago(0, 20);
    const baby = (await register({ name: `补录${RUN % 1000}`, gender: 'MALE', birthDate: born })).data!.registerPerson;
    const seq = 870 + (RUN % 60) * 2;
    const wrongDay = makeCitizenId('623022', ago(0, 21), seq + 1);
    const wrongSex = makeCitizenId('623022', born, seq);
    const right = makeCitizenId('623022', born, seq + 1);
    for (const n of [wrongDay, wrongSex]) {
      const r = (await hub.queryAs(writer, CORRECT, { id: baby.id, v: baby.version, n })) as Errors;
      expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'idNumberDisagrees', argument: 'idNumber' });
    }
    expect((await waiting(writer, true)).map((p) => p.id)).toContain(baby.id);
    const r = await hub.queryAs<{ correctIdNumber: Record<string, unknown> }>(writer, CORRECT, { id: baby.id, v: baby.version, n: right });
    expect(r.errors).toBeUndefined();
    expect(r.data!.correctIdNumber).toEqual({ id: baby.id, idNumber: right, gender: 'MALE', birthDate: born, version: baby.version + 1 });
    // No longer waiting; listed among those with a number, masked for a caller without pii.
    expect((await waiting(writer, true)).map((p) => p.id)).not.toContain(baby.id);
    expect((await waiting(reader, false, '补录')).find((p) => p.id === baby.id)).toEqual({ id: baby.id, idNumber: `623022${'*'.repeat(12)}` });
    const found = await hub.queryAs<{ personByIdNumber: { id: string } | null }>(writer, `query($n: String!) { personByIdNumber(idNumber: $n) { id } }`, {
      n: right,
    });
    expect(found.data!.personByIdNumber).toEqual({ id: baby.id });
  });
});

describe('the number added by the clerk who registered the newborn (补录, write without pii)', () => {
  const UPDATE = `mutation($id: ID!, $v: Int!, $n: String) { updatePerson(id: $id, version: $v, input: { idNumber: $n }) { id idNumber gender birthDate version } }`;
  type Updated = { updatePerson: { id: string; idNumber: string | null; gender: string; birthDate: string; version: number } };
  let clerk: string;
  let gridWorker: string;
  beforeAll(async () => {
    clerk = await hub.token({ jurisdiction: V, scopes: ['read', 'write'], subject: `newborn-clerk-${RUN}` });
    gridWorker = await hub.token({ jurisdiction: GRID, scopes: ['read', 'write'], subject: `newborn-grid-${RUN}` });
  });
  const audited = async (subject: string) =>
    (
      await db.query<{ operation: string; record_ids: number[]; fields: string[] }>(
        `select operation, record_ids, fields from audit_log where subject = $1 and fields @> array['idNumber'] order by id`,
        [subject],
      )
    ).rows;
  const found = async (n: string) =>
    (await hub.queryAs<{ personByIdNumber: { id: string } | null }>(writer, `query($n: String!) { personByIdNumber(idNumber: $n) { id } }`, { n })).data!
      .personByIdNumber;

  it('by form (updatePerson): the agreeing number only, held by no one else, at the current version; audited, in the history and the change feed', async () => {
    const born = ago(0, 30);
    const baby = (await register({ name: `补录表${RUN % 1000}`, gender: 'FEMALE', birthDate: born })).data!.registerPerson;
    const seq = 500 + (RUN % 80) * 2; // odd: male, even: female
    const right = makeCitizenId('623022', born, seq);
    const wrongSex = makeCitizenId('623022', born, seq + 1);
    const wrongDay = makeCitizenId('623022', ago(0, 31), seq);
    for (const n of [wrongSex, wrongDay]) {
      const r = (await hub.queryAs(gridWorker, UPDATE, { id: baby.id, v: baby.version, n })) as Errors;
      expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'idNumberDisagrees', argument: 'idNumber' });
    }
    const bad = (await hub.queryAs(gridWorker, UPDATE, { id: baby.id, v: baby.version, n: '123' })) as Errors;
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'idNumber' });
    // Another resident's number (registered here with it): CONFLICT naming them.
    const other = makeCitizenId('623022', born, seq + 2);
    const holder = (await register({ name: `持号${RUN % 1000}`, idNumber: other })).data!.registerPerson;
    const taken = (await hub.queryAs(gridWorker, UPDATE, { id: baby.id, v: baby.version, n: other })) as Errors;
    expect(taken.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', rule: 'alreadyRegistered', argument: 'idNumber', personId: holder.id });
    const stale = (await hub.queryAs(gridWorker, UPDATE, { id: baby.id, v: baby.version - 1, n: right })) as Errors;
    expect(stale.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', currentVersion: baby.version });
    expect((await waiting(writer, true)).map((p) => p.id)).toContain(baby.id);

    const r = await hub.queryAs<Updated>(gridWorker, UPDATE, { id: baby.id, v: baby.version, n: right });
    expect(r.errors).toBeUndefined();
    // Masked for the clerk without pii, as every read of it is.
    expect(r.data!.updatePerson).toEqual({ id: baby.id, idNumber: `623022${'*'.repeat(12)}`, gender: 'FEMALE', birthDate: born, version: baby.version + 1 });
    expect(await found(right)).toEqual({ id: baby.id });
    expect((await waiting(writer, true)).map((p) => p.id)).not.toContain(baby.id);
    expect(await audited(`newborn-grid-${RUN}`)).toEqual([{ operation: 'updatePerson: idNumber added', record_ids: [Number(baby.id)], fields: ['idNumber'] }]);
    const history = await hub.queryAs<{ person: { history: { nodes: { changedFields: string[] }[] } } }>(
      writer,
      `{ person(id: "${baby.id}") { history(first: 1) { nodes { changedFields } } } }`,
    );
    expect(history.data!.person.history.nodes[0]!.changedFields).toContain('idNumber');
    const feed = await db.query<{ version: number }>(`select version from change_log where kind = 'RESIDENT' and record_id = $1 order by id desc limit 1`, [
      baby.id,
    ]);
    expect(feed.rows).toEqual([{ version: baby.version + 1 }]);

    // Now the record has a number: another is refused, pointing to correctIdNumber; the same one changes nothing.
    const again = (await hub.queryAs(clerk, UPDATE, { id: baby.id, v: baby.version + 1, n: makeCitizenId('623022', born, seq + 4) })) as Errors;
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'idNumberFixed', argument: 'idNumber' });
    expect(again.errors?.[0]?.message).toContain('correctIdNumber');
    const same = await hub.queryAs<Updated>(clerk, UPDATE, { id: baby.id, v: baby.version + 1, n: right });
    expect(same.data?.updatePerson.version).toBe(baby.version + 1);
    // A number of a resident registered with one is refused as before.
    const fixed = (await hub.queryAs(clerk, UPDATE, { id: holder.id, v: holder.version, n: makeCitizenId('623022', born, seq + 6) })) as Errors;
    expect(fixed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'idNumberFixed' });
  });

  it("by form: another jurisdiction's resident's number is refused idNumberElsewhere, a deregistered resident's deregisteredNumber naming them", async () => {
    // A baby of 临潭县 (another county, outside the clerk's 卓尼县), seeded with its number; ours is born the same day.
    const far = (
      await db.query<{ id_number: string; gender: string; born: string }>(
        `select id_number, gender, to_char(birth_date, 'YYYY-MM-DD') as born from person
          where grid_code like '623021%' and id_number is not null and status = 'ACTIVE' and birth_date > current_date - 300
          order by id limit 1`,
      )
    ).rows[0]!;
    const born = far.born;
    const baby = (await register({ name: `补录他处${RUN % 1000}`, gender: far.gender, birthDate: born })).data!.registerPerson;
    const elsewhere = (await hub.queryAs(writer, UPDATE, { id: baby.id, v: baby.version, n: far.id_number })) as Errors;
    expect(elsewhere.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', rule: 'idNumberElsewhere', argument: 'idNumber' });
    expect(elsewhere.errors?.[0]?.extensions?.personId).toBeUndefined();
    // A resident of this village with the agreeing number, deregistered (a duplicate record): the record to reinstate.
    const seq = 900 + (RUN % 40) * 2 + (far.gender === 'MALE' ? 1 : 0); // odd: male
    const number = makeCitizenId('623022', born, seq);
    const old = (await register({ name: `补录注销${RUN % 1000}`, idNumber: number })).data!.registerPerson;
    const gone = await hub.queryAs(writer, `mutation { deregisterPerson(id: "${old.id}", version: ${old.version}, reason: DUPLICATE) { id } }`);
    expect(gone.errors).toBeUndefined();
    const r = (await hub.queryAs(writer, UPDATE, { id: baby.id, v: baby.version, n: number })) as Errors;
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', rule: 'deregisteredNumber', argument: 'idNumber', personId: old.id });
    expect(r.errors?.[0]?.message).toContain(`(person ${old.id})`);
    // Neither refusal wrote anything: the newborn still waits for its number, at its version.
    const still = await hub.queryAs<{ person: { idNumber: string | null; version: number } }>(writer, `{ person(id: "${baby.id}") { idNumber version } }`);
    expect(still.data!.person).toEqual({ idNumber: null, version: baby.version });
  });

  it('by a residents file row naming the newborn by id, by the same rules', async () => {
    const born = ago(0, 50);
    const reg = async (name: string) => (await register({ name, gender: 'MALE', birthDate: born })).data!.registerPerson;
    const [a, b, c] = [await reg(`补录文件甲${RUN % 1000}`), await reg(`补录文件乙${RUN % 1000}`), await reg(`补录文件丙${RUN % 1000}`)];
    const seq = 700 + (RUN % 40) * 2 + 1; // odd: male
    const right = makeCitizenId('623022', born, seq);
    const twice = makeCitizenId('623022', born, seq + 2);
    const held = makeCitizenId('623022', born, seq + 4);
    const holder = (await register({ name: `文件持号${RUN % 1000}`, idNumber: held })).data!.registerPerson;
    const csv = [
      'id,version,id_number',
      `${a.id},${a.version},${makeCitizenId('623022', born, seq + 1)}`, // female: disagrees
      `${a.id},${a.version},${right}`,
      `${b.id},${b.version},${twice}`,
      `${c.id},${c.version},${twice}`,
      `${holder.id},${holder.version},${makeCitizenId('623022', born, seq + 6)}`,
    ].join('\n');
    // Lines naming one resident twice are refused after the first: the disagreeing line is checked alone first.
    const first = await postImport(
      hub.gatewayUrl,
      clerk,
      'residents',
      csv
        .split('\n')
        .filter((_, i) => i !== 2)
        .join('\n'),
      `newborn-add-${RUN}-1`,
    );
    expect(first.status).toBe(200);
    expect(first.rejects.map((r) => [r.line, r.code, r.rule])).toEqual([
      [2, 'BAD_USER_INPUT', 'idNumberDisagrees'],
      [3, 'CONFLICT', 'alreadyRegistered'],
      [4, 'CONFLICT', 'alreadyRegistered'],
      [5, 'BAD_USER_INPUT', 'idNumberFixed'],
    ]);
    const taken = await postImport(
      hub.gatewayUrl,
      clerk,
      'residents',
      ['id,version,id_number', `${b.id},${b.version},${held}`].join('\n'),
      `newborn-add-${RUN}-2`,
    );
    expect(taken.rejects.map((r) => [r.line, r.code, r.rule])).toEqual([[2, 'CONFLICT', 'alreadyRegistered']]);
    const stale = await postImport(
      hub.gatewayUrl,
      clerk,
      'residents',
      ['id,version,id_number', `${a.id},${a.version + 5},${right}`].join('\n'),
      `newborn-add-${RUN}-3`,
    );
    expect(stale.rejects.map((r) => [r.line, r.code, r.rule])).toEqual([[2, 'CONFLICT', 'staleVersion']]);
    const done = await postImport(
      hub.gatewayUrl,
      clerk,
      'residents',
      ['id,version,id_number', `${a.id},${a.version},${right}`, `${b.id},${b.version},${twice}`].join('\n'),
      `newborn-add-${RUN}-4`,
    );
    expect(done.done).toMatchObject({ updated: 2, rejected: 0 });
    expect(await found(right)).toEqual({ id: a.id });
    expect(await found(twice)).toEqual({ id: b.id });
    const left = (await waiting(writer, true)).map((p) => p.id);
    expect(left).not.toContain(a.id);
    expect(left).toContain(c.id);
    expect(await audited(`newborn-clerk-${RUN}`)).toContainEqual({
      operation: `import residents newborn-add-${RUN}-4: idNumber added`,
      record_ids: [Number(a.id), Number(b.id)].sort((x, y) => x - y),
      fields: ['idNumber'],
    });
    // The record has a number now: a row giving another is refused as before.
    const fixed = await postImport(
      hub.gatewayUrl,
      clerk,
      'residents',
      ['id,id_number', `${a.id},${makeCitizenId('623022', born, seq + 8)}`].join('\n'),
      `newborn-add-${RUN}-5`,
    );
    expect(fixed.rejects.map((r) => [r.line, r.code, r.rule])).toEqual([[2, 'BAD_USER_INPUT', 'idNumberFixed']]);
  });

  it("finds a newborn's row again through the partial index person_without_number, under row-level security", async () => {
    const app = new pg.Client({ connectionString: inject('dbs').village.url });
    await app.connect();
    try {
      await app.query('begin');
      await app.query(`select set_config('hub.jurisdiction', $1, true)`, [V]);
      // The planner's choice for a large table: a small test table may be read whole.
      await app.query('set local enable_seqscan = off');
      await app.query(`create temp table stage (id integer, id_number text, grid_code text, name text, birth_date date, gender text) on commit drop`);
      await app.query(`insert into stage values (null, null, $1, '新生', $2, 'MALE')`, [GRID, ago(0, 5)]);
      await app.query('analyze stage');
      const plan = JSON.stringify((await app.query(`explain (format json) select b.id from stage s ${NEWBORN_MATCH}`)).rows[0]);
      expect(plan).toContain('"Index Name":"person_without_number"');
      await app.query('rollback');
    } finally {
      await app.end();
    }
  });
});

describe('the residents filter withoutIdNumber', () => {
  it('lists the active residents without a number (overseas ones too), set-based beside the other conditions', async () => {
    const all = await waiting(writer, true);
    expect(all.length).toBeGreaterThan(0);
    expect(all.every((p) => p.idNumber === null)).toBe(true);
    const { rows } = await db.query<{ id: number }>(`select id from person where village_code = $1 and status = 'ACTIVE' and id_number is null order by id`, [
      V,
    ]);
    expect(all.map((p) => Number(p.id)).sort((a, b) => a - b)).toEqual(rows.map((r) => r.id));
    const withNumber = await waiting(reader, false);
    expect(withNumber.length).toBeGreaterThan(0);
    expect(withNumber.every((p) => p.idNumber !== null)).toBe(true);
    const overseas = await hub.queryAs<{ village: { residents: { totalCount: number } } }>(
      writer,
      `{ village(code: "${V}") { residents(first: 1, filter: { withoutIdNumber: true, residency: OVERSEAS }) { totalCount } } }`,
    );
    expect(overseas.data!.village.residents.totalCount).toBeGreaterThanOrEqual(1);
  });
});
