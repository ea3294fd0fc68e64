/**
 * Malformed GraphQL requests are the client's mistake: a 400 with a typed
 * code, never a 500 (gateway/src/limits.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type TestHub } from './helpers/hub.ts';

let hub: TestHub;
let token: string;
beforeAll(async () => {
  hub = await startHub();
  token = await hub.token({ jurisdiction: '623021', scopes: ['read', 'write', 'admin'] });
});
afterAll(async () => hub?.stop());

async function send(body: unknown): Promise<{ status: number; codes: string[]; messages: string[] }> {
  const res = await fetch(hub.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const json = (await res.json()) as { errors?: { message: string; extensions?: { code?: string } }[] };
  return { status: res.status, codes: (json.errors ?? []).map((e) => e.extensions?.code ?? ''), messages: (json.errors ?? []).map((e) => e.message) };
}

describe('malformed GraphQL requests get a 400 with a typed code', () => {
  it.each([
    ['an unclosed brace', { query: '{ county(code: "623021") { name ' }, 'GRAPHQL_PARSE_FAILED'],
    ['a NUL in the query', { query: '{ county(code: "623021") { name \u0000 } }' }, 'GRAPHQL_PARSE_FAILED'],
    ['more than 10,000 tokens', { query: `{${' a'.repeat(10_001)} }` }, 'GRAPHQL_PARSE_FAILED'],
    ['two operations and no operationName', { query: 'query A { __typename } query B { __typename }' }, 'OPERATION_RESOLUTION_FAILURE'],
    ['an unknown operationName', { query: 'query A { __typename }', operationName: 'X' }, 'OPERATION_RESOLUTION_FAILURE'],
    ['a subscription', { query: 'subscription { county(code: "623021") { name } }' }, 'BAD_REQUEST'],
    [
      'a Float of 1e309',
      { query: 'mutation { setAssessmentTarget(indicator: GRID_STAFFING_RATE, level: COUNTY, target: 1e309) { target } }' },
      'INVALID_GRAPHQL',
    ],
  ])('%s', async (_, body, code) => {
    const r = await send(body);
    expect(r.status).toBe(400);
    expect(r.codes).toEqual([code]);
    for (const m of r.messages) expect(m).not.toMatch(/stack|at .*\.(ts|js):\d+/);
  });

  it('still answers a well-formed request, and picks the named operation of several', async () => {
    const r = await fetch(hub.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: 'query A { county(code: "623021") { name } } query B { __typename }', operationName: 'A' }),
    });
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ data: { county: { name: '临潭县' } } });
  });
});
