/**
 * Test suite setup: one real PostgreSQL for the run (embedded in a temp
 * folder, or the server named by TEST_DATABASE_ADMIN_URL), the three
 * subgraph databases migrated and loaded with the five seed counties.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { generateKeyPairPem, type KeyPairPem } from '../../platform/auth.ts';
import type { DatabaseSettings, SubgraphName } from '../../platform/settings.ts';
import { SEED_COUNTIES } from '../../domain/divisions.ts';
import { ensureDatabases } from '../../scripts/lib/databases.ts';
import { startEmbeddedPg, type EmbeddedPg } from '../../scripts/lib/embedded-pg.ts';
import { loadDirectory, migrateAll, seedDemo } from '../../scripts/lib/setup.ts';
import { newRouterSecret } from '../../scripts/lib/keys.ts';
import { DEFAULT_DEMO_DATE } from '../../platform/settings.ts';
import { startTypecheck, typechecksFor, type BackgroundTypechecks } from '../helpers/typecheck.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dbs: Record<SubgraphName, DatabaseSettings>;
    adminUrl: string;
    /** The caller key pair, the router secrets the subgraphs accept (the gateway sends the first) and the events secret. */
    keys: { caller: KeyPairPem; routerSecrets: string[]; eventsSecret: string };
    /** The type-checks started beside the tests (tests/helpers/typecheck.ts). */
    typecheck: BackgroundTypechecks;
  }
}

/** 卓尼县, next to 临潭县: the county that tests which write to the registry work in. */
export const WRITE_COUNTY = '623022';

/**
 * A port nothing listens on, for a server a test is about to start. It is
 * taken below the kernel's ephemeral range, so that an outgoing connection
 * (of which a test run makes thousands) cannot take it between this pick and
 * the server's bind, or while a supervised service is down for a restart.
 * Each of up to eight vitest workers draws from its own slice, and a process
 * never hands out a port twice, so two picks made before either server binds
 * do not clash.
 */
export async function freePort(): Promise<number> {
  const slice = 1500;
  const worker = Number(process.env.VITEST_POOL_ID ?? 0) % 8;
  const base = 20_000 + worker * slice;
  const ephemeralLow = ephemeralRangeStart();
  // A kernel whose ephemeral range starts lower leaves no room here: the kernel's own pick it is, as before.
  if (base + slice > ephemeralLow) return anyPort();
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = base + Math.floor(Math.random() * slice);
    if (port >= ephemeralLow || handedOut.has(port)) continue;
    if (await canListen(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port in ${base}–${base + slice - 1}`);
}

const handedOut = new Set<number>();

function ephemeralRangeStart(): number {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 32_768;
  } catch {
    return 32_768;
  }
}

function anyPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

export default async function setup(project: TestProject) {
  let epg: EmbeddedPg | undefined;
  let dir: string | undefined;
  let adminUrl = process.env.TEST_DATABASE_ADMIN_URL;
  if (!adminUrl) {
    dir = mkdtempSync(join(tmpdir(), 'hub-test-'));
    chmodSync(dir, 0o755); // PostgreSQL runs as its own user when we are root
    epg = await startEmbeddedPg({ dir, port: await freePort() });
    adminUrl = epg.adminUrl;
  }
  const dbs = await ensureDatabases(adminUrl, { owner: 'test-owner-pw', app: 'test-app-pw' }, 'hub_test_');
  await migrateAll(dbs);
  // The seed counties stay as seeded (tests compare their figures); tests that write use 卓尼县.
  await loadDirectory(dbs, [...SEED_COUNTIES, WRITE_COUNTY]);
  await seedDemo(dbs, [...SEED_COUNTIES, WRITE_COUNTY], DEFAULT_DEMO_DATE);
  project.provide('dbs', dbs);
  project.provide('keys', {
    caller: await generateKeyPairPem(),
    // Two, as during a rotation: the gateway sends the first; tests/trust.test.ts sends the second.
    routerSecrets: [newRouterSecret(), newRouterSecret()],
    eventsSecret: randomBytes(32).toString('base64url'),
  });
  project.provide('adminUrl', adminUrl);
  // After the seeding, which keeps both cores busy; the tests that follow leave one mostly idle.
  const checks = mkdtempSync(join(tmpdir(), 'hub-typecheck-'));
  const started = typechecksFor(process.argv);
  const children = started.map((name) => startTypecheck(name, checks));
  project.provide('typecheck', { dir: checks, started });
  return async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(checks, { recursive: true, force: true });
    await epg?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
}
