import type { EntityManager } from '@mikro-orm/postgresql';
import type { Pool, PoolClient } from 'pg';
import { nativeExec } from './bulk.ts';
import { poolSettings, SharedConnections, sendTogether, startPipeline } from './pipeline.ts';
import { isDatabaseUnavailable } from './unavailable.ts';
import {
  activeTurnSender,
  command,
  endingTransaction,
  opensOnFirstStatement,
  runPrepared,
  sendInTransaction,
  failureIn,
  sendsInTurns,
  type PreparedQuery,
  type Sql,
  type SqlParam,
  type TurnSender,
} from './sql.ts';

/**
 * Jurisdiction (辖区) and row-level security (docs/ARCHITECTURE.md). A jurisdiction is
 * a division code of any level: the caller sees that division and everything under
 * it. The whole country is the explicit value `*`, which only an operator setting
 * grants (HUB_NATIONAL_SUBJECTS, checked where caller tokens are verified). Anything
 * else (an empty or unset value) sees nothing: row-level security and these checks
 * fail closed.
 *
 * Every transaction the services run on a caller's or an event's behalf gets its
 * jurisdiction here: `scopedEm` for the ORM (requests, the change feed, event
 * handlers) and `scopeClient` for native connections (exports, imports).
 */

/** The PostgreSQL setting the row-level-security policies read (platform/rls.ts). */
export const JURISDICTION_SETTING = 'hub.jurisdiction';

/** The whole country. */
export const NATIONAL = '*';

const CODE = /^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12}|\d{15})$/;

/** A division code of any level (2, 4, 6, 9, 12 or 15 digits), or `*` for the whole country. */
export function isJurisdiction(value: string): boolean {
  return value === NATIONAL || CODE.test(value);
}

/** True when `code` (of whatever level) lies inside `jurisdiction`; an empty or malformed jurisdiction covers nothing. */
export function covers(jurisdiction: string, code: string): boolean {
  if (jurisdiction === NATIONAL) return true;
  return CODE.test(jurisdiction) && code.startsWith(jurisdiction);
}

/**
 * The prefix every division code under `jurisdiction` starts with, for a
 * `like '<prefix>%'` or a range in SQL: the code itself, or '' for the whole
 * country. Refuses anything that is not a jurisdiction, so an empty or broken
 * value never becomes ''.
 */
export function codePrefix(jurisdiction: string): string {
  return jurisdiction === NATIONAL ? '' : settingValue(jurisdiction);
}

/** The value for `hub.jurisdiction`; refuses anything that is not a jurisdiction, so a bug cannot widen what a transaction sees. */
function settingValue(jurisdiction: string): string {
  if (!isJurisdiction(jurisdiction)) throw new Error(`refusing to scope a transaction to jurisdiction ${JSON.stringify(jurisdiction)}`);
  return jurisdiction;
}

/**
 * Transaction settings naming who acts: the caller's token subject and display
 * name. Triggers that record who changed what read them (a person's history,
 * docs/ARCHITECTURE.md "Life cycle and history"); imports set their own
 * (`hub.import_subject`, `hub.import_actor`).
 */
export const SUBJECT_SETTING = 'hub.subject';
export const ACTOR_SETTING = 'hub.actor';
/**
 * The hub's own job a transaction runs for when no caller acts (the upkeep, the events of the other levels): the
 * change feed names it `system:<job>` (village migration …70ChangeAuthors).
 */
export const JOB_SETTING = 'hub.job';

/** The hub's own jobs, as the change feed names them (`system:upkeep`, `system:events`), and their names for people. */
const HUB_JOBS = { upkeep: '系统（定期维护）', events: '系统（上下级流转）' } as const;
export type HubJob = keyof typeof HUB_JOBS;

/**
 * Reads public tables (no row-level security: the division directory's names
 * and codes of regions, counties, townships, villages and grids, and the
 * village subgraph's per-division figures and their versions, sums with no
 * personal data whose readers check a caller's access to the division first)
 * on a few shared connections of their own beside `db`'s pool (`publicReads`), outside any
 * transaction and with no jurisdiction setting: one round trip, no entity
 * manager. `st` takes `?` parameters as for `rows`, and its rows come back
 * parsed the same way (camelCase keys). Only such tables are read this way; a table with a
 * policy read like this shows no rows at all (fail closed, platform/rls.ts),
 * never another area's.
 */
export async function publicRows<R>(db: EntityManager, st: Sql<R>, params: readonly SqlParam[]): Promise<R[]> {
  const turns = activeTurnSender(db);
  if (turns) return runPrepared(st, params, (q) => turns.send(q, false));
  return sideRows(db, st, params);
}

/**
 * A statement that needs no jurisdiction and is no part of the request's
 * transaction (a counter such as the lookup quota): on the connections
 * `publicRows` reads on, as a transaction of its own, whatever the request
 * is doing. So it neither opens the request's transaction early nor lands in
 * a read-only turn.
 */
export async function sideRows<R>(db: EntityManager, st: Sql<R>, params: readonly SqlParam[]): Promise<R[]> {
  const reads = publicReads(await db.getConnection().getNativeClient());
  // A named statement: each connection parses and plans it once, not on every run.
  return runPrepared(st, params, async (q) => (await reads.query<Record<string, unknown>>(q)).rows);
}

const publicConnections = new WeakMap<Pool, SharedConnections>();

/**
 * The connections `publicRows` reads on: a few of their own beside the ORM's
 * pool (same server and login, never a jurisdiction), shared by every request
 * and pipelined (platform/pipeline.ts), where PostgreSQL keeps one generic
 * plan per named statement (`plan_cache_mode`). Left to choose, it planned the
 * version check and the grid directory anew on every run (three quarters of
 * their time); on the ORM's pool the same setting would also bind the bulk
 * paths' statements to generic plans, which made a seed's ID-number lookup
 * scan for minutes.
 */
function publicReads(orm: Pool): SharedConnections {
  let reads = publicConnections.get(orm);
  if (!reads) {
    reads = new SharedConnections({ ...poolSettings(orm), options: '-c plan_cache_mode=force_generic_plan' }, 3);
    publicConnections.set(orm, reads);
  }
  return reads;
}

/** Closes the connections `publicRows` opened beside `db`'s pool (a service's stop, before its ORM closes). */
export async function endPublicReads(db: EntityManager): Promise<void> {
  const orm = await db.getConnection().getNativeClient();
  const reads = publicConnections.get(orm);
  publicConnections.delete(orm);
  await reads?.end();
}

/**
 * A fresh entity manager whose transactions all run within `jurisdiction`, on behalf of `actor` when given, or else
 * for the hub's `job` when given.
 */
export function scopedEm(em: EntityManager, jurisdiction: string, actor?: { subject: string; name: string }, job?: HubJob): EntityManager {
  const forked = em.fork();
  const variables: Record<string, string> = {
    [JURISDICTION_SETTING]: settingValue(jurisdiction),
    // Only `preparedRows` sends parameters in these transactions (MikroORM writes values into the text), so
    // this binds just the lists that chose a prepared statement to one plan per connection. Left to choose,
    // PostgreSQL planned a village's dispute and patrol lists anew on every run.
    plan_cache_mode: 'force_generic_plan',
  };
  if (actor) {
    // Set in the same statement as the jurisdiction: naming the actor costs no round trip.
    variables[SUBJECT_SETTING] = actor.subject;
    variables[ACTOR_SETTING] = actor.name || actor.subject;
  } else if (job) {
    variables[JOB_SETTING] = job;
    variables[ACTOR_SETTING] = HUB_JOBS[job];
  }
  forked.setSessionContext({ variables });
  jurisdictions.set(forked, variables[JURISDICTION_SETTING]!);
  return forked;
}

/** The jurisdiction of each entity manager `scopedEm` made. */
const jurisdictions = new WeakMap<EntityManager, string>();

interface Waiting {
  q: PreparedQuery;
  resolve: (rows: readonly Record<string, unknown>[]) => void;
  reject: (e: unknown) => void;
}

const TURN_BEGIN = '/* turn.begin */ begin read only';
const TURN_COMMIT = 'commit';
/** The settings of a turn's transaction, as `scopedEm` sets them for a request's (generic plans: see there). */
const TURN_SCOPE = {
  name: 'hub_turn_scope',
  text: `/* turn.scope */ select set_config('${JURISDICTION_SETTING}', $1, true), set_config('plan_cache_mode', 'force_generic_plan', true)`,
};

/**
 * A query request's prepared reads, sent a turn of the event loop at a time
 * (docs/ARCHITECTURE.md, "Round trips"). The reads its resolvers send in one
 * turn go out together when the turn ends: public reads alone to the shared
 * connections; with any read under the jurisdiction, all of them in one
 * write on a connection of the pool, as one read-only transaction that sets
 * the jurisdiction first and commits last (`begin read only`, the settings,
 * the reads, `commit`). The connection is held for that transaction only,
 * never while the request waits for anything else, so a request never holds
 * one connection while waiting for another. Each turn's transaction sees
 * what was committed when each statement starts, as the statements of one
 * read-committed transaction do.
 */
class TurnReads implements TurnSender {
  active = false;
  /** Set once the request's own transaction opens: the turns' reads join it, and no turn takes a connection of its own. */
  private inTransaction = false;
  /** The turns' transactions holding or waiting for a connection of the pool. */
  private readonly groups = new Set<Promise<void>>();
  private readonly em: EntityManager;
  private readonly jurisdiction: string;
  private turn: { scoped: Waiting[]; public: Waiting[] } | undefined;
  private readonly running = new Set<Promise<void>>();

  constructor(em: EntityManager, jurisdiction: string) {
    this.em = em;
    this.jurisdiction = jurisdiction;
  }

  send(q: PreparedQuery, scoped: boolean): Promise<readonly Record<string, unknown>[]> {
    return new Promise((resolve, reject) => {
      if (!this.turn) {
        const turn: { scoped: Waiting[]; public: Waiting[] } = (this.turn = { scoped: [], public: [] });
        const run = new Promise<void>((done) =>
          setImmediate(() => {
            this.turn = undefined;
            // A promise settles once: whatever the turn's transaction did not answer fails with what stopped it.
            this.flush(turn)
              .catch((e: unknown) => {
                for (const w of [...turn.public, ...turn.scoped]) w.reject(e);
              })
              .finally(done);
          }),
        );
        this.running.add(run);
        void run.finally(() => this.running.delete(run));
      }
      (scoped ? this.turn.scoped : this.turn.public).push({ q, resolve, reject });
    });
  }

  /**
   * From now on the turns' reads go in the request's own transaction, which is about to open; resolves once no turn
   * holds or waits for a connection of its own. A request then never holds one connection while it waits for another:
   * with every connection held that way, the requests would wait for each other for good.
   */
  joinTransaction(): Promise<unknown> {
    this.active = false;
    this.inTransaction = true;
    return Promise.all(this.groups);
  }

  /** Waits for the transactions already sent or waiting for the end of their turn. */
  async end(): Promise<void> {
    this.active = false;
    while (this.running.size) await Promise.all(this.running);
  }

  private async flush({ scoped, public: open }: { scoped: Waiting[]; public: Waiting[] }): Promise<void> {
    const pool = await this.em.getConnection().getNativeClient();
    if (!scoped.length || this.inTransaction) {
      for (const w of open)
        publicReads(pool)
          .query<Record<string, unknown>>(w.q)
          .then((r) => w.resolve(r.rows), w.reject);
      for (const w of scoped) {
        sendInTransaction(this.em, w.q).then(
          (rows) => (rows ? w.resolve(rows) : w.reject(new Error("The request's transaction ended before its statement ran."))),
          w.reject,
        );
      }
      return;
    }
    const group = this.group(pool, [...open, ...scoped]);
    this.groups.add(group);
    try {
      await group;
    } finally {
      this.groups.delete(group);
    }
  }

  /** `all` in one write on a connection of the pool, as one read-only transaction that sets the jurisdiction first. */
  private async group(pool: Pool, all: Waiting[]): Promise<void> {
    const client = await pool.connect();
    let broken: Error | undefined;
    const failed = (e: unknown) => {
      if (isDatabaseUnavailable(e)) broken ??= e instanceof Error ? e : new Error(String(e));
    };
    // The reads after a failed one fail for its reason (failureIn): one transaction, `all` its key.
    const cause = (e: unknown) => failureIn(all, e);
    try {
      startPipeline(client);
      await sendTogether(client, () => {
        // Their errors reach every statement after them (an aborted transaction): nothing runs outside the jurisdiction.
        client.query(TURN_BEGIN).catch(failed);
        client.query({ ...TURN_SCOPE, values: [this.jurisdiction] }).catch(failed);
        const reads = all.map((w) =>
          client.query<Record<string, unknown>>(w.q).then(
            (r) => w.resolve(r.rows),
            (e: unknown) => {
              failed(e);
              w.reject(cause(e));
            },
          ),
        );
        return Promise.all([...reads, client.query(TURN_COMMIT).catch(failed)]);
      });
    } finally {
      // A connection that broke, or that is not back outside a transaction, is closed rather than handed out again.
      broken ??= client.getTransactionStatus() === 'I' ? undefined : new Error('The connection is still in a transaction.');
      client.release(broken);
    }
  }
}

/** A read transaction opened by the first statement that needs it (see `beginOnFirstUse`). */
export interface LazyTransaction {
  /** From now on the first statement through the entity manager first opens its transaction; later ones join it. */
  arm(): void;
  /** Commits the transaction if one was opened (rolls it back when the commit fails); statements after it run in their own. */
  end(): Promise<void>;
}

/** The entity manager's methods that send statements (and so need the transaction open before they run). */
const STATEMENT_METHODS = ['find', 'findOne', 'findOneOrFail', 'findAll', 'findAndCount', 'findByCursor', 'count', 'execute'] as const;

/**
 * Lets a request's reads share one transaction (one begin and jurisdiction
 * setting for all of them) without paying for it when none needs it: a query
 * that reads only public tables (`publicRows`) or nothing at all
 * opens none. Every statement through `em` still runs with the jurisdiction
 * set: inside this transaction once armed, otherwise in MikroORM's own
 * per-statement transaction that sets it (fail closed either way). While
 * armed, its prepared reads go a turn at a time instead (`TurnReads`, for an
 * entity manager from `scopedEm`); `end` waits for those already sent.
 * `isUnavailable`: a begin that fails this way is left to the statement itself, which then answers SERVICE_UNAVAILABLE.
 */
export function beginOnFirstUse(em: EntityManager, isUnavailable: (e: unknown) => boolean): LazyTransaction {
  const jurisdiction = jurisdictions.get(em);
  const turns = jurisdiction === undefined ? undefined : new TurnReads(em, jurisdiction);
  if (turns) sendsInTurns(em, turns);
  let armed = false;
  let open = false;
  let begun: Promise<void> | undefined;
  const begin = () =>
    (begun ??= (async () => {
      await turns?.joinTransaction();
      return em.begin();
    })().then(
      () => {
        open = true;
      },
      (e: unknown) => {
        if (!isUnavailable(e)) throw e;
      },
    ));
  opensOnFirstStatement(em, async () => {
    if (armed) await begin();
  });
  for (const method of STATEMENT_METHODS) {
    const original: unknown = Reflect.get(em, method);
    if (typeof original !== 'function') continue;
    // An own property on this one fork shadows the prototype's method; `this` stays the fork (its private state intact).
    Object.defineProperty(em, method, {
      configurable: true,
      writable: true,
      value: async (...args: unknown[]): Promise<unknown> => {
        if (armed) await begin();
        return Reflect.apply(original, em, args) as unknown;
      },
    });
  }
  return {
    arm() {
      armed = true;
      if (turns) turns.active = true;
    },
    async end() {
      armed = false;
      await turns?.end();
      endingTransaction(em);
      if (begun) await begun.catch(() => {});
      if (!open) return;
      open = false;
      await em.commit().catch(async () => em.rollback().catch(() => {}));
    },
  };
}

const scope = command('jurisdiction.scope', `select set_config('hub.jurisdiction', $1, true)`);
const scopeWith = command('jurisdiction.scopeWith', `select set_config('hub.jurisdiction', $1, true), set_config($2, $3, true), set_config($4, $5, true)`);

/**
 * Scopes the open transaction of a native connection to `jurisdiction` (settings
 * last until the transaction ends). `also` sets up to two more transaction
 * settings in the same statement (e.g. who imports, for audit triggers).
 */
export async function scopeClient(client: PoolClient, jurisdiction: string, also?: readonly [[string, string], [string, string]]): Promise<void> {
  const value = settingValue(jurisdiction);
  if (also) await nativeExec(client, scopeWith, [value, also[0][0], also[0][1], also[1][0], also[1][1]]);
  else await nativeExec(client, scope, [value]);
}
