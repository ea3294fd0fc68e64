import { z } from 'zod';
import { col, command, exec, rows, sql, type Db } from '../../../../platform/sql.ts';
import { GovernanceLevel } from './dispute.ts';
import { PartyShown } from './dispute-party.ts';
import { instant } from './record.ts';

/**
 * One field a correction changed (`dispute_step.changes`, migration
 * …54CorrectionChanges): its value before and after as the API writes it, or
 * for the parties the lists replaced and set.
 */
const FieldChange = z.object({
  field: z.enum(['CATEGORY', 'SCALE', 'SOURCE', 'SUMMARY', 'PARTIES', 'OCCURRED_AT', 'GRID']),
  before: z.string().nullable(),
  after: z.string().nullable(),
  partiesBefore: z.array(PartyShown).nullable(),
  partiesAfter: z.array(PartyShown).nullable(),
});
export type FieldChange = z.infer<typeof FieldChange>;

/**
 * A dispute's timeline (table `dispute_step`): every step at every level,
 * append-only, each with its place in the case's own order (`seq`, null for
 * supervision notes, which stand outside it) and what it set (deadlines
 * started, outcome, assignee), so the record can be derived from the steps in
 * order (migrations …17CaseOrder, …18StepFacts).
 */
const DisputeStep = z.object({
  id: col.id,
  disputeId: col.text,
  at: instant,
  level: GovernanceLevel,
  action: col.text,
  actor: col.text,
  note: col.text.nullable(),
  status: col.text.nullable(),
  villageCode: col.text,
  gridCode: col.text,
  seq: col.num.nullable(),
  outcome: col.text.nullable(),
  assignee: col.text.nullable(),
  contactBy: instant.nullable(),
  settleBy: instant.nullable(),
  replyBy: instant.nullable(),
  changes: z.preprocess((v) => (typeof v === 'string' ? JSON.parse(v) : v), z.array(FieldChange).nullable()),
  departments: z.array(z.string()).nullable(),
  rating: col.text.nullable(),
});
export type DisputeStepRow = z.infer<typeof DisputeStep>;

/**
 * The timeline order: the case's steps by `seq`, and a supervision note (no
 * seq) where it fell in time, before the first step recorded after it, so a
 * county's 督办 of September reads before the township's steps of December.
 * (A step that arrived before the steps preceding it shows in its place at
 * once; the record follows once the gap is filled.)
 */
const ofDisputes = sql(
  'disputeStep.ofDisputes',
  DisputeStep,
  `select s.* from dispute_step s where s.dispute_id in (?)
    order by coalesce(s.seq::numeric,
                      (select min(t.seq) from dispute_step t where t.dispute_id = s.dispute_id and t.seq is not null and t.at > s.at) - 0.5,
                      2147483647),
             s.at, s.id`,
);
const atSeq = sql('disputeStep.atSeq', DisputeStep, 'select * from dispute_step where dispute_id = ? and seq = ?');
const latest = sql('disputeStep.latest', DisputeStep, 'select * from dispute_step where dispute_id = ? order by id desc limit 1');
const after = sql('disputeStep.after', DisputeStep, 'select * from dispute_step where dispute_id = ? and seq > ? order by seq');
const COLUMNS =
  'dispute_id, at, level, action, actor, note, status, village_code, grid_code, seq, outcome, assignee, contact_by, settle_by, reply_by, changes, departments, rating';
const VALUES = `(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, string_to_array(?, ','), ?)`;
const insert = command('disputeStep.insert', `insert into dispute_step (${COLUMNS}) values ${VALUES}`);
// The unique (dispute_id, seq) index guards against a step recorded twice (a redelivered event).
const insertOnce = command(
  'disputeStep.insertOnce',
  `insert into dispute_step (${COLUMNS}) values ${VALUES} on conflict (dispute_id, seq) where seq is not null do nothing`,
);
/**
 * The departments each case is held by, by kind: called on (吹哨) more often than a call on them was withdrawn (撤回吹哨).
 * Every 吹哨 makes one dispatch per department named and a withdrawal takes back one open dispatch, so a department
 * sent the case by mistake and withdrawn holds it no more, while one that reported on an earlier call still does.
 */
const dispatchedTo = sql(
  'disputeStep.dispatchedTo',
  z.object({ disputeId: col.text, department: col.text }),
  `select s.dispute_id, k as department from dispute_step s cross join unnest(s.departments) k
    where s.dispute_id in (?) and s.action in ('DISPATCH', 'WITHDRAW_DISPATCH')
    group by 1, 2 having count(*) filter (where s.action = 'DISPATCH') > count(*) filter (where s.action = 'WITHDRAW_DISPATCH')`,
);

export interface NewStep {
  at: Date;
  level: string;
  action: string;
  actor: string;
  note: string | null;
  status: string | null;
  /** Its place in the case's order (null for a supervision note). */
  seq: number | null;
  outcome?: string | null;
  assignee?: string | null;
  contactBy?: Date | null;
  settleBy?: Date | null;
  replyBy?: Date | null;
  /** A correction's changed fields (CORRECT), or the grid a move replaced (MOVE_GRID). */
  changes?: readonly FieldChange[] | null;
  /**
   * A 吹哨's departments, the one a withdrawal (撤回吹哨) takes the case back from, or the one whose 报到 or 反馈 it is, by
   * kind (DISPATCH, WITHDRAW_DISPATCH, DEPARTMENT_ACKNOWLEDGE, DEPARTMENT_REPORT).
   */
  departments?: readonly string[] | null;
  /** The parties' rating a village RATE or REOPEN step recorded (群众评价), whatever its note says. */
  rating?: string | null;
}

type Located = { id: string; villageCode: string; gridCode: string };
const params = (d: Located, s: NewStep) => [
  d.id,
  s.at,
  s.level,
  s.action,
  s.actor,
  s.note,
  s.status,
  d.villageCode,
  d.gridCode,
  s.seq,
  s.outcome ?? null,
  s.assignee ?? null,
  s.contactBy ?? null,
  s.settleBy ?? null,
  s.replyBy ?? null,
  s.changes ? JSON.stringify(s.changes) : null,
  s.departments?.length ? s.departments.join(',') : null,
  s.rating ?? null,
];

export const disputeSteps = {
  /** The timelines of the cases, in the timeline order (above). */
  ofDisputes: (db: Db, disputeIds: readonly string[]): Promise<DisputeStepRow[]> => rows(db, ofDisputes, [disputeIds]),
  /** The case's step at `seq` in its order, if recorded. */
  atSeq: async (db: Db, disputeId: string, seq: number): Promise<DisputeStepRow | null> => (await rows(db, atSeq, [disputeId, seq]))[0] ?? null,
  /** The steps of a case after `seq` in its order (those not yet applied to the record), in order. */
  after: (db: Db, disputeId: string, seq: number): Promise<DisputeStepRow[]> => rows(db, after, [disputeId, seq]),
  /** The step recorded last on the case (in or outside its order), if any. */
  latest: async (db: Db, disputeId: string): Promise<DisputeStepRow | null> => (await rows(db, latest, [disputeId]))[0] ?? null,
  /** The departments (kinds) holding each case through a dispatch not withdrawn from them, each case's once. */
  dispatchedTo: (db: Db, disputeIds: readonly string[]): Promise<{ disputeId: string; department: string }[]> => rows(db, dispatchedTo, [disputeIds]),
  /** Appends a step to the case's timeline, located where the case is. */
  insert: (db: Db, d: Located, s: NewStep): Promise<number> => exec(db, insert, params(d, s)),
  /** Appends a step unless the case already has one at its `seq`: 1 when recorded, 0 when it was already there. */
  insertOnce: (db: Db, d: Located, s: NewStep): Promise<number> => exec(db, insertOnce, params(d, s)),
};
