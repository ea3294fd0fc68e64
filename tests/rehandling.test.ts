/**
 * Unsatisfied citizens (群众评价 不满意): a DISSATISFIED rating reopens the
 * case at the level that resolved it (the village, the township or the
 * county), with a new settle deadline; the case cannot close until it is
 * resolved again and rated; after REHANDLING_LIMIT rounds the rating stands
 * and the case may close. Statistics count re-handled cases. Cases are
 * reported in 纳浪镇 of 卓尼县.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REHANDLING_LIMIT } from '../domain/case-engine.ts';
import { WRITE_COUNTY } from './setup/global.ts';
import { startHub, type TestHub } from './helpers/hub.ts';
import {
  callersOf,
  countyCaseOf,
  deadlineRules,
  errorCode,
  escalateToCounty,
  escalateToTownship,
  mutate,
  ok,
  reportCase,
  ruleFor,
  villagesOf,
  waitFor,
  type Callers,
  type RuleRow,
} from './helpers/cases.ts';

let hub: TestHub;
const TOWNSHIP = `${WRITE_COUNTY}105`;
let places: { code: string; callers: Callers; gridCode: string }[];
let rules: RuleRow[];
beforeAll(async () => {
  hub = await startHub();
  rules = await deadlineRules();
  const villages = (await villagesOf(hub, TOWNSHIP)).slice(0, 3);
  places = await Promise.all(villages.map(async (v) => ({ code: v.code, callers: await callersOf(hub, v.code), gridCode: v.grids[0]! })));
});
afterAll(() => hub?.stop());

const HOUR = 3_600_000;
const CASE = `id status version handlingLevel inTransit resolvedLevel outcome rating rehandled deadlines { settleBy replyBy } timeline { seq level action at }`;
interface Case {
  id: string;
  status: string;
  version: number;
  handlingLevel: string;
  inTransit: boolean;
  resolvedLevel: string | null;
  outcome: string | null;
  rating: string | null;
  rehandled: number;
  deadlines: { settleBy: string; replyBy: string | null };
  timeline: { seq: number | null; level: string; action: string; at: string }[];
}

const day = (offset: number) => new Date(Date.now() + 8 * HOUR + offset * 86_400_000).toISOString().slice(0, 10);
const FROM = day(-1);
const TO = day(1);

async function rehandledIn(village: string): Promise<number> {
  const r = await hub.query<{ village: { disputeStats: { rehandled: number } } }>(
    `{ village(code: "${village}") { disputeStats(from: "${FROM}", to: "${TO}") { rehandled } } }`,
  );
  return ok(r, 'disputeStats').village.disputeStats.rehandled;
}

async function read(token: string, id: string): Promise<Case> {
  return ok(await hub.queryAs<{ dispute: Case }>(token, `{ dispute(id: "${id}") { ${CASE} } }`), 'dispute').dispute;
}

/** When the case's last step of that level and action happened. */
function lastAt(c: Case, level: string, action: string): number {
  const s = c.timeline.filter((x) => x.level === level && x.action === action).at(-1);
  if (!s) throw new Error(`no ${level} ${action} on ${c.id}`);
  return Date.parse(s.at);
}

describe('改派: handing a case to another mediator', () => {
  it('while it is mediated: the timeline names the new mediator beside the desk’s note', async () => {
    const { callers, gridCode } = places[0]!;
    type Assigned = { id: string; version: number; status: string; assignee: string; timeline: { action: string; note: string | null }[] };
    const v = (m: string) => mutate<Assigned>(hub, callers.village, `${m} { id version status assignee timeline { action note } }`);
    let d = await reportCase(hub, callers.village, { gridCode, category: 'NEIGHBOUR', summary: '宅前排水沟纠纷' }).then((x) =>
      v(`acceptDispute(id: "${x.id}", version: 1)`),
    );
    d = await v(`assignDispute(id: "${d.id}", version: ${d.version}, assignee: "调解员张三")`);
    d = await v(`recordMediation(id: "${d.id}", version: ${d.version}, note: "第一次调解")`);
    expect(d.status).toBe('MEDIATING');
    d = await v(`assignDispute(id: "${d.id}", version: ${d.version}, assignee: "调解员李四", note: "当事人要求回避")`);
    expect(d).toMatchObject({ status: 'ASSIGNED', assignee: '调解员李四' });
    expect(d.timeline.filter((s) => s.action === 'ASSIGN').map((s) => s.note)).toEqual(['→ 调解员张三', '→ 调解员李四：当事人要求回避']);
  });
});

describe('a DISSATISFIED rating reopens the case where it was resolved', () => {
  it('at the village: back to ASSIGNED with a new settle deadline, no closing until resolved again and rated; after the limit the rating stands', async () => {
    const { code, callers, gridCode } = places[0]!;
    const v = (m: string) => mutate<Case>(hub, callers.village, `${m} { ${CASE} }`);
    const before = await rehandledIn(code);
    let d = await reportCase(hub, callers.village, { gridCode, category: 'FAMILY', summary: '赡养费分担纠纷' }).then((x) => read(callers.village, x.id));
    d = await v(`acceptDispute(id: "${d.id}", version: ${d.version})`);
    d = await v(`assignDispute(id: "${d.id}", version: ${d.version}, assignee: "村调委会")`);
    const rule = ruleFor(rules, 'FAMILY', 'ORDINARY');

    for (let round = 1; round <= REHANDLING_LIMIT; round++) {
      d = await v(`resolveDispute(id: "${d.id}", version: ${d.version}, outcome: AGREEMENT)`);
      expect(d).toMatchObject({ status: 'RESOLVED', resolvedLevel: 'VILLAGE', outcome: 'AGREEMENT' });
      const close = await hub.queryAs(callers.village, `mutation { closeDispute(id: "${d.id}", version: ${d.version}) { status } }`);
      expect(errorCode(close), 'closing a resolved case never rated').toBe('INVALID_TRANSITION');
      d = await v(`rateDispute(id: "${d.id}", version: ${d.version}, rating: DISSATISFIED, note: "调解协议未履行")`);
      expect(d, `round ${round}`).toMatchObject({
        status: 'ASSIGNED',
        handlingLevel: 'VILLAGE',
        inTransit: false,
        resolvedLevel: null,
        outcome: null,
        rehandled: round,
      });
      expect(d.timeline.at(-1)).toMatchObject({ level: 'VILLAGE', action: 'REOPEN' });
      expect(Date.parse(d.deadlines.settleBy) - lastAt(d, 'VILLAGE', 'REOPEN')).toBe(rule.settleHours * HOUR);
      const refused = await hub.queryAs(callers.village, `mutation { closeDispute(id: "${d.id}", version: ${d.version}) { status } }`);
      expect(errorCode(refused), 'closing a reopened case').toBe('INVALID_TRANSITION');
      expect(
        errorCode(await hub.queryAs(callers.village, `mutation { rateDispute(id: "${d.id}", version: ${d.version}, rating: SATISFIED) { status } }`)),
      ).toBe('INVALID_TRANSITION');
    }
    // The last round: DISSATISFIED is an ordinary rating now, and the case closes.
    d = await v(`resolveDispute(id: "${d.id}", version: ${d.version}, outcome: AGREEMENT)`);
    d = await v(`rateDispute(id: "${d.id}", version: ${d.version}, rating: DISSATISFIED)`);
    expect(d).toMatchObject({ status: 'RATED', rating: 'DISSATISFIED', rehandled: REHANDLING_LIMIT, resolvedLevel: 'VILLAGE' });
    d = await v(`closeDispute(id: "${d.id}", version: ${d.version})`);
    expect(d.status).toBe('CLOSED');
    d = await v(`followUpDispute(id: "${d.id}", version: ${d.version}, note: "回访：已履行")`);
    expect(d.timeline.map((s) => s.action)).toEqual([
      'REPORT',
      'ACCEPT',
      'ASSIGN',
      ...Array.from({ length: REHANDLING_LIMIT }, () => ['RESOLVE', 'REOPEN']).flat(),
      'RESOLVE',
      'RATE',
      'CLOSE',
      'FOLLOW_UP',
    ]);
    expect(d.timeline.map((s) => s.seq)).toEqual(d.timeline.map((_, i) => i + 1));
    expect(await rehandledIn(code)).toBe(before + 1);
  });

  it('at the township: the case goes back up, the township handles it again, and it closes only after it is resolved again and rated', async () => {
    const { code, callers, gridCode } = places[1]!;
    const before = await rehandledIn(code);
    const { id, township } = await escalateToTownship(hub, callers, { gridCode, category: 'LAND_HOMESTEAD', summary: '宅基地界址纠纷' });
    type TCase = { status: string; version: number; rehandled: number; settleBy: string; overdue: boolean };
    const t = (m: string) => mutate<TCase>(hub, callers.township, `${m} { status version rehandled settleBy overdue }`);
    let tc = await t(`acceptTownshipCase(disputeId: "${id}", version: ${township.version})`);
    tc = await t(`assignTownshipCase(disputeId: "${id}", version: ${tc.version}, assignee: "乡司法所")`);
    expect((await t(`resolveTownshipCase(disputeId: "${id}", version: ${tc.version}, outcome: AGREEMENT)`)).status).toBe('RESOLVED');
    let d = await waitFor(async () => {
      const x = await read(callers.village, id);
      return x.status === 'RESOLVED' ? x : null;
    });
    expect(d).toMatchObject({ resolvedLevel: 'TOWNSHIP', handlingLevel: 'TOWNSHIP' });

    d = await mutate<Case>(hub, callers.village, `rateDispute(id: "${id}", version: ${d.version}, rating: DISSATISFIED, note: "界址认定不公") { ${CASE} }`);
    expect(d).toMatchObject({ status: 'ESCALATED', handlingLevel: 'TOWNSHIP', resolvedLevel: null, outcome: null, rehandled: 1 });
    const reopened = await waitFor(async () => {
      const r = ok(
        await hub.queryAs<{ dispute: { townshipCase: TCase } }>(
          callers.township,
          `{ dispute(id: "${id}") { townshipCase { status version rehandled settleBy overdue } } }`,
        ),
      ).dispute.townshipCase;
      return r.status === 'ASSIGNED' ? r : null;
    });
    expect(reopened).toMatchObject({ rehandled: 1, overdue: false });
    d = await waitFor(async () => {
      const x = await read(callers.village, id);
      return x.inTransit ? null : x;
    });
    expect(d).toMatchObject({ status: 'ESCALATED', handlingLevel: 'TOWNSHIP', inTransit: false, rehandled: 1 });
    const reopenAt = lastAt(d, 'TOWNSHIP', 'REOPEN');
    expect(Date.parse(reopened.settleBy) - reopenAt).toBe(ruleFor(rules, 'LAND_HOMESTEAD', 'ORDINARY').settleHours * HOUR);
    expect(Date.parse(d.deadlines.settleBy)).toBe(Date.parse(reopened.settleBy));
    expect(d.timeline.slice(-2).map((s) => `${s.level}:${s.action}`)).toEqual(['VILLAGE:REOPEN', 'TOWNSHIP:REOPEN']);

    for (const m of [`closeDispute(id: "${id}", version: ${d.version})`, `rateDispute(id: "${id}", version: ${d.version}, rating: SATISFIED)`]) {
      expect(errorCode(await hub.queryAs(callers.village, `mutation { ${m} { status } }`)), m).toBe('INVALID_TRANSITION');
    }
    const resolvedAgain = await t(`resolveTownshipCase(disputeId: "${id}", version: ${reopened.version}, outcome: AGREEMENT, note: "重新勘界后达成协议")`);
    expect(resolvedAgain).toMatchObject({ status: 'RESOLVED', rehandled: 1 });
    d = await waitFor(async () => {
      const x = await read(callers.village, id);
      return x.status === 'RESOLVED' ? x : null;
    });
    d = await mutate<Case>(hub, callers.village, `rateDispute(id: "${id}", version: ${d.version}, rating: SATISFIED) { ${CASE} }`);
    d = await mutate<Case>(hub, callers.village, `closeDispute(id: "${id}", version: ${d.version}) { ${CASE} }`);
    expect(d).toMatchObject({ status: 'CLOSED', resolvedLevel: 'TOWNSHIP', rating: 'SATISFIED', rehandled: 1 });
    expect(d.timeline.map((s) => s.seq)).toEqual(d.timeline.map((_, i) => i + 1));
    expect(await rehandledIn(code)).toBe(before + 1);
  });

  it('at the county: reopened there, resolved again, then rated and closed', async () => {
    const { callers, gridCode } = places[2]!;
    const { id, county } = await escalateToCounty(hub, callers, { gridCode, category: 'LAND_REQUISITION', scale: 'MAJOR', summary: '征地补偿款分配纠纷' });
    const k = await mutate<{ version: number }>(hub, callers.county, `acceptCountyCase(disputeId: "${id}", version: ${county.version}) { version }`);
    await mutate(hub, callers.county, `resolveCountyCase(disputeId: "${id}", version: ${k.version}, outcome: ARBITRATION) { status }`);
    let d = await waitFor(async () => {
      const x = await read(callers.village, id);
      return x.status === 'RESOLVED' ? x : null;
    });
    d = await mutate<Case>(hub, callers.village, `rateDispute(id: "${id}", version: ${d.version}, rating: DISSATISFIED) { ${CASE} }`);
    expect(d).toMatchObject({ status: 'ESCALATED', handlingLevel: 'COUNTY', rehandled: 1 });
    // The county's desk resolved it on acceptance, naming no one: the round goes back to its desk (ACCEPTED), not to
    // an ASSIGNED that names no one.
    const again = await countyCaseOf(hub, callers.county, id, 'ACCEPTED');
    const cc = ok(
      await hub.queryAs<{ dispute: { countyCase: { rehandled: number; overdue: boolean } } }>(
        callers.county,
        `{ dispute(id: "${id}") { countyCase { rehandled overdue } } }`,
      ),
    ).dispute.countyCase;
    expect(cc).toEqual({ rehandled: 1, overdue: false });
    d = await waitFor(async () => {
      const x = await read(callers.village, id);
      return x.inTransit ? null : x;
    });
    expect(d).toMatchObject({ status: 'ESCALATED', handlingLevel: 'COUNTY', inTransit: false });
    expect(errorCode(await hub.queryAs(callers.village, `mutation { closeDispute(id: "${id}", version: ${d.version}) { status } }`))).toBe(
      'INVALID_TRANSITION',
    );
    await mutate(hub, callers.county, `resolveCountyCase(disputeId: "${id}", version: ${again.version}, outcome: AGREEMENT) { status }`);
    d = await waitFor(async () => {
      const x = await read(callers.village, id);
      return x.status === 'RESOLVED' ? x : null;
    });
    expect(d).toMatchObject({ resolvedLevel: 'COUNTY', outcome: 'AGREEMENT', rehandled: 1 });
    d = await mutate<Case>(hub, callers.village, `rateDispute(id: "${id}", version: ${d.version}, rating: BASICALLY_SATISFIED) { ${CASE} }`);
    d = await mutate<Case>(hub, callers.village, `closeDispute(id: "${id}", version: ${d.version}) { ${CASE} }`);
    expect(d.status).toBe('CLOSED');
    expect(d.timeline.filter((s) => s.level === 'COUNTY').map((s) => s.action)).toEqual(['RECEIVE', 'ACCEPT', 'RESOLVE', 'REOPEN', 'RESOLVE']);
  });
});
