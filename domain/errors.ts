import { GraphQLError } from 'graphql';

/**
 * Every error a caller can act on carries one of these codes in
 * `extensions.code` (docs/ARCHITECTURE.md). Anything else is an internal error and is
 * masked before it leaves a production server.
 */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'CONFLICT'
  | 'INVALID_TRANSITION'
  | 'RATE_LIMITED'
  | 'SUBGRAPH_UNAVAILABLE'
  | 'SERVICE_UNAVAILABLE';

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

/**
 * The refusal of a write sent with a version that is not the record's
 * (optimistic concurrency), as CONFLICT with `currentVersion`. A version
 * behind the record's means someone changed it since the client read it; one
 * ahead of it was never the record's, so the client's copy did not come from
 * this record as it is (a wrong id, or a version made up or kept from
 * elsewhere), and it is told so rather than that someone else changed it.
 * A version below 1 is no record's at all: BAD_USER_INPUT.
 */
export function staleVersion(what: Said, current: number | null | undefined, sent: number): GraphQLError {
  // Versions start at 1: 0 or less was never any record's, so no one changed anything; the client sent a wrong value.
  if (sent < 1) {
    return hubError(
      'BAD_USER_INPUT',
      { zh: `version 应为读到的版本号（从 1 起的整数），收到的是 ${sent}。`, en: `version must be the version you read (a whole number from 1); got ${sent}.` },
      { argument: 'version' },
    );
  }
  const ahead = current != null && sent > current;
  return hubError(
    'CONFLICT',
    ahead
      ? {
          zh: `提交的版本 ${sent} 高于该${what.zh}的当前版本 ${current}，不是读到的版本，请重新读取后再试。`,
          en: `You sent version ${sent}, ahead of the ${what.en}'s version ${current}: not a version you read; read it again and retry.`,
        }
      : {
          zh: `该${what.zh}在您读取后已有新的修改（当前版本 ${current}，提交的版本 ${sent}），请重新读取后再试。`,
          en: `The ${what.en} has changed since you read it (now version ${current}, you sent ${sent}); read it again and retry.`,
        },
    { currentVersion: current ?? null },
  );
}
