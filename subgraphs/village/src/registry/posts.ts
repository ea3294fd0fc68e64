import type { Said } from '../../../../domain/errors.ts';
import { inJurisdiction, type Caller } from '../../../../platform/caller.ts';
import { schemaEnum } from '../enums.ts';
import type { TieRow } from '../store/life-cycle.ts';

const ROLE_NAMES = schemaEnum('GridStaffRole').names;

/**
 * A post a resident holds (a tie `hub_record_ties` finds: 联户长, 网格力量, 人民调解员), as a refusal names it: what the
 * person is there, what to undo first, and the record's id for `extensions`. A refusal to deregister the person and one
 * to make them a minor by a correction both need it undone (resolvers/Mutation/deregister.ts, person.ts). Undefined for
 * a tie that is no post (a household's head, a member).
 */
export function postHeld(t: TieRow, caller: Caller): { what: Said; undo: Said; extra: Record<string, string> } | undefined {
  // A post kept in a division the caller does not see (a resident of its grid serving another grid of the village) is
  // named by its kind alone: that division's record, its id, role or group, is not the caller's to read or end. A
  // village's post (a mediator) is seen from its grids, as row-level security shows them its village's records.
  const outside = OUTSIDE[t.tie];
  if (outside && !inJurisdiction(caller, t.divisionCode) && !caller.jurisdiction.startsWith(t.divisionCode)) {
    return {
      what: { zh: `在您的辖区以外任${outside.zh}`, en: `holds a ${outside.en} post outside your jurisdiction` },
      undo: { zh: `请由该${outside.zh}所在的辖区先结束其职务`, en: 'those who keep that post must end it first' },
      extra: {},
    };
  }
  switch (t.tie) {
    case 'GROUP_LEADER':
      return {
        what: { zh: `是十户联防组 ${t.id}（${t.label}）的联户长`, en: `leads joint-defense group ${t.id} (${t.label})` },
        undo: { zh: '请先另行指定联户长', en: 'appoint another leader first' },
        extra: { jointDefenseGroupId: String(t.id) },
      };
    case 'GRID_STAFF':
      return {
        what: { zh: `任网格力量 ${t.id}（${ROLE_NAMES.get(t.label) ?? t.label}）`, en: `serves as grid staff ${t.id} (${t.label})` },
        undo: { zh: '请先结束该任命（endGridStaff）', en: 'end that assignment first (endGridStaff)' },
        extra: { gridStaffId: String(t.id) },
      };
    case 'MEDIATOR':
      return {
        what: { zh: `任人民调解员 ${t.id}（${t.label}）`, en: `serves as mediator ${t.id} (${t.label})` },
        undo: { zh: '请先结束其调解员职务（endMediator）', en: 'end that service first (endMediator)' },
        extra: { mediatorId: String(t.id) },
      };
    default:
      return undefined;
  }
}

/** The kinds of post, as a refusal names one kept outside the caller's jurisdiction (`postHeld`). */
const OUTSIDE: Readonly<Record<string, Said>> = {
  GROUP_LEADER: { zh: '联户长', en: 'joint-defense group leader' },
  GRID_STAFF: { zh: '网格力量', en: 'grid staff' },
  MEDIATOR: { zh: '人民调解员', en: 'mediator' },
};
