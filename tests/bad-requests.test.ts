/**
 * Malformed GraphQL requests are the client's mistake: a 400 with a typed
 * code, never a 500 (gateway/src/limits.ts).
 */
import { readFileSync } from 'node:fs';
import { buildSchema, isScalarType, isSpecifiedScalarType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_SCHEMA_PATH, printApiSchema, readSupergraph } from '../gateway/src/compose.ts';
import { SCALARS } from '../platform/scalars.ts';
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
      { query: 'mutation { setAssessmentTarget(indicator: GRID_STAFFING_RATE, divisionCode: "623021", year: 2026, target: 1e309) { target } }' },
      'BAD_USER_INPUT',
    ],
    ['a NUL in a variable', { query: 'query($c: String!) { county(code: $c) { name } }', variables: { c: '623021\u0000' } }, 'BAD_USER_INPUT'],
    ['a string of 10,001 characters', { query: 'query($c: String!) { county(code: $c) { name } }', variables: { c: '6'.repeat(10_001) } }, 'BAD_USER_INPUT'],
    ['a query nested 5,000 deep', { query: `{${'a{'.repeat(5000)}b${'}'.repeat(5000)}}` }, 'GRAPHQL_PARSE_FAILED'],
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

describe('a variable the hub’s own scalars refuse is refused at the gateway, as a variable of any other type is', () => {
  type Answer = { status: number; errors: { message: string; path?: unknown; extensions: Record<string, unknown> }[]; data?: unknown };
  const post = async (body: unknown, headers: Record<string, string> = {}): Promise<Answer> => {
    const res = await fetch(hub.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as Omit<Answer, 'status'>;
    return { status: res.status, ...json, errors: json.errors ?? [] };
  };
  const PATROL = 'mutation($i: PatrolInput!) { recordPatrol(input: $i) { id } }';
  const patrol = { teamId: '1', startedAt: '2026-12-06T15:00:00', endedAt: '2026-12-06T16:00:00+08:00', participantIds: ['1'] };

  it('a DateTime without an offset inside an input object: 400 BAD_USER_INPUT naming i.startedAt, in the scalar’s own words', async () => {
    const zh = await post({ query: PATROL, variables: { i: patrol } });
    expect(zh.status).toBe(400);
    expect(zh.data).toBeUndefined();
    expect(zh.errors).toEqual([
      {
        message: '“2026-12-06T15:00:00” 不是带时区的 ISO 8601 时间；请写成例如“2026-09-30T20:00:00+08:00”。',
        extensions: { code: 'BAD_USER_INPUT', argument: 'i.startedAt' },
      },
    ]);
    const en = await post({ query: PATROL, variables: { i: patrol } }, { 'accept-language': 'en' });
    expect(en.status).toBe(400);
    expect(en.errors.map((e) => [e.message, e.extensions.argument])).toEqual([
      ['"2026-12-06T15:00:00" is not an ISO 8601 date-time with an offset; write e.g. "2026-09-30T20:00:00+08:00".', 'i.startedAt'],
    ]);
  });

  it('a Date that does not exist as a variable of its own: 400 naming it; a good one runs', async () => {
    const query = 'query($f: Date!) { village(code: "623021200201") { patrols(from: $f, to: "2026-03-01") { totalCount } } }';
    const bad = await post({ query, variables: { f: '2026-02-30' } });
    expect(bad.status).toBe(400);
    expect(bad.errors).toEqual([
      { message: '“2026-02-30”不是真实存在的日期（没有这个月或这一天）。', extensions: { code: 'BAD_USER_INPUT', argument: 'f', rule: 'dateReal' } },
    ]);
    const good = await post({ query, variables: { f: '2026-02-01' } });
    expect(good.status).toBe(200);
    expect(good.errors).toEqual([]);
  });

  it('the same values written in the query itself: 400 naming the argument as written (filter.from, input.startedAt), with no path', async () => {
    const literal = '{ county(code: "623021") { disputes(filter: { from: "2026-02-30" }, first: 1) { totalCount } } }';
    const bad = await post({ query: literal });
    expect(bad.status).toBe(400);
    expect(bad.data).toBeUndefined();
    expect(bad.errors).toEqual([
      { message: '“2026-02-30”不是真实存在的日期（没有这个月或这一天）。', extensions: { code: 'BAD_USER_INPUT', argument: 'filter.from', rule: 'dateReal' } },
    ]);
    const en = await post({ query: literal }, { 'accept-language': 'en' });
    expect(en.errors).toEqual([
      {
        message: '"2026-02-30" is not a real date (there is no such month or day).',
        extensions: { code: 'BAD_USER_INPUT', argument: 'filter.from', rule: 'dateReal' },
      },
    ]);
    // A DateTime in a mutation's input object, reached through a fragment: refused before anything is written.
    const patrolLiteral = `mutation { ...P } fragment P on Mutation { recordPatrol(input: { teamId: "1", startedAt: "${patrol.startedAt}", endedAt: "${patrol.endedAt}", participantIds: ["1"] }) { id } }`;
    const time = await post({ query: patrolLiteral }, { 'accept-language': 'en' });
    expect(time.status).toBe(400);
    expect(time.errors.map((e) => [e.message, e.extensions.argument, e.path])).toEqual([
      ['"2026-12-06T15:00:00" is not an ISO 8601 date-time with an offset; write e.g. "2026-09-30T20:00:00+08:00".', 'input.startedAt', undefined],
    ]);
    // Real dates written the same way run.
    const good = await post({ query: '{ county(code: "623021") { disputes(filter: { from: "2026-02-01", to: "2026-02-28" }, first: 1) { totalCount } } }' });
    expect(good.status).toBe(200);
    expect(good.errors).toEqual([]);
  });

  it('every custom scalar of the API has its parse rule where the gateway reads it (platform/scalars.ts SCALARS)', () => {
    const api = buildSchema(readFileSync(API_SCHEMA_PATH, 'utf8'));
    const custom = Object.values(api.getTypeMap()).filter((t) => isScalarType(t) && !isSpecifiedScalarType(t) && !t.name.startsWith('__'));
    expect(custom.map((t) => t.name).sort()).toEqual(SCALARS.map((s) => s.name).sort());
  });
});

describe('requests refused before GraphQL runs get a JSON body with a code', () => {
  it('gives a signed-in app the name of every enum value (/labels.json), as the schema and the spreadsheets name them', async () => {
    const url = new URL('/labels.json', hub.gatewayUrl);
    expect((await fetch(url)).status).toBe(401);
    const res = await fetch(url, { headers: { authorization: `Bearer ${await hub.token()}` } });
    expect(res.status).toBe(200);
    type Label = { value: string; zh: string; description: string };
    const labels = (await res.json()) as Record<string, Label[]>;
    expect(labels.DisputeStatus!.find((l) => l.value === 'DECLINED')).toMatchObject({ zh: '不予受理' });
    expect(labels.PartyRole).toEqual([
      { value: 'APPLICANT', zh: '申请人', description: '申请人 applicant' },
      { value: 'RESPONDENT', zh: '被申请人', description: '被申请人 respondent' },
      { value: 'THIRD_PARTY', zh: '第三人', description: '第三人 third party' },
    ]);
    // Every value of every enum of the API has a Chinese name to show.
    const unnamed = Object.entries(labels).flatMap(([e, ls]) => ls.filter((l) => !l.zh).map((l) => `${e}.${l.value}`));
    expect(unnamed).toEqual([]);
    // Unchanged until the schema changes: a client keeps its copy.
    const again = await fetch(url, { headers: { authorization: `Bearer ${await hub.token()}`, 'if-none-match': res.headers.get('etag')! } });
    expect(again.status).toBe(304);
    // Compared weakly, in a list, or as one tag of several (a proxy that compresses the answer makes its tag weak).
    for (const tag of [`W/${res.headers.get('etag')}`, `"other", ${res.headers.get('etag')}`, '*']) {
      const r = await fetch(url, { headers: { authorization: `Bearer ${await hub.token()}`, 'if-none-match': tag } });
      expect(r.status, tag).toBe(304);
    }
    expect((await fetch(url, { headers: { authorization: `Bearer ${await hub.token()}`, 'if-none-match': '"other"' } })).status).toBe(200);
  });

  it('gives a signed-in client the API schema as SDL (/schema.graphql), the one the gateway runs, for codegen where introspection is off', async () => {
    const url = new URL('/schema.graphql', hub.gatewayUrl);
    expect((await fetch(url)).status).toBe(401);
    const res = await fetch(url, { headers: { authorization: `Bearer ${await hub.token({ jurisdiction: '623021', scopes: ['report'] })}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    const sdl = await res.text();
    // Printed from the supergraph the gateway runs: what `npm run compose` wrote to schema/api.graphql.
    expect(sdl).toBe(printApiSchema(readSupergraph()));
    expect(sdl).toBe(readFileSync(API_SCHEMA_PATH, 'utf8'));
    const schema = buildSchema(sdl);
    expect(schema.getQueryType()?.getFields().village).toBeDefined();
    expect(isScalarType(schema.getType('DateTime'))).toBe(true);
    // No federation machinery: a client's schema, not a subgraph's.
    expect(sdl).not.toMatch(/@join__|_Entity|_service/);
    const again = await fetch(url, { headers: { authorization: `Bearer ${token}`, 'if-none-match': res.headers.get('etag')! } });
    expect(again.status).toBe(304);
    expect((await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}` } })).status).toBe(405);
  });

  it('an unknown path: 404 NOT_FOUND, naming the paths there are', async () => {
    const res = await fetch(new URL('/nope', hub.gatewayUrl));
    expect(res.status).toBe(404);
    const body = (await res.json()) as { errors: { extensions: { code: string; paths: string[] } }[] };
    expect(body.errors[0]!.extensions.code).toBe('NOT_FOUND');
    expect(body.errors[0]!.extensions.paths).toContain('/graphql');
    // In the language asked for, and saying which (as every other refusal does).
    expect(res.headers.get('content-language')).toBe('zh');
    const en = await fetch(new URL('/nope', hub.gatewayUrl), { headers: { 'accept-language': 'en' } });
    expect(en.headers.get('content-language')).toBe('en');
    expect(((await en.json()) as { errors: { message: string }[] }).errors[0]!.message).toBe('No such path: /nope.');
  });

  it('headers over the server limit: 431 HEADERS_TOO_LARGE', async () => {
    const res = await fetch(hub.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-request-id': 'x'.repeat(40_000) },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(res.status).toBe(431);
    expect(((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('HEADERS_TOO_LARGE');
  });

  it('a chunked body over 100 kB: 413, and the connection is closed rather than left unanswered', async () => {
    const { request } = await import('node:http');
    const url = new URL(hub.gatewayUrl);
    const answer = await new Promise<{ status: number; connection: string | undefined; code: string }>((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              connection: res.headers.connection,
              code: (JSON.parse(text) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code,
            }),
          );
        },
      );
      req.on('error', reject);
      // No content-length: the body arrives chunked, and only counting it finds it too large.
      for (let i = 0; i < 30; i++) req.write('x'.repeat(5_000));
      req.end();
    });
    expect(answer).toEqual({ status: 413, connection: 'close', code: 'PAYLOAD_TOO_LARGE' });
  });
});

describe('dates and periods are range-checked before any date computation', () => {
  it('a year no fact can have is BAD_USER_INPUT in GraphQL and a 400 from the CSV reports', async () => {
    for (const field of ['disputeStats(period: "0000") { reported }', 'patrolStats(from: "0001-01-01", to: "0001-12-31") { patrols }']) {
      const r = await hub.queryAs<unknown>(token, `{ county(code: "623021") { ${field} } }`);
      expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    }
    const csv = await fetch(new URL('/reports/disputes.csv?within=623021&level=village&from=0001-01-01&to=0001-12-31', hub.gatewayUrl), {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(csv.status).toBe(400);
    expect(((await csv.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('BAD_USER_INPUT');
    // A day that does not exist names the parameter, as every other refused parameter of the route does.
    const day = await fetch(new URL('/reports/disputes.csv?within=623021&level=township&from=2026-02-30&to=2026-03-01', hub.gatewayUrl), {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(day.status).toBe(400);
    expect(((await day.json()) as { errors: { extensions: Record<string, unknown> }[] }).errors[0]!.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      argument: 'from',
    });
  });
});
