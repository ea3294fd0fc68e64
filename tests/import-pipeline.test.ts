import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { makeCitizenId } from '../domain/citizen-id.ts';
import { startHub, type TestHub } from './helpers/hub.ts';

/**
 * An import's batches in flight at once (subgraphs/village/src/import/route.ts `writeBatch`): a later batch waits for
 * the earlier one's commit on a Node promise, so it must hold no row lock the earlier one may still need. The hub's
 * statement timeout is short here: a wait PostgreSQL cannot see would end in it, as SERVICE_UNAVAILABLE.
 */
let hub: TestHub;
let token: string;
let db: pg.Client;
const GRID = '623022100001001';
beforeAll(async () => {
  hub = await startHub({ statementTimeoutMs: 5000 });
  token = await hub.token({ jurisdiction: '623022', scopes: ['read', 'write', 'pii'], subject: 'import-pipeline-tester' });
  db = new pg.Client({ connectionString: inject('dbs').village.migrationUrl });
  await db.connect();
});
afterAll(async () => {
  await db?.end();
  await hub?.stop();
});

/** The NDJSON events of an import's answer (or the one JSON error of a refusal). */
async function importResidents(job: string, csv: string): Promise<{ status: number; events: Record<string, unknown>[] }> {
  const res = await fetch(`${new URL(hub.gatewayUrl).origin}/import/residents?job=${job}&batch=2`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', 'accept-language': 'en' },
    body: csv,
  });
  const text = (await res.text()).trim();
  return { status: res.status, events: text.split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) };
}

/**
 * A registered resident of the grid, listed as stored (a row that changes nothing), and a household of the grid
 * with room for three more members.
 */
async function fixtures() {
  const resident = (
    await db.query(
      `select p.id, p.id_number, p.name, p.ethnicity, p.residency, h.number as household
         from person p join household h on h.id = p.household_id
        where p.grid_code = $1 and p.status = 'ACTIVE' and p.id_number is not null order by p.id limit 1`,
      [GRID],
    )
  ).rows[0];
  const household = (
    await db.query(
      `select h.id, h.number from household h where h.grid_code = $1 and h.number <> $2
          and (select count(*) from person p where p.household_id = h.id and p.status = 'ACTIVE') <= 2
        order by h.id limit 1`,
      [GRID, resident.household],
    )
  ).rows[0];
  return { resident, household };
}

/**
 * Batches of two: the first lists the resident (which it locks to read as they stand) and a new member of the
 * household, the second two more new members of it. Both batches' residents join the household: the one that
 * locks it first holds it to its commit.
 */
function file(resident: Record<string, string>, household: string, birth: string) {
  const row = (id: string, name: string, h: string, ethnicity = '汉族', residency = 'REGISTERED') => `${id},${name},${ethnicity},${residency},${GRID},${h}`;
  const news = [1, 2, 3].map((n) => makeCitizenId('659108', birth, 700 + n));
  const lines = [
    'id_number,name,ethnicity,residency,grid_code,household_number',
    row(resident.id_number!, resident.name!, resident.household!, resident.ethnicity!, resident.residency!),
    ...news.map((id, i) => row(id, `同户新人${i}`, household)),
  ];
  return { csv: lines.join('\n'), news };
}

describe('import batches in flight at once', () => {
  it('a later batch that reaches a household first leaves it to the earlier one: every row is written, before any statement timeout', async () => {
    const { resident, household } = await fixtures();
    const { csv, news } = file(resident, household.number, '1971-03-07');
    // A desk's write holds the resident for a moment, so the first batch is still reading them when the second
    // batch is ready to lock the household: the second gets there first.
    await db.query('begin');
    await db.query('select 1 from person where id = $1 for no key update', [resident.id]);
    const answer = importResidents('pipeline-household-held', csv);
    await new Promise((r) => setTimeout(r, 1500));
    await db.query('commit');
    const { status, events } = await answer;
    expect(events.filter((e) => e.code === 'SERVICE_UNAVAILABLE' || e.type === 'error' || 'errors' in e)).toEqual([]);
    expect(status).toBe(200);
    expect(events.at(-1)).toMatchObject({ type: 'done', committedLine: 5, inserted: 3, rejected: 0 });
    const joined = await db.query(`select count(*)::int as n from person where household_id = $1 and id_number = any($2)`, [household.id, news]);
    expect(joined.rows[0].n).toBe(3);
  }, 60_000);

  it('the same file with no other writer: every row is written', async () => {
    const { resident, household } = await fixtures();
    const { csv, news } = file(resident, household.number, '1971-03-08');
    const { status, events } = await importResidents('pipeline-household-free', csv);
    expect(events.filter((e) => e.code === 'SERVICE_UNAVAILABLE' || e.type === 'error' || 'errors' in e)).toEqual([]);
    expect(status).toBe(200);
    expect(events.at(-1)).toMatchObject({ type: 'done', committedLine: 5, inserted: 3, rejected: 0 });
    const joined = await db.query(`select count(*)::int as n from person where household_id = $1 and id_number = any($2)`, [household.id, news]);
    expect(joined.rows[0].n).toBe(3);
  }, 60_000);
});

/** A date `days` before today in China (UTC+8), as a newborn's birth date. */
function daysAgo(days: number): string {
  const now = new Date(Date.now() + 8 * 3_600_000);
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - days)).toISOString().slice(0, 10);
}

describe('an ID number added by id while the next batch registers it anew', () => {
  it('the later row is refused as repeating the number, before any statement timeout', async () => {
    const run = Date.now() % 100_000;
    const born = daysAgo(12);
    const name = `补录竞号${run}`;
    // A newborn registered without a number, the resident the first batch adds one to (补录).
    const registered = await importResidents(
      `pipeline-newborn-${run}`,
      ['id_number,name,gender,birth_date,ethnicity,residency,grid_code', `,${name},MALE,${born},汉族,REGISTERED,${GRID}`].join('\n'),
    );
    expect(registered.events.at(-1)).toMatchObject({ type: 'done', inserted: 1, rejected: 0 });
    const baby = (await db.query(`select id from person where name = $1 and grid_code = $2`, [name, GRID])).rows[0];
    const seq = 101 + (run % 400) * 2; // odd: a man's
    const [issued, other, third] = [seq, seq + 2, seq + 4].map((n) => makeCitizenId('623022', born, n));
    // Batches of two: the first adds the issued number to the newborn by id, the second is new residents only, one of
    // them under that same number.
    const csv = [
      'id,id_number,name,gender,birth_date,ethnicity,residency,grid_code',
      `${baby.id},${issued},${name},MALE,${born},汉族,REGISTERED,${GRID}`,
      `,${other},补录同批${run},MALE,${born},汉族,REGISTERED,${GRID}`,
      `,${issued},抢号新人${run},MALE,${born},汉族,REGISTERED,${GRID}`,
      `,${third},下批新人${run},MALE,${born},汉族,REGISTERED,${GRID}`,
    ].join('\n');
    // A desk's write holds the newborn for a moment, so the second batch is ready to insert while the first waits.
    await db.query('begin');
    await db.query('select 1 from person where id = $1 for no key update', [baby.id]);
    const answer = importResidents(`pipeline-added-number-${run}`, csv);
    await new Promise((r) => setTimeout(r, 1500));
    await db.query('commit');
    const { status, events } = await answer;
    expect(events.filter((e) => e.code === 'SERVICE_UNAVAILABLE' || e.type === 'error' || 'errors' in e)).toEqual([]);
    expect(status).toBe(200);
    expect(events.filter((e) => e.type === 'reject')).toMatchObject([{ line: 4, field: 'id_number', code: 'BAD_USER_INPUT', rule: 'repeated' }]);
    expect(events.at(-1)).toMatchObject({ type: 'done', committedLine: 5, inserted: 2, updated: 1, rejected: 1 });
    const holders = await db.query(`select id from person where id_number = $1`, [issued]);
    expect(holders.rows).toEqual([{ id: baby.id }]);
  }, 60_000);
});
