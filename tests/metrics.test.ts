import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUBGRAPHS } from '../platform/settings.ts';
import { startHub, type TestHub } from './helpers/hub.ts';
import { callersOf, mutate, reportCase, villagesOf, waitFor, type Stepped } from './helpers/cases.ts';
import { scrape, sample } from './helpers/metrics.ts';
import { WRITE_COUNTY } from './setup/global.ts';

/**
 * Prometheus metrics on every service (docs/ARCHITECTURE.md, "Observability"): /metrics on the gateway and
 * on each subgraph shows latency histograms after a request, errors by code after a bad one, the outbox
 * gauges and the Node process metrics; the bench's counters keep their names.
 */
let hub: TestHub;
beforeAll(async () => {
  hub = await startHub();
}, 300_000);
afterAll(async () => hub?.stop());

const COUNTY = '623021';
const ALL_LEVELS = `query CountyTree { county(code: "${COUNTY}") { name departments { name } townships { name agencies { name } villages { name population { residents } } } } }`;

describe('/metrics', () => {
  it('shows request latency histograms per operation at the gateway, per subgraph for its fetches, and at each subgraph', async () => {
    const answer = await hub.query(ALL_LEVELS);
    expect(answer.errors).toBeUndefined();

    const gateway = await scrape(hub.gatewayUrl);
    expect(gateway).toContain('# TYPE hub_gateway_request_duration_seconds histogram');
    expect(sample(gateway, 'hub_gateway_request_duration_seconds_count{service="gateway",operation="CountyTree"}')).toBeGreaterThanOrEqual(1);
    expect(gateway).toMatch(/hub_gateway_request_duration_seconds_bucket\{le="0\.005",service="gateway",operation="CountyTree"\} \d+/);
    for (const name of SUBGRAPHS) {
      expect(sample(gateway, `hub_gateway_subgraph_fetch_duration_seconds_count{subgraph="${name}"}`)).toBeGreaterThanOrEqual(1);
      expect(gateway).toMatch(new RegExp(`hub_gateway_subgraph_fetch_duration_seconds_bucket\\{le="\\+Inf",subgraph="${name}"\\} [1-9]`));
    }
    expect(sample(gateway, 'hub_graphql_requests_total{service="gateway"}')).toBeGreaterThanOrEqual(1);
    // Node process metrics.
    expect(gateway).toMatch(/^process_cpu_seconds_total \d/m);
    expect(gateway).toMatch(/^nodejs_eventloop_lag_seconds /m);

    for (const name of SUBGRAPHS) {
      const text = await scrape(hub.subgraphs[name].url);
      expect(text).toContain('# TYPE hub_subgraph_request_duration_seconds histogram');
      expect(sample(text, `hub_subgraph_request_duration_seconds_count{service="${name}"}`)).toBeGreaterThanOrEqual(1);
      expect(text).toMatch(new RegExp(`hub_subgraph_request_duration_seconds_bucket\\{le="\\+Inf",service="${name}"\\} [1-9]`));
      // SQL time by statement name, and the counters scripts/bench.ts reads.
      expect(text).toMatch(/hub_sql_duration_seconds_bucket\{le="[^"]+",statement="[\w.:-]+"\} \d+/);
      expect(sample(text, `hub_sql_request_statements_total{service="${name}"}`)).toBeGreaterThan(0);
      expect(sample(text, `hub_sql_statements_total{service="${name}"}`)).toBeGreaterThan(0);
      expect(sample(text, `hub_graphql_requests_total{service="${name}"}`)).toBeGreaterThanOrEqual(1);
      expect(text).toMatch(/^process_resident_memory_bytes \d/m);
    }
  }, 120_000);

  it('counts errors by code: a refused token at the gateway, an invalid query, a jurisdiction refusal', async () => {
    const before = await scrape(hub.gatewayUrl);
    const count = (text: string, code: string) => sample(text, `hub_graphql_errors_total{service="gateway",code="${code}"}`) ?? 0;

    const unauthenticated = await fetch(hub.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer not-a-token' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(unauthenticated.status).toBe(401);
    const invalid = await hub.query('query Broken { county(code: "623021") { noSuchField } }');
    expect(invalid.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const outsider = await hub.token({ jurisdiction: '623022', scopes: ['read'], subject: 'metrics-outsider' });
    const forbidden = await hub.queryAs(outsider, `query Elsewhere { village(code: "623021200201") { name population { residents } } }`);
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const after = await scrape(hub.gatewayUrl);
    expect(count(after, 'UNAUTHENTICATED') - count(before, 'UNAUTHENTICATED')).toBe(1);
    expect(count(after, 'GRAPHQL_VALIDATION_FAILED') - count(before, 'GRAPHQL_VALIDATION_FAILED')).toBe(1);
    expect(count(after, 'FORBIDDEN') - count(before, 'FORBIDDEN')).toBeGreaterThanOrEqual(1);
    // The refusal came from the village subgraph, which counts it too.
    expect(sample(await scrape(hub.subgraphs.village.url), 'hub_graphql_errors_total{service="village",code="FORBIDDEN"}')).toBeGreaterThanOrEqual(1);
  }, 120_000);

  it('counts an error by the code the client is given, not the one it was raised with', async () => {
    const before = await scrape(hub.gatewayUrl);
    const count = (text: string, code: string) => sample(text, `hub_graphql_errors_total{service="gateway",code="${code}"}`) ?? 0;
    // An APQ hash that is not its query's: Apollo raises it with no code, the client is told BAD_REQUEST.
    const apq = await fetch(hub.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await hub.token()}` },
      body: JSON.stringify({ query: '{ __typename }', extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } } }),
    });
    expect(apq.status).toBe(400);
    expect(((await apq.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('BAD_REQUEST');
    const after = await scrape(hub.gatewayUrl);
    expect(count(after, 'BAD_REQUEST') - count(before, 'BAD_REQUEST')).toBe(1);
    expect(count(after, 'INTERNAL_SERVER_ERROR') - count(before, 'INTERNAL_SERVER_ERROR')).toBe(0);

    // A date literal that is no real date, at the subgraph: GraphQL raises it as a validation error, the client is
    // told BAD_USER_INPUT (the Date scalar's own code).
    const village = (text: string, code: string) => sample(text, `hub_graphql_errors_total{service="village",code="${code}"}`) ?? 0;
    const subBefore = await scrape(hub.subgraphs.village.url);
    const date = await hub.querySubgraph('village', '{ village(code: "623021200201") { disputeStats(from: "2026-02-30", to: "2026-03-31") { reported } } }');
    expect(date.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    const subAfter = await scrape(hub.subgraphs.village.url);
    expect(village(subAfter, 'BAD_USER_INPUT') - village(subBefore, 'BAD_USER_INPUT')).toBe(1);
    expect(village(subAfter, 'GRAPHQL_VALIDATION_FAILED') - village(subBefore, 'GRAPHQL_VALIDATION_FAILED')).toBe(0);
  }, 120_000);

  it('shows the outbox depth and relay lag per target, read on each scrape', async () => {
    const village = await scrape(hub.subgraphs.village.url);
    expect(village).toContain('# TYPE hub_outbox_depth gauge');
    expect(village).toMatch(/^hub_outbox_depth\{service="village",target="township"\} \d+$/m);
    expect(village).toMatch(/^hub_outbox_depth\{service="village",target="county"\} \d+$/m);
    expect(village).toMatch(/^hub_relay_lag_seconds\{service="village",target="township"\} [\d.e+-]+$/m);

    // With the township down, an escalation waits in the village outbox: depth 1 or more and a lag that grows; once the
    // township is back the relay delivers it and the depth falls to 0.
    const [place] = await villagesOf(hub, `${WRITE_COUNTY}105`);
    const callers = await callersOf(hub, place!.code);
    await hub.stopSubgraph('township');
    try {
      let d = await reportCase(hub, callers.village, { gridCode: place!.grids[0]!, summary: '指标测试：排水沟纠纷' });
      d = await mutate<Stepped>(hub, callers.village, `acceptDispute(id: "${d.id}", version: ${d.version}) { id version status }`);
      await mutate<Stepped>(hub, callers.village, `escalateDispute(id: "${d.id}", version: ${d.version}, reason: "需乡镇协调") { id version status }`);
      await new Promise((r) => setTimeout(r, 1500));
      const waiting = await scrape(hub.subgraphs.village.url);
      expect(sample(waiting, 'hub_outbox_depth{service="village",target="township"}')).toBeGreaterThanOrEqual(1);
      expect(sample(waiting, 'hub_relay_lag_seconds{service="village",target="township"}')).toBeGreaterThan(1);
    } finally {
      await hub.restartSubgraph('township');
    }
    await waitFor(
      async () => sample(await scrape(hub.subgraphs.village.url), 'hub_outbox_depth{service="village",target="township"}') === 0,
      60_000,
      'the village outbox to drain',
    );
  }, 180_000);

  it('answers /metrics to this machine only when no HUB_METRICS_TOKEN is set', async () => {
    const res = await fetch(new URL('/metrics', hub.gatewayUrl), { headers: { 'x-forwarded-for': '203.0.113.9' } });
    // The peer is the socket's address (loopback here), never a header the client writes.
    expect(res.status).toBe(200);
  });
});
