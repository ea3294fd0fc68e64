/**
 * Router-agnostic trust (docs/ARCHITECTURE.md §2), through real HTTP: a subgraph answers only a router that
 * sends one of HUB_ROUTER_SECRETS in `x-hub-router`, and verifies the caller's own forwarded token itself,
 * with keys from a JWKS file (chosen by `kid`, so keys rotate) or one public key. Verified callers are
 * cached, but never past their token's `exp`.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader, importPKCS8 } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { callerJwks, generateKeyPairPem, importPrivateKey, mintCallerToken, ROUTER_HEADER, type KeyPairPem, type TrustSettings } from '../platform/auth.ts';
import { startModule, type StartedSubgraph } from '../platform/module.ts';
import { parseSettings, SettingsError, SUBGRAPHS, type SubgraphName } from '../platform/settings.ts';
import { startGateway } from '../gateway/src/gateway.ts';
import { MODULES } from '../scripts/lib/setup.ts';
import { newRouterSecret } from '../scripts/lib/keys.ts';
import { ALL_SCOPES, NATIONAL_TEST_SUBJECT, startHub, type GraphQLResponse, type TestHub } from './helpers/hub.ts';
import { suiteScratch } from './helpers/scratch.ts';

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

/**
 * How long a change to a JWKS file may take to reach the answers: a ceiling, not a wait. The subgraph looks at the file
 * every 5 s at most (JWKS_FILE_CHECK_MS in platform/auth.ts); this leaves room for a busy machine.
 */
const PICKED_UP = { timeout: 30_000, interval: 100 };

/** Asks with `token` until the answer is a refusal (a key taken out of the file), at most PICKED_UP's timeout; the last answer. */
async function refusedSoon(ask: (token: string) => Promise<Answer>, token: string): Promise<Answer> {
  let last: Answer | undefined;
  await expect.poll(async () => (last = await ask(token)).status, PICKED_UP).toBe(401);
  return last!;
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

  it('a gateway whose router secret the subgraphs refuse is not healthy, naming each subgraph that refuses it', async () => {
    // Hosts deployed with different HUB_ROUTER_SECRETS: every request this gateway forwards is refused.
    const foreign = await startGateway({
      callerKeys: { publicKey: keys.caller.publicKey },
      routerSecret: newRouterSecret(),
      subgraphUrls: Object.fromEntries(SUBGRAPHS.map((n) => [n, hub.subgraphs[n].url])) as Record<SubgraphName, string>,
    });
    try {
      const health = await fetch(new URL('/health', foreign.url));
      expect(health.status).toBe(503);
      const body = (await health.json()) as { status: string; subgraphs: Record<string, string> };
      expect(body.status).toBe('degraded');
      for (const n of SUBGRAPHS) expect(body.subgraphs[n], n).toMatch(/^router secret refused/);
      // The hub's own gateway, with an accepted secret, is healthy.
      const own = await fetch(new URL('/health', hub.gatewayUrl));
      expect(own.status).toBe(200);
      expect(((await own.json()) as { subgraphs: Record<string, string> }).subgraphs).toEqual({ county: 'ok', township: 'ok', village: 'ok' });
      // A subgraph's own health is about itself: a load balancer's check (no secret) is told nothing of secrets.
      const plain = await fetch(new URL('/health', url));
      expect(plain.status).toBe(200);
      expect(await plain.json()).toEqual({ status: 'ok', service: 'county' });
      const refused = await fetch(new URL('/health', url), { headers: { [ROUTER_HEADER]: newRouterSecret() } });
      expect(refused.status).toBe(200);
      expect(await refused.json()).toMatchObject({ status: 'ok', router: 'refused' });
      const accepted = await fetch(new URL('/health', url), { headers: { [ROUTER_HEADER]: second } });
      expect(await accepted.json()).toMatchObject({ status: 'ok', router: 'accepted' });
    } finally {
      await foreign.stop();
    }
  }, 60_000);
});

describe('a subgraph with a JWKS file (HUB_CALLER_JWKS_FILE)', () => {
  const dir = suiteScratch('hub-trust-');
  let file: string;
  const secret = newRouterSecret();
  let county: StartedSubgraph;
  let oldKey: KeyPairPem;
  let newKey: KeyPairPem;

  const ask = (token: string) => post(county.url, COUNTY_QUERY, { authorization: `Bearer ${token}`, [ROUTER_HEADER]: secret });

  beforeAll(async () => {
    file = join(dir(), 'callers.jwks.json');
    [oldKey, newKey] = [await generateKeyPairPem(), await generateKeyPairPem()];
    writeFileSync(file, JSON.stringify(await callerJwks([oldKey.publicKey, newKey.publicKey])));
    county = await startCounty({ routerSecrets: [secret], callerKeys: { jwksFile: file }, nationalSubjects: [NATIONAL_TEST_SUBJECT] });
  }, 180_000);
  afterAll(async () => {
    await county?.stop();
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
    const token = await tokenOf(revoked);
    // Accepted once the subgraph has reread the file (its first answer of 200 verifies and caches the token).
    await expect.poll(async () => (await ask(token)).status, PICKED_UP).toBe(200);
    expect((await ask(token)).status).toBe(200);
    writeFileSync(file, JSON.stringify(await callerJwks([newKey.publicKey])));
    utimesSync(file, new Date(), new Date(Date.now() + 20_000));
    // Refused once the subgraph has looked at the file again (JWKS_FILE_CHECK_MS), though the token is cached.
    const refused = await refusedSoon(ask, token);
    expect(refused.status).toBe(401);
    expect(message(refused)).toContain("not in this hub's caller key set");
    expect((await ask(await tokenOf(newKey))).status).toBe(200);
  }, 120_000);

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

describe('a rotation of the caller key with npm run keys and npm run token (docs/deploy.md §6)', () => {
  const dir = suiteScratch('hub-rotation-');
  let data: string;
  let file: string;
  const secret = newRouterSecret();
  let county: StartedSubgraph;
  let env: NodeJS.ProcessEnv;
  /** A command of the project as an operator runs it, with this data folder and the JWKS file set. */
  const run = (script: string, ...args: string[]) => {
    const r = spawnSync(process.execPath, [script, ...args], { env, encoding: 'utf8' });
    expect(r.status, `${script} ${args.join(' ')}: ${r.stderr}`).toBe(0);
    return r.stdout;
  };
  const token = () => run('scripts/token.ts', '--jurisdiction', '623021', '--subject', 'rotation-test').trim();
  /** The operator publishes a JWKS: the subgraph's file changes (its mtime moved on, as a copy a second later would). */
  let published = 0;
  const publish = (jwks: string) => {
    writeFileSync(file, jwks);
    published += 10_000;
    utimesSync(file, new Date(), new Date(Date.now() + published));
  };
  const ask = (t: string) => post(county.url, COUNTY_QUERY, { authorization: `Bearer ${t}`, [ROUTER_HEADER]: secret });
  const kids = (jwks: string) => (JSON.parse(jwks) as { keys: { kid: string }[] }).keys.map((k) => k.kid).sort();

  beforeAll(async () => {
    data = join(dir(), 'data');
    file = join(dir(), 'callers.jwks.json');
    env = {
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(HUB|GATEWAY|COUNTY|TOWNSHIP|VILLAGE)_|^NODE_ENV$/.test(k))),
      HUB_DATA_DIR: data,
      HUB_CALLER_JWKS_FILE: file,
    };
    // The data folder's pair, as npm start makes it on a development machine or the issuer keeps it.
    const first = await generateKeyPairPem();
    mkdirSync(join(data, 'keys'), { recursive: true, mode: 0o700 });
    writeFileSync(join(data, 'keys', 'caller.private.pem'), first.privateKey, { mode: 0o600 });
    writeFileSync(join(data, 'keys', 'caller.public.pem'), first.publicKey);
    publish(JSON.stringify(await callerJwks([first.publicKey])));
    county = await startCounty({ routerSecrets: [secret], callerKeys: { jwksFile: file }, nationalSubjects: [] });
  }, 180_000);
  afterAll(async () => {
    await county?.stop();
  });

  it('new key published beside the old, tokens signed with it, the old one dropped: each token accepted exactly while its key is published', async () => {
    // npm run token signs with the data folder's key although the verifying keys come from HUB_CALLER_JWKS_FILE.
    const oldToken = token();
    expect((await ask(oldToken)).status).toBe(200);
    const oldKid = kids(readFileSync(file, 'utf8'));

    const both = run('scripts/keys.ts', 'new');
    expect(kids(both)).toHaveLength(2);
    expect(kids(both)).toEqual(expect.arrayContaining(oldKid));
    // Until switch, the tool still signs with the old key.
    expect(decodeProtectedHeader(token()).kid).toBe(oldKid[0]);
    expect(kids(run('scripts/keys.ts', 'switch'))).toEqual(kids(both));
    const newToken = token();
    const newKid = decodeProtectedHeader(newToken).kid!;
    expect(kids(both)).toContain(newKid);
    expect(newKid).not.toBe(oldKid[0]);

    // Not yet published: refused.
    const early = await ask(newToken);
    expect(early.status).toBe(401);
    expect(message(early)).toContain("not in this hub's caller key set");
    // Published beside the old: both accepted.
    publish(both);
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await ask(newToken)).status).toBe(200);
    expect((await ask(oldToken)).status).toBe(200);
    // The old key dropped: its token refused within seconds, the new one still accepted.
    const last = run('scripts/keys.ts', 'drop');
    expect(kids(last)).toEqual([newKid]);
    publish(last);
    const dropped = await refusedSoon(ask, oldToken);
    expect(dropped.status).toBe(401);
    expect(message(dropped)).toContain("not in this hub's caller key set");
    expect((await ask(newToken)).status).toBe(200);
    expect(kids(run('scripts/keys.ts', 'jwks'))).toEqual([newKid]);
  }, 120_000);
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
