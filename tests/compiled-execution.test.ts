import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import { compiledExecution } from '../platform/compiled-execution.ts';
import { DateScalar } from '../platform/scalars.ts';
import { hubError } from '../domain/errors.ts';
import { makeFormatError } from '../platform/errors.ts';

/**
 * platform/compiled-execution.ts against graphql-js on the same schema (built
 * by @apollo/subgraph, as every subgraph's is) and the same requests: a text
 * runs under graphql-js until it has been seen `compileAfter` times, then
 * compiled, with the same answers, errors and codes either way. The suite's
 * hub compiles every query on first sight (tests/helpers/hub.ts), so every
 * other test runs the compiled path too.
 */
const graphql = createRequire(import.meta.url)('graphql') as typeof import('graphql');

const typeDefs = graphql.parse(`
  scalar Date
  enum Status { OPEN CLOSED }
  input Filter { status: [Status!] from: Date first: Int = 5 }
  type Query { villages(first: Int!, from: Date): VillageConnection!  village(code: String!): Village  echo(filter: Filter, ids: [ID!], status: Status, ratio: Float): String! }
  type VillageConnection { nodes: [Village!]! totalCount: Int! }
  type Village @key(fields: "code") { code: String! name: String! lazyName: String! stats(from: Date!): Stats! secret: String broken: String }
  type Stats { reported: Int! from: Date! }
`);

let counted = 0;
let raw: { errors?: readonly unknown[] } = {};
const VILLAGES = [
  { code: '623021200201', name: '鹿儿台村' },
  { code: '623021200202', name: '石门村' },
];
const resolvers = {
  Date: DateScalar,
  Query: {
    villages: (_: unknown, args: { first: number }) => ({
      nodes: VILLAGES.slice(0, args.first),
      // Counted only when read, as platform/pagination.ts does.
      get totalCount() {
        counted++;
        return Promise.resolve(VILLAGES.length);
      },
    }),
    village: (_: unknown, args: { code: string }) => VILLAGES.find((v) => v.code === args.code) ?? null,
    // The arguments as the resolver got them, coerced.
    echo: (_: unknown, args: unknown) => JSON.stringify(args),
  },
  Village: {
    __resolveReference: (ref: { code: string }) => VILLAGES.find((v) => v.code === ref.code) ?? null,
    lazyName: (v: { name: string }) => Promise.resolve(v.name),
    stats: (v: { code: string }, args: { from: string }) => ({ reported: Number(v.code.slice(-1)), from: args.from }),
    secret: () => {
      throw hubError('FORBIDDEN', { zh: '无权查看', en: 'Not allowed' });
    },
    // What the driver throws while the database is down: no extensions at all.
    broken: () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:54329'), { code: 'ECONNREFUSED' })),
  },
};

function setup(compileAfter: number) {
  const schema = buildSubgraphSchema([{ typeDefs, resolvers: resolvers as never }]);
  const reference = buildSubgraphSchema([{ typeDefs, resolvers: resolvers as never }]);
  const exec = compiledExecution(schema, compileAfter);
  const run = async (query: string, variables?: Record<string, unknown>) => {
    const document = documents.get(query) ?? graphql.parse(query);
    documents.set(query, document); // as Apollo Server's document cache does: one parsed document per text
    const operation = document.definitions.find((d) => d.kind === 'OperationDefinition')!;
    const { executor } = await exec.load({ apollo: { keyHash: '', graphRef: '', key: '', graphId: '', graphVariant: '' } as never });
    const ctx = { document, operation, operationName: null, request: { query, variables }, context: {} } as unknown as GatewayGraphQLRequestContext;
    const got = await executor!(ctx);
    raw = got;
    const expected = await graphql.execute({ schema: reference, document, variableValues: variables, contextValue: {} });
    const plain = (r: { data?: unknown; errors?: readonly unknown[] }) =>
      JSON.parse(
        JSON.stringify({
          data: r.data,
          errors: r.errors?.map((e) => ({
            message: (e as Error).message,
            path: (e as { path?: unknown }).path,
            locations: (e as { locations?: unknown }).locations,
            extensions: (e as { extensions?: unknown }).extensions,
          })),
        }),
      );
    return { got: plain(got), expected: plain(expected) };
  };
  /** Runs each text and expects graphql-js's answer. */
  const sameAsGraphqlJs = async (texts: readonly string[], variables?: Record<string, unknown>) => {
    for (const q of texts) {
      const r = await run(q, variables);
      expect(r.got, q).toStrictEqual(r.expected);
    }
  };
  const documents = new Map<string, import('graphql').DocumentNode>();
  return { exec, run, sameAsGraphqlJs };
}

describe('compiled execution (platform/compiled-execution.ts)', () => {
  it('runs a text under graphql-js until it repeats, then compiled, with the same answer', async () => {
    const { exec, run } = setup(2);
    const q = `{ villages(first: 2) { totalCount nodes { code name lazyName stats(from: "2026-09-01") { reported from } } } }`;
    const first = await run(q);
    expect(exec.compiled()).toBe(0);
    const second = await run(q);
    expect(exec.compiled()).toBe(1);
    expect(first.got).toStrictEqual(first.expected);
    expect(second.got).toStrictEqual(second.expected);
    expect(second.got.data.villages.totalCount).toBe(2);
    expect(second.got.data.villages.nodes[1].stats).toStrictEqual({ reported: 2, from: '2026-09-01' });
  });

  it('keeps the 100 shapes used last compiled', async () => {
    const { exec, run } = setup(1);
    const text = (i: number) => `{ v${i}: villages(first: 1) { nodes { code } } }`;
    for (let i = 0; i <= 100; i++) await run(text(i));
    expect(exec.compiled()).toBe(101);
    await run(text(100)); // kept
    expect(exec.compiled()).toBe(101);
    await run(text(0)); // the least recently used: dropped, compiled again
    expect(exec.compiled()).toBe(102);
  });

  it('compiles texts that differ only in literal arguments once, with the same answers, coercion and error locations', async () => {
    const { exec, run, sameAsGraphqlJs } = setup(2);
    const texts = [
      `{ village(code: "623021200201") { code stats(from: "2026-09-01") { reported from } } }`,
      `{ village(code: "623021200202") { code stats(from: "2025-10-15") { reported from } } }`,
      `{ village(code:    "623021200201") { code stats(from: "2026-01-31") { reported from } } }`,
    ];
    await sameAsGraphqlJs(texts);
    expect(exec.compiled()).toBe(1);
    // Enums, lists, input objects with defaults, an Int for an ID, an Int for a Float, null: coerced as the literals were.
    const echoes = [
      `{ echo(filter: { status: [OPEN, CLOSED], from: "2026-09-01" }, ids: [1, "x2"], status: CLOSED, ratio: 2) }`,
      `{ echo(filter: { status: OPEN, first: 9 }, ids: 7, status: null, ratio: 0.5) }`,
      `{ echo(filter: {}, ids: [], status: OPEN, ratio: -1) }`,
      // Infinity as a literal, refused as a variable: run as written.
      `{ echo(filter: {}, ids: [], status: OPEN, ratio: 1e400) }`,
    ];
    await sameAsGraphqlJs(echoes);
    expect(exec.compiled()).toBe(2);
    // An error's location is the field's place in the text asked, not in the text first compiled.
    const errors = [
      `{ village(code: "623021200201") { code secret } }`,
      `{ village(code: "623021200202") { code secret } }`,
      `{ village(code:        "623021200202")   {
          code
            secret } }`,
    ];
    await sameAsGraphqlJs(errors);
    expect(exec.compiled()).toBe(3);
    expect((await run(errors[2]!)).got.errors[0].locations).toStrictEqual([{ line: 3, column: 13 }]);
    // A literal mixed with a variable stays in the text; so do directive arguments.
    const mixed = `query ($s: Status) { echo(filter: { status: [$s], first: 1 }, ratio: 3) @include(if: true) }`;
    for (const s of ['OPEN', 'CLOSED']) await sameAsGraphqlJs([mixed], { s });
  });

  it('finds every lazy total: each subgraph type with a totalCount is a *Connection', () => {
    // lazyTotals gives `totalCount` a resolver on the types named *Connection; a total elsewhere would be a promise
    // that graphql-jit returns unawaited.
    for (const name of ['county', 'township', 'village']) {
      const sdl = graphql.parse(readFileSync(new URL(`../schema/${name}.graphql`, import.meta.url), 'utf8'));
      const withTotal = sdl.definitions.flatMap((d) =>
        (d.kind === 'ObjectTypeDefinition' || d.kind === 'ObjectTypeExtension') && d.fields?.some((f) => f.name.value === 'totalCount') ? [d.name.value] : [],
      );
      expect(withTotal.length, name).toBeGreaterThan(name === 'village' ? 5 : 0);
      expect(
        withTotal.filter((t) => !t.endsWith('Connection')),
        name,
      ).toStrictEqual([]);
    }
  });

  it('counts a lazy total only when it is selected', async () => {
    const { run } = setup(1);
    counted = 0;
    await run(`{ villages(first: 1) { nodes { code } } }`);
    expect(counted).toBe(0);
    await run(`{ villages(first: 1) { totalCount } }`);
    expect(counted).toBe(2); // once by the compiled query, once by the graphql-js reference
  });

  it('answers errors as graphql-js does: a resolver’s typed error with its code and path, null bubbling, bad variables', async () => {
    const { run } = setup(1);
    for (const [q, variables] of [
      [`{ village(code: "623021200201") { code secret } }`, undefined],
      [`query ($c: String!) { village(code: $c) { name } }`, { c: '623021200202' }],
      [`query ($d: Date!) { village(code: "623021200201") { stats(from: $d) { from } } }`, { d: '2026-13-01' }],
      [`query ($n: Int!) { villages(first: $n) { totalCount } }`, { n: 'two' }],
      [
        `{ _entities(representations: [{ __typename: "Village", code: "623021200202" }, { __typename: "Village", code: "nope" }]) { ... on Village { name } } }`,
        undefined,
      ],
    ] as const) {
      const r = await run(q, variables);
      expect(r.got, q).toStrictEqual(r.expected);
    }
    const forbidden = await run(`{ village(code: "623021200201") { secret } }`);
    expect(forbidden.got.errors[0].extensions.code).toBe('FORBIDDEN');
    // A driver's error (the database down) formats as SERVICE_UNAVAILABLE, as under graphql-js.
    const down = await run(`{ village(code: "623021200201") { name broken } }`);
    expect(down.got).toStrictEqual(down.expected);
    const format = makeFormatError('test');
    const formatted = format({ message: 'x', extensions: {} }, raw.errors![0]);
    expect(formatted.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    const badDate = await run(`query ($d: Date!) { village(code: "623021200201") { stats(from: $d) { from } } }`, { d: '2026-13-01' });
    expect(badDate.got.errors[0].message).toContain('2026-13-01');
  });
});
