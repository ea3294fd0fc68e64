import { requireListAccess } from '../../../../../platform/caller.ts';
import { periodBounds, resolvePeriod } from '../../../../../domain/periods.ts';
import { badInput } from '../../../../../platform/errors.ts';
import type { Connection, PageArgs } from '../../../../../platform/pagination.ts';
import type { VillageContext } from '../../context.ts';
import type { GridStaffRole, HazardStatus, HouseUse, PatrolTeamKind, ResidentFilter, SiteKind } from '../../generated/resolvers.ts';
import { addresses, type AddressRow } from '../../store/address.ts';
import { gridStaff, type GridStaffRow } from '../../store/grid-staff.ts';
import { hazards, type HazardRow } from '../../store/hazard.ts';
import { households, type HouseholdRow } from '../../store/household.ts';
import { houses, type HouseRow } from '../../store/house.ts';
import { jointDefenseGroups, type JointDefenseGroupRow } from '../../store/joint-defense-group.ts';
import { patrolTeams, type PatrolTeamRow } from '../../store/patrol-team.ts';
import { patrols, type PatrolRow } from '../../store/patrol.ts';
import { persons, type PersonRow, type ResidentConditions } from '../../store/person.ts';
import type { Scope, ScopedList } from '../../store/scoped.ts';
import { sites, type SiteRow } from '../../store/site.ts';

/**
 * The record lists hanging off `Village` and `Grid` (same fields, scoped by
 * the 12- or 15-digit code). Each is a batched connection (store/scoped.ts).
 */

/** Today in China Standard Time, shifted by whole years (for age filters). */
function yearsAgo(years: number): string {
  const now = new Date(Date.now() + 8 * 3_600_000);
  const d = new Date(Date.UTC(now.getUTCFullYear() - years, now.getUTCMonth(), now.getUTCDate()));
  return d.toISOString().slice(0, 10);
}

function residentConditions(filter: ResidentFilter | null | undefined): ResidentConditions {
  if (!filter) return {};
  let nameContains: string | null = null;
  if (filter.name != null) {
    const name = String(filter.name).trim();
    if (!name || name.length > 50) throw badInput('filter.name must be 1–50 characters.', { argument: 'filter.name' });
    nameContains = name;
  }
  for (const key of ['minAge', 'maxAge'] as const) {
    const v = filter[key];
    if (v != null && (!Number.isInteger(v) || v < 0 || v > 150))
      throw badInput(
        { zh: `filter.${key} 应为 0 到 150 之间的整数（周岁）。`, en: `filter.${key} must be a whole number of years from 0 to 150.` },
        { argument: `filter.${key}` },
      );
  }
  if (filter.minAge != null && filter.maxAge != null && filter.minAge > filter.maxAge) {
    throw badInput({ zh: 'filter.minAge 不能大于 filter.maxAge。', en: 'filter.minAge must not exceed filter.maxAge.' }, { argument: 'filter' });
  }
  return {
    tags: filter.tags,
    residency: filter.residency,
    nameContains,
    bornBy: filter.minAge != null ? yearsAgo(filter.minAge) : null,
    bornAfter: filter.maxAge != null ? yearsAgo(filter.maxAge + 1) : null,
  };
}

/** A list field: `what` names the records in the access error, `list` picks the store's list from the arguments. */
function list<A extends PageArgs, R>(scope: Scope, what: string, pick: (scope: Scope, args: A) => ScopedList<R>) {
  return (parent: { code: string }, args: A, ctx: VillageContext): Promise<Connection<R>> => {
    requireListAccess(ctx.caller, parent.code, what);
    return ctx.pages.connection(pick(scope, args), parent.code, args);
  };
}

/** The list fields of a division (`village` or `grid`), to spread into its resolvers. */
export function registryLists(scope: 'village' | 'grid') {
  return {
    residents: list(scope, 'resident', (s, a: PageArgs & { filter?: ResidentFilter | null }): ScopedList<PersonRow> =>
      persons.list(s, residentConditions(a.filter)),
    ),
    households: list(scope, 'household', (s): ScopedList<HouseholdRow> => households.list(s)),
    houses: list(scope, 'house', (s, a: PageArgs & { use?: HouseUse | null }): ScopedList<HouseRow> => houses.list(s, a.use)),
    addresses: list(scope, 'address', (s): ScopedList<AddressRow> => addresses.list(s)),
    sites: list(scope, 'site', (s, a: PageArgs & { kind?: SiteKind | null }): ScopedList<SiteRow> => sites.list(s, a.kind)),
    staff: list(scope, 'grid staff', (s, a: PageArgs & { role?: GridStaffRole | null }): ScopedList<GridStaffRow> => gridStaff.list(s, a.role)),
    jointDefenseGroups: list(scope, 'joint-defense group', (s): ScopedList<JointDefenseGroupRow> => jointDefenseGroups.list(s)),
    patrolTeams: list(scope, 'patrol team', (s, a: PageArgs & { kind?: PatrolTeamKind | null }): ScopedList<PatrolTeamRow> => patrolTeams.list(s, a.kind)),
    patrols: list(scope, 'patrol', (s, a: PageArgs & { from: string; to: string }): ScopedList<PatrolRow> => {
      const p = resolvePeriod({ from: a.from, to: a.to });
      return patrols.list(s, ...periodBounds(p.from, p.to));
    }),
    hazards: list(scope, 'hazard', (s, a: PageArgs & { status?: HazardStatus | null }): ScopedList<HazardRow> => hazards.list(s, a.status)),
  };
}
