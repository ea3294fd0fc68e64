import cluster from 'node:cluster';
import type { SubgraphModule } from './module.ts';
import type { BaseContext } from './service.ts';
import { configureLogs, log } from './log.ts';
import { settingsOrExit, type Settings, type SubgraphName } from './settings.ts';
import { serveInWorkers } from './workers.ts';

/**
 * The services' process entry points (their `main.ts`): settings from the
 * environment, checked before anything starts; then the service with its
 * logs, metrics and traces in this process, or in workers under this one
 * (docs/ARCHITECTURE.md, "Worker processes"). Only a process that serves
 * loads the service's modules (`load`, `serve`) and its metrics and traces:
 * a primary only forks, replaces and counts its workers and logs what it
 * does, so it does not hold the service's code.
 */
export async function runService(
  name: SubgraphName | 'gateway',
  settings: Settings,
  serve: () => Promise<{ url: string; stop(): Promise<void> }>,
): Promise<void> {
  configureLogs({ level: settings.logLevel, service: name });
  stopWithSupervisor(name);
  const workers = name === 'gateway' ? settings.gatewayWorkers : settings.subgraphs[name].workers;
  await serveInWorkers(name, workers, async () => {
    const { startObservability } = await import('./observability.ts');
    await startObservability(name, settings);
    const running = await serve();
    console.log(`[${name}]${name === 'gateway' ? '' : ' subgraph'} ready at ${running.url}${cluster.isWorker ? ` (worker ${process.pid})` : ''}`);
    return running;
  });
}

/**
 * A service npm start runs has a channel to its supervisor (scripts/lib/supervisor.ts); when the supervisor is
 * gone (killed, so it could not stop its services) the service stops as on SIGTERM. Left serving, unwatched, it held
 * the ports the next npm start needs, and nothing would restart it.
 */
function stopWithSupervisor(name: string): void {
  if (cluster.isWorker || !process.channel) return;
  process.channel.unref();
  process.once('disconnect', () => {
    log.warn({ service: name }, 'supervisor gone; stopping');
    process.kill(process.pid, 'SIGTERM');
  });
}

/** A subgraph's entry point: `load` gives its module (imported only where it serves). */
export async function runSubgraph<C extends BaseContext>(name: SubgraphName, load: () => Promise<SubgraphModule<C>>): Promise<void> {
  const settings = settingsOrExit();
  const database = settings.subgraphs[name].database;
  if (!database) {
    console.error(`${name.toUpperCase()}_DATABASE_URL is not set; start the hub with \`npm start\`, which provides it.`);
    process.exit(2);
  }
  const { callerPublicKey, callerJwksFile, callerJwksUrl, routerSecrets, eventsSecret } = settings.keys;
  if (!(callerPublicKey || callerJwksFile || callerJwksUrl) || !eventsSecret) {
    console.error(
      'HUB_CALLER_JWKS_URL, HUB_CALLER_JWKS_FILE or HUB_CALLER_PUBLIC_KEY, and HUB_EVENTS_SECRET must be set; `npm start` provides them on a development machine.',
    );
    process.exit(2);
  }
  // Said once per service: workers run this entry point again.
  if (!routerSecrets.length && !cluster.isWorker) {
    console.error(`[${name}] HUB_ROUTER_SECRETS is not set: this subgraph trusts no router and refuses every request until it is set.`);
  }
  await runService(name, settings, async () => {
    const [{ startModule, UnmigratedDatabase }, mod] = await Promise.all([import('./module.ts'), load()]);
    const started = startModule(mod, {
      url: database.url,
      trust: {
        routerSecrets,
        callerKeys: { jwksUrl: callerJwksUrl, jwksFile: callerJwksFile, publicKey: callerPublicKey },
        nationalSubjects: settings.nationalSubjects,
      },
      eventsSecret,
      subgraphUrls: { county: settings.subgraphs.county.url, township: settings.subgraphs.township.url, village: settings.subgraphs.village.url },
      host: settings.host,
      port: settings.subgraphs[name].port,
      production: settings.production,
      poolMax: settings.poolMax,
      statementTimeoutMs: settings.statementTimeoutSeconds * 1000,
      compileAfter: settings.compileAfter,
      lookups: settings.lookups,
    });
    return started.catch((e: unknown) => {
      if (!(e instanceof UnmigratedDatabase)) throw e;
      console.error(e.message);
      process.exit(2);
    });
  });
}
