import { randomUUID } from 'node:crypto';
import {
  DECLINED,
  openingStep,
  RECORD_NOUN,
  REHANDLING_LIMIT,
  RESOLVED_STATUSES,
  statusZh,
  takeStep,
  type CaseAction,
} from '../../../../../domain/case-engine.ts';
import { hasScope, holdsRecord, requireWrite } from '../../../../../platform/caller.ts';
import { chinaDay } from '../../../../../domain/china-day.ts';
import { parseCodeOfLevel } from '../../../../../domain/codes.ts';
import { badInput, conflict, forbidden, notFound, staleVersion } from '../../../../../domain/errors.ts';
import { deregisteredParty, noParty, onePartyEach } from '../../../../../domain/parties.ts';
import { assignNote, DISPUTE_OUTCOME_ZH, RATING_ZH, reportNote } from '../../../../../domain/labels.ts';
import { emit } from '../../../../../platform/events.ts';
import type { Db } from '../../../../../platform/sql.ts';
import { parseId } from '../../../../../platform/scalars.ts';
import { caseNumberOf, disputeId, keyText, optText, personName, text } from '../../../../../platform/validate.ts';
import type { VillageContext } from '../../context.ts';
import { deadlineRule } from '../../disputes/deadlines.ts';
import { isOverdue } from '../../disputes/sql.ts';
import { lockForStep, transitionError, villageStorage, type StepDetail } from '../../disputes/steps.ts';
import type { DeclineReason, DisputePartyInput, MutationResolvers } from '../../generated/resolvers.ts';
import { disputes, IMPORT_KEY, reportDiffers, type DisputeRow } from '../../store/dispute.ts';
import { disputeParties, partiesDiffer, type NewParty } from '../../store/dispute-party.ts';
import { disputeSteps } from '../../store/dispute-step.ts';
import { grids } from '../../store/grid.ts';
import { persons } from '../../store/person.ts';

const actorOf = (ctx: VillageContext) => ctx.caller.name || ctx.caller.subject;

/**
 * Runs one step of the village's loop through the case engine (takeStep, in
 * one transaction): `action` may depend on the locked case (a rating).
 */
async function villageStep(
  ctx: VillageContext,
  id: string,
  version: number,
  action: CaseAction | ((d: DisputeRow) => CaseAction),
  detail: Omit<StepDetail, 'actor'>,
): Promise<DisputeRow> {
  const updated = await ctx.em.transactional(async (em) => {
    const d = await lockForStep(em, ctx.caller, id);
    const step = typeof action === 'function' ? action(d) : action;
    return (await takeStep(villageStorage(em, d, step, { ...detail, actor: actorOf(ctx) }), step, version)).record;
  });
  ctx.relay.nudge();
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
 * The parties as given: each a registered resident (personId alone, named as the registry names them) or a person
 * named alone. A name beside a personId would be dropped unseen, and may be a slip for another person.
 */
function namedParties(given: readonly DisputePartyInput[]): NewParty[] {
  return given.map((p, index): NewParty => {
    const hasName = typeof p.name === 'string' && p.name.trim() !== '';
    if (p.personId != null && hasName) {
      throw badInput(
        {
          zh: `第 ${index + 1} 个当事人同时给出了 personId 和 name：已登记的人员只给 personId（姓名取自登记），未登记的只给 name。`,
          en: `Party ${index + 1} gives both personId and name: give personId alone for a registered resident (the name comes from the registry), or name alone.`,
        },
        { argument: 'parties', index },
      );
    }
    if (p.personId != null) return { personId: parseId(p.personId, 'parties.personId'), name: '', role: p.role };
    if (!hasName) {
      throw badInput(
        {
          zh: `第 ${index + 1} 个当事人须给出 personId（已登记的人员）或 name（姓名）之一。`,
          en: `Party ${index + 1} needs personId (a registered resident) or name.`,
        },
        { argument: 'parties', index },
      );
    }
    return { personId: null, name: personName(p.name, 'parties.name', 50), role: p.role };
  });
}

/** The parties checked in the write's transaction: at least one, a resident once, held by the caller and not deregistered. */
async function heldParties(em: Db, ctx: VillageContext, named: readonly NewParty[]): Promise<NewParty[]> {
  if (!named.length) throw noParty('parties');
  onePartyEach(
    named.flatMap((p) => (p.personId === null ? [] : [String(p.personId)])),
    { zh: '人员', en: 'person' },
    'parties',
  );
  const parties: NewParty[] = [];
  for (const [index, p] of named.entries()) {
    if (p.personId === null) {
      parties.push(p);
      continue;
    }
    const person = await persons.byId(em, p.personId);
    if (!person || !holdsRecord(ctx.caller, person)) {
      throw notFound({ zh: `没有编号为 ${p.personId} 的人员。`, en: `No person with id ${p.personId}.` }, { argument: 'parties.personId', index });
    }
    if (person.status === 'DEREGISTERED') throw deregisteredParty(String(p.personId), 'parties.personId');
    parties.push({ personId: person.id, name: person.name, role: p.role });
  }
  return parties;
}

/** occurredAt, as reported or corrected, is not in the future (five minutes of clock skew allowed). */
function notInFuture(occurred: Date | null, now: Date): void {
  if (occurred && occurred.getTime() > now.getTime() + 5 * 60_000) {
    throw badInput({ zh: 'occurredAt（发生时间）不能晚于当前时间。', en: 'occurredAt is in the future.' }, { argument: 'occurredAt' });
  }
}

/** The fields a correction may change, in Chinese for its timeline note. */
const CORRECTED_ZH: Record<string, string> = {
  category: '类别',
  scale: '规模',
  source: '来源',
  summary: '简要情况',
  occurredAt: '发生时间',
  parties: '当事人',
};

/** 不予受理's reasons as the timeline's note names them. */
const DECLINE_REASON_ZH: Record<DeclineReason, string> = {
  NOT_A_DISPUTE: '不属于矛盾纠纷',
  DUPLICATE: '重复登记',
  IN_LEGAL_PROCEEDINGS: '已进入诉讼、仲裁或行政复议等法定程序',
  WITHDRAWN: '当事人撤回',
};

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

type DisputeMutation =
  | 'reportDispute'
  | 'acceptDispute'
  | 'assignDispute'
  | 'recordMediation'
  | 'resolveDispute'
  | 'escalateDispute'
  | 'rateDispute'
  | 'closeDispute'
  | 'followUpDispute'
  | 'superviseDispute'
  | 'correctDispute'
  | 'declineDispute';

export const disputeMutations: Pick<MutationResolvers, DisputeMutation> = {
  reportDispute: async (_, { input, idempotencyKey }, ctx) => {
    const key = keyText(idempotencyKey, 'idempotencyKey', 200);
    // A file's external id keys its case as `import:<external_id>`: a form's key there would answer (or collide with) a filed case.
    if (key.startsWith(IMPORT_KEY)) {
      throw badInput(
        {
          zh: 'idempotencyKey 不能以“import:”开头：这是导入文件的外部编号所用的键。',
          en: 'idempotencyKey cannot start with "import:", the keys of imported files\' external ids.',
        },
        { argument: 'idempotencyKey' },
      );
    }
    const grid = parseCodeOfLevel(input.gridCode, 'GRID', 'gridCode');
    requireWrite(ctx.caller, grid, 'gridCode');
    const county = grid.slice(0, 6);
    const summary = text(input.summary, 'summary', 2000);
    const occurred = input.occurredAt == null ? null : new Date(input.occurredAt);
    const reported = { gridCode: grid, category: input.category, scale: input.scale, source: input.source, summary, occurredAt: occurred };
    const named = namedParties(input.parties);
    // A retry gets the case its first report created; the same key with other details (or other parties) is another report, refused.
    const existing = async () => {
      const d = await disputes.byIdempotencyKey(ctx.em, county, key);
      const differs = d ? reportDiffers(d, reported) : [];
      if (d && partiesDiffer(await disputeParties.ofDisputes(ctx.em, [d.id]), named)) differs.push('parties');
      if (differs.length) {
        throw conflict(
          {
            zh: `这个幂等键已用于案件 ${d!.caseNumber}，但本次上报的 ${differs.join('、')} 与之不同；重试请原样提交，新的纠纷请换一个键。`,
            en: `This idempotency key was used for case ${d!.caseNumber}, whose ${differs.join(', ')} differ from this report; retry with the same details, or use a new key for a new dispute.`,
          },
          { argument: 'idempotencyKey', fields: differs, caseNumber: d!.caseNumber },
        );
      }
      return d;
    };
    const first = await existing();
    if (first) return first;
    try {
      return await ctx.em.transactional(async (em) => {
        if (!(await grids.byCode(em, grid))) {
          throw badInput({ zh: `gridCode ${grid} 不是本枢纽登记的网格。`, en: `gridCode ${grid} is not a grid the hub knows.` }, { argument: 'gridCode' });
        }
        const now = new Date();
        notInFuture(occurred, now);
        const parties = await heldParties(em, ctx, named);
        const rule = await deadlineRule(em, input.category, input.scale);
        // The case's first step: REPORTED, seq 1, with the contact and settle deadlines of its rule.
        const opening = openingStep('VILLAGE', 'REPORT', rule, 1, now);
        const year = Number(chinaDay(now).slice(0, 4));
        const n = await disputes.nextNumber(em, county, year);
        const d = await disputes.insert(em, {
          id: randomUUID(),
          caseNumber: `${county}-${year}-${String(n).padStart(6, '0')}`,
          idempotencyKey: key,
          category: input.category,
          scale: input.scale,
          source: input.source,
          summary,
          villageCode: grid.slice(0, 12),
          gridCode: grid,
          countyCode: county,
          occurredAt: occurred,
          reportedAt: now,
          status: opening.status,
          seq: opening.fact.seq,
          contactBy: opening.fact.deadlines.contactBy!,
          settleBy: opening.fact.deadlines.settleBy!,
          createdBy: ctx.caller.subject,
        });
        for (const p of parties) await disputeParties.insert(em, d, p);
        await disputeSteps.insert(em, d, {
          at: now,
          level: 'VILLAGE',
          action: 'REPORT',
          actor: actorOf(ctx),
          note: reportNote(input.source, summary),
          status: opening.status,
          seq: opening.fact.seq,
          ...opening.fact.deadlines,
        });
        return d;
      });
    } catch (e) {
      // Two retries racing: the second insert hits the unique key; answer with the first.
      const err = e as { code?: string; name?: string };
      if (err.code === '23505' || err.name === 'UniqueConstraintViolationException') {
        const again = await existing();
        if (again) return again;
        // Keys are unique per county: another centre of the county used this one for a case this caller cannot see.
        throw conflict(
          {
            zh: '这个幂等键已在本县用于另一件纠纷，请换一个键再上报。',
            en: 'This idempotency key is already used for another case in the county; report again with a new key.',
          },
          { argument: 'idempotencyKey' },
        );
      }
      throw e;
    }
  },
  acceptDispute: (_, a, ctx) => villageStep(ctx, a.id, a.version, 'ACCEPT', { note: optText(a.note, 'note', 2000) }),
  assignDispute: (_, a, ctx) => {
    const assignee = text(a.assignee, 'assignee', 100);
    return villageStep(ctx, a.id, a.version, 'ASSIGN', { note: assignNote(assignee, optText(a.note, 'note', 2000)), assignee });
  },
  recordMediation: (_, a, ctx) => villageStep(ctx, a.id, a.version, 'MEDIATE', { note: text(a.note, 'note', 2000) }),
  resolveDispute: (_, a, ctx) =>
    villageStep(ctx, a.id, a.version, 'RESOLVE', { note: optText(a.note, 'note', 2000) ?? DISPUTE_OUTCOME_ZH[a.outcome] ?? a.outcome, outcome: a.outcome }),
  // The township learns of it through the outbox (case.escalated, with the case's rule and its place in the order).
  escalateDispute: (_, a, ctx) => villageStep(ctx, a.id, a.version, 'ESCALATE', { note: text(a.reason, 'reason', 2000) }),
  rateDispute: (_, a, ctx) =>
    villageStep(ctx, a.id, a.version, ratingStep(a.rating, ctx.caller), {
      note: optText(a.note, 'note', 2000) ?? RATING_ZH[a.rating] ?? a.rating,
      rating: a.rating,
    }),
  closeDispute: (_, a, ctx) => villageStep(ctx, a.id, a.version, 'CLOSE', { note: optText(a.note, 'note', 2000) }),
  followUpDispute: (_, a, ctx) => villageStep(ctx, a.id, a.version, 'FOLLOW_UP', { note: text(a.note, 'note', 2000) }),
  declineDispute: async (_, a, ctx) => {
    const note = optText(a.note, 'note', 2000);
    const original = await duplicated(ctx, a.id, a.reason, a.duplicateOf);
    const said = `不予受理：${DECLINE_REASON_ZH[a.reason]}${original ? `（与案件 ${original} 重复）` : ''}${note ? `。${note}` : ''}`;
    return villageStep(ctx, a.id, a.version, 'DECLINE', { note: said });
  },
  superviseDispute: async (_, { id, note, version }, ctx) => {
    if (!hasScope(ctx.caller, 'write') || ctx.caller.jurisdiction.length > 6) {
      throw forbidden({
        zh: '督办只能由具有“write”权限的县级（及以上）调用方发出。',
        en: 'Supervision orders (督办) are issued by county-level callers with the "write" scope.',
      });
    }
    const text_ = text(note, 'note', 2000);
    const row = await ctx.em.transactional(async (em) => {
      const d = await disputes.lock(em, disputeId(id));
      if (!d || !holdsRecord(ctx.caller, d)) throw notFound({ zh: `没有编号为 ${id} 的矛盾纠纷。`, en: `No dispute with id ${id}.` });
      if (d.status === DECLINED || RESOLVED_STATUSES.includes(d.status as (typeof RESOLVED_STATUSES)[number])) {
        throw transitionError(
          {
            zh: `督办只针对在办的超期案件；这件案件${statusZh(d.status)}。`,
            en: `Supervision orders are for overdue cases still being handled; this case is ${d.status}.`,
          },
          d,
        );
      }
      if (!isOverdue(d)) {
        throw transitionError(
          {
            zh: `督办只针对超期案件；这件${statusZh(d.status)}的案件尚在办理时限内。`,
            en: `Supervision orders are for overdue cases; this ${d.status} case is within its deadlines.`,
          },
          d,
        );
      }
      if (version != null && d.version !== version) {
        // An order sent again after a lost answer finds the case one version on, its last step this very order (the
        // same caller, the same note): it answers the case rather than recording a second 督办. Anything else moved it.
        const last = d.version === version + 1 ? await disputeSteps.latest(em, d.id) : null;
        if (last?.action === 'SUPERVISE' && last.actor === actorOf(ctx) && last.note === text_) return d;
        throw staleVersion(RECORD_NOUN.VILLAGE, d.version, version);
      }
      const now = new Date();
      const updated = await disputes.supervise(em, d.id, now);
      // A note outside the case's order (seq null): it changes no derived field.
      await disputeSteps.insert(em, d, { at: now, level: 'COUNTY', action: 'SUPERVISE', actor: actorOf(ctx), note: text_, status: d.status, seq: null });
      if (d.handlingLevel === 'TOWNSHIP') {
        await emit(em, 'township', 'case.supervised', { disputeId: d.id, countyCode: d.countyCode, at: now.toISOString(), note: text_ });
      }
      return updated;
    });
    ctx.relay.nudge();
    return row;
  },
  correctDispute: async (_, { id, version, input, reason }, ctx) => {
    const why = text(reason, 'reason', 2000);
    const given = {
      category: input.category ?? undefined,
      scale: input.scale ?? undefined,
      source: input.source ?? undefined,
      summary: input.summary == null ? undefined : text(input.summary, 'input.summary', 2000),
      occurredAt: input.occurredAt == null ? undefined : new Date(input.occurredAt),
    };
    const named = input.parties == null ? null : namedParties(input.parties);
    const row = await ctx.em.transactional(async (em) => {
      const d = await lockForStep(em, ctx.caller, id);
      const now = new Date();
      notInFuture(given.occurredAt ?? null, now);
      const corrected = {
        gridCode: d.gridCode,
        category: given.category ?? d.category,
        scale: given.scale ?? d.scale,
        source: given.source ?? d.source,
        summary: given.summary ?? d.summary,
        occurredAt: given.occurredAt ?? d.occurredAt,
      };
      const changed = reportDiffers(d, corrected);
      const parties = named && (await heldParties(em, ctx, named));
      if (parties && partiesDiffer(await disputeParties.ofDisputes(em, [d.id]), parties)) changed.push('parties');
      const note = `更正${changed.map((f) => CORRECTED_ZH[f]).join('、')}：${why}`;
      if (d.version !== version) {
        // Sent again after a lost answer: the case is one version on, this very correction its last step, and it
        // already reads as corrected (nothing left to change).
        const last = d.version === version + 1 && !changed.length ? await disputeSteps.latest(em, d.id) : null;
        if (last?.action === 'CORRECT' && last.actor === actorOf(ctx) && last.note?.endsWith(`：${why}`)) return d;
        throw staleVersion(RECORD_NOUN.VILLAGE, d.version, version);
      }
      if (d.escalatedToTownshipAt != null) {
        throw transitionError(
          {
            zh: '这件案件已上报乡镇，乡镇、县级留存了上报时的案件信息，村（社区）不能再更正；请在办理步骤的备注中说明。',
            en: "This case has gone to the township, which (with the county) keeps the details it was sent; the village can no longer correct them. Note the correction in a step's note instead.",
          },
          d,
        );
      }
      if (d.status === 'CLOSED' || d.status === 'FOLLOWED_UP' || d.status === DECLINED) {
        throw transitionError(
          { zh: `案件${statusZh(d.status)}，已归档，不能再更正。`, en: `The case is ${d.status}: archived, its details are no longer corrected.` },
          d,
        );
      }
      if (!changed.length) {
        throw badInput(
          { zh: '更正的内容与案件现有信息相同，没有需要更正的。', en: 'The correction matches the case as recorded: nothing to correct.' },
          { argument: 'input' },
        );
      }
      const updated = await disputes.correct(em, d.id, corrected);
      if (parties && changed.includes('parties')) await disputeParties.replace(em, d, parties);
      // A note outside the case's order (seq null), as 督办 is: the derived fields and deadlines stand.
      await disputeSteps.insert(em, d, { at: now, level: 'VILLAGE', action: 'CORRECT', actor: actorOf(ctx), note, status: d.status, seq: null });
      return updated;
    });
    ctx.relay.nudge();
    return row;
  },
};
