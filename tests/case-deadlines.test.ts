/**
 * Deadlines come from `deadline_rule` only, at every level: for every
 * category and scale, a case reported in a 卓尼县 village and escalated to
 * the township and the county has, at each level, the rule's contact, settle
 * and reply times, counted from the step that started each clock (360 h to
 * settle land, forest and boundary disputes at the county, 48 h for mass
 * disputes). Overdue flags on the township and county desks follow them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WRITE_COUNTY } from './setup/global.ts';
import { Migration20261207000012CaseAccepted } from '../subgraphs/township/src/migrations/Migration20261207000012CaseAccepted.ts';
import { startHub, type Counted, type Nodes, type TestHub } from './helpers/hub.ts';
import {
  asOwner,
  callersOf,
  countyCaseOf,
  deadlineRules,
  escalateToCounty,
  escalateToTownship,
  inBatches,
  mutate,
  ok,
  ruleFor,
  schemaEnum,
  townshipCaseOf,
  villagesOf,
  waitFor,
  type Callers,
  type RuleRow,
} from './helpers/cases.ts';

let hub: TestHub;
let rules: RuleRow[];
/** 喀尔钦镇 of 卓尼县. */
const TOWNSHIP = `${WRITE_COUNTY}103`;
let places: { callers: Callers; gridCode: string }[];
beforeAll(async () => {
  hub = await startHub();
  rules = await deadlineRules();
  const villages = (await villagesOf(hub, TOWNSHIP)).slice(0, 6);
  places = await Promise.all(villages.map(async (v) => ({ callers: await callersOf(hub, v.code), gridCode: v.grids[0]! })));
});
afterAll(() => hub?.stop());

const HOUR = 3_600_000;
const MINUTE = 60_000;
/** Steps are stamped and deadlines counted from one instant; allow for a clock read twice within a step. */
const SLACK = 1000;

interface Step {
  seq: number | null;
  level: string;
  action: string;
  at: string;
}
interface Shown {
  id: string;
  status: string;
  reportedAt: string;
  handlingLevel: string;
  inTransit: boolean;
  deadlines: { contactBy: string; settleBy: string; replyBy: string | null };
  timeline: Step[];
}
const SHOWN = `id status reportedAt handlingLevel inTransit deadlines { contactBy settleBy replyBy } timeline { seq level action at }`;

const ms = (iso: string) => Date.parse(iso);
/** When the case's step of that level and action happened (its last such step). */
function stepAt(d: Shown, level: string, action: string): number {
  const s = d.timeline.filter((x) => x.level === level && x.action === action).at(-1);
  if (!s) throw new Error(`${d.id} has no ${level} ${action} step: ${JSON.stringify(d.timeline)}`);
  return ms(s.at);
}

function expectSpan(from: number, to: string | number | null, span: number, what: string) {
  expect(to, what).not.toBeNull();
  const diff = (typeof to === 'string' ? ms(to) : to!) - from;
  expect(Math.abs(diff - span), `${what}: ${diff / HOUR} h, the rule says ${span / HOUR} h`).toBeLessThanOrEqual(SLACK);
}

describe('deadlines at each level equal the deadline_rule entry of the case’s category and scale', () => {
  it('the rule table holds the 131 rule and its exceptions (the defaults it was filled from)', () => {
    expect(ruleFor(rules, 'NEIGHBOUR', 'ORDINARY')).toMatchObject({ contactMinutes: 60, settleHours: 72, replyHours: 24 });
    expect(ruleFor(rules, 'NEIGHBOUR', 'MASS').settleHours).toBe(48);
    for (const c of ['LAND_HOMESTEAD', 'FOREST_GRASSLAND', 'BOUNDARY']) expect(ruleFor(rules, c, 'ORDINARY').settleHours, c).toBe(360);
    // A mass dispute of such a category is contacted as fast as every other mass dispute, and settles in its category's time.
    for (const c of ['LAND_HOMESTEAD', 'FOREST_GRASSLAND', 'BOUNDARY']) {
      expect(ruleFor(rules, c, 'MASS'), c).toMatchObject({ contactMinutes: 30, settleHours: 360, replyHours: 24 });
    }
    expect(ruleFor(rules, 'LAND_REQUISITION', 'MASS')).toMatchObject({ contactMinutes: 30, settleHours: 240 });
  });

  const categories = schemaEnum('village', 'DisputeCategory');
  const scales = schemaEnum('village', 'DisputeScale');

  it('for every category and scale, at the village, the township and the county, and when the county resolves it', async () => {
    expect(categories.length * scales.length).toBeGreaterThanOrEqual(42);
    const combos = categories.flatMap((category) => scales.map((scale) => ({ category, scale })));
    const checked = await inBatches(combos, 6, async ({ category, scale }, i) => {
      const { callers, gridCode } = places[i % places.length]!;
      const rule = ruleFor(rules, category, scale);
      const what = `${category}/${scale}`;
      const settle = rule.settleHours * HOUR;

      // 村: reporting starts the contact and settle clocks.
      const reported = await mutate<Shown>(
        hub,
        callers.village,
        `reportDispute(input: $i, idempotencyKey: $k) { ${SHOWN} }`,
        {
          k: `deadline-${what}-${Date.now()}`,
          i: { gridCode, category, scale, source: 'HOTLINE', summary: `时限检查 ${what}`, parties: [{ name: '王春梅', role: 'APPLICANT' }] },
        },
        '($i: DisputeInput!, $k: String!)',
      );
      expectSpan(ms(reported.reportedAt), reported.deadlines.contactBy, rule.contactMinutes * MINUTE, `${what} village contactBy`);
      expectSpan(ms(reported.reportedAt), reported.deadlines.settleBy, settle, `${what} village settleBy`);

      const accepted = await mutate<Shown & { version: number }>(hub, callers.village, `acceptDispute(id: "${reported.id}", version: 1) { ${SHOWN} version }`);
      const escalated = await mutate<Shown>(
        hub,
        callers.village,
        `escalateDispute(id: "${reported.id}", version: ${accepted.version}, reason: "村级无法化解") { ${SHOWN} }`,
      );
      // 乡镇: the settle clock restarts when the village escalates; the township works to it.
      const villageEscalatedAt = stepAt(escalated, 'VILLAGE', 'ESCALATE');
      expectSpan(villageEscalatedAt, escalated.deadlines.settleBy, settle, `${what} township settleBy on the village record`);
      const tc = await townshipCaseOf(hub, callers.township, reported.id);
      const township = ok(
        await hub.queryAs<{ dispute: { townshipCase: { settleBy: string; contactBy: string; receivedAt: string; overdue: boolean } } }>(
          callers.township,
          `{ dispute(id: "${reported.id}") { townshipCase { settleBy contactBy receivedAt overdue } } }`,
        ),
      ).dispute.townshipCase;
      expectSpan(villageEscalatedAt, township.settleBy, settle, `${what} TownshipCase.settleBy`);
      // The desk's own contact clock starts at its receipt.
      expect(ms(township.contactBy) - ms(township.receivedAt), `${what} TownshipCase.contactBy`).toBe(rule.contactMinutes * MINUTE);
      expect(township.overdue).toBe(false);

      // 县: the township's escalation restarts it again, with the same rule (never a fixed 72 h).
      const accepted2 = await mutate<{ version: number }>(
        hub,
        callers.township,
        `acceptTownshipCase(disputeId: "${reported.id}", version: ${tc.version}) { version }`,
      );
      await mutate(hub, callers.township, `escalateTownshipCase(disputeId: "${reported.id}", version: ${accepted2.version}, reason: "需县级协调") { version }`);
      const cc = await countyCaseOf(hub, callers.county, reported.id);
      const atCounty = await waitFor(
        async () => {
          const d = ok(await hub.queryAs<{ dispute: Shown }>(callers.county, `{ dispute(id: "${reported.id}") { ${SHOWN} } }`)).dispute;
          // Applied up to the county's receipt (steps may arrive out of order; the record waits for the gap to fill).
          const applied = d.handlingLevel === 'COUNTY' && !d.inTransit;
          return applied && d.timeline.some((s) => s.level === 'COUNTY' && s.action === 'RECEIVE') ? d : null;
        },
        20_000,
        `the county's receipt of ${what}`,
      );
      const townshipEscalatedAt = stepAt(atCounty, 'TOWNSHIP', 'ESCALATE');
      const county = ok(
        await hub.queryAs<{ dispute: { countyCase: { settleBy: string; contactBy: string; receivedAt: string; overdue: boolean } } }>(
          callers.county,
          `{ dispute(id: "${reported.id}") { countyCase { settleBy contactBy receivedAt overdue } } }`,
        ),
      ).dispute.countyCase;
      expectSpan(townshipEscalatedAt, county.settleBy, settle, `${what} CountyCase.settleBy`);
      expect(ms(county.contactBy) - ms(county.receivedAt), `${what} CountyCase.contactBy`).toBe(rule.contactMinutes * MINUTE);
      expectSpan(townshipEscalatedAt, atCounty.deadlines.settleBy, settle, `${what} county settleBy on the village record`);
      expect(county.overdue).toBe(false);
      expect(atCounty.deadlines.contactBy).toBe(reported.deadlines.contactBy);

      // Resolving starts the reply clock.
      const k = await mutate<{ version: number }>(hub, callers.county, `acceptCountyCase(disputeId: "${reported.id}", version: ${cc.version}) { version }`);
      await mutate(hub, callers.county, `resolveCountyCase(disputeId: "${reported.id}", version: ${k.version}, outcome: AGREEMENT) { status }`);
      const resolved = await waitFor(
        async () => {
          const d = ok(await hub.queryAs<{ dispute: Shown }>(callers.county, `{ dispute(id: "${reported.id}") { ${SHOWN} } }`)).dispute;
          return d.status === 'RESOLVED' ? d : null;
        },
        20_000,
        `the county's resolution of ${what}`,
      );
      expectSpan(stepAt(resolved, 'COUNTY', 'RESOLVE'), resolved.deadlines.replyBy, rule.replyHours * HOUR, `${what} replyBy`);
      return { what, countyHours: (ms(county.settleBy) - townshipEscalatedAt) / HOUR };
    });
    const hours = new Map(checked.map((c) => [c.what, Math.round(c.countyHours)]));
    for (const c of ['LAND_HOMESTEAD', 'FOREST_GRASSLAND', 'BOUNDARY']) expect(hours.get(`${c}/ORDINARY`), c).toBe(360);
    expect(hours.get('NEIGHBOUR/MASS')).toBe(48);
    expect(hours.get('FAMILY/ORDINARY')).toBe(72);
  }, 600_000);

  it('a land case handled at the village settles within 360 h of its report and replies within the rule', async () => {
    const { callers, gridCode } = places[0]!;
    const rule = ruleFor(rules, 'LAND_HOMESTEAD', 'MAJOR');
    let d = await mutate<Shown & { version: number }>(
      hub,
      callers.village,
      `reportDispute(input: $i, idempotencyKey: $k) { ${SHOWN} version }`,
      {
        k: `deadline-village-${Date.now()}`,
        i: {
          gridCode,
          category: 'LAND_HOMESTEAD',
          scale: 'MAJOR',
          source: 'WALK_IN',
          summary: '宅基地四至争议',
          parties: [{ name: '赵玉兰', role: 'APPLICANT' }],
        },
      },
      '($i: DisputeInput!, $k: String!)',
    );
    expectSpan(ms(d.reportedAt), d.deadlines.settleBy, rule.settleHours * HOUR, 'village settleBy');
    d = await mutate(hub, callers.village, `acceptDispute(id: "${d.id}", version: ${d.version}) { ${SHOWN} version }`);
    d = await mutate(hub, callers.village, `assignDispute(id: "${d.id}", version: ${d.version}, assignee: "村调委会") { ${SHOWN} version }`);
    d = await mutate(hub, callers.village, `resolveDispute(id: "${d.id}", version: ${d.version}, outcome: AGREEMENT) { ${SHOWN} version }`);
    expectSpan(stepAt(d, 'VILLAGE', 'RESOLVE'), d.deadlines.replyBy, rule.replyHours * HOUR, 'village replyBy');
  });
});

describe('what falls due next on a township desk (orderBy: DUE_FIRST)', () => {
  it('puts a case waiting to be accepted by its contact deadline, before one accepted and due to settle later', async () => {
    const { callers, gridCode } = places[2]!;
    const waiting = await escalateToTownship(hub, callers, { gridCode, summary: '到期排序：待受理' });
    const accepted = await escalateToTownship(hub, callers, { gridCode, summary: '到期排序：已受理' });
    await mutate(hub, callers.township, `acceptTownshipCase(disputeId: "${accepted.id}", version: ${accepted.township.version}) { version }`);
    // The accepted case is due to settle in 3 hours; the waiting one was received 2 hours ago, so its contact
    // deadline has passed, while its settle deadline is days away.
    await asOwner('township', async (c) => {
      await c.query(`update township_case set settle_by = now() + interval '3 hours' where dispute_id = $1`, [accepted.id]);
      await c.query(`update township_case set received_at = received_at - interval '2 hours' where dispute_id = $1`, [waiting.id]);
    });
    type Due = { dispute: { id: string }; status: string; contactBy: string; overdue: boolean };
    const listed = ok(
      await hub.queryAs<{ township: { disputes: Nodes<Due> } }>(
        callers.township,
        `{ township(code: "${TOWNSHIP}") { disputes(orderBy: DUE_FIRST, first: 500, filter: { status: [RECEIVED, ACCEPTED] }) {
            nodes { dispute { id } status contactBy overdue } } } }`,
      ),
    ).township.disputes.nodes;
    const at = (id: string) => listed.findIndex((n) => n.dispute.id === id);
    expect(at(waiting.id)).toBeGreaterThanOrEqual(0);
    expect(at(waiting.id), 'the case past its contact deadline comes first').toBeLessThan(at(accepted.id));
    // Missing the contact deadline does not make it overdue: that is the settle deadline's.
    expect(listed[at(waiting.id)]).toMatchObject({ status: 'RECEIVED', overdue: false });
    expect(Date.parse(listed[at(waiting.id)]!.contactBy)).toBeLessThan(Date.now());
  }, 120_000);
});

describe('overdue on the township and county desks', () => {
  it('a case past its settle deadline is flagged and filtered at its level, and not once resolved', async () => {
    const { callers, gridCode } = places[1]!;
    const a = await escalateToCounty(hub, callers, { gridCode, summary: '超期标记：县级' });
    const b = await escalateToCounty(hub, callers, { gridCode, summary: '超期标记：县级已化解' });
    // b is resolved at the county; both deadlines are then moved into the past.
    const k = await mutate<{ version: number }>(hub, callers.county, `acceptCountyCase(disputeId: "${b.id}", version: ${b.county.version}) { version }`);
    await mutate(hub, callers.county, `resolveCountyCase(disputeId: "${b.id}", version: ${k.version}, outcome: WITHDRAWN) { status }`);
    await asOwner('county', (c) => c.query(`update county_case set settle_by = now() - interval '1 hour' where dispute_id = any($1)`, [[a.id, b.id]]));
    type Inbox = { county: { caseInbox: Nodes<{ dispute: { id: string }; overdue: boolean; status: string }> & Counted } };
    const inbox = async (overdue: boolean) =>
      ok(
        await hub.queryAs<Inbox>(
          callers.county,
          `{ county(code: "${WRITE_COUNTY}") { caseInbox(overdue: ${overdue}, first: 500) { totalCount nodes { dispute { id } overdue status } } } }`,
        ),
      ).county.caseInbox;
    const late = await inbox(true);
    expect(late.nodes.find((n) => n.dispute.id === a.id)).toMatchObject({ overdue: true });
    expect(late.nodes.every((n) => n.overdue)).toBe(true);
    expect(late.nodes.some((n) => n.dispute.id === b.id)).toBe(false);
    const onTime = await inbox(false);
    expect(onTime.nodes.find((n) => n.dispute.id === b.id)).toMatchObject({ overdue: false, status: 'RESOLVED' });
    expect(onTime.nodes.some((n) => n.dispute.id === a.id)).toBe(false);

    // The township's record of `a` is escalated (closed at the township): never overdue there; an open township case is.
    const t = await escalateToCounty(hub, callers, { gridCode, summary: '超期标记：乡镇' });
    expect((await townshipCaseOf(hub, callers.township, t.id)).status).toBe('ESCALATED');
    const open = await escalateToTownship(hub, callers, { gridCode, summary: '超期标记：乡镇未办结' });
    await asOwner('township', (c) => c.query(`update township_case set settle_by = now() - interval '1 hour' where dispute_id = any($1)`, [[t.id, open.id]]));
    type TInbox = { township: { disputes: Nodes<{ dispute: { id: string }; overdue: boolean }> } };
    const tInbox = async (overdue: boolean) =>
      ok(
        await hub.queryAs<TInbox>(
          callers.township,
          `{ township(code: "${TOWNSHIP}") { disputes(filter: { overdue: ${overdue} }, first: 500) { nodes { dispute { id } overdue } } } }`,
        ),
      ).township.disputes.nodes;
    const lateT = await tInbox(true);
    expect(lateT.find((n) => n.dispute.id === open.id)).toMatchObject({ overdue: true });
    expect(lateT.some((n) => n.dispute.id === t.id)).toBe(false);
    expect((await tInbox(false)).find((n) => n.dispute.id === t.id)).toMatchObject({ overdue: false });
  }, 120_000);

  it('tells each desk how late its own record is, in hours within its first day and in days, as the village tells its case', async () => {
    const { callers, gridCode } = places[2]!;
    const LATE = 'overdue settleBy overdueSince overdueDeadline overdueHours overdueDays';
    type Late = {
      dispute: { id: string };
      overdue: boolean;
      settleBy: string;
      overdueSince: string | null;
      overdueDeadline: string | null;
      overdueHours: number | null;
      overdueDays: number | null;
    };
    // Three hours past the township's settle deadline: 3 hours, and day 1; one 2 days and 1 hour past it: 3 days, 49 hours.
    const hours = await escalateToTownship(hub, callers, { gridCode, summary: '超期时长：乡镇三小时' });
    const days = await escalateToTownship(hub, callers, { gridCode, summary: '超期时长：乡镇两天' });
    const fresh = await escalateToTownship(hub, callers, { gridCode, summary: '超期时长：乡镇未到期' });
    await asOwner('township', async (c) => {
      await c.query(`update township_case set settle_by = now() - interval '2 hours 30 minutes' where dispute_id = $1`, [hours.id]);
      await c.query(`update township_case set settle_by = now() - interval '2 days 1 hour' where dispute_id = $1`, [days.id]);
    });
    const tInbox = ok(
      await hub.queryAs<{ township: { disputes: Nodes<Late> } }>(
        callers.township,
        `{ township(code: "${TOWNSHIP}") { disputes(first: 500) { nodes { dispute { id } ${LATE} } } } }`,
      ),
    ).township.disputes.nodes;
    const of = (id: string) => tInbox.find((n) => n.dispute.id === id)!;
    expect(of(hours.id)).toMatchObject({ overdue: true, overdueDeadline: 'SETTLE', overdueHours: 3, overdueDays: 1 });
    expect(of(hours.id).overdueSince).toBe(of(hours.id).settleBy);
    expect(of(days.id)).toMatchObject({ overdue: true, overdueDeadline: 'SETTLE', overdueHours: 50, overdueDays: 3 });
    expect(of(fresh.id)).toMatchObject({ overdue: false, overdueSince: null, overdueDeadline: null, overdueHours: null, overdueDays: null });
    // The record as the case carries it says the same.
    const carried = ok(
      await hub.queryAs<{ dispute: { townshipCase: Omit<Late, 'dispute'> } }>(callers.township, `{ dispute(id: "${hours.id}") { townshipCase { ${LATE} } } }`),
    ).dispute.townshipCase;
    expect(carried).toMatchObject({ overdueDeadline: 'SETTLE', overdueHours: 3, overdueDays: 1 });

    // The county's desk, likewise; a case it resolved is late no more.
    const k = await escalateToCounty(hub, callers, { gridCode, summary: '超期时长：县级五小时' });
    const done = await escalateToCounty(hub, callers, { gridCode, summary: '超期时长：县级已化解' });
    const accepted = await mutate<{ version: number }>(
      hub,
      callers.county,
      `acceptCountyCase(disputeId: "${done.id}", version: ${done.county.version}) { version }`,
    );
    await mutate(hub, callers.county, `resolveCountyCase(disputeId: "${done.id}", version: ${accepted.version}, outcome: WITHDRAWN) { status }`);
    await asOwner('county', (c) =>
      c.query(`update county_case set settle_by = now() - interval '4 hours 10 minutes' where dispute_id = any($1)`, [[k.id, done.id]]),
    );
    const cInbox = ok(
      await hub.queryAs<{ county: { caseInbox: Nodes<Late> } }>(
        callers.county,
        `{ county(code: "${WRITE_COUNTY}") { caseInbox(first: 500) { nodes { dispute { id } ${LATE} } } } }`,
      ),
    ).county.caseInbox.nodes;
    const late = cInbox.find((n) => n.dispute.id === k.id)!;
    expect(late).toMatchObject({ overdue: true, overdueDeadline: 'SETTLE', overdueHours: 5, overdueDays: 1, overdueSince: late.settleBy });
    expect(cInbox.find((n) => n.dispute.id === done.id)).toMatchObject({ overdue: false, overdueDeadline: null, overdueHours: null, overdueDays: null });
  }, 120_000);
});

describe('a late contact at the township’s and the county’s desks', () => {
  interface Contact {
    caseNumber: string;
    dispute: { id: string };
    status: string;
    contactBy: string;
    acceptedAt: string | null;
    contactLate: boolean;
    overdue: boolean;
  }
  const CONTACT = 'caseNumber dispute { id } status contactBy acceptedAt contactLate overdue';

  it('says which cases each desk accepted after its contact deadline, or still awaits past it, and filters on it', async () => {
    const { callers, gridCode } = places[1]!;
    const late = await escalateToTownship(hub, callers, { gridCode, summary: '联系超时：乡镇迟受理' });
    const inTime = await escalateToTownship(hub, callers, { gridCode, summary: '联系超时：乡镇按时受理' });
    const waiting = await escalateToTownship(hub, callers, { gridCode, summary: '联系超时：乡镇逾期未受理' });
    const fresh = await escalateToTownship(hub, callers, { gridCode, summary: '联系超时：乡镇尚在时限内' });
    // Received two hours ago: the contact time (an hour for an ordinary neighbour dispute) has passed.
    await asOwner('township', (c) =>
      c.query(`update township_case set received_at = received_at - interval '2 hours' where dispute_id = any($1)`, [[late.id, waiting.id]]),
    );
    const accept = (id: string, version: number) =>
      mutate<{ version: number; acceptedAt: string; contactLate: boolean }>(
        hub,
        callers.township,
        `acceptTownshipCase(disputeId: "${id}", version: ${version}) { version acceptedAt contactLate }`,
      );
    const lateAccepted = await accept(late.id, late.township.version);
    expect(lateAccepted.contactLate).toBe(true);
    expect(Date.now() - ms(lateAccepted.acceptedAt)).toBeLessThan(60_000);
    expect((await accept(inTime.id, inTime.township.version)).contactLate).toBe(false);

    const inbox = async (filter: string) =>
      ok(
        await hub.queryAs<{ township: { disputes: Nodes<Contact> } }>(
          callers.township,
          `{ township(code: "${TOWNSHIP}") { disputes(first: 500${filter}) { nodes { ${CONTACT} } } } }`,
        ),
      ).township.disputes.nodes.filter((n) => [late.id, inTime.id, waiting.id, fresh.id].includes(n.dispute.id));
    const all = await inbox('');
    const of = (id: string) => all.find((n) => n.dispute.id === id)!;
    expect(of(late.id)).toMatchObject({ status: 'ACCEPTED', contactLate: true, overdue: false });
    expect(ms(of(late.id).acceptedAt!)).toBeGreaterThan(ms(of(late.id).contactBy));
    expect(of(inTime.id)).toMatchObject({ status: 'ACCEPTED', contactLate: false });
    expect(of(waiting.id)).toMatchObject({ status: 'RECEIVED', acceptedAt: null, contactLate: true });
    expect(of(fresh.id)).toMatchObject({ status: 'RECEIVED', acceptedAt: null, contactLate: false });
    const ids = (ns: Contact[]) => ns.map((n) => n.dispute.id).sort();
    expect(ids(await inbox(', filter: { contactLate: true }'))).toEqual([late.id, waiting.id].sort());
    expect(ids(await inbox(', filter: { contactLate: false }'))).toEqual([inTime.id, fresh.id].sort());
    expect(ids(await inbox(', filter: { contactLate: true, status: [ACCEPTED] }'))).toEqual([late.id]);
    // DUE_FIRST pages the filtered list as it pages the whole one.
    const page = ok(
      await hub.queryAs<{ township: { disputes: { nodes: Contact[]; totalCount: number } } }>(
        callers.township,
        `{ township(code: "${TOWNSHIP}") { disputes(first: 1, orderBy: DUE_FIRST, filter: { contactLate: true }) { nodes { ${CONTACT} } totalCount } } }`,
      ),
    ).township.disputes;
    expect(page.nodes).toHaveLength(1);
    expect(page.totalCount).toBeGreaterThanOrEqual(2);
    // The case carries the same record.
    const carried = ok(
      await hub.queryAs<{ dispute: { townshipCase: Contact } }>(callers.township, `{ dispute(id: "${late.id}") { townshipCase { ${CONTACT} } } }`),
    ).dispute.townshipCase;
    expect(carried).toMatchObject({ contactLate: true, acceptedAt: of(late.id).acceptedAt });

    // A record accepted before the level kept the time takes it from the ACCEPT it told the village (its outbox).
    const migration = new Migration20261207000012CaseAccepted({} as never, {} as never);
    await migration.up();
    const fill = String(migration.getQueries()[1]);
    const refilled = await asOwner('township', async (c) => {
      await c.query('begin');
      try {
        await c.query(`update township_case set accepted_at = null where dispute_id = any($1)`, [[late.id, inTime.id]]);
        await c.query(fill);
        const r = await c.query<{ dispute_id: string; accepted_at: Date | null }>(
          `select dispute_id, accepted_at from township_case where dispute_id = any($1)`,
          [[late.id, inTime.id, waiting.id]],
        );
        return Object.fromEntries(r.rows.map((x) => [x.dispute_id, x.accepted_at?.getTime() ?? null]));
      } finally {
        await c.query('rollback');
      }
    });
    expect(refilled).toEqual({ [late.id]: ms(of(late.id).acceptedAt!), [inTime.id]: ms(of(inTime.id).acceptedAt!), [waiting.id]: null });

    // The county's desk, likewise.
    const kLate = await escalateToCounty(hub, callers, { gridCode, summary: '联系超时：县级迟受理' });
    const kInTime = await escalateToCounty(hub, callers, { gridCode, summary: '联系超时：县级按时受理' });
    await asOwner('county', (c) => c.query(`update county_case set received_at = received_at - interval '2 hours' where dispute_id = $1`, [kLate.id]));
    for (const k of [kLate, kInTime]) {
      await mutate(hub, callers.county, `acceptCountyCase(disputeId: "${k.id}", version: ${k.county.version}) { status }`);
    }
    const county = async (args: string) =>
      ok(
        await hub.queryAs<{ county: { caseInbox: Nodes<Contact> } }>(
          callers.county,
          `{ county(code: "${WRITE_COUNTY}") { caseInbox(first: 500${args}) { nodes { ${CONTACT} } } } }`,
        ),
      ).county.caseInbox.nodes.filter((n) => [kLate.id, kInTime.id].includes(n.dispute.id));
    const cAll = await county('');
    expect(cAll.find((n) => n.dispute.id === kLate.id)).toMatchObject({ status: 'ACCEPTED', contactLate: true });
    expect(cAll.find((n) => n.dispute.id === kInTime.id)).toMatchObject({ status: 'ACCEPTED', contactLate: false });
    expect(cAll.every((n) => n.acceptedAt !== null)).toBe(true);
    expect(ids(await county(', contactLate: true'))).toEqual([kLate.id]);
    expect(ids(await county(', contactLate: false'))).toEqual([kInTime.id]);
  }, 120_000);
});
