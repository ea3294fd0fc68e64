import { GraphQLError } from 'graphql';
import { ENGLISH_EXTENSION } from '../domain/errors.ts';
import { databaseTrouble } from './unavailable.ts';
import { log } from './log.ts';
import { argumentLabel, fieldOf, namedInChinese, type ArgumentLabel } from './argument-labels.ts';

const KNOWN_CODES = new Set([
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'CONFLICT',
  'INVALID_TRANSITION',
  'RATE_LIMITED',
  'SUBGRAPH_UNAVAILABLE',
  'SERVICE_UNAVAILABLE',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
  'DOWNSTREAM_SERVICE_ERROR',
]);

/**
 * A hub error GraphQL wrapped while coercing an argument or variable reads
 * "Expected value of type …; <our Chinese text>": the Chinese message becomes
 * ours alone (it names the value), and GraphQL's English lead-in moves to the
 * English text, in front of ours.
 */
function asOwnMessage(formatted: import('graphql').GraphQLFormattedError, error: unknown): import('graphql').GraphQLFormattedError {
  let own: GraphQLError | undefined;
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    if (e instanceof GraphQLError && typeof e.extensions[ENGLISH_EXTENSION] === 'string') own = e;
    e = e instanceof Error && 'originalError' in e ? e.originalError : undefined;
  }
  if (!own || formatted.message === own.message || !formatted.message.endsWith(own.message)) return formatted;
  const leadIn = formatted.message.slice(0, -own.message.length);
  return {
    ...formatted,
    message: own.message,
    extensions: { ...formatted.extensions, [ENGLISH_EXTENSION]: `${leadIn}${String(own.extensions[ENGLISH_EXTENSION])}` },
  };
}

/** What each graphql-armor limit counts, as its refusal names it. */
const LIMITS: Record<string, { zh: string; en: string }> = {
  'Query depth': { zh: '查询嵌套深度', en: 'Query depth' },
  Aliases: { zh: '别名数量', en: 'Alias count' },
  Directives: { zh: '指令数量', en: 'Directive count' },
  Token: { zh: '词法单元数量', en: 'Token count' },
};

/**
 * graphql-armor refuses a query over one of the gateway's limits with an
 * English "Syntax Error: … limit of N exceeded, found M" under
 * BAD_USER_INPUT; it is neither a syntax error nor an argument's fault, so it
 * becomes a validation refusal that names the limit, in both languages.
 */
function asLimitRefusal(formatted: import('graphql').GraphQLFormattedError): import('graphql').GraphQLFormattedError {
  // graphql-js stops checking that same-named fields can merge once the work exceeds its budget (a query repeating
  // a field hundreds of times) and says only "Validation aborted.".
  if (formatted.message === 'Validation aborted.' || formatted.message.endsWith('：Validation aborted.')) {
    return {
      ...formatted,
      message: '查询重复同一字段的次数过多，检查它们能否合并的工作超过上限，校验已中止；请去掉重复的字段。',
      extensions: {
        ...formatted.extensions,
        code: 'GRAPHQL_VALIDATION_FAILED',
        [ENGLISH_EXTENSION]: 'The query repeats the same fields so often that checking they can be merged exceeds its budget; remove the repeats.',
      },
    };
  }
  const m = /^Syntax Error: (Query depth|Aliases|Directives|Token) limit of (\d+) exceeded, found (\d+)\.?$/.exec(formatted.message);
  const what = m ? LIMITS[m[1]!] : undefined;
  if (!m || !what) return formatted;
  const [limit, found] = [Number(m[2]), Number(m[3])];
  return {
    ...formatted,
    message: `${what.zh} ${found} 超过上限 ${limit}；请拆分或简化查询。`,
    extensions: {
      ...formatted.extensions,
      code: 'GRAPHQL_VALIDATION_FAILED',
      limit,
      found,
      [ENGLISH_EXTENSION]: `${what.en} ${found} exceeds the limit of ${limit}; split or simplify the query.`,
    },
  };
}

/**
 * Apollo `formatError`: errors with a known code pass through (without stack
 * traces); anything unexpected is logged with a correlation id and replaced by a
 * generic message carrying that id, in every mode: internal text (driver,
 * PostgreSQL or JavaScript messages) never reaches a client.
 */
export function makeFormatError(service: string, label: ArgumentLabel = argumentLabel) {
  return (formatted: import('graphql').GraphQLFormattedError, error: unknown) => {
    // A typed error thrown while parsing an argument (e.g. a Date scalar) surfaces as a
    // validation error; keep the typed code so callers can tell bad input apart.
    const original = (error as { originalError?: { extensions?: Record<string, unknown> } } | undefined)?.originalError;
    const originalCode = original?.extensions?.code;
    if (typeof originalCode === 'string' && KNOWN_CODES.has(originalCode) && formatted.extensions?.code === 'GRAPHQL_VALIDATION_FAILED') {
      formatted = { ...formatted, extensions: { ...formatted.extensions, code: originalCode } };
    }
    formatted = asLimitRefusal(asOwnMessage(formatted, error));
    // The Chinese message names the argument at fault in Chinese (platform/argument-labels.ts).
    formatted = namedInChinese(formatted, fieldOf(error, formatted), label);
    // Apollo Server refuses an automatic persisted query whose hash is not its text's with a 400 but no code.
    if (formatted.message === 'provided sha does not match query') {
      formatted = {
        message: '自动持久化查询（APQ）的 sha256Hash 与随附的查询文本不符；请重新计算哈希，或不带 persistedQuery 发送。',
        extensions: {
          code: 'BAD_REQUEST',
          [ENGLISH_EXTENSION]: "The persisted query's sha256Hash does not match the query sent with it; compute it again, or send the query alone.",
        },
      };
    }
    const code = formatted.extensions?.code;
    const { stacktrace: _drop, ...extensions } = (formatted.extensions ?? {}) as Record<string, unknown>;
    if (typeof code === 'string' && KNOWN_CODES.has(code)) return { ...formatted, extensions };
    const trouble = databaseTrouble(error);
    if (trouble) {
      const correlationId = crypto.randomUUID();
      log.error({ err: error, correlationId, service }, trouble.log);
      return {
        message: trouble.zh,
        path: formatted.path,
        extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true, correlationId, [ENGLISH_EXTENSION]: trouble.en },
      };
    }
    // Already masked by the subgraph that failed: keep its correlation id, which its log holds.
    if (code === 'INTERNAL_SERVER_ERROR' && typeof extensions.correlationId === 'string') return { ...formatted, extensions };
    const correlationId = crypto.randomUUID();
    // One JSON line, with the request's fields and personal data scrubbed as every line's (platform/log.ts).
    log.error({ err: error, correlationId, service }, 'internal error');
    return {
      message: `服务器内部错误（关联编号 ${correlationId}）。`,
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR', correlationId, [ENGLISH_EXTENSION]: `Internal server error (correlation id ${correlationId}).` },
    };
  };
}
