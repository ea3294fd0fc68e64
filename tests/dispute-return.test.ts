/**
 * 退回村级办理: a township desk sends a case escalated to it back to its village (`returnTownshipCase`), through the
 * gateway, in 卓尼县 (623022): the township's record ends RETURNED, the village handles the case again (ACCEPTED,
 * handlingLevel VILLAGE) with the RETURN step on its timeline and its settle deadline running afresh from the return,
 * the change feed's entry, the figures (escalated once, resolved at the village), the village mediating, resolving
 * and escalating it again; the refusals, a retry after a lost answer and the step's event delivered again.
 */
import { randomUUID } from 'node:crypto';
import { chinaDay } from '../domain/china-day.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type Paged, type TestHub } from './helpers/hub.ts';
import {
  asOwner,
  callersOf,
  quietVillage,
  deadlineRules,
  deliverEvents,
  errorCode,
  inChinese,
  escalateToTownship,
  mutate,
  ok,
  ruleFor,
  townshipCaseOf,
  STEP_FIELDS,
  type Callers,
  type Step,
} from './helpers/cases.ts';

let hub: TestHub;
let callers: Callers;
let village: string;
let grid: string;
let otherTownship: string;
beforeAll(async () => {
  hub = await startHub();
  // A village of its own, beside 恢复受理's (tests/dispute-reinstate.test.ts takes the middle one).
  const picked = await quietVillage(hub, -1);
  village = picked.code;
  grid = picked.grids[0]!;
  callers = await callersOf(hub, village);
  const townships = ok(await hub.query<{ townships: { code: string }[] }>(`{ townships(within: "623022") { code } }`)).townships;
  const other = townships.find((x) => x.code !== picked.township);
  if (!other) throw new Error('no second township in 623022');
  otherTownship = await hub.token({ jurisdiction: other.code, scopes: ['read', 'write'], subject: `township-${other.code}` });
});
afterAll(() => hub?.stop());

const today = chinaDay();
const MINUTE = 60_000;
const REASON = '相邻两户院墙排水纠纷，事实清楚，村调委会可以化解';

interface Case {
  id: string;
  version: number;
  status: string;
  handlingLevel: string;
  inTransit: boolean;
  overdue: boolean;
  deadlines: { settleBy: string | null } | null;
  timeline: Step[];
  townshipCase: { status: string; version: number } | null;
}
const CASE = `id version status handlingLevel inTransit overdue deadlines { settleBy } timeline { ${STEP_FIELDS} }
  townshipCase { status version }`;

/** People read the refusals in Chinese: the requests ask for it. */
const asked = <T>(token: string, query: string, variables?: Record<string, unknown>) => inChinese<T>(hub, token, query, variables);

const returnCase = (token: string, id: string, version: number, reason: string = REASON) =>
  asked<{ returnTownshipCase: { status: string; version: number } }>(
    token,
    `mutation($r: String!) { returnTownshipCase(disputeId: "${id}", version: ${version}, reason: $r) { status version } }`,
    { r: reason },
  );

const read = async (id: string): Promise<Case> => ok(await asked<{ dispute: Case }>(callers.village, `{ dispute(id: "${id}") { ${CASE} } }`)).dispute;

/** Up at the township, which has received it; the desk accepts it when asked. */
async function atTownship(accept = false): Promise<{ id: string; version: number }> {
  const { id, township } = await escalateToTownship(hub, callers, { gridCode: grid });
  if (!accept) return { id, version: township.version };
  const c = await mutate<{ version: number }>(hub, callers.township, `acceptTownshipCase(disputeId: "${id}", version: ${township.version}) { version }`);
  return { id, version: c.version };
}

/** Today's figures of the village. */
async function figures() {
  const r = ok(
    await hub.queryAs<{ village: { disputeStats: Record<string, number> } }>(
      callers.county,
      `{ village(code: "${village}") { disputeStats(from: "${today}", to: "${today}") {
         reported resolved open resolvedAtVillage resolvedAtTownship escalatedToTownship escalatedToCounty } } }`,
    ),
  );
  return r.village.disputeStats;
}

const feedPosition = async () =>
  ok(await hub.queryAs<{ changes: Paged<{ cursor: string }> }>(callers.county, `{ changes(first: 0) { nodes { cursor } pageInfo { endCursor } } }`)).changes
    .pageInfo.endCursor;
const feedOf = async (after: string | null, id: string) =>
  ok(
    await hub.queryAs<{ changes: Paged<{ op: string; recordId: string; step: string | null; stepNote: string | null }> }>(
      callers.county,
      `query($a: String) { changes(after: $a, kinds: [DISPUTE], within: "${village}", first: 100) { nodes { op recordId step stepNote } } }`,
      { a: after },
    ),
  ).changes.nodes.filter((c) => c.recordId === id);

describe('退回村级: the township sends an escalated case back to its village', () => {
  it('ends the township record, and the village handles the case again with the RETURN step and a fresh settle deadline', async () => {
    const before = await figures();
    const { id, version } = await atTownship(true);
    const up = await read(id);
    expect(up).toMatchObject({ status: 'ESCALATED', handlingLevel: 'TOWNSHIP' });
    const position = await feedPosition();

    const r = await returnCase(callers.township, id, version);
    expect(r.errors).toBeUndefined();
    expect(r.data!.returnTownshipCase).toEqual({ status: 'RETURNED', version: version + 1 });

    // The village reads it as its own again, at once (the mutation answers once the step has reached the village).
    const back = await read(id);
    expect(back).toMatchObject({ status: 'ACCEPTED', handlingLevel: 'VILLAGE', inTransit: false, overdue: false, townshipCase: { status: 'RETURNED' } });
    const step = back.timeline.at(-1)!;
    const accepted = up.timeline.find((s) => s.level === 'TOWNSHIP' && s.action === 'ACCEPT')!;
    expect(step).toMatchObject({ level: 'TOWNSHIP', action: 'RETURN', status: 'RETURNED', note: REASON, actor: accepted.actor, seq: accepted.seq! + 1 });
    expect(back.timeline.map((s) => s.action)).toEqual(['REPORT', 'ACCEPT', 'ESCALATE', 'RECEIVE', 'ACCEPT', 'RETURN']);
    expect(back.timeline.map((s) => s.seq)).toEqual([1, 2, 3, 4, 5, 6]);

    // The village's settle deadline runs afresh from the return, by the case's rule.
    const rule = ruleFor(await deadlineRules(), 'NEIGHBOUR', 'ORDINARY');
    expect(Math.abs(Date.parse(back.deadlines!.settleBy!) - Date.parse(step.at) - rule.settleHours * 60 * MINUTE)).toBeLessThan(1000);
    expect(Date.parse(back.deadlines!.settleBy!)).toBeGreaterThan(Date.parse(up.deadlines!.settleBy!));

    // The change feed's entry for the case names the step.
    const entries = await feedOf(position, id);
    expect(entries.map((c) => [c.op, c.step])).toEqual([['TRANSITION', 'RETURN']]);
    expect(entries[0]!.stepNote).toBe(REASON);

    // The village desk goes on: assigns, mediates and resolves it.
    let d = await mutate<Case>(hub, callers.village, `assignDispute(id: "${id}", version: ${back.version}, assignee: "村调委会 杨卓玛") { ${CASE} }`);
    d = await mutate<Case>(hub, callers.village, `recordMediation(id: "${id}", version: ${d.version}, note: "两户同意共同疏通排水沟") { ${CASE} }`);
    expect(d.status).toBe('MEDIATING');
    d = await mutate<Case>(hub, callers.village, `resolveDispute(id: "${id}", version: ${d.version}, outcome: AGREEMENT) { ${CASE} }`);
    expect(d).toMatchObject({ status: 'RESOLVED', handlingLevel: 'VILLAGE' });

    // Counted once as escalated (it went up), and as resolved at the village, where it was settled.
    const after = await figures();
    expect(after).toEqual({
      ...before,
      reported: before.reported! + 1,
      resolved: before.resolved! + 1,
      resolvedAtVillage: before.resolvedAtVillage! + 1,
      escalatedToTownship: before.escalatedToTownship! + 1,
    });
  });

  it('lets the village escalate a returned case again: the township receives it anew on its record', async () => {
    const before = await figures();
    const { id, version } = await atTownship();
    ok(await returnCase(callers.township, id, version));
    const back = await read(id);
    const up = await mutate<Case>(hub, callers.village, `escalateDispute(id: "${id}", version: ${back.version}, reason: "双方仍不接受村级调解") { ${CASE} }`);
    expect(up.handlingLevel).toBe('TOWNSHIP');
    const t = await townshipCaseOf(hub, callers.township, id, 'RECEIVED');
    expect(t.version).toBe(version + 2);
    const accepted = await mutate<{ status: string }>(hub, callers.township, `acceptTownshipCase(disputeId: "${id}", version: ${t.version}) { status }`);
    expect(accepted.status).toBe('ACCEPTED');
    const story = await read(id);
    expect(story.timeline.map((s) => s.action)).toEqual(['REPORT', 'ACCEPT', 'ESCALATE', 'RECEIVE', 'RETURN', 'ESCALATE', 'RECEIVE', 'ACCEPT']);
    expect(story).toMatchObject({ status: 'ESCALATED', handlingLevel: 'TOWNSHIP' });
    // Escalated twice to the same township, counted once (the figures count cases, not escalations).
    expect((await figures()).escalatedToTownship).toBe(before.escalatedToTownship! + 1);
  });

  it('sent again after a lost answer answers the case as it is; its event delivered again is applied once', async () => {
    const { id, version } = await atTownship(true);
    const first = ok(await returnCase(callers.township, id, version)).returnTownshipCase;
    const again = ok(await returnCase(callers.township, id, version)).returnTownshipCase;
    expect(again).toEqual(first);
    const stale = await returnCase(callers.township, id, version - 1);
    expect(errorCode(stale)).toBe('INVALID_TRANSITION');
    const story = await read(id);
    expect(story.timeline.filter((s) => s.action === 'RETURN')).toHaveLength(1);

    // The township's event of the step, delivered to the village again (the same event, and as a new one).
    const sent = await asOwner(
      'township',
      async (c) =>
        (
          await c.query<{ eventId: string; type: string; payload: Record<string, unknown> }>(
            `select event_id as "eventId", type, payload from hub_outbox where target = 'village' and payload->>'disputeId' = $1 and payload->>'action' = 'RETURN'`,
            [id],
          )
        ).rows,
    );
    expect(sent).toHaveLength(1);
    for (const e of [sent[0]!, { ...sent[0]!, eventId: randomUUID() }]) {
      const res = await deliverEvents(hub, 'township', 'village', [e]);
      expect(res.status).toBe(200);
    }
    const after = await read(id);
    expect(after.timeline.filter((s) => s.action === 'RETURN')).toHaveLength(1);
    expect(after).toMatchObject({ version: story.version, status: 'ACCEPTED', handlingLevel: 'VILLAGE' });
  });

  it('refuses a blank or overlong reason, a stale version, the village, the county, another township and a read-only token', async () => {
    const { id, version } = await atTownship(true);
    const blank = await returnCase(callers.township, id, version, '   ');
    expect(blank.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'reason' });
    const long = await returnCase(callers.township, id, version, '理'.repeat(501));
    expect(long.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'reason' });
    const stale = await returnCase(callers.township, id, version - 1);
    expect(stale.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', currentVersion: version });
    // The village reads the case it sent up and is told whose desk the step is, not that the township lies outside it.
    const byVillage = await returnCase(callers.village, id, version);
    expect(byVillage.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', argument: 'disputeId', centre: village.slice(0, 9) });
    expect(byVillage.errors![0]!.message).toMatch(
      new RegExp(`^乡镇级案件由.+综治中心（${village.slice(0, 9)}）办理；村（社区）和网格的令牌可以查看，不能办理。`),
    );
    const byCounty = await returnCase(callers.county, id, version);
    expect(errorCode(byCounty)).toBe('FORBIDDEN');
    expect(byCounty.errors![0]!.message).toContain('退回村级由案件所在乡镇');
    // A province's caller, above the county, is refused with the same words: they name every level above the township,
    // not the county alone.
    const province = await hub.token({ jurisdiction: village.slice(0, 2), scopes: ['read', 'write'], subject: 'return-province' });
    const byProvince = await returnCase(province, id, version);
    expect(byProvince.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', jurisdiction: village.slice(0, 2) });
    expect(byProvince.errors![0]!.message).toContain('上级（县、市、省）的令牌');
    expect(byProvince.errors![0]!.message).not.toContain('县级的令牌');
    expect(errorCode(await returnCase(otherTownship, id, version))).toBe('NOT_FOUND');
    const readOnly = await hub.token({ jurisdiction: village.slice(0, 9), scopes: ['read'], subject: 'return-reader' });
    expect(errorCode(await returnCase(readOnly, id, version))).toBe('FORBIDDEN');
    // Nothing changed.
    expect(await read(id)).toMatchObject({ status: 'ESCALATED', handlingLevel: 'TOWNSHIP', townshipCase: { status: 'ACCEPTED', version } });
  });

  it('refuses while a department has not reported back, and a case the township resolved or escalated', async () => {
    const { id, version } = await atTownship(true);
    const dispatched = await mutate<{ version: number; dispatches: { id: string }[] }>(
      hub,
      callers.township,
      `dispatchToDepartments(disputeId: "${id}", version: ${version}, departments: ["NATURAL_RESOURCES"]) { version dispatches { id } }`,
    );
    const open = await returnCase(callers.township, id, dispatched.version);
    expect(open.errors![0]!.extensions).toMatchObject({ code: 'INVALID_TRANSITION', action: 'RETURN', pending: ['NATURAL_RESOURCES'] });
    expect(open.errors![0]!.extensions!.allowed).not.toContain('RETURN');
    expect(open.errors![0]!.message).toContain('撤回对其的吹哨后，本案才能退回村级');
    // Withdrawn, the case may go back.
    const withdrawn = await mutate<{ version: number }>(
      hub,
      callers.township,
      `withdrawDispatch(dispatchId: "${dispatched.dispatches[0]!.id}", version: ${dispatched.version}, reason: "本案退回村级") { version }`,
    );
    expect(ok(await returnCase(callers.township, id, withdrawn.version)).returnTownshipCase.status).toBe('RETURNED');

    // Resolved at the township: nothing to return, whatever version.
    const other = await atTownship(true);
    const assigned = await mutate<{ version: number }>(
      hub,
      callers.township,
      `assignTownshipCase(disputeId: "${other.id}", version: ${other.version}, assignee: "乡司法所") { version }`,
    );
    const resolved = await mutate<{ version: number }>(
      hub,
      callers.township,
      `resolveTownshipCase(disputeId: "${other.id}", version: ${assigned.version}, outcome: AGREEMENT) { version }`,
    );
    for (const v of [resolved.version, resolved.version + 2]) {
      const r = await returnCase(callers.township, other.id, v);
      expect(r.errors![0]!.extensions).toMatchObject({ code: 'INVALID_TRANSITION', status: 'RESOLVED', action: 'RETURN' });
      expect(r.errors![0]!.message).toContain('不能退回村级');
    }
    // Returned already: not again.
    const twice = await returnCase(callers.township, id, withdrawn.version + 1, '另一个理由');
    expect(twice.errors![0]!.extensions).toMatchObject({ code: 'INVALID_TRANSITION', status: 'RETURNED', allowed: [] });
    // Escalated to the county: the township no longer holds it.
    const third = await atTownship(true);
    const escalated = await mutate<{ version: number }>(
      hub,
      callers.township,
      `escalateTownshipCase(disputeId: "${third.id}", version: ${third.version}, reason: "需县级协调") { version }`,
    );
    const gone = await returnCase(callers.township, third.id, escalated.version);
    expect(gone.errors![0]!.extensions).toMatchObject({ code: 'INVALID_TRANSITION', status: 'ESCALATED' });
  });
});
