import { inject, afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDirectory } from '../scripts/lib/setup.ts';
import { startHub, type TestHub } from './helpers/hub.ts';

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
