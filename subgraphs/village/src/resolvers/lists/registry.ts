import { requireListAccess } from '../../../../../platform/caller.ts';
import { chinaDay } from '../../../../../domain/china-day.ts';
import { parseCitizenId, parsePhone } from '../../../../../domain/citizen-id.ts';
import { checkDateRange, openEnds, periodBounds, resolvePeriod } from '../../../../../domain/periods.ts';
import { badInput, quote } from '../../../../../domain/errors.ts';
import type { Connection, PageArgs } from '../../../../../platform/pagination.ts';
import { filterGiven, keyText, listGiven, nameDots } from '../../../../../platform/validate.ts';
import { readPath, spendLookup, trailEntry, type AuditTrail } from '../../access.ts';
import type { GraphQLResolveInfo } from 'graphql';
import type { VillageContext } from '../../context.ts';
import type {
  ChangeKind,
  DeregistrationReason,
  GridStaffRole,
  HazardOrder,
  HazardSource,
  HazardStatus,
  HouseUse,
  PatrolTeamKind,
  ResidentFilter,
  SiteKind,
} from '../../generated/resolvers.ts';
import { addresses, type AddressRow } from '../../store/address.ts';
import { gridStaff, type GridStaffRow } from '../../store/grid-staff.ts';
import { hazards, type HazardRow } from '../../store/hazard.ts';
import { households, type HouseholdRow } from '../../store/household.ts';
import { houses, type HouseRow } from '../../store/house.ts';
import { jointDefenseGroups, type JointDefenseGroupRow } from '../../store/joint-defense-group.ts';
import { ENDED_KINDS as KINDS, lifeCycle, type EndedKind, type EndedRecordRow } from '../../store/life-cycle.ts';
import { patrolTeams, type PatrolTeamRow } from '../../store/patrol-team.ts';
import { patrols, type PatrolRow } from '../../store/patrol.ts';
import { ResidentSearch } from '../../store/person-search.ts';
import { persons, type PersonRow, type ResidentConditions } from '../../store/person.ts';
import type { Scope, ScopedList } from '../../store/scoped.ts';
import { sites, type SiteRow } from '../../store/site.ts';

/**
 * The record lists hanging off `Village` and `Grid` (same fields, scoped by
 * the 12- or 15-digit code). Each is a batched connection (store/scoped.ts).
 */

/** Today in China Standard Time, shifted by whole years (for age filters). */
function yearsAgo(years: number): string {
  const [y, m, d] = chinaDay().split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y - years, m - 1, d)).toISOString().slice(0, 10);
}

function residentConditions(filter: ResidentFilter | null | undefined): ResidentConditions {
  if (!filter) return {};
  listGiven(filter.tags, 'filter.tags');
  const textFilter = (value: string | null | undefined, key: 'name' | 'namePrefix'): string | null => {
    if (filterGiven(value) == null) return null;
    const v = nameDots(String(value).trim());
    if (!v || v.length > 50) {
      throw badInput({ zh: `filter.${key} 应为 1–50 个字符。`, en: `filter.${key} must be 1–50 characters.` }, { argument: `filter.${key}` });
    }
    return v;
  };
  for (const key of ['minAge', 'maxAge'] as const) {
    const v = filter[key];
    if (v != null && (!Number.isInteger(v) || v < 0 || v > 150))
      throw badInput(
        { zh: `filter.${key} 应为 0 到 150 之间的整数（周岁）。`, en: `filter.${key} must be a whole number of years from 0 to 150.` },
        { argument: `filter.${key}` },
      );
  }
  if (filter.minAge != null && filter.maxAge != null && filter.minAge > filter.maxAge) {
    throw badInput(
      {
        zh: `filter.minAge ${filter.minAge} 不能大于最大年龄 filter.maxAge ${filter.maxAge}。`,
        en: `filter.minAge (${filter.minAge}) must not exceed filter.maxAge (${filter.maxAge}).`,
      },
      { argument: 'filter.minAge' },
    );
  }
  const given = { idNumber: filterGiven(filter.idNumber), phone: filterGiven(filter.phone) };
  return {
    tags: filter.tags,
    residency: filter.residency,
    nameContains: textFilter(filter.name, 'name'),
    namePrefix: textFilter(filter.namePrefix, 'namePrefix'),
    idNumber: given.idNumber == null ? null : parseCitizenId(given.idNumber, undefined, 'filter.idNumber').idNumber,
    phone: given.phone == null ? null : parsePhone(given.phone, 'filter.phone'),
    bornBy: filter.minAge != null ? yearsAgo(filter.minAge) : null,
    bornAfter: filter.maxAge != null ? yearsAgo(filter.maxAge + 1) : null,
    status: filter.status,
    withoutIdNumber: filter.withoutIdNumber,
  };
}

/** Whether a search names a full ID number or phone: a lookup, spent from the caller's quota and audited. */
const isLookup = (c: Pick<ResidentConditions, 'idNumber' | 'phone'>): boolean => c.idNumber != null || c.phone != null;

/**
 * A lookup by a full ID number or phone goes to the audit log with the
 * residents it found (none, too), whatever the caller's scopes: knowing whose
 * number it is, is itself personal data (docs/ARCHITECTURE.md, "Finding people").
 */
export function auditLookup(
  audit: AuditTrail,
  info: GraphQLResolveInfo,
  c: Pick<ResidentConditions, 'idNumber' | 'phone'>,
  found: readonly { id: number }[],
): void {
  const fields = [...(c.idNumber != null ? ['idNumberLookup'] : []), ...(c.phone != null ? ['phoneLookup'] : [])];
  if (!fields.length) return;
  const entry = trailEntry(audit, 'Person', readPath(info, true));
  for (const f of fields) entry.fields.add(f);
  for (const p of found) entry.ids.add(p.id);
  // Found nobody in the caller's area: the numbers tried are fingerprinted when the entry is written (fingerprints).
  if (!found.length) {
    if (c.idNumber != null) entry.missed.add(`idNumber:${c.idNumber}`);
    if (c.phone != null) entry.missed.add(`phone:${c.phone}`);
  }
}

type ResidentArgs = PageArgs & { filter?: ResidentFilter | null };

/** `residents(filter, first, after)` of a village or grid: a batched connection, lookups audited. */
function residentsOf(scope: Scope) {
  return async (parent: { code: string }, args: ResidentArgs, ctx: VillageContext, info: GraphQLResolveInfo): Promise<Connection<PersonRow>> => {
    requireListAccess(ctx.caller, parent.code, 'resident');
    const c = residentConditions(args.filter);
    if (isLookup(c)) await spendLookup(ctx);
    const page = await ctx.pages.connection(persons.list(scope, c), parent.code, args);
    auditLookup(ctx.audit, info, c, page.nodes);
    return page;
  };
}

/** Each request's searches above a village (one per request context). */
const searches = new WeakMap<VillageContext, ResidentSearch>();

/** `residents(filter, first, after)` of a township or county: every parent of a request from one statement, lookups audited. */
export function residentsWithin() {
  return async (parent: { code: string }, args: ResidentArgs, ctx: VillageContext, info: GraphQLResolveInfo): Promise<Connection<PersonRow>> => {
    requireListAccess(ctx.caller, parent.code, 'resident');
    const c = residentConditions(args.filter);
    if (isLookup(c)) await spendLookup(ctx);
    let search = searches.get(ctx);
    if (!search) searches.set(ctx, (search = new ResidentSearch(ctx.em)));
    const page = await search.connection(parent.code, c, args);
    auditLookup(ctx.audit, info, c, page.nodes);
    return page;
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
    residents: residentsOf(scope),
    households: list(scope, 'household', (s, a: PageArgs & { number?: string | null }): ScopedList<HouseholdRow> =>
      households.list(s, a.number == null ? null : keyText(a.number, 'number', 100)),
    ),
    houses: list(scope, 'house', (s, a: PageArgs & { use?: HouseUse | null }): ScopedList<HouseRow> => houses.list(s, a.use)),
    addresses: list(scope, 'address', (s, a: PageArgs & { search?: string | null }): ScopedList<AddressRow> =>
      addresses.list(s, a.search == null ? null : keyText(a.search, 'search', 100)),
    ),
    sites: list(scope, 'site', (s, a: PageArgs & { kind?: SiteKind | null }): ScopedList<SiteRow> => sites.list(s, a.kind)),
    staff: list(scope, 'grid staff', (s, a: PageArgs & { role?: GridStaffRole | null }): ScopedList<GridStaffRow> => gridStaff.list(s, a.role)),
    jointDefenseGroups: list(scope, 'joint-defense group', (s): ScopedList<JointDefenseGroupRow> => jointDefenseGroups.list(s)),
    patrolTeams: list(scope, 'patrol team', (s, a: PageArgs & { kind?: PatrolTeamKind | null }): ScopedList<PatrolTeamRow> => patrolTeams.list(s, a.kind)),
    patrols: list(scope, 'patrol', (s, a: PageArgs & { from: string; to: string }): ScopedList<PatrolRow> => {
      const p = resolvePeriod({ from: a.from, to: a.to });
      return patrols.list(s, ...periodBounds(p.from, p.to));
    }),
    hazards: hazardsOf(scope),
  };
}

type HazardArgs = PageArgs & { status?: HazardStatus | null; source?: HazardSource | null; overdue?: boolean | null; orderBy?: HazardOrder | null };

/** `hazards(status, source, overdue, orderBy, first, after)` of a division at any level: every parent's page from one statement. */
export const hazardsOf = (scope: Scope) =>
  list(scope, 'hazard', (s, a: HazardArgs): ScopedList<HazardRow> => hazards.list(s, a.status, a.source, a.overdue, a.orderBy ?? 'OLDEST_FIRST'));

/**
 * The days a list of ended records is filtered by (`from`, `to`, inclusive, China Standard Time), as instants; null
 * when neither is given. Either may be left out: the list then runs from its start or to today and beyond.
 */
function endedBetween(from: string | null | undefined, to: string | null | undefined): [string, string] | null {
  if (from == null && to == null) return null;
  const [f, t] = openEnds(from, to);
  checkDateRange(f, t);
  return periodBounds(f, t);
}

const ENDED_KINDS: readonly string[] = KINDS;

type EndedArgs = PageArgs & { kind?: ChangeKind | null; from?: string | null; to?: string | null };
type DeregisteredArgs = PageArgs & { reason?: DeregistrationReason | null; from?: string | null; to?: string | null };

/**
 * `endedRecords(kind, from, to, first, after)` and `deregisteredResidents(reason, from, to, first, after)` of a
 * division at any level: what left its registry, newest first, every parent's page from one statement. Row-level
 * security keeps each to the rows whose grid the caller's jurisdiction covers.
 */
export function endedLists(scope: Scope) {
  return {
    endedRecords: list(scope, 'registry', (s, a: EndedArgs): ScopedList<EndedRecordRow> => {
      if (a.kind != null && !ENDED_KINDS.includes(a.kind)) {
        throw badInput(
          {
            zh: `kind“${quote(a.kind)}”不是已注销记录的类别；应为 HOUSEHOLD（户）、HOUSE（房屋）、JOINT_DEFENSE_GROUP（十户联防组）、SITE（重点场所）或 ADDRESS（标准地址）。`,
            en: `kind "${quote(a.kind)}" is not a kind of ended record; use HOUSEHOLD, HOUSE, JOINT_DEFENSE_GROUP, SITE or ADDRESS.`,
          },
          { argument: 'kind' },
        );
      }
      return lifeCycle.endedList(s, a.kind as EndedKind | null | undefined, endedBetween(a.from, a.to));
    }),
    deregisteredResidents: list(scope, 'resident', (s, a: DeregisteredArgs): ScopedList<PersonRow> =>
      persons.deregistered(s, a.reason, endedBetween(a.from, a.to)),
    ),
  };
}
