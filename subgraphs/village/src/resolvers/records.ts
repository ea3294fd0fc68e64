import { formatDate, parseId } from '../../../../platform/scalars.ts';
import { personal, visible } from '../access.ts';
import type { VillageContext } from '../context.ts';
import type { Resolvers } from '../generated/resolvers.ts';
import type { PatrolRow } from '../rows.ts';

/** Whole years between a birth date and today (China Standard Time). */
export function ageOf(birth: string): number {
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const [by, bm, bd] = birth.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

type Loaders = VillageContext['loaders'];
/** A by-id root field: null when missing or not visible to the caller (the two look the same). */
const byId =
  <K extends keyof Loaders>(loader: K) =>
  async (_: unknown, args: { id: string }, ctx: VillageContext) =>
    visible(ctx.caller, (await (ctx.loaders[loader] as any).load(String(parseId(args.id)))) as any);

/** Follows a nullable foreign key through a loader. */
const ref =
  <K extends keyof Loaders>(loader: K, key: (parent: any) => number | string | null) =>
  async (parent: any, _: unknown, ctx: VillageContext) => {
    const id = key(parent);
    return id == null ? null : visible(ctx.caller, (await (ctx.loaders[loader] as any).load(String(id))) as any);
  };

// Divisions are not records: any caller may see a village's or grid's name.
const village = (p: { villageCode: string }, _: unknown, ctx: VillageContext) => ctx.loaders.village.load(p.villageCode);
const grid = (p: { gridCode: string }, _: unknown, ctx: VillageContext) => ctx.loaders.grid.load(p.gridCode);

export const recordResolvers: Resolvers = {
  Query: {
    person: byId('person'),
    household: byId('household'),
    house: byId('house'),
    address: byId('address'),
    site: byId('site'),
    jointDefenseGroup: byId('group'),
    patrolTeam: byId('team'),
    hazard: byId('hazard'),
  },
  Person: {
    id: (p) => String(p.id),
    birthDate: (p) => formatDate(p.birthDate),
    age: (p) => ageOf(formatDate(p.birthDate)),
    idNumber: (p, _, ctx) => personal(ctx, 'Person', p.id, 'idNumber', p.idNumber),
    phone: (p, _, ctx) => personal(ctx, 'Person', p.id, 'phone', p.phone),
    household: ref('household', (p) => p.householdId),
    address: ref('address', (p) => p.addressId),
    grid: grid as any,
    village: village as any,
  },
  Household: {
    id: (h) => String(h.id),
    head: ref('person', (h) => h.headId),
    members: (h, _, ctx) => ctx.loaders.membersOfHousehold.load(String(h.id)),
    address: ref('address', (h) => h.addressId),
    house: ref('house', (h) => h.houseId),
    jointDefenseGroup: ref('group', (h) => h.jointDefenseGroupId),
    grid: grid as any,
    village: village as any,
  },
  Address: { id: (a) => String(a.id), grid: grid as any, village: village as any },
  House: {
    id: (h) => String(h.id),
    area: (h) => (h.area == null ? null : Number(h.area)),
    address: ref('address', (h) => h.addressId),
    occupants: async (h, _, ctx) => {
      const households = await ctx.loaders.householdsOfHouse.load(String(h.id));
      return (await ctx.loaders.membersOfHousehold.loadMany(households.map((x) => String(x.id)))).flatMap((m) => (Array.isArray(m) ? m : []));
    },
    grid: grid as any,
    village: village as any,
  },
  Site: {
    id: (s) => String(s.id),
    address: ref('address', (s) => s.addressId),
    contactPhone: (s, _, ctx) => personal(ctx, 'Site', s.id, 'phone', s.contactPhone),
    grid: grid as any,
    village: village as any,
  },
  GridStaff: {
    id: (s) => String(s.id),
    phone: (s, _, ctx) => personal(ctx, 'GridStaff', s.id, 'phone', s.phone),
    person: ref('person', (s) => s.personId),
    grid: grid as any,
  },
  JointDefenseGroup: {
    id: (g) => String(g.id),
    leader: ref('person', (g) => g.leaderId),
    households: (g, _, ctx) => ctx.loaders.householdsOfGroup.load(String(g.id)),
    grid: grid as any,
    village: village as any,
  },
  PatrolTeam: {
    id: (t) => String(t.id),
    members: async (t, _, ctx) => {
      const members = await ctx.loaders.teamMembers.load(String(t.id));
      const people = await ctx.loaders.person.loadMany(members.map((m) => String(m.personId)));
      return people.filter((p): p is any => !!p && !(p instanceof Error));
    },
    village: village as any,
  },
  Patrol: {
    id: (p) => String(p.id),
    team: async (p, _, ctx) => (await ctx.loaders.team.load(String(p.teamId)))!,
    hours: (p: PatrolRow) => (new Date(p.endedAt).getTime() - new Date(p.startedAt).getTime()) / 3_600_000,
    participants: async (p, _, ctx) => {
      const people = await ctx.loaders.person.loadMany(p.participantIds.map(String));
      return people.filter((x): x is any => !!x && !(x instanceof Error));
    },
    hazards: (p, _, ctx) => ctx.loaders.hazardsOfPatrol.load(String(p.id)),
    village: village as any,
  },
  Hazard: {
    id: (h) => String(h.id),
    patrol: ref('patrol', (h) => h.patrolId),
    grid: grid as any,
  },
  MediationCommittee: {
    id: (c) => String(c.id),
    mediators: (c, _, ctx) => ctx.loaders.mediatorsOfCommittee.load(String(c.id)),
    village: village as any,
  },
  Mediator: {
    id: (m) => String(m.id),
    phone: (m, _, ctx) => personal(ctx, 'Mediator', m.id, 'phone', m.phone),
  },
};
