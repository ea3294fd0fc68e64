import { createHash, randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { jwtVerify, SignJWT } from 'jose';
import type { PoolClient } from 'pg';
import type { SpanContext } from '@opentelemetry/api';
import { z } from 'zod';
import { DomainEvent, type EventPayload, type EventType } from '../domain/events.ts';
import { scopedEm } from './jurisdiction.ts';
import { SUBGRAPHS, type SubgraphName } from './settings.ts';
import { HttpError, methodNotAllowed, sendJson, type Route } from './http.ts';
import { nativePool, nativeTransaction } from './orm.ts';
import { log, outsideRequestFields } from './log.ts';
import type { OutboxBacklog } from './metrics.ts';
import { activeSpanContext, detached, inLinkedSpan, injectTraceContext } from './telemetry.ts';
import { col, command, exec, nativeRows, row, rows, sql, type Db } from './sql.ts';
import { outsideRequest } from './sql-counter.ts';
import { orAfter } from './timeout.ts';
import { retryCollisions } from './write-transaction.ts';

/**
 * Cross-level events (docs/ARCHITECTURE.md): a transactional outbox, a relay that
 * delivers each target's events in order with retries, and a receiver that
 * applies each event id exactly once. While a target is down its events wait
 * in the outbox; when it returns they arrive, in order, once.
 */

/** An event as a receiver applies it: its payload parsed against its type's shape (domain/events.ts). */
export type HubEvent = { eventId: string; source: SubgraphName } & DomainEvent;

/** An event as it travels: the payload as the sender wrote it. */
const WireEvent = z.object({ eventId: z.string(), type: z.string(), source: z.enum(SUBGRAPHS), payload: z.record(z.string(), z.unknown()) });
type WireEvent = z.infer<typeof WireEvent>;
const Delivery = z.object({ events: z.array(WireEvent) });

const outboxInsert = command('outbox.insert', 'insert into hub_outbox (event_id, target, type, payload) values (?, ?, ?, ?)');
const inboxInsert = sql(
  'inbox.insert',
  z.object({ eventId: z.string() }),
  'insert into hub_inbox (event_id, source, type) values (?, ?, ?) on conflict (event_id) do nothing returning event_id',
);
const Pending = z.object({
  id: z.string(),
  eventId: z.string(),
  type: z.string(),
  payload: z.record(z.string(), z.unknown()),
  due: z.boolean(),
  attempts: col.num,
});
const outboxPending = sql(
  'outbox.pending',
  Pending,
  `select id, event_id, type, payload, next_attempt_at <= now() as due, attempts from hub_outbox
            where target = $1 and delivered_at is null order by id limit 100`,
);
/**
 * Replicas of a subgraph share its outbox: one relay at a time delivers a
 * target's events, holding this transaction lock (per database, so per
 * source) while it reads, sends and marks a batch. Locking single events
 * (SKIP LOCKED) would let two relays send one target's events out of order.
 */
const outboxTargetLock = sql(
  'outbox.target-lock',
  z.object({ locked: z.boolean() }),
  `select pg_try_advisory_xact_lock(hashtextextended('hub_outbox:' || $1, 0)) as locked`,
);
/** A relay that hangs while holding a target's lock loses it (its transaction ends) after this long; its send times out first (10 s). */
const outboxHoldLimit = sql('outbox.hold-limit', z.object({}), `select set_config('idle_in_transaction_session_timeout', '30s', true)`);
const outboxDelivered = command('outbox.delivered', 'update hub_outbox set delivered_at = now() where id = any($1)');
const outboxFailed = command(
  'outbox.failed',
  `update hub_outbox set attempts = $2, last_error = $3, next_attempt_at = now() + ($4 || ' milliseconds')::interval where id = $1`,
);

/** The outbox's backlog per target, read on each /metrics scrape (platform/metrics.ts); the pending index covers it. */
const outboxBacklog = sql(
  'outbox.backlog',
  z.object({ target: z.string(), depth: col.num, oldestSeconds: col.num }),
  `select target, count(*) as depth, coalesce(extract(epoch from now() - min(created_at)), 0) as oldest_seconds
     from hub_outbox where delivered_at is null group by target`,
);

export async function readOutboxBacklog(orm: MikroORM): Promise<OutboxBacklog[]> {
  const client = await (await nativePool(orm)).connect();
  try {
    const out = await nativeRows(client, outboxBacklog, []);
    client.release();
    return out;
  } catch (e) {
    client.release(e instanceof Error ? e : true);
    throw e;
  }
}

/** Writes an event in the caller's transaction: it is sent only if the change commits. */
export async function emit<T extends EventType>(em: Db, target: SubgraphName, type: T, payload: EventPayload<T>): Promise<void> {
  await exec(em, outboxInsert, [randomUUID(), target, type, JSON.stringify(payload)]);
}

const outboxPendingFor = sql(
  'outbox.pendingFor',
  z.object({ pending: z.boolean() }),
  `select exists (select 1 from hub_outbox where target = ? and delivered_at is null and payload->>'disputeId' = ?) as pending`,
);
/** Whether events about the case still wait in the outbox for `target` (it is down, or slow): it has not got them yet. */
export async function pendingFor(db: Db, target: SubgraphName, disputeId: string): Promise<boolean> {
  return (await rows(db, outboxPendingFor, [target, disputeId]))[0]?.pending ?? false;
}

/** The longest a write waits for its events' delivery (`delivered`); a slower target gets them later from the outbox. */
export const DELIVERY_WAIT_MS = 2000;

/**
 * After a write that emitted events has committed: delivers them now and waits for that round (at most
 * DELIVERY_WAIT_MS), so what the write changes at another level (a township's step on the village's record, and so
 * on every figure over it) is in the very next read of any caller, the report cache's included, which the gateway
 * empties when the mutation answers (gateway/src/report-cache.ts). Answered sooner, a read a few milliseconds later
 * showed the case still open, and a report-only tool kept that answer for the cache's 30 s. A target that is down
 * refuses at once and one that hangs is waited for no longer than the limit: the events stay in the outbox and arrive,
 * in order, once it answers (docs/ARCHITECTURE.md §3).
 */
export function delivered(relay: { nudge(): Promise<void> }): Promise<void> {
  return orAfter(DELIVERY_WAIT_MS, relay.nudge(), undefined);
}

const EVENT_HEADER = 'x-hub-event-token';
const sha = (body: string) => createHash('sha256').update(body).digest('base64url');
const secretKey = (secret: string) => new TextEncoder().encode(secret);

export interface RelayOptions {
  orm: MikroORM;
  source: SubgraphName;
  /** Where each target receives events (its /events URL). */
  targets: Partial<Record<SubgraphName, string>>;
  secret: string;
  /** Check for due events this often (ms) even without a nudge. */
  intervalMs?: number;
}

export class OutboxRelay {
  private readonly opts: RelayOptions;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  /** The nudges waiting for the next round to end. */
  private waiting: (() => void)[] = [];
  /** When tracing: the requests that nudged the relay since its last round, and those of the round under way (its deliveries link them). */
  private nudgedBy: SpanContext[] = [];
  private causes: SpanContext[] = [];

  constructor(opts: RelayOptions) {
    this.opts = opts;
  }

  start(): void {
    this.timer = setInterval(() => void this.nudge(), this.opts.intervalMs ?? 1000);
    this.timer.unref();
    void this.nudge();
  }

  /**
   * Delivers due events now (called after a transaction that wrote some commits). Resolves, never rejects, once a
   * round of deliveries begun after the call has ended: the events due then were sent, or their failure was kept for
   * a retry (`delivered` waits for it after a write).
   */
  nudge(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const ended = new Promise<void>((resolve) => this.waiting.push(resolve));
    const cause = activeSpanContext();
    if (cause && this.nudgedBy.length < 8) this.nudgedBy.push(cause);
    if (this.running) {
      this.again = true;
      return ended;
    }
    this.causes = this.nudgedBy;
    this.nudgedBy = [];
    const waiting = this.waiting;
    this.waiting = [];
    // Deliveries are the relay's own work: outside the nudging request's count, log fields and trace.
    this.running = outsideRequestFields(() => detached(() => outsideRequest(() => this.deliverAll())))
      .then((busy) => {
        // Another replica was sending a target's batch: look again soon for what this one wrote meanwhile.
        if (busy && !this.stopped) setTimeout(() => void this.nudge(), 200).unref();
      })
      .catch((e: unknown) => log.error({ err: e, service: this.opts.source }, 'event relay error'))
      .finally(() => {
        this.running = undefined;
        for (const resolve of waiting) resolve();
        if (this.again) {
          this.again = false;
          void this.nudge();
        }
      });
    return ended;
  }

  /** Resolves when nothing is being delivered (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.idle();
    for (const resolve of this.waiting.splice(0)) resolve();
  }

  /** Delivers every target's due events; true when another replica's relay held a target (its events are retried shortly). */
  private async deliverAll(): Promise<boolean> {
    let busy = false;
    for (const [target, url] of Object.entries(this.opts.targets) as [SubgraphName, string][]) {
      for (;;) {
        const sent = await nativeTransaction(this.opts.orm, (client) => this.deliverBatch(client, target, url));
        if (sent === 'busy') busy = true;
        if (sent !== 'more') break;
      }
    }
    return busy;
  }

  /**
   * One batch of a target's events, in one transaction that holds the
   * (source, target) lock from reading the batch to marking it delivered
   * (docs/ARCHITECTURE.md §3): another replica's relay skips the target
   * meanwhile, and takes it over when this one dies (its session ends, the
   * lock goes; its unmarked batch is sent again, first, and the inbox applies it once).
   */
  private async deliverBatch(client: PoolClient, target: SubgraphName, url: string): Promise<'busy' | 'done' | 'more'> {
    await nativeRows(client, outboxHoldLimit, []);
    const [lock] = await nativeRows(client, outboxTargetLock, [target]);
    if (!lock?.locked) return 'busy';
    const rows = await nativeRows(client, outboxPending, [target]);
    // In order: a failed event holds back the later ones of its target.
    if (!rows[0]?.due) return 'done';
    const events: WireEvent[] = rows.map((r) => ({ eventId: r.eventId, type: r.type, source: this.opts.source, payload: r.payload }));
    const body = JSON.stringify({ events });
    try {
      const token = await new SignJWT({ sha: sha(body) })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(this.opts.source)
        .setAudience(target)
        .setExpirationTime('2m')
        .sign(secretKey(this.opts.secret));
      const headers: Record<string, string> = { 'content-type': 'application/json', [EVENT_HEADER]: token };
      // One span per delivery, linked to the requests that nudged the relay; the receiver's handling joins its trace through traceparent.
      await inLinkedSpan(
        `${this.opts.source} relay.deliver ${target}`,
        { 'hub.service': this.opts.source, 'hub.relay.target': target, 'hub.relay.events': rows.length },
        this.causes,
        async () => {
          injectTraceContext((name, value) => (headers[name] = value));
          const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
          if (!res.ok) throw new Error(`HTTP ${res.status}: ${(await res.text()).slice(0, 300)}`);
        },
      );
    } catch (e) {
      const attempts = rows[0].attempts + 1;
      const backoffMs = Math.min(3000, 250 * 2 ** Math.min(attempts, 10));
      await client.query(outboxFailed.text, [rows[0].id, attempts, String((e as Error).message ?? e).slice(0, 500), String(backoffMs)]);
      return 'done';
    }
    await client.query(outboxDelivered.text, [rows.map((r) => r.id)]);
    return rows.length < 100 ? 'done' : 'more';
  }
}

export type ApplyEvent = (em: Db, event: HubEvent, relay: OutboxRelay) => Promise<void>;

/** An arrived event with its payload checked against its type's shape. */
function parseEvent(e: WireEvent): HubEvent {
  return { eventId: e.eventId, source: e.source, ...DomainEvent.parse({ type: e.type, payload: e.payload }) };
}

/**
 * POST /events: verifies the sender, then applies each event in its own
 * transaction together with its inbox row, so a redelivered event changes
 * nothing; a transaction PostgreSQL aborts for a concurrent write runs again
 * (docs/ARCHITECTURE.md, "Lock order"). Answers 200 only when
 * every event is applied or known.
 */
export function eventsRoute(orm: MikroORM, self: SubgraphName, secret: string, apply: ApplyEvent, relay: OutboxRelay): Route {
  return async (req, res) => {
    if (req.method !== 'POST') throw methodNotAllowed('POST', { zh: '请用 POST 发送事件。', en: 'POST events here.' });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req) {
      size += (c as Buffer).length;
      if (size > 10_000_000) throw new HttpError(413, 'PAYLOAD_TOO_LARGE', { zh: '一次投递的事件过多。', en: 'Too many events in one delivery.' });
      chunks.push(c as Buffer);
    }
    const body = Buffer.concat(chunks).toString('utf8');
    const token = req.headers[EVENT_HEADER];
    try {
      if (typeof token !== 'string') throw new Error('missing');
      const { payload } = await jwtVerify(token, secretKey(secret), { audience: self, algorithms: ['HS256'] });
      if (payload.sha !== sha(body)) throw new Error('body does not match');
    } catch {
      throw new HttpError(401, 'UNAUTHENTICATED', { zh: '只接受本枢纽各子图发来的事件。', en: 'Events are accepted only from the hub’s subgraphs.' });
    }
    const { events } = Delivery.parse(JSON.parse(body));
    let applied = 0;
    let duplicates = 0;
    for (const event of events) {
      // Events carry their county; the receiver acts within it (row-level security applies).
      // Applied by the hub itself, not by this request's caller (the change feed's `system:events`).
      const em = scopedEm(orm.em, String(event.payload.countyCode ?? ''), undefined, 'events');
      // Run again when PostgreSQL aborts it for a concurrent write (`retryCollisions`): the inbox row is its first
      // statement, so each run decides afresh whether the event is new, `apply` reads what it decides on inside the
      // transaction and only writes rows (its events to send included), and the counts follow the commit.
      const fresh = await retryCollisions(() =>
        em.transactional(async (tem) => {
          const inserted = await row(tem, inboxInsert, [event.eventId, event.source, event.type]);
          if (!inserted) return false;
          await apply(tem, parseEvent(event), relay);
          return true;
        }),
      );
      if (fresh) applied++;
      else duplicates++;
    }
    relay.nudge();
    sendJson(res, 200, { applied, duplicates });
  };
}
