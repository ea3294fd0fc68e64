import type { EntityManager } from '@mikro-orm/postgresql';
import { holdsRecord, inJurisdiction, placeOf, requireWrite, type Caller } from '../../../../../platform/caller.ts';
import { parseId } from '../../../../../platform/scalars.ts';
import { badInput, conflict, hubError } from '../../../../../domain/errors.ts';
import { optText } from '../../../../../platform/validate.ts';
import type { EndReason, MutationResolvers } from '../../generated/resolvers.ts';
import { addresses } from '../../store/address.ts';
import { households } from '../../store/household.ts';
import { houses } from '../../store/house.ts';
import { jointDefenseGroups } from '../../store/joint-defense-group.ts';
import { lifeCycle, type EndedKind, type EndedRecordRow, type Ending, type TieRow } from '../../store/life-cycle.ts';
import { patrolTeams } from '../../store/patrol-team.ts';
import { persons, type PersonRow } from '../../store/person.ts';
import { personHistory } from '../../store/person-history.ts';
import { sites } from '../../store/site.ts';
import { END_REASON_ZH } from '../../store/ended-refs.ts';
import { RESIDENTS } from '../../registry/kinds.ts';
import { houseLivedIn, WHAT, type What } from '../../registry/rules.ts';
import { currentVersion, writeForm } from '../../registry/write.ts';
import { currentTeam } from './patrol-team.ts';
import { checkVersion, forWrite, tx, type Ends, type Placed, type Readable } from './write.ts';
import type { VillageContext } from '../../context.ts';
import { postHeld } from '../../registry/posts.ts';

/** A post's role by its Chinese name (网格员), as people read it. */

/**
 * Life cycle (docs/ARCHITECTURE.md, "Life cycle and history"): deregistering
 * people (注销) and ending households (销户), houses (拆除), 十户联防
 * groups (撤销), key sites (关停、拆除、迁出) and standard addresses. Each runs in one transaction, takes the version the client
 * read, and refuses, naming what to do first, to break a rule the registry
 * keeps: a household's head is one of its members, a group's leader lives
 * in one of its households, grid staff and mediators linked to a resident
 * are serving residents, an address ends only once nothing stands at it.
 */

const REASON_ZH = END_REASON_ZH;

/** The kinds of record that end: those that leave their table, and a patrol team, which stays in it disbanded. */
type EndingKind = EndedKind | 'PATROL_TEAM';

/** The reasons each kind of record may end for (a patrol team's, the column's check in …57PatrolTeamEnd). */
const REASONS_OF: Record<EndingKind, readonly EndReason[]> = {
  HOUSEHOLD: ['MOVED_OUT', 'MERGED', 'NO_MEMBERS', 'DUPLICATE'],
  HOUSE: ['DEMOLISHED', 'MERGED', 'DUPLICATE'],
  JOINT_DEFENSE_GROUP: ['REORGANISED', 'MERGED', 'DUPLICATE'],
  // 关停, 拆除, 迁出, 登记有误 and 重复登记.
  SITE: ['CLOSED', 'DEMOLISHED', 'MOVED_OUT', 'ENTERED_IN_ERROR', 'DUPLICATE'],
  ADDRESS: ['DEMOLISHED', 'MERGED', 'ENTERED_IN_ERROR', 'DUPLICATE'],
  PATROL_TEAM: ['REORGANISED', 'MERGED', 'DUPLICATE'],
};

const KIND_NAME: Record<EndingKind, { zh: string; en: string }> = {
  HOUSEHOLD: { zh: '户', en: 'a household' },
  HOUSE: { zh: '房屋', en: 'a house' },
  JOINT_DEFENSE_GROUP: { zh: '十户联防组', en: 'a joint-defense group' },
  SITE: { zh: '重点场所', en: 'a site' },
  ADDRESS: { zh: '标准地址', en: 'an address' },
  PATROL_TEAM: { zh: '巡防队', en: 'a patrol team' },
};

/**
 * Where ended households, houses, groups, sites and addresses are (`registry_ended`), for a write that names one: it is told when, by
 * whom and why the record ended (alreadyEnded), with the reason's Chinese name, its code and the note.
 */
function endsOf(kind: EndedKind, what: What): Ends {
  return {
    what,
    endedOf: async (em, id) => {
      const e = await lifeCycle.endedOf(em, kind, id);
      return e && { ...e, endReason: REASON_ZH[e.reason] ?? e.reason, reasonCode: e.reason };
    },
  };
}
export const ENDS = {
  HOUSEHOLD: endsOf('HOUSEHOLD', WHAT.household),
  HOUSE: endsOf('HOUSE', WHAT.house),
  JOINT_DEFENSE_GROUP: endsOf('JOINT_DEFENSE_GROUP', WHAT.group),
  SITE: endsOf('SITE', WHAT.site),
  ADDRESS: endsOf('ADDRESS', WHAT.address),
} as const satisfies Record<EndedKind, Ends>;

/** An end or a change of status as made, or as asked: by whom, from which version, why and with what note. */
interface Made {
  by: string;
  from: number;
  reason: string | null;
  note: string | null;
}

/**
 * Whether `asked` is `made` sent again after its answer was lost: the same caller, from the same version, for the same
 * reason and note. Anything else is another write, told as such (a stale version, an ended record).
 */
const sentAgain = (made: Made, asked: Made): boolean =>
  made.by === asked.by && made.from === asked.from && made.reason === asked.reason && made.note === asked.note;

/**
 * The household, house, group, site or address as the same end, sent again after a lost answer, left it (`sentAgain`); null for
 * anything else.
 */
async function endedAgain(em: EntityManager, caller: Caller, kind: EndedKind, id: string, version: number, e: Ending): Promise<EndedRecordRow | null> {
  const ended = await lifeCycle.endedOf(em, kind, parseId(id, 'id'));
  if (!ended || !holdsRecord(caller, ended)) return null;
  if (
    !sentAgain({ by: ended.endedBy, from: ended.version, reason: ended.reason, note: ended.note }, { by: e.by, from: version, reason: e.reason, note: e.note })
  ) {
    return null;
  }
  requireWrite(caller, placeOf(ended));
  return ended;
}

/**
 * Whether the person's deregistration (`status` DEREGISTERED) or reinstatement (ACTIVE) is this one sent again after
 * its answer was lost (`sentAgain`): their latest change of status, nothing changed since, by the same caller from the
 * version sent (the versions its transaction's entries took, a reinstatement's move included, after it).
 */
async function statusAgain(
  em: EntityManager,
  caller: Caller,
  p: PersonRow,
  status: PersonRow['status'],
  version: number,
  asked: Omit<Made, 'by' | 'from'>,
): Promise<boolean> {
  if (p.status !== status) return false;
  const last = await personHistory.lastStatusChange(em, p.id);
  if (!last || last.statusTo !== status || last.changedSince) return false;
  return sentAgain(
    { by: last.bySubject, from: p.version - last.inTransaction, reason: last.reason, note: last.note },
    { by: caller.subject, from: version, ...asked },
  );
}

function checkReason(kind: EndingKind, reason: EndReason): void {
  const allowed = REASONS_OF[kind];
  if (allowed.includes(reason)) return;
  throw badInput(
    {
      zh: `reason：${KIND_NAME[kind].zh}不能以“${REASON_ZH[reason] ?? reason}”（${reason}）注销；可用：${allowed.join('、')}。`,
      en: `reason: ${KIND_NAME[kind].en} does not end for ${reason}; use one of ${allowed.join(', ')}.`,
    },
    { argument: 'reason' },
  );
}

/**
 * Current members of a household as a refusal names them: by id those the caller may read, the others counted only
 * (a resident of a grid the caller does not see is not theirs to read, as a post there is not: registry/posts.ts).
 */
function membersNamed(caller: Caller, members: readonly TieRow[]): { ids: string[]; outside: number; zh: string; en: string } {
  const ids = members.filter((m) => inJurisdiction(caller, m.divisionCode)).map((m) => String(m.id));
  const outside = members.length - ids.length;
  return {
    ids,
    outside,
    zh: [ids.length ? `人员 ${ids.join('、')}` : '', outside ? `您的辖区以外 ${outside} 人` : ''].filter(Boolean).join('；'),
    en: [ids.length ? `persons ${ids.join(', ')}` : '', outside ? `${outside} outside your jurisdiction` : ''].filter(Boolean).join('; '),
  };
}

/** The refusal of a person's deregistration for a tie that someone must undo first. */
function refusal(caller: Caller, personId: number, t: TieRow, others: readonly TieRow[] = []) {
  switch (t.tie) {
    case 'HOUSEHOLD_HEAD':
      return conflict(
        {
          zh: `人员 ${personId} 是户 ${t.id}（户号 ${t.label}）的户主，该户还有其他在册成员（${membersNamed(caller, others).zh}）；请先另行指定户主。`,
          en: `Person ${personId} heads household ${t.id} (number ${t.label}), which has other members (${membersNamed(caller, others).en}); appoint another head first.`,
        },
        { householdId: String(t.id) },
      );
    default: {
      const post = postHeld(t, caller)!;
      return conflict({ zh: `人员 ${personId} ${post.what.zh}；${post.undo.zh}。`, en: `Person ${personId} ${post.what.en}; ${post.undo.en}.` }, post.extra);
    }
  }
}

/**
 * The households whose headship ends with the person (those where they are
 * the only current member); CONFLICT for any tie that must be undone first.
 */
async function headshipsToEnd(em: EntityManager, caller: Caller, personId: number): Promise<number[]> {
  const ends: number[] = [];
  const ties = await lifeCycle.ties(em, 'person', personId);
  // The households they head are locked before the person changes (docs/ARCHITECTURE.md, "Lock order"): a resident
  // registered into one meanwhile is then counted among its members below, or waits for this deregistration.
  const headed = ties.filter((t) => t.tie === 'HOUSEHOLD_HEAD').map((t) => t.id);
  if (headed.length && ties.length === headed.length) await households.lockMany(em, headed);
  for (const t of ties) {
    if (t.tie !== 'HOUSEHOLD_HEAD') throw refusal(caller, personId, t);
    const others = (await lifeCycle.ties(em, 'household', t.id)).filter((m) => m.id !== personId);
    if (others.length) throw refusal(caller, personId, t, others);
    requireWrite(caller, t.divisionCode);
    ends.push(t.id);
  }
  return ends;
}

/**
 * The refusal to deregister a house households live in (rule houseLivedIn): those of the caller's jurisdiction by 户号
 * and id, the others counted only (a household of a grid the caller does not see is not theirs to read, as a post
 * there is not: registry/posts.ts), and how each leaves the house.
 */
function householdsInHouse(caller: Caller, number: string, living: readonly TieRow[]) {
  const seen = living.filter((l) => inJurisdiction(caller, l.divisionCode));
  const outside = living.length - seen.length;
  const named = {
    zh: [seen.length ? `户号 ${seen.map((l) => l.label).join('、')}` : '', outside ? `您的辖区以外 ${outside} 户` : ''].filter(Boolean).join('；'),
    en: [seen.length ? `numbers ${seen.map((l) => l.label).join(', ')}` : '', outside ? `${outside} outside your jurisdiction` : ''].filter(Boolean).join('; '),
  };
  return conflict(
    {
      zh: `房屋 ${number} 还有 ${living.length} 户居住（${named.zh}），不能注销；请先将这些户迁走：moveHousehold 迁往另一房屋（houseId），或在原网格以 houseId: null 离开该房屋。`,
      en: `House ${number} is still home to ${living.length} household(s) (${named.en}) and cannot be deregistered; move them first: moveHousehold to another house (houseId), or on their own grid with houseId: null to leave it.`,
    },
    {
      rule: houseLivedIn,
      householdCount: living.length,
      householdIds: seen.map((l) => String(l.id)),
      householdNumbers: seen.map((l) => l.label),
      ...(outside ? { householdsOutside: outside } : {}),
    },
  );
}

/** Who ends a record, and why (the note: up to 500 characters). */
function ending(caller: Caller, reason: EndReason, note: string | null | undefined): Ending {
  return { by: caller.subject, byName: caller.name || null, reason, note: optText(note, 'note', 500) };
}

/** What may stand at an address, as its refusal to end names them: the tie, the extension of its ids, its words. */
const AT_ADDRESS: readonly { tie: TieRow['tie']; ids: string; zh: string; en: string }[] = [
  { tie: 'HOUSE', ids: 'houseIds', zh: '实有房屋', en: 'house(s)' },
  { tie: 'HOUSEHOLD', ids: 'householdIds', zh: '户', en: 'household(s)' },
  { tie: 'RESIDENT', ids: 'residentIds', zh: '在册人员', en: 'current resident(s)' },
  { tie: 'SITE', ids: 'siteIds', zh: '重点场所', en: 'site(s)' },
];

/**
 * The refusal to end an address something still stands at (rule addressInUse): of what the caller may read, how many
 * of each kind and their ids, to move or end first; the records of divisions it does not see (a resident of another
 * grid giving an address of the caller's grid) one number, neither their kinds nor their ids: that another grid's
 * resident lives at the address is not the caller's to read (registry/posts.ts names such posts by kind alone).
 * `hub_record_ties` sees them all, so none is missed.
 */
function addressInUse(caller: Caller, id: string, ties: readonly TieRow[]) {
  const seen = ties.filter((t) => inJurisdiction(caller, t.divisionCode));
  const outside = ties.length - seen.length;
  const counts: Record<string, number> = {};
  const ids: Record<string, string[]> = {};
  const zh: string[] = [];
  const en: string[] = [];
  for (const k of AT_ADDRESS) {
    const of = seen.filter((t) => t.tie === k.tie);
    counts[k.ids.replace(/Ids$/, 's')] = of.length;
    ids[k.ids] = of.map((t) => String(t.id));
    if (!of.length) continue;
    zh.push(`${of.length} 个${k.zh}（编号 ${ids[k.ids]!.join('、')}）`);
    en.push(`${of.length} ${k.en} (ids ${ids[k.ids]!.join(', ')})`);
  }
  if (outside) {
    zh.push(`您的辖区以外的 ${outside} 条记录`);
    en.push(`${outside} record(s) outside your jurisdiction`);
  }
  return conflict(
    {
      zh: `标准地址 ${id} 仍被使用：${zh.join('、')}登记在此地址；请先将它们改到其他地址或注销${outside ? '（辖区以外的记录由其所在辖区处理）' : ''}，再注销此地址。`,
      en: `address ${id} is still in use: ${en.join(', ')} name it; give them another address or end them first${outside ? ' (those outside your jurisdiction by those who keep them)' : ''}.`,
    },
    { rule: 'addressInUse', counts, ...ids, ...(outside ? { recordsOutside: outside } : {}) },
  );
}

/** What a client sends to end a household, house, group, site or address. */
interface EndArgs {
  id: string;
  version: number;
  reason: EndReason;
  note?: string | null;
}

/**
 * The end of a household, house, group, site or address, each in one transaction: the same end sent again after a lost
 * answer answers the ended record; otherwise the current record, locked, on the version the client read, for a reason
 * its kind takes. `first` refuses while something that must go first still stands there (members, households, what
 * stands at an address), or does what goes with the end (a group lets its households go), before the row leaves.
 */
function endRecord<R extends Placed & { id: number; version: number }>(
  kind: EndedKind,
  table: Readable<R>,
  what: string,
  first?: (em: EntityManager, caller: Caller, record: R, id: string) => Promise<void>,
) {
  return (_: unknown, { id, version, reason, note }: EndArgs, ctx: VillageContext) =>
    tx(ctx, async (em) => {
      const end = ending(ctx.caller, reason, note);
      const again = await endedAgain(em, ctx.caller, kind, id, version, end);
      if (again) return again;
      const r = await forWrite(em, ctx.caller, table, id, what, { ended: { ends: ENDS[kind], action: 'end' } });
      checkVersion(r.version, version);
      checkReason(kind, reason);
      await first?.(em, ctx.caller, r, id);
      return lifeCycle.end(em, kind, r.id, end);
    });
}

export const lifeCycleMutations = {
  deregisterPerson: (_, { id, version, reason, note }, ctx) =>
    tx(ctx, async (em) => {
      const p = await forWrite(em, ctx.caller, persons, id, 'person');
      const noteText = optText(note, 'note', 500);
      // The same deregistration sent again after a lost answer: the person as it left them.
      if (await statusAgain(em, ctx.caller, p, 'DEREGISTERED', version, { reason, note: noteText })) return p;
      // The version first: a stale copy hears it is stale before it hears what became of the person.
      checkVersion(p.version, version);
      if (p.status !== 'ACTIVE') {
        throw hubError(
          'INVALID_TRANSITION',
          {
            zh: `人员 ${id} 已经注销（${REASON_ZH[p.deregistrationReason ?? ''] ?? p.deregistrationReason}），不能再次注销。`,
            en: `Person ${id} is already deregistered (${p.deregistrationReason}).`,
          },
          { status: p.status },
        );
      }
      const headships = await headshipsToEnd(em, ctx.caller, p.id);
      // Patrol team membership needs no one's decision: the person leaves every team.
      await lifeCycle.leaveTeams(em, p.id);
      const gone = (await lifeCycle.deregister(em, p.id, reason, noteText))!;
      // The headship ends once they have left (their 与户主关系 with them, in the deregistration's one history entry):
      // ended first, it would clear their relationship as a change of its own (migration …69RelationshipToHead).
      for (const householdId of headships) await lifeCycle.endHeadship(em, householdId, p.id);
      return gone;
    }),
  reinstatePerson: (_, { id, version, gridCode, note }, ctx) =>
    tx(ctx, async (em) => {
      const p = await forWrite(em, ctx.caller, persons, id, 'person');
      const noteText = optText(note, 'note', 500);
      // The same reinstatement sent again after a lost answer: the person as it left them, in the grid it moved them to.
      const same = gridCode == null || gridCode === p.gridCode;
      if (same && (await statusAgain(em, ctx.caller, p, 'ACTIVE', version, { reason: null, note: noteText }))) return p;
      checkVersion(p.version, version);
      if (p.status !== 'DEREGISTERED') {
        throw hubError(
          'INVALID_TRANSITION',
          { zh: `人员 ${id} 在册，无需恢复登记。`, en: `Person ${id} is in the current registry; there is nothing to reinstate.` },
          { status: p.status },
        );
      }
      const back = (await lifeCycle.reinstate(em, p.id, noteText))!;
      if (gridCode == null || gridCode === back.gridCode) return back;
      // Living elsewhere now: the move is a resident's change of grid, by its rules (jurisdiction, posts left behind).
      await writeForm(em, ctx.caller, RESIDENTS, { gridCode }, { id: back.id, version: back.version }, currentVersion(back));
      return (await persons.byId(em, back.id))!;
    }),
  dissolveHousehold: endRecord('HOUSEHOLD', households, 'household', async (em, caller, h, id) => {
    const members = await lifeCycle.ties(em, 'household', h.id);
    if (members.length) {
      const named = membersNamed(caller, members);
      throw conflict(
        {
          zh: `户 ${id} 还有 ${members.length} 名在册成员（${named.zh}）；请先将他们迁出或注销。`,
          en: `household ${id} still has ${members.length} current member(s) (${named.en}); move or deregister them first.`,
        },
        { memberIds: named.ids, ...(named.outside ? { membersOutside: named.outside } : {}) },
      );
    }
  }),
  deregisterHouse: endRecord('HOUSE', houses, 'house', async (em, caller, h) => {
    const living = await lifeCycle.ties(em, 'house', h.id);
    if (living.length) throw householdsInHouse(caller, h.number, living);
  }),
  disbandJointDefenseGroup: endRecord('JOINT_DEFENSE_GROUP', jointDefenseGroups, 'jointDefenseGroup', async (em, caller, g) => {
    // Its households, wherever in the village they are, leave it: the caller must be able to write each.
    for (const h of await lifeCycle.ties(em, 'group', g.id)) requireWrite(caller, h.divisionCode);
    await lifeCycle.releaseHouseholds(em, g.id);
  }),
  deregisterSite: endRecord('SITE', sites, 'site'),
  deregisterAddress: endRecord('ADDRESS', addresses, 'address', async (em, caller, a, id) => {
    // The address's row is locked: no write may name it until this transaction ends, so what is counted here stands.
    const standing = await lifeCycle.ties(em, 'address', a.id);
    if (standing.length) throw addressInUse(caller, id, standing);
  }),
  disbandPatrolTeam: (_, { id, version, reason, note }, ctx) =>
    tx(ctx, async (em) => {
      const team = await forWrite(em, ctx.caller, patrolTeams, id, 'patrolTeam');
      // The same disband sent again after its answer was lost: the team as it ended (its version has moved on).
      if (team.endedAt && team.endedBy === ctx.caller.subject && version < team.version) return team;
      currentTeam(team, 'id');
      checkVersion(team.version, version);
      checkReason('PATROL_TEAM', reason);
      return (await patrolTeams.disband(em, team.id, ending(ctx.caller, reason, note)))!;
    }),
} satisfies MutationResolvers;
