import type { EntityManager } from '@mikro-orm/postgresql';
import { requireWrite, type Caller } from '../../../../platform/caller.ts';
import { parseCitizenId, parsePhone } from '../../../../domain/citizen-id.ts';
import { parseCodeOfLevel } from '../../../../domain/codes.ts';
import { badInput, conflict, hubError, notFound } from '../../../../platform/errors.ts';
import { parseId } from '../../../../platform/scalars.ts';
import { query, queryOne } from '../../../../platform/sql.ts';
import { optText, text } from '../../../../platform/validate.ts';
import type { VillageContext } from '../context.ts';
import type { Resolvers } from '../generated/resolvers.ts';
import type { HazardRow, HouseholdRow, JointDefenseGroupRow, PatrolTeamRow, PersonRow } from '../rows.ts';

/**
 * Registry writes. Each mutation runs in one transaction: a refused write
 * leaves nothing behind. Updates carry the version the client read; a stale
 * one gets CONFLICT (optimistic concurrency).
 */
interface Located {
  villageCode: string;
  gridCode: string;
  countyCode: string;
}


/** Runs `fn` in a transaction; unique-key violations become CONFLICT. */
async function tx<T>(ctx: VillageContext, fn: (em: EntityManager) => Promise<T>): Promise<T> {
  try {
    return await ctx.em.transactional((em) => fn(em as EntityManager));
  } catch (e) {
    const err = e as { code?: string; detail?: string; name?: string };
    if (err.code === '23505' || err.name === 'UniqueConstraintViolationException') {
      throw conflict(`That would duplicate an existing record${err.detail ? `: ${err.detail}` : ''}.`);
    }
    throw e;
  }
}

async function gridFor(em: EntityManager, caller: Caller, code: string): Promise<Located> {
  const c = parseCodeOfLevel(code, 'GRID', 'gridCode');
  requireWrite(caller, c);
  const g = await queryOne<{ code: string; villageCode: string; countyCode: string }>(em, 'select * from grid where code = ?', [c]);
  if (!g) throw badInput(`gridCode ${c} is not a grid the hub knows.`, { argument: 'gridCode' });
  return { villageCode: g.villageCode, gridCode: g.code, countyCode: g.countyCode };
}

/** Loads a record for writing: NOT_FOUND when missing or outside the caller's jurisdiction. */
async function forWrite<T extends { villageCode: string }>(em: EntityManager, caller: Caller, table: string, id: string | number, what: string, lock = true): Promise<T> {
  const row = await queryOne<T>(em, `select * from ${table} where id = ?${lock ? ' for update' : ''}`, [parseId(id, `${what}Id`)]);
  if (!row || !row.villageCode.startsWith(caller.jurisdiction)) throw notFound(`No ${what} with id ${id}.`);
  requireWrite(caller, row.villageCode);
  return row;
}

async function refInVillage(em: EntityManager, caller: Caller, table: string, id: string | null | undefined, what: string, villageCode: string): Promise<number | null> {
  if (id == null) return null;
  const row = await forWrite<{ id: number; villageCode: string }>(em, caller, table, id, what, false);
  if (row.villageCode !== villageCode) throw badInput(`${what} ${id} is in village ${row.villageCode}, not ${villageCode}.`, { argument: `${what}Id` });
  return row.id;
}

/** Applies `sets` if `version` is current; CONFLICT otherwise. */
async function versioned<T>(em: EntityManager, table: string, id: number, version: number, sets: Record<string, unknown>): Promise<T> {
  const cols = Object.entries(sets).filter(([, v]) => v !== undefined);
  const assign = cols.map(([c]) => `${c} = ?`).concat('version = version + 1').join(', ');
  const row = await queryOne<T>(em, `update ${table} set ${assign} where id = ? and version = ? returning *`, [...cols.map(([, v]) => v), id, version]);
  if (row) return row;
  const current = await queryOne<{ version: number }>(em, `select version from ${table} where id = ?`, [id]);
  throw conflict(`The record was changed by someone else (now version ${current?.version}, you sent ${version}); read it again and retry.`, {
    currentVersion: current?.version,
  });
}

const HOUSEHOLD_MAX = 8;

function checkArea(area: number | null | undefined): number | null {
  if (area == null) return null;
  if (!(area > 0 && area < 100_000)) throw badInput('area must be more than 0 and less than 100000 square metres.', { argument: 'area' });
  return area;
}

async function personFields(em: EntityManager, caller: Caller, input: any, village: string) {
  return {
    household_id: await refInVillage(em, caller, 'household', input.householdId, 'household', village),
    address_id: await refInVillage(em, caller, 'address', input.addressId, 'address', village),
  };
}

async function checkHouseholdSize(em: EntityManager, householdId: number | null): Promise<void> {
  if (householdId == null) return;
  const r = await queryOne<{ n: string }>(em, 'select count(*) as n from person where household_id = ?', [householdId]);
  if (Number(r?.n) > HOUSEHOLD_MAX * 4) throw badInput(`household ${householdId} already has ${r?.n} members.`, { argument: 'householdId' });
}

const HAZARD_NEXT: Record<string, string[]> = {
  REPORTED: ['RECTIFYING', 'RECTIFIED'],
  RECTIFYING: ['RECTIFIED'],
  RECTIFIED: ['VERIFIED'],
  VERIFIED: [],
};

/** Hazards move reported → rectifying → rectified → verified; nothing moves back. */
async function moveHazard(ctx: VillageContext, id: string, version: number, to: 'RECTIFYING' | 'RECTIFIED' | 'VERIFIED'): Promise<HazardRow> {
  return tx(ctx, async (em) => {
    const h = await forWrite<HazardRow>(em, ctx.caller, 'hazard', id, 'hazard');
    if (!HAZARD_NEXT[h.status]!.includes(to)) {
      const allowed = HAZARD_NEXT[h.status]!;
      throw hubError('INVALID_TRANSITION', `A ${h.status} hazard cannot become ${to}; allowed: ${allowed.length ? allowed.join(', ') : 'none (it is closed)'}.`, {
        from: h.status,
        to,
        allowed,
      });
    }
    const stamp = to === 'RECTIFIED' ? { rectified_at: new Date() } : to === 'VERIFIED' ? { verified_at: new Date() } : {};
    return versioned<HazardRow>(em, 'hazard', h.id, version, { status: to, ...stamp });
  });
}

/** 十户联防: a household belongs to at most one joint-defense group. */
function refuseGrouped(taken: HouseholdRow[]): void {
  if (taken.length) {
    throw conflict(`A household belongs to at most one joint-defense group; already in another: ${taken.map((h) => `${h.id} (group ${h.jointDefenseGroupId})`).join(', ')}.`);
  }
}

async function groupHouseholds(em: EntityManager, caller: Caller, ids: readonly string[], village: string): Promise<HouseholdRow[]> {
  const parsed = [...new Set(ids.map((i) => parseId(i, 'householdId')))];
  if (!parsed.length) return [];
  const rows = await query<HouseholdRow>(em, 'select * from household where id in (?) for update', [parsed]);
  const found = new Set(rows.map((r) => r.id));
  const missing = parsed.filter((i) => !found.has(i));
  if (missing.length) throw notFound(`No household with id ${missing.join(', ')}.`);
  for (const h of rows) {
    requireWrite(caller, h.villageCode);
    if (h.villageCode !== village) throw badInput(`household ${h.id} is in village ${h.villageCode}; a group's households must be neighbours in ${village}.`);
  }
  return rows;
}

export const mutationResolvers: Resolvers = {
  Mutation: {
    registerAddress: (_, { input }, ctx) =>
      tx(ctx, async (em) => {
        const loc = await gridFor(em, ctx.caller, input.gridCode);
        return (await queryOne(em, `insert into address (number, text, village_code, grid_code, county_code) values (?, ?, ?, ?, ?) returning *`, [
          text(input.number, 'number', 50), text(input.text, 'text'), loc.villageCode, loc.gridCode, loc.countyCode,
        ]))!;
      }) as any,
    updateAddress: (_, { id, version, input }, ctx) =>
      tx(ctx, async (em) => {
        const a = await forWrite<any>(em, ctx.caller, 'address', id, 'address');
        const loc = input.gridCode ? await gridFor(em, ctx.caller, input.gridCode) : null;
        if (loc && loc.villageCode !== a.villageCode) throw badInput('An address cannot move to another village; register a new one.', { argument: 'gridCode' });
        return versioned(em, 'address', a.id, version, {
          number: input.number == null ? undefined : text(input.number, 'number', 50),
          text: input.text == null ? undefined : text(input.text, 'text'),
          grid_code: loc?.gridCode,
        });
      }) as any,
    registerHouse: (_, { input }, ctx) =>
      tx(ctx, async (em) => {
        const loc = await gridFor(em, ctx.caller, input.gridCode);
        const addressId = await refInVillage(em, ctx.caller, 'address', input.addressId, 'address', loc.villageCode);
        return (await queryOne(em, `insert into house (number, use, area, address_id, village_code, grid_code, county_code) values (?, ?, ?, ?, ?, ?, ?) returning *`, [
          text(input.number, 'number', 50), input.use, checkArea(input.area), addressId, loc.villageCode, loc.gridCode, loc.countyCode,
        ]))!;
      }) as any,
    updateHouse: (_, { id, version, input }, ctx) =>
      tx(ctx, async (em) => {
        const h = await forWrite<any>(em, ctx.caller, 'house', id, 'house');
        return versioned(em, 'house', h.id, version, {
          number: input.number == null ? undefined : text(input.number, 'number', 50),
          use: input.use ?? undefined,
          area: input.area == null ? undefined : checkArea(input.area),
          address_id: input.addressId == null ? undefined : await refInVillage(em, ctx.caller, 'address', input.addressId, 'address', h.villageCode),
        });
      }) as any,
    registerHousehold: (_, { input }, ctx) =>
      tx(ctx, async (em) => {
        const loc = await gridFor(em, ctx.caller, input.gridCode);
        return (await queryOne(em, `insert into household (number, address_id, house_id, village_code, grid_code, county_code) values (?, ?, ?, ?, ?, ?) returning *`, [
          text(input.number, 'number', 50),
          await refInVillage(em, ctx.caller, 'address', input.addressId, 'address', loc.villageCode),
          await refInVillage(em, ctx.caller, 'house', input.houseId, 'house', loc.villageCode),
          loc.villageCode, loc.gridCode, loc.countyCode,
        ]))!;
      }) as any,
    updateHousehold: (_, { id, version, input }, ctx) =>
      tx(ctx, async (em) => {
        const h = await forWrite<HouseholdRow>(em, ctx.caller, 'household', id, 'household');
        let headId: number | undefined;
        if (input.headId != null) {
          const head = await forWrite<PersonRow>(em, ctx.caller, 'person', input.headId, 'person', false);
          if (head.householdId !== h.id) throw badInput(`person ${input.headId} is not a member of household ${id}.`, { argument: 'headId' });
          headId = head.id;
        }
        return versioned(em, 'household', h.id, version, { number: input.number == null ? undefined : text(input.number, 'number', 50), head_id: headId });
      }) as any,
    moveHousehold: (_, { id, version, input }, ctx) =>
      tx(ctx, async (em) => {
        const h = await forWrite<HouseholdRow>(em, ctx.caller, 'household', id, 'household');
        const loc = await gridFor(em, ctx.caller, input.gridCode);
        const addressId = await refInVillage(em, ctx.caller, 'address', input.addressId, 'address', loc.villageCode);
        const houseId = await refInVillage(em, ctx.caller, 'house', input.houseId, 'house', loc.villageCode);
        // Joint-defense groups are of neighbours: leaving the village means leaving the group.
        const leavesGroup = loc.villageCode !== h.villageCode && h.jointDefenseGroupId != null;
        if (leavesGroup) {
          const g = await queryOne<JointDefenseGroupRow>(em, 'select * from joint_defense_group where id = ?', [h.jointDefenseGroupId]);
          const leaderHere = g?.leaderId != null && (await queryOne(em, 'select 1 from person where id = ? and household_id = ?', [g.leaderId, h.id]));
          if (leaderHere) throw conflict(`household ${id} is home to the leader of joint-defense group ${g!.id}; appoint another leader first.`);
        }
        const moved = await versioned<HouseholdRow>(em, 'household', h.id, version, {
          village_code: loc.villageCode, grid_code: loc.gridCode, county_code: loc.countyCode,
          address_id: addressId, house_id: houseId, joint_defense_group_id: leavesGroup ? null : h.jointDefenseGroupId,
        });
        await query(em, 
          `update person set village_code = ?, grid_code = ?, county_code = ?, address_id = ?, version = version + 1 where household_id = ?`,
          [loc.villageCode, loc.gridCode, loc.countyCode, addressId, h.id],
        );
        return moved;
      }) as any,
    registerPerson: (_, { input }, ctx) =>
      tx(ctx, async (em) => {
        const loc = await gridFor(em, ctx.caller, input.gridCode);
        let gender = input.gender ?? null;
        let birthDate = input.birthDate ?? null;
        let idNumber: string | null = null;
        if (input.idNumber != null) {
          const parsed = parseCitizenId(input.idNumber);
          if (gender && gender !== parsed.gender) throw badInput(`gender ${gender} disagrees with the ID number (${parsed.gender}).`, { argument: 'gender' });
          if (birthDate && birthDate !== parsed.birthDate) throw badInput(`birthDate ${birthDate} disagrees with the ID number (${parsed.birthDate}).`, { argument: 'birthDate' });
          ({ gender, birthDate, idNumber } = parsed);
        } else if (input.residency !== 'OVERSEAS') {
          throw badInput('idNumber is required for registered and floating residents.', { argument: 'idNumber' });
        } else if (!gender || !birthDate) {
          throw badInput('Without an ID number, gender and birthDate are required.', { argument: 'idNumber' });
        }
        if (birthDate! > new Date().toISOString().slice(0, 10)) throw badInput('birthDate is in the future.', { argument: 'birthDate' });
        if (idNumber && (await queryOne(em, 'select 1 from person where id_number = ?', [idNumber]))) {
          throw conflict(`A resident with ID number ${idNumber.slice(0, 6)}********${idNumber.slice(14)} is already registered.`);
        }
        const refs = await personFields(em, ctx.caller, input, loc.villageCode);
        await checkHouseholdSize(em, refs.household_id);
        const person = await queryOne<PersonRow>(
          em,
          `insert into person (name, gender, birth_date, ethnicity, id_number, phone, residency, tags, household_id, address_id, village_code, grid_code, county_code)
           values (?, ?, ?, ?, ?, ?, ?, array[?]::text[], ?, ?, ?, ?, ?) returning *`,
          [
            text(input.name, 'name', 50), gender, birthDate, text(input.ethnicity, 'ethnicity', 20), idNumber,
            input.phone == null ? null : parsePhone(input.phone), input.residency, input.tags?.length ? [...new Set(input.tags)] : [null],
            refs.household_id, refs.address_id, loc.villageCode, loc.gridCode, loc.countyCode,
          ],
        );
        if (refs.household_id != null) await query(em, 'update household set head_id = ? where id = ? and head_id is null', [person!.id, refs.household_id]);
        return person!;
      }) as any,
    updatePerson: (_, { id, version, input }, ctx) =>
      tx(ctx, async (em) => {
        const p = await forWrite<PersonRow>(em, ctx.caller, 'person', id, 'person');
        const loc = input.gridCode ? await gridFor(em, ctx.caller, input.gridCode) : null;
        const village = loc?.villageCode ?? p.villageCode;
        const refs = await personFields(em, ctx.caller, input, village);
        if (loc && loc.villageCode !== p.villageCode && input.householdId == null && p.householdId != null) {
          throw badInput('Moving a person to another village needs their new householdId (or move the whole household).', { argument: 'householdId' });
        }
        return versioned(em, 'person', p.id, version, {
          name: input.name == null ? undefined : text(input.name, 'name', 50),
          ethnicity: input.ethnicity == null ? undefined : text(input.ethnicity, 'ethnicity', 20),
          phone: input.phone == null ? undefined : parsePhone(input.phone),
          residency: input.residency ?? undefined,
          village_code: loc?.villageCode, grid_code: loc?.gridCode, county_code: loc?.countyCode,
          household_id: input.householdId == null ? undefined : refs.household_id,
          address_id: input.addressId == null ? undefined : refs.address_id,
        });
      }) as any,
    tagPerson: (_, { id, tags }, ctx) =>
      tx(ctx, async (em) => {
        const p = await forWrite<PersonRow>(em, ctx.caller, 'person', id, 'person');
        return (await queryOne(em, `update person set tags = array(select distinct unnest(tags || array[?]::text[]) order by 1), version = version + 1 where id = ? returning *`, [tags.length ? tags : [null], p.id]))!;
      }) as any,
    untagPerson: (_, { id, tags }, ctx) =>
      tx(ctx, async (em) => {
        const p = await forWrite<PersonRow>(em, ctx.caller, 'person', id, 'person');
        return (await queryOne(em, `update person set tags = array(select t from unnest(tags) t where t <> all(array[?]::text[])), version = version + 1 where id = ? returning *`, [tags.length ? tags : [''], p.id]))!;
      }) as any,
    registerSite: (_, { input }, ctx) =>
      tx(ctx, async (em) => {
        const loc = await gridFor(em, ctx.caller, input.gridCode);
        return (await queryOne(em, `insert into site (name, kind, address_id, contact_name, contact_phone, village_code, grid_code, county_code) values (?, ?, ?, ?, ?, ?, ?, ?) returning *`, [
          text(input.name, 'name', 100), input.kind, await refInVillage(em, ctx.caller, 'address', input.addressId, 'address', loc.villageCode),
          optText(input.contactName, 'contactName', 50), input.contactPhone == null ? null : parsePhone(input.contactPhone), loc.villageCode, loc.gridCode, loc.countyCode,
        ]))!;
      }) as any,
    updateSite: (_, { id, version, input }, ctx) =>
      tx(ctx, async (em) => {
        const s = await forWrite<any>(em, ctx.caller, 'site', id, 'site');
        return versioned(em, 'site', s.id, version, {
          name: input.name == null ? undefined : text(input.name, 'name', 100),
          kind: input.kind ?? undefined,
          contact_name: input.contactName == null ? undefined : text(input.contactName, 'contactName', 50),
          contact_phone: input.contactPhone == null ? undefined : parsePhone(input.contactPhone),
        });
      }) as any,
    createJointDefenseGroup: (_, { input }, ctx) =>
      tx(ctx, async (em) => {
        const loc = await gridFor(em, ctx.caller, input.gridCode);
        const households = await groupHouseholds(em, ctx.caller, input.householdIds, loc.villageCode);
        if (!households.length) throw badInput('A joint-defense group needs at least one household.', { argument: 'householdIds' });
        refuseGrouped(households.filter((h) => h.jointDefenseGroupId != null));
        const leader = await forWrite<PersonRow>(em, ctx.caller, 'person', input.leaderId, 'person', false);
        if (!households.some((h) => h.id === leader.householdId)) throw badInput(`The leader (联户长) must live in one of the group's households; person ${input.leaderId} does not.`, { argument: 'leaderId' });
        const group = await queryOne<JointDefenseGroupRow>(em, `insert into joint_defense_group (name, leader_id, village_code, grid_code, county_code) values (?, ?, ?, ?, ?) returning *`, [
          text(input.name, 'name', 100), leader.id, loc.villageCode, loc.gridCode, loc.countyCode,
        ]);
        await query(em, 'update household set joint_defense_group_id = ?, version = version + 1 where id in (?)', [group!.id, households.map((h) => h.id)]);
        return group!;
      }) as any,
    assignHouseholdsToGroup: (_, { groupId, version, householdIds }, ctx) =>
      tx(ctx, async (em) => {
        const g = await forWrite<JointDefenseGroupRow>(em, ctx.caller, 'joint_defense_group', groupId, 'jointDefenseGroup');
        const households = await groupHouseholds(em, ctx.caller, householdIds, g.villageCode);
        refuseGrouped(households.filter((h) => h.jointDefenseGroupId != null && h.jointDefenseGroupId !== g.id));
        const updated = await versioned<JointDefenseGroupRow>(em, 'joint_defense_group', g.id, version, {});
        if (households.length) await query(em, 'update household set joint_defense_group_id = ?, version = version + 1 where id in (?)', [g.id, households.map((h) => h.id)]);
        return updated;
      }) as any,
    removeHouseholdsFromGroup: (_, { groupId, version, householdIds }, ctx) =>
      tx(ctx, async (em) => {
        const g = await forWrite<JointDefenseGroupRow>(em, ctx.caller, 'joint_defense_group', groupId, 'jointDefenseGroup');
        const households = await groupHouseholds(em, ctx.caller, householdIds, g.villageCode);
        const leaderHome = g.leaderId == null ? null : (await queryOne<PersonRow>(em, 'select * from person where id = ?', [g.leaderId]))?.householdId;
        if (households.some((h) => h.id === leaderHome)) throw conflict("The leader's household cannot leave the group; appoint another leader first.");
        const updated = await versioned<JointDefenseGroupRow>(em, 'joint_defense_group', g.id, version, {});
        if (households.length) await query(em, 'update household set joint_defense_group_id = null, version = version + 1 where id in (?) and joint_defense_group_id = ?', [households.map((h) => h.id), g.id]);
        return updated;
      }) as any,
    setJointDefenseGroupLeader: (_, { groupId, version, leaderId }, ctx) =>
      tx(ctx, async (em) => {
        const g = await forWrite<JointDefenseGroupRow>(em, ctx.caller, 'joint_defense_group', groupId, 'jointDefenseGroup');
        const leader = await forWrite<PersonRow>(em, ctx.caller, 'person', leaderId, 'person', false);
        const home = leader.householdId == null ? null : await queryOne<HouseholdRow>(em, 'select * from household where id = ?', [leader.householdId]);
        if (home?.jointDefenseGroupId !== g.id) throw badInput(`The leader (联户长) must live in one of the group's households; person ${leaderId} does not.`, { argument: 'leaderId' });
        return versioned(em, 'joint_defense_group', g.id, version, { leader_id: leader.id });
      }) as any,
    createPatrolTeam: (_, { input }, ctx) =>
      tx(ctx, async (em) => {
        const village = parseCodeOfLevel(input.villageCode, 'VILLAGE', 'villageCode');
        requireWrite(ctx.caller, village);
        const firstGrid = await queryOne<{ code: string; countyCode: string }>(em, 'select code, county_code from grid where village_code = ? order by code limit 1', [village]);
        if (!firstGrid) throw badInput(`villageCode ${village} is not a village the hub knows.`, { argument: 'villageCode' });
        const team = await queryOne<PatrolTeamRow>(em, `insert into patrol_team (name, kind, village_code, grid_code, county_code) values (?, ?, ?, ?, ?) returning *`, [
          text(input.name, 'name', 100), input.kind, village, firstGrid.code, firstGrid.countyCode,
        ]);
        await addMembers(em, ctx.caller, team!, input.memberIds ?? []);
        return team!;
      }) as any,
    addPatrolTeamMembers: (_, { teamId, personIds }, ctx) =>
      tx(ctx, async (em) => {
        const team = await forWrite<PatrolTeamRow>(em, ctx.caller, 'patrol_team', teamId, 'patrolTeam');
        await addMembers(em, ctx.caller, team, personIds);
        return team;
      }) as any,
    removePatrolTeamMembers: (_, { teamId, personIds }, ctx) =>
      tx(ctx, async (em) => {
        const team = await forWrite<PatrolTeamRow>(em, ctx.caller, 'patrol_team', teamId, 'patrolTeam');
        const ids = personIds.map((p) => parseId(p, 'personId'));
        if (ids.length) await query(em, 'delete from patrol_team_member where team_id = ? and person_id in (?)', [team.id, ids]);
        return team;
      }) as any,
    recordPatrol: (_, { input }, ctx) =>
      tx(ctx, async (em) => {
        const team = await forWrite<PatrolTeamRow>(em, ctx.caller, 'patrol_team', input.teamId, 'patrolTeam', false);
        const start = input.startedAt as unknown as Date;
        const end = input.endedAt as unknown as Date;
        if (!(end > start)) throw badInput('endedAt must be after startedAt.', { argument: 'endedAt' });
        if (end.getTime() - start.getTime() > 24 * 3_600_000) throw badInput('A patrol lasts at most 24 hours.', { argument: 'endedAt' });
        if (end.getTime() > Date.now() + 5 * 60_000) throw badInput('endedAt is in the future.', { argument: 'endedAt' });
        const participants = [...new Set(input.participantIds.map((p) => parseId(p, 'participantIds')))];
        if (!participants.length) throw badInput('A patrol needs at least one participant.', { argument: 'participantIds' });
        const members = await query<{ personId: number }>(em, 'select person_id from patrol_team_member where team_id = ? and person_id in (?)', [team.id, participants]);
        const memberIds = new Set(members.map((m) => m.personId));
        const outsiders = participants.filter((p) => !memberIds.has(p));
        if (outsiders.length) throw badInput(`Participants must be members of the team; not members: ${outsiders.join(', ')}.`, { argument: 'participantIds' });
        const hazards = [] as { loc: Located; h: any }[];
        for (const h of input.hazards ?? []) {
          const loc = await gridFor(em, ctx.caller, h.gridCode);
          if (loc.villageCode !== team.villageCode) throw badInput(`Hazard grid ${h.gridCode} is not in the team's village ${team.villageCode}.`, { argument: 'hazards' });
          hazards.push({ loc, h });
        }
        const patrol = await queryOne<any>(
          em,
          `insert into patrol (team_id, started_at, ended_at, route, participant_ids, village_code, grid_code, county_code) values (?, ?, ?, ?, array[?]::int[], ?, ?, ?) returning *`,
          [team.id, start, end, optText(input.route, 'route', 500), participants, team.villageCode, hazards[0]?.loc.gridCode ?? team.gridCode, team.countyCode],
        );
        for (const { loc, h } of hazards) {
          await query(em, 
            `insert into hazard (kind, description, location, source, patrol_id, reported_at, village_code, grid_code, county_code) values (?, ?, ?, 'PATROL', ?, ?, ?, ?, ?)`,
            [h.kind, text(h.description, 'description', 500), optText(h.location, 'location'), patrol.id, end, loc.villageCode, loc.gridCode, loc.countyCode],
          );
        }
        return patrol;
      }) as any,
    reportHazard: (_, { input }, ctx) =>
      tx(ctx, async (em) => {
        if (input.source === 'PATROL') throw badInput('Hazards found on patrol are reported with recordPatrol.', { argument: 'source' });
        const loc = await gridFor(em, ctx.caller, input.gridCode);
        return (await queryOne(
          em,
          `insert into hazard (kind, description, location, source, reported_by, reported_at, village_code, grid_code, county_code) values (?, ?, ?, ?, ?, now(), ?, ?, ?) returning *`,
          [input.kind, text(input.description, 'description', 500), optText(input.location, 'location'), input.source, optText(input.reportedBy, 'reportedBy', 50), loc.villageCode, loc.gridCode, loc.countyCode],
        ))!;
      }) as any,
    startHazardRectification: (_, { id, version }, ctx) => moveHazard(ctx, id, version, 'RECTIFYING') as any,
    rectifyHazard: (_, { id, version }, ctx) => moveHazard(ctx, id, version, 'RECTIFIED') as any,
    verifyHazard: (_, { id, version }, ctx) => moveHazard(ctx, id, version, 'VERIFIED') as any,
  },
};

async function addMembers(em: EntityManager, caller: Caller, team: PatrolTeamRow, personIds: readonly string[]): Promise<void> {
  const ids = [...new Set(personIds.map((p) => parseId(p, 'personId')))];
  if (!ids.length) return;
  const people = await query<PersonRow>(em, 'select id, village_code from person where id in (?)', [ids]);
  const found = new Map(people.map((p) => [p.id, p]));
  for (const id of ids) {
    const p = found.get(id);
    if (!p || !p.villageCode.startsWith(caller.jurisdiction)) throw notFound(`No person with id ${id}.`);
    if (p.villageCode !== team.villageCode) throw badInput(`person ${id} lives in ${p.villageCode}, not the team's village ${team.villageCode}.`, { argument: 'memberIds' });
  }
  await query(em, 
    `insert into patrol_team_member (team_id, person_id, village_code) select ?, unnest(array[?]::int[]), ? on conflict do nothing`,
    [team.id, ids, team.villageCode],
  );
}
