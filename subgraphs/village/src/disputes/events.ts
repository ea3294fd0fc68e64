import type { EntityManager } from '@mikro-orm/postgresql';
import type { Deadlines, StepFact } from '../../../../domain/case-engine.ts';
import type { HubEvent } from '../../../../platform/events.ts';
import type { Db } from '../../../../platform/sql.ts';
import { disputes, type DisputeRow } from '../store/dispute.ts';
import { disputeSteps, type DisputeStepRow } from '../store/dispute-step.ts';
import { assessmentTargets } from '../store/assessment-target.ts';
import { advanceStory, isCaseAction, storyOf } from './story.ts';

/**
 * Steps taken at the township or county come back to the village record as
 * `case.step` events (docs/ARCHITECTURE.md, "The case engine"). Relays keep
 * order only per sender, so the county's receipt may arrive before the
 * township's escalation: each step joins the timeline at once, with its place
 * in the case's order (`seq`), and the record takes, in order, every step
 * after the last one it applied that has no gap before it. A step that came
 * early waits for the ones before it; the derived fields are always those of
 * the latest applied step, whatever order the events arrived in.
 */
export async function applyVillageEvent(em: EntityManager, event: HubEvent): Promise<void> {
  if (event.type === 'target.set') {
    // The county set or cleared a division's target (null: cleared, the division inherits again); the copy follows.
    const t = event.payload;
    const key = { year: t.year, divisionCode: t.divisionCode, indicator: t.indicator };
    if (t.target === null) await assessmentTargets.remove(em, key);
    else await assessmentTargets.upsert(em, { ...key, target: t.target, at: t.at, by: t.by });
    return;
  }
  if (event.type !== 'case.step') throw new Error(`The village subgraph does not handle ${event.type} events.`);
  const p = event.payload;
  const d = await disputes.lock(em, p.disputeId);
  if (!d) throw new Error(`case.step for unknown dispute ${p.disputeId}`);
  // A step already on the timeline (a redelivery) is recorded once: the unique (dispute, seq) index.
  await disputeSteps.insertOnce(em, d, {
    at: new Date(p.at),
    level: p.level,
    action: p.action,
    actor: p.actor,
    note: p.note,
    status: p.status,
    seq: p.seq,
    outcome: p.outcome ?? null,
    assignee: p.assignee ?? null,
    departments: p.departments ?? null,
    ...deadlines(p),
  });
  if (p.seq > d.seq) await applyInOrder(em, d);
}

/** The deadlines a step started, from the times it carries (ISO text or a row's times; absent = not started). */
function deadlines(t: { contactBy?: Date | string | null; settleBy?: Date | string | null; replyBy?: Date | string | null }): Deadlines {
  const out: Deadlines = {};
  if (t.contactBy) out.contactBy = new Date(t.contactBy);
  if (t.settleBy) out.settleBy = new Date(t.settleBy);
  if (t.replyBy) out.replyBy = new Date(t.replyBy);
  return out;
}

/** A timeline row as the engine's step fact. */
function factOf(s: DisputeStepRow, seq: number): StepFact {
  if (!isCaseAction(s.action)) throw new Error(`Step ${s.id} of dispute ${s.disputeId} has no rule: ${s.action}.`);
  return { seq, level: s.level, action: s.action, at: new Date(s.at), deadlines: deadlines(s), outcome: s.outcome, assignee: s.assignee };
}

/** Applies to the record, in order, the recorded steps after its `seq` that follow without a gap (one update for all of them). */
async function applyInOrder(db: Db, d: DisputeRow): Promise<void> {
  let story = storyOf(d);
  for (const s of await disputeSteps.after(db, d.id, d.seq)) {
    if (s.seq !== story.seq + 1) break;
    story = advanceStory(story, factOf(s, s.seq));
  }
  if (story.seq > d.seq) await disputes.saveStory(db, d.id, story);
}
