import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import {
  BREAK,
  GraphQLError,
  Kind,
  visit,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionNode,
  type ValueNode,
} from 'graphql';
import { ENGLISH_EXTENSION, type Said } from '../../domain/errors.ts';
import { scalarLiteralProblem, scalarVariableProblem } from './scalar-variables.ts';

/**
 * Query limits at the gateway (graphql-armor): no legitimate screen of the hub
 * nests deeper than 12 levels or needs more than 50 aliases, so anything past
 * that is refused before planning. Field suggestions ("did you mean") are off
 * in production, where they would map the schema for an attacker.
 */
export const MAX_BODY_BYTES = 100_000;

/**
 * Answers from this many bytes are compressed for clients that accept it. A smaller one (a village dashboard's is
 * 1.2–1.4 kB) takes one or two packets either way and arrives in the same round trip, while compressing it costs CPU
 * at both ends: at the gateway, a sixth of its work on a dashboard.
 */
export const COMPRESS_FROM_BYTES = 1500;

/**
 * Tokens in one query. Counted by GraphQL's own parser (Apollo Server's
 * parseOptions), so a query over the limit, like any syntax error, is a
 * 400 GRAPHQL_PARSE_FAILED; graphql-armor's token plugin threw from inside a
 * plugin hook, which made every syntax error a 500.
 */
export const MAX_TOKENS = 10_000;

/** A request GraphQL cannot run as sent: HTTP 400 with `code`, in both languages (domain/errors.ts `Said`). */
const refused = ({ zh, en }: Said, code: string, extra: Record<string, unknown> = {}) =>
  new GraphQLError(zh, { extensions: { code, ...extra, http: { status: 400 }, [ENGLISH_EXTENSION]: en } });

/**
 * The operation to run must be one the document names, and a query or
 * mutation: the hub serves no subscriptions. Apollo's gateway throws for
 * these deep in execution (an INVALID_GRAPHQL 500); here they are the
 * client's mistake, answered with 400 before anything is planned.
 *
 * Values the schema's types let through but nothing behind the gateway can
 * use are refused here too, naming where they are: a NUL character in any
 * string (PostgreSQL cannot store one; the driver fails on it), a string
 * longer than MAX_STRING, a number literal too large for a double
 * (`1e309` parses to Infinity, which the gateway then cannot send to a
 * subgraph), and a variable or argument literal one of the hub's scalars
 * refuses (a DateTime without an offset, a 2026-02-30;
 * gateway/src/scalar-variables.ts).
 *
 * GraphQL over HTTP: a client that asks for `application/json` alone is a
 * legacy client, which reads errors only from a 200 answer; it gets 200 for
 * requests GraphQL refused (parse, validation, variables), with the same
 * errors and codes. Every other client (`application/graphql-response+json`,
 * a wildcard, or no Accept header) gets 400.
 */
export const operationChecks: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation, request, document, schema }) {
        const operationName = request.operationName;
        if (!operation) {
          const named = document.definitions.filter((d) => d.kind === 'OperationDefinition').length;
          throw operationName
            ? refused({ zh: `文档中没有名为“${operationName}”的操作。`, en: `Unknown operation named "${operationName}".` }, 'OPERATION_RESOLUTION_FAILURE')
            : refused(
                named > 1
                  ? {
                      zh: '文档包含多个操作，请用 operationName 指明要执行哪一个。',
                      en: 'The document holds several operations; say which to run in operationName.',
                    }
                  : { zh: '文档中没有可执行的操作。', en: 'The document holds no operation to run.' },
                'OPERATION_RESOLUTION_FAILURE',
              );
        }
        if (operation.operation === 'subscription') {
          throw refused({ zh: '本服务只提供查询和变更，不提供订阅。', en: 'The hub serves queries and mutations, not subscriptions.' }, 'BAD_REQUEST');
        }
        for (const [name, value] of Object.entries(request.variables ?? {})) {
          const problem = badString(value, `$${name}`);
          if (problem) throw refused(problem, 'BAD_USER_INPUT');
        }
        const literal = literalProblem(document);
        if (literal) throw refused(literal.said, 'BAD_USER_INPUT', literal.argument ? { argument: literal.argument } : {});
        const scalarLiteral = scalarLiteralProblem(schema, document, operation);
        if (scalarLiteral) throw refused(scalarLiteral.said, 'BAD_USER_INPUT', { argument: scalarLiteral.argument, rule: scalarLiteral.rule });
        const scalar = scalarVariableProblem(schema, operation, request.variables ?? {});
        if (scalar) throw refused(scalar.said, 'BAD_USER_INPUT', { argument: scalar.argument, rule: scalar.rule });
        const cost = costOf(operation, document, request.variables ?? {});
        if (cost > MAX_COST) {
          const shown = Math.round(cost).toLocaleString('en-US');
          throw refused(
            {
              zh: `查询的代价为 ${shown}，超过上限 ${MAX_COST.toLocaleString('en-US')}；请减小 first 或少选嵌套的列表。`,
              en: `The query costs ${shown}, over the limit of ${MAX_COST.toLocaleString('en-US')}; ask for smaller pages (first) or fewer nested lists.`,
            },
            'GRAPHQL_VALIDATION_FAILED',
          );
        }
      },
      async willSendResponse({ request, response }) {
        if (response.body.kind !== 'single' || response.http.status !== 400 || response.body.singleResult.data !== undefined) return;
        if (legacyJsonClient(request.http?.headers.get('accept'))) response.http.status = 200;
      },
    };
  },
};

const NUL = '\u0000';

/** The longest string any argument takes is a 4,000-character text; this leaves room and still bounds what a subgraph is sent. */
export const MAX_STRING = 10_000;

/** What is wrong with a string at `at`, if anything. */
function stringProblem(value: string, at: string): Said | null {
  if (value.includes(NUL)) {
    return { zh: `${at} 含有 NUL 字符（\\u0000），无法保存；请去掉它。`, en: `${at} holds a NUL character (\\u0000), which cannot be stored; remove it.` };
  }
  if (value.length > MAX_STRING) {
    return {
      zh: `${at} 长 ${value.length} 个字符，超过 ${MAX_STRING} 的上限。`,
      en: `${at} is ${value.length} characters long, over the limit of ${MAX_STRING}.`,
    };
  }
  return null;
}

/**
 * The first string under `value` (object keys included) that no argument can take, or null. Walked with a
 * list rather than by recursion, and the path is spelled only for a hit: a variable's JSON may nest as deep
 * as the body limit allows.
 */
function badString(value: unknown, name: string): Said | null {
  interface Step {
    value: unknown;
    key: string;
    parent?: Step;
  }
  const spell = (step: Step): string => {
    const keys: string[] = [];
    for (let s: Step | undefined = step; s; s = s.parent) keys.push(s.key);
    const path = keys.reverse().join('');
    return path.length > 200 ? `${path.slice(0, 200)}…` : path;
  };
  const pending: Step[] = [{ value, key: name }];
  for (let step = pending.pop(); step; step = pending.pop()) {
    const v = step.value;
    if (typeof v === 'string') {
      const problem = stringProblem(v, spell(step));
      if (problem) return problem;
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) pending.push({ value: v[i], key: `[${i}]`, parent: step });
    } else if (typeof v === 'object' && v !== null) {
      for (const [k, inner] of Object.entries(v).reverse()) {
        const problem = stringProblem(k, `${spell(step)} (a key)`);
        if (problem) return problem;
        pending.push({ value: inner, key: `.${k}`, parent: step });
      }
    }
  }
  return null;
}

/**
 * What is wrong with an argument literal, and where: `argument` is the argument as written (`note`, `input.name`),
 * so that the Chinese message leads with its label as a subgraph's does (platform/argument-labels.ts); a variable's
 * default value is no argument, and has none.
 */
interface LiteralProblem {
  said: Said;
  argument?: string;
}

/** What `literalProblem` found per document: Apollo Server hands the same parsed document to every request of one query text. */
const literalProblems = new WeakMap<DocumentNode, LiteralProblem | null>();

/** The first argument literal nothing behind the gateway can take: a string with a NUL (written `\u0000`) or too long, or a number past a double's range. */
function literalProblem(document: DocumentNode): LiteralProblem | null {
  let found = literalProblems.get(document);
  if (found === undefined) literalProblems.set(document, (found = firstLiteralProblem(document)));
  return found;
}

function firstLiteralProblem(document: DocumentNode): LiteralProblem | null {
  let problem: Said | null = null;
  let where: string | undefined;
  let argument: string | undefined;
  const check = (node: ValueNode, at: string): void => {
    if (problem) return;
    if (node.kind === Kind.STRING) problem = stringProblem(node.value, at);
    else if ((node.kind === Kind.FLOAT || node.kind === Kind.INT) && !Number.isFinite(Number(node.value))) {
      problem = { zh: `${at} 的数值 ${node.value.slice(0, 40)} 超出可表示的范围。`, en: `${at}: the number ${node.value.slice(0, 40)} is out of range.` };
    } else if (node.kind === Kind.LIST) node.values.forEach((v, i) => check(v, `${at}[${i}]`));
    else if (node.kind === Kind.OBJECT) for (const f of node.fields) check(f.value, `${at}.${f.name.value}`);
    if (problem && where === undefined) where = at;
  };
  visit(document, {
    Argument(node) {
      check(node.value, node.name.value);
      if (problem) argument = where;
      return problem ? BREAK : false;
    },
    VariableDefinition(node) {
      if (node.defaultValue) check(node.defaultValue, `$${node.variable.name.value}`);
      return problem ? BREAK : false;
    },
  });
  return problem && { said: problem, argument };
}

/** True when the Accept header names `application/json` and neither `application/graphql-response+json` nor a wildcard. */
function legacyJsonClient(accept: string | undefined): boolean {
  if (!accept) return false;
  const types = accept.split(',').map((part) => part.split(';')[0]!.trim().toLowerCase());
  return types.includes('application/json') && !types.some((t) => t === 'application/graphql-response+json' || t === '*/*' || t === 'application/*');
}

/**
 * The cost of a query, counted as graphql-armor's cost limit counts it: a scalar costs 1, an object 2 plus
 * 1.5× each of its selections, and a selection with `first` (or `last`) is multiplied by it. The largest
 * page the API documents is the change feed's, `changes(first: 1000)`, and with every field of every kind
 * of `record` it costs about 611,000 (tests/bad-input-corpus.test.ts sends it; each field a record kind gains
 * adds about 3,400, so the limit keeps room for some); a county drill-down with
 * every statistic costs about 100, a 500-row page of residents with their households about 70,000. A query
 * built to fan out, a page of grids or a county's villages (WHOLE_LISTS) each with a page of residents,
 * costs millions.
 *
 * graphql-armor reads `first` only when it is written in the query, so a fan-out passing its page sizes
 * as variables cost next to nothing; counted here, once the variables are known, it costs what its
 * literal twin does.
 */
export const MAX_COST = 700_000;

const COST = { object: 2, scalar: 1, depthFactor: 1.5 };

/**
 * About how many divisions of the level below each level holds, at most
 * (province 15 prefectures, prefecture 10 counties, county 20 townships,
 * township 30 villages: the seed townships hold up to 31; village 10 grids).
 * A list of divisions a query takes whole (no page size) pays for the pages
 * under it once per division it may hold; its own statistics are counted
 * once, as figures are cached and cheap to read, so a county's figures down
 * to every village stay well inside the limit (tests/units.test.ts).
 * Counted as one, a county's townships' villages' pages of residents cost
 * what one page does, and such a query answered 9.7 MB; counted as ten per
 * list, `villages(within: "623021")` with a page of 500 residents each
 * answered 73,500 residents with their ID numbers, and six townships' under
 * aliases 42,000.
 */
const FAN_OUT: Record<number, number> = { 2: 15, 4: 10, 6: 20, 9: 30, 12: 10 };

/** The lists nested under a division's parent: a region's counties (a prefecture's), a county's townships, a township's villages, a village's grids. */
const WHOLE_LISTS: Record<string, number> = { counties: FAN_OUT[4]!, townships: FAN_OUT[6]!, villages: FAN_OUT[9]!, grids: FAN_OUT[12]! };

/** The top-level lists under a code (`counties`, `townships`, `villages` with `within`) pay for every level from the code's down. */
const LIST_LEVEL: Record<string, number> = { counties: 6, townships: 9, villages: 12 };

/** How many divisions `field(within: …)` may list (its code's level down to the list's); a code not read as one, the most. */
function divisionsWithin(field: FieldNode, variables: Readonly<Record<string, unknown>>): number | undefined {
  const level = LIST_LEVEL[field.name.value];
  const arg = field.arguments?.find((a) => a.name.value === 'within');
  if (level === undefined || !arg) return undefined;
  const value = arg.value.kind === Kind.STRING ? arg.value.value : arg.value.kind === Kind.VARIABLE ? variables[arg.value.name.value] : undefined;
  // A division's own code lists itself (a village's villages: one); a code of no division level is refused when it runs.
  const length = typeof value === 'string' ? value.trim().length : 0;
  const from = [2, 4, 6, 9, 12].includes(length) ? length : 2;
  return Object.entries(FAN_OUT).reduce((n, [at, k]) => (Number(at) >= from && Number(at) < level ? n * k : n), 1);
}

/**
 * What `queryCost` counts, once per parsed operation when it declares no variables: only variables (page sizes, codes)
 * change a query's cost, and Apollo Server hands the same parsed document to every request of one query text.
 */
const fixedCosts = new WeakMap<OperationDefinitionNode, number>();
function costOf(operation: OperationDefinitionNode, document: DocumentNode, variables: Readonly<Record<string, unknown>>): number {
  if (operation.variableDefinitions?.length) return queryCost(operation, document, variables);
  let cost = fixedCosts.get(operation);
  if (cost === undefined) fixedCosts.set(operation, (cost = queryCost(operation, document, {})));
  return cost;
}

export function queryCost(operation: OperationDefinitionNode, document: DocumentNode, variables: Readonly<Record<string, unknown>>): number {
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
  // A fragment spread again costs what its first spread did, as in graphql-armor (and a cycle costs nothing more).
  const spread = new Map<string, Cost>();
  /** The page size a field asks for (`first`/`last`), or undefined for a field without one. */
  const pageSize = (node: FieldNode): number | undefined => {
    const arg = node.arguments?.find((a) => a.name.value === 'first' || a.name.value === 'last');
    if (!arg) return undefined;
    const value = arg.value.kind === Kind.INT ? Number(arg.value.value) : arg.value.kind === Kind.VARIABLE ? variables[arg.value.name.value] : undefined;
    // A value no Int holds is refused by the variables' check (BAD_USER_INPUT) when the operation runs.
    return typeof value === 'number' && Number.isInteger(value) && value > 1 && value <= 2_147_483_647 ? value : 1;
  };
  const scaled = (c: Cost, k: number): Cost => ({ plain: c.plain * k, paged: c.paged * k });
  const cost = (node: SelectionNode | FragmentDefinitionNode): Cost => {
    if (node.kind === Kind.FIELD && node.name.value === '__schema') return NONE;
    if (node.kind === Kind.FRAGMENT_SPREAD) {
      const name = node.name.value;
      const known = spread.get(name);
      if (known !== undefined) return { plain: COST.scalar + COST.depthFactor * known.plain, paged: COST.depthFactor * known.paged };
      spread.set(name, NONE);
      const fragment = fragments.get(name);
      const inner = fragment ? cost(fragment) : NONE;
      spread.set(name, inner);
      return { plain: COST.scalar + COST.depthFactor * inner.plain, paged: COST.depthFactor * inner.paged };
    }
    if (!node.selectionSet) return { plain: COST.scalar, paged: 0 };
    const inner: Cost = { plain: COST.object, paged: 0 };
    for (const child of node.selectionSet.selections) {
      const c = scaled(cost(child), COST.depthFactor);
      inner.plain += c.plain;
      inner.paged += c.paged;
    }
    if (node.kind !== Kind.FIELD) return inner;
    const page = pageSize(node);
    // Everything under a page is paid once per row of it.
    if (page !== undefined) return { plain: 0, paged: (inner.plain + inner.paged) * page };
    // A whole list of divisions pays once per division for the pages under it; its own figures stay as counted.
    return { plain: inner.plain, paged: inner.paged * (divisionsWithin(node, variables) ?? WHOLE_LISTS[node.name.value] ?? 1) };
  };
  return operation.selectionSet.selections.reduce((sum, s) => {
    const c = cost(s);
    return sum + c.plain + c.paged;
  }, 0);
}

/** A selection's cost in two parts: what it costs once, and what pages under it (`first`/`last`) cost. */
interface Cost {
  plain: number;
  paged: number;
}
const NONE: Cost = { plain: 0, paged: 0 };

export function queryLimits(production: boolean) {
  const armor = new ApolloArmor({
    maxDepth: { n: 12, ignoreIntrospection: true, flattenFragments: true },
    // Aliases of __typename count too (graphql-armor leaves them out by default): 3,000 of them under a list made a
    // 53 kB query a 1 MB answer. Clients that add __typename add it unaliased.
    maxAliases: { n: 50, allowList: [] },
    maxDirectives: { n: 20 },
    maxTokens: { enabled: false },
    // Counted in operationChecks instead, where the variables are known (queryCost).
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: production },
  });
  const { plugins, validationRules } = armor.protect();
  return { plugins: plugins.map(asPlugin), validationRules };
}

/**
 * graphql-armor's types come from @apollo/server's CommonJS build, which TypeScript keeps apart from the
 * ESM build the gateway uses (HeaderMap carries a private brand); at run time both are plain objects of
 * hook functions, which is what this checks.
 */
function asPlugin(p: unknown): ApolloServerPlugin {
  if (!isPlugin(p)) throw new Error('graphql-armor returned something that is not an Apollo Server plugin.');
  return p;
}

function isPlugin(p: unknown): p is ApolloServerPlugin {
  return typeof p === 'object' && p !== null && Object.values(p).every((hook) => typeof hook === 'function');
}

/**
 * The request id the gateway forwards (subgraph logs, audit entries): the client's `x-request-id` when it is a
 * plain id of at most 128 characters (letters, digits and `.:_-/+=@`), else a fresh UUID. A malformed or
 * oversized id is replaced rather than refused, since it only labels logs; passed on as sent, a 7 kB id made
 * the subgraph refuse the request's headers. Subgraphs apply the same rule (platform/request-id.ts).
 */
export { forwardedRequestId } from '../../platform/request-id.ts';
