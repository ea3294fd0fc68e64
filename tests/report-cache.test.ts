import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chinaDay } from '../domain/china-day.ts';
import { callersOf, escalateToTownship, mutate } from './helpers/cases.ts';
import { startHub, type GraphQLResponse, type TestHub } from './helpers/hub.ts';

/**
 * The gateway's whole-response cache for report-only callers (gateway/src/report-cache.ts):
 * it serves their repeated statistics queries again for a short while, and nobody else's.
 */
let hub: TestHub;
beforeAll(async () => {
  hub = await startHub();
});
afterAll(async () => {
  await hub?.stop();
});

const STATS = `{ county(code: "623021") { name townships { code population { residents } disputeStats(from: "2026-01-01", to: "2026-12-31") { reported } } } }`;
type Stats = { county: { name: string; townships: { code: string; population: { residents: number }; disputeStats: { reported: number } }[] } };
const reported = (r: GraphQLResponse<Stats>) => r.data!.county.townships.reduce((n, t) => n + t.disputeStats.reported, 0);

describe('report cache', () => {
  it('serves a report-only caller its answer again, never a caller with other scopes, and never a failed answer', async () => {
    const report = await hub.token({ jurisdiction: '623021', scopes: ['report'], subject: 'province-report-tool' });
    const reader = await hub.token({ jurisdiction: '623021', scopes: ['read', 'write', 'report'], subject: 'county-desk' });

    const first = await hub.queryAs<Stats>(report, STATS);
    expect(first.errors).toBeUndefined();
    expect(first.extensions?.cache).toBeUndefined();
    const again = await hub.queryAs(report, STATS);
    expect(again.extensions?.cache).toEqual({ ageSeconds: expect.any(Number) });
    expect(again.data).toEqual(first.data);

    // A report file says how old its cached figures are.
    const file = async () => {
      const res = await fetch(new URL(`/reports/disputes.csv?within=623021&level=township&period=2026`, new URL(hub.gatewayUrl).origin), {
        headers: { authorization: `Bearer ${report}` },
      });
      expect(res.status).toBe(200);
      await res.text();
      return res.headers.get('age');
    };
    expect(await file()).toBeNull();
    expect(Number(await file())).toBeGreaterThanOrEqual(0);

    // A new case through this gateway: every caller sees it in the very next read, the report caller too (the write
    // empties the cache).
    const before = reported(await hub.queryAs<Stats>(reader, STATS));
    const r = await hub.queryAs(
      reader,
      `mutation { reportDispute(idempotencyKey: "cache-test-1", input: { gridCode: "623021200201001", category: NEIGHBOUR, scale: ORDINARY, source: HOTLINE, summary: "缓存测试", parties: [{ name: "甲", role: APPLICANT }] }) { id } }`,
    );
    expect(r.errors).toBeUndefined();
    const fresh = await hub.queryAs<Stats>(reader, STATS);
    expect(fresh.extensions?.cache).toBeUndefined();
    expect(reported(fresh)).toBe(before + 1);
    const reportedNow = await hub.queryAs<Stats>(report, STATS);
    expect(reportedNow.extensions?.cache).toBeUndefined();
    expect(reported(reportedNow)).toBe(before + 1);
    expect(await file()).toBeNull();
    // A query changes nothing: the answer is served from the cache again.
    expect((await hub.queryAs(report, STATS)).extensions?.cache).toEqual({ ageSeconds: expect.any(Number) });

    // Another jurisdiction's report caller gets its own answer, not this one.
    const other = await hub.token({ jurisdiction: '623022', scopes: ['report'] });
    const theirs = await hub.queryAs(other, STATS);
    expect(theirs.extensions?.cache).toBeUndefined();
    expect(theirs.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // Answers with errors are not kept.
    expect((await hub.queryAs(other, STATS)).extensions?.cache).toBeUndefined();
  }, 30_000);
});

describe('report cache after a step at another level', () => {
  it('has a township’s step in the very next report: the step is on the village’s record before its mutation answers', async () => {
    const village = '623021200202';
    const callers = await callersOf(hub, village);
    const report = await hub.token({ jurisdiction: '623021', scopes: ['report'], subject: 'province-report-tool' });
    const today = chinaDay();
    const figures = `{ village(code: "${village}") { disputeStats(from: "${today}", to: "${today}") { resolved resolvedAtTownship open } } }`;
    type Figures = { village: { disputeStats: { resolved: number; resolvedAtTownship: number; open: number } } };
    const { id, township } = await escalateToTownship(hub, callers, { gridCode: `${village}001`, category: 'NEIGHBOUR', summary: '报表缓存跨级测试' });
    const accepted = await mutate<{ version: number }>(
      hub,
      callers.township,
      `acceptTownshipCase(disputeId: "${id}", version: ${township.version}) { version }`,
    );
    const before = await hub.queryAs<Figures>(report, figures);
    expect(before.errors).toBeUndefined();
    // Kept: the resolve below must replace it, not wait out the cache's seconds.
    expect((await hub.queryAs(report, figures)).extensions?.cache).toEqual({ ageSeconds: expect.any(Number) });
    const assigned = await mutate<{ version: number }>(
      hub,
      callers.township,
      `assignTownshipCase(disputeId: "${id}", version: ${accepted.version}, assignee: "司法所") { version }`,
    );
    await mutate(hub, callers.township, `resolveTownshipCase(disputeId: "${id}", version: ${assigned.version}, outcome: AGREEMENT) { status }`);
    // The township's step reaches the village's record through an event; a report asked at once must already count it.
    const after = await hub.queryAs<Figures>(report, figures);
    expect(after.extensions?.cache).toBeUndefined();
    const b = before.data!.village.disputeStats;
    expect(after.data!.village.disputeStats).toEqual({ resolved: b.resolved + 1, resolvedAtTownship: b.resolvedAtTownship + 1, open: b.open - 1 });
  }, 60_000);
});

describe('compression at the gateway', () => {
  it('compresses a large answer for a client that accepts it (zstd before gzip), and only then', async () => {
    const reader = await hub.token({ jurisdiction: '623021', scopes: ['read'] });
    const { request } = await import('node:http');
    const { gunzipSync, zstdDecompressSync } = await import('node:zlib');
    // The county's townships with their villages: about 12 kB.
    const DRILL = `{ county(code: "623021") { name townships { code name population { residents } villages { code name } } } }`;
    const raw = (acceptEncoding?: string) =>
      new Promise<{ headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
        const req = request(
          hub.gatewayUrl,
          {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              authorization: `Bearer ${reader}`,
              ...(acceptEncoding ? { 'accept-encoding': acceptEncoding } : {}),
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
          },
        );
        req.on('error', reject);
        req.end(JSON.stringify({ query: DRILL }));
      });
    const plain = await raw();
    expect(plain.headers['content-encoding']).toBeUndefined();
    const zipped = await raw('gzip, deflate, br');
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.body.length).toBeLessThan(plain.body.length / 2);
    expect(JSON.parse(gunzipSync(zipped.body).toString('utf8'))).toEqual(JSON.parse(plain.body.toString('utf8')));
    // A client offering zstd (as browsers do) gets it, the same answer, smaller than gzip's.
    const zstd = await raw('gzip, deflate, br, zstd');
    expect(zstd.headers['content-encoding']).toBe('zstd');
    expect(zstd.body.length).toBeLessThan(zipped.body.length);
    expect(JSON.parse(zstdDecompressSync(zstd.body).toString('utf8'))).toEqual(JSON.parse(plain.body.toString('utf8')));
    // A coding refused with q=0 is not used, whatever else is offered.
    expect((await raw('zstd;q=0, gzip')).headers['content-encoding']).toBe('gzip');
    expect((await raw('zstd;q=0, gzip;q=0')).headers['content-encoding']).toBeUndefined();
    // A small answer is sent as it is: the county's name, and the figures of its 16 townships (1.4 kB), which take
    // one or two packets compressed or not (COMPRESS_FROM_BYTES).
    const small = (query: string) =>
      new Promise<Record<string, unknown>>((resolve, reject) => {
        const req = request(
          hub.gatewayUrl,
          { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${reader}`, 'accept-encoding': 'gzip' } },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.headers));
          },
        );
        req.on('error', reject);
        req.end(JSON.stringify({ query }));
      });
    expect((await small('{ county(code: "623021") { name } }'))['content-encoding']).toBeUndefined();
    expect((await small(STATS))['content-encoding']).toBeUndefined();
  }, 30_000);
});
