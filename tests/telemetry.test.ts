import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { tracesWanted, tracingRegistered } from '../platform/telemetry.ts';
import { SUBGRAPHS } from '../platform/settings.ts';
import { callersOf, mutate, reportCase, villagesOf, waitFor, type Stepped } from './helpers/cases.ts';
import { startHub, type TestHub } from './helpers/hub.ts';
import { WRITE_COUNTY } from './setup/global.ts';

/**
 * Traces (docs/ARCHITECTURE.md, "Observability"): the test hub runs the gateway and the three subgraphs in this
 * process over real HTTP, so one tracer provider with an in-memory exporter sees every service's spans. One
 * GraphQL request touching all three subgraphs is one trace: the gateway's request, its fetches, each
 * subgraph's request (joined through the traceparent header) and their SQL statements.
 */
const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
let hub: TestHub;
beforeAll(async () => {
  provider.register();
  tracingRegistered();
  hub = await startHub();
}, 300_000);
afterAll(async () => {
  await hub?.stop();
  await provider.shutdown();
});

const COUNTY = '623021';
const ALL_LEVELS = `query CountyTree { county(code: "${COUNTY}") { name departments { name } townships { name agencies { name } villages { name population { residents } } } } }`;

const byId = (spans: readonly ReadableSpan[]) => new Map(spans.map((s) => [s.spanContext().spanId, s]));

/** The service whose request a span belongs to: the nearest server span above it (or itself). */
function serviceOf(span: ReadableSpan, spans: Map<string, ReadableSpan>): string | undefined {
  for (let s: ReadableSpan | undefined = span; s; s = s.parentSpanContext ? spans.get(s.parentSpanContext.spanId) : undefined) {
    if (s.kind === SpanKind.SERVER) return String(s.attributes['hub.service']);
  }
  return undefined;
}

/** Waits until the spans stop arriving (every span has ended and been exported). */
async function settledSpans(): Promise<ReadableSpan[]> {
  let last = -1;
  for (;;) {
    await new Promise((r) => setTimeout(r, 300));
    const n = exporter.getFinishedSpans().length;
    if (n === last) return exporter.getFinishedSpans();
    last = n;
  }
}

describe('traces', () => {
  it('are off unless the OTEL_* settings ask for an exporter', () => {
    expect(tracesWanted({})).toBe(false);
    expect(tracesWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
    expect(tracesWanted({ OTEL_TRACES_EXPORTER: 'otlp' })).toBe(true);
    expect(tracesWanted({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(false);
    expect(tracesWanted({ OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'otlp' })).toBe(false);
  });

  it('one request touching all three subgraphs is one trace across the gateway, county, township and village, with their SQL', async () => {
    await settledSpans();
    exporter.reset();
    const answer = await hub.query(ALL_LEVELS);
    expect(answer.errors).toBeUndefined();
    const spans = await settledSpans();
    const ids = byId(spans);

    const traceIds = new Set(spans.map((s) => s.spanContext().traceId));
    expect(traceIds.size).toBe(1);

    const root = spans.filter((s) => !s.parentSpanContext);
    expect(root.map((s) => s.name)).toEqual(['gateway POST /graphql']);

    const servers = spans.filter((s) => s.kind === SpanKind.SERVER);
    for (const name of SUBGRAPHS) {
      const mine = servers.filter((s) => s.attributes['hub.service'] === name);
      expect(mine.length, `${name} request spans`).toBeGreaterThanOrEqual(1);
      // Each subgraph request continues the gateway's fetch from it: its parent came in the traceparent header.
      for (const s of mine) {
        const parent = ids.get(s.parentSpanContext!.spanId);
        expect(parent?.name).toBe(`gateway fetch ${name}`);
        expect(parent?.kind).toBe(SpanKind.CLIENT);
      }
      const sql = spans.filter((s) => s.name.startsWith('sql ') && serviceOf(s, ids) === name);
      expect(sql.length, `${name} SQL spans`).toBeGreaterThanOrEqual(1);
      for (const s of sql) expect(s.attributes['db.query.summary']).toBe(s.name.slice(4));
    }
    // Apollo Gateway's own spans (planning, execution) join the same trace.
    expect(spans.some((s) => s.name === 'gateway.plan')).toBe(true);
  }, 120_000);

  it('carries a traceparent sent by the client (a router or an upstream service) into the gateway', async () => {
    await settledSpans();
    exporter.reset();
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const answer = await hub.query(`query Named { county(code: "${COUNTY}") { name } }`, undefined, { traceparent: `00-${traceId}-00f067aa0ba902b7-01` });
    expect(answer.errors).toBeUndefined();
    const spans = await settledSpans();
    expect(spans.length).toBeGreaterThan(0);
    expect(new Set(spans.map((s) => s.spanContext().traceId))).toEqual(new Set([traceId]));
  }, 60_000);

  it('gives each relay delivery a span that the receiving subgraph continues', async () => {
    const [place] = await villagesOf(hub, `${WRITE_COUNTY}105`);
    const callers = await callersOf(hub, place!.code);
    let d = await reportCase(hub, callers.village, { gridCode: place!.grids[0]!, summary: '追踪测试：排水沟纠纷' });
    d = await mutate<Stepped>(hub, callers.village, `acceptDispute(id: "${d.id}", version: ${d.version}) { id version status }`);
    await settledSpans();
    exporter.reset();
    await mutate<Stepped>(hub, callers.village, `escalateDispute(id: "${d.id}", version: ${d.version}, reason: "需乡镇协调") { id version status }`);
    const delivery = await waitFor(
      async () => exporter.getFinishedSpans().find((s) => s.name === 'village relay.deliver township'),
      30_000,
      'a relay delivery span',
    );
    expect(delivery.kind).toBe(SpanKind.CLIENT);
    expect(delivery.attributes['hub.relay.events']).toBeGreaterThanOrEqual(1);
    const spans = await settledSpans();
    const received = spans.find((s) => s.name === 'township POST /events' && s.parentSpanContext?.spanId === delivery.spanContext().spanId);
    expect(received, 'the township /events span, child of the delivery').toBeDefined();
    expect(received!.spanContext().traceId).toBe(delivery.spanContext().traceId);
    // The township's statements applying the event are in the delivery's trace.
    const ids = byId(spans);
    expect(spans.some((s) => s.name.startsWith('sql ') && s.spanContext().traceId === delivery.spanContext().traceId && serviceOf(s, ids) === 'township')).toBe(
      true,
    );
  }, 120_000);
});
