import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEPARTMENTS } from '../domain/departments.ts';
import { loadDirectory } from '../scripts/lib/setup.ts';
import { startHub, type Counted, type GraphQLResponse, type Paged, type TestHub } from './helpers/hub.ts';
import { SEED_COUNTIES } from '../domain/divisions.ts';

let hub: TestHub;
beforeAll(async () => {
  hub = await startHub();
});
afterAll(() => hub?.stop());

/** How long a service may take to hear of a committed change to the directory: a moment, given plenty on a busy machine. */
const SOON = { timeout: 15_000, interval: 50 };

describe('division directory through the gateway', () => {
  it('drills from 临潭县 down to its 16 townships and 147 villages', async () => {
    interface Township {
      code: string;
      name: string;
      kind: string;
      county: { name: string };
      villages: { code: string; name: string; kind: string }[];
    }
    const r = await hub.query<{ county: { name: string; region: { name: string }; province: { name: string }; townships: Township[] } }>(
      `{ county(code: "623021") { name region { name } province { name } townships { code name kind county { name } villages { code name kind } } } }`,
    );
    expect(r.errors).toBeUndefined();
    const county = r.data!.county;
    expect(county.name).toBe('临潭县');
    expect(county.region.name).toBe('甘南藏族自治州');
    expect(county.province.name).toBe('甘肃省');
    expect(county.townships).toHaveLength(16);
    expect(county.townships.flatMap((t) => t.villages)).toHaveLength(147);
    const shubu = county.townships.find((t) => t.code === '623021200');
    expect(shubu).toMatchObject({ name: '术布乡', kind: 'TOWNSHIP', county: { name: '临潭县' } });
    expect(county.townships.find((t) => t.code === '623021100')).toMatchObject({ name: '城关镇', kind: 'TOWN' });
  });

  it('walks up from a village to its township, county and prefecture, with its grids', async () => {
    interface Village {
      name: string;
      kind: string;
      township: { name: string; county: { name: string; region: { name: string } } };
      grids: { code: string; name: string; village: { code: string } }[];
    }
    const r = await hub.query<{ village: Village }>(
      `{ village(code: "623021200201") { name kind township { name county { name region { name } } } grids { code name village { code } } } }`,
    );
    expect(r.errors).toBeUndefined();
    const v = r.data!.village;
    expect(v.name).toBe('鹿儿台村村民委员会');
    expect(v.kind).toBe('VILLAGE');
    expect(v.township.name).toBe('术布乡');
    expect(v.township.county.name).toBe('临潭县');
    expect(v.township.county.region.name).toBe('甘南藏族自治州');
    expect(v.grids.length).toBeGreaterThanOrEqual(5);
    for (const g of v.grids) {
      expect(g.code).toMatch(/^623021200201\d{3}$/);
      expect(g.village.code).toBe('623021200201');
    }
  });

  it("names every village's township as the township subgraph does", async () => {
    // Village.township provides the name from the national directory; the township subgraph loads it from the same data.
    for (const county of SEED_COUNTIES) {
      const r = await hub.query<{ villages: { township: { code: string; name: string } }[]; townships: { code: string; name: string }[] }>(
        `query($c: String!) { villages(within: $c) { township { code name } } townships(within: $c) { code name } }`,
        { c: county },
      );
      expect(r.errors).toBeUndefined();
      const owned = new Map(r.data!.townships.map((t) => [t.code, t.name]));
      expect(r.data!.villages.length).toBeGreaterThan(0);
      for (const v of r.data!.villages) expect(v.township.name).toBe(owned.get(v.township.code));
    }
  });

  it.each([
    ['villages', '632223', 36],
    ['villages', '623021', 147],
    ['villages', '623021200', 7],
    ['townships', '513328', 21],
    ['townships', '632223', 6],
    ['townships', '510311', 12],
    ['townships', '440514', 11],
    ['counties', '623021', 1],
  ])('%s(within: "%s") lists %i', async (field, within, count) => {
    const r = await hub.query<Record<string, { code: string; name: string }[]>>(`{ ${field}(within: "${within}") { code name } }`);
    expect(r.errors).toBeUndefined();
    expect(r.data![field]).toHaveLength(count);
    for (const row of r.data![field]!) expect(row.code.startsWith(within)).toBe(true);
  });

  it.each([
    ['villages', '623021200201001'],
    ['townships', '623021200201'],
    ['townships', '623021200201001'],
    ['counties', '623021200'],
  ])('%s(within: "%s"), a code below the listed level, is BAD_USER_INPUT naming within, not an empty list', async (field, within) => {
    const r = await hub.query(`{ ${field}(within: "${within}") { code } }`);
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'within' });
  });

  it('counts 770 grids in 临潭县 and pages through all of them by cursor', async () => {
    const total = await hub.query<{ grids: Counted }>(`{ grids(within: "623021") { totalCount } }`);
    expect(total.data!.grids.totalCount).toBe(770);
    const seen = new Set<string>();
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      type Page = Paged<{ code: string }> & { edges: { cursor: string }[]; pageInfo: { hasPreviousPage: boolean; startCursor: string | null } };
      const r: GraphQLResponse<{ grids: Page }> = await hub.query(
        `query($after: String) { grids(within: "623021", first: 200, after: $after) {
          nodes { code } edges { cursor } pageInfo { hasNextPage endCursor hasPreviousPage startCursor } } }`,
        { after },
      );
      expect(r.errors).toBeUndefined();
      // Relay's PageInfo whole: a page after a cursor has items before it, and starts at its first edge's cursor.
      expect(r.data!.grids.pageInfo.hasPreviousPage).toBe(after !== null);
      expect(r.data!.grids.pageInfo.startCursor).toBe(r.data!.grids.edges[0]!.cursor);
      expect(r.data!.grids.pageInfo.endCursor).toBe(r.data!.grids.edges.at(-1)!.cursor);
      for (const n of r.data!.grids.nodes) seen.add(n.code);
      pages++;
      if (!r.data!.grids.pageInfo.hasNextPage) break;
      after = r.data!.grids.pageInfo.endCursor;
    }
    expect(pages).toBe(4);
    expect(seen.size).toBe(770);
  });

  it('gives every seed county grids in proportion to its villages', async () => {
    const r = await hub.query<{ a: Counted; b: Counted; c: { code: string }[] }>(
      `{ a: grids(within: "632223") { totalCount } b: grids(within: "440514") { totalCount } c: villages(within: "440514") { code } }`,
    );
    expect(r.data!.a.totalCount).toBe(Math.round((36 * 770) / 147));
    expect(r.data!.b.totalCount).toBe(Math.round((232 * 770) / 147));
  });

  it('returns null for an unknown but well-formed code', async () => {
    const r = await hub.query(
      `{ county(code: "623099") { name } township(code: "623021999") { name } village(code: "623021200999") { name } grid(code: "623021200201999") { name } region(code: "99") { name } }`,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({ county: null, township: null, village: null, grid: null, region: null });
  });

  // A malformed code is told what a code looks like (its digits by level); a well-formed one of another level, what it is.
  it.each([
    ['county(code: "abc") { name }', '6-digit county', 'digits'],
    ['county(code: "6230211") { name }', '6-digit county', 'digits'],
    ['village(code: "623021") { name }', '12-digit village', 'got the 6-digit county code "623021"'],
    ['villages(within: "62302") { code }', 'division code', 'digits'],
    ['grids(within: "x") { totalCount }', 'division code', 'digits'],
  ])('refuses a malformed code or one of another level: %s', async (field, hint, said) => {
    const r = await hub.query(`{ ${field} }`);
    expect(r.errors).toHaveLength(1);
    expect(r.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(r.errors![0]!.message).toContain(hint);
    expect(r.errors![0]!.message).toContain(said);
    expect(JSON.stringify(r)).not.toMatch(/stacktrace|at .*\.ts:/);
  });

  it('refuses a bad page size or cursor with BAD_USER_INPUT', async () => {
    const a = await hub.query(`{ grids(within: "623021", first: 100000) { totalCount } }`);
    expect(a.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    const b = await hub.query(`{ grids(within: "623021", after: "not-a-cursor") { totalCount } }`);
    expect(b.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
  });

  it('lists a province with its prefectures and counties', async () => {
    interface Region {
      name: string;
      level: string;
      prefectures: { code: string; name: string; parent: { code: string }; counties: { code: string }[] }[];
      counties: { name: string }[];
    }
    const r = await hub.query<{ region: Region }>(
      `{ region(code: "62") { name level prefectures { code name parent { code } counties { code } } counties { name } } }`,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.region.name).toBe('甘肃省');
    expect(r.data!.region.level).toBe('PROVINCE');
    const gannan = r.data!.region.prefectures.find((p) => p.code === '6230');
    expect(gannan).toMatchObject({ name: '甘南藏族自治州', parent: { code: '62' } });
    expect(gannan!.counties.map((c) => c.code)).toContain('623021');
    expect(r.data!.region.counties.map((c) => c.name)).toContain('临潭县');
  });

  it('lists the 16 departments a 吹哨 can call on for a county loaded from the directory, not only for the demo counties', async () => {
    // 城关区 (拉萨市): a county no test seeds, loaded as `npm run load-divisions -- 540102` loads it.
    await loadDirectory(inject('dbs'), ['540102']);
    const r = await hub.query<{ county: { name: string; departments: { kind: string; name: string; phone: string | null }[] } }>(
      `{ county(code: "540102") { name departments { kind name phone } } }`,
    );
    expect(r.errors).toBeUndefined();
    const { name, departments } = r.data!.county;
    expect(departments.map((d) => d.kind).sort()).toEqual(DEPARTMENTS.map(([k]) => k).sort());
    expect(departments.find((d) => d.kind === 'NATURAL_RESOURCES')).toEqual({ kind: 'NATURAL_RESOURCES', name: `${name}自然资源局`, phone: null });
    // Loading it again changes nothing; the demo counties keep their demo phones.
    await loadDirectory(inject('dbs'), ['540102']);
    const again = await hub.query<{ county: { departments: unknown[] } }>(`{ county(code: "540102") { departments { kind name phone } } }`);
    expect(again.data!.county.departments).toEqual(departments);
    const demo = await hub.query<{ county: { departments: { phone: string | null }[] } }>(`{ county(code: "623021") { departments { phone } } }`);
    expect(demo.data!.county.departments).toHaveLength(DEPARTMENTS.length);
    expect(demo.data!.county.departments.every((d) => d.phone)).toBe(true);
    // A county's own callers read them, from a village's up to a province's report-only caller; another county's do not.
    const departmentsAs = async (jurisdiction: string, scopes: ('read' | 'report')[], county: string) =>
      hub.queryAs<{ county: { departments: unknown[] } | null }>(
        await hub.token({ jurisdiction, scopes }),
        `{ county(code: "${county}") { departments { kind } } }`,
      );
    for (const [jurisdiction, scopes] of [
      ['623021200201', ['read']],
      ['623021200', ['read']],
      ['62', ['report']],
    ] as const) {
      expect((await departmentsAs(jurisdiction, [...scopes], '623021')).data!.county!.departments, jurisdiction).toHaveLength(DEPARTMENTS.length);
      const elsewhere = await departmentsAs(jurisdiction, [...scopes], '540102');
      expect(elsewhere.errors![0]!.extensions, jurisdiction).toMatchObject({ code: 'FORBIDDEN', jurisdiction });
    }
  }, 120_000);

  it('shows a change to the directory as soon as it commits, though every service keeps the directory in memory', async () => {
    // 达孜区 (拉萨市): a county no other test reads, loaded as `npm run load-divisions -- 540104` loads it.
    const dbs = inject('dbs');
    await loadDirectory(dbs, ['540104']);
    interface County {
      name: string;
      townships: { code: string; name: string; villages: { code: string; name: string; grids: { code: string; name: string }[] }[] }[];
    }
    const DRILL = `{ county(code: "540104") { name townships { code name villages { code name grids { code name } } } } }`;
    const drill = async () => {
      const r = await hub.query<{ county: County }>(DRILL);
      expect(r.errors).toBeUndefined();
      return r.data!.county;
    };
    const before = await drill();
    const township = before.townships.find((t) => t.villages.length > 0)!;
    const village = township.villages[0]!;
    const grid = village.grids[0]!;
    const newVillage = `${township.code}999`;
    const villageOf = async (code: string) =>
      (await hub.query<{ village: { name: string; grids: { code: string }[] } | null }>(`{ village(code: "${code}") { name grids { code } } }`)).data!.village;
    expect(await villageOf(newVillage)).toBeNull();
    // Read again: from memory now.
    expect(await drill()).toEqual(before);
    const owners = Object.fromEntries(
      await Promise.all(
        (['county', 'township', 'village'] as const).map(async (s) => {
          const c = new pg.Client({ connectionString: dbs[s].migrationUrl });
          await c.connect();
          return [s, c] as const;
        }),
      ),
    ) as Record<'county' | 'township' | 'village', pg.Client>;
    try {
      await owners.county.query(`update county set name = name || '（测）' where code = '540104'`);
      await owners.township.query(`update township set name = name || '（测）' where code = $1`, [township.code]);
      await owners.village.query(`update village set name = name || '（测）' where code = $1`, [village.code]);
      await owners.village.query(`update grid set name = name || '（测）' where code = $1`, [grid.code]);
      await owners.village.query(`insert into grid (code, name, village_code, county_code) values ($1, '新网格', $2, '540104')`, [
        `${village.code}999`,
        village.code,
      ]);
      await owners.village.query(`insert into village (code, name, kind, township_code, county_code) values ($1, '新村', 'VILLAGE', $2, '540104')`, [
        newVillage,
        township.code,
      ]);
      // The services drop what they keep when PostgreSQL's news of the commit reaches them, a moment after it.
      const names = async () => {
        const after = await drill();
        const t = after.townships.find((x) => x.code === township.code)!;
        const v = t.villages.find((x) => x.code === village.code)!;
        return {
          county: after.name,
          township: t.name,
          village: v.name,
          grid: v.grids.find((g) => g.code === grid.code)!.name,
          grids: v.grids.length,
          villages: t.villages.map((x) => x.code).includes(newVillage),
        };
      };
      await expect.poll(names, SOON).toEqual({
        county: `${before.name}（测）`,
        township: `${township.name}（测）`,
        village: `${village.name}（测）`,
        grid: `${grid.name}（测）`,
        grids: village.grids.length + 1,
        villages: true,
      });
      await expect.poll(() => villageOf(newVillage), SOON).toEqual({ name: '新村', grids: [] });
    } finally {
      await Promise.all(Object.values(owners).map((c) => c.end()));
    }
    // Loading the directory again puts its names back, and the services read them at once (grids and villages stay:
    // records keep the grid they were registered in).
    await loadDirectory(dbs, ['540104']);
    await expect
      .poll(async () => {
        const again = await drill();
        const t = again.townships.find((x) => x.code === township.code)!;
        const v = t.villages.find((x) => x.code === village.code)!;
        return [again.name, t.name, v.name, v.grids.find((g) => g.code === grid.code)!.name];
      }, SOON)
      .toEqual([before.name, township.name, village.name, grid.name]);
  }, 120_000);

  it('keeps the directory in memory while it hears of changes, and reads the database while it cannot', async () => {
    const dbs = inject('dbs');
    await loadDirectory(dbs, ['540104']);
    const NAME = `{ county(code: "540104") { name } }`;
    const name = async () => (await hub.query<{ county: { name: string } }>(NAME)).data!.county.name;
    // The county subgraph's statements that read counties by code, so far (subgraphs run in this process).
    /** A series of the county subgraph's /metrics (0 before it is first counted). */
    const metric = async (series: string) => {
      const text = await (await fetch(new URL('/metrics', hub.subgraphs.county.url))).text();
      return Number(new RegExp(`^${series.replace(/[{}]/g, '\\$&')} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
    };
    const reads = () => metric('hub_sql_duration_seconds_count{statement="county.directoryByCodes"}');
    // What an operator sees of it: whether the county subgraph listens, and where its directory reads came from.
    const listening = () => metric('hub_directory_listening{service="county"}');
    const fromMemory = () => metric('hub_directory_reads_total{service="county",from="memory"}');
    const heartbeats = () => metric('hub_directory_heartbeats_total{service="county"}');
    /** Waits until a name read twice makes no statement the second time: read from memory. */
    const kept = async () => {
      for (const end = Date.now() + 60_000; Date.now() < end; await new Promise((r) => setTimeout(r, 250))) {
        await name();
        const n = await reads();
        await name();
        if ((await reads()) === n) return;
      }
      throw new Error('the county subgraph never kept the directory in memory');
    };
    const owner = new pg.Client({ connectionString: dbs.county.migrationUrl });
    const admin = new pg.Client({ connectionString: inject('adminUrl') });
    await Promise.all([owner.connect(), admin.connect()]);
    try {
      await kept();
      expect(await listening()).toBe(1);
      // Its heartbeat (a notification of its own every 10 s, which must come back within 5 s) holds with no read at
      // all: the next one comes back, and the listener is still in place (a lost one would show 0 until a read
      // started it again).
      const beats = await heartbeats();
      await expect.poll(heartbeats, { timeout: 30_000, interval: 250 }).toBeGreaterThan(beats);
      expect(await listening()).toBe(1);
      const kept0 = await fromMemory();
      const original = await name();
      expect(await fromMemory()).toBe(kept0 + 1);
      // The listeners are cut (every hub's in this database: a restart of PostgreSQL, a network that drops them).
      await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where application_name like '% (directory)'`);
      // Until it listens again, the subgraph reads the database every time.
      for (const end = Date.now() + 30_000; ; await new Promise((r) => setTimeout(r, 100))) {
        const n = await reads();
        await name();
        if ((await reads()) > n) break;
        if (Date.now() > end) throw new Error('the county subgraph kept reading from memory without hearing of changes');
      }
      expect(await listening()).toBe(0);
      await owner.query(`update county set name = name || '（断）' where code = '540104'`);
      await expect.poll(name, SOON).toBe(`${original}（断）`);
      await owner.query(`update county set name = $1 where code = '540104'`, [original]);
      await expect.poll(name, SOON).toBe(original);
      // It listens again, keeps the directory again, and hears of the next change.
      await kept();
      expect(await listening()).toBe(1);
      await owner.query(`update county set name = name || '（复）' where code = '540104'`);
      await expect.poll(name, SOON).toBe(`${original}（复）`);
    } finally {
      await owner.query(`update county set name = replace(name, '（复）', '') where code = '540104'`);
      await Promise.all([owner.end(), admin.end()]);
    }
    await expect.poll(name, SOON).toBe('达孜区');
  }, 180_000);

  it('answers /health on every service', async () => {
    const gw = await fetch(new URL('/health', hub.gatewayUrl));
    expect(gw.status).toBe(200);
    expect(await gw.json()).toMatchObject({ status: 'ok', subgraphs: { county: 'ok', township: 'ok', village: 'ok' } });
    for (const s of Object.values(hub.subgraphs)) {
      const r = await fetch(new URL('/health', s.url));
      expect(r.status).toBe(200);
    }
  });
});
