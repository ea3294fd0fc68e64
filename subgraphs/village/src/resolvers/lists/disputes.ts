import { requireListAccess } from '../../../../../platform/caller.ts';
import { badInput } from '../../../../../domain/errors.ts';
import { caseNumberOf, filterGiven, keyText, listGiven } from '../../../../../platform/validate.ts';
import type { Connection } from '../../../../../platform/pagination.ts';
import { openEnds, periodBounds } from '../../../../../domain/periods.ts';
import type { VillageContext } from '../../context.ts';
import type { DisputeFilter, MediatorDisputesArgs, VillageDisputesArgs } from '../../generated/resolvers.ts';
import type { MediatorRow } from '../../store/mediator.ts';
import { parseId } from '../../../../../platform/scalars.ts';
import { disputes, type DisputeConditions, type DisputeRow } from '../../store/dispute.ts';
import type { Scope } from '../../store/scoped.ts';

function conditions(filter: DisputeFilter | null | undefined, subject: string): DisputeConditions {
  if (!filter) return {};
  listGiven(filter.status, 'filter.status');
  let reported: [string, string] | null = null;
  if (filter.from || filter.to) {
    const [from, to] = openEnds(filter.from, filter.to);
    if (from > to) {
      throw badInput(
        { zh: `filter.from“${from}”不能晚于截止日期 filter.to“${to}”。`, en: `filter.from (${from}) must not be after filter.to (${to}).` },
        { argument: 'filter.from' },
      );
    }
    reported = periodBounds(from, to);
  }
  const given = {
    caseNumber: filterGiven(filter.caseNumber),
    externalId: filterGiven(filter.externalId),
    search: filterGiven(filter.search),
    party: filterGiven(filter.party),
  };
  const caseNumber = given.caseNumber == null ? null : caseNumberOf(given.caseNumber, 'filter.caseNumber');
  return {
    statuses: filter.status,
    category: filter.category,
    handlingLevel: filter.handlingLevel,
    overdue: filter.overdue,
    reported,
    scale: filter.scale,
    source: filter.source,
    underSupervision: filter.underSupervision,
    supervisionReplyOverdue: filter.supervisionReplyOverdue,
    contactLate: filter.contactLate,
    caseNumber,
    externalId: given.externalId == null ? null : keyText(given.externalId, 'filter.externalId', 200),
    search: given.search == null ? null : keyText(given.search, 'filter.search', 100),
    party: given.party == null ? null : keyText(given.party, 'filter.party', 50),
    reportedBy: filter.reportedByMe == null ? null : { subject, mine: filter.reportedByMe },
    mediatorId: filter.mediatorId == null ? null : parseId(filter.mediatorId, 'filter.mediatorId'),
    open: filter.open,
  };
}

/**
 * `Mediator.disputes(filter, first, after)`: the cases assigned to the mediator, newest first, filtered as a division's;
 * every mediator's page of a request from one statement. Read as the mediator's village's cases are (the caller's list
 * access there; row-level security keeps the rest).
 */
export function disputesOfMediator(m: MediatorRow, args: MediatorDisputesArgs, ctx: VillageContext): Promise<Connection<DisputeRow>> {
  requireListAccess(ctx.caller, m.villageCode, 'dispute');
  return ctx.pages.connection(disputes.ofMediators(conditions(args.filter, ctx.caller.subject)), String(m.id), args);
}

/** `disputes(filter, first, after)` of a division (Village, Grid, County): its cases newest first, every parent's page from one statement. */
export function disputesOf(scope: Scope) {
  return (parent: { code: string }, args: VillageDisputesArgs, ctx: VillageContext): Promise<Connection<DisputeRow>> => {
    requireListAccess(ctx.caller, parent.code, 'dispute');
    return ctx.pages.connection(disputes.list(scope, conditions(args.filter, ctx.caller.subject), args.orderBy === 'DUE_FIRST'), parent.code, args);
  };
}
