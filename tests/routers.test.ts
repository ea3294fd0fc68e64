/**
 * The hub behind other federation routers (issue 19; deploy/routers.md): Hive Gateway with the Rust query planner and
 * Grafbase, installed on demand (scripts/lib/peers.ts) and configured only by deploy/'s files and environment,
 * serve the same subgraphs as the hub's gateway. Every security rule holds through each, because the subgraphs
 * enforce it themselves: they verify the caller's own token and answer only a trusted router (x-hub-router).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import pg from 'pg';
import { installPeers, startGrafbase, startHiveGateway, type RunningPeer } from '../scripts/lib/peers.ts';
import { postJson, startHub, type GraphQLResponse, type Nodes, type TestHub } from './helpers/hub.ts';
import { suiteScratch } from './helpers/scratch.ts';
import { freePort } from './setup/global.ts';

/** The first install downloads about 750 packages and a 100 MB binary. */
const INSTALL_MS = 600_000;
const START_MS = 180_000;

let hub: TestHub;
const scratch = suiteScratch('hub-routers-');
let work: string;
const routers: Record<string, RunningPeer> = {};
/** A resident of 临潭县 (623021) and one of 门源县 (632223, another county). */
let ownPerson: string;
let otherPerson: string;

beforeAll(
  async () => {
    hub = await startHub();
    const peers = await installPeers({ log: (line) => console.log(`[routers.test] ${line}`) });
    work = scratch();
    const subgraphUrls = { county: hub.subgraphs.county.url, township: hub.subgraphs.township.url, village: hub.subgraphs.village.url };
    // A router secret of the subgraphs' list (the last one: the hub's gateway sends the first).
    const routerSecret = inject('keys').routerSecrets.at(-1)!;
    routers['Hive Gateway (Rust planner)'] = await startHiveGateway(
      peers,
      { subgraphUrls, routerSecret, port: await freePort(), workDir: join(work, 'hive') },
      START_MS,
    );
    routers['Grafbase'] = await startGrafbase(peers, { subgraphUrls, routerSecret, port: await freePort(), workDir: join(work, 'grafbase') }, START_MS);
    const first = async (village: string) =>
      (await hub.query<{ village: { residents: Nodes<{ id: string }> } }>(`{ village(code: "${village}") { residents(first: 1) { nodes { id } } } }`)).data!
        .village.residents.nodes[0]!.id;
    ownPerson = await first('623021200201');
    const other = (await hub.query<{ villages: { code: string }[] }>(`{ villages(within: "632223") { code } }`)).data!.villages[0]!.code;
    otherPerson = await first(other);
  },
  INSTALL_MS + 2 * START_MS + 120_000,
);

afterAll(async () => {
  await Promise.all(Object.values(routers).map((r) => r.stop()));
  await hub?.stop();
}, 60_000);

async function auditRows(subject: string): Promise<Record<string, unknown>[]> {
  const c = new pg.Client({ connectionString: inject('dbs').village.migrationUrl });
  await c.connect();
  try {
    return (await c.query('select * from audit_log where subject = $1 order by id', [subject])).rows;
  } finally {
    await c.end();
  }
}

const codeOf = (r: GraphQLResponse) => r.errors?.[0]?.extensions?.code;

describe.each(['Hive Gateway (Rust planner)', 'Grafbase'])('through %s', (name) => {
  const ask = async <T = Record<string, unknown>>(token: string | null, query: string, variables?: Record<string, unknown>) =>
    postJson<T>(routers[name]!.url, { query, variables }, token ? { authorization: `Bearer ${token}` } : {});

  it('answers what the hub’s gateway answers', { timeout: 120_000 }, async () => {
    const t = await hub.token({ jurisdiction: '623021', scopes: ['read'] });
    const q = `query Dash { village(code: "623021200201") { name township { name } grids { code name } population { residents households }
      disputes(first: 5) { totalCount nodes { caseNumber status } } } }`;
    const mine = await hub.queryAs(t, q);
    expect(mine.errors).toBeUndefined();
    expect(await ask(t, q)).toEqual(mine);
  });

  it('jurisdiction: a county caller cannot read another county’s village or resident', { timeout: 120_000 }, async () => {
    const t = await hub.token({ jurisdiction: '623021', scopes: ['read', 'pii'] });
    const list = await ask(t, `{ village(code: "632223100201") { residents(first: 3) { nodes { name idNumber } } } }`);
    expect(codeOf(list)).toBe('FORBIDDEN');
    expect(JSON.stringify(list.data ?? {})).not.toMatch(/idNumber|"name"/);
    // Another county's resident looks exactly like one that does not exist.
    const other = await ask(t, `{ person(id: "${otherPerson}") { name idNumber } }`);
    const missing = await ask(t, `{ person(id: "2000000000") { name idNumber } }`);
    expect(other).toEqual(missing);
    expect(other.data).toEqual({ person: null });
    const own = await ask<{ person: { name: string } }>(t, `{ person(id: "${ownPerson}") { name } }`);
    expect(own.errors).toBeUndefined();
    expect(own.data!.person.name).toBeTruthy();
  });

  it('report-only: a report caller gets figures and FORBIDDEN for records', { timeout: 120_000 }, async () => {
    const t = await hub.token({ jurisdiction: '62', scopes: ['report'] });
    const stats = await ask<{ county: { name: string; population: { residents: number } } }>(t, `{ county(code: "623021") { name population { residents } } }`);
    expect(stats.errors).toBeUndefined();
    expect(stats.data!.county.population.residents).toBeGreaterThanOrEqual(140_000);
    for (const q of [`{ village(code: "623021200201") { residents { nodes { name } } } }`, `{ person(id: "${ownPerson}") { name } }`]) {
      const r = await ask(t, q);
      expect(codeOf(r), q).toBe('FORBIDDEN');
      expect(JSON.stringify(r.data ?? {})).not.toMatch(/"name":"[^"]/);
    }
  });

  it('masking and audit: ID numbers masked without pii; a pii read writes an audit row with the caller’s subject', { timeout: 120_000 }, async () => {
    const plain = await hub.token({ jurisdiction: '623021', scopes: ['read'] });
    const masked = await ask<{ person: { idNumber: string } }>(plain, `{ person(id: "${ownPerson}") { idNumber } }`);
    expect(masked.data!.person.idNumber).toMatch(/^623021\*{12}$/);

    const subject = `router-pii-${name.split(' ')[0]!.toLowerCase()}-${Date.now()}`;
    const pii = await hub.token({ jurisdiction: '623021', scopes: ['read', 'pii'], subject });
    expect(await auditRows(subject)).toEqual([]);
    const full = await ask<{ person: { idNumber: string } }>(pii, `query ReadOne { person(id: "${ownPerson}") { idNumber } }`);
    expect(full.data!.person.idNumber).toMatch(/^623021\d{11}[\dX]$/);
    const rows = await auditRows(subject);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ subject, record_type: 'Person', record_ids: [Number(ownPerson)], fields: ['idNumber'], caller_jurisdiction: '623021' });
  });

  it('a request without a caller token gets no data', { timeout: 120_000 }, async () => {
    const r = await ask(null, `{ village(code: "623021200201") { name residents(first: 1) { nodes { name } } } }`);
    expect(r.errors?.length).toBeGreaterThan(0);
    expect(r.data?.village ?? null).toBeNull();
    // Each router words the subgraph's 401 its own way (deploy/routers.md).
    expect(codeOf(r)).toBe(name === 'Grafbase' ? 'SUBGRAPH_REQUEST_ERROR' : 'UNAUTHENTICATED');
  });
});

describe('subgraphs answer only a trusted router', () => {
  it.each(['county', 'township', 'village'] as const)('the %s subgraph refuses a caller’s own token without the router secret', async (name) => {
    const url = hub.subgraphs[name].url;
    const token = await hub.token({ jurisdiction: '623021', scopes: ['read'] });
    const send = async (headers: Record<string, string>) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      return { status: res.status, body: (await res.json().catch(() => null)) as GraphQLResponse | null };
    };
    const direct = await send({ authorization: `Bearer ${token}` });
    expect(direct.status).toBe(401);
    expect(direct.body?.data ?? null).toBeNull();
    const forged = await send({ authorization: `Bearer ${token}`, 'x-hub-router': 'x'.repeat(40) });
    expect(forged.status).toBe(401);
    // The same request with the secret a router sets is answered: the secret is what was missing.
    const routed = await send({ authorization: `Bearer ${token}`, 'x-hub-router': inject('keys').routerSecrets.at(-1)! });
    expect(routed.status).toBe(200);
    expect(routed.body?.data).toEqual({ __typename: 'Query' });
  });
});

describe('the hub’s own HTTP routes beside another router', () => {
  it('the hub’s gateway serves CSV reports for the same caller (deploy/routers.md: path routing)', async () => {
    const t = await hub.token({ jurisdiction: '62', scopes: ['report'] });
    const res = await fetch(`${hub.gatewayUrl.replace(/\/graphql$/, '')}/reports/population.csv?within=623021&level=township`, {
      headers: { authorization: `Bearer ${t}` },
    });
    expect(res.status).toBe(200);
    const csv = await res.text();
    expect(csv.split('\n').filter(Boolean).length).toBeGreaterThan(10);
  });
});
