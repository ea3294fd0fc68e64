/**
 * One command runs the hub: embedded PostgreSQL (unless external databases
 * are configured), migrations, the seed on first run, then the three
 * subgraphs and the gateway, each its own process. A service that dies is
 * restarted with backoff while the others keep serving, the embedded
 * PostgreSQL too (scripts/lib/supervisor.ts). Ctrl-C stops them all and the
 * database.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { settingsOrExit, SUBGRAPHS, unknownSettingsWarning } from '../platform/settings.ts';
import { importPrivateKey, mintCallerToken } from '../platform/auth.ts';
import { keyEnv, KeysError, loadKeys, productionKeysMissing } from './lib/keys.ts';
import { portsTaken } from './lib/ports.ts';
import { DatabaseConnectError, migrateAll, prepareDatabases, seedIfEmpty } from './lib/setup.ts';
import { divisionName } from '../domain/divisions.ts';
import { startNodeService, Supervisor } from './lib/supervisor.ts';

const t0 = performance.now();
// Said before the settings are checked, so a misspelt name shows beside the problems it may explain.
const unknown = unknownSettingsWarning();
if (unknown) console.error(`[start] ${unknown.zh}\n[start] ${unknown.en}`);
const settings = settingsOrExit();
const secs = () => ((performance.now() - t0) / 1000).toFixed(1);

const supervisor = new Supervisor();
let stopping = false;

async function shutdown(code: number): Promise<never> {
  if (stopping) return new Promise<never>(() => {});
  stopping = true;
  console.log('\n[start] 正在停止服务 (stopping services)...');
  await supervisor.stopAll();
  console.log('[start] 已停止 (stopped).');
  process.exit(code);
}

// The hub stops its services first and the database last (their tiers).
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void shutdown(0));

// What would stop a service only after the database started and the migrations ran is said first, once.
const missingKeys = productionKeysMissing(settings);
if (missingKeys) {
  console.error(`[start] ${missingKeys.zh}\n[start] ${missingKeys.en}`);
  process.exit(2);
}
const taken = await portsTaken(
  [['GATEWAY_PORT', settings.gatewayPort], ...SUBGRAPHS.map((n) => [`${n.toUpperCase()}_PORT`, settings.subgraphs[n].port] as const)],
  settings.host,
);
if (taken.length) {
  const named = taken.map(([k, p]) => `${k}=${p}`).join(', ');
  console.error(
    `[start] 端口已被占用：${named}。枢纽可能已在运行（另一个 npm start），或有其他程序占用；请先停止它，或改设上述变量。\n` +
      `[start] Ports already in use: ${named}. The hub may be running already (another npm start), or another program holds them; stop it, or set those variables to free ports.`,
  );
  process.exit(2);
}
// The keys are read (and made, in a fresh data folder) before the database starts: a key file missing or damaged is
// said in a line and nothing is left running, where it had failed after the migrations with a stack and an orphaned
// PostgreSQL.
const keys = await loadKeys(settings).catch((e: unknown) => {
  if (e instanceof KeysError) console.error(`[start] ${e.said.zh}\n[start] ${e.said.en}`);
  else console.error(`[start] 密钥未能就绪 (the keys could not be read or made): ${(e as Error).message}`);
  process.exit(2);
});
const databases = await prepareDatabases(settings, console.log, true).catch((e: unknown) => {
  // Its message names the cause and the fix (another server on HUB_PG_PORT, a stale lock): said as a line, not a stack.
  console.error(`[start] 数据库未能启动 (the database did not start): ${(e as Error).message}`);
  process.exit(2);
});
if (databases.embedded) await supervisor.add({ name: 'postgres', tier: 0, start: databases.embedded.start }, databases.embedded.running);
let seeded = false;
try {
  const applied = await migrateAll(databases.dbs);
  const appliedCount = Object.values(applied).flat().length;
  console.log(`Migrations: ${appliedCount ? `applied ${appliedCount}` : 'up to date'} (${secs()} s).`);
  if (settings.demoData) seeded = await seedIfEmpty(databases.dbs, settings.demoDate, console.log, settings.demoCounties);
  else {
    const why =
      process.env.HUB_DEMO_DATA === 'off'
        ? { zh: 'HUB_DEMO_DATA=off', en: 'HUB_DEMO_DATA=off' }
        : settings.embedded
          ? { zh: '生产环境', en: 'production' }
          : { zh: '外部数据库', en: 'external databases' };
    console.log(`[start] 不载入演示数据（${why.zh}；HUB_DEMO_DATA=on 可改变）(no demo data: ${why.en}).`);
  }
  if (seeded) {
    await databases.checkpoint();
    console.log(`Seeded demo data (${secs()} s).`);
  }
} catch (e) {
  // A stop asked for (Ctrl-C) during the first start's seeding ends its database connections: that is no failure to
  // report with the database's text. A database is marked seeded only once its seed is whole, and a seeder skips what
  // it already holds, so the next start goes on with it.
  if (stopping)
    console.log(
      settings.demoData
        ? '[start] 迁移或演示数据载入因停止而中断，下次启动会接着完成 (migrations or seeding were cut short by the stop; the next start goes on with them).'
        : '[start] 迁移因停止而中断，下次启动会接着完成 (migrations were cut short by the stop; the next start goes on with them).',
    );
  else if (e instanceof DatabaseConnectError) console.error(`[start] ${e.said.zh}\n[start] ${e.said.en}`);
  else console.error('[start] 迁移或初始数据失败 (migrations or the seed failed):', e);
  await shutdown(1);
}

const env: NodeJS.ProcessEnv = {
  // Node keeps the services' compiled code here, so a service restarted by the supervisor is back sooner.
  NODE_COMPILE_CACHE: join(settings.dataDir, 'node-compile-cache'),
  ...process.env,
  ...keyEnv(keys),
};
for (const name of SUBGRAPHS) {
  env[`${name.toUpperCase()}_DATABASE_URL`] = databases.dbs[name].url;
  env[`${name.toUpperCase()}_MIGRATION_DATABASE_URL`] = databases.dbs[name].migrationUrl;
}

function service(name: string, script: string, tier: number) {
  return supervisor.add({
    name,
    tier,
    start: (signal) => startNodeService(name, { script: fileURLToPath(new URL(script, import.meta.url)), env, readyText: 'ready at', signal }),
  });
}

try {
  await Promise.all([
    service('county', '../subgraphs/county/src/main.ts', 1),
    service('township', '../subgraphs/township/src/main.ts', 1),
    service('village', '../subgraphs/village/src/main.ts', 1),
  ]);
  await service('gateway', '../gateway/src/main.ts', 2);
} catch (e) {
  console.error(`[start] ${(e as Error).message}`);
  await shutdown(1);
}

/**
 * The token command for this hub: `npm run token` (run in the project folder, as npm runs every script) reads the
 * keys of the default data folder, so a hub on another one names it, or the tokens minted would not be its own.
 */
function tokenCommand(): string {
  const defaultDir = fileURLToPath(new URL('../.data', import.meta.url));
  if (settings.keys.callerPrivateKey || settings.dataDir === defaultDir) return 'npm run token';
  const dir = /^[\w./@%+=:,-]+$/.test(settings.dataDir) ? settings.dataDir : `'${settings.dataDir.replaceAll("'", "'\\''")}'`;
  return `HUB_DATA_DIR=${dir} npm run token`;
}

const endpoint = `http://${settings.host === '0.0.0.0' ? 'localhost' : settings.host}:${settings.gatewayPort}/graphql`;
let tokens = '';
if (keys.caller.privateKey) {
  const key = await importPrivateKey(keys.caller.privateKey);
  // The demo's administrator is its first county's (临潭县 unless HUB_DEMO_DATA lists others), the report tool its province's.
  const county = settings.demoCounties[0]!;
  const province = county.slice(0, 2);
  const admin = await mintCallerToken(key, {
    subject: `demo-${county}-admin`,
    name: `${divisionName(county)}综治中心（演示管理员）`,
    jurisdiction: county,
    scopes: ['read', 'write', 'pii', 'report', 'admin'],
    ttl: 12 * 3600,
  });
  const report = await mintCallerToken(key, {
    subject: `demo-${province}-report`,
    name: `${divisionName(province)}统计报表工具（演示）`,
    jurisdiction: province,
    scopes: ['report'],
    ttl: 12 * 3600,
  });
  tokens = `
  Tokens (valid 12 h; mint others with ${tokenCommand()} -- --jurisdiction <code> --scopes read,write,pii):
    ${divisionName(county)} administrator (${county}; read, write, pii, report, admin):
      ${admin}
    ${divisionName(province)} report-only tool (${province}; report):
      ${report}
  Analysis room 分析研判室 (web page, offline): ${endpoint.replace(/\/graphql$/, '')}/app#token=${admin}
    as the report-only tool (figures only): ${endpoint.replace(/\/graphql$/, '')}/app#token=${report}
  Explorer (GraphiQL, offline): ${endpoint.replace(/\/graphql$/, '')}/explorer#token=${admin}`;
}
// What another router (Hive Gateway, Grafbase, …) in front of these subgraphs needs (docs/ARCHITECTURE.md §2).
const routers = `
  Subgraphs answer routers that send x-hub-router: <one of HUB_ROUTER_SECRETS>${settings.keys.routerSecrets.length ? '' : ` (generated in ${join(settings.dataDir, 'keys', 'router.secret')})`}
  and forward the caller's Authorization header${keys.jwksFile ? `; caller keys as a JWKS: ${keys.jwksFile}` : ''}`;
console.log(`
The hub is ready in ${secs()} s${seeded ? ' (first start, seeding included)' : ''}.
  GraphQL endpoint: ${endpoint}${tokens}${routers}
  Try: curl -s ${endpoint} -H 'content-type: application/json' -H "authorization: Bearer <token>" \\
         -d '{"query":"{ county(code: \\"623021\\") { name region { name } townships { code name kind } } }"}'
Press Ctrl-C to stop.`);
