import type { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { endPublicReads } from '../platform/jurisdiction.ts';
import { initORM } from '../platform/orm.ts';
import { installSqlCounter, sqlStatementsTotal } from '../platform/sql-counter.ts';
import { entities } from '../subgraphs/village/src/entities.ts';
import { RequestVersions } from '../subgraphs/village/src/stats-versions.ts';

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
