import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import pg from 'pg';
import { startHub, type Counted, type GraphQLResponse, type Paged, type TestHub } from './helpers/hub.ts';

/**
 * Finding people through the gateway (issue "The registry in daily use", part
 * 4): a county caller finds a resident of 临潭县 (the seeds' 140,400) by ID
 * number, by name prefix at village, township and county level and by phone;
 * without `pii` the numbers come masked; every lookup by number is audited;
 * a caller of another county finds nothing. Reads only: the seed county stays
 * as seeded.
 */
let hub: TestHub;
let db: pg.Client;
const COUNTY = '623021';
const RUN = Date.now();
const subjects = { pii: `find-pii-${RUN}`, plain: `find-plain-${RUN}`, other: `find-other-${RUN}` };
const tokens = { pii: '', plain: '', other: '' };

interface Resident {
  id: string;
  name: string;
  idNumber: string;
  phone: string;
  villageCode: string;
}
let who: Resident;

beforeAll(async () => {
  hub = await startHub();
  db = new pg.Client({ connectionString: inject('dbs').village.migrationUrl });
  await db.connect();
  tokens.pii = await hub.token({ jurisdiction: COUNTY, scopes: ['read', 'pii'], subject: subjects.pii });
  tokens.plain = await hub.token({ jurisdiction: COUNTY, scopes: ['read'], subject: subjects.plain });
  tokens.other = await hub.token({ jurisdiction: '623022', scopes: ['read', 'pii'], subject: subjects.other });
  // A resident with an ID number and a phone of their own (no one else in the county shares it).
  const r = await db.query(
    `select p.id::text, p.name, p.id_number, p.phone, p.village_code from person p
      where p.county_code = $1 and p.id_number is not null and p.phone is not null and length(p.name) >= 2
        and (select count(*) from person q where q.phone = p.phone) = 1
      order by p.id desc limit 1`,
    [COUNTY],
  );
  const row = r.rows[0] as { id: string; name: string; id_number: string; phone: string; village_code: string };
  who = { id: row.id, name: row.name, idNumber: row.id_number, phone: row.phone, villageCode: row.village_code };
}, 180_000);
afterAll(async () => {
  await db?.end();
  await hub?.stop();
});

const PERSON = 'id name idNumber phone village { code }';
type Person = { id: string; name: string; idNumber: string | null; phone: string | null; village: { code: string } };

/** Residents under a division (owner's view, no row-level security), by id. */
async function expectedIds(where: string, params: unknown[]): Promise<string[]> {
  return (await db.query(`select id::text from person where ${where} order by id`, params)).rows.map((r: { id: string }) => r.id);
}

/** Pages through `residents` of a division (village, township or county) 37 at a time; the ids in order and the total. */
async function pageAll(token: string, level: 'village' | 'township' | 'county', code: string, filter: string) {
  const ids: string[] = [];
  let after: string | null = null;
  let total = -1;
  // The first page counts in its own scan, later pages in a separate count: every page must give the same total.
  const totals = new Set<number>();
  for (let i = 0; i < 200; i++) {
    const r: GraphQLResponse<Record<string, { residents: Paged<{ id: string }> & Counted }>> = await hub.queryAs(
      token,
      `query($a: String) { ${level}(code: "${code}") { residents(filter: ${filter}, first: 37, after: $a) {
        totalCount nodes { id } edges { cursor } pageInfo { hasNextPage endCursor hasPreviousPage startCursor } } } }`,
      { a: after },
    );
    expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
    type Page = Paged<{ id: string }> & Counted & { edges: { cursor: string }[]; pageInfo: { hasPreviousPage: boolean; startCursor: string | null } };
    const page: Page = r.data![level]!.residents as Page;
    // Relay's PageInfo whole: a page read after a cursor has items before it.
    expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
    expect(page.pageInfo.startCursor).toBe(page.edges[0]?.cursor ?? null);
    total = page.totalCount;
    totals.add(total);
    ids.push(...page.nodes.map((n) => n.id));
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  expect([...totals]).toEqual([total]);
  return { ids, total };
}

describe('finding people (临潭县, county caller)', () => {
  it('finds a resident by ID number, in full with pii, masked without', async () => {
    const byFilter = await hub.queryAs<{ county: { residents: Paged<Person> & Counted } }>(
      tokens.pii,
      `query FindById($v: String!) { county(code: "${COUNTY}") { residents(filter: { idNumber: $v }) { totalCount nodes { ${PERSON} } } } }`,
      { v: who.idNumber.toLowerCase() },
    );
    expect(byFilter.errors).toBeUndefined();
    expect(byFilter.data!.county.residents.totalCount).toBe(1);
    expect(byFilter.data!.county.residents.nodes).toEqual([
      { id: who.id, name: who.name, idNumber: who.idNumber, phone: who.phone, village: { code: who.villageCode } },
    ]);

    const root = await hub.queryAs<{ personByIdNumber: Person | null }>(tokens.pii, `query($v: String!) { personByIdNumber(idNumber: $v) { ${PERSON} } }`, {
      v: who.idNumber,
    });
    expect(root.data!.personByIdNumber).toMatchObject({ id: who.id, idNumber: who.idNumber });

    const masked = await hub.queryAs<{ personByIdNumber: Person | null; county: { residents: Paged<Person> } }>(
      tokens.plain,
      `query($v: String!) { personByIdNumber(idNumber: $v) { ${PERSON} } county(code: "${COUNTY}") { residents(filter: { idNumber: $v }) { nodes { ${PERSON} } } } }`,
      { v: who.idNumber },
    );
    expect(masked.errors).toBeUndefined();
    const maskedId = `${who.idNumber.slice(0, 6)}************`;
    const maskedPhone = `${who.phone.slice(0, 3)}****${who.phone.slice(-4)}`;
    expect(masked.data!.personByIdNumber).toMatchObject({ id: who.id, idNumber: maskedId, phone: maskedPhone });
    expect(masked.data!.county.residents.nodes).toEqual([
      { id: who.id, name: who.name, idNumber: maskedId, phone: maskedPhone, village: { code: who.villageCode } },
    ]);
  });

  it('finds residents by name prefix at village, township and county level, every page exactly once', async () => {
    const prefix = who.name.slice(0, 2);
    const township = who.villageCode.slice(0, 9);
    const filter = `{ namePrefix: "${prefix}" }`;
    const cases = [
      ['village', who.villageCode, `village_code = $1 and name like $2`],
      ['township', township, `village_code like $1 || '%' and name like $2`],
      ['county', COUNTY, `county_code = $1 and name like $2`],
    ] as const;
    for (const [level, code, where] of cases) {
      const expected = await expectedIds(where, [code, `${prefix}%`]);
      expect(expected).toContain(who.id);
      const got = await pageAll(tokens.pii, level, code, filter);
      expect(got.ids, level).toEqual(expected);
      expect(got.total, level).toBe(expected.length);
    }
    // A surname alone: the county's most common one, as a front desk would type it; the first page and the total.
    const top = (
      await db.query(`select left(name, 1) as s, count(*)::int as n from person where county_code = $1 group by 1 order by 2 desc limit 1`, [COUNTY])
    ).rows[0] as { s: string; n: number };
    const first = await hub.queryAs<{ county: { residents: Paged<{ id: string; name: string }> & Counted } }>(
      tokens.plain,
      `{ county(code: "${COUNTY}") { residents(filter: { namePrefix: "${top.s}" }, first: 20) { totalCount nodes { id name } } } }`,
    );
    expect(first.data!.county.residents.totalCount).toBe(top.n);
    expect(first.data!.county.residents.nodes.map((n) => n.id)).toEqual(
      (await expectedIds(`county_code = $1 and name like $2`, [COUNTY, `${top.s}%`])).slice(0, 20),
    );
  });

  it('answers every township of the county from one statement, and the townships add up to the county', async () => {
    const prefix = who.name.slice(0, 1);
    type Townships = { county: Counted & { residents: Counted; townships: { code: string; residents?: Counted & Paged<{ id: string }> }[] } };
    const q = (withResidents: boolean) => `{ county(code: "${COUNTY}") { residents(filter: { namePrefix: "${prefix}" }) { totalCount }
      townships { code ${withResidents ? `residents(filter: { namePrefix: "${prefix}" }, first: 3) { totalCount nodes { id } pageInfo { hasNextPage endCursor } }` : ''} } } }`;
    let r: GraphQLResponse<Townships> | undefined;
    const without = await hub.countStatements(() => hub.queryAs<Townships>(tokens.pii, q(false)));
    const statements = await hub.countStatements(async () => {
      r = await hub.queryAs<Townships>(tokens.pii, q(true));
    });
    expect(r!.errors).toBeUndefined();
    const townships = r!.data!.county.townships;
    expect(townships.length).toBeGreaterThan(10);
    expect(townships.reduce((s, t) => s + t.residents!.totalCount, 0)).toBe(r!.data!.county.residents.totalCount);
    // One page statement and one total for all the townships (plus the village subgraph's transaction around them); one per township would add 32.
    expect(statements - without).toBeLessThanOrEqual(6);
  });

  it('finds residents by phone, however it is written', async () => {
    const written = [
      who.phone,
      `+86 ${who.phone.slice(0, 3)}-${who.phone.slice(3, 7)}-${who.phone.slice(7)}`,
      who.phone.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d))),
    ];
    for (const v of written) {
      const r = await hub.queryAs<{ county: { residents: Paged<Person> & Counted } }>(
        tokens.pii,
        `query FindByPhone($v: String!) { county(code: "${COUNTY}") { residents(filter: { phone: $v }) { totalCount nodes { ${PERSON} } } } }`,
        { v },
      );
      expect(r.errors, v).toBeUndefined();
      expect(
        r.data!.county.residents.nodes.map((n) => n.id),
        v,
      ).toEqual([who.id]);
      expect(r.data!.county.residents.nodes[0]!.phone).toBe(who.phone);
    }
    const masked = await hub.queryAs<{ township: { residents: Paged<Person> } }>(
      tokens.plain,
      `query($v: String!) { township(code: "${who.villageCode.slice(0, 9)}") { residents(filter: { phone: $v }) { nodes { id phone idNumber } } } }`,
      { v: who.phone },
    );
    expect(masked.errors).toBeUndefined();
    expect(masked.data!.township.residents.nodes).toEqual([
      { id: who.id, phone: `${who.phone.slice(0, 3)}****${who.phone.slice(-4)}`, idNumber: `${who.idNumber.slice(0, 6)}************` },
    ]);
  });

  it('writes every lookup by number to the audit log, with or without pii, misses too', async () => {
    const logged = async (subject: string) =>
      (await db.query(`select operation, record_type, record_ids, fields from audit_log where subject = $1 order by id`, [subject])).rows as {
        operation: string;
        record_type: string;
        record_ids: number[];
        fields: string[];
      }[];
    const pii = await logged(subjects.pii);
    const byId = pii.find((e) => e.operation === 'FindById');
    expect(byId).toMatchObject({ record_type: 'Person', record_ids: [Number(who.id)] });
    expect(byId!.fields).toEqual(expect.arrayContaining(['idNumberLookup', 'idNumber', 'phone']));
    expect(pii.find((e) => e.operation === 'FindByPhone')!.fields).toEqual(expect.arrayContaining(['phoneLookup', 'phone']));

    const before = (await logged(subjects.plain)).length;
    const miss = await hub.queryAs<{ personByIdNumber: Person | null }>(tokens.plain, `query Probe($v: String!) { personByIdNumber(idNumber: $v) { id } }`, {
      v: '11010519491231002X',
    });
    expect(miss.data!.personByIdNumber).toBeNull();
    const plain = await logged(subjects.plain);
    expect(plain.length).toBe(before + 1);
    expect(plain.at(-1)).toEqual({ operation: 'Probe', record_type: 'Person', record_ids: [], fields: ['idNumberLookup'] });
    // Without pii nothing is read unmasked: the entries name lookups only.
    for (const e of plain)
      expect(
        e.fields.every((f) => f.endsWith('Lookup')),
        JSON.stringify(e),
      ).toBe(true);

    // An administrator of the county reads them through the API.
    const admin = await hub.token({ jurisdiction: COUNTY, scopes: ['admin'] });
    const log = await hub.queryAs<{ auditLog: Paged<{ recordIds: string[]; fields: string[]; operation: string }> }>(
      admin,
      `{ auditLog(subject: "${subjects.plain}") { nodes { operation recordIds fields } } }`,
    );
    expect(log.data!.auditLog.nodes[0]).toEqual({ operation: 'Probe', recordIds: [], fields: ['idNumberLookup'] });
  });

  it('finds nothing for a caller of another county', async () => {
    const r = await hub.queryAs<{ personByIdNumber: Person | null; county: { residents: Counted }; byPhone: { residents: Counted } }>(
      tokens.other,
      `query($v: String!, $p: String!) { personByIdNumber(idNumber: $v) { id } county(code: "623022") { residents(filter: { idNumber: $v }) { totalCount } } byPhone: county(code: "623022") { residents(filter: { phone: $p }) { totalCount } } }`,
      { v: who.idNumber, p: who.phone },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.personByIdNumber).toBeNull();
    expect(r.data!.county.residents.totalCount).toBe(0);
    expect(r.data!.byPhone.residents.totalCount).toBe(0);
    const outside = await hub.queryAs(tokens.other, `{ county(code: "${COUNTY}") { residents(filter: { namePrefix: "马" }) { totalCount } } }`);
    expect(outside.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    // Registering the number in 卓尼县 tells the writer it is registered elsewhere: a lookup by it, and audited as one.
    const subject = `find-writer-${RUN}`;
    const writer = await hub.token({ jurisdiction: '623022', scopes: ['read', 'write'], subject });
    const grid = (await db.query<{ code: string }>(`select min(code) as code from grid where village_code like '623022%'`)).rows[0]!.code;
    const taken = await hub.queryAs(writer, `mutation Register($i: PersonInput!) { registerPerson(input: $i) { id } }`, {
      i: { name: '重复登记', idNumber: who.idNumber, ethnicity: '汉族', residency: 'REGISTERED', gridCode: grid },
    });
    expect(taken.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', rule: 'idNumberElsewhere' });
    const entries = (await db.query(`select operation, record_ids, fields from audit_log where subject = $1`, [subject])).rows;
    expect(entries).toEqual([{ operation: 'Register', record_ids: [], fields: ['idNumberLookup'] }]);
  });

  it.each([
    ['a wrong check character', (id: string) => id.slice(0, 17) + (id[17] === '0' ? '1' : '0'), 'check character'],
    ['17 characters', (id: string) => id.slice(0, 17), '18 characters'],
    ['an unknown province (99)', () => '999999199001011234', 'province'],
  ])('refuses an ID number with %s as BAD_USER_INPUT', async (_, make, rule) => {
    const v = make(who.idNumber);
    const r = await hub.queryAs(tokens.pii, `query($v: String!) { personByIdNumber(idNumber: $v) { id } }`, { v });
    expect(r.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(r.errors![0]!.message).toContain(rule);
    const f = await hub.queryAs(tokens.pii, `query($v: String!) { county(code: "${COUNTY}") { residents(filter: { idNumber: $v }) { totalCount } } }`, { v });
    expect(f.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'filter.idNumber' });
  });

  it('refuses a malformed phone as BAD_USER_INPUT, and reads an emptied name prefix as no filter', async () => {
    const phone = await hub.queryAs(tokens.pii, `{ county(code: "${COUNTY}") { residents(filter: { phone: "12345" }) { totalCount } } }`);
    // Named by its path in the arguments, as filter.minAge and filter.namePrefix are.
    expect(phone.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'filter.phone' });
    const count = async (filter: string) => {
      const r = await hub.queryAs<{ township: { residents: { totalCount: number } } }>(
        tokens.pii,
        `{ township(code: "${who.villageCode.slice(0, 9)}") { residents${filter} { totalCount } } }`,
      );
      expect(r.errors, filter).toBeUndefined();
      return r.data!.township.residents.totalCount;
    };
    const all = await count('');
    expect(all).toBeGreaterThan(0);
    for (const empty of ['namePrefix: "  "', 'name: ""', 'phone: ""']) expect(await count(`(filter: { ${empty} })`), empty).toBe(all);
  });
});
