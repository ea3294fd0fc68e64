import pg from 'pg';
import { inject, afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDirectory } from '../scripts/lib/setup.ts';
import { startHub, type TestHub } from './helpers/hub.ts';
import { waitFor } from './helpers/cases.ts';

let hub: TestHub;
beforeAll(async () => {
  hub = await startHub();
});
afterAll(() => hub?.stop());

const COUNT = `{ counties(within: "62") { code } townships(within: "62") { code } villages(within: "62") { code } grids(within: "62") { totalCount } tanchang: grids(within: "623021") { totalCount } }`;

describe('loading a whole province (甘肃 62)', () => {
  it('loads 88 counties, 1,403 townships and 17,718 villages, and a second load changes nothing', async () => {
    const first = await loadDirectory(inject('dbs'), ['62']);
    expect(first.county.counties).toBe(88);
    expect(first.township.townships).toBe(1403);
    expect(first.village.villages).toBe(17718);
    type Codes = { code: string }[];
    const r1 = await hub.query<{ counties: Codes; townships: Codes; villages: Codes; grids: { totalCount: number }; tanchang: { totalCount: number } }>(COUNT);
    expect(r1.errors).toBeUndefined();
    expect(r1.data!.counties).toHaveLength(88);
    expect(r1.data!.townships).toHaveLength(1403);
    expect(r1.data!.villages).toHaveLength(17718);
    expect(r1.data!.grids.totalCount).toBe(first.village.grids);
    // 临潭县's grids are the same whether it was loaded alone or with its province.
    expect(r1.data!.tanchang.totalCount).toBe(770);

    await loadDirectory(inject('dbs'), ['62']);
    const r2 = await hub.query(COUNT);
    expect(r2.data).toEqual(r1.data);
  });

  it('refuses a scope that is not a province, prefecture or county code', async () => {
    await expect(loadDirectory(inject('dbs'), ['6230211'])).rejects.toMatchObject({ extensions: { en: expect.stringMatching(/not a province/) } });
  });
});

/**
 * What integrators follow in the village's data: the change feed (`changes`, `changedAfter`) and the statistics'
 * versions. The directory's rows have neither a feed entry nor a version of their own, and a grid's name is not
 * counted (…97RollupForcesCountedColumns), so a reload moves none of them, renamed grid or not.
 */
async function followed(c: pg.Client): Promise<unknown> {
  const { rows } = await c.query(`select (select count(*)::int from change_log) as entries, (select count(*)::int from change_tx) as writes,
            (select md5(string_agg(v::text, ',' order by v::text)) from stats_version v) as versions`);
  return rows[0];
}

describe('reloading a county already loaded (临潭 623021)', () => {
  it('moves no change-feed entry or statistics version, and a grid renamed since is named from the directory again once the services hear of it', async () => {
    const c = new pg.Client({ connectionString: inject('dbs').village.migrationUrl });
    await c.connect();
    try {
      const { rows } = await c.query<{ code: string; name: string }>(`select code, name from grid where county_code = '623021' order by code limit 1`);
      const grid = rows[0]!;
      const read = async () => (await hub.query<{ grid: { name: string } }>(`{ grid(code: "${grid.code}") { name } }`)).data?.grid.name;
      expect(await read()).toBe(grid.name);
      const before = await followed(c);
      await loadDirectory(inject('dbs'), ['623021']);
      expect(await followed(c)).toEqual(before);

      // Each service drops the directory it keeps when PostgreSQL's news of the change arrives, a moment after the
      // commit (docs/ARCHITECTURE.md, "The directory in memory"): the read is tried until then.
      const named = (name: string) => waitFor(async () => (await read()) === name, 10_000, `the grid read as ${name}`);
      await c.query(`update grid set name = '改名测试网格' where code = $1`, [grid.code]);
      await named('改名测试网格');
      await loadDirectory(inject('dbs'), ['623021']);
      await named(grid.name);
      expect(await followed(c)).toEqual(before);
    } finally {
      await c.end();
    }
  });
});
