import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import pg from 'pg';
import { configureLogs, log, scrub } from '../platform/log.ts';
import { postJson, startHub, type TestHub } from './helpers/hub.ts';

/**
 * Structured logs (docs/ARCHITECTURE.md, "Observability"): JSON lines, each line of a request naming its request
 * id, the caller's subject and the operation, and no personal data: a request that looks a resident up by ID
 * number and phone, with the caller's token, leaves none of them (nor the resident's name) in the log.
 */
const COUNTY = '623021';
const lines: string[] = [];
let hub: TestHub;
let who: { name: string; idNumber: string; phone: string };
let token: string;

beforeAll(async () => {
  configureLogs({ level: 'debug', destination: { write: (line: string) => void lines.push(line) } });
  hub = await startHub();
  const db = new pg.Client({ connectionString: inject('dbs').village.migrationUrl });
  await db.connect();
  try {
    const r = await db.query<{ name: string; id_number: string; phone: string }>(
      `select name, id_number, phone from person where county_code = $1 and id_number is not null and phone is not null and length(name) >= 2
        order by id limit 1`,
      [COUNTY],
    );
    const row = r.rows[0]!;
    who = { name: row.name, idNumber: row.id_number, phone: row.phone };
  } finally {
    await db.end();
  }
  token = await hub.token({ jurisdiction: COUNTY, scopes: ['read', 'pii'], subject: 'log-test-officer' });
}, 300_000);
afterAll(async () => {
  await hub?.stop();
  configureLogs({ level: 'warn' });
});

type Line = Record<string, unknown>;
const parsed = (): Line[] => lines.map((l) => JSON.parse(l) as Line);

describe('logs', () => {
  it('write one JSON line per request with its id, subject and operation, and no ID number, phone, name or token', async () => {
    const requestId = 'log-test-lookup-1';
    const lookup = await postJson<{ county: { residents: { nodes: { name: string; idNumber: string; phone: string }[] } } }>(
      hub.gatewayUrl,
      {
        query: `query FindResident($id: String, $phone: String) { county(code: "${COUNTY}") {
          byId: residents(filter: { idNumber: $id }, first: 5) { nodes { name idNumber phone } }
          byPhone: residents(filter: { phone: $phone }, first: 5) { nodes { name idNumber phone } } } }`,
        variables: { id: who.idNumber, phone: who.phone },
      },
      { authorization: `Bearer ${token}`, 'x-request-id': requestId },
    );
    expect(lookup.errors).toBeUndefined();
    // The answer itself carries the personal data (the caller holds `pii`): the log must not.
    expect(JSON.stringify(lookup.data)).toContain(who.idNumber);

    // A refused lookup: an ID number that fails its check digit, quoted back in the error message.
    const bad = `${who.idNumber.slice(0, 17)}${who.idNumber.endsWith('0') ? '1' : '0'}`;
    const refused = await postJson(
      hub.gatewayUrl,
      { query: `query BadLookup { county(code: "${COUNTY}") { residents(filter: { idNumber: "${bad}" }) { totalCount } } }` },
      { authorization: `Bearer ${token}`, 'x-request-id': 'log-test-bad-1' },
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    await new Promise((r) => setTimeout(r, 200));

    const all = parsed();
    const mine = all.filter((l) => l.requestId === requestId);
    // The gateway's line and the village subgraph's (it answered the lookups), all naming the request.
    expect(mine.map((l) => l.service)).toEqual(expect.arrayContaining(['gateway', 'village']));
    for (const l of mine) {
      expect(l).toMatchObject({ msg: 'request', subject: 'log-test-officer' });
      expect(typeof l.operation).toBe('string');
      expect(typeof l.ms).toBe('number');
      expect(typeof l.time).toBe('string');
      expect(typeof l.level).toBe('string');
    }
    expect(mine.find((l) => l.service === 'gateway')?.operation).toBe('FindResident');
    // A failed request is logged at info with its error codes (not its messages).
    const failed = all.find((l) => l.requestId === 'log-test-bad-1' && l.service === 'gateway');
    expect(failed).toMatchObject({ level: 'info', operation: 'BadLookup', errors: ['BAD_USER_INPUT'] });

    const text = lines.join('');
    expect(text.length).toBeGreaterThan(0);
    for (const secret of [who.idNumber, bad, who.phone, who.name, token, token.split('.')[1]!]) expect(text).not.toContain(secret);
  }, 120_000);

  it('log a refused request with the code its client is given, not the one it was raised with', async () => {
    // Apollo raises an APQ hash that is not its query's with no code; the client is told BAD_REQUEST.
    const res = await fetch(hub.gatewayUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-request-id': 'log-test-apq-1' },
      body: JSON.stringify({ query: '{ __typename }', extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } } }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('BAD_REQUEST');
    const line = parsed().find((l) => l.requestId === 'log-test-apq-1' && l.msg === 'request');
    expect(line).toMatchObject({ level: 'info', service: 'gateway', errors: ['BAD_REQUEST'] });
    // Nothing went wrong inside: no internal error was logged for it.
    expect(parsed().filter((l) => l.requestId === 'log-test-apq-1' && l.msg === 'internal error')).toEqual([]);
  });

  it('answer with the request id the lines name: the client’s, or one made for it, which the subgraphs log too', async () => {
    const sent = await fetch(hub.gatewayUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-request-id': 'log-test-echo-1' },
      body: JSON.stringify({ query: `{ county(code: "${COUNTY}") { name } }` }),
    });
    expect(sent.headers.get('x-request-id')).toBe('log-test-echo-1');
    lines.length = 0;
    const made = await fetch(hub.gatewayUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ county(code: "${COUNTY}") { name townships { name } } }` }),
    });
    const id = made.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const services = new Set(
      parsed()
        .filter((l) => l.requestId === id)
        .map((l) => l.service),
    );
    expect(services).toEqual(new Set(['gateway', 'county', 'township']));
  });

  it('log a download its client closes early at info, naming the route, with no error and no stack', async () => {
    // `curl …/export/residents.xlsx | head -c 300`: the client reads the first bytes and closes the connection.
    const requestId = 'log-test-early-close-1';
    const reader = await hub.token({ jurisdiction: COUNTY, scopes: ['read'], subject: 'log-test-downloader' });
    const controller = new AbortController();
    const res = await fetch(new URL(`/export/residents.xlsx?within=${COUNTY}`, hub.gatewayUrl), {
      headers: { authorization: `Bearer ${reader}`, 'x-request-id': requestId },
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    const first = await res.body!.getReader().read();
    expect(first.value!.length).toBeGreaterThan(0);
    controller.abort();
    const mine = () => parsed().filter((l) => l.requestId === requestId);
    const gone = (service: string) => mine().find((l) => l.service === service && /went away|failed after its answer began/.test(String(l.msg)));
    // The gateway sees its client leave, then the village subgraph sees the gateway's request to it end.
    for (let waited = 0; !(gone('gateway') && gone('village')) && waited < 15_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
    expect(mine().filter((l) => l.level === 'error' || l.level === 'fatal')).toEqual([]);
    for (const [service, route] of [
      ['gateway', '/export/*'],
      ['village', '/export/*'],
    ] as const) {
      expect(gone(service), service).toMatchObject({ level: 'info', route, path: '/export/residents.xlsx' });
      expect(gone(service)!.err, service).toBeUndefined();
    }
  }, 60_000);

  it('scrub ID numbers, phones and tokens from free text, and redact fields that name them', () => {
    const before = lines.length;
    const jwt = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
    log.error(
      {
        err: new Error(`duplicate key: Key (id_number)=(62302119900517123X) phone 13812345678 Bearer ${jwt}`),
        idNumber: '62302119900517123X',
        caller: { phone: '13812345678' },
      },
      `lookup of 62302119900517123X by ${jwt} failed`,
    );
    const text = lines.slice(before).join('');
    expect(text).not.toContain('62302119900517123X');
    expect(text).not.toContain('13812345678');
    expect(text).not.toContain(jwt);
    expect(text).toContain('[id-number]');
    expect(text).toContain('[redacted]');
    expect(scrub('ID 62302119900517123x, phone 13812345678, order 2026120100000001')).toBe('ID [id-number], phone [phone], order 2026120100000001');
  });
});
