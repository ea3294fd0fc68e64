/**
 * Keeps the hub's services running under `npm start` (docs/ARCHITECTURE.md,
 * "Supervision and database outages"): a service that dies is started again
 * after a pause that doubles with each crash in a row (0.5 s up to 10 s) and
 * starts over once a run has stayed up for a while; the others keep serving
 * meanwhile. Stopping the hub stops every service, the highest tier first
 * (the gateway, then the subgraphs, then the database), and no service is
 * restarted while it stops.
 *
 * Small and local on purpose: process managers (pm2, forever) run as daemons
 * of their own and do not know the embedded PostgreSQL, which is not a Node
 * script; restarting on exit with a capped backoff takes a page.
 */
import { spawn } from 'node:child_process';

/** How a run of a service ended. */
export interface Exit {
  code: number | null;
  signal: string | null;
  /** What was seen when the exit status is unknown (a process that is not this one's child). */
  detail?: string;
}

/** One run of a service, started and ready. */
export interface Instance {
  /** Settles when this run ends, however it ends. */
  exited: Promise<Exit>;
  /** Ends this run (does nothing if it has already ended). */
  stop(): Promise<void>;
}

export interface ServiceSpec {
  name: string;
  /** Services of a higher tier stop first (they use the lower ones). */
  tier: number;
  /** Starts a run and settles once it is ready to serve; rejects if it cannot, or when `signal` aborts (the hub stops). */
  start(signal: AbortSignal): Promise<Instance>;
}

export interface Backoff {
  /** Pause before the first restart after a crash. */
  initialMs: number;
  /** Longest pause. */
  maxMs: number;
  /** A run that stayed up this long resets the pause to `initialMs`. */
  resetAfterMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 500, maxMs: 10_000, resetAfterMs: 30_000 };

/** The pause before restart number `attempt` (1, 2, ...) of a series of crashes. */
export function backoffDelay(attempt: number, b: Backoff = DEFAULT_BACKOFF): number {
  return Math.min(b.maxMs, b.initialMs * 2 ** Math.max(0, attempt - 1));
}

const secs = (ms: number) => (ms / 1000).toFixed(1);

function describeExit(e: Exit): string {
  return e.detail ?? `code ${e.code}, signal ${e.signal}`;
}

interface State {
  spec: ServiceSpec;
  current?: Instance;
  /** The run-and-restart loop; settles once the service is stopped for good. */
  loop?: Promise<void>;
  /** Ends a pending pause early (when the hub stops). */
  wake?: () => void;
}

export class Supervisor {
  private readonly states: State[] = [];
  private readonly backoff: Backoff;
  private readonly log: (line: string) => void;
  private stoppingAll = false;
  private readonly abort = new AbortController();

  constructor(opts: { backoff?: Partial<Backoff>; log?: (line: string) => void } = {}) {
    this.backoff = { ...DEFAULT_BACKOFF, ...opts.backoff };
    this.log = opts.log ?? ((line) => console.error(line));
  }

  get stopping(): boolean {
    return this.stoppingAll;
  }

  /**
   * Starts `spec` (or adopts `running`, a run started already) and supervises
   * it from then on. Rejects if the first start fails: a service that cannot
   * start at all (a port in use, a bad setting) is not retried forever.
   */
  async add(spec: ServiceSpec, running?: Instance): Promise<void> {
    const state: State = { spec };
    this.states.push(state);
    const instance = running ?? (await spec.start(this.abort.signal));
    if (this.stoppingAll) {
      await instance.stop();
      throw new Error(`${spec.name} started while the hub was stopping.`);
    }
    state.current = instance;
    state.loop = this.watch(state, instance, performance.now());
  }

  private async watch(state: State, first: Instance, firstStartedAt: number): Promise<void> {
    const { name } = state.spec;
    let instance = first;
    let startedAt = firstStartedAt;
    let attempt = 0;
    for (;;) {
      const exit = await instance.exited;
      state.current = undefined;
      if (this.stoppingAll) return;
      const downSince = performance.now();
      if (downSince - startedAt >= this.backoff.resetAfterMs) attempt = 0;
      let reason = `已退出 (exited, ${describeExit(exit)})`;
      for (;;) {
        attempt++;
        const delay = backoffDelay(attempt, this.backoff);
        this.log(`[start] ${name} ${reason}; ${secs(delay)} s 后重启 (restarting in ${secs(delay)} s)`);
        await this.pause(state, delay);
        if (this.stoppingAll) return;
        try {
          instance = await state.spec.start(this.abort.signal);
          break;
        } catch (e) {
          if (this.stoppingAll) return;
          reason = `重启失败 (restart failed: ${(e as Error).message})`;
        }
      }
      if (this.stoppingAll) {
        await instance.stop();
        return;
      }
      startedAt = performance.now();
      state.current = instance;
      this.log(`[start] ${name} 已恢复 (restarted; down for ${secs(startedAt - downSince)} s)`);
    }
  }

  private pause(state: State, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        state.wake = undefined;
        resolve();
      }
      state.wake = done;
    });
  }

  /** Stops every service, the highest tier first, each tier's services at once; nothing restarts meanwhile. */
  async stopAll(): Promise<void> {
    this.stoppingAll = true;
    this.abort.abort();
    for (const s of this.states) s.wake?.();
    const tiers = [...new Set(this.states.map((s) => s.spec.tier))].sort((a, b) => b - a);
    for (const tier of tiers) {
      await Promise.all(
        this.states
          .filter((s) => s.spec.tier === tier)
          .map(async (s) => {
            await s.current?.stop();
            await s.loop;
          }),
      );
    }
  }
}

export interface NodeServiceOptions {
  /** The script to run with this Node (an absolute path). */
  script: string;
  env: NodeJS.ProcessEnv;
  /** A line the service prints on standard output once it serves. */
  readyText: string;
  /** Forwarded standard output (default: this process's). */
  out?: (text: string) => void;
  /** How long a stop waits after SIGTERM before SIGKILL. */
  killAfterMs?: number;
  /** How long to wait for `readyText` before giving up on this run (killing it). */
  readyTimeoutMs?: number;
  /** Abandons a start that is not ready yet (kills the child). */
  signal?: AbortSignal;
}

/**
 * Starts a Node script as a child process; ready once it prints `readyText`.
 * Its standard error goes straight to this process's.
 */
export function startNodeService(name: string, opts: NodeServiceOptions): Promise<Instance> {
  return new Promise((resolve, reject) => {
    // The IPC channel tells the child when this process is gone, killed before it could stop it (platform/entry.ts).
    const child = spawn(process.execPath, [opts.script], { env: opts.env, stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    const out = opts.out ?? ((text: string) => process.stdout.write(text));
    let ready = false;
    let tail = '';
    const fail = (e: Error) => {
      if (ready) return;
      ready = true;
      clearTimeout(readyTimer);
      opts.signal?.removeEventListener('abort', onAbort);
      child.kill('SIGKILL');
      reject(e);
    };
    const readyTimer = setTimeout(() => fail(new Error(`${name} was not ready in ${secs(opts.readyTimeoutMs ?? 120_000)} s.`)), opts.readyTimeoutMs ?? 120_000);
    const onAbort = () => fail(new Error(`${name}: start abandoned, the hub is stopping.`));
    if (opts.signal?.aborted) onAbort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const exited = new Promise<Exit>((done) =>
      child.once('exit', (code, signal) => {
        fail(new Error(`${name} exited before it was ready (code ${code}, signal ${signal}).`));
        done({ code, signal });
      }),
    );
    child.once('error', fail);
    const stop = async (): Promise<void> => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), opts.killAfterMs ?? 10_000);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(timer);
    };
    // Decoded as one text: a Chinese character cut between two chunks stays whole in the operator's log.
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (text: string) => {
      out(text);
      // The ready line may arrive split over two chunks.
      tail = (tail + text).slice(-(opts.readyText.length + 200));
      if (!ready && tail.includes(opts.readyText)) {
        ready = true;
        clearTimeout(readyTimer);
        opts.signal?.removeEventListener('abort', onAbort);
        resolve({ exited, stop });
      }
    });
  });
}
