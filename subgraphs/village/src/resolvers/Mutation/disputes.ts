/**
 * The village's steps of a case (受理 … 回访, 不予受理, 恢复受理) through the case engine, and the county's 督办. The report that
 * opens a case and its corrections are in dispute-report.ts.
 */
import {
  DECLINED,
  LEVEL_ZH,
  RECORD_NOUN,
  REHANDLING_LIMIT,
  RESOLVED_STATUSES,
  statusZh,
  takeStep,
  type CaseAction,
  type Level,
} from '../../../../../domain/case-engine.ts';
import { hasScope, holdsRecord } from '../../../../../platform/caller.ts';
import { badInput, forbidden, notFound, staleVersion } from '../../../../../domain/errors.ts';
import { assignNote, DISPUTE_OUTCOME_ZH, RATING_ZH } from '../../../../../domain/labels.ts';
import { delivered, DELIVERY_WAIT_MS, emit, pendingFor } from '../../../../../platform/events.ts';
import { caseNumberOf, disputeId, optStepNote, stepNote, text } from '../../../../../platform/validate.ts';
import type { VillageContext } from '../../context.ts';
import { isOverdue } from '../../disputes/sql.ts';
import { schemaEnum } from '../../enums.ts';
import { actorOf, lockForStep, transitionError, villageStorage, type StepDetail } from '../../disputes/steps.ts';
import type { DeclineReason, MutationResolvers } from '../../generated/resolvers.ts';
import { disputes, type DisputeRow } from '../../store/dispute.ts';
import { disputeSteps } from '../../store/dispute-step.ts';
import { scopeNamed } from '../../../../../domain/labels.ts';
import { chinaMinute, parseId } from '../../../../../platform/scalars.ts';
import type { EntityManager } from '@mikro-orm/postgresql';
import { mediators, type MediatorRow } from '../../store/mediator.ts';
import { endedReference } from '../../store/ended-refs.ts';
import { referenceEnded, refElsewhere, refUnknown, ruleError, ruleErrorSaid, WHAT } from '../../registry/rules.ts';
import { writeTransaction } from '../../../../../platform/write-transaction.ts';

/**
 * Runs one step of the village's loop through the case engine (takeStep, in
 * one transaction): `action` may depend on the locked case (a rating).
 */
async function villageStep(
  ctx: VillageContext,
  id: string,
  version: number,
  action: CaseAction | ((d: DisputeRow) => CaseAction),
  detail: Omit<StepDetail, 'actor'> | ((em: EntityManager, d: DisputeRow) => Promise<Omit<StepDetail, 'actor'>>),
): Promise<DisputeRow> {
  const updated = await writeTransaction(ctx.em, async (em) => {
    const d = await lockForStep(em, ctx.caller, id);
    const step = typeof action === 'function' ? action(d) : action;
    const details = typeof detail === 'function' ? await detail(em, d) : detail;
    return (await takeStep(villageStorage(em, d, step, { ...details, actor: actorOf(ctx.caller) }), step, version)).record;
  });
  await delivered(ctx.relay);
  return updated;
}

/**
 * 群众评价: a DISSATISFIED rating of a resolved case reopens it (REOPEN, at the
 * level that resolved it) while it has had fewer than REHANDLING_LIMIT rounds;
 * after that the rating stands (RATE) and the case may close.
 */
function ratingStep(rating: string, caller: VillageContext['caller']) {
  return (d: DisputeRow): CaseAction => {
    // 群众评价 is the parties' verdict on the work of whichever level resolved the case, and it counts in 满意率: the
    // village where they live records it, never a township or county desk (which could otherwise rate its own work).
    if (caller.jurisdiction !== d.villageCode) {
      throw forbidden(
        {
          zh: `群众评价由当事人所在的村（社区）（${d.villageCode}）记录，需要该村的令牌；乡镇、县级的令牌不能代录评价，包括对本级化解的案件。`,
          en: `The parties' rating is recorded by their village (${d.villageCode}) with its token; a township or county caller cannot record it, not even for a case it resolved.`,
        },
        { jurisdiction: caller.jurisdiction },
      );
    }
    return rating === 'DISSATISFIED' && d.status === 'RESOLVED' && d.rehandled < REHANDLING_LIMIT ? 'REOPEN' : 'RATE';
  };
}

/**
 * 上报's answer as the case stands: once the township has the escalation (nothing about the case waits in the outbox
 * for it), its receipt (RECEIVE) comes back by event within moments, and the answer waits for it within the write's
 * delivery budget (DELIVERY_WAIT_MS from the step) rather than saying `inTransit` of a case the township already
 * holds. While the township has not got it (down, or slow), the case is in transit, and the answer says so at once.
 */
async function asReceived(ctx: VillageContext, d: DisputeRow, since: number): Promise<DisputeRow> {
  let now = d;
  while (now.inTransit && now.handlingLevel === 'TOWNSHIP' && Date.now() - since < DELIVERY_WAIT_MS) {
    if (await pendingFor(ctx.em, 'township', d.id)) break;
    await new Promise((r) => setTimeout(r, 25));
    now = (await disputes.byIds(ctx.em, [d.id]))[0] ?? now;
  }
  return now;
}

/**
 * 分流 to whom: a registered mediator (`mediatorId`) or whoever `assignee` names in words, exactly one of them. The
 * registry id's format is checked before the case is read; the mediator once the case is locked (assignedMediator).
 */
function assignment(assignee: string | null | undefined, mediatorId: string | null | undefined): { name: string } | { mediatorId: number } {
  if ((assignee == null) === (mediatorId == null)) {
    throw badInput(
      {
        zh: '分流转办须在 assignee（承办方，以文字写明）和 mediatorId（承办调解员的编号）中给出且只给出一个。',
        en: 'Assigning a case takes exactly one of assignee (whoever handles it, in words) and mediatorId (a registered mediator).',
      },
      { argument: assignee == null ? 'assignee' : 'mediatorId', arguments: ['assignee', 'mediatorId'] },
    );
  }
  return mediatorId != null ? { mediatorId: parseId(mediatorId, 'mediatorId') } : { name: text(assignee!, 'assignee', 100) };
}

/**
 * The mediator a case of the village `d` is assigned to: serving (one who stopped serving is referenceEnded, with when
 * and why), in a committee of the case's village (refElsewhere: a committee serves its own village), and held by the
 * caller's jurisdiction (row-level security: another village's or county's mediator is refUnknown, as if none).
 */
async function assignedMediator(em: EntityManager, d: DisputeRow, id: number): Promise<MediatorRow> {
  const [m] = await mediators.byIds(em, [id]);
  if (!m) {
    const ended = await endedReference(em, 'mediator', [id]);
    throw ended ? ruleErrorSaid(referenceEnded('mediatorId', WHAT.mediator), ended) : ruleError(refUnknown('mediatorId', WHAT.mediator));
  }
  if (m.villageCode !== d.villageCode) throw ruleError(refElsewhere('mediatorId', WHAT.mediator));
  return m;
}

/** 不予受理's reasons as the timeline's note names them: their Chinese names in the schema. */
const DECLINE_REASON = schemaEnum('DeclineReason');

/**
 * The case a DUPLICATE repeats, by its number: one the caller may see, not the case itself, and not one declined in
 * its turn (a chain of duplicates would lead nowhere). Only a DUPLICATE names one.
 */
async function duplicated(ctx: VillageContext, id: string, reason: DeclineReason, duplicateOf: string | null | undefined): Promise<string | null> {
  if (reason !== 'DUPLICATE') {
    if (duplicateOf == null) return null;
    throw badInput({ zh: 'duplicateOf 只用于重复登记（DUPLICATE）。', en: 'duplicateOf goes with DUPLICATE only.' }, { argument: 'duplicateOf' });
  }
  if (duplicateOf == null) {
    throw badInput(
      { zh: '重复登记（DUPLICATE）须以 duplicateOf 给出所重复的案件编号。', en: 'DUPLICATE needs duplicateOf, the number of the case it repeats.' },
      { argument: 'duplicateOf' },
    );
  }
  const number = caseNumberOf(duplicateOf, 'duplicateOf');
  // A case others were declined as duplicates of is the one they name: declined as a duplicate in its turn, it would
  // leave them pointing at a declined case, a chain that ends nowhere.
  const pointing = await disputes.duplicatesOf(ctx.em, disputeId(id));
  if (pointing.length) {
    throw badInput(
      {
        zh: `已有重复登记指向本案件（${pointing.join('、')}），本案件不能再作为重复登记不予受理；请受理本案件，或在 ${number} 的办理中一并处理。`,
        en: `Reports were declined as duplicates of this case (${pointing.join(', ')}): it cannot be declined as a duplicate in its turn; accept it, or handle them all in ${number}.`,
      },
      { argument: 'reason', duplicates: pointing },
    );
  }
  const original = await disputes.byCaseNumber(ctx.em, number);
  if (!original || !holdsRecord(ctx.caller, original)) {
    throw notFound({ zh: `没有编号为 ${number} 的案件。`, en: `No case numbered ${number}.` }, { argument: 'duplicateOf' });
  }
  if (original.id === disputeId(id) || original.status === DECLINED) {
    throw badInput(
      {
        zh: original.id === disputeId(id) ? '案件不能与自身重复。' : `案件 ${number} 本身已不予受理，请给出被重复的那件在办或已办结的案件。`,
        en: original.id === disputeId(id) ? 'A case cannot duplicate itself.' : `Case ${number} was itself declined; name the case being handled or handled.`,
      },
      { argument: 'duplicateOf' },
    );
  }
  return number;
}

/**
 * 不予受理 and 恢复受理 are the village desk's own: a decline takes a report out of every figure, so a township or
 * county caller, who may take the village's other steps, is refused both rather than declining its villages' reports
 * (or taking a decline back) over the desk's head.
 */
function intakeStep(caller: VillageContext['caller'], action: 'DECLINE' | 'REINSTATE') {
  return (d: DisputeRow): CaseAction => {
    if (caller.jurisdiction !== d.villageCode) {
      const [zh, en] = action === 'DECLINE' ? ['不予受理', 'Declining a report'] : ['恢复受理', 'Reinstating a declined case'];
      throw forbidden(
        {
          zh: `${zh}由案件所在村（社区）（${d.villageCode}）的受理窗口办理，需要该村具有${scopeNamed('write')}权限的令牌；乡镇、县级的令牌不能${zh}。`,
          en: `${en} is the intake desk's of its village (${d.villageCode}), with that village's token and the "write" scope; a township or county caller cannot.`,
        },
        { jurisdiction: caller.jurisdiction },
      );
    }
    return action;
  };
}

/** 回复时限 of a 督办: the days the holding level has to reply. */
const SUPERVISION_REPLY_DAYS = { default: 3, min: 1, max: 30 } as const;
/** Scales the county may supervise before a deadline passes: 重大 and 群体性 cases. */
const SUPERVISED_SCALES: readonly string[] = ['MAJOR', 'MASS'];

const FINISHED_BY_PARTIES = ['RATED', 'CLOSED', 'FOLLOWED_UP'] as const;
/**
 * The level that answers a 督办 order: the one holding the case, or, once the parties' steps (rating, 办结, 回访) have
 * handed a case settled above back to the village, the level that settled it (`resolvedLevel`): the order asked how
 * that level handled the case, and the village desk did not handle it.
 */
function answeringLevel(d: DisputeRow): Level {
  const finished = (FINISHED_BY_PARTIES as readonly string[]).includes(d.status);
  return (finished ? (d.resolvedLevel ?? d.handlingLevel) : d.handlingLevel) as Level;
}

/** The division whose desk is at `level` for the case: its village, its township (the code's first 9 digits) or its county. */
function deskCode(d: DisputeRow, level: Level): string {
  return level === 'VILLAGE' ? d.villageCode : level === 'TOWNSHIP' ? d.villageCode.slice(0, 9) : d.countyCode;
}

type DisputeMutation =
  | 'acceptDispute'
  | 'assignDispute'
  | 'recordMediation'
  | 'resolveDispute'
  | 'escalateDispute'
  | 'rateDispute'
  | 'closeDispute'
  | 'followUpDispute'
  | 'superviseDispute'
  | 'replySupervision'
  | 'declineDispute'
  | 'reinstateDispute';

export const disputeMutations: Pick<MutationResolvers, DisputeMutation> = {
  acceptDispute: (_, a, ctx) => villageStep(ctx, a.id, a.version, 'ACCEPT', { note: optStepNote(a.note, 'note') }),
  assignDispute: (_, a, ctx) => {
    const to = assignment(a.assignee, a.mediatorId);
    const note = optStepNote(a.note, 'note');
    return villageStep(ctx, a.id, a.version, 'ASSIGN', async (em, d) => {
      if ('name' in to) return { note: assignNote(to.name, note), assignee: to.name, mediatorId: null };
      const m = await assignedMediator(em, d, to.mediatorId);
      return { note: assignNote(m.name, note), assignee: m.name, mediatorId: m.id };
    });
  },
  recordMediation: (_, a, ctx) => villageStep(ctx, a.id, a.version, 'MEDIATE', { note: stepNote(a.note, 'note') }),
  resolveDispute: (_, a, ctx) =>
    villageStep(ctx, a.id, a.version, 'RESOLVE', { note: optStepNote(a.note, 'note') ?? DISPUTE_OUTCOME_ZH[a.outcome] ?? a.outcome, outcome: a.outcome }),
  // The township learns of it through the outbox (case.escalated, with the case's rule and its place in the order).
  escalateDispute: async (_, a, ctx) => {
    const since = Date.now();
    return asReceived(ctx, await villageStep(ctx, a.id, a.version, 'ESCALATE', { note: stepNote(a.reason, 'reason') }), since);
  },
  rateDispute: (_, a, ctx) =>
    villageStep(ctx, a.id, a.version, ratingStep(a.rating, ctx.caller), {
      note: optStepNote(a.note, 'note') ?? RATING_ZH[a.rating] ?? a.rating,
      rating: a.rating,
    }),
  closeDispute: (_, a, ctx) => villageStep(ctx, a.id, a.version, 'CLOSE', { note: optStepNote(a.note, 'note') }),
  followUpDispute: (_, a, ctx) => villageStep(ctx, a.id, a.version, 'FOLLOW_UP', { note: stepNote(a.note, 'note') }),
  declineDispute: async (_, a, ctx) => {
    const note = optStepNote(a.note, 'note');
    const original = await duplicated(ctx, a.id, a.reason, a.duplicateOf);
    const said = `不予受理：${DECLINE_REASON.names.get(a.reason) ?? a.reason}${original ? `（与案件 ${original} 重复）` : ''}${note ? `。${note}` : ''}`;
    return villageStep(ctx, a.id, a.version, intakeStep(ctx.caller, 'DECLINE'), { note: said, declined: { reason: a.reason, duplicateOf: original } });
  },
  reinstateDispute: (_, a, ctx) =>
    villageStep(ctx, a.id, a.version, intakeStep(ctx.caller, 'REINSTATE'), { note: `恢复受理：${stepNote(a.reason, 'reason')}` }),
  superviseDispute: async (_, { id, note, version, replyWithinDays }, ctx) => {
    if (!hasScope(ctx.caller, 'write') || ctx.caller.jurisdiction.length > 6) {
      throw forbidden({
        zh: `督办只能由具有${scopeNamed('write')}权限的县级（及以上）调用方发出。`,
        en: 'Supervision orders (督办) are issued by county-level callers with the "write" scope.',
      });
    }
    const text_ = stepNote(note, 'note');
    const days = replyWithinDays ?? SUPERVISION_REPLY_DAYS.default;
    if (!Number.isInteger(days) || days < SUPERVISION_REPLY_DAYS.min || days > SUPERVISION_REPLY_DAYS.max) {
      throw badInput(
        {
          zh: `replyWithinDays 须为 ${SUPERVISION_REPLY_DAYS.min}–${SUPERVISION_REPLY_DAYS.max} 天（收到 ${days}）。`,
          en: `replyWithinDays must be ${SUPERVISION_REPLY_DAYS.min}–${SUPERVISION_REPLY_DAYS.max} days (got ${days}).`,
        },
        { argument: 'replyWithinDays' },
      );
    }
    const row = await writeTransaction(ctx.em, async (em) => {
      const d = await disputes.lock(em, disputeId(id));
      if (!d || !holdsRecord(ctx.caller, d)) throw notFound({ zh: `没有编号为 ${id} 的矛盾纠纷。`, en: `No dispute with id ${id}.` }, { argument: 'id' });
      if (d.status === DECLINED || RESOLVED_STATUSES.includes(d.status as (typeof RESOLVED_STATUSES)[number])) {
        throw transitionError(
          {
            zh: `督办只针对在办的案件（超期的，或重大、群体性的）；这件案件${statusZh(d.status)}。`,
            en: `Supervision orders are for cases still being handled; this case is ${d.status}.`,
          },
          d,
        );
      }
      // 督办 is for a case that has slipped (overdue), or one whose scale makes the county follow it from the start
      // (重大, 群体性): an ordinary case within its deadlines is its holder's to handle.
      if (!isOverdue(d) && !SUPERVISED_SCALES.includes(d.scale)) {
        throw transitionError(
          {
            zh: `督办只针对超期案件或重大、群体性案件；这件一般案件${statusZh(d.status)}，尚在办理时限内。`,
            en: `Supervision orders are for overdue cases, or MAJOR or MASS ones; this ORDINARY ${d.status} case is within its deadlines.`,
          },
          d,
          [],
          { scale: d.scale },
        );
      }
      if (version != null && d.version !== version) {
        // An order sent again after a lost answer finds the case one version on, its last step this very order (the
        // same caller, the same note): it answers the case rather than recording a second 督办. Anything else moved it.
        const last = d.version === version + 1 ? await disputeSteps.latest(em, d.id) : null;
        if (last?.action === 'SUPERVISE' && last.actor === actorOf(ctx.caller) && last.note === text_) return d;
        throw staleVersion(RECORD_NOUN.VILLAGE, d.version, version);
      }
      const now = new Date();
      const replyBy = new Date(now.getTime() + days * 86_400_000);
      const updated = await disputes.supervise(em, d.id, { at: now, by: actorOf(ctx.caller), note: text_, replyBy });
      // A note outside the case's order (seq null): it changes no derived field.
      await disputeSteps.insert(em, d, { at: now, level: 'COUNTY', action: 'SUPERVISE', actor: actorOf(ctx.caller), note: text_, status: d.status, seq: null });
      if (d.handlingLevel === 'TOWNSHIP') {
        await emit(em, 'township', 'case.supervised', { disputeId: d.id, countyCode: d.countyCode, at: now.toISOString(), note: text_ });
      }
      return updated;
    });
    await delivered(ctx.relay);
    return row;
  },
  replySupervision: async (_, { id, reply }, ctx) => {
    const text_ = stepNote(reply, 'reply', 500);
    return writeTransaction(ctx.em, async (em) => {
      const d = await disputes.lock(em, disputeId(id));
      if (!d || !holdsRecord(ctx.caller, d)) throw notFound({ zh: `没有编号为 ${id} 的矛盾纠纷。`, en: `No dispute with id ${id}.` }, { argument: 'id' });
      // The order is answered by the desk of the level that holds the case (its 综治中心), or settled it (answeringLevel),
      // not by a level above that can read it, or a grid (a department's caller sends no step but its own:
      // departmentsRefused).
      const level = answeringLevel(d);
      const holder = deskCode(d, level);
      if (ctx.caller.jurisdiction !== holder || !hasScope(ctx.caller, 'write')) {
        throw forbidden(
          {
            zh: `督办由案件当前的承办层级回复：这件案件由${LEVEL_ZH[level]}（${holder}）办理，需要其具有${scopeNamed('write')}权限的令牌。`,
            en: `A supervision order is answered by the level holding the case: ${level} ${holder}, with its token and the "write" scope.`,
          },
          { handlingLevel: level, jurisdiction: ctx.caller.jurisdiction },
        );
      }
      if (d.supervisedAt == null) {
        throw transitionError({ zh: '这件案件没有督办，无需回复。', en: 'This case has no supervision order to answer.' }, d);
      }
      if (d.supervisionReply != null) {
        // One reply per order: the same reply sent again after a lost answer answers the case.
        if (d.supervisionReply === text_ && d.supervisionRepliedBy === actorOf(ctx.caller)) return d;
        throw transitionError(
          {
            zh: `本次督办已于 ${chinaMinute(d.supervisionRepliedAt!)} 回复，每次督办只回复一次；县级再次督办后可再回复。`,
            en: 'This supervision order is already answered: one reply per order; a new order can be answered again.',
          },
          d,
        );
      }
      const now = new Date();
      const updated = await disputes.replySupervision(em, d.id, { at: now, by: actorOf(ctx.caller), level, reply: text_ });
      await disputeSteps.insert(em, d, {
        at: now,
        level,
        action: 'SUPERVISION_REPLY',
        actor: actorOf(ctx.caller),
        note: text_,
        status: d.status,
        seq: null,
      });
      return updated;
    });
  },
};
