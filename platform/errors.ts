import { GraphQLError } from 'graphql';

/**
 * Every error a caller can act on carries one of these codes in
 * `extensions.code` (docs/ARCHITECTURE.md). Anything else is an internal error and is
 * masked before it leaves a production server.
 */
export type ErrorCode = 'BAD_USER_INPUT' | 'NOT_FOUND' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'CONFLICT' | 'INVALID_TRANSITION' | 'SUBGRAPH_UNAVAILABLE';

export function hubError(code: ErrorCode, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extra } });
}

export const badInput = (message: string, extra: Record<string, unknown> = {}) => hubError('BAD_USER_INPUT', message, extra);
export const notFound = (message: string, extra: Record<string, unknown> = {}) => hubError('NOT_FOUND', message, extra);
export const conflict = (message: string, extra: Record<string, unknown> = {}) => hubError('CONFLICT', message, extra);
export const forbidden = (message: string, extra: Record<string, unknown> = {}) => hubError('FORBIDDEN', message, extra);

const KNOWN_CODES = new Set([
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'CONFLICT',
  'INVALID_TRANSITION',
  'SUBGRAPH_UNAVAILABLE',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
  'DOWNSTREAM_SERVICE_ERROR',
]);

/**
 * Apollo `formatError`: errors with a known code pass through (without stack
 * traces); anything unexpected is logged with a correlation id and, in
 * production, replaced by a generic message carrying that id.
 */
export function makeFormatError(service: string, production: boolean) {
  return (formatted: import('graphql').GraphQLFormattedError, error: unknown) => {
    // A typed error thrown while parsing an argument (e.g. a Date scalar) surfaces as a
    // validation error; keep the typed code so callers can tell bad input apart.
    const original = (error as { originalError?: { extensions?: Record<string, unknown> } } | undefined)?.originalError;
    const originalCode = original?.extensions?.code;
    if (typeof originalCode === 'string' && KNOWN_CODES.has(originalCode) && formatted.extensions?.code === 'GRAPHQL_VALIDATION_FAILED') {
      formatted = { ...formatted, extensions: { ...formatted.extensions, code: originalCode } };
    }
    const code = formatted.extensions?.code;
    const { stacktrace: _drop, ...extensions } = (formatted.extensions ?? {}) as Record<string, unknown>;
    if (typeof code === 'string' && KNOWN_CODES.has(code)) return { ...formatted, extensions };
    const correlationId = crypto.randomUUID();
    console.error(`[${service}] internal error ${correlationId}:`, error);
    if (production) {
      return {
        message: `Internal server error (correlation id ${correlationId}).`,
        path: formatted.path,
        extensions: { code: 'INTERNAL_SERVER_ERROR', correlationId },
      };
    }
    return { ...formatted, extensions: { ...extensions, code: code ?? 'INTERNAL_SERVER_ERROR', correlationId } };
  };
}
