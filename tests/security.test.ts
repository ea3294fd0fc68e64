import { chinaDay } from '../domain/china-day.ts';
import { makeCitizenId } from '../domain/citizen-id.ts';
import { inject, afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import pg from 'pg';
import { generateKeyPairPem, importPrivateKey, mintCallerToken } from '../platform/auth.ts';
import { ensureDatabases } from '../scripts/lib/databases.ts';
import { SERVICE_REVOKES } from '../subgraphs/village/src/migrations/Migration20261207000083ServiceGrants.ts';
import { NATIONAL_TEST_SUBJECT, postJson, startHub, type GraphQLResponse, type Nodes, type TestHub } from './helpers/hub.ts';

let hub: TestHub;
let somePersonId: string;
beforeAll(async () => {
  hub = await startHub();
  const r = await hub.query<{ village: { residents: Nodes<{ id: string }> } }>(`{ village(code: "623021200201") { residents(first: 1) { nodes { id } } } }`);
  somePersonId = r.data!.village.residents.nodes[0]!.id;
});
afterAll(() => hub?.stop());

async function raw(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as GraphQLResponse };
}

async function asApp<T>(jurisdiction: string | null, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: inject('dbs').village.url });
  await c.connect();
  try {
    await c.query('begin');
    if (jurisdiction !== null) await c.query(`select set_config('hub.jurisdiction', $1, true)`, [jurisdiction]);
    return await fn(c);
  } finally {
    await c.query('rollback');
    await c.end();
  }
}

async function asOwner<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: inject('dbs').village.migrationUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

describe('authentication at the gateway', () => {
  const Q = { query: '{ county(code: "623021") { name } }' };

  it.each([
    ['no token', async () => ({})],
    ['a garbage token', async () => ({ authorization: 'Bearer not.a.jwt' })],
    ['a non-Bearer header', async () => ({ authorization: 'Basic dXNlcjpwdw==' })],
    ['an expired token', async () => ({ authorization: `Bearer ${await hub.token({ ttl: -60 })}` })],
    ['a token living 40 days', async () => ({ authorization: `Bearer ${await hub.token({ ttl: 40 * 86_400 })}` })],
    [
      'a token issued an hour from now',
      async () => {
        const key = await importPrivateKey(inject('keys').caller.privateKey);
        const now = Math.floor(Date.now() / 1000);
        const t = await new SignJWT({ name: 'x', jurisdiction: '623021', scopes: ['read'] })
          .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT' })
          .setSubject('future')
          .setIssuer('governance-hub')
          .setAudience('governance-hub')
          .setIssuedAt(now + 3600)
          .setExpirationTime(now + 7200)
          .sign(key);
        return { authorization: `Bearer ${t}` };
      },
    ],
    [
      'a token signed by another key',
      async () => {
        const other = await importPrivateKey((await generateKeyPairPem()).privateKey);
        const t = await mintCallerToken(other, { subject: 'x', name: 'x', jurisdiction: '623021', scopes: ['read'], ttl: 600 });
        return { authorization: `Bearer ${t}` };
      },
    ],
  ])('refuses %s with 401 UNAUTHENTICATED and no data', async (_, headers) => {
    const r = await raw(hub.gatewayUrl, Q, await headers());
    expect(r.status).toBe(401);
    expect(r.body.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
    expect(r.body.data).toBeUndefined();
  });
});

describe('jurisdiction', () => {
  it('a 城关镇 caller gets for another township’s person what it gets for a person that does not exist', async () => {
    const t = await hub.token({ jurisdiction: '623021100', scopes: ['read', 'pii'] });
    const other = await hub.queryAs(t, `{ person(id: "${somePersonId}") { name idNumber } }`);
    const missing = await hub.queryAs(t, `{ person(id: "2000000000") { name idNumber } }`);
    expect(other).toEqual(missing);
    expect(other.data).toEqual({ person: null });
    const list = await hub.queryAs(t, `{ village(code: "623021200201") { residents { totalCount nodes { name } } } }`);
    expect(list.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    expect(JSON.stringify(list.data)).not.toContain('name');
    const mine = (await hub.queryAs<{ villages: { code: string }[] }>(t, `{ villages(within: "623021100") { code } }`)).data!.villages[0]!.code;
    const own = await hub.queryAs<{ village: { residents: Nodes<{ name: string }> } }>(
      t,
      `{ village(code: "${mine}") { residents(first: 2) { nodes { name } } } }`,
    );
    expect(own.errors).toBeUndefined();
    expect(own.data!.village.residents.nodes.length).toBe(2);
  });

  it('the database itself hides other areas’ rows from the service role (row-level security)', async () => {
    const expected = await asOwner(async (c) => Number((await c.query(`select count(*) from person where village_code like '623021100%'`)).rows[0].count));
    expect(expected).toBeGreaterThan(1000);
    const seen = await asApp('623021100', async (c) => Number((await c.query('select count(*) from person')).rows[0].count));
    expect(seen).toBe(expected);
    const leak = await asApp('623021100', async (c) =>
      Number((await c.query(`select count(*) from person where village_code like '623021200%'`)).rows[0].count),
    );
    expect(leak).toBe(0);
    const households = await asApp('623021100', async (c) => (await c.query(`select distinct left(village_code, 9) as t from household`)).rows.map((r) => r.t));
    expect(households).toEqual(['623021100']);
    const unset = await asApp(null, async (c) => Number((await c.query('select count(*) from person')).rows[0].count));
    expect(unset).toBe(0);
    const write = await asApp('623021100', async (c) => c.query(`update person set name = name where id = $1`, [Number(somePersonId)]).then((r) => r.rowCount));
    expect(write).toBe(0);
  });

  it("answers whether an idempotency key is held only for the transaction's own caller: the services' role can neither learn nor delete another subject's key", async () => {
    const run = Date.now();
    const [owner, key] = [`sec-key-owner-${run}`, `sec-key-${run}`];
    // Another subject's key, used in another township and long expired: the row the function may delete for its owner.
    await asOwner((c) =>
      c.query(
        `insert into write_key (owner, key, mutation, input_hash, record_id, place, created_at) values ($1, $2, 'reportHazard', 'h', 1, '623021200201001', now() - interval '40 days')`,
        [owner, key],
      ),
    );
    const ask = async (c: pg.Client, subject: string | null, days: number) => {
      await c.query(`select set_config('hub.subject', $1, true)`, [subject ?? '']);
      return (await c.query<{ held: boolean }>(`select hub_write_key_held($1, $2) as held`, [key, days])).rows[0]!.held;
    };
    // Another caller, or a transaction naming none, learns nothing and deletes nothing, whatever days it gives: the
    // owner, asked next in the same transaction, still holds the key.
    const asked = await asApp('623021100', async (c) => [
      await ask(c, `sec-key-other-${run}`, 0),
      await ask(c, null, 0),
      await ask(c, owner, 60),
      await ask(c, owner, 30),
    ]);
    expect(asked).toEqual([false, false, true, false]);
    await asOwner((c) => c.query(`delete from write_key where owner = $1`, [owner]));
  });

  it("lets only the services' role execute hub_write_key_held, which reads and deletes past row-level security", async () => {
    const fn = 'hub_write_key_held(text, integer)';
    const admin = new pg.Client({ connectionString: inject('adminUrl') });
    await admin.connect();
    const probe = `hub_test_probe_${Date.now()}`;
    try {
      await admin.query(`create role ${probe} nologin`);
      const may = async (role: string) =>
        (await asOwner((c) => c.query<{ may: boolean }>(`select has_function_privilege($1, $2, 'execute') as may`, [role, fn]))).rows[0]!.may;
      expect(await may('hub_app')).toBe(true);
      expect(await may(probe)).toBe(false);
      // Any role at all: none holds it through PUBLIC.
      const granted = await asOwner((c) => c.query<{ acl: string | null }>(`select proacl::text as acl from pg_proc where oid = $1::regprocedure`, [fn]));
      expect(granted.rows[0]!.acl).not.toMatch(/(^|[{,])=X/);
      // Run as that role (with the schema's use, so that only the function's own grant answers), it is refused.
      const villageDb = new URL(inject('adminUrl'));
      villageDb.pathname = `/${new URL(inject('dbs').village.url).pathname.slice(1)}`;
      const asProbe = new pg.Client({ connectionString: villageDb.toString() });
      await asProbe.connect();
      try {
        await asProbe.query(`grant usage on schema public to ${probe}`);
        await asProbe.query(`set role ${probe}`);
        await expect(asProbe.query(`select public.hub_write_key_held('k', 30)`)).rejects.toThrow(/permission denied for function hub_write_key_held/);
        await asProbe.query('reset role');
        await asProbe.query(`revoke usage on schema public from ${probe}`);
      } finally {
        await asProbe.end();
      }
    } finally {
      await admin.query(`drop role if exists ${probe}`);
      await admin.end();
    }
  });

  it('names no patrol team through hub_patrol_teams_named to a transaction without a jurisdiction (fails closed)', async () => {
    const teams = await asOwner(async (c) => (await c.query<{ id: number }>(`select id from patrol_team order by id limit 500`)).rows.map((r) => r.id));
    expect(teams.length).toBeGreaterThan(0);
    const named = (jurisdiction: string | null) =>
      asApp(jurisdiction, async (c) => Number((await c.query(`select count(*) from hub_patrol_teams_named($1::integer[])`, [teams])).rows[0].count));
    expect(await named(null)).toBe(0);
    expect(await named('')).toBe(0);
  });

  it("names no record of another grid to a grid worker whose local number or externalId another grid's record holds (row-level security hides the holder)", async () => {
    const village = '623021200201';
    const grids = (await hub.query<{ village: { grids: { code: string }[] } }>(`{ village(code: "${village}") { grids { code } } }`)).data!.village.grids.map(
      (g) => g.code,
    );
    expect(grids.length).toBeGreaterThan(1);
    const [mine, other] = [grids[0]!, grids[1]!];
    const run = Date.now();
    const villageWriter = await hub.token({ jurisdiction: village, scopes: ['read', 'write'] });
    const gridWorker = await hub.token({ jurisdiction: mine, scopes: ['read', 'write'] });
    type Made = Record<string, { id: string }>;
    const made = async (field: string, type: string, input: Record<string, unknown>) => {
      const r = await hub.queryAs<Made>(villageWriter, `mutation($i: ${type}!) { ${field}(input: $i) { id } }`, { i: input });
      expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
      return r.data![field]!.id;
    };
    const address = await made('registerAddress', 'AddressInput', { gridCode: other, number: `S3A${run}`, text: `南街 S3A${run}` });
    const house = await made('registerHouse', 'HouseInput', { gridCode: other, number: `S3F${run}`, use: 'SELF_OCCUPIED' });
    const household = await made('registerHousehold', 'HouseholdInput', { gridCode: other, number: `S3H${run}`, addressId: address });
    const site = await made('registerSite', 'SiteInput', { gridCode: other, name: `S3 场所 ${run}`, kind: 'SCHOOL', externalId: `S3X${run}` });
    const ownAddress = await made('registerAddress', 'AddressInput', { gridCode: mine, number: `S3B${run}`, text: `北街 S3B${run}` });
    const cases: [string, string, Record<string, unknown>, string][] = [
      ['registerAddress', 'AddressInput', { gridCode: mine, number: `S3A${run}`, text: 'x' }, address],
      ['registerHouse', 'HouseInput', { gridCode: mine, number: `S3F${run}`, use: 'SELF_OCCUPIED' }, house],
      ['registerHousehold', 'HouseholdInput', { gridCode: mine, number: `S3H${run}`, addressId: ownAddress }, household],
      ['registerSite', 'SiteInput', { gridCode: mine, name: `S3 场所 ${run} 2`, kind: 'SCHOOL', externalId: `S3X${run}` }, site],
    ];
    for (const [field, type, input, holder] of cases) {
      const r = await hub.queryAs(gridWorker, `mutation($i: ${type}!) { ${field}(input: $i) { id } }`, { i: input });
      const e = r.errors?.[0];
      expect(e?.extensions, `${field}: ${JSON.stringify(r)}`).toMatchObject({ code: 'CONFLICT' });
      expect(e!.extensions!.recordId, field).toBeUndefined();
      expect(JSON.stringify(r), field).not.toContain(holder);
    }
  });

  it('refuses writes outside the jurisdiction or without the write scope', async () => {
    const reader = await hub.token({ jurisdiction: '623022', scopes: ['read'] });
    const a = await hub.queryAs(
      reader,
      `mutation { reportHazard(input: { gridCode: "623022100001001", kind: FIRE, description: "x", source: CITIZEN }) { id } }`,
    );
    expect(a.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const writer = await hub.token({ jurisdiction: '623022', scopes: ['read', 'write'] });
    const b = await hub.queryAs(
      writer,
      `mutation { reportHazard(input: { gridCode: "623021200201001", kind: FIRE, description: "x", source: CITIZEN }) { id } }`,
    );
    expect(b.errors![0]!.extensions!.code).toBe('FORBIDDEN');
  });

  it("counts a grid's staffing only for a caller who holds the grid, so no caller can put a wrong figure in the cache every caller reads", async () => {
    const grid = '623021200201001';
    const owner = await hub.token({ jurisdiction: '623021', scopes: ['report'] });
    const outsider = await hub.token({ jurisdiction: '623022', scopes: ['read', 'write', 'pii'] });
    const staffed = `{ village(code: "623021200201") { forces { grids gridsFullyStaffed } grids { code fullyStaffed } } }`;
    type Staffed = { village: { forces: { grids: number; gridsFullyStaffed: number }; grids: { code: string; fullyStaffed: boolean }[] } };
    const before = await hub.queryAs<Staffed>(owner, staffed);
    expect(before.errors).toBeUndefined();
    // The outsider's row-level security sees none of the grid's staff: counted for it, every grid read as understaffed.
    const outside = await hub.queryAs(outsider, `{ grid(code: "${grid}") { fullyStaffed } village(code: "623021200201") { grids { fullyStaffed } } }`);
    expect(outside.errors!.map((e) => e.extensions!.code)).toEqual(expect.arrayContaining(['FORBIDDEN']));
    expect(outside.errors!.every((e) => e.extensions!.code === 'FORBIDDEN')).toBe(true);
    const after = await hub.queryAs<Staffed>(owner, staffed);
    expect(after.data).toEqual(before.data);
    const v = after.data!.village;
    expect(v.grids.filter((g) => g.fullyStaffed)).toHaveLength(v.forces.gridsFullyStaffed);
    // A token with no scope at all gets no figure either.
    const none = await hub.token({ jurisdiction: '623021', scopes: [] });
    expect((await hub.queryAs(none, `{ grid(code: "${grid}") { fullyStaffed } }`)).errors![0]!.extensions!.code).toBe('FORBIDDEN');
  });

  it("gives a township's agencies, teams and dispatch figures only to callers with read or report inside the jurisdiction", async () => {
    const q = `{ township(code: "623021100") { agencies { staff } teams { members } dispatchStats(period: "2026") { dispatched } }
                 county(code: "623021") { dispatchStats(period: "2026") { dispatched } } }`;
    const none = await hub.queryAs(await hub.token({ jurisdiction: '623021', scopes: [] }), q);
    expect(none.errors!.map((e) => `${e.path!.join('.')} ${e.extensions!.code}`).sort()).toEqual([
      'county.dispatchStats FORBIDDEN',
      'township.agencies FORBIDDEN',
      'township.dispatchStats FORBIDDEN',
      'township.teams FORBIDDEN',
    ]);
    const outside = await hub.queryAs(await hub.token({ jurisdiction: '51', scopes: ['report'] }), q);
    expect(outside.errors!.length).toBe(4);
    expect(outside.errors!.every((e) => e.extensions!.code === 'FORBIDDEN')).toBe(true);
    const report = await hub.queryAs<{ township: { agencies: unknown[]; teams: unknown[] } }>(
      await hub.token({ jurisdiction: '623021', scopes: ['report'] }),
      q,
    );
    expect(report.errors).toBeUndefined();
    expect(report.data!.township.agencies.length).toBeGreaterThan(0);
  });
});

describe('scopes', () => {
  it('a report-only tool for 甘肃 (62) gets statistics and FORBIDDEN for records', async () => {
    const t = await hub.token({ jurisdiction: '62', scopes: ['report'] });
    const stats = await hub.queryAs<{ county: { name: string; population: { residents: number }; forces: { grids: number } } }>(
      t,
      `{ county(code: "623021") { name population { residents } forces { grids } } }`,
    );
    expect(stats.errors).toBeUndefined();
    expect(stats.data!.county.population.residents).toBeGreaterThanOrEqual(140_000);
    for (const q of [
      `{ village(code: "623021200201") { residents { nodes { name } } } }`,
      `{ person(id: "${somePersonId}") { name } }`,
      `{ village(code: "623021200201") { households { nodes { number } } } }`,
      `{ village(code: "623021200201") { patrols(from: "2026-01-01", to: "2026-09-30") { nodes { id } } } }`,
      `{ village(code: "623021200201") { sites { nodes { name } } } }`,
    ]) {
      const r = await hub.queryAs(t, q);
      expect(r.errors![0]!.extensions!.code, q).toBe('FORBIDDEN');
      expect(JSON.stringify(r.data ?? {})).not.toMatch(/name|number|"id"/);
    }
    const outside = await hub.queryAs(t, `{ county(code: "632223") { population { residents } } }`);
    expect(outside.errors![0]!.extensions!.code).toBe('FORBIDDEN');
  });

  it('masks ID numbers and phones without pii; with pii shows them and writes an audit row', async () => {
    const plain = await hub.token({ jurisdiction: '623021', scopes: ['read'] });
    type Person = { person: { idNumber: string | null; phone?: string | null } };
    const masked = await hub.queryAs<Person>(plain, `{ person(id: "${somePersonId}") { idNumber phone } }`);
    expect(masked.data!.person.idNumber).toMatch(/^623021\*{12}$/);
    if (masked.data!.person.phone) expect(masked.data!.person.phone).toMatch(/^\d{3}\*{4}\d{4}$/);

    const subject = `pii-reader-${Date.now()}`;
    const pii = await hub.token({ jurisdiction: '623021', scopes: ['read', 'pii'], subject });
    const before = await asOwner(async (c) => Number((await c.query('select count(*) from audit_log where subject = $1', [subject])).rows[0].count));
    const full = await hub.queryAs<Person>(pii, `query ReadOne { person(id: "${somePersonId}") { idNumber } }`);
    expect(full.data!.person.idNumber).toMatch(/^623021\d{11}[\dX]$/);
    const rows = await asOwner(async (c) => (await c.query('select * from audit_log where subject = $1', [subject])).rows);
    expect(rows.length).toBe(before + 1);
    expect(rows[0]).toMatchObject({
      record_type: 'Person',
      record_ids: [Number(somePersonId)],
      fields: ['idNumber'],
      operation: 'ReadOne',
      caller_jurisdiction: '623021',
    });

    const admin = await hub.token({ jurisdiction: '623021', scopes: ['admin'] });
    const log = await hub.queryAs<{ auditLog: Nodes<unknown> }>(
      admin,
      `{ auditLog(subject: "${subject}") { nodes { subject recordType recordIds operation } } }`,
    );
    expect(log.data!.auditLog.nodes).toEqual([{ subject, recordType: 'Person', recordIds: [somePersonId], operation: 'ReadOne' }]);
    // A national admin (the operator's grant, jurisdiction *) reads the same entry; a neighbouring county's admin does not.
    const national = await hub.queryAs<{ auditLog: Nodes<unknown> }>(
      await hub.token({ scopes: ['admin'] }),
      `{ auditLog(subject: "${subject}") { nodes { subject } } }`,
    );
    expect(national.data!.auditLog.nodes).toEqual([{ subject }]);
    const neighbour = await hub.queryAs<{ auditLog: Nodes<unknown> }>(
      await hub.token({ jurisdiction: '632223', scopes: ['admin'] }),
      `{ auditLog(subject: "${subject}") { nodes { subject } } }`,
    );
    expect(neighbour.data!.auditLog.nodes).toEqual([]);
    // Asked by the record: the entry that read it, and none for a record it did not read.
    const byRecord = async (args: string) =>
      hub.queryAs<{ auditLog: Nodes<{ subject: string }> }>(admin, `{ auditLog(${args}, first: 200) { nodes { subject } } }`);
    const read = await byRecord(`recordType: "Person", recordId: "${somePersonId}"`);
    expect(read.data!.auditLog.nodes.filter((n) => n.subject === subject)).toEqual([{ subject }]);
    const unread = await byRecord(`recordType: "GridStaff", recordId: "${somePersonId}"`);
    expect(unread.data!.auditLog.nodes.filter((n) => n.subject === subject)).toEqual([]);
    // Dates filter entries with no ten-year limit (no statistics period): `to` alone reads from the log's start.
    const until = await byRecord(`recordType: "Person", recordId: "${somePersonId}", to: "${chinaDay()}"`);
    expect(until.errors).toBeUndefined();
    expect(until.data!.auditLog.nodes.filter((n) => n.subject === subject)).toEqual([{ subject }]);
    for (const [args, argument] of [
      [`recordId: "${somePersonId}"`, 'recordType'],
      [`recordType: "Person"`, 'recordId'],
      [`recordType: "Dispute", recordId: "1"`, 'recordType'],
      [`recordType: "Person", recordId: "x1"`, 'recordId'],
    ] as const) {
      const bad = await byRecord(args);
      expect(bad.errors?.[0]?.extensions?.code, args).toBe('BAD_USER_INPUT');
      expect(bad.errors?.[0]?.extensions?.argument, args).toBe(argument);
    }
    const notAdmin = await hub.queryAs(pii, `{ auditLog { nodes { id } } }`);
    expect(notAdmin.errors![0]!.extensions!.code).toBe('FORBIDDEN');
  });

  it('keeps the audit log append-only, even for the table owner', async () => {
    await expect(asApp('', (c) => c.query(`update audit_log set subject = 'x'`))).rejects.toThrow();
    await expect(asOwner((c) => c.query(`delete from audit_log`))).rejects.toThrow(/append-only/);
  });
});

describe('subgraphs trust only a router with a secret (tests/trust.test.ts goes further)', () => {
  it.each(['county', 'township', 'village'] as const)('the %s subgraph refuses a request without the router secret', async (name) => {
    const url = hub.subgraphs[name].url;
    const plain = await raw(url, { query: '{ __typename }' });
    expect(plain.status).toBe(401);
    expect(plain.body.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
    const entities = await raw(url, { query: 'query($r: [_Any!]!) { _entities(representations: $r) { __typename } }', variables: { r: [] } });
    expect(entities.status).toBe(401);
    // A caller's own valid token is not enough: only a router holding a secret reaches a subgraph.
    const callerToken = await hub.token();
    const direct = await raw(url, { query: '{ __typename }' }, { authorization: `Bearer ${callerToken}` });
    expect(direct.status).toBe(401);
    expect(direct.body.errors![0]!.message).toContain('x-hub-router');
  });
});

describe('personal data per request', () => {
  it('reads the ID numbers of at most 5,000 people in one request, the rest refused with BAD_USER_INPUT, and pages of them as before', async () => {
    const county = await hub.token({ jurisdiction: '623021', scopes: ['read', 'pii'], subject: 'pii-per-request' });
    const listed = await hub.queryAs<{ villages: { code: string; residents: { totalCount: number } }[] }>(
      county,
      `{ villages(within: "623021") { code residents(first: 0) { totalCount } } }`,
    );
    // Twelve villages of at least 500 residents each: 6,000 people under cost limits that let them through.
    const big = listed.data!.villages.filter((v) => v.residents.totalCount >= 500).slice(0, 12);
    expect(big).toHaveLength(12);
    type Page = { residents: { nodes: { id: string; idNumber: string | null }[] } };
    const r = await hub.queryAs<Record<string, Page>>(
      county,
      `{ ${big.map((v, i) => `v${i}: village(code: "${v.code}") { residents(first: 500) { nodes { id idNumber } } }`).join(' ')} }`,
    );
    const people = Object.values(r.data!).flatMap((v) => v.residents.nodes);
    expect(people).toHaveLength(6000);
    expect(people.filter((p) => p.idNumber !== null)).toHaveLength(5000);
    // One error for each person past the limit who has an ID number (an overseas resident may have none).
    expect(r.errors!.length).toBeGreaterThan(900);
    expect(new Set(r.errors!.map((e) => `${e.extensions?.code} ${e.extensions?.limit}`))).toEqual(new Set(['BAD_USER_INPUT 5000']));
    // One page is read in full, as before.
    const one = await hub.queryAs<Record<string, Page>>(county, `{ v: village(code: "${big[0]!.code}") { residents(first: 500) { nodes { id idNumber } } } }`);
    expect(one.errors).toBeUndefined();
    expect(one.data!.v!.residents.nodes.every((p) => p.idNumber !== null)).toBe(true);
  });

  it('holds the limit across the subgraph fetches the gateway splits one request into', async () => {
    const county = await hub.token({ jurisdiction: '623021', scopes: ['read', 'pii'], subject: 'pii-split-request' });
    // The county's residents of six ages straight from the village subgraph, and of six other ages through the county
    // subgraph's County (a fetch of its own): 6,000 people, each fetch under the limit.
    const ages = (from: number) =>
      Array.from(
        { length: 6 },
        (_, i) => `a${from + i}: residents(first: 500, filter: { minAge: ${from + i}, maxAge: ${from + i} }) { nodes { id idNumber } }`,
      ).join(' ');
    type Page = { nodes: { id: string; idNumber: string | null }[] };
    const r = await hub.queryAs<{ v: Record<string, Page>; c: Record<string, Page> }>(
      county,
      `{ v: county(code: "623021") { ${ages(30)} } c: township(code: "623021200") { county { ${ages(40)} } } }`,
    );
    const c = (r.data as unknown as { c: { county: Record<string, Page> } }).c.county;
    const people = [...Object.values(r.data!.v), ...Object.values(c)].flatMap((p) => p.nodes);
    expect(people).toHaveLength(6000);
    expect(people.filter((p) => p.idNumber !== null)).toHaveLength(5000);
    expect(new Set(r.errors!.map((e) => `${e.extensions?.code} ${e.extensions?.limit}`))).toEqual(new Set(['BAD_USER_INPUT 5000']));
  });
});

describe('query limits at the gateway', () => {
  it('refuses a query 20 levels deep, one with 1,000 aliases (or 60 of __typename) and a 1 MB body, and stays responsive', async () => {
    let deep = 'code';
    for (let i = 0; i < 10; i++) deep = `villages { township { ${deep} } }`;
    const d = await hub.query(`{ township(code: "623021200") { ${deep} } }`);
    // Depth and cost both bound it; whichever trips first names its limit.
    expect(d.errors![0]!.message).toMatch(/depth|cost limit/i);
    expect(d.data ?? null).toBeNull();
    // A fan-out through whole lists of divisions: every village of a county, a page of residents each, with their households.
    const fan = await hub.query(
      `{ county(code: "623021") { townships { villages { residents(first: 500) { nodes { name household { members { name } } } } } } } }`,
    );
    expect(fan.errors![0]!.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(fan.errors![0]!.message).toMatch(/cost/i);
    // The same fan-out through the list of a county's villages by code: it had answered 73,500 residents with their ID numbers.
    const within = await hub.query(`{ villages(within: "623021") { code residents(first: 500) { totalCount nodes { id name idNumber phone } } } }`);
    expect(within.errors![0]!.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(within.errors![0]!.message).toMatch(/cost/i);
    expect(within.data ?? null).toBeNull();
    // Nor a few townships' villages under aliases: a township holds up to 31 villages, and is counted so.
    const townships = ['101', '100', '104', '106', '210', '102'];
    const aliased = await hub.query(
      `{ ${townships.map((t) => `t${t}: villages(within: "623021${t}") { code residents(first: 500) { nodes { id idNumber phone } } }`).join(' ')} }`,
    );
    expect(aliased.errors![0]!.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const aliases = Array.from({ length: 1000 }, (_, i) => `a${i}: provinces { code }`).join(' ');
    const a = await hub.query(`{ ${aliases} }`);
    expect(a.errors![0]!.message).toMatch(/alias/i);
    // Aliases of __typename count too: 3,000 of them under a list's nodes would multiply its answer.
    const typenames = Array.from({ length: 60 }, (_, i) => `t${i}: __typename`).join(' ');
    const t = await hub.query(`{ village(code: "623021200201") { residents(first: 20) { nodes { ${typenames} } } } }`);
    expect(t.errors![0]!.message).toMatch(/alias/i);
    expect(t.data ?? null).toBeNull();
    const big = await raw(hub.gatewayUrl, JSON.stringify({ query: `{ county(code: "623021") { name } } #${'x'.repeat(1_000_000)}` }), {
      authorization: `Bearer ${await hub.token()}`,
    });
    expect(big.status).toBe(413);
    expect(big.body.errors![0]!.extensions!.code).toBe('PAYLOAD_TOO_LARGE');
    const batched = await raw(hub.gatewayUrl, [{ query: '{ __typename }' }, { query: '{ __typename }' }], { authorization: `Bearer ${await hub.token()}` });
    expect(batched.status).toBe(400);
    const ok = await hub.query<{ county: { name: string } }>(`{ county(code: "623021") { name } }`);
    expect(ok.data!.county.name).toBe('临潭县');
  });

  it('answers a GET query only with a header no browser sends cross-site without a preflight (Authorization)', async () => {
    const url = `${hub.gatewayUrl}?query=${encodeURIComponent('{ __typename }')}`;
    const withToken = await fetch(url, { headers: { authorization: `Bearer ${await hub.token()}` } });
    expect(withToken.status).toBe(200);
    expect(((await withToken.json()) as GraphQLResponse).data).toEqual({ __typename: 'Query' });
    // A simple cross-site GET (what a form or an <img> can send) carries no token and no preflighted header.
    const simple = await fetch(url);
    expect(simple.status).toBeGreaterThanOrEqual(400);
    expect(simple.status).toBeLessThan(500);
    const mutation = await fetch(`${hub.gatewayUrl}?query=${encodeURIComponent('mutation { __typename }')}`, {
      headers: { authorization: `Bearer ${await hub.token()}` },
    });
    expect(mutation.status).toBe(405);
  });
});

describe('production mode', () => {
  it('turns off introspection and field suggestions at the gateway', async () => {
    const { startGateway } = await import('../gateway/src/gateway.ts');
    const keys = inject('keys');
    const gw = await startGateway({
      callerKeys: { publicKey: keys.caller.publicKey },
      routerSecret: keys.routerSecrets[0]!,
      production: true,
      nationalSubjects: [NATIONAL_TEST_SUBJECT],
      subgraphUrls: { county: hub.subgraphs.county.url, township: hub.subgraphs.township.url, village: hub.subgraphs.village.url },
    });
    try {
      const auth = { authorization: `Bearer ${await hub.token()}` };
      const intro = await postJson(gw.url, { query: '{ __schema { types { name } } }' }, auth);
      expect(intro.errors![0]!.message).toMatch(/introspection/i);
      const typo = await postJson(gw.url, { query: '{ county(code: "623021") { nmae } }' }, auth);
      expect(typo.errors![0]!.message).not.toMatch(/did you mean/i);
      const ok = await postJson<{ county: { name: string } }>(gw.url, { query: '{ county(code: "623021") { name } }' }, auth);
      expect(ok.data!.county.name).toBe('临潭县');
    } finally {
      await gw.stop();
    }
  });
});

describe('the audit log answers an inspector: who read whose number in full, when and by which path', () => {
  type Entry = { subject: string; recordType: string; recordIds: string[]; fields: string[]; operation: string; path: string | null };
  type Log = { auditLog: Nodes<Entry> & { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
  const ENTRY = 'subject recordType recordIds fields operation path';
  const county = () => hub.token({ jurisdiction: '623021', scopes: ['admin'] });

  it('names the path of every read of a full ID number or phone, found or not, in a partial answer too', async () => {
    type Ids = { id: string };
    const sample = await hub.query<{
      village: {
        residents: Nodes<Ids>;
        households: Nodes<{ members: Ids[] }>;
        staff: Nodes<Ids & { person: Ids | null }>;
      };
      cases: { disputes: Nodes<Ids & { parties: { person: Ids | null }[] }> };
      far: { residents: Nodes<{ idNumber: string }> };
    }>(`{ village(code: "623021200201") {
          residents(first: 1, filter: { withoutIdNumber: false }) { nodes { id } }
          households(first: 1) { nodes { members { id } } }
          staff(first: 5) { nodes { id person { id } } }
}
        cases: county(code: "623021") { disputes(first: 500) { nodes { id parties { person { id } } } } }
        far: county(code: "632223") { residents(first: 1, filter: { withoutIdNumber: false }) { nodes { idNumber } } } }`);
    expect(sample.errors).toBeUndefined();
    const v = sample.data!.village;
    const resident = v.residents.nodes[0]!.id;
    const member = v.households.nodes[0]!.members[0]!.id;
    const staff = v.staff.nodes.find((s) => s.person)!;
    const withParty = sample.data!.cases.disputes.nodes.find((d) => d.parties.some((p) => p.person))!;
    const party = withParty.parties.find((p) => p.person)!.person!.id;
    const elsewhere = sample.data!.far.residents.nodes[0]!.idNumber;

    const run = Date.now();
    const cases: { name: string; query: string; type: string; path: string; id?: string; fields: string[]; partial?: boolean }[] = [
      { name: 'ById', query: `{ person(id: "${resident}") { idNumber phone } }`, type: 'Person', path: 'person', id: resident, fields: ['idNumber'] },
      {
        name: 'Aliased',
        query: `{ x: village(code: "623021200201") { y: residents(first: 1, filter: { withoutIdNumber: false }) { z: nodes { id idNumber } } } }`,
        type: 'Person',
        path: 'village.residents',
        id: resident,
        fields: ['idNumber'],
      },
      {
        name: 'Members',
        query: `{ village(code: "623021200201") { households(first: 1) { nodes { ...M } } } } fragment M on Household { members { id idNumber } }`,
        type: 'Person',
        path: 'village.households.members',
        id: member,
        fields: ['idNumber'],
      },
      {
        name: 'Staff',
        query: `{ village(code: "623021200201") { staff(first: 5) { nodes { id phone person { id idNumber } } } } }`,
        type: 'Person',
        path: 'village.staff.person',
        id: staff.person!.id,
        fields: ['idNumber'],
      },
      {
        name: 'Parties',
        query: `{ dispute(id: "${withParty.id}") { parties { person { id idNumber } } } }`,
        type: 'Person',
        path: 'dispute.parties.person',
        id: party,
        fields: ['idNumber'],
      },
      // The county subgraph owns County: its residents are the village subgraph's answer to the gateway's entity fetch.
      {
        name: 'ThroughCounty',
        query: `{ township(code: "623021200") { county { residents(first: 1, filter: { withoutIdNumber: false }) { nodes { id idNumber } } } } }`,
        type: 'Person',
        path: 'County.residents',
        id: 'answered',
        fields: ['idNumber'],
      },
      {
        name: 'Lookup',
        query: `{ personByIdNumber(idNumber: "${elsewhere}") { id idNumber } }`,
        type: 'Person',
        path: 'personByIdNumber',
        fields: ['idNumberLookup'],
      },
      {
        name: 'Partial',
        query: `{ person(id: "${resident}") { idNumber } dispute(id: "not-an-id") { id } }`,
        type: 'Person',
        path: 'person',
        id: resident,
        fields: ['idNumber'],
        partial: true,
      },
    ];
    for (const c of cases) {
      const subject = `inspected-${c.name}-${run}`;
      const reader = await hub.token({ jurisdiction: '623021', scopes: ['read', 'pii'], subject });
      const r = await hub.queryAs(reader, `query ${c.name} ${c.query.replace(/^query /, '')}`);
      if (c.partial) expect(r.errors?.[0]?.extensions?.code, c.name).toBe('BAD_USER_INPUT');
      else expect(r.errors, c.name).toBeUndefined();
      if (c.id) expect(JSON.stringify(r.data), c.name).toMatch(/"\d{17}[\dX]"/);
      const log = await hub.queryAs<Log>(await county(), `{ auditLog(subject: "${subject}", first: 20) { nodes { ${ENTRY} } } }`);
      expect(log.errors, c.name).toBeUndefined();
      const entry = log.data!.auditLog.nodes.find((n) => n.recordType === c.type && n.path === c.path);
      expect(entry, `${c.name}: ${JSON.stringify(log.data!.auditLog.nodes)}`).toBeDefined();
      expect(entry!.operation, c.name).toBe(c.name);
      expect(entry!.fields, c.name).toEqual(expect.arrayContaining(c.fields));
      if (c.id) expect(entry!.recordIds, c.name).toContain(c.id === 'answered' ? /"id":"(\d+)"/.exec(JSON.stringify(r.data))![1] : c.id);
      // A lookup of a number outside the caller's jurisdiction finds no one, and says so: no record, the lookup only.
      else expect(entry!.recordIds, c.name).toEqual([]);
    }
    // A grid worker's phone read in a list of staff is an entry of its own record type, by the same path.
    const staffLog = await hub.queryAs<Log>(await county(), `{ auditLog(subject: "inspected-Staff-${run}") { nodes { ${ENTRY} } } }`);
    expect(staffLog.data!.auditLog.nodes.filter((n) => n.recordType === 'GridStaff').map((n) => n.path)).toEqual(['village.staff']);
  });

  it('answers who read a record between two days and what a caller read, paged, inside the asking admin’s jurisdiction only', async () => {
    const run = Date.now();
    const r = await hub.query<{ village: { residents: Nodes<{ id: string }> } }>(
      `{ village(code: "623021200201") { residents(first: 1, filter: { withoutIdNumber: false }) { nodes { id } } } }`,
    );
    const person = r.data!.village.residents.nodes[0]!.id;
    // A county desk reads the resident three times; a township desk of the same county once.
    const countyReader = `county-desk-${run}`;
    const townshipReader = `township-desk-${run}`;
    const countyToken = await hub.token({ jurisdiction: '623021', scopes: ['read', 'pii'], subject: countyReader });
    for (let i = 0; i < 3; i++) expect((await hub.queryAs(countyToken, `query Desk { person(id: "${person}") { phone idNumber } }`)).errors).toBeUndefined();
    const townshipToken = await hub.token({ jurisdiction: '623021200', scopes: ['read', 'pii'], subject: townshipReader });
    expect((await hub.queryAs(townshipToken, `query Desk { person(id: "${person}") { idNumber } }`)).errors).toBeUndefined();

    const today = chinaDay();
    const ask = async (token: string, args: string) =>
      hub.queryAs<Log>(token, `{ auditLog(${args}) { totalCount pageInfo { hasNextPage endCursor } nodes { ${ENTRY} } } }`);
    const mine = (l: Log) => l.auditLog.nodes.filter((n) => n.subject === countyReader || n.subject === townshipReader);
    // Who read this record today: both desks, newest first, by path.
    const read = await ask(await county(), `recordType: "Person", recordId: "${person}", from: "${today}", to: "${today}", first: 500`);
    expect(read.errors).toBeUndefined();
    expect(mine(read.data!).map((n) => `${n.subject} ${n.path} ${n.fields.sort().join(',')}`)).toEqual([
      `${townshipReader} person idNumber`,
      ...Array(3).fill(`${countyReader} person idNumber,phone`),
    ]);
    // Before today: none of them.
    const earlier = await ask(await county(), `recordType: "Person", recordId: "${person}", from: "2026-11-01", to: "2026-11-30", first: 500`);
    expect(mine(earlier.data!)).toEqual([]);
    // What the county desk read, a page at a time.
    const first = await ask(await county(), `subject: "${countyReader}", first: 2`);
    expect(first.data!.auditLog.totalCount).toBe(3);
    expect(first.data!.auditLog.nodes).toHaveLength(2);
    expect(first.data!.auditLog.pageInfo.hasNextPage).toBe(true);
    const rest = await ask(await county(), `subject: "${countyReader}", first: 2, after: "${first.data!.auditLog.pageInfo.endCursor}"`);
    expect(rest.data!.auditLog.nodes).toHaveLength(1);
    expect(rest.data!.auditLog.pageInfo.hasNextPage).toBe(false);

    // A township's admin reads its own township's callers' entries, never the county's (whose reads go beyond it).
    const townshipAdmin = await hub.token({ jurisdiction: '623021200', scopes: ['admin'] });
    const asTownship = await ask(townshipAdmin, `recordType: "Person", recordId: "${person}", first: 500`);
    expect(mine(asTownship.data!).map((n) => n.subject)).toEqual([townshipReader]);
    expect((await ask(townshipAdmin, `subject: "${countyReader}"`)).data!.auditLog.totalCount).toBe(0);
    // Another county's admin sees none of them, asked by record or by caller.
    const neighbour = await hub.token({ jurisdiction: '632223', scopes: ['admin'] });
    expect(mine((await ask(neighbour, `recordType: "Person", recordId: "${person}", first: 500`)).data!)).toEqual([]);
    expect((await ask(neighbour, `subject: "${countyReader}"`)).data!.auditLog.totalCount).toBe(0);

    // Bad input: a typed error that names the argument, in Chinese first.
    for (const [args, argument] of [
      [`from: "2026-11-31"`, 'from'],
      [`from: "2026-12-01", to: "2026-11-01"`, 'from'],
      [`recordType: "Household", recordId: "${person}"`, 'recordType'],
      [`first: -1`, 'first'],
      [`after: "not-a-cursor"`, 'after'],
    ] as const) {
      // Without an English Accept-Language, as a desk's browser in China asks.
      const bad = await postJson(
        hub.gatewayUrl,
        { query: `{ auditLog(${args}) { totalCount } }` },
        { authorization: `Bearer ${await county()}`, 'accept-language': 'zh-CN' },
      );
      expect(bad.errors?.[0]?.extensions?.code, args).toBe('BAD_USER_INPUT');
      expect(bad.errors?.[0]?.message, args).toMatch(/[\u4e00-\u9fff]/);
      if (argument !== 'from' || !args.includes('to:')) expect(bad.errors?.[0]?.extensions?.argument, args).toBe(argument);
    }
  });

  it('finds the callers whose lookups found nobody, and tells that two misses tried the same number without keeping it', async () => {
    type Missed = { subject: string; path: string | null; recordIds: string[]; fields: string[]; missedLookups: string[] };
    type MissedLog = { auditLog: Nodes<Missed> & { totalCount: number } };
    const run = Date.now();
    // A number registered nowhere (a county code of another province), and a phone no one gives.
    const nobody = makeCitizenId('659111', '1980-01-01', (run % 400) + 1);
    const noPhone = `130${String(run).slice(-8)}`;
    const fisher = `fisher-${run}`;
    const other = `other-desk-${run}`;
    const honest = `honest-desk-${run}`;
    const token = (subject: string) => hub.token({ jurisdiction: '623021', scopes: ['read'], subject });
    const known = await hub.query<{ village: { residents: Nodes<{ id: string; idNumber: string }> } }>(
      `{ village(code: "623021200201") { residents(first: 1, filter: { withoutIdNumber: false }) { nodes { id idNumber } } } }`,
    );
    const resident = known.data!.village.residents.nodes[0]!;
    const lookup = (n: string) => `query Try { personByIdNumber(idNumber: "${n}") { id } }`;
    for (const [subject, query] of [
      [fisher, lookup(nobody)],
      [fisher, lookup(nobody)],
      [fisher, `query Try { village(code: "623021200201") { residents(filter: { phone: "${noPhone}" }) { nodes { id } } } }`],
      [other, lookup(nobody)],
      [honest, lookup(resident.idNumber)],
    ] as const) {
      expect((await hub.queryAs(await token(subject), query)).errors, query).toBeUndefined();
    }
    const today = chinaDay();
    const ask = async (args: string) => {
      const r = await hub.queryAs<MissedLog>(
        await county(),
        `{ auditLog(${args}, from: "${today}", first: 500) { totalCount nodes { subject path recordIds fields missedLookups } } }`,
      );
      expect(r.errors, args).toBeUndefined();
      return r.data!.auditLog.nodes.filter((n) => [fisher, other, honest].includes(n.subject));
    };
    // The misses: the fisher's three and the other desk's one, the honest desk's lookup not among them.
    const missed = await ask('found: false');
    expect(missed.map((n) => `${n.subject} ${n.path}`).sort()).toEqual(
      [`${fisher} personByIdNumber`, `${fisher} personByIdNumber`, `${fisher} village.residents`, `${other} personByIdNumber`].sort(),
    );
    for (const n of missed) {
      expect(n.recordIds).toEqual([]);
      expect(n.missedLookups).toHaveLength(1);
      expect(n.missedLookups[0]).toMatch(/^[0-9a-f]{16}$/);
    }
    // One number tried three times by two callers: one fingerprint; the phone another. The log holds neither number.
    const byNumber = missed.filter((n) => n.path === 'personByIdNumber').map((n) => n.missedLookups[0]);
    expect(new Set(byNumber).size).toBe(1);
    const phoneMiss = missed.find((n) => n.path === 'village.residents')!.missedLookups[0];
    expect(phoneMiss).not.toBe(byNumber[0]);
    const kept = JSON.stringify(missed.map((n) => [n.path, n.fields, n.missedLookups]));
    for (const shown of [nobody, noPhone]) expect(kept).not.toContain(shown);
    // Who else tried that number: asked by its fingerprint.
    const same = await ask(`missedLookup: "${byNumber[0]}"`);
    expect(same.map((n) => n.subject).sort()).toEqual([fisher, fisher, other].sort());
    // The lookup that found its resident is a found one, and names it.
    const found = await ask('found: true');
    expect(found.map((n) => [n.subject, n.recordIds])).toEqual([[honest, [resident.id]]]);
    // Per caller over the day, in one answer: the fisher missed two numbers in three lookups, the other desk one.
    type Summary = { subject: string; entries: number; lookups: number; missedLookups: number; numbersMissed: number };
    const summary = await hub.queryAs<{ auditSummary: Summary[] }>(
      await county(),
      `{ auditSummary(from: "${today}", to: "${today}", found: false, first: 500) { subject entries lookups missedLookups numbersMissed } }`,
    );
    expect(summary.errors).toBeUndefined();
    const ours = summary.data!.auditSummary.filter((n) => [fisher, other, honest].includes(n.subject));
    expect(ours).toEqual([
      { subject: fisher, entries: 3, lookups: 3, missedLookups: 3, numbersMissed: 2 },
      { subject: other, entries: 1, lookups: 1, missedLookups: 1, numbersMissed: 1 },
    ]);
    const all = await hub.queryAs<{ auditSummary: Summary[] }>(
      await county(),
      `{ auditSummary(from: "${today}", first: 500) { subject lookups missedLookups } }`,
    );
    expect(all.data!.auditSummary.find((n) => n.subject === honest)).toEqual({ subject: honest, lookups: 1, missedLookups: 0 });
    // Without admin: FORBIDDEN; a township's admin: not the county desks' callers.
    const reader = await hub.queryAs(await token(honest), `{ auditSummary { subject } }`);
    expect(reader.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const township = await hub.queryAs<{ auditSummary: Summary[] }>(
      await hub.token({ jurisdiction: '623021200', scopes: ['admin'] }),
      `{ auditSummary(from: "${today}", first: 500) { subject } }`,
    );
    expect(township.data!.auditSummary.filter((n) => [fisher, other, honest].includes(n.subject))).toEqual([]);
    // A fingerprint is 16 hex digits: anything else is BAD_USER_INPUT naming the argument, in Chinese first.
    const bad = await postJson(
      hub.gatewayUrl,
      { query: `{ auditLog(missedLookup: "${nobody}") { totalCount } }` },
      { authorization: `Bearer ${await county()}`, 'accept-language': 'zh-CN' },
    );
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(bad.errors?.[0]?.extensions?.argument).toBe('missedLookup');
    expect(bad.errors?.[0]?.message).toMatch(/^未找到号码指纹/);
  });

  it('names the route of an export and an import as their path, and an export of changes as such', async () => {
    const run = Date.now();
    const subject = `exporter-${run}`;
    const t = await hub.token({ jurisdiction: '623021', scopes: ['read', 'write', 'pii'], subject });
    const origin = new URL(hub.gatewayUrl).origin;
    const get = (path: string) => fetch(new URL(path, origin), { headers: { authorization: `Bearer ${t}` } });
    const within = '623021200201';
    const full = await get(`/export/residents.ndjson?within=${within}`);
    expect(full.status).toBe(200);
    const cursor = full.headers.get('x-change-cursor')!;
    await full.text();
    const since = await get(`/export/residents.ndjson?within=${within}&changedAfter=${encodeURIComponent(cursor)}`);
    expect(since.status).toBe(200);
    await since.text();
    // A dry run of a file naming a new resident's ID number: a lookup by it, audited though nothing is written.
    const fresh = makeCitizenId('623021', '1931-02-03', (run % 300) * 2 + 11);
    const imported = await fetch(new URL('/import/residents?dryRun=true', origin), {
      method: 'POST',
      headers: { authorization: `Bearer ${t}`, 'content-type': 'text/csv; charset=utf-8', 'accept-language': 'en' },
      body: `id_number,name,ethnicity,residency,grid_code\n${fresh},新登记,汉族,REGISTERED,623021200201001\n`,
    });
    expect(imported.status).toBe(200);
    await imported.text();
    const log = await hub.queryAs<{ auditLog: Nodes<{ path: string | null; operation: string; recordType: string }> }>(
      await county(),
      `{ auditLog(subject: "${subject}", first: 20) { nodes { path operation recordType } } }`,
    );
    expect(log.errors).toBeUndefined();
    const entries = log.data!.auditLog.nodes.map((n) => `${n.path} | ${n.operation}`).reverse();
    expect(entries).toEqual([
      `/export/residents | export residents within ${within}`,
      `/export/residents | export residents within ${within} changedAfter ${cursor}`,
      expect.stringMatching(/^\/import\/residents \| import residents .*\(dry run\): 1 looked up by ID number/),
    ]);
  });

  it('keeps the audit log append-only for the services’ role across restarts, which grant the tables again', async () => {
    // What every start does before it migrates (scripts/lib/setup.ts): the databases and roles are ensured again.
    await ensureDatabases(inject('adminUrl'), { owner: 'test-owner-pw', app: 'test-app-pw' }, 'hub_test_');
    const grants = await asOwner(
      async (c) =>
        (
          await c.query(
            `select p as privilege, has_table_privilege('hub_app', 'audit_log', p) as held from unnest(array['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']) p`,
          )
        ).rows as { privilege: string; held: boolean }[],
    );
    expect(Object.fromEntries(grants.map((g) => [g.privilege, g.held]))).toEqual({ SELECT: true, INSERT: true, UPDATE: false, DELETE: false, TRUNCATE: false });
    await expect(asApp('623021', (c) => c.query(`delete from audit_log where subject = 'x'`))).rejects.toThrow(/permission denied/);
  });

  it('takes back what earlier starts granted the services on the append-only tables (a database started before the fix)', async () => {
    const held = () =>
      asOwner(async (c) =>
        (
          await c.query(
            `select t || ':' || p as grant from unnest(array['audit_log', 'change_log', 'person_history', 'dispute_step', 'lookup_quota']) t,
                      unnest(array['UPDATE', 'DELETE']) p where has_table_privilege('hub_app', t, p) order by 1`,
          )
        ).rows.map((r: { grant: string }) => r.grant),
      );
    expect(await held()).toEqual([]);
    try {
      // What every start did until it granted only when it made the database.
      await asOwner((c) => c.query(`grant select, insert, update, delete on all tables in schema public to hub_app`));
      expect(await held()).toContain('audit_log:DELETE');
    } finally {
      await asOwner((c) => c.query(SERVICE_REVOKES));
    }
    expect(await held()).toEqual([]);
  });
});
