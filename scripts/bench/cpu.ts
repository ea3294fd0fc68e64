/**
 * CPU time per process for the bench: utime + stime from /proc/<pid>/stat
 * (Linux), sampled before and after a measured round and divided by its
 * requests. The hub's services are found under the `scripts/start.ts`
 * process by their command lines; PostgreSQL is the embedded server's
 * postmaster (its pid from `postmaster.pid` in the data directory) and every
 * backend it forked, summed, with the time of the backends that already ended
 * (the postmaster's children's time).
 */
import { readFileSync } from 'node:fs';
import { childrenOf, commandLine, descendantsOf, processTable } from '../lib/processes.ts';

/** The processes a round is charged to, in table order. */
export const CPU_PROCESSES = ['gateway', 'county', 'township', 'village', 'PostgreSQL'] as const;
export type CpuProcess = (typeof CPU_PROCESSES)[number];

/** Which of the hub's services a process of `npm start` runs, by its command line (undefined: PostgreSQL, or none). */
export function serviceOf(pid: number): Exclude<CpuProcess, 'PostgreSQL'> | undefined {
  const args = commandLine(pid);
  const sub = /subgraphs\/(county|township|village)\//.exec(args)?.[1] as 'county' | 'township' | 'village' | undefined;
  return sub ?? (args.includes('gateway/src/main.ts') ? 'gateway' : undefined);
}

export interface CpuProbe {
  /** CPU ms per process so far. */
  sample(): Record<CpuProcess, number>;
  /** Which pids it reads, for the report. */
  describe(): string;
}

/**
 * Finds the hub's processes: the node services under `hubPid` (scripts/start.ts) and the embedded
 * postmaster whose pid `postmaster.pid` names (null when the databases are external: PostgreSQL then reads 0).
 * Looked up again on each sample, so a service the supervisor restarted is still found.
 */
export function cpuProbe(hubPid: number, postmasterPidFile: string | null): CpuProbe {
  const services = (): Partial<Record<CpuProcess, number>> => {
    const found: Partial<Record<CpuProcess, number>> = {};
    for (const pid of childrenOf(hubPid)) {
      const service = serviceOf(pid);
      if (service) found[service] = pid;
    }
    return found;
  };
  const postmaster = (): number | null => {
    if (!postmasterPidFile) return null;
    try {
      return Number(readFileSync(postmasterPidFile, 'utf8').split('\n')[0]) || null;
    } catch {
      return null;
    }
  };
  return {
    sample() {
      const out = Object.fromEntries(CPU_PROCESSES.map((p) => [p, 0])) as Record<CpuProcess, number>;
      // A service's tree: with HUB_GATEWAY_WORKERS > 1 the gateway's own process only forks and watches its workers.
      for (const [name, pid] of Object.entries(services()) as [CpuProcess, number][]) out[name] = treeCpu(pid);
      const pm = postmaster();
      if (pm) {
        // The postmaster and every process it forked (backends, background and parallel workers). A backend that
        // ends moves its time into the postmaster's children's time (once reaped), so the sum stays whole.
        const table = processTable();
        for (const [pid, p] of table) {
          if (pid === pm) out.PostgreSQL += p.cpuMs + p.reapedCpuMs;
          else if (p.ppid === pm) out.PostgreSQL += p.cpuMs;
        }
      }
      return out;
    },
    describe() {
      const s = services();
      return `${Object.entries(s)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}, PostgreSQL postmaster ${postmaster() ?? '–'}`;
    },
  };
}

/** CPU ms per request of each process between two samples. */
export function perRequest(before: Record<CpuProcess, number>, after: Record<CpuProcess, number>, requests: number): Record<CpuProcess, number> {
  return Object.fromEntries(CPU_PROCESSES.map((p) => [p, (after[p] - before[p]) / Math.max(1, requests)])) as Record<CpuProcess, number>;
}

/** Adds CPU ms (per process) into an accumulator. */
export function addCpu(into: Record<CpuProcess, number>, delta: Record<CpuProcess, number>): void {
  for (const p of CPU_PROCESSES) into[p] += delta[p];
}

export function zeroCpu(): Record<CpuProcess, number> {
  return Object.fromEntries(CPU_PROCESSES.map((p) => [p, 0])) as Record<CpuProcess, number>;
}

export function totalCpu(c: Record<CpuProcess, number>): number {
  return CPU_PROCESSES.reduce((s, p) => s + c[p], 0);
}

/**
 * CPU ms so far of a process and everything under it: its own time, that of every descendant still running, and
 * that of the children that exited (a peer router may fork workers, or run its gateway as a child of its CLI).
 */
export function treeCpu(root: number): number {
  const table = processTable();
  const self = table.get(root);
  if (!self) return 0;
  return self.cpuMs + self.reapedCpuMs + descendantsOf(root, table).reduce((ms, pid) => ms + (table.get(pid)?.cpuMs ?? 0), 0);
}
