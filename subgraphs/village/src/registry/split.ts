import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput } from '../../../../domain/errors.ts';
import type { Caller } from '../../../../platform/caller.ts';
import { parseId } from '../../../../platform/scalars.ts';
import type { HouseholdSplitInput } from '../generated/resolvers.ts';
import { households, type HouseholdRow } from '../store/household.ts';
import { persons } from '../store/person.ts';
import { HOUSEHOLDS, RESIDENTS } from './kinds.ts';
import { headLeaves, ruleError, type Rule } from './rules.ts';
import { writeForm } from './write.ts';

/**
 * 分户: some members of a household leave it into a new household of the same village, with its own 户号 and 户主.
 * Every part goes through the registry's one write path, as the separate forms would (docs/ARCHITECTURE.md, "One
 * write path per kind"): the new household as registerHousehold writes it, the old household's new head as
 * updateHousehold names one, each leaving member as updatePerson moves them, so the rules, the person's history, the
 * change feed and the roll-ups are the same; the caller's transaction makes it all or nothing.
 *
 * The new head joins first, alone: the first to join a household without a head becomes its head and HEAD, and
 * the others then join with their relationship to that head (headTaken, headIsHead refuse a wrong one). A household
 * has at most HOUSEHOLD_MAX members, so the members are written one by one.
 */
export async function splitHousehold(
  em: EntityManager,
  caller: Caller,
  h: HouseholdRow,
  input: HouseholdSplitInput,
): Promise<{ household: HouseholdRow; newHousehold: HouseholdRow }> {
  const leaving = input.memberIds.map((m) => parseId(m, 'memberIds'));
  if (leaving.length === 0) {
    throw badInput({ zh: 'memberIds 须至少列出一名分出的成员。', en: 'memberIds must name at least one member who leaves.' }, { argument: 'memberIds' });
  }
  const twice = leaving.filter((m, i) => leaving.indexOf(m) !== i);
  if (twice.length) {
    throw badInput(
      { zh: `memberIds 重复列出了人员 ${[...new Set(twice)].join('、')}。`, en: `memberIds names ${[...new Set(twice)].join(', ')} more than once.` },
      { argument: 'memberIds', personIds: [...new Set(twice)].map(String) },
    );
  }
  // A household's members live on its grid, so a caller who may write the household sees all of them.
  const members = await persons.ofHouseholds(em, [h.id]);
  const memberIds = new Set(members.map((p) => p.id));
  const strangers = leaving.filter((m) => !memberIds.has(m));
  if (strangers.length) {
    throw badInput(
      {
        zh: `memberIds 中的人员 ${strangers.join('、')} 不是户 ${h.id} 的成员。`,
        en: `memberIds names ${strangers.join(', ')}, who ${strangers.length > 1 ? 'are' : 'is'} not a member of household ${h.id}.`,
      },
      { argument: 'memberIds', personIds: strangers.map(String) },
    );
  }
  if (leaving.length === memberIds.size) {
    throw badInput(
      {
        zh: `memberIds 列出了户 ${h.id} 的全部成员：分户须有成员留在原户；整户迁移请用 moveHousehold，改户号请用 updateHousehold。`,
        en: `memberIds names every member of household ${h.id}: a split leaves someone behind; move the whole household with moveHousehold, or renumber it with updateHousehold.`,
      },
      { argument: 'memberIds' },
    );
  }
  const leaves = new Set(leaving);
  const head = parseId(input.headId, 'headId');
  if (!leaves.has(head)) {
    throw badInput(
      {
        zh: `headId ${head} 不是分出的成员：新户的户主须是分出的成员之一。`,
        en: `headId ${head} is not in memberIds: the new household's head is one of the members who leave.`,
      },
      { argument: 'headId' },
    );
  }
  const relationships = new Map<number, string>();
  for (const r of input.relationships ?? []) {
    const id = parseId(r.personId, 'relationships');
    if (!leaves.has(id) || relationships.has(id)) {
      throw badInput(
        {
          zh: `relationships 中的人员 ${id} ${relationships.has(id) ? '重复出现' : '不是分出的成员'}：只为分出的成员各填一次与新户主的关系。`,
          en: `relationships names ${id} ${relationships.has(id) ? 'more than once' : 'who is not in memberIds'}: give each leaving member's relationship to the new head once.`,
        },
        { argument: 'relationships', personId: String(id) },
      );
    }
    relationships.set(id, r.relationshipToHead);
  }
  const oldHead = input.oldHouseholdHeadId == null ? null : parseId(input.oldHouseholdHeadId, 'oldHouseholdHeadId');
  if (oldHead != null && (!memberIds.has(oldHead) || leaves.has(oldHead))) {
    throw badInput(
      {
        zh: `oldHouseholdHeadId ${oldHead} 须是留在户 ${h.id} 中的成员。`,
        en: `oldHouseholdHeadId ${oldHead} must be a member who stays in household ${h.id}.`,
      },
      { argument: 'oldHouseholdHeadId' },
    );
  }
  if (h.headId != null && leaves.has(h.headId) && oldHead == null) {
    throw ruleError(headLeaves, {
      name: 'memberIds',
      said: {
        zh: `（户 ${h.id} 的户主 ${h.headId}）：分户时请指定留在原户的一名成员为原户新户主（oldHouseholdHeadId）。`,
        en: ` (the head ${h.headId} of household ${h.id}): name a member who stays as its new head in oldHouseholdHeadId.`,
      },
      extra: { personId: String(h.headId) },
    });
  }
  // The new household: a grid of the old household's village (a household changes village only whole, with
  // moveHousehold); where it lives, unless said, where the old one does.
  const gridCode = input.gridCode ?? h.gridCode;
  // A malformed or unknown grid is the write path's to refuse.
  if (/^\d{15}$/.test(gridCode) && gridCode.slice(0, 12) !== h.villageCode) {
    throw badInput(
      {
        zh: `gridCode ${gridCode} 不在原户所在的村（社区）${h.villageCode}：分户在同村内进行；迁往他村请在分户后用 moveHousehold。`,
        en: `gridCode ${gridCode} is not in the old household's village ${h.villageCode}: a split stays in the village; move the new household afterwards with moveHousehold.`,
      },
      { argument: 'gridCode' },
    );
  }
  const created = await writeForm(
    em,
    caller,
    HOUSEHOLDS,
    {
      gridCode,
      number: input.number,
      // A new household named into another house is at that house's address (householdAddress) unless one is given.
      addressId: input.addressId !== undefined ? input.addressId : input.houseId != null ? undefined : h.addressId,
      houseId: input.houseId === undefined ? h.houseId : input.houseId,
    },
    { register: true },
  );
  // The old household's new head first, while the old head is still a member: HEAD moves to them (and the old
  // head's relationship, relative to themselves, is cleared before they leave).
  if (oldHead != null && oldHead !== h.headId) await writeForm(em, caller, HOUSEHOLDS, { headId: String(oldHead) }, { id: h.id, version: h.version });
  const order = [head, ...leaving.filter((m) => m !== head)];
  for (const id of order) {
    const explain = (): Promise<Parameters<typeof ruleError>[1]> =>
      Promise.resolve({ said: { zh: `（人员 ${id}）。`, en: ` (person ${id}).` }, extra: { personId: String(id) } });
    const relationship = relationships.get(id);
    await writeForm(
      em,
      caller,
      RESIDENTS,
      { householdId: String(created), ...(relationship === undefined ? {} : { relationshipToHead: relationship }) },
      { id },
      explain as (rule: Rule) => Promise<Parameters<typeof ruleError>[1]>,
    );
  }
  return { household: (await households.byId(em, h.id))!, newHousehold: (await households.byId(em, created!))! };
}
