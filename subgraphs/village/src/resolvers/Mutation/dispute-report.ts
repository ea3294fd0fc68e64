/**
 * A case's details as reported (矛盾纠纷登记): the report that opens it (`reportDispute`, its first step) and the
 * correction of what was reported while the village holds it (`correctDispute`, 更正). Both check the parties alike.
 * The case's handling steps are in disputes.ts.
 */
import { randomUUID } from 'node:crypto';
import { callerActions, DECLINED, openingStep, RECORD_NOUN, statusZh } from '../../../../../domain/case-engine.ts';
import { holdsRecord, requireWrite } from '../../../../../platform/caller.ts';
import { chinaDay } from '../../../../../domain/china-day.ts';
import { parseCodeOfLevel } from '../../../../../domain/codes.ts';
import { badInput, conflict, notFound, quote, staleVersion } from '../../../../../domain/errors.ts';
import { deregisteredParty, noParty, onePartyEach } from '../../../../../domain/parties.ts';
import { CORRECTED_FIELD_ZH, reportNote } from '../../../../../domain/labels.ts';
import { chinaMinute, chinaTime, parseId } from '../../../../../platform/scalars.ts';
import { delivered } from '../../../../../platform/events.ts';
import type { Db } from '../../../../../platform/sql.ts';
import { keyText, occurredNotInFuture, personName, stepNote, text } from '../../../../../platform/validate.ts';
import type { VillageContext } from '../../context.ts';
import { deadlineRule } from '../../disputes/deadlines.ts';
import { actorOf, lockForStep, transitionError } from '../../disputes/steps.ts';
import type { DisputePartyInput, MutationResolvers } from '../../generated/resolvers.ts';
import { disputes, IMPORT_KEY, reportDiffers } from '../../store/dispute.ts';
import { disputeParties, partiesDiffer, type NewParty, type PartyShown } from '../../store/dispute-party.ts';
import { disputeSteps, type FieldChange } from '../../store/dispute-step.ts';
import { grids } from '../../store/grid.ts';
import { persons } from '../../store/person.ts';
import { writeTransaction } from '../../../../../platform/write-transaction.ts';

/** A party's personId as a record id; a malformed one is refused naming the party by its place, as every refusal of a party does. */
function partyId(value: string, index: number): number {
  try {
    return parseId(value, 'parties.personId');
  } catch {
    throw badInput(
      {
        zh: `第 ${index + 1} 个当事人的人员系统编号“${quote(value)}”不是记录编号（取自居民列表的 id）。`,
        en: `Party ${index + 1}: personId "${quote(value)}" is not a record id (a resident's id from a list).`,
      },
      { argument: 'parties.personId', rule: 'recordId', index },
    );
  }
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
    if (p.personId != null) return { personId: partyId(p.personId, index), name: '', role: p.role };
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
    named.map((p) => (p.personId === null ? undefined : String(p.personId))),
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
      // Whether a person outside the caller's jurisdiction exists is not said (as for every record); what to do instead is.
      throw notFound(
        {
          zh: `您的辖区内没有编号为 ${p.personId} 的人员。辖区外的当事人（如邻村、邻网格的居民）请只填写姓名（name），或由共同的上级录入并关联。`,
          en: `No person with id ${p.personId} in your jurisdiction. Name a party from outside it (another grid or village) by name alone, or have a level above both link the resident.`,
        },
        { argument: 'parties.personId', index },
      );
    }
    if (person.status === 'DEREGISTERED') throw deregisteredParty(String(p.personId), 'parties.personId', index);
    parties.push({ personId: person.id, name: person.name, role: p.role });
  }
  return parties;
}

/** A report's details as a Chinese message names them (`extensions.fields` keeps the input's names). */
const REPORTED_ZH = {
  gridCode: CORRECTED_FIELD_ZH.GRID,
  category: CORRECTED_FIELD_ZH.CATEGORY,
  scale: CORRECTED_FIELD_ZH.SCALE,
  source: CORRECTED_FIELD_ZH.SOURCE,
  summary: CORRECTED_FIELD_ZH.SUMMARY,
  occurredAt: CORRECTED_FIELD_ZH.OCCURRED_AT,
  parties: CORRECTED_FIELD_ZH.PARTIES,
} as const;

/** The fields a correction may change, in `DisputeCorrection`'s order, as `DisputeStep.changes` names them (their Chinese names: CORRECTED_FIELD_ZH). */
const CORRECTABLE = {
  category: 'CATEGORY',
  scale: 'SCALE',
  source: 'SOURCE',
  summary: 'SUMMARY',
  parties: 'PARTIES',
  occurredAt: 'OCCURRED_AT',
} as const;
type Correctable = keyof typeof CORRECTABLE;
type Details = Record<Exclude<Correctable, 'parties'>, string | Date | null>;

/** What a correction changed, field by field, as `DisputeStep.changes` gives it: each value before and after. */
function correctionChanges(
  fields: readonly Correctable[],
  was: Details,
  now: Details,
  parties: { was: readonly PartyShown[]; now: readonly PartyShown[] } | null,
): FieldChange[] {
  const shown = (f: keyof Details, v: string | Date | null) => (v == null ? null : f === 'occurredAt' ? chinaTime(v) : String(v));
  const party = ({ personId, name, role }: PartyShown): PartyShown => ({ personId, name, role });
  return fields.map((f) =>
    f === 'parties'
      ? { field: 'PARTIES', before: null, after: null, partiesBefore: parties!.was.map(party), partiesAfter: parties!.now.map(party) }
      : { field: CORRECTABLE[f], before: shown(f, was[f]), after: shown(f, now[f]), partiesBefore: null, partiesAfter: null },
  );
}

type ReportMutation = 'reportDispute' | 'correctDispute';

export const disputeReportMutations: Pick<MutationResolvers, ReportMutation> = {
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
    // A retry gets the case its first report created, as it stands or as first reported (it may have been corrected
    // since); the same key with other details (or other parties) is another report, refused.
    const existing = async () => {
      const d = await disputes.byIdempotencyKey(ctx.em, county, key);
      if (!d) return null;
      const recorded = await disputeParties.ofDisputes(ctx.em, [d.id]);
      const differs = reportDiffers(d, reported);
      if (partiesDiffer(recorded, named)) differs.push('parties');
      if (!differs.length) return d;
      const first = await disputes.asReported(ctx.em, d.id);
      if (first && !reportDiffers(first, reported).length && !partiesDiffer(first.parties ?? recorded, named)) return d;
      throw conflict(
        {
          zh: `这个幂等键已用于案件 ${d.caseNumber}，但本次上报的${differs.map((f) => REPORTED_ZH[f as keyof typeof REPORTED_ZH] ?? f).join('、')}与之不同；重试请原样提交，新的纠纷请换一个键。`,
          en: `This idempotency key was used for case ${d.caseNumber}, whose ${differs.join(', ')} differ from this report; retry with the same details, or use a new key for a new dispute.`,
        },
        { rule: 'keyReused', argument: 'idempotencyKey', fields: differs, caseNumber: d.caseNumber },
      );
    };
    const first = await existing();
    if (first) return first;
    try {
      return await writeTransaction(ctx.em, async (em) => {
        if (!(await grids.byCode(em, grid))) {
          throw badInput({ zh: `gridCode ${grid} 不是本枢纽登记的网格。`, en: `gridCode ${grid} is not a grid the hub knows.` }, { argument: 'gridCode' });
        }
        const now = new Date();
        occurredNotInFuture(occurred, 'occurredAt', now);
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
          actor: actorOf(ctx.caller),
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
          { rule: 'keyUsedElsewhere', argument: 'idempotencyKey' },
        );
      }
      throw e;
    }
  },
  correctDispute: async (_, { id, version, input, reason }, ctx) => {
    const why = stepNote(reason, 'reason');
    const given = {
      category: input.category ?? undefined,
      scale: input.scale ?? undefined,
      source: input.source ?? undefined,
      summary: input.summary == null ? undefined : text(input.summary, 'summary', 2000),
      occurredAt: input.occurredAt == null ? undefined : new Date(input.occurredAt),
    };
    const named = input.parties == null ? null : namedParties(input.parties);
    const row = await writeTransaction(ctx.em, async (em) => {
      const d = await lockForStep(em, ctx.caller, id);
      const now = new Date();
      // A case is reported once it has happened (so a time in the future is refused here too). A report measures its time against the hub's clock, with the skew a
      // caller's device may have (occurredNotInFuture); a correction measures it against the report time the hub
      // recorded, which has no skew to allow for: a time after it was a slip of the clerk's (22:45 for a case reported
      // at 22:43).
      if (given.occurredAt && given.occurredAt.getTime() > new Date(d.reportedAt).getTime()) {
        throw badInput(
          {
            zh: `occurredAt（发生时间）不能晚于案件的登记时间（${chinaMinute(d.reportedAt)}）：纠纷发生在登记之前。`,
            en: `occurredAt cannot be after the case was reported (${chinaMinute(d.reportedAt)} China time).`,
          },
          { argument: 'occurredAt', rule: 'occurredAfterReport', reportedAt: chinaTime(d.reportedAt) },
        );
      }
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
      const recorded = parties && (await disputeParties.ofDisputes(em, [d.id]));
      if (parties && partiesDiffer(recorded!, parties)) changed.push('parties');
      const fields = (Object.keys(CORRECTABLE) as Correctable[]).filter((f) => changed.includes(f));
      const changes = correctionChanges(fields, d, corrected, parties && { was: recorded!, now: parties });
      const note = `更正${fields.map((f) => CORRECTED_FIELD_ZH[CORRECTABLE[f]]).join('、')}：${why}`;
      const stale = d.version !== version;
      if (stale) {
        // Sent again after a lost answer: the case is one version on, this very correction its last step, and it
        // already reads as corrected (nothing left to change).
        const last = d.version === version + 1 && !changed.length ? await disputeSteps.latest(em, d.id) : null;
        if (last?.action === 'CORRECT' && last.actor === actorOf(ctx.caller) && last.note?.endsWith(`：${why}`)) return d;
        // A version below 1 was never any record's: a wrong argument, whatever the case.
        if (version < 1) throw staleVersion(RECORD_NOUN.VILLAGE, d.version, version);
      }
      // A case gone to the township or ended is never corrected again: refused as such whatever version was sent,
      // since re-reading would not make the correction possible. A stale copy of a case still correctable is CONFLICT.
      if (d.escalatedToTownshipAt != null) {
        throw transitionError(
          {
            zh: '这件案件已上报乡镇，乡镇、县级留存了上报时的案件信息，案件信息不能再更正；请在办理步骤的备注中说明。',
            en: "This case has gone to the township, which (with the county) keeps the details it was sent; they can no longer be corrected. Note the correction in a step's note instead.",
          },
          d,
        );
      }
      if (d.status === 'CLOSED' || d.status === 'FOLLOWED_UP' || d.status === DECLINED) {
        throw transitionError(
          { zh: `这件${statusZh(d.status)}的案件不能再更正。`, en: `The case is ${d.status}: ended, its details are no longer corrected.` },
          d,
          // The steps still open to the village on an ended case (回访 after closing), as every refusal lists them.
          callerActions('VILLAGE', d.status),
        );
      }
      if (stale) throw staleVersion(RECORD_NOUN.VILLAGE, d.version, version);
      if (!changed.length) {
        throw badInput(
          { zh: '更正的内容与案件现有信息相同，没有需要更正的。', en: 'The correction matches the case as recorded: nothing to correct.' },
          { argument: 'input' },
        );
      }
      // The parties first: the case's own update then names them in the change feed (parties_changed_at).
      if (parties && changed.includes('parties')) await disputeParties.replace(em, d, parties);
      const updated = await disputes.correct(em, d.id, corrected, now, changed.includes('parties'));
      // A note outside the case's order (seq null), as 督办 is: the derived fields and deadlines stand.
      await disputeSteps.insert(em, d, {
        at: now,
        level: 'VILLAGE',
        action: 'CORRECT',
        actor: actorOf(ctx.caller),
        note,
        status: d.status,
        seq: null,
        changes,
      });
      return updated;
    });
    await delivered(ctx.relay);
    return row;
  },
};
