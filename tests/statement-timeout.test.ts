import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startHub, type TestHub } from './helpers/hub.ts';

// A statement stuck behind a lock is cancelled after the service's statement_timeout (docs/ARCHITECTURE.md,
// "Supervision and database outages"); one second here, 30 s by default.
let hub: TestHub;
beforeAll(async () => {
  hub = await startHub({ statementTimeoutMs: 1000 });
}, 180_000);
afterAll(() => hub?.stop());

interface Residents {
  village: { residents: { nodes: { name: string }[] } } | null;
}
const QUERY = `{ village(code: "623021200201") { residents(first: 3) { nodes { name } } } }`;

describe('a statement that does not finish', () => {
  it('is cancelled after the statement timeout and answers SERVICE_UNAVAILABLE, and the service answers again once the lock is gone', async () => {
    const before = await hub.query<Residents>(QUERY);
    expect(before.errors).toBeUndefined();
    expect(before.data!.village!.residents.nodes).toHaveLength(3);

    // Maintenance holding the residents' table, as a long migration or a manual fix would.
    const owner = new pg.Client({ connectionString: inject('dbs').village.migrationUrl });
    await owner.connect();
    try {
      await owner.query('begin');
      await owner.query('lock table person in access exclusive mode');
      // More requests than the pool has connections (4 in tests): without the timeout they would all wait for the lock.
      const during = await Promise.all([
        ...Array.from({ length: 5 }, () => hub.query<Residents>(QUERY)),
        hub.query<Residents>(QUERY, undefined, { 'accept-language': 'zh-CN' }),
      ]);
      for (const r of during) {
        expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryable: true });
        expect(JSON.stringify(r)).not.toMatch(/canceling statement|statement_timeout|57014/);
      }
      expect(during[0]!.errors![0]!.message).toContain('ran past its time limit and was cancelled');
      expect(during[5]!.errors![0]!.message).toContain('数据库查询超时');
    } finally {
      await owner.query('rollback').catch(() => {});
      await owner.end();
    }

    const after = await hub.query<Residents>(QUERY);
    expect(after.errors).toBeUndefined();
    expect(after.data).toEqual(before.data);
  }, 120_000);
});
