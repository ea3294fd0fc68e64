import { periodBounds, resolvePeriod } from '../../../../domain/periods.ts';
import { badInput } from '../../../../platform/errors.ts';
import { likeContains } from '../../../../platform/sql.ts';
import type { ScopedListSpec } from '../scoped-page.ts';
import { requireListAccess } from '../../../../platform/caller.ts';
import type { VillageContext } from '../context.ts';

/**
 * The record lists hanging off `Village` and `Grid` (same fields, scoped by
 * the 12- or 15-digit code). Each is a batched connection (shared/scoped-page.ts).
 */
type Scope = 'village_code' | 'grid_code';
type Args = Record<string, any>;

/** Today in China Standard Time, shifted by whole years (for age filters). */
function yearsAgo(years: number): string {
  const now = new Date(Date.now() + 8 * 3_600_000);
  const d = new Date(Date.UTC(now.getUTCFullYear() - years, now.getUTCMonth(), now.getUTCDate()));
  return d.toISOString().slice(0, 10);
}

function residentFilter(filter: Args | null | undefined): Pick<ScopedListSpec, 'where' | 'params'> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (!filter) return {};
  if (filter.tags?.length) {
    // `tags <> '{}'` is implied by the overlap; stated so the tag index, which leaves untagged residents out, applies.
    where.push(`t.tags <> '{}' and t.tags && array[?]::text[]`);
    params.push(filter.tags);
  }
  if (filter.residency) {
    where.push('t.residency = ?');
    params.push(filter.residency);
  }
  if (filter.name != null) {
    const name = String(filter.name).trim();
    if (!name || name.length > 50) throw badInput('filter.name must be 1–50 characters.', { argument: 'filter.name' });
    where.push(`t.name like ? escape '\\'`);
    params.push(likeContains(name));
  }
  for (const key of ['minAge', 'maxAge'] as const) {
    const v = filter[key];
    if (v != null && (!Number.isInteger(v) || v < 0 || v > 150)) throw badInput(`filter.${key} must be a whole number of years from 0 to 150.`, { argument: `filter.${key}` });
  }
  if (filter.minAge != null && filter.maxAge != null && filter.minAge > filter.maxAge) {
    throw badInput('filter.minAge must not exceed filter.maxAge.', { argument: 'filter' });
  }
  if (filter.minAge != null) {
    where.push('t.birth_date <= ?');
    params.push(yearsAgo(filter.minAge));
  }
  if (filter.maxAge != null) {
    where.push('t.birth_date > ?');
    params.push(yearsAgo(filter.maxAge + 1));
  }
  return where.length ? { where: where.join(' and '), params } : {};
}

function list(scope: Scope, table: string, what: string, extra: (args: Args) => Pick<ScopedListSpec, 'where' | 'params'> = () => ({})) {
  return (parent: { code: string }, args: Args, ctx: VillageContext) => {
    requireListAccess(ctx.caller, parent.code, what);
    return ctx.pages.connection({ table, scopeColumn: scope, ...extra(args) }, parent.code, args);
  };
}

const eq = (column: string, arg: string) => (args: Args) => (args[arg] ? { where: `t.${column} = ?`, params: [args[arg]] } : {});

export function scopedLists(scope: Scope) {
  return {
    residents: list(scope, 'person', 'resident', (a) => residentFilter(a.filter)),
    households: list(scope, 'household', 'household'),
    houses: list(scope, 'house', 'house', eq('use', 'use')),
    addresses: list(scope, 'address', 'address'),
    sites: list(scope, 'site', 'site', eq('kind', 'kind')),
    staff: list(scope, 'grid_staff', 'grid staff', eq('role', 'role')),
    jointDefenseGroups: list(scope, 'joint_defense_group', 'joint-defense group'),
    patrolTeams: list(scope, 'patrol_team', 'patrol team', eq('kind', 'kind')),
    patrols: list(scope, 'patrol', 'patrol', (a) => {
      const p = resolvePeriod({ from: a.from, to: a.to });
      return { where: 't.started_at >= ? and t.started_at < ?', params: periodBounds(p.from, p.to) };
    }),
    hazards: list(scope, 'hazard', 'hazard', eq('status', 'status')),
  };
}
