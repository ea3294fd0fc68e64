import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FETCHER } from '../gateway/src/datasource.ts';
import { leadingOperationCount, sharedOperationCount } from '../gateway/src/dedup.ts';
import type { Scope } from '../platform/caller.ts';
import { startHub, type TestHub } from './helpers/hub.ts';

/**
 * In-flight deduplication at the gateway (gateway/src/dedup.ts): identical subgraph fetches of
 * concurrent queries share one fetch, but only between callers of the same jurisdiction and
 * scopes; mutations are never shared, and a caller with `pii` never shares (the audit log).
 */
let hub: TestHub;
beforeAll(async () => {
  hub = await startHub();
}, 300_000);
afterAll(async () => hub?.stop());

const VILLAGE = '623021200201';
const DASHBOARD = `{ village(code: "${VILLAGE}") { name population { residents households } disputeStats(period: "2026") { reported resolved } residents(first: 3) { totalCount nodes { id name } } } }`;

/** Shared work so far in this process: whole queries answered by an identical running one, and subgraph fetches. */
const sharing = () => sharedOperationCount() + FETCHER.shared();

async function villageRequests(): Promise<number> {
  const text = await (await fetch(new URL('/metrics', hub.subgraphs.village.url))).text();
  const line = text.split('\n').find((l) => l.startsWith('hub_graphql_requests_total'));
  const n = Number(line?.split(' ').at(-1));
  if (!Number.isFinite(n)) throw new Error(`no request count in the village subgraph's /metrics:\n${text.slice(0, 2000)}`);
  return n;
}

async function callers(n: number, jurisdiction: string, scopes: Scope[], prefix: string): Promise<string[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => hub.token({ jurisdiction, scopes, subject: `${prefix}-${i}` })));
}

describe('in-flight deduplication', () => {
  it('identical concurrent queries of callers with the same jurisdiction and scopes share subgraph fetches', async () => {
    const tokens = await callers(30, '623021', ['read', 'report'], 'same');
    const sharedBefore = sharing();
    const before = await villageRequests();
    const answers = await Promise.all(tokens.map((t) => hub.queryAs(t, DASHBOARD)));
    const sent = (await villageRequests()) - before;
    for (const a of answers) expect(a.errors).toBeUndefined();
    const first = JSON.stringify(answers[0]!.data);
    expect(answers.every((a) => JSON.stringify(a.data) === first)).toBe(true);
    expect(sharing() - sharedBefore).toBeGreaterThan(0);
    expect(sent).toBeLessThan(30);
    const metrics = await (await fetch(new URL('/metrics', hub.gatewayUrl))).text();
    expect(metrics).toMatch(new RegExp(`^hub_gateway_shared_fetches_total ${FETCHER.shared()}$`, 'm'));
    expect(metrics).toMatch(new RegExp(`^hub_gateway_shared_operations_total ${sharedOperationCount()}$`, 'm'));
  }, 120_000);

  it('identical concurrent queries of one caller get the first one’s very answer, compressed or not', async () => {
    const token = await hub.token({ jurisdiction: '623021', scopes: ['read'], subject: 'same-bytes' });
    const drill = `{ county(code: "623021") { name townships { code name population { residents } villages { code name forces { grids } } } } }`;
    const alone = await hub.queryAs(token, drill);
    expect(alone.errors).toBeUndefined();
    const post = (gzip: boolean) =>
      fetch(hub.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'accept-encoding': gzip ? 'gzip' : 'identity' },
        body: JSON.stringify({ query: drill }),
      });
    const before = sharedOperationCount();
    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => post(i % 2 === 0)));
    // The answer (over 1 kB) goes gzipped to those who accept it, as it is to the others; either way it is the same answer.
    expect(responses.map((r) => r.headers.get('content-encoding') ?? 'none').sort()).toEqual([...Array(10).fill('gzip'), ...Array(10).fill('none')]);
    for (const r of responses) {
      expect(r.status).toBe(200);
      expect(r.headers.get('content-language')).toBe('zh');
      expect(await r.json()).toEqual({ data: alone.data });
    }
    expect(sharedOperationCount()).toBeGreaterThan(before);
  }, 120_000);

  it('counts the errors of a shared answer once for every request it was sent to', async () => {
    const token = await hub.token({ jurisdiction: '623021', scopes: ['read'], subject: 'same-errors' });
    // A slow part (the whole county) beside one that fails in the village subgraph: requests overlap, and each answer has one error.
    const failing = `{ county(code: "623021") { townships { villages { code forces { grids } } } } village(code: "${VILLAGE}") { disputeStats(period: "0000") { reported } } }`;
    const badInputErrors = async () => {
      const text = await (await fetch(new URL('/metrics', hub.gatewayUrl))).text();
      const line = text
        .split('\n')
        .find((l) => l.startsWith('hub_graphql_errors_total{') && l.includes('service="gateway"') && l.includes('code="BAD_USER_INPUT"'));
      return line === undefined ? 0 : Number(line.split(' ').at(-1));
    };
    const before = await badInputErrors();
    const sharedBefore = sharedOperationCount();
    const answers = await Promise.all(Array.from({ length: 20 }, () => hub.queryAs(token, failing)));
    for (const a of answers) expect(a.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(sharedOperationCount()).toBeGreaterThan(sharedBefore);
    expect((await badInputErrors()) - before).toBe(20);
  }, 120_000);

  it('never shares across jurisdictions', async () => {
    const mine = await callers(10, '623021', ['read'], 'mine');
    const other = await callers(10, '623022', ['read'], 'other');
    const all = mine.flatMap((t, i) => [t, other[i]!]);
    const answers = await Promise.all(all.map((t) => hub.queryAs<{ village: { residents: { nodes: { name: string }[] } } | null }>(t, DASHBOARD)));
    answers.forEach((a, i) => {
      if (i % 2 === 0) {
        expect(a.errors).toBeUndefined();
        expect(a.data?.village?.residents.nodes.length).toBe(3);
      } else {
        expect(a.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
        expect(a.data?.village?.residents ?? null).toBeNull();
      }
    });
  }, 120_000);

  it('lets no operation keep its turn once it ended: a report runs several operations for one request, and each releases its own', async () => {
    const reporter = await hub.token({ jurisdiction: '623021', scopes: ['report'], subject: 'report-turns' });
    for (const path of ['/reports/population.csv?within=623021&level=village', '/reports/disputes.csv?within=623021&level=township&period=2026']) {
      const res = await fetch(new URL(path, hub.gatewayUrl), { headers: { authorization: `Bearer ${reporter}` } });
      expect(res.status).toBe(200);
      await res.text();
    }
    await new Promise((done) => setImmediate(done));
    // A turn kept after its operation ended made every later identical query wait 30 s for it (SHARE_WAIT_MS).
    expect(leadingOperationCount()).toBe(0);
    const metrics = await (await fetch(new URL('/metrics', hub.gatewayUrl))).text();
    expect(metrics).toMatch(/^hub_gateway_leading_operations 0$/m);
  }, 120_000);

  it('never shares across scopes', async () => {
    const readers = await callers(10, '623021', ['read'], 'reader');
    const reporters = await callers(10, '623021', ['report'], 'reporter');
    const q = `{ village(code: "${VILLAGE}") { name residents(first: 2) { nodes { name } } } }`;
    const all = readers.flatMap((t, i) => [t, reporters[i]!]);
    const answers = await Promise.all(all.map((t) => hub.queryAs<{ village: { residents: { nodes: { name: string }[] } | null } | null }>(t, q)));
    answers.forEach((a, i) => {
      if (i % 2 === 0) {
        expect(a.errors).toBeUndefined();
        expect(a.data?.village?.residents?.nodes.length).toBe(2);
      } else {
        expect(a.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
        expect(a.data?.village?.residents ?? null).toBeNull();
      }
    });
  }, 120_000);

  it('never shares an unmasked (pii) read between subjects, so each is audited', async () => {
    const tokens = await callers(8, '623021', ['read', 'pii'], 'pii');
    const q = `{ village(code: "${VILLAGE}") { residents(first: 1) { nodes { idNumber } } } }`;
    const sharedBefore = sharing();
    const answers = await Promise.all(tokens.map((t) => hub.queryAs(t, q)));
    for (const a of answers) expect(a.errors).toBeUndefined();
    expect(sharing()).toBe(sharedBefore);
  }, 120_000);

  it('never hands a lookup by ID number (audited whatever the scopes) to another subject: each has its audit entry', async () => {
    const pii = await hub.token({ jurisdiction: '623021', scopes: ['read', 'pii'], subject: 'lookup-setup' });
    const one = await hub.queryAs<{ village: { residents: { nodes: { idNumber: string }[] } } }>(
      pii,
      `{ village(code: "${VILLAGE}") { residents(first: 1) { nodes { idNumber } } } }`,
    );
    const idNumber = one.data!.village.residents.nodes[0]!.idNumber;
    const admin = await hub.token({ jurisdiction: '623021', scopes: ['read', 'admin'], subject: 'lookup-auditor' });
    const entries = async (subject: string) =>
      (await hub.queryAs<{ auditLog: { totalCount: number } }>(admin, `query($s: String) { auditLog(subject: $s) { totalCount } }`, { s: subject })).data!
        .auditLog.totalCount;
    // Five rounds of eight callers of one jurisdiction and scopes (no pii), each sending the same lookup at once.
    const round = Date.now();
    const tokens = await callers(8, '623021', ['read'], `lookup-${round}`);
    const q = `query Lookup($n: String!) { personByIdNumber(idNumber: $n) { name } lookedUp: village(code: "${VILLAGE}") { residents(filter: { idNumber: $n }) { totalCount } } }`;
    for (let r = 0; r < 5; r++) {
      const answers = await Promise.all(tokens.map((t) => hub.queryAs(t, q, { n: idNumber })));
      for (const a of answers) expect(a.errors).toBeUndefined();
    }
    const counts = await Promise.all(tokens.map((_, i) => entries(`lookup-${round}-${i}`)));
    // personByIdNumber and the filtered list are two reads of one request through two paths: two entries a round.
    for (const n of counts) expect(n).toBe(10);
  }, 180_000);

  it('never shares a mutation: identical concurrent writes each happen', async () => {
    const writers = await callers(10, '623021', ['read', 'write'], 'writer');
    const m = `mutation { reportHazard(input: { gridCode: "623021200201001", kind: FIRE, description: "dedup", source: CITIZEN }) { id } }`;
    const sharedBefore = sharing();
    const answers = await Promise.all(writers.map((t) => hub.queryAs<{ reportHazard: { id: string } }>(t, m)));
    for (const a of answers) expect(a.errors).toBeUndefined();
    expect(new Set(answers.map((a) => a.data?.reportHazard.id)).size).toBe(10);
    expect(sharing()).toBe(sharedBefore);
  }, 120_000);
});
