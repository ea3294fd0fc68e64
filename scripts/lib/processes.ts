import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * The machine's processes as /proc shows them (Linux), for the bench's CPU
 * and memory figures and the start test: which process runs under which
 * (a service's workers under its primary, PostgreSQL's backends under its
 * postmaster), their CPU time so far and their resident memory.
 */
export interface ProcessInfo {
  ppid: number;
  /** utime + stime, ms. */
  cpuMs: number;
  /** CPU ms of its children that exited and were waited for. */
  reapedCpuMs: number;
  /** Resident memory, KiB. */
  rssKb: number;
}

const conf = (name: string, fallback: number): number => {
  try {
    return Number(execFileSync('getconf', [name]).toString().trim()) || fallback;
  } catch {
    return fallback;
  }
};
const TICKS = conf('CLK_TCK', 100);
const PAGE_KB = conf('PAGESIZE', 4096) / 1024;

/** One process's line of /proc/<pid>/stat, or null when it is gone (or /proc is not there). */
export function processInfo(pid: number): ProcessInfo | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: fields are counted after its last ')'.
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // f[0] is field 3 (state): ppid is field 4, utime 14, stime 15, cutime 16, cstime 17, rss (pages) 24.
    const ms = (a: string | undefined, b: string | undefined) => ((Number(a) + Number(b)) * 1000) / TICKS;
    return { ppid: Number(f[1]), cpuMs: ms(f[11], f[12]), reapedCpuMs: ms(f[13], f[14]), rssKb: Number(f[21]) * PAGE_KB };
  } catch {
    return null;
  }
}

/** Every process now, by pid. */
export function processTable(): Map<number, ProcessInfo> {
  const table = new Map<number, ProcessInfo>();
  for (const d of procEntries()) {
    const info = processInfo(Number(d));
    if (info) table.set(Number(d), info);
  }
  return table;
}

function procEntries(): string[] {
  try {
    return readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return [];
  }
}

/** The pids whose parent is `parent`. */
export function childrenOf(parent: number, table = processTable()): number[] {
  return [...table].flatMap(([pid, p]) => (p.ppid === parent ? [pid] : []));
}

/** Every process under `root`: its children, theirs, and so on. */
export function descendantsOf(root: number, table = processTable()): number[] {
  return childrenOf(root, table).flatMap((c) => [c, ...descendantsOf(c, table)]);
}

/** A process's command line, words joined by spaces ('' when it is gone). */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}
