import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import { operationFromDocument, Supergraph, type Operation } from '@apollo/federation-internals';
import { readSupergraph } from '../gateway/src/compose.ts';
import { compiledComputeResponse, installCompiledShaping, keptOperationFromDocument } from '../gateway/src/shaping.ts';

/**
 * The gateway's compiled result shaping (gateway/src/shaping.ts) against
 * @apollo/gateway's own walk, on the same operations over the hub's API
 * schema and the same merged answers: the same data and errors, and the
 * compiled walk really used for well-formed answers (the library's only for
 * irregular ones).
 */
const require = createRequire(import.meta.url);
type Compute = Parameters<typeof compiledComputeResponse>[0];
const library = (require('@apollo/gateway/dist/resultShaping.js') as { computeResponse: Compute }).computeResponse;
const api = Supergraph.build(readSupergraph()).apiSchema();

/** Both walks over one answer; how often the compiled one handed over to the library's. */
function both(query: string, input: unknown, variables?: Record<string, unknown>) {
  const operation: Operation = operationFromDocument(api, parse(query), { validate: false });
  let handedOver = 0;
  const fast = compiledComputeResponse((args) => {
    handedOver++;
    return library(args);
  });
  const args = { operation, variables, input: structuredClone(input) as Record<string, unknown>, introspectionHandling: () => 'introspected' };
  const expected = library({ ...args, input: structuredClone(input) as Record<string, unknown> });
  const got = fast(args);
  const plain = (r: { data: unknown; errors: unknown[] }) =>
    JSON.parse(JSON.stringify({ data: r.data, errors: r.errors.map((e) => ({ message: (e as Error).message, path: (e as { path?: unknown }).path })) }));
  return { got: plain(got), expected: plain(expected), handedOver, sameInput: JSON.stringify(args.input) === JSON.stringify(input) };
}

const DRILL = `query D($skipForces: Boolean!, $withCode: Boolean = true) {
  county(code: "623021") {
    __typename name
    kind: __typename
    townships {
      code @include(if: $withCode)
      name
      population { residents households }
      forces @skip(if: $skipForces) { grids jointDefenseGroups }
      stats: disputeStats(from: "2025-10-01", to: "2026-09-30") { reported resolved resolutionRate }
      villages { code name ...V population { residents } }
    }
  }
}
fragment V on Village { name forces { grids householdCoverage } disputeStats(from: "2025-10-01", to: "2026-09-30") { reported resolved } }`;

const village = (i: number) => ({
  code: `62302120020${i}`,
  name: `村${i}`,
  population: { residents: 100 + i, extra: 'not asked' },
  forces: { grids: 2, householdCoverage: 0.5 },
  disputeStats: { reported: i, resolved: 0 },
  __typename: 'Village',
});
const township = (i: number) => ({
  code: `62302120${i}`,
  name: `乡${i}`,
  population: { residents: 1000, households: 300 },
  forces: { grids: 4, jointDefenseGroups: 7 },
  stats: { reported: 3, resolved: 2, resolutionRate: 2 / 3 },
  villages: [village(1), village(2)],
});
const drillAnswer = () => ({ county: { __typename: 'County', name: '临潭县', townships: [township(1), township(2)] } });

describe('compiled result shaping (gateway/src/shaping.ts)', () => {
  it('shapes a drill-down as the library does, without the library: aliases, fragments, __typename, @skip/@include, defaults, dropped fields', () => {
    for (const variables of [{ skipForces: false }, { skipForces: true }, { skipForces: false, withCode: false }]) {
      const r = both(DRILL, drillAnswer(), variables);
      expect(r.got).toStrictEqual(r.expected);
      expect(r.handedOver).toBe(0);
      expect(r.sameInput).toBe(true);
    }
    const r = both(DRILL, drillAnswer(), { skipForces: true });
    expect(r.got.data.county.kind).toBe('County');
    expect(r.got.data.county.townships[0].forces).toBeUndefined();
    expect(r.got.data.county.townships[0].villages[0].population).toStrictEqual({ residents: 101 });
  });

  it('fills missing nullable fields with null and keeps enum values, lists and nulls', () => {
    const q = `{ village(code: "623021200201") { name township { name } disputes(first: 2) { totalCount nodes { caseNumber status overdue } } } }`;
    const answer = {
      village: {
        name: '村',
        township: null,
        disputes: {
          totalCount: 2,
          nodes: [
            { caseNumber: 'A', status: 'REPORTED', overdue: false },
            { caseNumber: 'B', status: 'ESCALATED', overdue: true },
          ],
        },
      },
    };
    const r = both(q, answer);
    expect(r.got).toStrictEqual(r.expected);
    expect(r.handedOver).toBe(0);
    const none = both(q, { village: null });
    expect(none.got).toStrictEqual(none.expected);
    expect(none.handedOver).toBe(0);
  });

  it('abstract types: fragments on a union apply by __typename', () => {
    const q = `{ changes(first: 2) { edges { node { kind record { __typename ... on Person { name } ... on Dispute { caseNumber } } } } } }`;
    const answer = {
      changes: {
        edges: [
          { node: { kind: 'RESIDENT', record: { __typename: 'Person', name: '张三' } } },
          { node: { kind: 'DISPUTE', record: { __typename: 'Dispute', caseNumber: '623021-2026-000001', name: 'not asked' } } },
        ],
      },
    };
    const r = both(q, answer);
    expect(r.got).toStrictEqual(r.expected);
    expect(r.handedOver).toBe(0);
  });

  it('takes an Int or an ID as the library does, by its text: integers below 1e21 in size, -0 too', () => {
    for (const residents of [0, -0, 7, -7, 2 ** 31, 1e20, -1e20, 999999999999999900000]) {
      const answer = drillAnswer();
      (answer.county.townships[0]!.population as { residents: unknown }).residents = residents;
      const r = both(DRILL, answer, { skipForces: false });
      expect(r.got, String(residents)).toStrictEqual(r.expected);
      expect(r.expected.errors, String(residents)).toEqual([]);
      expect(r.handedOver, String(residents)).toBe(0);
    }
  });

  it('leaves response names every object already has (constructor, toString) to the library', () => {
    const q = `{ village(code: "623021200201") { constructor: name toString: code } }`;
    const r = both(q, { village: { constructor: '村', toString: '623021200201' } });
    expect(r.got).toStrictEqual(r.expected);
    expect(r.got.data.village).toStrictEqual({ constructor: '村', toString: '623021200201' });
    expect(r.handedOver).toBe(1);
  });

  it('hands irregular answers to the library, which writes its errors and nulls as before', () => {
    const cases: [string, (a: ReturnType<typeof drillAnswer>) => void][] = [
      ['null in a non-null field', (a) => ((a.county.townships[0] as { name: unknown }).name = null)],
      ['a string for an Int', (a) => ((a.county.townships[1]!.population as { residents: unknown }).residents = '1000')],
      ['a fraction for an Int', (a) => ((a.county.townships[1]!.population as { residents: unknown }).residents = 1.5)],
      // The library takes an Int by its text: 1e21 is written `1e+21`, no Int, though an integer.
      ['an Int written with an exponent', (a) => ((a.county.townships[1]!.population as { residents: unknown }).residents = 1e21)],
      ['a negative Int written with an exponent', (a) => ((a.county.townships[0]!.villages[0]!.disputeStats as { reported: unknown }).reported = -1e21)],
      ['a number for a String', (a) => ((a.county.townships[1]!.villages[0] as { name: unknown }).name = 7)],
      ['an unknown __typename', (a) => ((a.county.townships[0]!.villages[1] as { __typename: string }).__typename = 'Nope')],
    ];
    for (const [what, spoil] of cases) {
      const answer = drillAnswer();
      spoil(answer);
      const r = both(DRILL, answer, { skipForces: false });
      expect(r.got, what).toStrictEqual(r.expected);
      expect(r.handedOver, what).toBe(1);
      expect(r.expected.errors.length + (r.expected.data === null ? 1 : 0), what).toBeGreaterThan(0);
    }
    const badEnum = both(`{ village(code: "1") { disputes(first: 1) { nodes { status } } } }`, { village: { disputes: { nodes: [{ status: 'NOPE' }] } } });
    expect(badEnum.got).toStrictEqual(badEnum.expected);
    expect(badEnum.handedOver).toBe(1);
  });

  it('keeps the operation of one parsed query, and only for the call the gateway makes before it executes', () => {
    let built = 0;
    const kept = keptOperationFromDocument((schema, document, options) => {
      built++;
      return operationFromDocument(schema, document, options);
    });
    const doc = parse(DRILL);
    const [op, ...fragments] = doc.definitions;
    const again = () => kept(api, { kind: doc.kind, definitions: [op!, ...fragments] }, { validate: false });
    expect(again()).toBe(again());
    expect(built).toBe(1);
    kept(api, parse(DRILL), { validate: false }); // another parse: another operation
    expect(built).toBe(2);
    kept(api, doc, { validate: false, operationName: 'D' }); // the planner's call: never kept
    kept(api, doc, { validate: false, operationName: 'D' });
    expect(built).toBe(4);
  });

  it('is installed into the library the gateway runs', () => {
    expect(installCompiledShaping()).toBe(true);
    expect((require('@apollo/gateway/dist/resultShaping.js') as { computeResponse: Compute }).computeResponse).not.toBe(library);
  });
});
