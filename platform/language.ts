import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import { ENGLISH_EXTENSION, type Said } from '../domain/errors.ts';
import { graphqlMessageZh } from './graphql-messages.ts';

/**
 * The language of the messages a caller reads (docs/ARCHITECTURE.md, Conventions):
 * Chinese unless the request's `Accept-Language` puts English first. Error codes
 * never change with it.
 */
export type Language = 'zh' | 'en';

/**
 * `en` only when the language the header ranks highest (by q, then by order) is
 * English (`en`, `en-US`, ...); `zh` for anything else, an unranked `*` or no header.
 */
export function preferredLanguage(header: string | null | undefined): Language {
  if (!header) return 'zh';
  // Clients send a handful of distinct headers, and the gateway asks at every fetch of a request: each is read once,
  // and the few kept are forgotten together when there are many (any text may come in).
  // Only its first 1,000 characters are read, and kept.
  const read = header.length > 1000 ? header.slice(0, 1000) : header;
  let language = languages.get(read);
  if (language === undefined) {
    if (languages.size >= KEPT_LANGUAGES) languages.clear();
    languages.set(read, (language = readLanguage(read)));
  }
  return language;
}

const KEPT_LANGUAGES = 256;
const languages = new Map<string, Language>();

function readLanguage(header: string): Language {
  let best: { tag: string; q: number } | undefined;
  for (const part of header.split(',')) {
    const [tag = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    if (!tag || tag === '*') continue;
    let q = 1;
    for (const p of params) {
      const m = /^q\s*=\s*(\S*)$/.exec(p);
      if (m) q = /^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(m[1]!) ? Number(m[1]) : 0;
    }
    if (q > 0 && (!best || q > best.q)) best = { tag, q };
  }
  return best && /^en(-|$)/.test(best.tag) ? 'en' : 'zh';
}

/** A GraphQL error's two texts: its message (Chinese) and `extensions.en`, or the message alone for errors that carry no English. */
export function saidOf(error: { message: string; extensions?: Readonly<Record<string, unknown>> }): Said {
  const en = error.extensions?.[ENGLISH_EXTENSION];
  return { zh: error.message, en: typeof en === 'string' ? en : error.message };
}

/**
 * Chinese lead-ins for errors that GraphQL itself or Apollo Server raise (they
 * carry no `extensions.en`): the original English follows, since it names the
 * field, type or argument at fault. Between the two, the common graphql-js
 * refusals are said in Chinese (platform/graphql-messages.ts).
 */
const LEAD_IN: Record<string, string> = {
  GRAPHQL_PARSE_FAILED: '查询语法错误：',
  GRAPHQL_VALIDATION_FAILED: '查询不符合接口定义：',
  BAD_USER_INPUT: '参数无效：',
  BAD_REQUEST: '请求无效：',
  PERSISTED_QUERY_NOT_FOUND: '未找到持久化查询：',
  PERSISTED_QUERY_NOT_SUPPORTED: '本服务不支持持久化查询：',
  OPERATION_RESOLUTION_FAILURE: '无法确定要执行的操作：',
  INVALID_GRAPHQL: '查询参数无效：',
};
const DEFAULT_LEAD_IN = '请求出错：';

/**
 * One error as the caller of `language` reads it: the English text when English
 * is preferred, never `extensions.en`. An error that has no English of its own
 * is either already in the caller's language (a subgraph answered it, marked
 * `serviceName` by the gateway) or GraphQL's or Apollo's English, which a Chinese
 * caller gets behind a Chinese lead-in by code.
 */
export function localizeError(error: GraphQLFormattedError, language: Language): GraphQLFormattedError {
  const { [ENGLISH_EXTENSION]: en, ...extensions } = error.extensions ?? {};
  if (typeof en === 'string') return { ...error, message: language === 'en' ? en : error.message, extensions };
  if (language === 'en' || typeof extensions.serviceName === 'string') return error;
  const code = typeof extensions.code === 'string' ? extensions.code : '';
  const leadIn = LEAD_IN[code] ?? DEFAULT_LEAD_IN;
  if (error.message.startsWith(leadIn)) return error;
  const zh = graphqlMessageZh(error.message, error.locations?.[0]) ?? '';
  return { ...error, message: leadIn + zh + error.message };
}

/**
 * A JSON error body (`{ errors: [...] }`) Apollo Server wrote without running
 * plugins (requests refused before parsing: a missing query, CSRF, batching), in
 * `language`. Anything that is not such a body is returned as it is.
 */
export function localizeErrorBody(text: string, language: Language): string {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return text;
  }
  if (typeof body !== 'object' || body === null || !('errors' in body) || !Array.isArray(body.errors)) return text;
  const errors = (body.errors as GraphQLFormattedError[]).map((e) => localizeError(e, language));
  return JSON.stringify({ ...body, errors });
}

/**
 * Apollo Server plugin: every error of a response leaves in the request's
 * language (`Accept-Language`), without `extensions.en`, and the response says
 * which (`content-language`). The gateway forwards the caller's language to the
 * subgraphs, so their errors arrive already chosen; both run this plugin.
 * An operation run inside the server (`executeOperation` without an HTTP request,
 * e.g. the CSV reports) keeps both texts for its caller to choose.
 */
export function localizeErrors<C extends BaseContext>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart({ request }) {
      const http = request.http;
      if (!http) return;
      const language = preferredLanguage(http.headers.get('accept-language'));
      return {
        async willSendResponse({ response }) {
          response.http.headers.set('content-language', language);
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          if (result.errors?.length) result.errors = result.errors.map((e) => localizeError(e, language));
        },
      };
    },
  };
}
