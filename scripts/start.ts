/**
 * One command runs the hub: embedded PostgreSQL (unless external databases
 * are configured), migrations, the seed on first run, then the three
 * subgraphs and the gateway, each its own process. Ctrl-C stops them all and
 * the database.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { settingsOrExit, SUBGRAPHS } from '../platform/settings.ts';
import { importPrivateKey, mintCallerToken } from '../platform/auth.ts';
import { keyEnv, loadKeys } from './lib/keys.ts';
import { migrateAll, prepareDatabases, seedIfEmpty } from './lib/setup.ts';

const t0 = performance.now();
const settings = settingsOrExit();
const secs = () => ((performance.now() - t0) / 1000).toFixed(1);

const databases = await prepareDatabases(settings);
const applied = await migrateAll(databases.dbs);
const appliedCount = Object.values(applied).flat().length;
console.log(`Migrations: ${appliedCount ? `applied ${appliedCount}` : 'up to date'} (${secs()} s).`);
const seeded = await seedIfEmpty(databases.dbs, settings.demoDate);
if (seeded) console.log(`Seeded demo data (${secs()} s).`);

const keys = await loadKeys(settings);
const children = new Map<string, ChildProcess>();
let stopping = false;

const env: NodeJS.ProcessEnv = { ...process.env, ...keyEnv(keys) };
for (const name of SUBGRAPHS) {
  env[`${name.toUpperCase()}_DATABASE_URL`] = databases.dbs[name].url;
  env[`${name.toUpperCase()}_MIGRATION_DATABASE_URL`] = databases.dbs[name].migrationUrl;
}

function launch(name: string, script: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(new URL(script, import.meta.url))], {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.set(name, child);
    let ready = false;
    child.stdout!.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      process.stdout.write(text);
      if (!ready && text.includes('ready at')) {
        ready = true;
        resolve();
      }
    });
    child.on('exit', (code, signal) => {
      children.delete(name);
      if (!ready) reject(new Error(`${name} exited before it was ready (code ${code}, signal ${signal}).`));
      else if (!stopping) {
        console.error(`[start] ${name} stopped unexpectedly (code ${code}, signal ${signal}); stopping the hub.`);
        void shutdown(1);
      }
    });
  });
}

async function shutdown(code: number): Promise<never> {
  if (stopping) return new Promise<never>(() => {});
  stopping = true;
  console.log('\n[start] stopping services...');
  await Promise.all(
    [...children.values()].map(
      (child) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
  await databases.stop();
  console.log('[start] stopped.');
  process.exit(code);
}

// The hub stops its services first and the database last.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void shutdown(0));

try {
  await Promise.all([
    launch('county', '../subgraphs/county/src/main.ts'),
    launch('township', '../subgraphs/township/src/main.ts'),
    launch('village', '../subgraphs/village/src/main.ts'),
  ]);
  await launch('gateway', '../gateway/src/main.ts');
} catch (e) {
  console.error(`[start] ${(e as Error).message}`);
  await shutdown(1);
}

const endpoint = `http://${settings.host === '0.0.0.0' ? 'localhost' : settings.host}:${settings.gatewayPort}/graphql`;
let tokens = '';
if (keys.caller.privateKey) {
  const key = await importPrivateKey(keys.caller.privateKey);
  const admin = await mintCallerToken(key, {
    subject: 'demo-623021-admin',
    name: '临潭县综治中心 (demo administrator)',
    jurisdiction: '623021',
    scopes: ['read', 'write', 'pii', 'report', 'admin'],
    ttl: 12 * 3600,
  });
  const report = await mintCallerToken(key, {
    subject: 'demo-62-report',
    name: '甘肃省 reporting tool (demo)',
    jurisdiction: '62',
    scopes: ['report'],
    ttl: 12 * 3600,
  });
  tokens = `
  Tokens (valid 12 h; mint others with npm run token -- --jurisdiction <code> --scopes read,write,pii):
    临潭县 administrator (623021; read, write, pii, report, admin):
      ${admin}
    甘肃省 report-only tool (62; report):
      ${report}
  Explorer (GraphiQL, offline): ${endpoint.replace(/\/graphql$/, '')}/explorer?token=${admin}`;
}
console.log(`
The hub is ready in ${secs()} s${seeded ? ' (first start, seeding included)' : ''}.
  GraphQL endpoint: ${endpoint}${tokens}
  Try: curl -s ${endpoint} -H 'content-type: application/json' -H "authorization: Bearer <token>" \\
         -d '{"query":"{ county(code: \\"623021\\") { name region { name } townships { code name kind } } }"}'
Press Ctrl-C to stop.`);
