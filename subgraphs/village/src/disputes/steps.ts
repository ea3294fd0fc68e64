import { caseRefusal, CLOSED, LEVEL_ZH, ruleOf, type CaseAction, type DeadlineRule, type Level, type StepStorage } from '../../../../domain/case-engine.ts';
import { holdsRecord, requireWrite, requireWriteScope, type Caller } from '../../../../platform/caller.ts';
import { badInput, forbidden, hubError, notFound, type Said } from '../../../../domain/errors.ts';
import { chinaMinute, chinaTime } from '../../../../platform/scalars.ts';
import { emit } from '../../../../platform/events.ts';
import type { SubgraphName } from '../../../../platform/settings.ts';
import type { Db } from '../../../../platform/sql.ts';
import { disputeId } from '../../../../platform/validate.ts';
import { disputes, type DisputeRow } from '../store/dispute.ts';
import { disputeSteps } from '../store/dispute-step.ts';
import { deadlineRule } from './deadlines.ts';
import { replyWindowOver } from './sql.ts';
import { advanceStory, storyOf } from './story.ts';

/**
 * The village's storage for the case engine (domain/case-engine.ts
 * `takeStep`; docs/ARCHITECTURE.md, "The case engine"): the village record is
 * the case's story, so a village step writes the story's derived fields
 * (advanceStory, the same function that applies the steps of the other
 * levels), appends the step to the timeline with its place in the case's
 * order, and tells the township (escalation) or the level that resolved the
 * case (re-handling after an unsatisfied rating) through the outbox, in the
 * same transaction: never lost, never doubled.
 */

/** What a village step records besides its action. */
export interface StepDetail {
  /** Who took it (the caller's name). */
  actor: string;
  /** The timeline note. */
  note: string | null;
  outcome?: string;
  assignee?: string;
  /** 分流 to a registered mediator: their registry id (null: to whoever `assignee` names in words). */
  mediatorId?: number | null;
  rating?: string;
  /** 不予受理: why, and the case a duplicate repeats. */
  declined?: { reason: string; duplicateOf: string | null };
}

/** The name a case's step records for its caller: the caller's name, or else its subject. */
export const actorOf = (caller: Caller): string => caller.name || caller.subject;

/**
 * INVALID_TRANSITION about the case as it is (its status and the level
 * handling it), with what the caller may do instead, as a refusal of the
 * engine's lists it: nothing here (the default) when the case is another
 * level's to act on; `extra` adds what the refusal concerns (its level and
 * step, as the engine's refusals name them).
 */
export function transitionError(message: Said, d: DisputeRow, allowed: readonly string[] = [], extra: Record<string, unknown> = {}) {
  return hubError('INVALID_TRANSITION', message, { status: d.status, handlingLevel: d.handlingLevel, allowed, ...extra });
}

/** The case for a step of the village, locked for the transaction: FORBIDDEN first without `write` (whatever the id names), NOT_FOUND outside the caller's jurisdiction, FORBIDDEN without write there. */
export async function lockForStep(db: Db, caller: Caller, id: string): Promise<DisputeRow> {
  requireWriteScope(caller);
  const d = await disputes.lock(db, disputeId(id));
  if (!d || !holdsRecord(caller, d)) throw notFound({ zh: `没有编号为 ${id} 的矛盾纠纷。`, en: `No dispute with id ${id}.` }, { argument: 'id' });
  // A grid's caller (网格员) reports a case; handling it is the village's (its 综治中心 and 调委会).
  if (caller.jurisdiction.length === 15 && caller.jurisdiction.startsWith(d.villageCode)) {
    throw forbidden(
      {
        zh: `案件的受理、分流、调解、化解等步骤由村（社区）办理，需要村级（${d.villageCode}）或以上的令牌，群众评价只由该村（社区）的令牌记录；网格（${caller.jurisdiction}）的令牌可以上报纠纷、查看本网格的案件。`,
        en: `A case's steps (accept, assign, mediate, resolve …) are the village's and need a token of village ${d.villageCode} or above, and a rating is recorded by the village's own token alone; a grid's token (${caller.jurisdiction}) reports cases and reads its grid's.`,
      },
      { jurisdiction: caller.jurisdiction },
    );
  }
  requireWrite(caller, d.villageCode);
  return d;
}

/**
 * 办结 without a rating: the parties rate a resolved case within its reply
 * deadline; after it, a case the parties could not be reached for (or would
 * not rate) is closed with the reason noted, rather than left open and
 * overdue for good. Before it, closing would cut the parties' rating short.
 */
function closeUnrated(d: DisputeRow, note: string | null): void {
  const due = d.replyBy == null ? null : chinaTime(new Date(d.replyBy));
  // The clerk reads the deadline as a clock shows it; the extension keeps the API's time for a program.
  const dueShown = d.replyBy == null ? null : chinaMinute(new Date(d.replyBy));
  if (!replyWindowOver(d)) {
    throw caseRefusal(
      'VILLAGE',
      d.status,
      'CLOSE',
      {
        zh: `已化解的案件须经群众评价后办结；到答复时限${dueShown ? `（${dueShown}）` : ''}仍未评价的，方可注明原因办结。`,
        en: `A resolved case is closed once the parties rate it; unrated, only after its reply deadline${dueShown ? ` (${dueShown} China time)` : ''}, with the reason noted.`,
      },
      { closableAfter: due },
    );
  }
  if (note == null) {
    throw badInput(
      {
        zh: '未经群众评价办结，须在 note 中注明原因（如当事人联系不上、拒绝评价）。',
        en: 'Closing a case the parties have not rated needs the reason in note (they could not be reached, refused to rate, …).',
      },
      { argument: 'note' },
    );
  }
}

const SUBGRAPH: Record<Level, SubgraphName> = { VILLAGE: 'village', TOWNSHIP: 'township', COUNTY: 'county' };

/** The storage of one village step (`action`) on the locked case `d`. */
export function villageStorage(db: Db, d: DisputeRow, action: CaseAction, detail: StepDetail): StepStorage<DisputeRow> {
  let caseRule: DeadlineRule | undefined;
  const rule = async () => (caseRule ??= await deadlineRule(db, d.category, d.scale));
  // Where the case was resolved before this step (a reopening clears it on the record).
  const resolvedLevel = d.resolvedLevel;
  return {
    level: 'VILLAGE',
    lock: async () => d,
    check: () => {
      // The 综治中心's steps (CENTRE) are taken where the case is handled; rating, reopening, closing and
      // follow-up (PARTIES) where the parties live, whichever level resolved it.
      // A case already resolved is past every centre's steps, wherever it was handled: the status says why (below).
      if (action === 'CLOSE' && d.status === 'RESOLVED') closeUnrated(d, detail.note);
      if (ruleOf('VILLAGE', action, resolvedLevel)?.role === 'CENTRE' && d.handlingLevel !== 'VILLAGE' && !CLOSED.VILLAGE.includes(d.status)) {
        throw transitionError(
          {
            zh: `该案件现由${LEVEL_ZH[d.handlingLevel as Level] ?? d.handlingLevel}办理，请在该级办理（村级记录随之更新）。`,
            en: `The case is handled at the ${d.handlingLevel.toLowerCase()} level now; act there (the village record follows).`,
          },
          d,
          [],
          { level: 'VILLAGE', action },
        );
      }
    },
    sentAgain: async (r, version) => {
      // The steps of the levels above that followed this one (an escalation's receipt) each moved the version on by
      // one; so the step taken from `version` is this many steps back in the case's order, and only theirs came after.
      const since = r.version - version - 1;
      const last = await disputeSteps.atSeq(db, r.id, r.seq - since);
      if (!last || last.level !== 'VILLAGE' || last.actor !== detail.actor) return false;
      if (since > 0) {
        const later = (await disputeSteps.after(db, r.id, last.seq!)).filter((s) => s.seq! <= r.seq);
        if (later.length !== since || later.some((s) => s.level === 'VILLAGE')) return false;
      }
      const same = (a: string | null | undefined, b: string | null | undefined) => (a ?? null) === (b ?? null);
      if (!same(last.note, detail.note) || !same(last.outcome, detail.outcome) || !same(last.assignee, detail.assignee)) return false;
      // Two mediators may share a name: an assignment is the same when it names the same mediator (or, by name, none).
      if (action === 'ASSIGN' && detail.mediatorId !== undefined && (r.mediatorId ?? null) !== detail.mediatorId) return false;
      // A rating is RATE or, when it reopened the case, REOPEN: asked again, the case (no longer RESOLVED) would make
      // it a RATE. The rating the record keeps tells it.
      return detail.rating ? (last.action === 'RATE' || last.action === 'REOPEN') && r.rating === detail.rating : last.action === action;
    },
    resolvedLevel: (r) => r.resolvedLevel,
    unavailable: async (r) => (r.status === 'RESOLVED' && !replyWindowOver(r) ? ['CLOSE'] : []),
    rule,
    save: (r, change) =>
      disputes.saveStory(
        db,
        r.id,
        advanceStory(
          storyOf(r),
          { seq: change.seq, level: 'VILLAGE', action, at: change.at, deadlines: change.deadlines, outcome: detail.outcome, assignee: detail.assignee },
          { rating: detail.rating, declined: detail.declined, ...(action === 'ASSIGN' ? { mediatorId: detail.mediatorId ?? null } : {}) },
        ),
      ),
    record: async (r, fact) => {
      await disputeSteps.insert(db, r, {
        at: fact.at,
        level: 'VILLAGE',
        action,
        actor: detail.actor,
        note: detail.note,
        status: r.status,
        seq: fact.seq,
        outcome: detail.outcome,
        assignee: detail.assignee,
        rating: detail.rating,
        ...fact.deadlines,
      });
    },
    tell: async (r, fact, step) => {
      if (step.tells === 'NEXT_LEVEL') {
        await emit(db, 'township', 'case.escalated', {
          disputeId: r.id,
          caseNumber: r.caseNumber,
          countyCode: r.countyCode,
          townshipCode: r.villageCode.slice(0, 9),
          villageCode: r.villageCode,
          category: r.category,
          scale: r.scale,
          summary: r.summary,
          escalatedAt: fact.at.toISOString(),
          settleBy: new Date(r.settleBy).toISOString(),
          seq: fact.seq,
          rule: await rule(),
          rehandled: r.rehandled,
          reason: detail.note,
          actor: detail.actor,
        });
      } else if (step.tells === 'RESOLVED_LEVEL' && resolvedLevel && resolvedLevel !== 'VILLAGE') {
        await emit(db, SUBGRAPH[resolvedLevel], 'case.reopened', {
          disputeId: r.id,
          countyCode: r.countyCode,
          seq: fact.seq,
          at: fact.at.toISOString(),
          settleBy: new Date(r.settleBy).toISOString(),
          rehandled: r.rehandled,
          note: detail.note,
          actor: detail.actor,
        });
      }
    },
  };
}
