import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type GraphQLResponse, type TestHub } from './helpers/hub.ts';

interface County {
  county: { name: string; region: { name: string }; townships: { code: string; name: string; villages: { code: string }[] }[] | null };
}

let hub: TestHub;
beforeAll(async () => {
  hub = await startHub();
});
afterAll(() => hub?.stop());

const QUERY = `{ county(code: "623021") { name region { name } townships { code name villages { code } } } }`;

describe('a subgraph going away', () => {
  it('returns partial data with an error naming the missing subgraph, then recovers without restarting the gateway', async () => {
    const before = await hub.query<County>(QUERY);
    expect(before.errors).toBeUndefined();
    expect(before.data!.county.townships).toHaveLength(16);

    await hub.stopSubgraph('township');
    const during = await hub.query<County>(QUERY);
    expect(during.data!.county).toMatchObject({ name: '临潭县', region: { name: '甘南藏族自治州' }, townships: null });
    expect(during.errors).toHaveLength(1);
    expect(during.errors![0]!.extensions!.code).toBe('SUBGRAPH_UNAVAILABLE');
    expect(during.errors![0]!.message).toContain('township');
    const health = await fetch(new URL('/health', hub.gatewayUrl));
    expect(health.status).toBe(503);
    expect(((await health.json()) as { subgraphs: Record<string, string> }).subgraphs.township).toBe('unreachable');
    // Nothing to answer at all (the whole query is the missing subgraph's): 503 with Retry-After, and retryable, so a
    // client that retries on either signal tries again. So does a route the gateway passes to the village subgraph.
    const token = await hub.token({ jurisdiction: '623021', scopes: ['read'] });
    const none = await fetch(hub.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'accept-language': 'en' },
      body: JSON.stringify({ query: `{ township(code: "623021200") { name kind } }` }),
    });
    expect(none.status).toBe(503);
    expect(none.headers.get('retry-after')).toBe('1');
    const noneBody = (await none.json()) as GraphQLResponse<unknown>;
    expect(noneBody.errors![0]!.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', retryable: true, correlationId: expect.any(String) });

    await hub.restartSubgraph('township');
    const after = await hub.query<County>(QUERY);
    expect(after.errors).toBeUndefined();
    expect(after.data).toEqual(before.data);
  });

  it('answers a route passed to a village subgraph that is down with 503, Retry-After and retryable', async () => {
    const token = await hub.token({ jurisdiction: '623021', scopes: ['read'] });
    await hub.stopSubgraph('village');
    try {
      const res = await fetch(new URL('/changes.ndjson?limit=1', hub.gatewayUrl), { headers: { authorization: `Bearer ${token}`, 'accept-language': 'en' } });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      const body = (await res.json()) as GraphQLResponse<unknown>;
      expect(body.errors![0]!.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', retryable: true, correlationId: expect.any(String) });
      // A report the gateway builds from the village's figures says the same.
      const report = await fetch(new URL('/reports/disputes.csv?level=village&within=623021200&period=2026', hub.gatewayUrl), {
        headers: { authorization: `Bearer ${token}`, 'accept-language': 'en' },
      });
      expect(report.status).toBe(503);
      expect(report.headers.get('retry-after')).toBe('1');
      expect(((await report.json()) as GraphQLResponse<unknown>).errors![0]!.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', retryable: true });
    } finally {
      await hub.restartSubgraph('village');
    }
  });

  it('keeps a village query answering its own fields when the township subgraph is down', async () => {
    await hub.stopSubgraph('township');
    try {
      // A village query with partial data: 200, the error naming what is missing, retryable.
      // A township's name travels with its village (Village.township provides it); its kind only the township subgraph knows.
      const named = await hub.query<{ village: { township: { name: string } } }>(`{ village(code: "623021200201") { township { name } } }`);
      expect(named.errors).toBeUndefined();
      expect(named.data!.village.township.name).toBe('术布乡');
      const r = await hub.query<{ village: { name: string; township: { name: string; kind: string } | null; grids: { code: string }[] } }>(
        `{ village(code: "623021200201") { name township { name kind } grids { code } } }`,
      );
      expect(r.data!.village.name).toBe('鹿儿台村村民委员会');
      expect(r.data!.village.grids.length).toBeGreaterThan(0);
      expect(r.data!.village.township).toBeNull();
      expect(r.errors![0]!.extensions!.code).toBe('SUBGRAPH_UNAVAILABLE');
    } finally {
      await hub.restartSubgraph('township');
    }
  });

  it('lets the requests a subgraph is answering finish when it stops, then closes its database pools', async () => {
    const village = hub.subgraphs.village;
    // Unique periods: no figure comes from the statistics cache, so each request takes a while.
    const q = `query($from: Date!) { villages(within: "623021") { code population { residents } disputeStats(from: $from, to: "2026-09-30") { reported } } }`;
    const asked = Array.from({ length: 6 }, (_, i) =>
      hub.fetchSubgraph('village', q, { from: `2025-10-${String(i + 10).padStart(2, '0')}` }).then(
        async (res): Promise<{ ok: boolean; closes?: boolean; cause?: string }> => {
          const r = (await res.json()) as GraphQLResponse<{ villages: unknown[] }>;
          // A request that came on an open connection once the stop began is refused outright, in so many words.
          if (res.status === 503) return { ok: false, cause: String(r.errors?.[0]?.extensions?.code) };
          return { ok: !r.errors && r.data!.villages.length === 147, closes: res.headers.get('connection') === 'close' };
        },
        (e: unknown): { ok: boolean; closes?: boolean; cause?: string } => ({
          ok: false,
          // Refused, reset or closed, depending on how far the connection had come: no answer at all.
          cause: `NETWORK ${String((e as { cause?: { code?: string } }).cause?.code ?? e)}`,
        }),
      ),
    );
    const deadline = Date.now() + 30_000;
    while (village.inFlight() === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1));
    const answering = village.inFlight();
    expect(answering).toBeGreaterThan(0);
    try {
      await hub.stopSubgraph('village');
      const answers = await Promise.all(asked);
      // Those it was answering finished with their data; the rest, not yet begun, found the port or their socket closed
      // (refused, reset or closed, depending on how far the connection had come).
      expect(answers.filter((a) => a.ok).length).toBeGreaterThanOrEqual(answering);
      // And the connections of those still running when the server began to close closed after them, so no further
      // request came on them to a server closing its pools (a few may have finished just before: at least one did not).
      expect(answers.filter((a) => a.ok && a.closes).length).toBeGreaterThan(0);
      // Nothing answered with an error (a statement on a closed pool): what failed never reached a resolver.
      for (const a of answers) if (!a.ok) expect(a.cause).toMatch(/^(SERVICE_UNAVAILABLE$|NETWORK )/);
    } finally {
      await hub.restartSubgraph('village');
    }
  }, 120_000);
});
