/**
 * A village's lists run as prepared statements in the request's transaction
 * (platform/sql.ts, `preparedRows`): on one generic plan per connection, and
 * still under the caller's jurisdiction (row-level security), through the
 * same transaction, settings and pooled connections a request uses.
 */
import net from 'node:net';
import type { MikroORM } from '@mikro-orm/postgresql';
import { CompiledQuery, type Transaction } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import { beginOnFirstUse, endPublicReads, publicRows, scopedEm } from '../platform/jurisdiction.ts';
import { initORM, nativePool, nativeTransaction } from '../platform/orm.ts';
import { isPipelined } from '../platform/pipeline.ts';
import { preparedRows, sql, type Db } from '../platform/sql.ts';
import { unnamedStatementsInGenericPlans, watchGenericPlans } from '../platform/sql-counter.ts';
import { entities } from '../subgraphs/village/src/entities.ts';
import { disputes } from '../subgraphs/village/src/store/dispute.ts';
import { persons } from '../subgraphs/village/src/store/person.ts';
import { ScopedPages, type ScopedList } from '../subgraphs/village/src/store/scoped.ts';
import { registerResident } from '../subgraphs/village/src/registry/move-in.ts';
import { makeCitizenId } from '../domain/citizen-id.ts';

let orm: MikroORM;
/** The village with the most disputes, and a county other than its own that also has disputes (read as the owner). */
let village: string;
let elsewhere: string;

beforeAll(async () => {
  watchGenericPlans();
  const owner = new pg.Client({ connectionString: inject('dbs').village.migrationUrl });
  await owner.connect();
  try {
    village = (await owner.query<{ v: string }>(`select village_code as v from dispute group by 1 order by count(*) desc limit 1`)).rows[0]!.v;
    elsewhere = (await owner.query<{ c: string }>(`select county_code as c from dispute where county_code <> $1 limit 1`, [village.slice(0, 6)])).rows[0]!.c;
  } finally {
    await owner.end();
  }
  orm = await initORM({ url: inject('dbs').village.url, entities, name: 'hub-test-prepared', poolMax: 1 });
}, 120_000);

afterAll(async () => {
  if (orm) await endPublicReads(orm.em);
  await orm?.close();
});

interface Prepared {
  statement: string;
  genericPlans: number;
  customPlans: number;
}

/** Runs `fn` as a request of `jurisdiction` does: in its lazily opened read transaction. */
async function asRequest<T>(jurisdiction: string, fn: (em: Db) => Promise<T>): Promise<T> {
  const em = scopedEm(orm.em, jurisdiction);
  const tx = beginOnFirstUse(em, () => false);
  tx.arm();
  try {
    return await fn(em);
  } finally {
    await tx.end();
  }
}

async function asOwner(text: string): Promise<void> {
  const owner = new pg.Client({ connectionString: inject('dbs').village.migrationUrl });
  await owner.connect();
  try {
    await owner.query(text);
  } finally {
    await owner.end();
  }
}

/** One list's first page as a request of `jurisdiction` reads it, and the prepared statements of the connection it ran on. */
async function firstPage<R>(jurisdiction: string, list: ScopedList<R>) {
  return asRequest(jurisdiction, async (em) => {
    const page = await new ScopedPages(em).connection(list, village, { first: 5 });
    const total = await page.totalCount;
    const prepared = await em.execute<{ statement: string; generic_plans: string; custom_plans: string }[]>(
      `select statement, generic_plans, custom_plans from pg_prepared_statements where name like 'hub\\_%'`,
    );
    return {
      rows: page.nodes,
      total,
      prepared: prepared.map((p): Prepared => ({ statement: p.statement, genericPlans: Number(p.generic_plans), customPlans: Number(p.custom_plans) })),
    };
  });
}

describe('lists as prepared statements', () => {
  it("reads a village's disputes on one generic plan, inside the caller's jurisdiction and never outside it", async () => {
    const list = disputes.list('village', { statuses: ['REPORTED', 'ACCEPTED', 'ASSIGNED', 'MEDIATING', 'ESCALATED', 'RESOLVED', 'CLOSED'] });
    const inside = await firstPage(village.slice(0, 6), list);
    expect(inside.rows.length).toBeGreaterThan(0);
    expect(inside.total).toBeGreaterThanOrEqual(inside.rows.length);
    expect(new Set(inside.rows.map((r) => r.villageCode))).toEqual(new Set([village]));
    const statement = inside.prepared.find((p) => p.statement.includes('dispute.list.page'));
    // The list's length never shows in the text: the village codes travel as one array parameter.
    expect(statement?.statement).toMatch(/t\.village_code = any\(\$1\)/);
    expect(statement).toMatchObject({ customPlans: 0 });
    expect(statement!.genericPlans).toBeGreaterThan(0);

    // The same prepared statement (one pooled connection), another jurisdiction: row-level security still hides every row.
    const outside = await firstPage(elsewhere, list);
    expect(outside.rows).toEqual([]);
    expect(outside.total).toBe(0);
    expect(outside.prepared.find((p) => p.statement.includes('dispute.list.page'))!.genericPlans).toBeGreaterThan(statement!.genericPlans);
    // A jurisdiction of another village of the same county sees none of this village's rows either.
    expect((await firstPage(`${village.slice(0, 9)}999`, list)).rows).toEqual([]);
  });

  it('notices a statement sent with parameters but no name in a transaction with generic plans (the hub helper refuses it)', async () => {
    unnamedStatementsInGenericPlans(true);
    await firstPage(village.slice(0, 6), disputes.list('village', { statuses: ['REPORTED'] }));
    expect(unnamedStatementsInGenericPlans()).toEqual([]);
    await asRequest(village.slice(0, 6), async (em) => {
      await preparedRows(em, sql('probe.named', z.object({ n: z.number() }), `select ?::int as n`), [1]);
      // A statement through the ORM opens the request's own transaction (its begin sets generic plans too).
      await em.execute('select 1');
      // What a store sending its own parameters would do: the transaction's generic plans would bind it unasked.
      const tx = em.getTransactionContext<Transaction<unknown>>()!;
      await tx.executeQuery(CompiledQuery.raw(`/* probe.unnamed */ select $1::int as n`, [1]));
    });
    expect(unnamedStatementsInGenericPlans(true)).toEqual(['probe.unnamed']);
    // Outside such a transaction (the pool's own statements, a bulk path), parameters are the driver's business: also
    // on the connection (the only one) of a scoped transaction that sent nothing, its begin, settings and commit as one.
    await scopedEm(orm.em, village.slice(0, 6)).transactional(async () => {});
    await nativeTransaction(orm, (client) => client.query(`/* probe.native */ select $1::int as n`, [1]));
    const pool = await orm.em.getConnection().getNativeClient();
    await pool.query(`/* probe.pool */ select $1::int as n`, [1]);
    expect(unnamedStatementsInGenericPlans()).toEqual([]);
  });

  it('keeps a name prefix out of prepared statements: its index needs the value at planning', async () => {
    const prefix = await firstPage(village.slice(0, 6), persons.list('village', { namePrefix: '王' }));
    expect(prefix.prepared.some((p) => p.statement.includes('person.residents'))).toBe(false);
    const tagged = await firstPage(village.slice(0, 6), persons.list('village', { tags: ['KEY_YOUTH'] }));
    expect(tagged.prepared.some((p) => p.statement.includes('person.residents.page'))).toBe(true);
  });

  it('recovers when a migration changes the columns a prepared statement reads: one request fails, the next is prepared afresh', async () => {
    const app = decodeURIComponent(new URL(inject('dbs').village.url).username);
    await asOwner(`drop table if exists prepared_probe;
      create table prepared_probe (id bigint primary key, village_code text not null);
      alter table prepared_probe enable row level security;
      create policy prepared_probe_jurisdiction on prepared_probe using (hub_in_jurisdiction(village_code));
      grant select on prepared_probe to "${app}";
      insert into prepared_probe values (1, '${village}');`);
    try {
      const probe = sql('test.probe', z.record(z.string(), z.unknown()), 'select t.* from prepared_probe t where t.village_code in (?) order by t.id');
      const read = () => asRequest(village.slice(0, 6), (em) => preparedRows(em, probe, [[village]]));
      expect(await read()).toEqual([{ id: '1', villageCode: village }]);
      await asOwner(`alter table prepared_probe add column note text default 'x'`);
      await expect(read()).rejects.toMatchObject({ code: '0A000' });
      expect(await read()).toEqual([{ id: '1', villageCode: village, note: 'x' }]);
    } finally {
      await asOwner('drop table if exists prepared_probe');
    }
  });
});

/** How many writes the test process makes to the village database's server while `fn` runs (each a system call, and a wake-up there). */
async function writesToDatabase(fn: () => Promise<unknown>): Promise<number> {
  const port = Number(new URL(inject('dbs').village.url).port);
  const proto = net.Socket.prototype as unknown as Record<'_write' | '_writev', (this: net.Socket, ...args: unknown[]) => unknown>;
  const originals = { _write: proto._write, _writev: proto._writev };
  let writes = 0;
  for (const key of ['_write', '_writev'] as const) {
    proto[key] = function (this: net.Socket, ...args: unknown[]) {
      if (this.remotePort === port) writes++;
      return originals[key].apply(this, args);
    };
  }
  try {
    await fn();
  } finally {
    Object.assign(proto, originals);
  }
  return writes;
}

describe('round trips (platform/pipeline.ts)', () => {
  const jurisdiction = () => village.slice(0, 6);

  it('sends the statements a request sends in one turn in one write, as one transaction with its settings, each answered in order under the jurisdiction', async () => {
    const probe = sql('probe.turn', z.object({ n: z.number(), j: z.string() }), `select ?::int as n, current_setting('hub.jurisdiction') as j`);
    const three = (em: Db) => Promise.all([1, 2, 3].map((i) => preparedRows(em, probe, [i])));
    await asRequest(jurisdiction(), three);
    let answers: unknown;
    const writes = await writesToDatabase(async () => {
      answers = await asRequest(jurisdiction(), three);
    });
    const j = jurisdiction();
    expect(answers).toEqual([[{ n: 1, j }], [{ n: 2, j }], [{ n: 3, j }]]);
    // One write for the begin, the settings, the three statements and the commit (one at a time: five writes, each waiting).
    expect(writes).toBe(1);
  });

  it('hands every connection back to the pool out of pipelining and out of any transaction', async () => {
    const probe = sql('probe.released', z.object({ n: z.number() }), 'select ?::int as n');
    const pool = await nativePool(orm);
    const released: { pipelined: boolean; status: string }[] = [];
    const onRelease = (_e: unknown, client: pg.PoolClient) => released.push({ pipelined: isPipelined(client), status: client.getTransactionStatus() ?? '' });
    pool.on('release', onRelease);
    try {
      await asRequest(jurisdiction(), (em) => Promise.all([1, 2].map((i) => preparedRows(em, probe, [i]))));
    } finally {
      pool.off('release', onRelease);
    }
    expect(released).toEqual([{ pipelined: false, status: 'I' }]);
  });

  it('never holds one connection while waiting for another: reads after an ORM statement join its transaction (a pool of one)', async () => {
    const probe = sql('probe.joined', z.object({ n: z.number(), j: z.string() }), `select ?::int as n, current_setting('hub.jurisdiction') as j`);
    const j = jurisdiction();
    // The ORM's statement first: its transaction holds the only connection, and the read must join it.
    const after = await asRequest(j, async (em) => {
      await em.execute('select 1');
      return preparedRows(em, probe, [1]);
    });
    expect(after).toEqual([{ n: 1, j }]);
    // Both in one turn: the read was gathered for a turn of its own when the ORM's transaction began.
    const together = await asRequest(j, (em) => Promise.all([preparedRows(em, probe, [2]), em.execute('select 1'), preparedRows(em, probe, [3])]));
    expect([together[0], together[2]]).toEqual([[{ n: 2, j }], [{ n: 3, j }]]);
    // Reads joining that transaction go pipelined too: one write for three.
    let joined: unknown;
    const writes = await asRequest(j, async (em) => {
      await em.execute('select 1');
      return writesToDatabase(async () => {
        joined = await Promise.all([4, 5, 6].map((i) => preparedRows(em, probe, [i])));
      });
    });
    expect(joined).toEqual([[{ n: 4, j }], [{ n: 5, j }], [{ n: 6, j }]]);
    expect(writes).toBe(1);
  }, 20_000);

  it('a statement failing in a pipelined transaction fails those sent after it, for its reason (the transaction is aborted); the next request runs as before', async () => {
    const divide = sql('probe.divide', z.object({ n: z.number() }), 'select 6 / ?::int as n');
    const results = await asRequest(jurisdiction(), (em) =>
      Promise.allSettled([preparedRows(em, divide, [1]), preparedRows(em, divide, [0]), preparedRows(em, divide, [2])]),
    );
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
    expect(results[0]).toMatchObject({ value: [{ n: 6 }] });
    expect(results[1]).toMatchObject({ reason: { code: '22012' } });
    // PostgreSQL refuses it as 25P02 (aborted); it fails for the first one's reason (platform/sql.ts failureIn).
    expect(results[2]).toMatchObject({ reason: { code: '22012' } });
    expect(await asRequest(jurisdiction(), (em) => preparedRows(em, divide, [3]))).toEqual([{ n: 2 }]);
    // And a bulk path after it, on the same (only) connection, one statement at a time.
    const bulk = await nativeTransaction(orm, async (client) => ({
      pipelined: isPipelined(client),
      rows: (await client.query<{ n: number }>('select $1::int as n', [4])).rows,
    }));
    expect(bulk).toEqual({ pipelined: false, rows: [{ n: 4 }] });
  });

  it('public reads of one turn share one write on the shared connections, and one failing fails no other', async () => {
    const divide = sql('probe.publicDivide', z.object({ n: z.number() }), 'select 6 / ?::int as n');
    const em = orm.em.fork();
    await Promise.all([1, 2, 3].map((i) => publicRows(em, divide, [i])));
    let results: PromiseSettledResult<unknown>[] = [];
    const writes = await writesToDatabase(async () => {
      results = await Promise.allSettled([publicRows(em, divide, [1]), publicRows(em, divide, [0]), publicRows(em, divide, [3])]);
    });
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(results[1]).toMatchObject({ reason: { code: '22012' } });
    expect(results[2]).toMatchObject({ value: [{ n: 2 }] });
    expect(writes).toBe(1);
  });

  it("registers a resident through the one write path's statements prepared: planned once per connection, under the caller's jurisdiction", async () => {
    const owner = new pg.Client({ connectionString: inject('dbs').village.migrationUrl });
    await owner.connect();
    let grid: string;
    try {
      grid = (await owner.query<{ code: string }>(`select code from grid where village_code = $1 order by code limit 1`, [village])).rows[0]!.code;
    } finally {
      await owner.end();
    }
    const county = grid.slice(0, 6);
    const caller = { subject: 'test-prepared-writes', name: '测试', jurisdiction: county, scopes: new Set(['read', 'write', 'pii'] as const) };
    // Two residents, rolled back: the second form's statements find the first's prepared on the (only) connection.
    const register = (seq: number) =>
      scopedEm(orm.em, county, { subject: caller.subject, name: caller.name })
        .transactional(async (em) => {
          const input = {
            name: '测试居民',
            idNumber: makeCitizenId(county, '1990-03-04', 900 + seq),
            ethnicity: '汉族',
            residency: 'REGISTERED',
            gridCode: grid,
          };
          const id = await registerResident(em, caller, input);
          const prepared = await em.execute<{ statement: string; generic_plans: string; custom_plans: string }[]>(
            `select statement, generic_plans, custom_plans from pg_prepared_statements where name like 'hub\\_%' and statement like '/* person.%'`,
          );
          throw Object.assign(new Error('roll back'), { result: { id, prepared } });
        })
        .catch((e: { result?: { id: number | null; prepared: { statement: string; generic_plans: string; custom_plans: string }[] } }) => {
          if (!e.result) throw e;
          return e.result;
        });
    await register(1);
    const { id, prepared } = await register(2);
    expect(id).toBeGreaterThan(0);
    const plans = (name: string) => prepared.find((p) => p.statement.startsWith(`/* ${name} */`));
    for (const name of ['person.lock', 'person.rules', 'person.write']) {
      expect(Number(plans(name)?.custom_plans), name).toBe(0);
      expect(Number(plans(name)?.generic_plans), name).toBe(2);
    }
  });
});
