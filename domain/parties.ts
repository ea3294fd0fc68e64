import { badInput, conflict, type Said } from './errors.ts';

/**
 * The parties (当事人) of a dispute, as a form (`reportDispute`) and a file
 * row (the disputes import) both take them. A party is a resident linked by
 * id or ID number, or a name alone.
 */

/** A dispute is between people: a report names at least one party. */
export const noParty = (argument: string) =>
  badInput({ zh: '矛盾纠纷至少要有一名当事人。', en: 'A dispute needs at least one party.' }, { argument, rule: 'partyRequired' });

/**
 * One person is one party of a case: being both applicant and respondent is
 * not a dispute, and a person named twice would count twice in the figures.
 * `keys` are how the report names its linked residents (ids, ID numbers), one
 * per party in the report's order (undefined for a party named alone); `what`
 * says which, for the message. The refusal names the party by its place, as
 * every refusal of a party does.
 */
export function onePartyEach(keys: readonly (string | undefined)[], what: Said, argument: string): void {
  const index = keys.findIndex((k, i) => k !== undefined && keys.indexOf(k) !== i);
  if (index < 0) return;
  const twice = keys[index]!;
  const first = keys.indexOf(twice);
  throw badInput(
    {
      zh: `第 ${index + 1} 个当事人：${what.zh} ${twice} 已是第 ${first + 1} 个当事人；同一人在一件纠纷中只能是一方当事人。`,
      en: `Party ${index + 1}: ${what.en} ${twice} is party ${first + 1} already; a person is one party of a dispute.`,
    },
    { argument, rule: 'partyRepeated', index },
  );
}

/**
 * A deregistered resident (注销) is linked to no new case: the registry no
 * longer follows them, so the case could not reach them through it. The
 * party is still named, by name alone. A case reported before the
 * deregistration keeps its link.
 */
export const DEREGISTERED_PARTY: Said = {
  zh: '已注销的人员不能作为新案件的当事人关联，请只填写其姓名',
  en: 'a deregistered resident is linked to no new case; give the name only',
};

/** The refusal of a form that links a deregistered resident by id: the party by its place in the list (from 0), as every refusal of a party names it. */
export const deregisteredParty = (who: string, argument: string, index: number) =>
  conflict(
    {
      zh: `第 ${index + 1} 个当事人（人员 ${who}）：${DEREGISTERED_PARTY.zh}。`,
      en: `Party ${index + 1} (person ${who}): ${DEREGISTERED_PARTY.en}.`,
    },
    { argument, index },
  );
