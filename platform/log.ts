import { AsyncLocalStorage } from 'node:async_hooks';
import { pino, type DestinationStream, type Logger } from 'pino';
import { activeTraceId } from './telemetry.ts';

/**
 * Structured logs (docs/ARCHITECTURE.md, "Observability"): one JSON object a
 * line on standard output, with pino. A line written while a request is being
 * answered carries that request's id, the caller's subject, the operation and
 * (when tracing) the trace id. No personal data: fields that could hold it
 * are redacted by name, and free text (messages, error text) has ID numbers,
 * phone numbers and tokens replaced before it is written.
 */

/** What every log line of a request carries; filled in as the request is understood. */
export interface RequestFields {
  service: string;
  requestId?: string;
  subject?: string;
  operation?: string;
}

const scope = new AsyncLocalStorage<RequestFields>();

/** Runs `fn` (a request's handling) with its log fields. */
export function withRequestFields<T>(fields: RequestFields, fn: () => T): T {
  return scope.run(fields, fn);
}

/** Runs background work started from within a request (a relay delivery) without that request's log fields. */
export function outsideRequestFields<T>(fn: () => T): T {
  return scope.exit(fn);
}

/** The log fields of the request being answered, if any (filled in by the request plugin, platform/metrics.ts). */
export function requestFields(): RequestFields | undefined {
  return scope.getStore();
}

/** Field names whose values never reach a log, at the top level or one level down. */
const SENSITIVE = ['authorization', 'cookie', 'token', 'password', 'secret', 'idNumber', 'id_number', 'phone', 'name', 'variables', 'query'];
const REDACT = [...SENSITIVE, ...SENSITIVE.map((k) => `*.${k}`), 'headers["x-hub-router"]', 'headers["x-hub-caller"]'];

const ID_NUMBER = /(?<![0-9])[1-9]\d{5}(?:18|19|20)\d{2}\d{7}[0-9Xx](?![0-9])/g;
const PHONE = /(?<![0-9])1[3-9]\d{9}(?![0-9])/g;
const JWT = /eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g;
const BEARER = /\bBearer\s+\S+/gi;

/** Free text with ID numbers, mobile numbers and tokens replaced. */
export function scrub(text: string): string {
  return text.replace(JWT, '[token]').replace(BEARER, 'Bearer [token]').replace(ID_NUMBER, '[id-number]').replace(PHONE, '[phone]');
}

/**
 * An error as it is logged: its kind, scrubbed message and stack, and its
 * code. Other properties (a PostgreSQL error's `detail` quotes the row's
 * values) are left out.
 */
function serializeError(e: unknown): Record<string, unknown> {
  if (!(e instanceof Error)) return { message: scrub(String(e)) };
  const code = (e as { code?: unknown }).code;
  return { type: e.name, message: scrub(e.message), stack: e.stack ? scrub(e.stack) : undefined, code: typeof code === 'string' ? code : undefined };
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

function build(level: LogLevel, service: string | undefined, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      // The service is named by the mixin: a request's own (several share a test process), else the process's.
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT, censor: '[redacted]' },
      serializers: { err: serializeError, error: serializeError },
      mixin() {
        const f = scope.getStore();
        const traceId = activeTraceId();
        if (!f) return { service, traceId };
        return { service: f.service, requestId: f.requestId, subject: f.subject, operation: f.operation, traceId };
      },
      hooks: {
        logMethod(args, method) {
          for (let i = 0; i < args.length; i++) {
            const a: unknown = args[i];
            if (typeof a === 'string') args[i] = scrub(a);
          }
          method.apply(this, args);
        },
      },
    },
    destination ?? pino.destination({ fd: 1, sync: true }),
  );
}

/**
 * The process's logger. Until a service's entry point configures it (level
 * from HUB_LOG_LEVEL), only warnings and errors are written, so services run
 * inside a test process stay quiet.
 */
export let log: Logger = build('warn', undefined);

/** Sets the level, the service named on lines outside requests, and (tests) where lines go. */
export function configureLogs(opts: { level: LogLevel; service?: string; destination?: DestinationStream }): void {
  log = build(opts.level, opts.service, opts.destination);
}

/** Requests slower than this are logged at info even without errors. */
const SLOW_MS = 1000;

/**
 * The line for one answered request: at info when it carried errors or was
 * slow, else at debug (HUB_LOG_LEVEL=debug logs every request).
 */
export function requestLine(ms: number, errorCodes: readonly string[] | undefined): void {
  if (errorCodes || ms >= SLOW_MS) log.info({ ms: Math.round(ms), errors: errorCodes }, 'request');
  else if (log.isLevelEnabled('debug')) log.debug({ ms: Math.round(ms) }, 'request');
}
