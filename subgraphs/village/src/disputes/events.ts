import type { EntityManager } from '@mikro-orm/postgresql';
import type { Deadlines, Level, StepFact } from '../../../../domain/case-engine.ts';
import type { HubEvent } from '../../../../platform/events.ts';
import { rows, sql, type Db } from '../../../../platform/sql.ts';
import { z } from 'zod';
import { disputes, type DisputeRow } from '../store/dispute.ts';
import { disputeSteps, type NewStep } from '../store/dispute-step.ts';
import { assessmentTargets } from '../store/assessment-target.ts';
import { advanceStory, isCaseAction, storyOf } from './story.ts';

const actorSetting = sql('dispute.eventActor', z.object({}), `select set_config('hub.actor', ?, true)`);

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
  // The change feed's entry names who took the step at that level, as the timeline does (`by` stays the hub's job:
  // no caller of this hub made it). An event without an actor leaves the job's own name.
  if (p.actor) await rows(em, actorSetting, [p.actor]);
  const step: NewStep & Ordered = {
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
  };
  // The record first, then the timeline: the step's trigger (…73ChangeStoryAgrees) puts it on the case's entry this
  // transaction wrote, so that entry must be there when the step is.
  if (p.seq > d.seq) await applyInOrder(em, d, step);
  // A step already on the timeline (a redelivery) is recorded once: the unique (dispute, seq) index.
  await disputeSteps.insertOnce(em, d, step);
}

/** The deadlines a step started, from the times it carries (ISO text or a row's times; absent = not started). */
function deadlines(t: { contactBy?: Date | string | null; settleBy?: Date | string | null; replyBy?: Date | string | null }): Deadlines {
  const out: Deadlines = {};
  if (t.contactBy) out.contactBy = new Date(t.contactBy);
  if (t.settleBy) out.settleBy = new Date(t.settleBy);
  if (t.replyBy) out.replyBy = new Date(t.replyBy);
  return out;
}

/** A step in the case's order, recorded or arriving: what the record takes from it. */
interface Ordered {
  seq: number;
  level: Level;
  action: string;
  at: Date | string;
  outcome?: string | null;
  assignee?: string | null;
  contactBy?: Date | string | null;
  settleBy?: Date | string | null;
  replyBy?: Date | string | null;
}

/** A step as the engine's step fact. */
function factOf(disputeId: string, s: Ordered): StepFact {
  if (!isCaseAction(s.action)) throw new Error(`A step of dispute ${disputeId} has no rule: ${s.action}.`);
  return { seq: s.seq, level: s.level, action: s.action, at: new Date(s.at), deadlines: deadlines(s), outcome: s.outcome, assignee: s.assignee };
}

/**
 * Applies to the record, in order, the steps after its `seq` that follow without a gap (one update for all of them):
 * those recorded, and `arriving`, not recorded yet, unless a step already holds its place.
 */
async function applyInOrder(db: Db, d: DisputeRow, arriving: Ordered): Promise<void> {
  const recorded: Ordered[] = (await disputeSteps.after(db, d.id, d.seq)).map((s) => ({ ...s, seq: s.seq! }));
  const steps = recorded.some((s) => s.seq === arriving.seq) ? recorded : [...recorded, arriving].sort((a, b) => a.seq - b.seq);
  let story = storyOf(d);
  for (const s of steps) {
    if (s.seq !== story.seq + 1) break;
    story = advanceStory(story, factOf(d.id, s));
  }
  if (story.seq > d.seq) await disputes.saveStory(db, d.id, story);
}
