import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startHub, type TestHub } from './helpers/hub.ts';
import { WRITE_COUNTY } from './setup/global.ts';

/**
 * Round trip (issue "The registry in daily use", part 2), through the
 * gateway: for every kind, an export re-imports with no change (every row
 * unchanged, nothing rejected, no version moved) and exporting again gives
 * the identical file. CSV for all eight kinds, NDJSON for residents and
 * disputes, and both for mediators (a column of true or false). The village is one of 卓尼县 that no other test writes to, with
 * seeded records of every kind, and a few records written through the API
 * (no external id, no ID number) so rows that only an `id` names are in it.
 */
const RUN = Date.now() % 1_000_000;
const KINDS = ['residents', 'households', 'houses', 'addresses', 'sites', 'joint-defense-groups', 'patrol-teams', 'disputes'] as const;
let hub: TestHub;
let db: pg.Client;
let token: string;
let village: string;
let grid: string;

const origin = () => new URL(hub.gatewayUrl).origin;

async function exportFile(kind: string, format: 'csv' | 'ndjson'): Promise<string> {
  const res = await fetch(new URL(`/export/${kind}.${format}?within=${village}`, origin()), { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer());
}

let job = 0;
async function importFile(kind: string, body: string, format: 'csv' | 'ndjson') {
  const res = await fetch(new URL(`/import/${kind}?job=round-trip-${RUN}-${job++}&format=${format}`, origin()), {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson',
      'accept-language': 'en',
    },
    body,
  });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  const lines = text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { rejects: lines.filter((l) => l.type === 'reject'), done: lines.find((l) => l.type === 'done')! };
}

beforeAll(async () => {
  hub = await startHub();
  db = new pg.Client({ connectionString: inject('dbs').village.migrationUrl });
  await db.connect();
  token = await hub.token({ jurisdiction: WRITE_COUNTY, scopes: ['read', 'write', 'pii'], subject: `round-trip-${RUN}` });
  // A village with seeded records of every kind, in a township no other test writes to: the second of the county
  // (the others take the first and the last villages of the townships they use, or townships 100, 101 and 199).
  const picked = await db.query<{ v: string; g: string }>(
    `with c as (
       select v.code from village v
        where v.code like $1 and left(v.code, 9) not in ('623022100', '623022101', '623022199') and right(v.code, 3) >= '200'
          and exists (select 1 from person p where p.village_code = v.code and p.tags <> '{}')
          and exists (select 1 from household h where h.village_code = v.code and h.joint_defense_group_id is not null)
          and exists (select 1 from house h where h.village_code = v.code)
          and exists (select 1 from address a where a.village_code = v.code)
          and exists (select 1 from site s where s.village_code = v.code)
          and exists (select 1 from patrol_team t where t.village_code = v.code)
          and exists (select 1 from dispute d where d.village_code = v.code)),
     t as (select distinct left(code, 9) as t from c order by 1 offset 1 limit 1)
     select c.code as v, (select min(g.code) from grid g where g.village_code = c.code) as g from c where left(c.code, 9) = (select t from t)
      order by c.code desc limit 1`,
    [`${WRITE_COUNTY}%`],
  );
  expect(picked.rows).toHaveLength(1);
  village = picked.rows[0]!.v;
  grid = picked.rows[0]!.g;
  // Records of the API: a resident without an ID number (overseas), a site and a team without external ids.
  const made = await hub.queryAs(
    token,
    `mutation($g: String!, $v: String!) {
       p: registerPerson(input: { name: "往返测试", gender: FEMALE, birthDate: "1950-02-03", ethnicity: "汉族", residency: OVERSEAS, gridCode: $g, tags: [EXTREME_POVERTY, LEFT_BEHIND_ELDERLY] }) { id }
       s: registerSite(input: { gridCode: $g, name: "往返测试场所", kind: MARKET, contactName: "联系人", contactPhone: "13800007777" }) { id }
       t: createPatrolTeam(input: { villageCode: $v, gridCode: $g, name: "往返测试巡防队", kind: VOLUNTEER }) { id } }`,
    { g: grid, v: village },
  );
  expect(made.errors, JSON.stringify(made.errors)).toBeUndefined();
}, 180_000);
afterAll(async () => {
  await db?.end();
  await hub?.stop();
});

describe('export → import → export', () => {
  it.each(KINDS)('%s (CSV): re-imports with no change and exports the identical file', async (kind) => {
    const first = await exportFile(kind, 'csv');
    const rows = first.trim().split('\n').length - 1;
    expect(rows, first.slice(0, 300)).toBeGreaterThan(0);
    const r = await importFile(kind, first, 'csv');
    expect(r.rejects.slice(0, 5)).toEqual([]);
    expect(r.done).toMatchObject({ inserted: 0, updated: 0, rejected: 0, unchanged: rows });
    const second = await exportFile(kind, 'csv');
    expect(second).toBe(first);
  });

  it.each(['residents', 'disputes'])('%s (NDJSON): the same', async (kind) => {
    const first = await exportFile(kind, 'ndjson');
    const rows = first.trim().split('\n').length;
    const r = await importFile(kind, first, 'ndjson');
    expect(r.rejects.slice(0, 5)).toEqual([]);
    expect(r.done).toMatchObject({ inserted: 0, updated: 0, rejected: 0, unchanged: rows });
    expect(await exportFile(kind, 'ndjson')).toBe(first);
  });

  it('mediators: full_time is a JSON boolean in NDJSON and true or false in CSV, and either file re-imports with no change', async () => {
    const ndjson = await exportFile('mediators', 'ndjson');
    const records = ndjson
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { full_time: unknown });
    expect(records.length).toBeGreaterThan(0);
    expect(records.filter((m) => typeof m.full_time !== 'boolean')).toEqual([]);
    const csv = await exportFile('mediators', 'csv');
    const [header, ...lines] = csv.trim().split('\n');
    const at = header!.split(',').indexOf('full_time');
    expect(new Set(lines.map((l) => l.split(',')[at]))).toSatisfy((seen: Set<string>) => [...seen].every((v) => v === 'true' || v === 'false'));
    for (const [body, format] of [
      [ndjson, 'ndjson'],
      [csv, 'csv'],
    ] as const) {
      const r = await importFile('mediators', body, format);
      expect(r.rejects.slice(0, 5)).toEqual([]);
      expect(r.done).toMatchObject({ inserted: 0, updated: 0, rejected: 0, unchanged: records.length });
    }
    expect(await exportFile('mediators', 'ndjson')).toBe(ndjson);
  });

  it('disputes saved by a spreadsheet, times to the second as it shows them: no change, no conflict', async () => {
    const first = await exportFile('disputes', 'csv');
    // 2026-08-30 23:04:55.123+08 → 2026-08-30 23:04:55, as a sheet saves a yyyy-mm-dd hh:mm:ss cell.
    const saved = first.replace(/(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?\+08(:00)?/g, '$1 $2');
    expect(saved).not.toBe(first);
    const rows = first.trim().split('\n').length - 1;
    const r = await importFile('disputes', saved, 'csv');
    expect(r.rejects.slice(0, 5)).toEqual([]);
    expect(r.done).toMatchObject({ inserted: 0, updated: 0, rejected: 0, unchanged: rows });
  });

  it('writes lists as A;B, as the import reads them, and an edited export changes exactly what was edited', async () => {
    const csv = await exportFile('residents', 'csv');
    const [header, ...lines] = csv
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n');
    const cols = header!.split(',');
    const at = (c: string) => cols.indexOf(c);
    const tagged = lines.find((l) => l.split(',')[at('tags')]!.includes(';'));
    expect(tagged, 'a resident with two tags or more').toBeDefined();
    expect(csv).not.toMatch(/\{[A-Z_]+,/);
    // One name changed in the exported file: one row updated (its version moves by one), every other unchanged.
    const cells = tagged!.split(',');
    cells[at('name')] = `${cells[at('name')]}改`;
    const edited = [header, ...lines.map((l) => (l === tagged ? cells.join(',') : l))].join('\n');
    const r = await importFile('residents', edited, 'csv');
    expect(r.done).toMatchObject({ inserted: 0, updated: 1, rejected: 0, unchanged: lines.length - 1 });
    const now = await db.query(`select name, version from person where id = $1`, [Number(cells[at('id')])]);
    expect(now.rows[0]).toEqual({ name: cells[at('name')], version: Number(cells[at('version')]) + 1 });
    // The same file again is stale for that row (its version is the old one) but changes nothing: no reject.
    const again = await importFile('residents', edited, 'csv');
    expect(again.done).toMatchObject({ updated: 0, rejected: 0 });
  });
});
