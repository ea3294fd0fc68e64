import type { Said } from '../../../../domain/errors.ts';
import { schemaEnum } from '../enums.ts';
import type { TieRow } from '../store/life-cycle.ts';

const ROLE_NAMES = schemaEnum('GridStaffRole').names;

/**
 * A post a resident holds (a tie `hub_record_ties` finds: 联户长, 网格力量, 人民调解员), as a refusal names it: what the
 * person is there, what to undo first, and the record's id for `extensions`. A refusal to deregister the person and one
 * to make them a minor by a correction both need it undone (resolvers/Mutation/deregister.ts, person.ts). Undefined for
 * a tie that is no post (a household's head, a member).
 */
export function postHeld(t: TieRow): { what: Said; undo: Said; extra: Record<string, string> } | undefined {
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
