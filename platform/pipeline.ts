import pg from 'pg';

/**
 * Pipelining on `pg` connections (docs/ARCHITECTURE.md, "Round trips"). On
 * this machine a statement's cost was mostly its round trip, not its work:
 * the write that sends it and the wake-up of the server process that reads
 * it, in both processes. pg's pipeline mode sends a statement without waiting
 * for the answers before it; `corkTurn` then gathers everything a connection
 * is given in one turn of the event loop into one write. The server answers
 * in order, each statement with its own result or error.
 */

/** The parts of pg's client that pipelining reads and sets (pg 8.23: `pipeline` is a client option, read at every send). */
interface ClientInternals {
  pipeline: boolean;
  _sentQueryQueue: unknown[];
  _queryQueue: unknown[];
  _activeQuery: unknown;
  connection: { stream: { cork(): void; uncork(): void } };
  /** Whether the open socket keeps the process running. */
  ref(): void;
  unref(): void;
}

/**
 * The settings a pool connects with, for a connection of its own beside it. pg keeps the password out of the options'
 * enumerable keys (out of stack traces), so spreading them alone would drop it.
 */
export function poolSettings(pool: pg.Pool): pg.ClientConfig {
  return { ...pool.options, password: pool.options.password };
}

const internals = (client: pg.Client) => client as unknown as ClientInternals;

/** True when `client` sends statements without waiting for the answers before them. */
export function isPipelined(client: pg.Client): boolean {
  return internals(client).pipeline;
}

/** Pooled clients `startPipeline` turned to pipelining (the shared connections below are pipelined for good). */
const turned = new WeakSet<pg.Client>();

/** Statements sent on `client` from now on go out without waiting for earlier answers (pg answers them in order). */
export function startPipeline(client: pg.Client): void {
  internals(client).pipeline = true;
  turned.add(client);
}

/**
 * Back to one statement at a time, once nothing is waiting on `client`:
 * pg's other users (COPY above all) need the client to themselves. A client
 * still answering stays pipelined; the pool's next checkout tries again.
 */
export function endPipeline(client: pg.Client): void {
  const c = internals(client);
  if (turned.has(client) && pending(client) === 0) {
    c.pipeline = false;
    turned.delete(client);
  }
}

/** Statements waiting for an answer on `client` (pg moves the one being answered out of its queues). */
function pending(client: pg.Client): number {
  const c = internals(client);
  return c._sentQueryQueue.length + c._queryQueue.length + (c._activeQuery ? 1 : 0);
}

const corked = new WeakSet<object>();
let together = 0;

/** Holds `client`'s writes until this turn of the event loop ends, so the statements of one turn go out in one write. */
export function corkTurn(client: pg.Client): void {
  if (together) return;
  const stream = internals(client).connection.stream;
  if (corked.has(stream)) return;
  corked.add(stream);
  stream.cork();
  setImmediate(() => {
    corked.delete(stream);
    stream.uncork();
  });
}

/** Runs `send`, which gives `client` statements, and sends them all in one write as it returns. */
export function sendTogether<T>(client: pg.Client, send: () => T): T {
  const stream = internals(client).connection.stream;
  stream.cork();
  together++;
  try {
    return send();
  } finally {
    together--;
    stream.uncork();
  }
}

/**
 * A few pipelined connections shared by every request of a process, for
 * statements that need no transaction and no setting of their own (public
 * reads, platform/jurisdiction.ts): each runs alone (its own sync), so one
 * failing fails no other. A statement joins the connection whose write of
 * this turn is still being gathered, or goes to an idle one, or opens one
 * while fewer than `size` are open, or else joins the one with the least
 * waiting. A connection that breaks is dropped; the next statement opens
 * another. Open connections hold the process only while a statement waits.
 */
export class SharedConnections {
  private readonly open: (pg.Client | undefined)[];
  private readonly opening: (Promise<pg.Client> | undefined)[];
  private readonly config: pg.ClientConfig;
  private closed = false;

  constructor(config: pg.ClientConfig, size: number) {
    this.config = config;
    this.open = new Array<pg.Client | undefined>(size).fill(undefined);
    this.opening = new Array<Promise<pg.Client> | undefined>(size).fill(undefined);
  }

  async query<R extends pg.QueryResultRow>(q: pg.QueryConfig): Promise<pg.QueryResult<R>> {
    if (this.closed) throw new Error('The shared connections are closed.');
    const client = await this.pick();
    corkTurn(client);
    internals(client).ref();
    try {
      return await client.query<R>(q);
    } catch (e) {
      // A prepared statement the connection lost (26000) stays lost on a connection that lives for good: start afresh.
      if ((e as { code?: unknown }).code === '26000') void client.end().catch(() => {});
      throw e;
    } finally {
      if (pending(client) === 0) internals(client).unref();
    }
  }

  /** Closes every connection (a service's stop); statements already sent finish first. */
  async end(): Promise<void> {
    this.closed = true;
    const all = await Promise.all(this.opening.map((p) => p?.catch(() => undefined)));
    await Promise.all(all.map((c) => c?.end().catch(() => {})));
  }

  private async pick(): Promise<pg.Client> {
    let best: pg.Client | undefined;
    let idle: pg.Client | undefined;
    let free = -1;
    for (let i = 0; i < this.open.length; i++) {
      const c = this.open[i];
      if (c === undefined) {
        if (free < 0 && this.opening[i] === undefined) free = i;
        continue;
      }
      // One whose write of this turn has not gone out yet: joining it costs no write of its own.
      if (corked.has(internals(c).connection.stream)) return c;
      if (pending(c) === 0) idle ??= c;
      else if (!best || pending(c) < pending(best)) best = c;
    }
    if (idle) return idle;
    if (free >= 0) return this.connect(free);
    if (best) return best;
    // Every connection is still opening: wait for one of them.
    return Promise.any(this.opening.filter((p): p is Promise<pg.Client> => p !== undefined)).catch((e: unknown) => {
      throw e instanceof AggregateError ? e.errors[0] : e;
    });
  }

  private connect(slot: number): Promise<pg.Client> {
    const client = new pg.Client({ ...this.config, pipeline: true } as pg.ClientConfig);
    const drop = () => {
      if (this.open[slot] === client) this.open[slot] = undefined;
      if (this.opening[slot] === opened) this.opening[slot] = undefined;
    };
    // A connection that breaks (a restarted server) fails what it was answering; later statements open another.
    client.on('error', drop);
    client.on('end', drop);
    const opened = client.connect().then(
      () => {
        if (this.closed) {
          void client.end().catch(() => {});
          throw new Error('The shared connections are closed.');
        }
        this.open[slot] = client;
        internals(client).unref();
        return client;
      },
      (e: unknown) => {
        drop();
        throw e;
      },
    );
    this.opening[slot] = opened;
    return opened;
  }
}
