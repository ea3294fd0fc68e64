import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import pg from 'pg';
import { makeCitizenId } from '../domain/citizen-id.ts';
import { startHub, type GraphQLResponse, type TestHub } from './helpers/hub.ts';

/**
 * The lookup quota (docs/ARCHITECTURE.md, "Lookup quota"), through the
 * gateway: lookups of a person by full ID number or phone are spent per
 * caller, 3 a minute and 5 a day on this hub; past either, RATE_LIMITED says
 * which and when to retry, and the lookup does not run. Name searches are not
 * lookups, callers do not share a quota, a refused lookup is not counted, and
 * concurrent requests of one caller cannot spend more than the quota. Reads
 * only, apart from the quota's own rows (every subject is this run's).
 */
let hub: TestHub;
let db: pg.Client;
const COUNTY = '623021';
const RUN = Date.now();
const PER_MINUTE = 3;
const PER_DAY = 5;
let resident: { idNumber: string; phone: string; villageCode: string };

beforeAll(async () => {
  hub = await startHub({ lookups: { perMinute: PER_MINUTE, perDay: PER_DAY } });
  db = new pg.Client({ connectionString: inject('dbs').village.migrationUrl });
  await db.connect();
  const r = await db.query<{ id_number: string; phone: string; village_code: string }>(
    `select id_number, phone, village_code from person where county_code = $1 and id_number is not null and phone is not null order by id limit 1`,
    [COUNTY],
  );
  const row = r.rows[0]!;
  resident = { idNumber: row.id_number, phone: row.phone, villageCode: row.village_code };
}, 180_000);
afterAll(async () => {
  await db?.query(`delete from lookup_quota where subject like $1`, [`quota-%-${RUN}`]);
  await db?.end();
  await hub?.stop();
});

const caller = (name: string, scopes: ('read' | 'write' | 'pii')[] = ['read']) => hub.token({ jurisdiction: COUNTY, scopes, subject: `quota-${name}-${RUN}` });

const byIdNumber = (token: string) =>
  hub.queryAs<{ personByIdNumber: { idNumber: string } | null }>(token, `query($v: String!) { personByIdNumber(idNumber: $v) { idNumber } }`, {
    v: resident.idNumber,
  });

/** What the quota table holds for a caller: the count of each window. */
async function used(name: string): Promise<Record<string, number>> {
  const rows = (await db.query<{ span: string; used: number }>(`select span, used from lookup_quota where subject = $1`, [`quota-${name}-${RUN}`])).rows;
  return Object.fromEntries(rows.map((r) => [r.span, r.used]));
}

/**
 * Waits, when the clock minute is nearly over, for the next one: a sequence of lookups that crossed a minute's end
 * would start the minute's count again halfway through.
 */
async function freshMinute(): Promise<void> {
  const second = new Date().getSeconds();
  if (second >= 40) await new Promise((r) => setTimeout(r, (61 - second) * 1000));
}

const codeOf = (r: GraphQLResponse<unknown>) => r.errors?.[0]?.extensions?.code;

describe('lookup quota', () => {
  it("spends a minute's lookups of every kind and then refuses with RATE_LIMITED, which says when to retry; a refused lookup runs no lookup and is not counted", async () => {
    await freshMinute();
    const token = await caller('minute');
    const first = await byIdNumber(token);
    expect(first.errors).toBeUndefined();
    expect(first.data!.personByIdNumber).not.toBeNull();
    const phone = await hub.queryAs(
      token,
      `query($p: String!) { village(code: "${resident.villageCode}") { residents(filter: { phone: $p }) { totalCount } } }`,
      {
        p: resident.phone,
      },
    );
    expect(phone.errors).toBeUndefined();
    const county = await hub.queryAs(token, `query($v: String!) { county(code: "${COUNTY}") { residents(filter: { idNumber: $v }) { totalCount } } }`, {
      v: resident.idNumber,
    });
    expect(county.errors).toBeUndefined();
    expect(await used('minute')).toEqual({ MINUTE: 3, DAY: 3 });

    const refused = await byIdNumber(token);
    expect(refused.data!.personByIdNumber).toBeNull();
    const e = refused.errors![0]!;
    expect(e.extensions).toMatchObject({ code: 'RATE_LIMITED', window: 'MINUTE', quota: PER_MINUTE });
    const retry = e.extensions!.retryAfterSeconds as number;
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(60);
    expect(e.message).toBe(`Too many lookups by ID number or phone: at most 3 a minute per caller; try again in ${retry} s.`);
    // The refusal is not counted, so the caller's day still holds two.
    expect(await used('minute')).toEqual({ MINUTE: 3, DAY: 3 });

    // A name search is not a lookup: it still answers.
    const names = await hub.queryAs(token, `{ county(code: "${COUNTY}") { residents(filter: { namePrefix: "马" }, first: 1) { totalCount } } }`);
    expect(names.errors).toBeUndefined();
  });

  it('gives every caller a quota of its own, and starts a window that has passed again', async () => {
    await freshMinute();
    const spent = await caller('spent');
    for (let i = 0; i < PER_MINUTE; i++) expect((await byIdNumber(spent)).errors).toBeUndefined();
    expect(codeOf(await byIdNumber(spent))).toBe('RATE_LIMITED');
    // Another caller of the same county and scopes is not held back by the first.
    expect((await byIdNumber(await caller('other'))).errors).toBeUndefined();
    // The minute counted as an earlier one: it starts again at this lookup.
    await db.query(`update lookup_quota set starts = starts - interval '2 minutes' where subject = $1 and span = 'MINUTE'`, [`quota-spent-${RUN}`]);
    expect((await byIdNumber(spent)).errors).toBeUndefined();
    expect(await used('spent')).toEqual({ MINUTE: 1, DAY: 4 });
  });

  it("refuses past the day's quota (Beijing time) with the day's window, even in a fresh minute", async () => {
    await freshMinute();
    const token = await caller('day');
    expect((await byIdNumber(token)).errors).toBeUndefined();
    // The day's count as if the caller had spent it over earlier minutes of today.
    await db.query(`update lookup_quota set used = $2 where subject = $1 and span = 'DAY'`, [`quota-day-${RUN}`, PER_DAY]);
    const refused = await byIdNumber(token);
    expect(refused.errors![0]!.extensions).toMatchObject({ code: 'RATE_LIMITED', window: 'DAY', quota: PER_DAY });
    const retry = refused.errors![0]!.extensions!.retryAfterSeconds as number;
    // Until the next midnight in Beijing (UTC+8).
    const now = Date.now();
    const midnight = Math.ceil((now + 8 * 3600_000) / 86_400_000) * 86_400_000 - 8 * 3600_000;
    expect(Math.abs(retry - (midnight - now) / 1000)).toBeLessThan(120);
    const zh = await hub.queryAs(token, `{ personByIdNumber(idNumber: "${resident.idNumber}") { id } }`);
    expect(zh.errors![0]!.extensions!.code).toBe('RATE_LIMITED');
  });

  it('spends the lookups of one request together: two aliases with one lookup left are both refused', async () => {
    await freshMinute();
    const token = await caller('aliases');
    for (let i = 0; i < PER_MINUTE - 1; i++) expect((await byIdNumber(token)).errors).toBeUndefined();
    const two = await hub.queryAs<{ a: unknown; b: unknown }>(
      token,
      `query($v: String!) { a: personByIdNumber(idNumber: $v) { id } b: personByIdNumber(idNumber: $v) { id } }`,
      { v: resident.idNumber },
    );
    expect(two.errors!.map((e) => e.extensions!.code)).toEqual(['RATE_LIMITED', 'RATE_LIMITED']);
    expect(two.data).toEqual({ a: null, b: null });
    // The one left is still there.
    expect((await byIdNumber(token)).errors).toBeUndefined();
  });

  it('lets concurrent requests of one caller spend no more than the quota', async () => {
    await freshMinute();
    const token = await caller('burst');
    const answers = await Promise.all(Array.from({ length: 8 }, () => byIdNumber(token)));
    const codes = answers.map((a) => codeOf(a) ?? 'OK');
    expect(codes.filter((c) => c === 'OK')).toHaveLength(PER_MINUTE);
    expect(codes.filter((c) => c === 'RATE_LIMITED')).toHaveLength(8 - PER_MINUTE);
    expect(await used('burst')).toEqual({ MINUTE: PER_MINUTE, DAY: PER_MINUTE });
  });

  it("counts a file's rows told that their number is registered elsewhere (dry runs too), and stops a file naming numbers once no lookup is left, whatever its numbers", async () => {
    await freshMinute();
    const name = 'files';
    let writer = await hub.token({ jurisdiction: '623022', scopes: ['write'], subject: `quota-${name}-${RUN}` });
    const numbers = (
      await db.query<{ id_number: string }>(`select id_number from person where county_code = $1 and id_number is not null order by id limit 4`, [COUNTY])
    ).rows.map((r) => r.id_number);
    const nowhere = makeCitizenId('659109', '1980-01-01', 11); // registered nowhere
    const grid = (await db.query<{ code: string }>(`select min(code) as code from grid where village_code like '623022%'`)).rows[0]!.code;
    const send = async (kind: string, body: string, dryRun: boolean) => {
      const res = await fetch(new URL(`/import/${kind}?job=quota-${kind}-${RUN}-${Math.random()}${dryRun ? '&dryRun=true' : ''}`, hub.gatewayUrl), {
        method: 'POST',
        headers: { authorization: `Bearer ${writer}`, 'content-type': 'text/csv; charset=utf-8', 'accept-language': 'en' },
        body,
      });
      const text = await res.text();
      if (res.status !== 200) {
        const e = (JSON.parse(text) as { errors: { extensions: { code: string; retryAfterSeconds?: number } }[] }).errors[0]!.extensions;
        // An HTTP client's retry reads the header: it says what the body says.
        expect(res.headers.get('retry-after')).toBe(e.retryAfterSeconds === undefined ? null : String(e.retryAfterSeconds));
        return { status: res.status, code: e.code };
      }
      const events = text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string; code?: string; field?: string });
      return { status: 200, rejects: events.filter((e) => e.type === 'reject').map((e) => [e.field, e.code]) };
    };
    const residents = (ids: string[]) =>
      ['id_number,name,ethnicity,residency,grid_code', ...ids.map((id) => `${id},重复登记,汉族,REGISTERED,${grid}`)].join('\n');
    const disputes = (id: string) =>
      [
        'external_id,grid_code,category,scale,source,summary,parties',
        `quota-${RUN}-${id},${grid},NEIGHBOUR,ORDINARY,GRID_INSPECTION,邻里纠纷,APPLICANT:${id};RESPONDENT:张三`,
      ].join('\n');
    // Two rows told their numbers are registered elsewhere: two lookups, in a dry run too.
    expect(await send('residents', residents(numbers.slice(0, 2)), true)).toEqual({
      status: 200,
      rejects: [
        ['id_number', 'CONFLICT'],
        ['id_number', 'CONFLICT'],
      ],
    });
    expect(await used(name)).toEqual({ MINUTE: 2, DAY: 2 });
    // One lookup left lets the next batch run; what it finds is counted in full.
    expect(await send('residents', residents(numbers.slice(2, 4)), true)).toEqual({
      status: 200,
      rejects: [
        ['id_number', 'CONFLICT'],
        ['id_number', 'CONFLICT'],
      ],
    });
    expect(await used(name)).toEqual({ MINUTE: 4, DAY: 4 });
    // None left: a file naming a number stops before its first batch, the same for a number registered elsewhere and
    // one registered nowhere, so the stop tells nothing.
    for (const file of [residents([numbers[0]!]), residents([nowhere])])
      expect(await send('residents', file, true)).toEqual({ status: 429, code: 'RATE_LIMITED' });
    for (const id of [numbers[2]!, nowhere]) expect(await send('disputes', disputes(id), true)).toEqual({ status: 429, code: 'RATE_LIMITED' });
    // What to do next: an import resumes where it stopped; a dry run keeps no job, and checks the file again from its start.
    const advice = async (dryRun: boolean) => {
      const res = await fetch(new URL(`/import/residents?job=quota-advice-${RUN}-${dryRun}${dryRun ? '&dryRun=true' : ''}`, hub.gatewayUrl), {
        method: 'POST',
        headers: { authorization: `Bearer ${writer}`, 'content-type': 'text/csv; charset=utf-8', 'accept-language': 'en' },
        body: residents([nowhere]),
      });
      expect(res.status).toBe(429);
      return ((await res.json()) as { errors: { message: string }[] }).errors[0]!.message;
    };
    expect(await advice(true)).toMatch(/The dry run stops here; run it again then and it checks the file from the start\.$/);
    expect(await advice(false)).toMatch(/The import stops here; run it again then and it resumes from here\.$/);
    expect(await used(name)).toEqual({ MINUTE: 4, DAY: 4 });
    // A disputes file's party registered elsewhere is counted as a residents row is.
    writer = await hub.token({ jurisdiction: '623022', scopes: ['write'], subject: `quota-files2-${RUN}` });
    expect(await send('disputes', disputes(numbers[0]!), true)).toEqual({ status: 200, rejects: [['parties', 'CONFLICT']] });
    expect(await used('files2')).toEqual({ MINUTE: 1, DAY: 1 });
  });

  it('counts every ID number of a file sent by a caller without pii: a dry run of the candidates a masked number leaves costs a lookup each', async () => {
    await freshMinute();
    const own = (
      await db.query<{ id_number: string }>(`select id_number from person where county_code = '623022' and id_number is not null order by id limit 1`)
    ).rows[0]!.id_number;
    // What a caller without pii sees (the region and, beside the number, the birth date and sex) leaves the sequence
    // number to guess: the right one and two others of the same day.
    const birth = `${own.slice(6, 10)}-${own.slice(10, 12)}-${own.slice(12, 14)}`;
    const seq = Number(own.slice(14, 17));
    const guesses = [1, 2, 3, 4].map((d) => makeCitizenId(own.slice(0, 6), birth, ((seq + 2 * d) % 999) + 1));
    const dryRun = async (token: string, numbers: string[]) => {
      const res = await fetch(new URL(`/import/residents?dryRun=true&job=quota-guess-${RUN}-${Math.random()}`, hub.gatewayUrl), {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv; charset=utf-8', 'accept-language': 'en' },
        body: ['id_number', ...numbers].join('\n'),
      });
      return res.status;
    };
    const plain = await hub.token({ jurisdiction: '623022', scopes: ['read', 'write'], subject: `quota-plain-${RUN}` });
    expect(await dryRun(plain, [guesses[0]!, own, guesses[1]!])).toBe(200);
    expect(await used('plain')).toEqual({ MINUTE: 3, DAY: 3 });
    // The minute's quota spent: the next guesses stop before they are looked at.
    expect(await dryRun(plain, [guesses[2]!, guesses[3]!])).toBe(429);
    expect(await used('plain')).toEqual({ MINUTE: 3, DAY: 3 });
    // A file of many guesses is cut into batches of a minute's quota, one at a time: past the quota it stops (an error
    // line after the first batch), having tested one batch's numbers, not the file's.
    const guesser = await hub.token({ jurisdiction: '623022', scopes: ['read', 'write'], subject: `quota-guesser-${RUN}` });
    const many = await fetch(new URL(`/import/residents?dryRun=true&job=quota-many-${RUN}`, hub.gatewayUrl), {
      method: 'POST',
      headers: { authorization: `Bearer ${guesser}`, 'content-type': 'text/csv; charset=utf-8', 'accept-language': 'en' },
      body: ['id_number', ...[1, 2, 3, 4, 5, 6, 7].map((d) => makeCitizenId(own.slice(0, 6), birth, ((seq + 2 * d + 20) % 999) + 1))].join('\n'),
    });
    expect(await many.text()).toContain('RATE_LIMITED');
    expect(await used('guesser')).toEqual({ MINUTE: PER_MINUTE, DAY: PER_MINUTE });
    // A caller with pii reads those numbers anyway: only numbers registered outside its jurisdiction count.
    const reader = await hub.token({ jurisdiction: '623022', scopes: ['read', 'write', 'pii'], subject: `quota-reader-${RUN}` });
    expect(await dryRun(reader, [guesses[0]!, own, guesses[1]!])).toBe(200);
    expect(await used('reader')).toEqual({});
  });

  it('spends a lookup for every registration naming an ID number, and past the quota refuses them all alike', async () => {
    await freshMinute();
    const name = 'writer';
    const writer = await hub.token({ jurisdiction: '623022', scopes: ['read', 'write'], subject: `quota-${name}-${RUN}` });
    const grid = (await db.query<{ code: string }>(`select min(code) as code from grid where village_code like '623022%'`)).rows[0]!.code;
    const register = (idNumber: string) =>
      hub.queryAs(writer, `mutation($i: PersonInput!) { registerPerson(input: $i) { id } }`, {
        i: { name: '重复登记', idNumber, ethnicity: '汉族', residency: 'REGISTERED', gridCode: grid },
      });
    for (let i = 0; i < PER_MINUTE; i++)
      expect((await register(resident.idNumber)).errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', rule: 'idNumberElsewhere' });
    // Past the quota a number registered elsewhere and one registered nowhere get the same refusal, and nothing is written.
    const nowhere = makeCitizenId('659109', '1981-02-03', 13);
    for (const id of [resident.idNumber, nowhere]) {
      const refused = await register(id);
      expect(refused.errors![0]!.extensions!.code).toBe('RATE_LIMITED');
      expect(refused.errors![0]!.extensions!.rule).toBeUndefined();
    }
    expect((await db.query(`select 1 from person where id_number = $1`, [nowhere])).rowCount).toBe(0);
    expect(await used(name)).toEqual({ MINUTE: PER_MINUTE, DAY: PER_MINUTE });
  });

  it('refuses one request with more lookups than the quota as BAD_USER_INPUT, as no wait would let it through', async () => {
    const token = await caller('big');
    const aliases = Array.from({ length: PER_DAY + 1 }, (_, i) => `a${i}: personByIdNumber(idNumber: $v) { id }`).join(' ');
    const r = await hub.queryAs(token, `query($v: String!) { ${aliases} }`, { v: resident.idNumber });
    expect(new Set(r.errors!.map((e) => e.extensions!.code))).toEqual(new Set(['BAD_USER_INPUT']));
    expect(r.errors![0]!.message).toMatch(/split it/);
    expect(await used('big')).toEqual({});
  });
});
