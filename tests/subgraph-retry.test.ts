import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shareScope } from '../gateway/src/dedup.ts';
import { subgraphFetcher } from '../gateway/src/fetcher.ts';

/**
 * The gateway's subgraph client sends a query's fetch again when its connection fails before an
 * answer (a subgraph worker that ended takes the requests on its sockets with it), and never a
 * mutation's; it gives up on a subgraph that stays silent. The "subgraph" is a real HTTP server on this machine that drops the connection of
 * the first requests it is told to drop, as a process that ends does.
 */
let server: http.Server;
let url: string;
let drop = 0;
let received = 0;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    received++;
    req.resume();
    req.on('end', () => {
      if (drop > 0) {
        drop--;
        req.socket.destroy();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{"ok":true}}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ ok }"}' };
/** A fetch as the data source makes it: a query's inside the share scope (gateway/src/dedup.ts), a mutation's outside. */
const fetchAs = (fetcher: ReturnType<typeof subgraphFetcher>, kind: 'query' | 'mutation') =>
  kind === 'query' ? shareScope.run('623021\u0000read\u0000\u0000zh', () => fetcher(url, init)) : fetcher(url, init);

describe('retrying subgraph fetches', () => {
  /** One fetch of `kind` to the server, which drops the first `drops` connections: the answer or error, how many requests it received, how many retries the fetcher counted. */
  const fetchWithDrops = async (kind: 'query' | 'mutation', drops: number) => {
    const fetcher = subgraphFetcher({ maxSockets: 4, idleMs: 5_000 });
    drop = drops;
    received = 0;
    const outcome = await fetchAs(fetcher, kind).then(
      async (r) => ({ status: r.status, body: await r.json() }),
      (e: NodeJS.ErrnoException) => ({ code: e.code }),
    );
    drop = 0;
    return { outcome, received, retried: fetcher.retried() };
  };

  it('sends a query again on another socket when its connection is dropped, and counts it', async () => {
    expect(await fetchWithDrops('query', 1)).toEqual({ outcome: { status: 200, body: { data: { ok: true } } }, received: 2, retried: 1 });
  });

  it('gives up after two more tries, with the connection error', async () => {
    expect(await fetchWithDrops('query', 5)).toEqual({ outcome: { code: 'ECONNRESET' }, received: 3, retried: 2 });
  });

  it('never sends a mutation’s fetch twice', async () => {
    expect(await fetchWithDrops('mutation', 1)).toEqual({ outcome: { code: 'ECONNRESET' }, received: 1, retried: 0 });
  });

  it('gives up on a subgraph that stays silent, without sending again', async () => {
    const fetcher = subgraphFetcher({ maxSockets: 4, idleMs: 5_000, silentMs: 300 });
    const silent = http.createServer((req) => {
      received++;
      req.resume();
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    received = 0;
    const started = performance.now();
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/graphql`;
    await expect(shareScope.run('k', () => fetcher(url, init))).rejects.toMatchObject({ code: 'ESILENT' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
    expect(received).toBe(1);
    expect(fetcher.retried()).toBe(0);
    silent.closeAllConnections();
    await new Promise<void>((r) => silent.close(() => r()));
  });

  it('does not send again when the subgraph answered, even with an error status', async () => {
    const fetcher = subgraphFetcher({ maxSockets: 4, idleMs: 5_000 });
    const failing = http.createServer((req, res) => {
      received++;
      req.resume();
      req.on('end', () => res.writeHead(503, { 'content-type': 'application/json' }).end('{"errors":[{"message":"down"}]}'));
    });
    await new Promise<void>((r) => failing.listen(0, '127.0.0.1', r));
    received = 0;
    const r = await shareScope.run('k', () => fetcher(`http://127.0.0.1:${(failing.address() as AddressInfo).port}/graphql`, init));
    expect(r.status).toBe(503);
    expect(received).toBe(1);
    expect(fetcher.retried()).toBe(0);
    await new Promise<void>((r) => failing.close(() => r()));
  });
});
