/**
 * Other federation routers beside the hub's gateway (docs/ARCHITECTURE.md, "Trust"; deploy/routers.md): Hive Gateway
 * with the Rust query planner and Grafbase, installed on demand into a cache folder (never into the project's
 * node_modules, so `npm ci` stays as it was) and started on the same subgraphs with the configurations in deploy/.
 * Used by tests/routers.test.ts and `npm run bench -- peers`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SubgraphName } from '../../platform/settings.ts';

/** The peers' exact versions. The override keeps the gateway on the delegate release its runtime was built with. */
export const PEER_PACKAGES: Record<string, string> = {
  '@graphql-hive/gateway': '2.15.1',
  '@graphql-hive/router-runtime': '1.4.23',
  '@grafbase/cli-x86_64-unknown-linux-musl': '0.103.0',
};
const OVERRIDES: Record<string, string> = { '@graphql-tools/delegate': '12.2.1' };

export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** Where the peers are installed: HUB_PEERS_DIR, else $XDG_CACHE_HOME (or ~/.cache)/governance-hub/peers. */
export function peersDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HUB_PEERS_DIR) return resolve(env.HUB_PEERS_DIR);
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'governance-hub', 'peers');
}

export interface InstalledPeers {
  dir: string;
  /** Hive Gateway's command-line entry point (a JavaScript file, run with this Node). */
  hiveGateway: string;
  /** The Grafbase CLI binary (static musl build). */
  grafbase: string;
}

function manifest(): string {
  return `${JSON.stringify({ name: 'governance-hub-peers', private: true, dependencies: PEER_PACKAGES, overrides: OVERRIDES }, null, 2)}\n`;
}

function paths(dir: string): InstalledPeers {
  return {
    dir,
    hiveGateway: join(dir, 'node_modules', '@graphql-hive', 'gateway', 'dist', 'bin.js'),
    grafbase: join(dir, 'node_modules', '@grafbase', 'cli-x86_64-unknown-linux-musl', 'grafbase'),
  };
}

/** True when the folder holds exactly these versions (the stamp is written only after a complete install). */
function installed(dir: string): boolean {
  const p = paths(dir);
  const stamp = join(dir, 'installed.json');
  return existsSync(stamp) && readFileSync(stamp, 'utf8') === manifest() && existsSync(p.hiveGateway) && existsSync(p.grafbase);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Another process's install holds this lock (a folder: mkdir is atomic); one older than 20 minutes was abandoned. */
async function withLock<T>(lock: string, fn: () => T): Promise<T> {
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      const age = existsSync(lock) ? Date.now() - statSync(lock).mtimeMs : 0;
      if (age > 20 * 60_000) rmSync(lock, { recursive: true, force: true });
      else await sleep(1000);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Installs the peers into `dir` unless that exact set is already there (then it returns at once). Uses the npm
 * registry through npm; the first install downloads about 750 packages and the Grafbase binary (a minute or two).
 */
export async function installPeers(opts: { dir?: string; log?: (line: string) => void } = {}): Promise<InstalledPeers> {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `The peer routers are installed for Linux x86-64 only (Grafbase ships one binary per platform); this is ${process.platform} ${process.arch}.`,
    );
  }
  const dir = opts.dir ?? peersDir();
  if (installed(dir)) return paths(dir);
  mkdirSync(dir, { recursive: true });
  return withLock(`${dir}.lock`, () => {
    if (installed(dir)) return paths(dir);
    const log = opts.log ?? ((line: string) => console.log(line));
    log(
      `Installing the peer routers into ${dir} (${Object.entries(PEER_PACKAGES)
        .map(([n, v]) => `${n}@${v}`)
        .join(', ')})...`,
    );
    rmSync(join(dir, 'installed.json'), { force: true });
    writeFileSync(join(dir, 'package.json'), manifest());
    const started = Date.now();
    // npm runs on this Node (the project's pinned one): Hive Gateway's dependencies need Node 22.15 or later.
    const npm = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '--engine-strict=false'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, PATH: `${resolve(process.execPath, '..')}:${process.env.PATH ?? ''}` },
      timeout: 15 * 60_000,
    });
    if (npm.status !== 0) throw new Error(`npm install of the peer routers failed (exit ${npm.status}):\n${npm.stderr || npm.stdout || npm.error?.message}`);
    const p = paths(dir);
    if (!existsSync(p.hiveGateway) || !existsSync(p.grafbase)) throw new Error(`npm install finished but ${p.hiveGateway} or ${p.grafbase} is missing.`);
    writeFileSync(join(dir, 'installed.json'), manifest());
    log(`Peer routers installed in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    return p;
  });
}

// ---------- starting them ----------

export interface PeerOptions {
  /** Where the routers send each subgraph's requests. */
  subgraphUrls: Record<SubgraphName, string>;
  /** The trusted-router secret the router sets as x-hub-router (one of the subgraphs' HUB_ROUTER_SECRETS). */
  routerSecret: string;
  port: number;
  /** A folder of the router's own (Grafbase keeps its home there; Hive Gateway needs none). */
  workDir: string;
}

export interface RunningPeer {
  name: string;
  url: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** The environment deploy/*'s configurations read: the subgraph URLs and the router's secret. */
function routerEnv(o: PeerOptions): NodeJS.ProcessEnv {
  return {
    ...process.env,
    COUNTY_URL: o.subgraphUrls.county,
    TOWNSHIP_URL: o.subgraphUrls.township,
    VILLAGE_URL: o.subgraphUrls.village,
    HUB_ROUTER_SECRET: o.routerSecret,
  };
}

/** Waits until the router answers a GraphQL request at all (whatever its status: the subgraphs decide about callers). */
async function ready(peer: RunningPeer, exited: Promise<number | null>, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  let gone: number | null | undefined;
  void exited.then((code) => (gone = code));
  while (Date.now() < until) {
    if (gone !== undefined) throw new Error(`${peer.name} exited (${gone}) before it was ready:\n${peer.output().slice(-4000)}`);
    try {
      const res = await fetch(peer.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
        signal: AbortSignal.timeout(2000),
      });
      await res.arrayBuffer();
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`${peer.name} was not ready after ${timeoutMs / 1000} s:\n${peer.output().slice(-4000)}`);
}

function launch(
  name: string,
  url: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
): { peer: RunningPeer; exited: Promise<number | null> } {
  const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const keep = (c: Buffer) => {
    text = (text + c.toString()).slice(-64_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const peer: RunningPeer = {
    name,
    url,
    child,
    output: () => text,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
  return { peer, exited };
}

/** Hive Gateway with the Rust query planner (HIVE_ROUTER_RUNTIME) on schema/supergraph.graphql and deploy/hive-gateway/gateway.config.ts. */
export async function startHiveGateway(peers: InstalledPeers, o: PeerOptions, timeoutMs = 120_000): Promise<RunningPeer> {
  const env = { ...routerEnv(o), HIVE_ROUTER_RUNTIME: 'true', NODE_ENV: 'production', LOG_LEVEL: 'warn' };
  const args = [
    peers.hiveGateway,
    'supergraph',
    join(REPO_ROOT, 'schema', 'supergraph.graphql'),
    '--config-path',
    join(REPO_ROOT, 'deploy', 'hive-gateway', 'gateway.config.ts'),
    '--host',
    '127.0.0.1',
    '--port',
    String(o.port),
  ];
  // The gateway resolves its own packages (and the Rust planner's) from the cache folder, not from the project.
  const { peer, exited } = launch('Hive Gateway (Rust planner)', `http://127.0.0.1:${o.port}/graphql`, process.execPath, args, env, peers.dir);
  await ready(peer, exited, timeoutMs);
  return peer;
}

/** Grafbase's gateway (`grafbase dev`, the npm binary) on deploy/grafbase/grafbase.toml. */
export async function startGrafbase(peers: InstalledPeers, o: PeerOptions, timeoutMs = 120_000): Promise<RunningPeer> {
  mkdirSync(o.workDir, { recursive: true });
  const env = { ...routerEnv(o), HOME: o.workDir };
  const args = ['--home', o.workDir, 'dev', '--config', join(REPO_ROOT, 'deploy', 'grafbase', 'grafbase.toml'), '--listen-address', `127.0.0.1:${o.port}`];
  const { peer, exited } = launch('Grafbase', `http://127.0.0.1:${o.port}/graphql`, peers.grafbase, args, env, o.workDir);
  await ready(peer, exited, timeoutMs);
  return peer;
}
