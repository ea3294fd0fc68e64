import type { IncomingHttpHeaders } from 'node:http';
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type SpanContext,
} from '@opentelemetry/api';

/**
 * Traces (docs/ARCHITECTURE.md, "Observability"). Off unless the standard
 * OpenTelemetry settings ask for an exporter (OTEL_TRACES_EXPORTER, or an
 * OTLP endpoint): then each process starts the trace SDK once, exports over
 * OTLP/HTTP (configured by the OTEL_EXPORTER_OTLP_* settings) and the hub's
 * few central places open spans: a service's HTTP request, the gateway's fetch
 * from a subgraph, each named SQL statement, each relay delivery. While off,
 * every helper here is one boolean test and a direct call: no span objects,
 * no context switches.
 */

const TRACER_NAME = 'governance-hub';
let on = false;

/** True when a tracer provider is installed (the SDK from the OTEL_* settings, or a test's). */
export function tracing(): boolean {
  return on;
}

/** Whether the OTEL_* settings ask for traces to be exported. */
export function tracesWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OTEL_SDK_DISABLED === 'true') return false;
  const exporter = env.OTEL_TRACES_EXPORTER?.trim();
  if (exporter) return exporter !== 'none';
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

interface TelemetryHandle {
  shutdown(): Promise<void>;
}

/**
 * Starts the trace SDK for this process when the OTEL_* settings ask for it
 * (service.name defaults to `hub-<service>`; OTEL_SERVICE_NAME and
 * OTEL_RESOURCE_ATTRIBUTES override). The SDK is loaded only then.
 */
export async function startTelemetry(service: string, env: NodeJS.ProcessEnv = process.env): Promise<TelemetryHandle> {
  if (!tracesWanted(env)) return { shutdown: async () => {} };
  const [{ NodeTracerProvider, BatchSpanProcessor, ConsoleSpanExporter }, { OTLPTraceExporter }, { detectResources, envDetector, resourceFromAttributes }] =
    await Promise.all([import('@opentelemetry/sdk-trace-node'), import('@opentelemetry/exporter-trace-otlp-http'), import('@opentelemetry/resources')]);
  const resource = resourceFromAttributes({ 'service.name': `hub-${service}`, 'service.namespace': 'governance-hub' }).merge(
    detectResources({ detectors: [envDetector] }),
  );
  const exporters = (env.OTEL_TRACES_EXPORTER?.trim() || 'otlp')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s && s !== 'none');
  const spanProcessors = exporters.map((name) => new BatchSpanProcessor(name === 'console' ? new ConsoleSpanExporter() : new OTLPTraceExporter()));
  const provider = new NodeTracerProvider({ resource, spanProcessors });
  provider.register();
  on = true;
  // A service stopping on a signal exits when its servers have closed: the spans still batched go out meanwhile.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void provider.forceFlush().catch(() => {}));
  return {
    shutdown: async () => {
      on = false;
      await provider.shutdown();
    },
  };
}

/**
 * Marks tracing on for a provider the caller has registered itself
 * (tests/telemetry.test.ts registers one with an in-memory exporter).
 */
export function tracingRegistered(): void {
  on = true;
}

function tracer() {
  return trace.getTracer(TRACER_NAME);
}

function ended(span: Span, error?: unknown): void {
  if (error !== undefined) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'error' });
  }
  span.end();
}

/** Runs `fn` with `span` active under `parent`, and ends the span when `fn` settles (marked failed if it throws). */
function runIn<T>(span: Span, parent: Context, fn: (span: Span) => Promise<T>): Promise<T> {
  return context.with(trace.setSpan(parent, span), () =>
    fn(span).then(
      (v) => {
        ended(span);
        return v;
      },
      (e: unknown) => {
        ended(span, e);
        throw e;
      },
    ),
  );
}

/**
 * Runs `fn` inside a span, the span active for everything `fn` awaits.
 * Without tracing it just runs `fn`.
 */
export function inSpan<T>(
  name: string,
  attributes: Attributes,
  fn: (span: Span | undefined) => Promise<T>,
  kind: SpanKind = SpanKind.INTERNAL,
  parent?: Context,
): Promise<T> {
  if (!on) return fn(undefined);
  const span = tracer().startSpan(name, { kind, attributes }, parent ?? context.active());
  return runIn(span, parent ?? context.active(), fn);
}

/** Like inSpan, but only under an active span: SQL statements of background polling make no traces of their own. */
export function inChildSpan<T>(name: string, attributes: Attributes, fn: () => Promise<T>): Promise<T> {
  if (!on) return fn();
  const parent = context.active();
  if (!trace.getSpan(parent)) return fn();
  return inSpan(name, attributes, fn, SpanKind.CLIENT, parent);
}

/** A SQL statement's span, only under a request's or delivery's span (the relay's polling makes no traces of its own). */
export function sqlSpan<T>(name: string, run: () => Promise<T>): Promise<T> {
  return inChildSpan(`sql ${name}`, { 'db.system.name': 'postgresql', 'db.query.summary': name }, run);
}

/** A server span for an incoming HTTP request, continuing the caller's trace when it sent `traceparent`. */
export function inServerSpan<T>(name: string, headers: IncomingHttpHeaders, attributes: Attributes, fn: (span: Span | undefined) => Promise<T>): Promise<T> {
  if (!on) return fn(undefined);
  return inSpan(name, attributes, fn, SpanKind.SERVER, propagation.extract(ROOT_CONTEXT, headers));
}

/** A client span for an outgoing call; its `traceparent` goes out in the call's headers. */
export function inClientSpan<T>(name: string, attributes: Attributes, fn: (span: Span | undefined) => Promise<T>): Promise<T> {
  return inSpan(name, attributes, fn, SpanKind.CLIENT);
}

/** The active span's context, to link later work to it (undefined without tracing or outside any span). */
export function activeSpanContext(): SpanContext | undefined {
  if (!on) return undefined;
  return trace.getSpan(context.active())?.spanContext();
}

/** Runs background work started from within a request outside that request's trace. */
export function detached<T>(fn: () => T): T {
  if (!on) return fn();
  return context.with(ROOT_CONTEXT, fn);
}

/** A client span that starts its own trace, linked to the spans that caused it (a relay delivery and the requests that nudged it). */
export function inLinkedSpan<T>(name: string, attributes: Attributes, causes: readonly SpanContext[], fn: (span: Span | undefined) => Promise<T>): Promise<T> {
  if (!on) return fn(undefined);
  const links: Link[] = causes.map((c) => ({ context: c }));
  const span = tracer().startSpan(name, { kind: SpanKind.CLIENT, attributes, links, root: true }, ROOT_CONTEXT);
  return runIn(span, ROOT_CONTEXT, fn);
}

/** Writes the active trace's `traceparent` (and `tracestate`) with `set`; nothing without tracing. */
export function injectTraceContext(set: (name: string, value: string) => void): void {
  if (!on) return;
  propagation.inject(context.active(), undefined, { set: (_carrier, key, value) => set(key, value) });
}

/** The active trace id, for log lines (undefined without tracing). */
export function activeTraceId(): string | undefined {
  if (!on) return undefined;
  const id = trace.getSpan(context.active())?.spanContext().traceId;
  return id && id !== '00000000000000000000000000000000' ? id : undefined;
}

export { SpanKind };
