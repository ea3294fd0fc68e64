/**
 * Two replicas of a subgraph share one outbox, so two relays read it
 * (docs/ARCHITECTURE.md §3, docs/deploy.md): a target's events must still
 * arrive in order, once, and never stall, also when one relay dies in the
 * middle of sending a batch. The relays here run on an outbox database of
 * their own (the suite's databases have the test hubs' relays on them) and
 * send to a receiver that logs every delivery and keeps an inbox.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { emit, OutboxRelay } from '../platform/events.ts';
import { initORM } from '../platform/orm.ts';
import { OUTBOX_TABLES } from '../platform/outbox-schema.ts';
import { waitFor } from './helpers/cases.ts';

const DB = `hub_relay_replicas_${process.pid}`;
const SECRET = 'relay-replicas-test-secret-0123456789abcdef';

/** What the receiver saw: every delivered event id in arrival order, the ids applied (its inbox), and how many deliveries overlapped. */
interface Receiver {
  url: string;
  deliveries: string[];
  /** The event ids of each delivery (request), in arrival order. */
  batches: string[][];
  applied: string[];
  maxInFlight: number;
  /** Runs while a delivery is in flight, before it is answered (the test kills its sender here). */
  hold?: (requestNo: number) => Promise<void>;
  requests: number;
  server: Server;
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function startReceiver(): Promise<Receiver> {
  const seen = new Set<string>();
  let inFlight = 0;
  const r: Receiver = { url: '', deliveries: [], batches: [], applied: [], maxInFlight: 0, requests: 0, server: createServer() };
  r.server.on('request', (req, res) => {
    void (async () => {
      inFlight++;
      r.maxInFlight = Math.max(r.maxInFlight, inFlight);
      const n = ++r.requests;
      const { events } = JSON.parse(await body(req)) as { events: { eventId: string }[] };
      r.batches.push(events.map((e) => e.eventId));
      for (const e of events) {
        r.deliveries.push(e.eventId);
        if (!seen.has(e.eventId)) {
          seen.add(e.eventId);
          r.applied.push(e.eventId);
        }
      }
      await new Promise((ok) => setTimeout(ok, 5));
      await r.hold?.(n);
      inFlight--;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    })();
  });
  await new Promise<void>((ok) => r.server.listen(0, '127.0.0.1', ok));
  const addr = r.server.address();
  r.url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/events`;
  return r;
}

const adminUrl = () => inject('adminUrl');
const dbUrl = () => {
  const u = new URL(adminUrl());
  u.pathname = `/${DB}`;
  return u.toString();
};

async function admin<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** One relay replica: its own ORM (its own connections, named so the test can find and kill them). */
interface Replica {
  name: string;
  orm: MikroORM;
  relay: OutboxRelay;
}

async function replica(name: string, receiver: Receiver): Promise<Replica> {
  const orm = await initORM({ url: dbUrl(), entities: [], name });
  const relay = new OutboxRelay({ orm, source: 'village', targets: { township: receiver.url }, secret: SECRET, intervalMs: 50 });
  relay.start();
  return { name, orm, relay };
}

/** Emits one event in its own transaction, as a request of a replica would, and nudges that replica's relay. */
async function emitOne(r: Replica, i: number): Promise<string> {
  const disputeId = `d-${i}-${randomUUID()}`;
  await r.orm.em
    .fork()
    .transactional((tem) => emit(tem, 'township', 'case.supervised', { disputeId, countyCode: '623022', at: new Date().toISOString(), note: `${i}` }));
  r.relay.nudge();
  return disputeId;
}

/** The event ids of the outbox in emission order, with the dispute id each carries. */
async function outbox(): Promise<{ eventId: string; disputeId: string; delivered: boolean }[]> {
  return admin(dbUrl(), async (c) =>
    (
      await c.query<{ eventId: string; disputeId: string; delivered: boolean }>(
        `select event_id as "eventId", payload->>'disputeId' as "disputeId", delivered_at is not null as delivered from hub_outbox order by id`,
      )
    ).rows.map((r) => ({ ...r, eventId: String(r.eventId) })),
  );
}

/** Kills a replica as a crashed process would leave it: its database sessions end (its lock goes with them) and it sends nothing more. */
async function kill(r: Replica): Promise<() => Promise<void>> {
  await admin(adminUrl(), (c) => c.query(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1`, [r.name]));
  const stopped = r.relay.stop();
  // Its last send is still waiting for an answer: the caller awaits the rest once it has answered.
  return async () => {
    await stopped;
    await r.orm.close(true).catch(() => {});
  };
}

/** The replica holding the village→township lock now (from pg_locks), if any. */
async function lockHolder(): Promise<string | undefined> {
  return admin(
    adminUrl(),
    async (c) =>
      (
        await c.query<{ name: string }>(
          `select a.application_name as name from pg_locks l join pg_stat_activity a on a.pid = l.pid
            where l.locktype = 'advisory' and l.granted and a.datname = $1`,
          [DB],
        )
      ).rows[0]?.name,
  );
}

let receiver: Receiver;
beforeAll(async () => {
  await admin(adminUrl(), (c) => c.query(`create database ${DB}`));
  await admin(dbUrl(), async (c) => {
    for (const ddl of OUTBOX_TABLES) await c.query(ddl);
  });
}, 60_000);
afterAll(async () => {
  receiver?.server.close();
  await admin(adminUrl(), (c) => c.query(`drop database if exists ${DB} with (force)`));
}, 60_000);

describe('two relays on one outbox', () => {
  it('deliver a target’s events once each, in order, one batch at a time, while both run', async () => {
    receiver = await startReceiver();
    const a = await replica('relay-replica-a', receiver);
    const b = await replica('relay-replica-b', receiver);
    try {
      const N = 240;
      const disputes: string[] = [];
      // Both replicas take requests: each writes events to the one outbox and nudges its own relay.
      for (let i = 0; i < N; i++) disputes.push(await emitOne(i % 3 === 0 ? b : a, i));
      await waitFor(async () => receiver.applied.length >= N && (await outbox()).every((e) => e.delivered), 120_000, 'every event delivered');
      await Promise.all([a.relay.idle(), b.relay.idle()]);
      const emitted = await outbox();
      expect(emitted.map((e) => e.disputeId)).toEqual(disputes);
      expect(receiver.deliveries).toEqual(emitted.map((e) => e.eventId));
      expect(receiver.applied).toEqual(emitted.map((e) => e.eventId));
      expect(receiver.maxInFlight).toBe(1);
    } finally {
      await a.relay.stop();
      await b.relay.stop();
      await a.orm.close(true);
      await b.orm.close(true);
      receiver.server.close();
    }
  }, 180_000);

  it('when the relay sending a batch dies, the other takes the target over: every event applied once, in order, nothing stalls', async () => {
    await admin(dbUrl(), (c) => c.query('truncate hub_outbox'));
    receiver = await startReceiver();
    const a = await replica('relay-replica-a', receiver);
    const b = await replica('relay-replica-b', receiver);
    const replicas = [a, b];
    let killed: Replica | undefined;
    let dead: (() => Promise<void>) | undefined;
    let inFlight: string[] = [];
    // The 4th delivery's sender is killed before the receiver answers: it dies after the batch was applied and before it was marked sent.
    receiver.hold = async (n) => {
      if (n !== 4 || killed) return;
      const holder = await lockHolder();
      killed = replicas.find((r) => r.name === holder);
      inFlight = receiver.batches[n - 1] ?? [];
      if (killed) dead = await kill(killed);
    };
    try {
      const N = 150;
      const disputes: string[] = [];
      for (let i = 0; i < N; i++) {
        const live = replicas.filter((r) => r !== killed);
        disputes.push(await emitOne(live[i % live.length]!, i));
        // Small gaps so deliveries happen while events are still being written.
        if (i % 10 === 0) await new Promise((ok) => setTimeout(ok, 20));
      }
      await waitFor(async () => receiver.applied.length >= N && (await outbox()).every((e) => e.delivered), 120_000, 'every event delivered after the kill');
      await dead?.();
      const survivor = replicas.find((r) => r !== killed)!;
      await survivor.relay.idle();
      expect(killed).toBeDefined();
      const emitted = await outbox();
      expect(emitted.map((e) => e.disputeId)).toEqual(disputes);
      const ids = emitted.map((e) => e.eventId);
      // Applied (the inbox): every event exactly once, in emission order.
      expect(receiver.applied).toEqual(ids);
      // Sent: once each, except the batch the killed relay had in flight, which the survivor sent again first (the inbox absorbed it).
      const counts = new Map<string, number>();
      for (const id of receiver.deliveries) counts.set(id, (counts.get(id) ?? 0) + 1);
      expect(inFlight.length).toBeGreaterThan(0);
      expect(ids.filter((id) => counts.get(id) !== 1)).toEqual(inFlight);
      expect(inFlight.every((id) => counts.get(id) === 2)).toBe(true);
      expect(receiver.batches[4]?.slice(0, inFlight.length)).toEqual(inFlight);
    } finally {
      for (const r of replicas) if (r !== killed) await r.relay.stop();
      for (const r of replicas) if (r !== killed) await r.orm.close(true);
      await dead?.();
      receiver.server.close();
    }
  }, 180_000);
});
