import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startHub, type GraphQLResponse, type TestHub } from './helpers/hub.ts';

// A statement stuck behind a lock is cancelled after the service's statement_timeout (docs/ARCHITECTURE.md,
// "Supervision and database outages"); one second here, 30 s by default.
let hub: TestHub;
beforeAll(async () => {
  hub = await startHub({ statementTimeoutMs: 1000 });
}, 180_000);
afterAll(() => hub?.stop());

const VILLAGE = '623021200201';

interface Residents {
  village: { residents: { nodes: { name: string }[] } } | null;
}
const residents = (first: number) => `{ village(code: "${VILLAGE}") { residents(first: ${first}) { nodes { name } } } }`;

/** Runs `fn` while the village database's residents' table is locked, as a long migration or a manual fix would hold it. */
async function withPersonLocked<T>(fn: () => Promise<T>): Promise<T> {
  const owner = new pg.Client({ connectionString: inject('dbs').village.migrationUrl });
  await owner.connect();
  try {
    await owner.query('begin');
    await owner.query('lock table person in access exclusive mode');
    return await fn();
  } finally {
    await owner.query('rollback').catch(() => {});
    await owner.end();
  }
}

const codes = (r: GraphQLResponse<unknown>) => (r.errors ?? []).map((e) => e.extensions?.code);

describe('a statement that does not finish', () => {
  it('is cancelled after the statement timeout and answers SERVICE_UNAVAILABLE, and the service answers again once the lock is gone', async () => {
    const before = await hub.query<Residents>(residents(3));
    expect(before.errors).toBeUndefined();
    expect(before.data!.village!.residents.nodes).toHaveLength(3);

    const { during, directory } = await withPersonLocked(async () => {
      // More requests than the pool has connections (4 in tests), each its own (the gateway shares identical ones):
      // without the timeout every connection would wait for the lock, and the service would answer nothing.
      const during = await Promise.all([
        ...Array.from({ length: 6 }, (_, i) => hub.query<Residents>(residents(3 + i))),
        hub.query<Residents>(residents(20), undefined, { 'accept-language': 'zh-CN' }),
      ]);
      // Meanwhile what does not need the residents' table still answers.
      const directory = await hub.query<{ village: { name: string; grids: { code: string }[] } }>(`{ village(code: "${VILLAGE}") { name grids { code } } }`);
      return { during, directory };
    });
    for (const r of during) {
      expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryable: true });
      expect(JSON.stringify(r)).not.toMatch(/canceling statement|statement_timeout|57014|25P02|aborted/);
    }
    expect(during[0]!.errors![0]!.message).toContain('ran past its time limit and was cancelled');
    expect(during[6]!.errors![0]!.message).toContain('数据库查询超时');
    expect(directory.errors).toBeUndefined();
    expect(directory.data!.village.grids.length).toBeGreaterThan(0);

    const after = await hub.query<Residents>(residents(3));
    expect(after.errors).toBeUndefined();
    expect(after.data).toEqual(before.data);
  }, 120_000);

  it('takes down the reads that shared its transaction for the same reason: each is SERVICE_UNAVAILABLE, none an internal error', async () => {
    // The residents' list and the households' members read in one request, pipelined in one transaction: once the
    // first is cancelled, PostgreSQL refuses the rest of the transaction.
    const q = `{ village(code: "${VILLAGE}") {
      residents(first: 2) { nodes { name } }
      households(first: 2) { nodes { number members { name } } }
      patrolTeams(first: 2) { nodes { name } } } }`;
    const r = await withPersonLocked(() => hub.query(q));
    expect(codes(r).length).toBeGreaterThan(0);
    expect(
      codes(r).every((c) => c === 'SERVICE_UNAVAILABLE'),
      JSON.stringify(r.errors),
    ).toBe(true);
    expect((await hub.query(q)).errors).toBeUndefined();
  }, 120_000);

  it('lets an export run as long as its download takes', async () => {
    // A county's residents (140,400 rows) read slowly: the COPY runs well past the one-second limit.
    const res = await fetch(new URL('/export/residents.csv?within=623021', hub.gatewayUrl), { headers: { authorization: `Bearer ${await hub.token()}` } });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    let paused = false;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      if (!paused && text.length > 100_000) {
        paused = true;
        await new Promise((r) => setTimeout(r, 2500));
      }
    }
    const lines = text.trimEnd().split('\n');
    const { data } = await hub.query<{ county: { population: { residents: number } } }>(`{ county(code: "623021") { population { residents } } }`);
    expect(lines.length - 1).toBe(data!.county.population.residents);
  }, 180_000);
});
