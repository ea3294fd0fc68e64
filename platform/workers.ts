import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import { log } from './log.ts';

/**
 * Several processes of one service on its port (docs/ARCHITECTURE.md,
 * "Worker processes"), with node:cluster: the primary forks the workers,
 * which each listen on the service's port (SO_REUSEPORT, platform/http.ts),
 * the kernel spreading new connections over them; each worker is the whole
 * service (its own plan and statistics caches, its own database pool). The
 * JavaScript of a service runs on one thread, so a service that keeps its
 * core busy (the village subgraph under county drill-downs) can use more
 * cores this way on a machine that has them to spare.
 *
 * The primary replaces a worker that ends while the service runs; when
 * workers keep ending before they serve (a database that does not answer, a
 * port in use), it exits itself, and `npm start`'s supervisor restarts the
 * service with backoff. A stop (SIGTERM, SIGINT) reaches every worker, which
 * finishes the requests it is answering; the primary exits after the last.
 * A primary killed outright takes its workers with it: a worker ends when it
 * loses its primary (node:cluster).
 *
 * A scrape of /metrics reaches one worker, which asks the primary for every
 * worker's figures added up (prom-client's AggregatorRegistry).
 */
export async function serveInWorkers(name: string, workers: number, serve: () => Promise<{ stop(): Promise<void> }>): Promise<void> {
  if (workers <= 1 || cluster.isWorker) {
    const running = await serve();
    exitOnSignal(name, running.stop);
    // Workers listen on their own sockets, so the primary hears of no 'listening': they say so themselves.
    if (cluster.isWorker) process.send?.({ type: SERVING });
    return;
  }
  primary(name, workers);
}

/** This many workers in a row that end before they say they serve stop the primary (the supervisor's backoff takes over). */
const MAX_FAILED_STARTS = 3;
/** How long a stop waits for the workers to finish before it kills them. */
const STOP_WAIT_MS = 20_000;

function primary(name: string, workers: number): void {
  const aggregator = new AggregatorRegistry();
  let stopping = false;
  let failedStarts = 0;
  const served = new WeakSet<Worker>();
  for (let i = 0; i < workers; i++) cluster.fork();

  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    if (!served.has(worker) && ++failedStarts >= MAX_FAILED_STARTS) {
      log.error({ service: name, worker: worker.process.pid, code, signal }, 'workers keep ending before they serve; stopping');
      void stop(1);
      return;
    }
    log.error({ service: name, worker: worker.process.pid, code, signal }, 'worker ended; starting another');
    cluster.fork();
  });
  cluster.on('message', (worker, message: unknown) => {
    if (isMessage<{ type: typeof SERVING }>(message, SERVING)) {
      served.add(worker);
      failedStarts = 0;
      return;
    }
    if (!isMessage<MetricsRequest>(message, METRICS_REQUEST)) return;
    // The asking worker may have ended meanwhile: nothing to answer then.
    const reply = (r: MetricsReply) => worker.isConnected() && worker.send(r);
    aggregator
      .clusterMetrics()
      .then((text) => reply({ type: METRICS_REPLY, id: message.id, text }))
      .catch((e: unknown) => reply({ type: METRICS_REPLY, id: message.id, error: (e as Error).message }));
  });
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    const all = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    const ended = all.map((w) => new Promise<void>((done) => (w.isDead() ? done() : w.once('exit', () => done()))));
    for (const w of all) w.process.kill('SIGTERM');
    const timer = setTimeout(() => {
      for (const w of all) if (!w.isDead()) w.process.kill('SIGKILL');
    }, STOP_WAIT_MS);
    await Promise.all(ended);
    clearTimeout(timer);
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop(0));
}

/** Stops `stop` on SIGINT/SIGTERM, then exits; for service entry points (and each worker). */
export function exitOnSignal(name: string, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) return;
    stopping = true;
    stop()
      .then(() => process.exit(0))
      .catch((e: unknown) => {
        log.error({ err: e, service: name, signal }, 'error while stopping');
        process.exit(1);
      });
  };
  process.on('SIGINT', () => handler('SIGINT'));
  process.on('SIGTERM', () => handler('SIGTERM'));
}

const SERVING = 'hub:serving';
const METRICS_REQUEST = 'hub:metrics-request';
const METRICS_REPLY = 'hub:metrics-reply';
interface MetricsRequest {
  type: typeof METRICS_REQUEST;
  id: string;
}
interface MetricsReply {
  type: typeof METRICS_REPLY;
  id: string;
  text?: string;
  error?: string;
}
/** Whether an IPC message between primary and workers is one of `type`. */
const isMessage = <M extends { type: string }>(m: unknown, type: M['type']): m is M =>
  typeof m === 'object' && m !== null && (m as { type?: unknown }).type === type;

let asked = 0;

/** In a worker: every worker's metrics added up, from the primary (undefined when this process is not a worker). */
export function clusterMetrics(): Promise<string> | undefined {
  if (!cluster.isWorker || !process.send) return undefined;
  const id = `${process.pid}:${++asked}`;
  return new Promise((resolve, reject) => {
    const onMessage = (m: unknown) => {
      if (!isMessage<MetricsReply>(m, METRICS_REPLY) || m.id !== id) return;
      clearTimeout(timer);
      process.off('message', onMessage);
      if (m.text !== undefined) resolve(m.text);
      else reject(new Error(m.error ?? 'no metrics'));
    };
    const timer = setTimeout(() => {
      process.off('message', onMessage);
      reject(new Error('the primary did not answer'));
    }, 10_000);
    process.on('message', onMessage);
    process.send!({ type: METRICS_REQUEST, id } satisfies MetricsRequest);
  });
}
