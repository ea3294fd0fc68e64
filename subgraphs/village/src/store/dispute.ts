import { z } from 'zod';
import type { Story } from '../../../../domain/case-engine.ts';
import { VILLAGE_OPEN } from '../../../../domain/case-statuses.ts';
import { col, command, exec, likeContains, row, rows, sql, type Db, type SqlParam } from '../../../../platform/sql.ts';
import { CONTACT_LATE_SQL, DUE_SQL, OVERDUE_SQL, SUPERVISION_REPLY_OVERDUE_SQL } from '../disputes/sql.ts';
import { PartyShown } from './dispute-party.ts';
import { instant } from './record.ts';
import { allOf, scopedList, type Scope, type ScopedList } from './scoped.ts';
import { lineBreaksAsLf } from '../../../../platform/validate.ts';

/**
 * Disputes (矛盾纠纷) as the village records them (migration …04Disputes): the
 * case from intake to follow-up, whichever level handles it now.
 */
export const GovernanceLevel = z.enum(['VILLAGE', 'TOWNSHIP', 'COUNTY']);
export type GovernanceLevel = z.infer<typeof GovernanceLevel>;

const Dispute = z.object({
  id: col.text,
  no: col.id,
  caseNumber: col.text,
  idempotencyKey: col.text,
  category: col.text,
  scale: z.enum(['ORDINARY', 'MAJOR', 'MASS']),
  source: col.text,
  summary: col.text,
  villageCode: col.text,
  gridCode: col.text,
  countyCode: col.text,
  occurredAt: instant.nullable(),
  reportedAt: instant,
  status: col.text,
  handlingLevel: GovernanceLevel,
  inTransit: z.boolean(),
  assignee: col.text.nullable(),
  /** 承办调解员: the registered mediator the village assigned the case to, whose name `assignee` shows (migration …80DisputeMediator). */
  mediatorId: col.id.nullable(),
  outcome: col.text.nullable(),
  resolvedLevel: GovernanceLevel.nullable(),
  resolvedAt: instant.nullable(),
  escalatedToTownshipAt: instant.nullable(),
  escalatedToCountyAt: instant.nullable(),
  acceptedAt: instant.nullable(),
  rating: col.text.nullable(),
  ratedAt: instant.nullable(),
  closedAt: instant.nullable(),
  followedUpAt: instant.nullable(),
  contactBy: instant,
  settleBy: instant,
  replyBy: instant.nullable(),
  supervisedAt: instant.nullable(),
  /** 督办: the latest order (who, its note, the reply deadline) and its one reply (migration …66SupervisionReply). */
  supervisedBy: col.text.nullable(),
  supervisionNote: col.text.nullable(),
  supervisionReplyBy: instant.nullable(),
  supervisionReply: col.text.nullable(),
  supervisionRepliedAt: instant.nullable(),
  supervisionRepliedBy: col.text.nullable(),
  supervisionRepliedLevel: GovernanceLevel.nullable(),
  createdBy: col.text,
  version: col.id,
  /** The last step of the case applied to this record, in the case's order (later steps that arrived early wait in the timeline). */
  seq: col.num,
  /** Rounds of re-handling after an unsatisfied rating. */
  rehandled: col.num,
  /** 不予受理: why, and the case a duplicate repeats (migration …53DisputeNotes). */
  declineReason: col.text.nullable(),
  duplicateOf: col.text.nullable(),
  /** Moved up a level after a settle deadline had passed (migration …56MissedDeadline): never counted as settled on time. */
  missedDeadline: z.boolean(),
});
export type DisputeRow = z.infer<typeof Dispute>;

const byIds = sql('dispute.byIds', Dispute, 'select * from dispute where id in (?)');
/** The most cases `ofParties` gives a person: a desk reads a party's recent cases, not an archive. */
export const PARTY_CASES = 100;
const ofParties = sql(
  'dispute.ofParties',
  Dispute.extend({ partyPersonId: col.text }),
  `select * from (select d.*, p.person_id::text as party_person_id, row_number() over (partition by p.person_id order by d.no desc) as nth
                    from dispute_party p join dispute d on d.id = p.dispute_id where p.person_id in (?)) x
    where nth <= ${PARTY_CASES} order by no desc`,
);
const lockById = sql('dispute.lock', Dispute, 'select * from dispute where id = ? for update');
const byCaseNumber = sql('dispute.byCaseNumber', Dispute, 'select * from dispute where case_number = ?');
const duplicatesOf = sql(
  'dispute.duplicatesOf',
  z.object({ caseNumber: col.text }),
  'select case_number from dispute where duplicate_of = (select case_number from dispute where id = ?) order by no limit 3',
);
const byKey = sql('dispute.byIdempotencyKey', Dispute, 'select * from dispute where county_code = ? and idempotency_key = ?');
const nextNumber = sql(
  'dispute.nextNumber',
  z.object({ n: col.id }),
  `insert into dispute_counter (county_code, year, n) values (?, ?, 1) on conflict (county_code, year) do update set n = dispute_counter.n + 1 returning n`,
);
const insert = sql(
  'dispute.insert',
  Dispute,
  `insert into dispute (id, case_number, idempotency_key, category, scale, source, summary, village_code, grid_code, county_code,
     occurred_at, reported_at, status, seq, contact_by, settle_by, created_by)
   values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning *`,
);
const correct = sql(
  'dispute.correct',
  Dispute,
  `update dispute set category = ?, scale = ?, source = ?, summary = ?, occurred_at = ?, noted_at = ?,
     parties_changed_at = case when ? then ? else parties_changed_at end, version = version + 1
   where id = ? returning *`,
);
// 改派网格: the case, its parties and its timeline are kept where the case is (row-level security reads their grid).
const moveGrid = sql('dispute.moveGrid', Dispute, 'update dispute set grid_code = ?, noted_at = ?, version = version + 1 where id = ? returning *');
const partiesFollow = command('dispute.partiesFollow', 'update dispute_party set grid_code = ? where dispute_id = ? and grid_code <> ?');
const stepsFollow = command('dispute.stepsFollow', 'select hub_dispute_steps_follow(?)');
const byCaseNumbers = sql('dispute.byCaseNumbers', Dispute, 'select * from dispute where case_number in (?)');
// A new order replaces the last one, and the reply to it: the holder answers the order now standing.
const supervise = sql(
  'dispute.supervise',
  Dispute,
  `update dispute set supervised_at = ?, supervised_by = ?, supervision_note = ?, supervision_reply_by = ?, supervision_reply = null,
     supervision_replied_at = null, supervision_replied_by = null, supervision_replied_level = null, noted_at = ?, version = version + 1 where id = ? returning *`,
);
const replySupervision = sql(
  'dispute.replySupervision',
  Dispute,
  `update dispute set supervision_reply = ?, supervision_replied_at = ?, supervision_replied_by = ?, supervision_replied_level = ?, noted_at = ?,
     version = version + 1 where id = ? returning *`,
);
const saveStory = sql(
  'dispute.saveStory',
  Dispute,
  `update dispute set seq = ?, status = ?, handling_level = ?, in_transit = ?, resolved_level = ?, rehandled = ?,
     contact_by = coalesce(?, contact_by), settle_by = coalesce(?, settle_by), reply_by = ?, outcome = ?, assignee = ?, mediator_id = ?,
     resolved_at = ?, accepted_at = ?, escalated_to_township_at = ?, escalated_to_county_at = ?, rating = ?, rated_at = ?,
     closed_at = ?, followed_up_at = ?, decline_reason = ?, duplicate_of = ?, missed_deadline = ?, version = version + 1
   where id = ? returning *`,
);

/**
 * The case's story as the record keeps it (derived by disputes/story.ts):
 * the engine's derived fields plus the times the village keeps of some steps
 * (for statistics and the change feed).
 */
export interface DisputeStory extends Story {
  resolvedAt: Date | null;
  acceptedAt: Date | null;
  escalatedToTownshipAt: Date | null;
  escalatedToCountyAt: Date | null;
  rating: string | null;
  ratedAt: Date | null;
  closedAt: Date | null;
  followedUpAt: Date | null;
  declineReason: string | null;
  duplicateOf: string | null;
  missedDeadline: boolean;
  /** The registered mediator handling the case at the village (null: assigned by name, to no one, or handled above). */
  mediatorId: number | null;
}

/**
 * What a report sets, by column and field: the rest of a case changes only
 * through its handling steps. A report (form or file row) naming a case
 * already reported, by its idempotency key or id, must match it on each of
 * these, or it is refused (CONFLICT) rather than answered with the other case.
 */
export const REPORTED_FIELDS = [
  ['grid_code', 'gridCode'],
  ['category', 'category'],
  ['scale', 'scale'],
  ['source', 'source'],
  ['summary', 'summary'],
  ['occurred_at', 'occurredAt'],
] as const;

type Reported = Record<(typeof REPORTED_FIELDS)[number][1], string | Date | null>;

/**
 * A reported value as compared: an instant by its time to the second (as the import compares it), whether it came as a
 * Date or as text; text with its line breaks as one LF, as written text now keeps them (a case stored with CR LF before
 * that still matches its own retry).
 */
const comparable = (field: string, v: string | Date | null) =>
  v === null ? null : field === 'occurredAt' ? Math.floor(new Date(v).getTime() / 1000) : typeof v === 'string' ? lineBreaksAsLf(v) : v;

/**
 * SQL, joined beside a case `d`: the case as first reported (`rep`, with REPORTED_FIELDS' columns and `parties`). A
 * retry of a report, or a file sent again, carries what was first reported, and the case may have been corrected
 * since (更正): each field a correction changed is read as the first such correction found it
 * (`dispute_step.changes`), `parties` as that correction's parties before, or null when none changed them.
 * The grid is the one the case was first filed under, before any move to another grid (改派网格, MOVE_GRID's changes).
 * Corrections recorded before they kept their changes (migration …54CorrectionChanges) leave their fields as they
 * now stand.
 */
export const AS_REPORTED = `cross join lateral (
    select case when f->'GRID' is not null then f->'GRID'->>'before' else d.grid_code end as grid_code,
           case when f->'CATEGORY' is not null then f->'CATEGORY'->>'before' else d.category end as category,
           case when f->'SCALE' is not null then f->'SCALE'->>'before' else d.scale end as scale,
           case when f->'SOURCE' is not null then f->'SOURCE'->>'before' else d.source end as source,
           case when f->'SUMMARY' is not null then f->'SUMMARY'->>'before' else d.summary end as summary,
           case when f->'OCCURRED_AT' is not null then (f->'OCCURRED_AT'->>'before')::timestamptz else d.occurred_at end as occurred_at,
           f->'PARTIES'->'partiesBefore' as parties
      from (select coalesce(jsonb_object_agg(x.field, x.c), '{}') as f
              from (select distinct on (c->>'field') c->>'field' as field, c
                      from dispute_step cs cross join jsonb_array_elements(cs.changes) c
                     where cs.dispute_id = d.id and cs.action in ('CORRECT', 'MOVE_GRID') and cs.changes is not null
                     order by c->>'field', cs.at, cs.id) x) fx) rep`;

const AsReported = z.object({
  gridCode: col.text,
  category: col.text,
  scale: col.text,
  source: col.text,
  summary: col.text,
  occurredAt: instant.nullable(),
  parties: z.preprocess((v) => (typeof v === 'string' ? JSON.parse(v) : v), z.array(PartyShown).nullable()),
});
export type AsReported = z.infer<typeof AsReported>;
const asReported = sql('dispute.asReported', AsReported, `select rep.* from dispute d ${AS_REPORTED} where d.id = ?`);

/** The fields (GraphQL names) on which `report` differs from the case `d` it names. */
export function reportDiffers(d: Reported, report: Reported): string[] {
  return REPORTED_FIELDS.flatMap(([, f]) => (comparable(f, d[f]) === comparable(f, report[f]) ? [] : [f]));
}

export interface NewDispute {
  id: string;
  caseNumber: string;
  idempotencyKey: string;
  category: string;
  scale: string;
  source: string;
  summary: string;
  villageCode: string;
  gridCode: string;
  countyCode: string;
  occurredAt: Date | null;
  reportedAt: Date;
  /** The opening step's status and place in the case's order (REPORT: REPORTED, 1). */
  status: string;
  seq: number;
  contactBy: Date;
  settleBy: Date;
  createdBy: string;
}

/** The prefix of a case's idempotency key when a disputes file took it in: `import:<external_id>`. */
export const IMPORT_KEY = 'import:';

/** Filters on a division's list of disputes (all given must hold). */
export interface DisputeConditions {
  statuses?: readonly string[] | null;
  category?: string | null;
  handlingLevel?: string | null;
  overdue?: boolean | null;
  /** Reported in [start, end) (ISO instants). */
  reported?: readonly [string, string] | null;
  scale?: string | null;
  source?: string | null;
  underSupervision?: boolean | null;
  /** Under an order whose reply is overdue (SUPERVISION_REPLY_OVERDUE_SQL) or not. */
  supervisionReplyOverdue?: boolean | null;
  /** Contacted after the contact deadline, or awaiting 受理 past it (CONTACT_LATE_SQL), or not. */
  contactLate?: boolean | null;
  caseNumber?: string | null;
  externalId?: string | null;
  /** Text the summary contains. */
  search?: string | null;
  /** Text a party's name contains, as the case names the party (a resident or not). */
  party?: string | null;
  /** Reported by this caller (its subject: true), or by others (false). */
  reportedBy?: { subject: string; mine: boolean } | null;
  /** Assigned to this registered mediator (their registry id). */
  mediatorId?: number | null;
  /** In the statuses still handled at the village (VILLAGE_OPEN: true), or in the others (false). */
  open?: boolean | null;
}

export const disputes = {
  byIds: (db: Db, ids: readonly string[]): Promise<DisputeRow[]> => rows(db, byIds, [ids]),
  /** The cases the residents are parties to, newest first, at most PARTY_CASES each; each row names its party. */
  ofParties: (db: Db, personIds: readonly string[]): Promise<(DisputeRow & { partyPersonId: string })[]> => rows(db, ofParties, [personIds]),
  /** The case, locked for the rest of the transaction (null when there is none, or row-level security hides it). */
  lock: (db: Db, id: string): Promise<DisputeRow | null> => row(db, lockById, [id]),
  /** The case a report with this idempotency key already created in the county, if any. */
  byIdempotencyKey: (db: Db, countyCode: string, key: string): Promise<DisputeRow | null> => row(db, byKey, [countyCode, key]),
  /** The case as first reported (AS_REPORTED), before any correction. */
  asReported: (db: Db, id: string): Promise<AsReported | null> => row(db, asReported, [id]),
  /** The next case number of the county in the year (a counter row per county and year). */
  nextNumber: async (db: Db, countyCode: string, year: number): Promise<number> => (await row(db, nextNumber, [countyCode, year]))!.n,
  /** Records a new case, REPORTED. */
  async insert(db: Db, d: NewDispute): Promise<DisputeRow> {
    return (await row(db, insert, [
      d.id,
      d.caseNumber,
      d.idempotencyKey,
      d.category,
      d.scale,
      d.source,
      d.summary,
      d.villageCode,
      d.gridCode,
      d.countyCode,
      d.occurredAt,
      d.reportedAt,
      d.status,
      d.seq,
      d.contactBy,
      d.settleBy,
      d.createdBy,
    ]))!;
  },
  /** Writes the case's story after its latest applied step (the derived fields, its `seq`) and bumps the version: the case as it is now. */
  saveStory: async (db: Db, id: string, s: DisputeStory): Promise<DisputeRow> =>
    (await row(db, saveStory, [
      s.seq,
      s.status,
      s.handlingLevel,
      s.inTransit,
      s.resolvedLevel,
      s.rehandled,
      s.contactBy,
      s.settleBy,
      s.replyBy,
      s.outcome,
      s.assignee,
      s.mediatorId,
      s.resolvedAt,
      s.acceptedAt,
      s.escalatedToTownshipAt,
      s.escalatedToCountyAt,
      s.rating,
      s.ratedAt,
      s.closedAt,
      s.followedUpAt,
      s.declineReason,
      s.duplicateOf,
      s.missedDeadline,
      id,
    ]))!,
  /** Corrects what the report set (更正; the grid stays): the case as it is now. */
  correct: async (db: Db, id: string, c: Omit<Reported, 'gridCode'>, at: Date, partiesChanged: boolean): Promise<DisputeRow> =>
    (await row(db, correct, [c.category, c.scale, c.source, c.summary, c.occurredAt, at, partiesChanged, at, id]))!,
  /**
   * 改派网格: files the case under another grid of its village, its parties and its timeline with it (the steps through
   * hub_dispute_steps_follow, migration …74DisputeGridMove, as the timeline is append-only otherwise).
   */
  moveGrid: async (db: Db, id: string, gridCode: string, at: Date): Promise<DisputeRow> => {
    const moved = (await row(db, moveGrid, [gridCode, at, id]))!;
    await exec(db, partiesFollow, [gridCode, id, gridCode]);
    await exec(db, stepsFollow, [id]);
    return moved;
  },
  /** The case of this number, if the caller may see it. */
  byCaseNumber: async (db: Db, caseNumber: string): Promise<DisputeRow | null> => (await rows(db, byCaseNumber, [caseNumber]))[0] ?? null,
  /** The numbers of (up to three) reports declined as duplicates of the case `id`. */
  duplicatesOf: async (db: Db, id: string): Promise<string[]> => (await rows(db, duplicatesOf, [id])).map((r) => r.caseNumber),
  /** The cases of these numbers the caller may see. */
  byCaseNumbers: (db: Db, numbers: readonly string[]): Promise<DisputeRow[]> => rows(db, byCaseNumbers, [numbers]),
  /** Records the county's supervision order (督办), replacing the last one and its reply; it stands outside the case's order. */
  supervise: async (db: Db, id: string, o: { at: Date; by: string; note: string; replyBy: Date }): Promise<DisputeRow> =>
    (await row(db, supervise, [o.at, o.by, o.note, o.replyBy, o.at, id]))!,
  /** Records the holding level's reply to the order standing. */
  replySupervision: async (db: Db, id: string, r: { at: Date; by: string; level: GovernanceLevel; reply: string }): Promise<DisputeRow> =>
    (await row(db, replySupervision, [r.reply, r.at, r.by, r.level, r.at, id]))!,
  /**
   * A division's disputes, filtered: newest first (by `no`, also the cursor), or `dueFirst` by the settle deadline,
   * the earliest first (`CaseInboxOrder.DUE_FIRST`, as the township's and county's inboxes).
   */
  list(scope: Scope, c: DisputeConditions, dueFirst = false): ScopedList<DisputeRow> {
    const { where, params } = filtered(c);
    return dueFirst
      ? { ...scopedList('dispute.listDue', 'dispute', Dispute, scope, allOf(where, params)), order: { column: 'no', time: 'due_at', timeSql: DUE_SQL } }
      : { ...scopedList('dispute.list', 'dispute', Dispute, scope, allOf(where, params)), order: { column: 'no', desc: true } };
  },
  /**
   * The cases assigned to mediators, filtered, newest first: each mediator's page (its parent key their registry id)
   * from one statement for every mediator a request lists.
   */
  ofMediators(c: DisputeConditions): ScopedList<DisputeRow> {
    const { where, params } = filtered(c);
    return {
      name: 'dispute.ofMediators',
      table: 'dispute',
      row: Dispute,
      scopeKey: 't.mediator_id',
      ...allOf(where, params),
      order: { column: 'no', desc: true },
    };
  },
};

/** The SQL conditions on a case `t` of a list's filters, and their parameters. */
function filtered(c: DisputeConditions): { where: string[]; params: SqlParam[] } {
  const where: string[] = [];
  const params: SqlParam[] = [];
  if (c.mediatorId != null) {
    where.push('t.mediator_id = ?');
    params.push(c.mediatorId);
  }
  if (c.open != null) {
    // The statuses are the engine's constants, written into the text: the list's plan is the same for every village.
    where.push(`t.status ${c.open ? '' : 'not '}in (${VILLAGE_OPEN.map((x) => `'${x}'`).join(', ')})`);
  }
  if (c.statuses?.length) {
    where.push('t.status in (?)');
    params.push(c.statuses);
  }
  if (c.category) {
    where.push('t.category = ?');
    params.push(c.category);
  }
  if (c.handlingLevel) {
    where.push('t.handling_level = ?');
    params.push(c.handlingLevel);
  }
  for (const [column, value] of [
    ['scale', c.scale],
    ['source', c.source],
    ['case_number', c.caseNumber],
    ['idempotency_key', c.externalId == null ? null : `${IMPORT_KEY}${c.externalId}`],
  ] as const) {
    if (value) {
      where.push(`t.${column} = ?`);
      params.push(value);
    }
  }
  if (c.underSupervision != null) where.push(`t.supervised_at is ${c.underSupervision ? 'not ' : ''}null`);
  if (c.supervisionReplyOverdue != null) where.push(`${c.supervisionReplyOverdue ? '' : 'not '}${SUPERVISION_REPLY_OVERDUE_SQL.replaceAll('d.', 't.')}`);
  if (c.contactLate != null) where.push(`${c.contactLate ? '' : 'not '}${CONTACT_LATE_SQL.replaceAll('d.', 't.')}`);
  if (c.search) {
    where.push(`t.summary like ? escape '\\'`);
    params.push(likeContains(c.search));
  }
  if (c.party) {
    // A desk looks a case up by the name of whoever came to it: as the case names its parties, residents or not.
    where.push(`exists (select 1 from dispute_party dp where dp.dispute_id = t.id and dp.name like ? escape '\\')`);
    params.push(likeContains(c.party));
  }
  if (c.reportedBy) {
    where.push(`t.created_by ${c.reportedBy.mine ? '=' : '<>'} ?`);
    params.push(c.reportedBy.subject);
  }
  if (c.overdue != null) where.push(`${c.overdue ? '' : 'not '}${OVERDUE_SQL.replaceAll('d.', 't.')}`);
  if (c.reported) {
    where.push('t.reported_at >= ? and t.reported_at < ?');
    params.push(...c.reported);
  }
  return { where, params };
}
