import type { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { endPublicReads } from '../platform/jurisdiction.ts';
import { initORM } from '../platform/orm.ts';
import { installSqlCounter, sqlStatementsTotal } from '../platform/sql-counter.ts';
import { entities } from '../subgraphs/village/src/entities.ts';
import { RequestVersions } from '../subgraphs/village/src/stats-versions.ts';
import { createStatsLoaders } from '../subgraphs/village/src/stats.ts';
import { previousPeriod, resolvePeriod } from '../domain/periods.ts';

/**
 * A request's statistics versions (docs/ARCHITECTURE.md, "Cached statistics"), read in this process against the
 * test database: what each batch of a request reads, counted at the database client.
 */
let orm: MikroORM;
beforeAll(async () => {
  installSqlCounter();
  orm = await initORM({ url: inject('dbs').village.url, entities, name: 'hub-test-stats-versions', poolMax: 2 });
}, 120_000);
afterAll(async () => {
  if (orm) await endPublicReads(orm.em);
  await orm?.close();
});

/** Statements `fn` sends. */
async function statements(fn: () => Promise<unknown>): Promise<number> {
  const before = sqlStatementsTotal();
  await fn();
  return sqlStatementsTotal() - before;
}

describe('a request’s statistics versions', () => {
  it('a batch that starts while another batch of the request reads the county’s row waits for that row instead of reading it again', async () => {
    // A seed county the tests only read.
    const county = '632223';
    const rows = await orm.em.getConnection().execute<{ code: string }[]>(`select code from village where county_code = ? order by code limit 1`, [county]);
    const village = rows[0]!.code;
    // Kept under the county's present state: a later request answers the village from the county's row alone.
    const first = new RequestVersions(orm.em.fork());
    const [kept] = await first.of([village]);
    expect(kept!.days).not.toBe('');

    // A county's figures ask in one turn, its villages' in a later one, while the first statement is still under way
    // (a drill-down's loaders do so): one statement, not two.
    const request = new RequestVersions(orm.em.fork());
    let inFlight = false;
    const sent = await statements(async () => {
      const countyAsk = request.of([county]);
      let settled = false;
      void countyAsk.then(() => (settled = true));
      await new Promise((r) => setImmediate(r));
      inFlight = !settled;
      const [again] = await request.of([village]);
      await countyAsk;
      expect(again).toEqual(kept);
    });
    expect(inFlight).toBe(true);
    expect(sent).toBe(1);

    // Once read, the request answers both with no statement.
    expect(await statements(() => request.of([county, village]))).toBe(0);
  });
});

describe('a request’s statistics loaders', () => {
  it('load figures that carry their division and period, so a resolver hands on the kept figures, not a copy per request', async () => {
    // A seed county the tests only read.
    const county = '632223';
    const rows = await orm.em
      .getConnection()
      .execute<{ code: string; township_code: string }[]>(`select code, township_code from village where county_code = ? order by code limit 1`, [county]);
    const { code: village, township_code: township } = rows[0]!;
    const villagesOf = async (t: string) =>
      (await orm.em.getConnection().execute<{ code: string }[]>(`select code from village where township_code = ? order by code`, [t])).map((r) => r.code);
    const quarter = resolvePeriod({ period: '2024Q1' });

    const first = createStatsLoaders(orm.em.fork());
    const disputes = await first.disputeStats(quarter, villagesOf).load(village);
    expect(disputes).toMatchObject({ code: village, period: quarter });
    expect(await first.disputeStats(quarter, villagesOf).load(township)).toMatchObject({ code: township, period: quarter });
    expect(await first.patrolStats(quarter, villagesOf).load(village)).toMatchObject({ code: village, period: quarter });
    const forces = await first.forces.load(village);
    expect(forces.code).toBe(village);

    // The next request gets the kept figures themselves while the versions under the division are unchanged.
    const next = createStatsLoaders(orm.em.fork());
    expect(await next.disputeStats(quarter, villagesOf).load(village)).toBe(disputes);
    expect(await next.forces.load(village)).toBe(forces);
    // The same dates can be two periods to `previous`: a window of whole months' days (touches) and the window
    // before one, which is not stepped from again by months. Each is kept with its own figures.
    const window = resolvePeriod({ from: '2023-10-01', to: '2023-12-15' });
    const before = previousPeriod(resolvePeriod({ from: '2024-01-01', to: '2024-03-15' }));
    expect([before.from, before.to, window.touches, before.touches]).toEqual(['2023-10-01', '2023-12-15', 3, undefined]);
    const [ofWindow, ofBefore] = await Promise.all([next.disputeStats(window, villagesOf).load(village), next.disputeStats(before, villagesOf).load(village)]);
    expect(ofWindow.period).toEqual(window);
    expect(ofBefore.period).toEqual(before);
    expect(ofBefore.counts).toEqual(ofWindow.counts);
  });
});
