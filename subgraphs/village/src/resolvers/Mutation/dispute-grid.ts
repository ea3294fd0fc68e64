/**
 * 改派网格: a case filed under the wrong grid of its village (by the neighbouring grid's worker, or a clerk) moves to
 * the right one, so that it counts in that grid's lists and figures and that grid's worker sees it.
 */
import { callerActions, DECLINED, RECORD_NOUN, statusZh } from '../../../../../domain/case-engine.ts';
import { parseCodeOfLevel } from '../../../../../domain/codes.ts';
import { badInput, staleVersion } from '../../../../../domain/errors.ts';
import { delivered } from '../../../../../platform/events.ts';
import { stepNote } from '../../../../../platform/validate.ts';
import { actorOf, lockForStep, transitionError } from '../../disputes/steps.ts';
import type { MutationResolvers } from '../../generated/resolvers.ts';
import { disputes } from '../../store/dispute.ts';
import { disputeSteps } from '../../store/dispute-step.ts';
import { grids } from '../../store/grid.ts';
import { writeTransaction } from '../../../../../platform/write-transaction.ts';

/**
 * The statuses in which the village still handles a case and may move it: from intake until it is resolved. A case
 * gone up is the township's (its record names the village, and the township's own steps follow it there); a resolved
 * case awaits its rating and is done, as are closed and declined ones.
 */
const MOVABLE: readonly string[] = ['REPORTED', 'ACCEPTED', 'ASSIGNED', 'MEDIATING'];

/** The timeline's note of a move: from which grid to which, and why. */
const moveNote = (from: { code: string; name: string }, to: { code: string; name: string }, why: string) =>
  `改派网格：由${from.name}（${from.code}）改派至${to.name}（${to.code}）。${why}`;

export const disputeGridMutations: Pick<MutationResolvers, 'moveDisputeToGrid'> = {
  moveDisputeToGrid: async (_, { id, version, gridCode, reason }, ctx) => {
    const why = stepNote(reason, 'reason');
    const target = parseCodeOfLevel(gridCode, 'GRID', 'gridCode');
    const row = await writeTransaction(ctx.em, async (em) => {
      // NOT_FOUND outside the caller's jurisdiction; FORBIDDEN to a grid's token (it does not see the other grid, and
      // handling the case is the village's) and without write on the village.
      const d = await lockForStep(em, ctx.caller, id);
      if (d.version !== version) {
        // Sent again after a lost answer: the case is one version on, in the grid asked for, this very move its last step.
        const last = d.version === version + 1 && d.gridCode === target ? await disputeSteps.latest(em, d.id) : null;
        if (last?.action === 'MOVE_GRID' && last.actor === actorOf(ctx.caller) && last.note?.endsWith(`）。${why}`)) return d;
      }
      // Refused as such whatever version was sent: re-reading would not make the move possible.
      if (d.handlingLevel !== 'VILLAGE' || d.escalatedToTownshipAt != null) {
        throw transitionError(
          {
            zh: `这件案件已上报乡镇，现由乡镇（县）一级办理，不能再改派网格；案件所在的村（社区）不变。`,
            en: 'This case has gone to the township and is handled there (or above): it can no longer be moved to another grid; its village stays the same.',
          },
          d,
        );
      }
      if (!MOVABLE.includes(d.status)) {
        throw transitionError(
          {
            zh: `这件${statusZh(d.status)}的案件已办结（或不予受理），不能再改派网格；改派网格只用于村（社区）在办的案件。`,
            en: `The case is ${d.status}: done, it is no longer moved to another grid; only a case the village is still handling is.`,
          },
          d,
          d.status === DECLINED ? [] : callerActions('VILLAGE', d.status),
        );
      }
      if (d.version !== version) throw staleVersion(RECORD_NOUN.VILLAGE, d.version, version);
      if (target.slice(0, 12) !== d.villageCode) {
        throw badInput(
          {
            zh: `网格 ${target} 不属于案件所在的村（社区）（${d.villageCode}）；改派网格只在本村（社区）的网格之间进行，案件所在的村不变。`,
            en: `Grid ${target} is not a grid of the case's village (${d.villageCode}); a case moves only between the grids of its village.`,
          },
          { argument: 'gridCode', gridCode: target, villageCode: d.villageCode },
        );
      }
      if (target === d.gridCode) {
        throw badInput(
          { zh: `案件已在网格 ${target}，无需改派。`, en: `The case is already filed under grid ${target}: nothing to move.` },
          { argument: 'gridCode', gridCode: target },
        );
      }
      const [from, to] = await Promise.all([grids.byCode(em, d.gridCode), grids.byCode(em, target)]);
      if (!to) {
        throw badInput(
          { zh: `网格 ${target} 不是本村（社区）登记的网格。`, en: `Grid ${target} is not a grid the village has.` },
          { argument: 'gridCode', gridCode: target },
        );
      }
      const now = new Date();
      // The case first: the change feed files its MOVED_OUT under the old grid and its entry under the new one, and the
      // step below names itself on that entry. Deadlines run on: the case is the same case.
      const moved = await disputes.moveGrid(em, d.id, target, now);
      await disputeSteps.insert(em, moved, {
        at: now,
        level: 'VILLAGE',
        action: 'MOVE_GRID',
        actor: actorOf(ctx.caller),
        note: moveNote(from ?? { code: d.gridCode, name: d.gridCode }, to, why),
        status: d.status,
        seq: null,
        changes: [{ field: 'GRID', before: d.gridCode, after: target, partiesBefore: null, partiesAfter: null }],
      });
      return moved;
    });
    await delivered(ctx.relay);
    return row;
  },
};
