/**
 * Router-agnostic trust (docs/ARCHITECTURE.md §2), through real HTTP: a subgraph answers only a router that
 * sends one of HUB_ROUTER_SECRETS in `x-hub-router`, and verifies the caller's own forwarded token itself,
 * with keys from a JWKS file (chosen by `kid`, so keys rotate) or one public key. Verified callers are
 * cached, but never past their token's `exp`.
 */
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt, importPKCS8 } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { callerJwks, generateKeyPairPem, importPrivateKey, mintCallerToken, ROUTER_HEADER, type KeyPairPem, type TrustSettings } from '../platform/auth.ts';
import { startModule, type StartedSubgraph } from '../platform/module.ts';
import { parseSettings, SettingsError } from '../platform/settings.ts';
import { MODULES } from '../scripts/lib/setup.ts';
import { newRouterSecret } from '../scripts/lib/keys.ts';
import { ALL_SCOPES, NATIONAL_TEST_SUBJECT, startHub, type GraphQLResponse, type TestHub } from './helpers/hub.ts';

const COUNTY_QUERY = { query: 'query CountyName { county(code: "623021") { name } }' };

interface Answer {
  status: number;
  body: GraphQLResponse<{ county: { name: string } | null }>;
}

async function post(url: string, body: unknown, headers: Record<string, string>): Promise<Answer> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'accept-language': 'en', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

const code = (a: Answer) => a.body.errors?.[0]?.extensions?.code;
const message = (a: Answer) => a.body.errors?.[0]?.message ?? '';

/** A token signed with `pair` (with its `kid` unless `withKid` is false). */
async function tokenOf(pair: KeyPairPem, opts: { ttl?: number; withKid?: boolean } = {}): Promise<string> {
  // A key imported non-extractable cannot name itself: the token then carries no `kid`.
  const key = opts.withKid === false ? await importPKCS8(pair.privateKey, 'EdDSA') : await importPrivateKey(pair.privateKey);
  return mintCallerToken(key, { subject: 'trust-test', name: 'trust test', jurisdiction: '623021', scopes: ['read'], ttl: opts.ttl ?? 600 });
}

/** A county subgraph of its own with the given trust (no events: the suite's hub relays them). */
function startCounty(trust: TrustSettings): Promise<StartedSubgraph> {
  const dbs = inject('dbs');
  const none = 'http://127.0.0.1:9/graphql';
  return startModule(MODULES.county, {
    url: dbs.county.url,
    trust,
    eventsSecret: '',
    subgraphUrls: { county: none, township: none, village: none },
    poolMax: 2,
  });
}

describe('a subgraph of the test hub (router secrets from HUB_ROUTER_SECRETS, caller key HUB_CALLER_PUBLIC_KEY)', () => {
  let hub: TestHub;
  let url: string;
  let token: string;
  const keys = inject('keys');
  const [first, second] = keys.routerSecrets as [string, string];

  beforeAll(async () => {
    hub = await startHub();
    url = hub.subgraphs.county.url;
    token = await hub.token({ jurisdiction: '623021', scopes: ['read'], subject: 'trust-county' });
  }, 180_000);
  afterAll(async () => hub?.stop());

  it('refuses a request without x-hub-router, even with a valid caller token, and names what is missing', async () => {
    const a = await post(url, COUNTY_QUERY, { authorization: `Bearer ${token}` });
    expect(a.status).toBe(401);
    expect(code(a)).toBe('UNAUTHENTICATED');
    expect(message(a)).toContain('no x-hub-router header');
    expect(a.body.data ?? null).toBeNull();
    // `_entities` is behind the same door.
    const entities = await post(
      url,
      { query: 'query($r: [_Any!]!) { _entities(representations: $r) { __typename } }', variables: { r: [{ __typename: 'County', code: '623021' }] } },
      { authorization: `Bearer ${token}` },
    );
    expect(entities.status).toBe(401);
  });

  it('refuses a wrong secret, and a secret that differs only in its last character', async () => {
    for (const wrong of [newRouterSecret(), `${first.slice(0, -1)}${first.endsWith('A') ? 'B' : 'A'}`, `${first},${second}`]) {
      const a = await post(url, COUNTY_QUERY, { authorization: `Bearer ${token}`, [ROUTER_HEADER]: wrong });
      expect(a.status, wrong).toBe(401);
      expect(message(a)).toContain('is not one of HUB_ROUTER_SECRETS');
    }
  });

  it('with a right secret, refuses no token, a malformed one, an expired one and one signed by another key', async () => {
    const router = { [ROUTER_HEADER]: first };
    const none = await post(url, COUNTY_QUERY, router);
    expect(none.status).toBe(401);
    expect(message(none)).toContain('no Authorization header');
    const malformed = await post(url, COUNTY_QUERY, { ...router, authorization: 'Bearer not.a.jwt' });
    expect(malformed.status).toBe(401);
    expect(message(malformed)).toContain('malformed');
    const notBearer = await post(url, COUNTY_QUERY, { ...router, authorization: token });
    expect(notBearer.status).toBe(401);
    const expired = await post(url, COUNTY_QUERY, { ...router, authorization: `Bearer ${await tokenOf(keys.caller, { ttl: -60 })}` });
    expect(expired.status).toBe(401);
    expect(message(expired)).toContain('expired');
    const foreign = await post(url, COUNTY_QUERY, { ...router, authorization: `Bearer ${await tokenOf(await generateKeyPairPem())}` });
    expect(foreign.status).toBe(401);
    expect(message(foreign)).toContain('not signed by this hub');
    // A whole-country token needs its subject in the subgraph's HUB_NATIONAL_SUBJECTS too.
    const national = await hub.token({ subject: 'not-national' });
    const refused = await post(url, COUNTY_QUERY, { ...router, authorization: `Bearer ${national}` });
    expect(refused.status).toBe(401);
    expect(message(refused)).toContain('HUB_NATIONAL_SUBJECTS');
  });

  it('answers with either of two secrets (rotation: both configured while routers move to the new one)', async () => {
    for (const secret of [first, second]) {
      const a = await post(url, COUNTY_QUERY, { authorization: `Bearer ${token}`, [ROUTER_HEADER]: secret });
      expect(a.status).toBe(200);
      expect(a.body.data!.county!.name).toBe('临潭县');
    }
  });

  it('the hub’s own gateway gets through with the same mechanism', async () => {
    const a = await hub.queryAs<{ county: { name: string } }>(token, COUNTY_QUERY.query);
    expect(a.errors).toBeUndefined();
    expect(a.data!.county.name).toBe('临潭县');
  });
});

describe('a subgraph with a JWKS file (HUB_CALLER_JWKS_FILE)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hub-trust-'));
  const file = join(dir, 'callers.jwks.json');
  const secret = newRouterSecret();
  let county: StartedSubgraph;
  let oldKey: KeyPairPem;
  let newKey: KeyPairPem;

  const ask = (token: string) => post(county.url, COUNTY_QUERY, { authorization: `Bearer ${token}`, [ROUTER_HEADER]: secret });

  beforeAll(async () => {
    [oldKey, newKey] = [await generateKeyPairPem(), await generateKeyPairPem()];
    writeFileSync(file, JSON.stringify(await callerJwks([oldKey.publicKey, newKey.publicKey])));
    county = await startCounty({ routerSecrets: [secret], callerKeys: { jwksFile: file }, nationalSubjects: [NATIONAL_TEST_SUBJECT] });
  }, 180_000);
  afterAll(async () => {
    await county?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('accepts tokens of both keys in the set (chosen by kid, or tried in turn without one)', async () => {
    for (const [pair, withKid] of [
      [oldKey, true],
      [newKey, true],
      [newKey, false],
    ] as const) {
      const a = await ask(await tokenOf(pair, { withKid }));
      expect(a.status, `kid: ${withKid}`).toBe(200);
      expect(a.body.data!.county!.name).toBe('临潭县');
    }
  });

  it('refuses a token signed by a key outside the set, then accepts it once the operator adds the key to the file', async () => {
    const later = await generateKeyPairPem();
    const token = await tokenOf(later);
    const refused = await ask(token);
    expect(refused.status).toBe(401);
    expect(message(refused)).toContain("not in this hub's caller key set");
    const unsignedKid = await ask(await tokenOf(later, { withKid: false }));
    expect(unsignedKid.status).toBe(401);

    // Rotation: the new key joins the set; the subgraph rereads the changed file (at most once a second), no restart.
    writeFileSync(file, JSON.stringify(await callerJwks([newKey.publicKey, later.publicKey])));
    utimesSync(file, new Date(), new Date(Date.now() + 5_000));
    await new Promise((r) => setTimeout(r, 1_100));
    const accepted = await ask(token);
    expect(accepted.status).toBe(200);
    expect(accepted.body.data!.county!.name).toBe('临潭县');
  });

  it('stops the tokens of a key taken out of the file within seconds, one already verified (cached) too, with no restart', async () => {
    const revoked = await generateKeyPairPem();
    writeFileSync(file, JSON.stringify(await callerJwks([newKey.publicKey, revoked.publicKey])));
    utimesSync(file, new Date(), new Date(Date.now() + 10_000));
    await new Promise((r) => setTimeout(r, 5_100));
    const token = await tokenOf(revoked);
    expect((await ask(token)).status).toBe(200);
    expect((await ask(token)).status).toBe(200);
    writeFileSync(file, JSON.stringify(await callerJwks([newKey.publicKey])));
    utimesSync(file, new Date(), new Date(Date.now() + 20_000));
    await new Promise((r) => setTimeout(r, 5_100));
    const refused = await ask(token);
    expect(refused.status).toBe(401);
    expect(message(refused)).toContain("not in this hub's caller key set");
    expect((await ask(await tokenOf(newKey))).status).toBe(200);
  }, 30_000);

  it('refuses a cached token once it has expired', async () => {
    const token = await tokenOf(newKey, { ttl: 5 }); // room for two answers on a busy machine before exp (whole seconds)
    expect((await ask(token)).status).toBe(200);
    // Cached now: a second answer comes from memory.
    expect((await ask(token)).status).toBe(200);
    const { exp } = decodeJwt(token);
    await new Promise((r) => setTimeout(r, Number(exp) * 1000 + 100 - Date.now()));
    const late = await ask(token);
    expect(late.status).toBe(401);
    expect(message(late)).toContain('expired');
  }, 30_000);
});

describe('a subgraph with a JWKS URL (HUB_CALLER_JWKS_URL)', () => {
  const secret = newRouterSecret();
  let county: StartedSubgraph;
  let server: Server;
  let served: KeyPairPem;
  let fetches = 0;

  beforeAll(async () => {
    served = await generateKeyPairPem();
    const body = JSON.stringify(await callerJwks([served.publicKey]));
    server = createServer((_req, res) => {
      fetches++;
      res.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    county = await startCounty({ routerSecrets: [secret], callerKeys: { jwksUrl: `http://127.0.0.1:${port}/jwks.json` }, nationalSubjects: [] });
  }, 180_000);
  afterAll(async () => {
    await county?.stop();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('verifies callers with the fetched set, fetching it once, and refuses a key it does not hold', async () => {
    for (let i = 0; i < 3; i++) {
      const a = await post(county.url, COUNTY_QUERY, { authorization: `Bearer ${await tokenOf(served)}`, [ROUTER_HEADER]: secret });
      expect(a.status).toBe(200);
      expect(a.body.data!.county!.name).toBe('临潭县');
    }
    expect(fetches).toBe(1);
    const foreign = await post(county.url, COUNTY_QUERY, { authorization: `Bearer ${await tokenOf(await generateKeyPairPem())}`, [ROUTER_HEADER]: secret });
    expect(foreign.status).toBe(401);
    expect(message(foreign)).toContain("not in this hub's caller key set");
  });
});

describe('fail closed', () => {
  let county: StartedSubgraph;
  beforeAll(async () => {
    county = await startCounty({ routerSecrets: [], callerKeys: { publicKey: inject('keys').caller.publicKey }, nationalSubjects: [] });
  }, 180_000);
  afterAll(async () => county?.stop());

  it('a subgraph with no HUB_ROUTER_SECRETS refuses everything, saying what an operator must set', async () => {
    const token = await mintCallerToken(await importPrivateKey(inject('keys').caller.privateKey), {
      subject: 'trust-test',
      name: 'trust test',
      jurisdiction: '623021',
      scopes: ALL_SCOPES,
      ttl: 600,
    });
    const tries: Record<string, string>[] = [{}, { [ROUTER_HEADER]: newRouterSecret() }, { [ROUTER_HEADER]: '' }];
    for (const headers of tries) {
      const a = await post(county.url, COUNTY_QUERY, { authorization: `Bearer ${token}`, ...headers });
      expect(a.status).toBe(403);
      expect(code(a)).toBe('FORBIDDEN');
      expect(message(a)).toContain('no HUB_ROUTER_SECRETS setting');
    }
    const zh = await fetch(county.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(COUNTY_QUERY) });
    expect(((await zh.json()) as Answer['body']).errors![0]!.message).toContain('未设置 HUB_ROUTER_SECRETS');
    // Health stays open to probes.
    expect((await fetch(new URL('/health', county.url))).status).toBe(200);
  });

  it('settings refuse a router secret shorter than 32 characters', () => {
    expect(() => parseSettings({ HUB_ROUTER_SECRETS: `${newRouterSecret()},short` })).toThrow(SettingsError);
    expect(parseSettings({ HUB_ROUTER_SECRETS: ` ${'a'.repeat(32)} , ${'b'.repeat(40)} ` }).keys.routerSecrets).toEqual(['a'.repeat(32), 'b'.repeat(40)]);
  });
});
