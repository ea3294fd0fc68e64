import type { Constructor } from '@mikro-orm/core';
import type { EntitySchema, MikroORM } from '@mikro-orm/postgresql';
import type { Migration } from '@mikro-orm/migrations';
import { subgraphTrust, type SubgraphTrust, type TrustSettings } from './auth.ts';
import type { ApplyEvent } from './events.ts';
import type { Route } from './http.ts';
import type { ArgumentLabel } from './argument-labels.ts';
import { DEFAULT_STATEMENT_TIMEOUT_MS, lookupLimits, SUBGRAPH_LABEL, type LookupLimits, type SubgraphName } from './settings.ts';
import { initORM } from './orm.ts';
import { endDirectoryCache } from './directory-cache.ts';
import { endPublicReads } from './jurisdiction.ts';
import { startSubgraph, type BaseContext, type RunningSubgraph } from './service.ts';
import { orAfter } from './timeout.ts';
import { log } from './log.ts';

/** Everything that makes one subgraph, so entry points, scripts and tests start them the same way. */
export interface SubgraphModule<C extends BaseContext = BaseContext> {
  name: SubgraphName;
  entities: EntitySchema[];
  migrations: Constructor<Migration>[];
  resolvers: unknown;
  /** A request's context, from the base every service makes and the limits the service was started with. */
  context: (base: BaseContext, limits: ServiceLimits) => C;
  /** Loads this subgraph's part of the division directory for the scope (province/prefecture/county codes). */
  loadDirectory: (orm: MikroORM, scope: readonly string[]) => Promise<Record<string, number>>;
  /** Applies an event from another subgraph (inside the transaction that records its id). */
  applyEvent?: ApplyEvent;
  /** The subgraphs this one sends events to. */
  eventTargets?: SubgraphName[];
  /** Extra HTTP routes (e.g. exports), given the ORM, the subgraph's trust (routers and callers, platform/auth.ts) and its limits. */
  routes?: (orm: MikroORM, trust: () => Promise<SubgraphTrust>, limits: ServiceLimits) => Record<string, Route>;
  /** Runs after each request (e.g. to write the audit log); true when it wrote something under the caller's subject. */
  onResponse?: (ctx: C) => Promise<boolean>;
  /** How its Chinese messages name its arguments (platform/argument-labels.ts); ARGUMENT_ZH's labels by default. */
  argumentLabel?: ArgumentLabel;
  /**
   * Work the service does on its own, once it serves and every `everyMs` after (the village's tags that end with an
   * age); what it changed, when anything, is logged with the time it took.
   */
  upkeep?: { name: string; everyMs: number; run: (orm: MikroORM) => Promise<number> };
}

/** Limits on what one caller may do, set when a service starts (from the settings, or by a test). */
export interface ServiceLimits {
  /** Lookups of a person by ID number or phone per caller (HUB_LOOKUPS_*; the village subgraph's). */
  lookups: LookupLimits;
}

export interface StartOptions {
  url: string;
  /** The router secrets and caller keys this subgraph trusts (docs/ARCHITECTURE.md §2). */
  trust: TrustSettings;
  /** Shared secret that authenticates events between subgraphs. */
  eventsSecret: string;
  /** GraphQL URL of every subgraph (events go to the same host's /events). */
  subgraphUrls: Record<SubgraphName, string>;
  host?: string;
  port?: number;
  production?: boolean;
  poolMax?: number;
  /** PostgreSQL's statement_timeout for the service's connections (HUB_STATEMENT_TIMEOUT_SECONDS; default 30 s, 0: none). */
  statementTimeoutMs?: number;
  /** How often a query's shape is seen before it runs compiled (platform/compiled-execution.ts; default 16). */
  compileAfter?: number;
  /** Default: HUB_LOOKUPS_* from the environment. */
  lookups?: LookupLimits;
}

export interface StartedSubgraph extends RunningSubgraph {
  orm: MikroORM;
}

/** A subgraph started on a database its release's migrations have not all reached (`npm run migrate` first). */
export class UnmigratedDatabase extends Error {
  readonly service: SubgraphName;
  readonly pending: readonly string[];
  constructor(service: SubgraphName, pending: readonly string[]) {
    super(
      `[${service}] 数据库尚未迁移到本版本（缺少 ${pending.length} 个迁移，最早的是 ${pending[0]}）：请先运行 npm run migrate，再启动服务。` +
        ` / The database is not migrated to this release (${pending.length} migrations pending, the first ${pending[0]}): run npm run migrate, then start the service.`,
    );
    this.service = service;
    this.pending = pending;
  }
}

/**
 * Refuses to serve on a schema older than the code: its writes would fail as internal errors while /health said
 * ok. A newer schema is fine (a release's migrations run before its replicas roll, beside the previous release's).
 * The table missing, or unreadable, counts as nothing applied.
 */
async function requireMigrated(orm: MikroORM, mod: Pick<SubgraphModule, 'name' | 'migrations'>): Promise<void> {
  const applied = await orm.em
    .getConnection()
    .execute<{ name: string }[]>('select name from hub_migrations')
    .catch(() => []);
  const names = new Set(applied.map((r) => r.name));
  const pending = mod.migrations.map((m) => m.name).filter((n) => !names.has(n));
  if (pending.length) throw new UnmigratedDatabase(mod.name, pending);
}

/** Starts a subgraph on its database (connecting as the service role) and an HTTP port (0 = any). */
export async function startModule<C extends BaseContext>(mod: SubgraphModule<C>, opts: StartOptions): Promise<StartedSubgraph> {
  const orm = await initORM({
    url: opts.url,
    entities: mod.entities,
    name: `hub-${mod.name}`,
    poolMax: opts.poolMax,
    statementTimeoutMs: opts.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
  });
  try {
    await requireMigrated(orm, mod);
    const trust = await subgraphTrust(SUBGRAPH_LABEL[mod.name], opts.trust);
    const limits: ServiceLimits = { lookups: opts.lookups ?? lookupLimits() };
    const running = await startSubgraph<C>({
      name: mod.name,
      orm,
      resolvers: mod.resolvers,
      context: (base) => mod.context(base, limits),
      host: opts.host ?? '127.0.0.1',
      port: opts.port ?? 0,
      production: opts.production ?? false,
      trust,
      compileAfter: opts.compileAfter,
      onResponse: mod.onResponse,
      argumentLabel: mod.argumentLabel,
      routes: mod.routes?.(orm, async () => trust, limits),
      events: {
        secret: opts.eventsSecret,
        apply: mod.applyEvent,
        targets: Object.fromEntries((mod.eventTargets ?? []).map((t) => [t, new URL('/events', opts.subgraphUrls[t]).toString()])),
      },
    });
    const upkeep = mod.upkeep && repeat(mod.name, mod.upkeep, orm);
    return {
      ...running,
      orm,
      stop: async () => {
        // The server stops taking requests at once; an upkeep under way finishes meanwhile, before the pools close.
        await Promise.all([upkeep?.stop(), running.stop()]);
        // The requests being answered finished first (at most the HTTP server's drain); one cut off after it may
        // still hold a pooled connection: closing the pools waits for it, but never past CLOSE_WAIT_MS.
        await orAfter(
          CLOSE_WAIT_MS,
          (async () => {
            await Promise.all([endPublicReads(orm.em), endDirectoryCache(orm.em)]);
            await orm.close();
          })(),
          undefined,
        );
      },
    };
  } catch (e) {
    await orm.close();
    throw e;
  }
}

const CLOSE_WAIT_MS = 15_000;

/** Runs a module's upkeep now and every `everyMs`, one run at a time; a failed run is logged and tried again next time. */
function repeat(service: SubgraphName, upkeep: NonNullable<SubgraphModule['upkeep']>, orm: MikroORM): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  const tick = () => {
    if (running) return;
    const started = performance.now();
    running = upkeep
      .run(orm)
      .then(
        (changed) => {
          if (changed) log.info({ service, upkeep: upkeep.name, changed, ms: Math.round(performance.now() - started) }, `upkeep ${upkeep.name}`);
        },
        (e: unknown) => log.error({ err: e, service }, `upkeep ${upkeep.name} failed`),
      )
      .finally(() => (running = undefined));
  };
  const timer = setInterval(tick, upkeep.everyMs);
  timer.unref();
  tick();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
