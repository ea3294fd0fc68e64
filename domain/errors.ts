import { GraphQLError } from 'graphql';

/**
 * Every error a caller can act on carries one of these codes in
 * `extensions.code` (docs/ARCHITECTURE.md). Anything else is an internal error and is
 * masked before it leaves a production server.
 */
export type ErrorCode =
  'BAD_USER_INPUT' | 'NOT_FOUND' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'CONFLICT' | 'INVALID_TRANSITION' | 'SUBGRAPH_UNAVAILABLE' | 'SERVICE_UNAVAILABLE';

/**
 * A message people read, in Chinese (the default) and English (for
 * `Accept-Language: en`). The error's `message` is the Chinese text; the English
 * travels in `extensions.en` until the service that answers the client picks one
 * and drops the other (platform/language.ts).
 */
export interface Said {
  zh: string;
  en: string;
}

/** Where the English text of an error waits until the answering service picks a language. */
export const ENGLISH_EXTENSION = 'en';

/** A value a person typed, as a message quotes it back: cut after 40 characters (a file's cell may hold megabytes). */
export function quote(raw: unknown): string {
  const text = String(raw);
  const chars = [...text.slice(0, 82)];
  return chars.length > 40 ? `${chars.slice(0, 40).join('')}…` : text;
}

/** A typed error; its message only ever in both languages (a plain string does not type-check). */
export function hubError(code: ErrorCode, { zh, en }: Said, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(zh, { extensions: { code, ...extra, [ENGLISH_EXTENSION]: en } });
}

export const badInput = (message: Said, extra: Record<string, unknown> = {}) => hubError('BAD_USER_INPUT', message, extra);
export const notFound = (message: Said, extra: Record<string, unknown> = {}) => hubError('NOT_FOUND', message, extra);
export const conflict = (message: Said, extra: Record<string, unknown> = {}) => hubError('CONFLICT', message, extra);
export const forbidden = (message: Said, extra: Record<string, unknown> = {}) => hubError('FORBIDDEN', message, extra);
