/**
 * One demo case driven through the case engine (domain/case-engine.ts), the
 * way the subgraphs drive a real one: every step is checked by `transition`
 * against the status of the record of the level taking it (a step the engine
 * would refuse throws), numbered in the case's order, starts the deadlines of
 * its rule, and is applied to the village record with `nextStory`. What the
 * run ends with is what the three levels' tables hold.
 */
import {
  deadlinesOf,
  dispatchDeadlines,
  isOverdue,
  nextLevel,
  nextStory,
  openingStep,
  REHANDLING_LIMIT,
  statusAfter,
  transition,
  type CaseAction,
  type DeadlineRule,
  type Deadlines,
  type Level,
  type StepFact,
  type StepRule,
  type Story,
} from '../../domain/case-engine.ts';

/** A step as planned: who took it when, and what it sets besides the status. */
export interface Move {
  at: number;
  level: Level;
  /** A step of the loop, or the county's supervision note (督办: outside the order, changes no status). */
  action: CaseAction | 'SUPERVISE';
  actor: string;
  note: string | null;
  assignee?: string;
  outcome?: string;
  /** RATE and REOPEN: the parties' rating. */
  rating?: string;
  /** WITHDRAW_DISPATCH: why the township took the dispatch back. */
  reason?: string;
  /** DISPATCH: the departments called (kind, name). */
  departments?: readonly { kind: string; name: string }[];
  /** DEPARTMENT_ACKNOWLEDGE, DEPARTMENT_REPORT and WITHDRAW_DISPATCH: the department's kind. */
  kind?: string;
}

/** A timeline row (`dispute_step`). */
export interface PlannedStep {
  at: Date;
  level: Level;
  action: CaseAction | 'SUPERVISE';
  actor: string;
  note: string | null;
  /** The status of the step's level's record after it (the village record's for supervision notes). */
  status: string;
  /** Its place in the case's order; null for supervision notes. */
  seq: number | null;
  /** What it set: the deadlines it started, a resolution's outcome, an assignment's assignee. */
  deadlines: Deadlines;
  outcome: string | null;
  assignee: string | null;
  /**
   * A 吹哨's departments, or the one a withdrawal takes the case back from, or the one a 报到 or 反馈 is from, by kind
   * (DISPATCH; WITHDRAW_DISPATCH, DEPARTMENT_ACKNOWLEDGE, DEPARTMENT_REPORT), as the township's steps name them.
   */
  departments: readonly string[] | null;
  /** The parties' rating (a village RATE or REOPEN). */
  rating: string | null;
}

/** The township's or the county's record of the case (`township_case`, `county_case`). */
export interface LevelRecord {
  status: string;
  seq: number;
  receivedAt: Date;
  escalatedAt: Date;
  settleBy: Date;
  replyBy: Date | null;
  assignee: string | null;
  outcome: string | null;
  resolvedAt: Date | null;
  /** The level's ACCEPT (受理) since its receipt. */
  acceptedAt: Date | null;
  supervisedAt: Date | null;
  rehandled: number;
}

/** A 吹哨 dispatch to a county department (`dispatch`). */
export interface PlannedDispatch {
  kind: string;
  name: string;
  dispatchedAt: Date;
  acknowledgeBy: Date;
  reportBy: Date;
  acknowledgedAt: Date | null;
  reportedAt: Date | null;
  report: string | null;
  /** 撤回吹哨: when the township took the dispatch back, and why. */
  withdrawnAt: Date | null;
  withdrawalReason: string | null;
}

/** The village record (`dispute`): the story the engine derives, and the times of the village's own columns. */
export interface VillageRecord {
  story: Story;
  acceptedAt: Date | null;
  escalatedToTownshipAt: Date | null;
  escalatedToCountyAt: Date | null;
  resolvedAt: Date | null;
  rating: string | null;
  ratedAt: Date | null;
  closedAt: Date | null;
  followedUpAt: Date | null;
  supervisedAt: Date | null;
  /** The latest 督办's issuer and note, as its SUPERVISE step says them (the case keeps its latest order). */
  supervisedBy: string | null;
  supervisionNote: string | null;
}

/** The steps that name one department: the withdrawal from it, its 报到 and its 反馈. */
const ONE_DEPARTMENT = new Set(['WITHDRAW_DISPATCH', 'DEPARTMENT_ACKNOWLEDGE', 'DEPARTMENT_REPORT']);

const BLANK: Story = {
  seq: 0,
  status: '',
  handlingLevel: 'VILLAGE',
  inTransit: false,
  resolvedLevel: null,
  rehandled: 0,
  contactBy: null,
  settleBy: null,
  replyBy: null,
  outcome: null,
  assignee: null,
};

/** A dispatch its department has not reported on and the township has not withdrawn. */
export const isOpen = (d: PlannedDispatch): boolean => !d.reportedAt && !d.withdrawnAt;

export class CaseRun {
  readonly steps: PlannedStep[] = [];
  readonly dispatches: PlannedDispatch[] = [];
  readonly village: VillageRecord;
  township: LevelRecord | null = null;
  county: LevelRecord | null = null;
  /** The last step in the case's order (the receiver of an escalation or reopening takes the next). */
  private last: StepFact | null = null;
  private lastAt = -Infinity;

  readonly rule: DeadlineRule;

  constructor(rule: DeadlineRule) {
    this.rule = rule;
    this.village = {
      story: BLANK,
      acceptedAt: null,
      escalatedToTownshipAt: null,
      escalatedToCountyAt: null,
      resolvedAt: null,
      rating: null,
      ratedAt: null,
      closedAt: null,
      followedUpAt: null,
      supervisedAt: null,
      supervisedBy: null,
      supervisionNote: null,
    };
  }

  get story(): Story {
    return this.village.story;
  }

  /** Takes one planned step, as the engine would, or throws saying why the engine would refuse it. */
  take(m: Move): void {
    if (m.at < this.lastAt) throw new Error(`Steps must come in time order: ${m.level} ${m.action} at ${new Date(m.at).toISOString()}.`);
    this.lastAt = m.at;
    const at = new Date(m.at);
    if (m.action === 'SUPERVISE') return this.supervise(m, at);
    if (m.action === 'REPORT' || m.action === 'RECEIVE') return this.open(m, at);
    const story = this.story;
    const record = m.level === 'VILLAGE' ? null : this.recordOf(m.level);
    const rule = transition(m.level, record ? record.status : story.status, m.action, story.resolvedLevel);
    this.checkRules(m, rule);
    // The level numbers its own steps (takeStep: its record's seq + 1): that must be the case's next number.
    if (record && rule.role !== 'EVENT' && record.seq !== story.seq) throw new Error(`The ${m.level.toLowerCase()} record is behind the case's order.`);
    const fact: StepFact = { seq: story.seq + 1, level: m.level, action: m.action, at, deadlines: deadlinesOf(this.rule, rule.starts, at) };
    if (m.outcome !== undefined) fact.outcome = m.outcome;
    if (m.assignee !== undefined) fact.assignee = m.assignee;
    if (record) this.applyToRecord(record, m, fact, rule);
    if (m.level === 'TOWNSHIP') this.applyToDispatches(m, at);
    this.applyToVillage(m, fact);
    this.record(m, record ? record.status : this.story.status, fact);
    this.last = fact;
  }

  /** The timeline row of a step, with what it set (as the village keeps it, to derive the record from the steps in order). */
  private record(m: Move, status: string, fact: StepFact): void {
    const { at, seq, deadlines } = fact;
    this.steps.push({
      at,
      level: m.level,
      action: fact.action,
      actor: m.actor,
      note: m.note,
      status,
      seq,
      deadlines,
      outcome: m.outcome ?? null,
      assignee: m.assignee ?? null,
      departments: fact.action === 'DISPATCH' ? m.departments!.map((d) => d.kind) : ONE_DEPARTMENT.has(fact.action) ? [m.kind!] : null,
      rating: m.level === 'VILLAGE' && (fact.action === 'RATE' || fact.action === 'REOPEN') ? (m.rating ?? null) : null,
    });
  }

  private recordOf(level: Level): LevelRecord {
    const record = level === 'TOWNSHIP' ? this.township : this.county;
    if (!record) throw new Error(`No ${level} record to take a step on: the case was never received there.`);
    return record;
  }

  /** REPORT opens the village record (seq 1); RECEIVE opens the next level's, right after the escalation. */
  private open(m: Move, at: Date): void {
    if (m.action === 'REPORT') {
      if (m.level !== 'VILLAGE' || this.last) throw new Error('A case is reported once, at the village.');
      const { fact, status } = openingStep('VILLAGE', 'REPORT', this.rule, 1, at);
      this.village.story = nextStory(this.story, fact);
      this.record(m, status, fact);
      this.last = fact;
      return;
    }
    const escalation = this.last;
    if (!escalation || escalation.action !== 'ESCALATE' || nextLevel(escalation.level) !== m.level || this.story.inTransit !== true) {
      throw new Error(`The ${m.level.toLowerCase()} receives a case only right after it was escalated to it.`);
    }
    if ((m.level === 'TOWNSHIP' ? this.township : this.county) !== null) throw new Error(`The ${m.level.toLowerCase()} already holds this case.`);
    const { fact, status } = openingStep(m.level, 'RECEIVE', this.rule, escalation.seq + 1, at);
    const record: LevelRecord = {
      status,
      seq: fact.seq,
      receivedAt: at,
      escalatedAt: escalation.at,
      // The deadline the escalation started (the rule's settle hours from the escalation), carried up by case.escalated.
      settleBy: escalation.deadlines.settleBy!,
      replyBy: null,
      assignee: null,
      outcome: null,
      resolvedAt: null,
      acceptedAt: null,
      supervisedAt: null,
      rehandled: this.story.rehandled,
    };
    if (m.level === 'TOWNSHIP') this.township = record;
    else this.county = record;
    this.village.story = nextStory(this.story, fact);
    this.record(m, status, fact);
    this.last = fact;
  }

  /** What the step's mutation checks besides the status (who was told, the rating rule, the dispatch's own order). */
  private checkRules(m: Move, rule: StepRule): void {
    const story = this.story;
    if (m.level === 'VILLAGE' && m.action === 'RATE' && m.rating === 'DISSATISFIED' && story.rehandled < REHANDLING_LIMIT) {
      throw new Error(`A DISSATISFIED rating reopens the case while it was re-handled fewer than ${REHANDLING_LIMIT} times: take REOPEN.`);
    }
    if (m.level === 'VILLAGE' && m.action === 'REOPEN' && (m.rating !== 'DISSATISFIED' || story.rehandled >= REHANDLING_LIMIT)) {
      throw new Error(`Only a DISSATISFIED rating reopens a case, and at most ${REHANDLING_LIMIT} times.`);
    }
    // Steps that follow an event (REOPEN above the village) happen only at the level the event went to, right after it.
    if (rule.role === 'EVENT') {
      const told = this.last;
      if (!told || told.level !== 'VILLAGE' || told.action !== 'REOPEN' || story.handlingLevel !== m.level || !story.inTransit) {
        throw new Error(`The ${m.level.toLowerCase()} reopens a case only when the village reopened it there.`);
      }
    }
    if (rule.role === 'CENTRE' && m.level !== 'VILLAGE' && (story.handlingLevel !== m.level || story.inTransit)) {
      throw new Error(`The ${m.level.toLowerCase()} does not handle this case now.`);
    }
    if (m.action === 'DISPATCH' && !m.departments?.length) throw new Error('A dispatch names at least one department.');
    // 吹哨报到 closes its own loop: every department called on reports back, or is withdrawn, before the case leaves the township.
    if (m.level === 'TOWNSHIP' && (m.action === 'RESOLVE' || m.action === 'ESCALATE') && this.dispatches.some(isOpen))
      throw new Error('Departments have not reported back yet.');
  }

  private applyToRecord(r: LevelRecord, m: Move, fact: StepFact, rule: StepRule): void {
    r.status = statusAfter(rule, r.status, r.assignee);
    r.seq = fact.seq;
    // The deadlines an escalation starts are the next level's (it receives them with the case), not this record's.
    if (rule.tells !== 'NEXT_LEVEL') {
      if (fact.deadlines.settleBy) r.settleBy = fact.deadlines.settleBy;
      if (fact.deadlines.replyBy) r.replyBy = fact.deadlines.replyBy;
    }
    if (m.assignee !== undefined) r.assignee = m.assignee;
    if (m.action === 'ACCEPT') r.acceptedAt = fact.at;
    if (m.action === 'RESOLVE') {
      r.outcome = m.outcome ?? null;
      r.resolvedAt = fact.at;
    }
    if (m.action === 'REOPEN') {
      r.outcome = null;
      r.resolvedAt = null;
      r.replyBy = null;
      r.rehandled = this.story.rehandled;
    }
  }

  /** 吹哨报到: each department called once per case; it acknowledges (报到), then reports back (反馈). */
  private applyToDispatches(m: Move, at: Date): void {
    if (m.action === 'DISPATCH') {
      for (const d of m.departments!) {
        if (this.dispatches.some((x) => x.kind === d.kind)) throw new Error(`${d.kind} was already called on this case.`);
        this.dispatches.push({
          ...d,
          dispatchedAt: at,
          ...dispatchDeadlines(this.rule, at, this.township?.settleBy),
          acknowledgedAt: null,
          reportedAt: null,
          report: null,
          withdrawnAt: null,
          withdrawalReason: null,
        });
      }
    } else if (m.action === 'WITHDRAW_DISPATCH') {
      const d = this.dispatches.find((x) => x.kind === m.kind && isOpen(x));
      if (!d) throw new Error(`No open dispatch to ${m.kind} on this case to withdraw.`);
      d.withdrawnAt = at;
      d.withdrawalReason = m.reason ?? null;
    } else if (m.action === 'DEPARTMENT_ACKNOWLEDGE' || m.action === 'DEPARTMENT_REPORT') {
      const d = this.dispatches.find((x) => x.kind === m.kind);
      if (!d) throw new Error(`No dispatch to ${m.kind} on this case.`);
      if (m.action === 'DEPARTMENT_ACKNOWLEDGE') {
        if (d.acknowledgedAt) throw new Error(`${m.kind} already acknowledged.`);
        d.acknowledgedAt = at;
      } else {
        if (!d.acknowledgedAt || d.reportedAt) throw new Error(`${m.kind} reports back once, after acknowledging.`);
        d.reportedAt = at;
        d.report = m.note;
      }
    }
  }

  /** The village applies every level's steps in order (nextStory); its own columns note when the loop's milestones happened. */
  private applyToVillage(m: Move, fact: StepFact): void {
    const v = this.village;
    v.story = nextStory(v.story, fact);
    const at = fact.at;
    if (m.action === 'ACCEPT' && m.level === 'VILLAGE') v.acceptedAt = at;
    if (m.action === 'ESCALATE') {
      if (m.level === 'VILLAGE') v.escalatedToTownshipAt = at;
      else v.escalatedToCountyAt = at;
    }
    if (m.action === 'RESOLVE') v.resolvedAt = at;
    if (m.action === 'RATE') {
      v.rating = m.rating ?? null;
      v.ratedAt = at;
    }
    if (m.action === 'REOPEN' && m.level === 'VILLAGE') {
      // The parties' rating stands on the record (不满意) until they rate the re-handled case.
      v.rating = m.rating ?? null;
      v.ratedAt = at;
      v.resolvedAt = null;
    }
    if (m.action === 'CLOSE') v.closedAt = at;
    if (m.action === 'FOLLOW_UP') v.followedUpAt = at;
  }

  /** 督办: a county note on an overdue open case, outside the case's order; the township hears of it when it handles the case. */
  private supervise(m: Move, at: Date): void {
    const story = this.story;
    if (!isOverdue('VILLAGE', story.status, story.settleBy, at)) throw new Error('Supervision orders are for overdue cases.');
    this.village.supervisedAt = at;
    this.village.supervisedBy = m.actor;
    this.village.supervisionNote = m.note;
    if (story.handlingLevel === 'TOWNSHIP' && this.township) this.township.supervisedAt = at;
    this.steps.push({
      at,
      level: m.level,
      action: 'SUPERVISE',
      actor: m.actor,
      note: m.note,
      status: story.status,
      seq: null,
      deadlines: {},
      outcome: null,
      assignee: null,
      departments: null,
      rating: null,
    });
  }
}
