/**
 * The case engine (domain/case-engine.ts) on its own: the loop's table agrees
 * with the schemas' enums, `transition` refuses what the table does not allow,
 * deadlines come from the rule, `nextStory` folds a case's steps into the
 * village record, and `takeStep` runs a step in the one order every level
 * uses. No database, no hub.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GraphQLError, Kind, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import {
  allowedActions,
  callerActions,
  CLOSED,
  deadlinesOf,
  dispatchDeadlines,
  statusAfter,
  isOverdue,
  LEVELS,
  nextLevel,
  nextStory,
  OPEN_STATUSES,
  DECLINED,
  openingStep,
  REHANDLING_LIMIT,
  RESOLVED_STATUSES,
  ruleOf,
  STEPS,
  takeStep,
  transition,
  type CaseAction,
  type CaseRecord,
  type DeadlineRule,
  type Level,
  type StepFact,
  type StepRule,
  type StepStorage,
  type Story,
} from '../domain/case-engine.ts';
import { DEADLINE_DEFAULTS } from '../domain/deadlines.ts';
import { STEP_ACTIONS } from '../domain/events.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The values of an enum declared in a subgraph's schema file. */
function enumValues(subgraph: 'village' | 'township' | 'county', name: string): string[] {
  const doc = parse(readFileSync(join(ROOT, 'schema', `${subgraph}.graphql`), 'utf8'));
  const values: string[] = [];
  for (const def of doc.definitions) {
    if ((def.kind === Kind.ENUM_TYPE_DEFINITION || def.kind === Kind.ENUM_TYPE_EXTENSION) && def.name.value === name) {
      values.push(...(def.values ?? []).map((v) => v.name.value));
    }
  }
  return values;
}

/** Each level's record statuses, as its schema declares them. */
const STATUSES: Record<Level, string[]> = {
  VILLAGE: enumValues('village', 'DisputeStatus'),
  TOWNSHIP: enumValues('township', 'TownshipCaseStatus'),
  COUNTY: enumValues('county', 'CountyCaseStatus'),
};
const ACTIONS = enumValues('village', 'DisputeAction');
const GOVERNANCE_LEVELS = enumValues('village', 'GovernanceLevel');

const RULE: DeadlineRule = { contactMinutes: 60, settleHours: 72, replyHours: 24 };
const HOUR = 3_600_000;

/** The error `fn` throws (it must throw). */
function thrown(fn: () => unknown): GraphQLError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(GraphQLError);
    return e as GraphQLError;
  }
  throw new Error('expected an error');
}

describe('the loop’s table agrees with the schemas', () => {
  it('the schema files declare the statuses, actions and levels', () => {
    for (const l of LEVELS) expect(STATUSES[l].length, l).toBeGreaterThan(0);
    expect(ACTIONS.length).toBeGreaterThan(0);
    expect([...LEVELS]).toEqual(GOVERNANCE_LEVELS);
  });

  it('every step’s from and to statuses exist in its level’s status enum, and its story status in DisputeStatus', () => {
    const problems: string[] = [];
    for (const s of STEPS) {
      const known = STATUSES[s.level];
      for (const f of s.from) if (!known.includes(f)) problems.push(`${s.level} ${s.action}: from ${f}`);
      if (s.to !== null && !known.includes(s.to)) problems.push(`${s.level} ${s.action}: to ${s.to}`);
      if (s.story.status !== undefined && !STATUSES.VILLAGE.includes(s.story.status)) problems.push(`${s.level} ${s.action}: story status ${s.story.status}`);
      if (typeof s.story.handlingLevel === 'string' && s.story.handlingLevel !== 'RESOLVED_LEVEL' && !GOVERNANCE_LEVELS.includes(s.story.handlingLevel)) {
        problems.push(`${s.level} ${s.action}: handling level ${s.story.handlingLevel}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('every step’s action is a DisputeAction, and every township or county step can travel as a case.step event', () => {
    expect(STEPS.map((s) => s.action).filter((a) => !ACTIONS.includes(a))).toEqual([]);
    expect(STEP_ACTIONS.filter((a) => !ACTIONS.includes(a))).toEqual([]);
    const above = STEPS.filter((s) => s.level !== 'VILLAGE').map((s) => `${s.level} ${s.action}`);
    expect(above.filter((a) => !(STEP_ACTIONS as readonly string[]).includes(a.split(' ')[1]!))).toEqual([]);
  });

  it('closed statuses exist, every status of every level is reached by some step, and every open status allows a step', () => {
    for (const l of LEVELS) {
      expect(
        CLOSED[l].filter((s) => !STATUSES[l].includes(s)),
        l,
      ).toEqual([]);
      const reached = new Set(STEPS.filter((s) => s.level === l && s.to !== null).map((s) => s.to));
      expect(
        STATUSES[l].filter((s) => !reached.has(s)),
        `${l}: statuses no step reaches`,
      ).toEqual([]);
      // An escalated village record waits for the level above (its steps arrive as events).
      const waiting = l === 'VILLAGE' ? ['ESCALATED'] : [];
      const stuck = STATUSES[l].filter((s) => !CLOSED[l].includes(s) && !waiting.includes(s) && allowedActions(l, s).length === 0);
      expect(stuck, `${l}: open statuses with no step`).toEqual([]);
    }
  });

  it('the village’s resolved, open and declined statuses split DisputeStatus in three', () => {
    const all = [...RESOLVED_STATUSES, ...OPEN_STATUSES, DECLINED];
    expect(new Set(all).size).toBe(all.length);
    expect([...all].sort()).toEqual([...STATUSES.VILLAGE].sort());
    expect([...CLOSED.VILLAGE].sort()).toEqual([...RESOLVED_STATUSES, DECLINED].sort());
  });

  it('each level opens its record with exactly one step, and no two steps of a level compete for the same status', () => {
    for (const l of LEVELS) {
      const opening = STEPS.filter((s) => s.level === l && s.from.length === 0);
      expect(
        opening.map((s) => s.action),
        l,
      ).toEqual([l === 'VILLAGE' ? 'REPORT' : 'RECEIVE']);
      const seen = new Map<string, StepRule>();
      for (const s of STEPS.filter((x) => x.level === l)) {
        const key = `${s.action}/${s.resolvedAt ?? '*'}`;
        expect(seen.has(key), `${l} ${key} twice`).toBe(false);
        seen.set(key, s);
      }
    }
  });

  it('rating, closing and follow-up are village steps of the parties only; departments act only at the township; events only open or reopen', () => {
    for (const a of ['RATE', 'CLOSE', 'FOLLOW_UP'] as const) {
      expect(STEPS.filter((s) => s.action === a).map((s) => `${s.level}/${s.role}`)).toEqual(['VILLAGE/PARTIES']);
    }
    expect(STEPS.filter((s) => s.role === 'DEPARTMENT').map((s) => `${s.level} ${s.action}`)).toEqual([
      'TOWNSHIP DEPARTMENT_ACKNOWLEDGE',
      'TOWNSHIP DEPARTMENT_REPORT',
    ]);
    expect(STEPS.filter((s) => s.role === 'EVENT').every((s) => s.action === 'RECEIVE' || s.action === 'REOPEN')).toBe(true);
    expect(STEPS.filter((s) => s.tells === 'NEXT_LEVEL').map((s) => `${s.level} ${s.action}`)).toEqual(['VILLAGE ESCALATE', 'TOWNSHIP ESCALATE']);
  });

  it('the deadline each level works to is started by a step: escalation starts the next level’s settle clock, resolving the reply clock', () => {
    expect(ruleOf('VILLAGE', 'REPORT')!.starts).toEqual(expect.arrayContaining(['contact', 'settle']));
    expect(ruleOf('VILLAGE', 'ESCALATE')!.starts).toContain('settle');
    expect(ruleOf('TOWNSHIP', 'ESCALATE')!.starts).toContain('settle');
    for (const l of LEVELS) expect(ruleOf(l, 'RESOLVE')!.starts, l).toContain('reply');
    for (const l of LEVELS) for (const s of STEPS.filter((x) => x.level === l && x.action === 'REOPEN')) expect(s.starts, l).toContain('settle');
  });
});

describe('transition', () => {
  it('lists in a refusal only what a caller can do: no step that follows an event, a reopening as the rating that asks for it', () => {
    // CLOSE unrated only after the reply deadline, which the village's storage leaves out of the list until then.
    expect(callerActions('VILLAGE', 'RESOLVED')).toEqual(['RATE', 'CLOSE']);
    expect(callerActions('TOWNSHIP', 'RESOLVED')).toEqual([]);
    expect(callerActions('COUNTY', 'RESOLVED')).toEqual([]);
    // A township centre is not told it may 报到 or 反馈 (a department's steps), nor a department that it may resolve.
    expect(callerActions('TOWNSHIP', 'ACCEPTED', 'RESOLVE')).toEqual(['ASSIGN', 'DISPATCH', 'WITHDRAW_DISPATCH', 'ESCALATE', 'RETURN']);
    expect(callerActions('TOWNSHIP', 'ASSIGNED', 'DEPARTMENT_REPORT')).toEqual(['DEPARTMENT_ACKNOWLEDGE', 'DEPARTMENT_REPORT']);
    for (const level of LEVELS) {
      for (const status of STATUSES[level]) {
        const listed = callerActions(level, status);
        expect(listed, `${level} ${status}`).not.toContain('REOPEN');
        for (const a of listed)
          expect(
            STEPS.some((s) => s.level === level && s.action === a && s.role !== 'EVENT'),
            `${level} ${status} ${a}`,
          ).toBe(true);
      }
    }
  });

  it('allows exactly what the table allows, for every level, status and action, and refuses the rest with INVALID_TRANSITION', () => {
    for (const level of LEVELS) {
      for (const status of STATUSES[level]) {
        for (const action of ACTIONS as CaseAction[]) {
          for (const resolvedLevel of [null, ...LEVELS] as (Level | null)[]) {
            const where = resolvedLevel === 'VILLAGE' ? 'VILLAGE' : 'ABOVE';
            const rule = STEPS.find((s) => s.level === level && s.action === action && (!s.resolvedAt || s.resolvedAt === where));
            const allowed = !!rule && rule.from.includes(status);
            if (allowed) {
              expect(transition(level, status, action, resolvedLevel), `${level} ${status} ${action}`).toBe(rule);
            } else {
              const e = thrown(() => transition(level, status, action, resolvedLevel));
              expect(e.extensions.code, `${level} ${status} ${action}`).toBe('INVALID_TRANSITION');
              expect(e.extensions.allowed).toEqual(callerActions(level, status, action));
            }
          }
        }
      }
    }
  });

  it('says what is allowed instead, in Chinese (message) and English (extensions.en)', () => {
    const rate = thrown(() => transition('VILLAGE', 'REPORTED', 'RATE'));
    expect(rate.message).toBe('在村级，已登记的案件不能评价；当前可以：受理、不予受理。');
    expect(rate.extensions.en).toContain('allowed now: 受理 accept');
    const close = thrown(() => transition('VILLAGE', 'ACCEPTED', 'CLOSE', 'VILLAGE'));
    expect(close.message).toMatch(/^在村级，已受理的案件不能办结；当前可以：/);
    expect(close.extensions.en).toContain('assign');
    // A resolved case closes once rated, or unrated after its reply deadline (the village's storage holds that rule).
    expect(transition('VILLAGE', 'RESOLVED', 'CLOSE', 'VILLAGE').to).toBe('CLOSED');
    const done = thrown(() => transition('VILLAGE', 'FOLLOWED_UP', 'ACCEPT'));
    expect(done.message).toContain('本级已没有可办理的步骤');
    expect(done.extensions.en).toContain('nothing at this level');
    // A step asked again of the status it led to is refused as a repeat; an English status that starts with a vowel takes "An".
    expect(thrown(() => transition('VILLAGE', 'FOLLOWED_UP', 'FOLLOW_UP')).message).toMatch(/^在村级，已回访的案件不能再次回访；/);
    expect(thrown(() => transition('VILLAGE', 'ACCEPTED', 'RESOLVE')).extensions.en).toMatch(/^An ACCEPTED case at the village level does not allow/);
    expect(rate.extensions.en).toMatch(/^A REPORTED case/);
    // Not in the status a record opens in: a report never declined is not asked to be reinstated "again".
    expect(thrown(() => transition('VILLAGE', 'REPORTED', 'REINSTATE')).message).toBe('在村级，已登记的案件不能恢复受理；当前可以：受理、不予受理。');
  });

  it('恢复受理 takes a declined case back to REPORTED at the desk, its contact and settle deadlines running again from then', () => {
    const rule = transition('VILLAGE', 'DECLINED', 'REINSTATE');
    expect(rule).toMatchObject({ to: 'REPORTED', role: 'CENTRE', starts: ['contact', 'settle'], story: { status: 'REPORTED' } });
    expect(callerActions('VILLAGE', 'DECLINED')).toEqual(['REINSTATE']);
    expect(STEPS.filter((s) => s.from.includes('DECLINED')).map((s) => `${s.level} ${s.action}`)).toEqual(['VILLAGE REINSTATE']);
  });

  it('退回村级 ends the township record while it holds the case unresolved, and hands the case back to the village desk', () => {
    const rule = transition('TOWNSHIP', 'RECEIVED', 'RETURN');
    expect(rule).toMatchObject({
      to: 'RETURNED',
      role: 'CENTRE',
      starts: ['settle'],
      story: { status: 'ACCEPTED', handlingLevel: 'VILLAGE', inTransit: false },
    });
    expect(rule.tells).toBeUndefined();
    expect(callerActions('TOWNSHIP', 'RECEIVED')).toEqual(['ACCEPT', 'RETURN']);
    for (const status of ['ACCEPTED', 'ASSIGNED', 'MEDIATING']) expect(transition('TOWNSHIP', status, 'RETURN').to).toBe('RETURNED');
    expect(CLOSED.TOWNSHIP).toContain('RETURNED');
    expect(callerActions('TOWNSHIP', 'RETURNED')).toEqual([]);
    for (const status of ['RESOLVED', 'ESCALATED', 'RETURNED']) {
      expect(thrown(() => transition('TOWNSHIP', status, 'RETURN')).extensions).toMatchObject({ code: 'INVALID_TRANSITION', allowed: [] });
    }
    expect(thrown(() => transition('TOWNSHIP', 'RETURNED', 'RETURN')).message).toBe('在乡镇级，已退回村级的案件不能再次退回村级；本级已没有可办理的步骤。');
    expect(STEPS.filter((s) => s.action === 'RETURN').map((s) => `${s.level} ${s.action}`)).toEqual(['TOWNSHIP RETURN', 'COUNTY RETURN']);
  });

  it('退回乡镇 ends the county record while it holds the case unresolved, and tells the township, which handles it again', () => {
    const rule = transition('COUNTY', 'RECEIVED', 'RETURN');
    expect(rule).toMatchObject({
      to: 'RETURNED',
      role: 'CENTRE',
      starts: ['settle'],
      tells: 'LEVEL_BELOW',
      story: { status: 'ESCALATED', handlingLevel: 'TOWNSHIP', inTransit: false },
    });
    expect(callerActions('COUNTY', 'RECEIVED')).toEqual(['ACCEPT', 'RETURN']);
    for (const status of ['ACCEPTED', 'ASSIGNED', 'MEDIATING']) expect(transition('COUNTY', status, 'RETURN').to).toBe('RETURNED');
    expect(CLOSED.COUNTY).toContain('RETURNED');
    expect(callerActions('COUNTY', 'RETURNED')).toEqual([]);
    for (const status of ['RESOLVED', 'RETURNED']) {
      expect(thrown(() => transition('COUNTY', status, 'RETURN')).extensions).toMatchObject({ code: 'INVALID_TRANSITION', allowed: [] });
    }
    expect(thrown(() => transition('COUNTY', 'RETURNED', 'RETURN')).message).toBe('在县级，已退回乡镇的案件不能再次退回乡镇；本级已没有可办理的步骤。');
    expect(thrown(() => transition('COUNTY', 'RESOLVED', 'RETURN')).extensions.en).toContain('“return to the township” (退回乡镇)');
    // The village's story: the case is at the township again, no one assigned, its settle deadline the return's.
    const atCounty = fold(
      [...UP_TO_COUNTY.slice(0, 8), fact(10, 'COUNTY', 'ASSIGN', t(330), { assignee: '县调处中心' })].map((f, i) => ({ ...f, seq: i + 2 })),
    );
    const back = fact(atCounty.seq + 1, 'COUNTY', 'RETURN', t(400));
    const story = nextStory(atCounty, back);
    expect(story).toMatchObject({ status: 'ESCALATED', handlingLevel: 'TOWNSHIP', inTransit: false, assignee: null });
    expect(story.settleBy).toEqual(t(400 + SETTLE));
  });

  it('refuses rating, closing and follow-up above the village, and steps out of order at the township and county', () => {
    for (const level of ['TOWNSHIP', 'COUNTY'] as const) {
      for (const action of ['RATE', 'CLOSE', 'FOLLOW_UP'] as const) {
        for (const status of STATUSES[level]) expect(thrown(() => transition(level, status, action)).extensions.code).toBe('INVALID_TRANSITION');
      }
    }
    expect(thrown(() => transition('TOWNSHIP', 'RECEIVED', 'RESOLVE')).extensions.code).toBe('INVALID_TRANSITION');
    expect(thrown(() => transition('TOWNSHIP', 'ESCALATED', 'ACCEPT')).extensions.code).toBe('INVALID_TRANSITION');
    expect(thrown(() => transition('TOWNSHIP', 'RESOLVED', 'DISPATCH')).extensions.code).toBe('INVALID_TRANSITION');
    expect(thrown(() => transition('COUNTY', 'RECEIVED', 'RESOLVE')).extensions.code).toBe('INVALID_TRANSITION');
    expect(thrown(() => transition('COUNTY', 'RESOLVED', 'ESCALATE')).extensions.code).toBe('INVALID_TRANSITION');
    expect(transition('TOWNSHIP', 'ACCEPTED', 'DISPATCH').to).toBe('ASSIGNED');
    // 吹哨 during mediation leaves the case in mediation; 改派 hands it to another mediator, who starts over.
    expect(statusAfter(transition('TOWNSHIP', 'ACCEPTED', 'DISPATCH'), 'ACCEPTED')).toBe('ASSIGNED');
    expect(statusAfter(transition('TOWNSHIP', 'MEDIATING', 'DISPATCH'), 'MEDIATING')).toBe('MEDIATING');
    expect(statusAfter(transition('TOWNSHIP', 'MEDIATING', 'ASSIGN'), 'MEDIATING')).toBe('ASSIGNED');
    expect(statusAfter(transition('TOWNSHIP', 'MEDIATING', 'DEPARTMENT_REPORT'), 'MEDIATING')).toBe('MEDIATING');
    // 改派: a case reopened at ASSIGNED, or in mediation, goes to another mediator at every level that assigns.
    for (const [level, status] of [
      ['VILLAGE', 'ASSIGNED'],
      ['VILLAGE', 'MEDIATING'],
      ['TOWNSHIP', 'MEDIATING'],
      ['COUNTY', 'ASSIGNED'],
    ] as const) {
      expect(transition(level, status, 'ASSIGN').to, `${level} ${status}`).toBe('ASSIGNED');
    }
    expect(transition('TOWNSHIP', 'MEDIATING', 'DEPARTMENT_REPORT').to).toBeNull();
  });

  it('reopens where the case was resolved: at the village, or back up to the level above', () => {
    const atVillage = transition('VILLAGE', 'RESOLVED', 'REOPEN', 'VILLAGE');
    expect(atVillage).toMatchObject({ to: 'ASSIGNED', resolvedAt: 'VILLAGE' });
    expect(atVillage.tells).toBeUndefined();
    for (const above of ['TOWNSHIP', 'COUNTY'] as const) {
      expect(transition('VILLAGE', 'RESOLVED', 'REOPEN', above)).toMatchObject({ to: 'ESCALATED', resolvedAt: 'ABOVE', tells: 'RESOLVED_LEVEL' });
      const reopen = transition(above, 'RESOLVED', 'REOPEN');
      expect(reopen).toMatchObject({ to: 'ASSIGNED', role: 'EVENT' });
      // Back to whoever handled it; a case resolved with no one named goes back to the desk.
      expect(statusAfter(reopen, 'RESOLVED', '乡司法所')).toBe('ASSIGNED');
      expect(statusAfter(reopen, 'RESOLVED', null)).toBe('ACCEPTED');
    }
    expect(thrown(() => transition('VILLAGE', 'RATED', 'REOPEN', 'VILLAGE')).extensions.code).toBe('INVALID_TRANSITION');
    expect(REHANDLING_LIMIT).toBeGreaterThan(0);
  });

  it('knows the level above', () => {
    expect(LEVELS.map(nextLevel)).toEqual(['TOWNSHIP', 'COUNTY', null]);
  });
});

describe('deadlines', () => {
  it('start from the rule, clock by clock, for every default rule', () => {
    const at = new Date('2026-11-01T02:00:00.000Z');
    for (const r of DEADLINE_DEFAULTS) {
      const rule = { contactMinutes: r.contactMinutes, settleHours: r.settleHours, replyHours: r.replyHours };
      const all = deadlinesOf(rule, ['contact', 'settle', 'reply'], at);
      expect(all.contactBy!.getTime() - at.getTime()).toBe(r.contactMinutes * 60_000);
      expect(all.settleBy!.getTime() - at.getTime()).toBe(r.settleHours * HOUR);
      expect(all.replyBy!.getTime() - at.getTime()).toBe(r.replyHours * HOUR);
      expect(deadlinesOf(rule, ['settle'], at)).toEqual({ settleBy: all.settleBy });
      expect(deadlinesOf(rule, [], at)).toEqual({});
      const d = dispatchDeadlines(rule, at);
      expect(d.acknowledgeBy.getTime() - at.getTime()).toBe(r.contactMinutes * 60_000);
      expect(d.reportBy.getTime() - at.getTime()).toBe(r.settleHours * HOUR);
    }
    expect(DEADLINE_DEFAULTS.filter((r) => r.settleHours === 360 && !r.scale).map((r) => r.category)).toEqual([
      'LAND_HOMESTEAD',
      'FOREST_GRASSLAND',
      'BOUNDARY',
    ]);
    expect(DEADLINE_DEFAULTS.find((r) => r.scale === 'MASS')!.settleHours).toBe(48);
  });

  it('a record is overdue only when open and past its settle deadline', () => {
    const now = new Date('2026-11-10T00:00:00Z');
    const past = new Date(now.getTime() - 1000);
    const future = new Date(now.getTime() + 1000);
    for (const l of LEVELS) {
      for (const s of STATUSES[l]) {
        expect(isOverdue(l, s, past, now), `${l} ${s}`).toBe(!CLOSED[l].includes(s));
        expect(isOverdue(l, s, future, now)).toBe(false);
        expect(isOverdue(l, s, null, now)).toBe(false);
      }
    }
    expect(isOverdue('TOWNSHIP', 'ESCALATED', past, now)).toBe(false);
    expect(isOverdue('TOWNSHIP', 'MEDIATING', past.toISOString(), now)).toBe(true);
  });

  it('openingStep opens a record: REPORT starts contact and settle, RECEIVE follows the escalation in the case’s order', () => {
    const at = new Date('2026-11-01T00:00:00Z');
    const rep = openingStep('VILLAGE', 'REPORT', { contactMinutes: 30, settleHours: 48, replyHours: 24 }, 1, at);
    expect(rep.status).toBe('REPORTED');
    expect(rep.fact).toMatchObject({ seq: 1, level: 'VILLAGE', action: 'REPORT', at });
    expect(rep.fact.deadlines.contactBy!.getTime() - at.getTime()).toBe(30 * 60_000);
    expect(rep.fact.deadlines.settleBy!.getTime() - at.getTime()).toBe(48 * HOUR);
    for (const l of ['TOWNSHIP', 'COUNTY'] as const) {
      const rec = openingStep(l, 'RECEIVE', RULE, 7, at);
      expect(rec.status).toBe('RECEIVED');
      expect(rec.fact).toMatchObject({ seq: 7, level: l, action: 'RECEIVE' });
    }
    expect(() => openingStep('TOWNSHIP', 'ACCEPT', RULE, 2, at)).toThrow();
    expect(() => openingStep('VILLAGE', 'RECEIVE', RULE, 2, at)).toThrow();
  });
});

const T0 = new Date('2026-11-01T00:00:00.000Z');
/** `minutes` after T0. */
const t = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const SETTLE = RULE.settleHours * 60;
const REPLY = RULE.replyHours * 60;

/** A fact of the case's order with the deadlines its rule starts at `at`. */
function fact(seq: number, level: Level, action: CaseAction, at: Date, extra: Partial<StepFact> = {}, resolvedLevel: Level | null = null): StepFact {
  const rule = ruleOf(level, action, resolvedLevel)!;
  return { seq, level, action, at, deadlines: deadlinesOf(RULE, rule.starts, at), ...extra };
}

function reported(): Story {
  const open = openingStep('VILLAGE', 'REPORT', RULE, 1, T0);
  return {
    seq: 1,
    status: open.status,
    handlingLevel: 'VILLAGE',
    inTransit: false,
    resolvedLevel: null,
    rehandled: 0,
    contactBy: open.fact.deadlines.contactBy ?? null,
    settleBy: open.fact.deadlines.settleBy ?? null,
    replyBy: null,
    outcome: null,
    assignee: null,
  };
}

const fold = (facts: StepFact[], from = reported()) => facts.reduce(nextStory, from);

/** A case escalated to the county and resolved there, from the village report on (seq 1 is the report). */
const UP_TO_COUNTY: StepFact[] = [
  fact(2, 'VILLAGE', 'ACCEPT', t(30)),
  fact(3, 'VILLAGE', 'ESCALATE', t(60)),
  fact(4, 'TOWNSHIP', 'RECEIVE', t(61)),
  fact(5, 'TOWNSHIP', 'ACCEPT', t(120)),
  fact(6, 'TOWNSHIP', 'ASSIGN', t(180), { assignee: '乡司法所' }),
  fact(7, 'TOWNSHIP', 'ESCALATE', t(240)),
  fact(8, 'COUNTY', 'RECEIVE', t(241)),
  fact(9, 'COUNTY', 'ACCEPT', t(300)),
  fact(10, 'COUNTY', 'RESOLVE', t(360), { outcome: 'LITIGATION' }),
];

describe('nextStory folds a case’s steps into the village record', () => {
  it('up to the county and back to the parties: status, handling level, transit, deadlines and outcome of the latest step', () => {
    const story = reported();
    expect(story).toMatchObject({ status: 'REPORTED', handlingLevel: 'VILLAGE', inTransit: false });
    const seen = UP_TO_COUNTY.map((_, i) => fold(UP_TO_COUNTY.slice(0, i + 1)));
    const pick = (s: Story) => [s.seq, s.status, s.handlingLevel, s.inTransit, s.resolvedLevel, s.outcome];
    expect(seen.map(pick)).toEqual([
      [2, 'ACCEPTED', 'VILLAGE', false, null, null],
      [3, 'ESCALATED', 'TOWNSHIP', true, null, null],
      [4, 'ESCALATED', 'TOWNSHIP', false, null, null],
      [5, 'ESCALATED', 'TOWNSHIP', false, null, null],
      [6, 'ESCALATED', 'TOWNSHIP', false, null, null],
      [7, 'ESCALATED', 'COUNTY', true, null, null],
      [8, 'ESCALATED', 'COUNTY', false, null, null],
      [9, 'ESCALATED', 'COUNTY', false, null, null],
      [10, 'RESOLVED', 'COUNTY', false, 'COUNTY', 'LITIGATION'],
    ]);
    // The settle deadline restarts at each escalation (the rule's settle hours from it); the reply deadline starts at resolution.
    expect(seen[1]!.settleBy).toEqual(t(60 + SETTLE));
    expect(seen[5]!.settleBy).toEqual(t(240 + SETTLE));
    expect(seen[8]!.settleBy).toEqual(t(240 + SETTLE));
    expect(seen[8]!.replyBy).toEqual(t(360 + REPLY));
    expect(seen[8]!.contactBy).toEqual(story.contactBy);
    expect(seen[4]!.assignee).toBe('乡司法所');
    // 承办 belongs to the level handling the case: none once it moves up (the township's escalation), until that level assigns it.
    expect(seen[5]!.assignee).toBeNull();
    expect(seen[8]!.assignee).toBeNull();
    const assignedBelow = fold([fact(2, 'VILLAGE', 'ACCEPT', t(30)), fact(3, 'VILLAGE', 'ASSIGN', t(40), { assignee: '村调委会' })]);
    expect(assignedBelow.assignee).toBe('村调委会');
    expect(nextStory(assignedBelow, fact(4, 'VILLAGE', 'ESCALATE', t(60))).assignee).toBeNull();
    const after = fold([fact(11, 'VILLAGE', 'RATE', t(420)), fact(12, 'VILLAGE', 'CLOSE', t(480)), fact(13, 'VILLAGE', 'FOLLOW_UP', t(540))], seen[8]);
    // Rated, closed and visited at the village, which holds it now; the county that resolved it stays named.
    expect(after).toMatchObject({ seq: 13, status: 'FOLLOWED_UP', handlingLevel: 'VILLAGE', resolvedLevel: 'COUNTY', outcome: 'LITIGATION', rehandled: 0 });
  });

  it('a case the township returns is the village’s again: accepted, no one assigned, its settle deadline from the return', () => {
    const facts = [
      fact(2, 'VILLAGE', 'ACCEPT', t(30)),
      fact(3, 'VILLAGE', 'ASSIGN', t(40), { assignee: '村调委会' }),
      fact(4, 'VILLAGE', 'ESCALATE', t(60)),
      fact(5, 'TOWNSHIP', 'RECEIVE', t(61)),
      fact(6, 'TOWNSHIP', 'ASSIGN', t(90), { assignee: '乡司法所' }),
      fact(7, 'TOWNSHIP', 'RETURN', t(120)),
    ];
    const back = fold(facts);
    expect(back).toMatchObject({ seq: 7, status: 'ACCEPTED', handlingLevel: 'VILLAGE', inTransit: false, resolvedLevel: null, assignee: null });
    expect(back.settleBy).toEqual(t(120 + SETTLE));
    // It may go up again; the township's new receipt hands it to the township once more.
    const again = fold([fact(8, 'VILLAGE', 'ESCALATE', t(200)), fact(9, 'TOWNSHIP', 'RECEIVE', t(201))], back);
    expect(again).toMatchObject({ status: 'ESCALATED', handlingLevel: 'TOWNSHIP', inTransit: false, settleBy: t(200 + SETTLE) });
  });

  it('a case resolved at the village reopens there, with a new settle deadline, counting the round', () => {
    const resolved = fold([
      fact(2, 'VILLAGE', 'ACCEPT', t(60)),
      fact(3, 'VILLAGE', 'ASSIGN', t(120)),
      fact(4, 'VILLAGE', 'RESOLVE', t(180), { outcome: 'AGREEMENT' }),
    ]);
    expect(resolved).toMatchObject({ status: 'RESOLVED', resolvedLevel: 'VILLAGE', outcome: 'AGREEMENT' });
    const reopened = nextStory(resolved, fact(5, 'VILLAGE', 'REOPEN', t(600), {}, 'VILLAGE'));
    expect(reopened).toMatchObject({
      seq: 5,
      status: 'ASSIGNED',
      handlingLevel: 'VILLAGE',
      inTransit: false,
      resolvedLevel: null,
      outcome: null,
      rehandled: 1,
    });
    expect(reopened.settleBy).toEqual(t(600 + SETTLE));
    expect(reopened.replyBy).toBeNull();
  });

  it('a case resolved above goes back to that level: in transit until it reopens there, one round counted once', () => {
    const atTownship = fold([
      fact(2, 'VILLAGE', 'ACCEPT', t(30)),
      fact(3, 'VILLAGE', 'ESCALATE', t(60)),
      fact(4, 'TOWNSHIP', 'RECEIVE', t(61)),
      fact(5, 'TOWNSHIP', 'ACCEPT', t(120)),
      fact(6, 'TOWNSHIP', 'ASSIGN', t(180)),
      fact(7, 'TOWNSHIP', 'RESOLVE', t(240), { outcome: 'AGREEMENT' }),
    ]);
    expect(atTownship).toMatchObject({ status: 'RESOLVED', resolvedLevel: 'TOWNSHIP', handlingLevel: 'TOWNSHIP' });
    const sent = nextStory(atTownship, fact(8, 'VILLAGE', 'REOPEN', t(600), {}, 'TOWNSHIP'));
    expect(sent).toMatchObject({ status: 'ESCALATED', handlingLevel: 'TOWNSHIP', inTransit: true, resolvedLevel: null, outcome: null, rehandled: 1 });
    const back = nextStory(sent, fact(9, 'TOWNSHIP', 'REOPEN', t(601)));
    expect(back).toMatchObject({ status: 'ESCALATED', handlingLevel: 'TOWNSHIP', inTransit: false, rehandled: 1 });
    expect(back.settleBy).toEqual(t(601 + SETTLE));
    const again = nextStory(back, fact(10, 'TOWNSHIP', 'RESOLVE', t(660), { outcome: 'WITHDRAWN' }));
    expect(again).toMatchObject({ status: 'RESOLVED', resolvedLevel: 'TOWNSHIP', outcome: 'WITHDRAWN', rehandled: 1 });

    const atCounty = fold(UP_TO_COUNTY);
    const toCounty = fold([fact(11, 'VILLAGE', 'REOPEN', t(600), {}, 'COUNTY'), fact(12, 'COUNTY', 'REOPEN', t(601))], atCounty);
    expect(toCounty).toMatchObject({ status: 'ESCALATED', handlingLevel: 'COUNTY', inTransit: false, resolvedLevel: null, rehandled: 1 });
  });

  it('gives the same record whatever order the steps arrive in, when they are applied in the case’s order', () => {
    // The village's rule: put an arriving step aside, then apply every step from seq+1 on that is there.
    const apply = (arrivals: StepFact[]) => {
      let story = fold(UP_TO_COUNTY.slice(0, 2));
      const waiting = new Map<number, StepFact>();
      const seen: Story[] = [];
      for (const f of arrivals) {
        waiting.set(f.seq, f);
        for (let next = waiting.get(story.seq + 1); next; next = waiting.get(story.seq + 1)) story = nextStory(story, next);
        seen.push(story);
      }
      return { story, seen };
    };
    const above = UP_TO_COUNTY.slice(2, 8);
    const expected = fold(UP_TO_COUNTY.slice(0, 8));
    let count = 0;
    for (const order of permutations(above)) {
      const { story, seen } = apply(order);
      expect(story).toEqual(expected);
      // Until the first township step arrives the case is still on its way up.
      const firstReceive = order.findIndex((f) => f.seq === 4);
      for (const s of seen.slice(0, firstReceive)) expect(s).toMatchObject({ seq: 3, inTransit: true, handlingLevel: 'TOWNSHIP' });
      count++;
    }
    expect(count).toBe(720);
  });
});

function* permutations<T>(items: readonly T[]): Generator<T[]> {
  if (items.length <= 1) {
    yield [...items];
    return;
  }
  for (let i = 0; i < items.length; i++) {
    const rest = [...items.slice(0, i), ...items.slice(i + 1)];
    for (const p of permutations(rest)) yield [items[i]!, ...p];
  }
}

interface MemoryRecord extends CaseRecord {
  id: string;
  settleBy: Date | null;
  resolvedLevel: Level | null;
}

/** A level's storage in memory, logging what the engine asks of it. */
function memoryStorage(level: Level, record: MemoryRecord) {
  const log: string[] = [];
  const facts: StepFact[] = [];
  let current = { ...record };
  const storage: StepStorage<MemoryRecord> = {
    level,
    lock: () => {
      log.push('lock');
      return Promise.resolve(current);
    },
    resolvedLevel: (r) => r.resolvedLevel,
    rule: () => {
      log.push('rule');
      return { contactMinutes: 30, settleHours: 360, replyHours: 12 };
    },
    save: (r, change) => {
      log.push(`save ${change.status} ${change.seq}`);
      current = { ...r, status: change.status, seq: change.seq, version: r.version + 1, settleBy: change.deadlines.settleBy ?? r.settleBy };
      return Promise.resolve(current);
    },
    record: (_r, f) => {
      log.push(`record ${f.action} ${f.seq}`);
      facts.push(f);
      return Promise.resolve();
    },
    tell: (_r, f) => {
      log.push(`tell ${f.action} ${f.seq}`);
      return Promise.resolve();
    },
  };
  return { storage, log, facts, current: () => current };
}

/** What the storage was asked to do, without reading the rule (when the engine reads it is its own business). */
const steps = (log: string[]) => log.filter((l) => l !== 'rule');

describe('takeStep: the one step runner', () => {
  const at = new Date('2026-11-02T00:00:00.000Z');

  it('locks, checks, numbers the step after the record’s last, starts its deadlines from the rule, saves, records and tells', async () => {
    const m = memoryStorage('TOWNSHIP', { id: 'a', status: 'ACCEPTED', version: 3, seq: 5, settleBy: null, resolvedLevel: null });
    const out = await takeStep(m.storage, 'ESCALATE', 3, at);
    expect(out.fact).toMatchObject({ seq: 6, level: 'TOWNSHIP', action: 'ESCALATE', at });
    expect(out.fact?.deadlines.settleBy).toEqual(new Date(at.getTime() + 360 * HOUR));
    expect(out.record).toMatchObject({ status: 'ESCALATED', seq: 6, version: 4 });
    expect(steps(m.log)).toEqual(['lock', 'save ESCALATED 6', 'record ESCALATE 6', 'tell ESCALATE 6']);
  });

  it('tells no one of a step that stays at its level, and keeps the status of a step that does not change it', async () => {
    const m = memoryStorage('TOWNSHIP', { id: 'a', status: 'MEDIATING', version: 1, seq: 8, settleBy: null, resolvedLevel: null });
    const out = await takeStep(m.storage, 'DEPARTMENT_ACKNOWLEDGE', null, at);
    expect(out.record.status).toBe('MEDIATING');
    expect(steps(m.log)).toEqual(['lock', 'save MEDIATING 9', 'record DEPARTMENT_ACKNOWLEDGE 9']);
  });

  it('refuses a step the status does not allow, and a stale version, before saving anything', async () => {
    const m = memoryStorage('COUNTY', { id: 'a', status: 'RECEIVED', version: 2, seq: 7, settleBy: null, resolvedLevel: null });
    const refused = { extensions: { code: 'INVALID_TRANSITION', level: 'COUNTY', status: 'RECEIVED', action: 'RESOLVE', allowed: ['ACCEPT', 'RETURN'] } };
    await expect(takeStep(m.storage, 'RESOLVE', 2, at)).rejects.toMatchObject(refused);
    await expect(takeStep(m.storage, 'ACCEPT', 1, at)).rejects.toMatchObject({ extensions: { code: 'CONFLICT', currentVersion: 2 } });
    // A step the status does not allow is refused as such whatever version was sent: re-reading would not allow it.
    await expect(takeStep(m.storage, 'RESOLVE', 1, at)).rejects.toMatchObject(refused);
    await expect(takeStep(m.storage, 'RESOLVE', 9, at)).rejects.toMatchObject(refused);
    // A version below 1 was never any record's: a wrong argument, whatever the step.
    await expect(takeStep(m.storage, 'RESOLVE', 0, at)).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', argument: 'version' } });
    // Behind the case's version: someone changed it since. Ahead of it: no one did; the copy is not of this case as it is.
    // The Chinese names the record as a clerk knows it; the English names the GraphQL type a developer reads.
    await expect(takeStep(m.storage, 'ACCEPT', 1, at)).rejects.toMatchObject({
      message: expect.stringMatching(/^该县级案件在您读取后已有新的修改（当前版本 2，提交的版本 1）/),
      extensions: { en: expect.stringContaining('county case (CountyCase)') },
    });
    await expect(takeStep(m.storage, 'ACCEPT', 7, at)).rejects.toMatchObject({
      message: '提交的版本 7 高于该县级案件的当前版本 2，不是读到的版本，请重新读取后再试。',
      extensions: { code: 'CONFLICT', currentVersion: 2 },
    });
    expect(steps(m.log).filter((l) => l !== 'lock')).toEqual([]);
    expect(m.current()).toMatchObject({ status: 'RECEIVED', version: 2, seq: 7 });
    const ok = await takeStep(m.storage, 'ACCEPT', 2, at);
    expect(ok.record).toMatchObject({ status: 'ACCEPTED', seq: 8, version: 3 });
  });

  it('gives a level’s own refusal of a step the status does not allow whatever the version, and checks an allowed one’s version first', async () => {
    const m = memoryStorage('VILLAGE', { id: 'a', status: 'ESCALATED', version: 4, seq: 5, settleBy: null, resolvedLevel: null });
    const refusal = Object.assign(new Error('handled above'), { extensions: { code: 'INVALID_TRANSITION', handlingLevel: 'TOWNSHIP' } });
    const checked: number[] = [];
    const storage: StepStorage<MemoryRecord> = {
      ...m.storage,
      check: (r) => {
        checked.push(r.version);
        if (r.status === 'ESCALATED') throw refusal;
      },
    };
    await expect(takeStep(storage, 'RESOLVE', 3, at)).rejects.toBe(refusal);
    await expect(takeStep(storage, 'RESOLVE', 4, at)).rejects.toBe(refusal);
    const accepted = memoryStorage('VILLAGE', { id: 'b', status: 'ACCEPTED', version: 2, seq: 2, settleBy: null, resolvedLevel: null });
    await expect(takeStep({ ...accepted.storage, check: (r) => void checked.push(r.version) }, 'ASSIGN', 1, at)).rejects.toMatchObject({
      extensions: { code: 'CONFLICT', currentVersion: 2 },
    });
    expect(checked).toEqual([4, 4]);
  });

  it('reopens at the village by where the case was resolved', async () => {
    const here = memoryStorage('VILLAGE', { id: 'a', status: 'RESOLVED', version: 5, seq: 4, settleBy: null, resolvedLevel: 'VILLAGE' });
    const a = await takeStep(here.storage, 'REOPEN', 5, at);
    expect(a.record.status).toBe('ASSIGNED');
    expect(a.record.settleBy).toEqual(new Date(at.getTime() + 360 * HOUR));
    expect(here.log.some((l) => l.startsWith('tell'))).toBe(false);
    const above = memoryStorage('VILLAGE', { id: 'b', status: 'RESOLVED', version: 9, seq: 12, settleBy: null, resolvedLevel: 'COUNTY' });
    const b = await takeStep(above.storage, 'REOPEN', 9, at);
    expect(b.record.status).toBe('ESCALATED');
    expect(above.log).toContain('tell REOPEN 13');
  });
});
