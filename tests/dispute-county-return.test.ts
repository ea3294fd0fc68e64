/**
 * 退回乡镇办理: a county desk sends a case escalated to it back to its township (`returnCountyCase`), through the
 * gateway, in 卓尼县 (623022): the county's record ends RETURNED, the township's record (escalated until then) handles
 * the case again (ACCEPTED, no one assigned, its settle deadline afresh from the return), the village's story shows
 * the county's RETURN step and the case at the township, the change feed's entry, the figures (escalated to the
 * county once, resolved where it is settled), the township resolving it or escalating it again (the county receives
 * it anew); the refusals, a retry after a lost answer and the step's events delivered again.
 */
import { randomUUID } from 'node:crypto';
import { chinaDay } from '../domain/china-day.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type Paged, type TestHub } from './helpers/hub.ts';
import {
  asOwner,
  callersOf,
  countyCaseOf,
  deadlineRules,
  deliverEvents,
  errorCode,
  inChinese,
  escalateToCounty,
  escalateToTownship,
  mutate,
  ok,
  quietVillage,
  ruleFor,
  STEP_FIELDS,
  type Callers,
  type Step,
} from './helpers/cases.ts';

let hub: TestHub;
let callers: Callers;
let village: string;
let grid: string;
beforeAll(async () => {
  hub = await startHub();
  // A village of its own, beside 恢复受理's and 退回村级's (the middle one and the one before it).
  const picked = await quietVillage(hub, -2);
  village = picked.code;
  grid = picked.grids[0]!;
  callers = await callersOf(hub, village);
});
afterAll(() => hub?.stop());

const today = chinaDay();
const MINUTE = 60_000;
const REASON = '宅基地边界纠纷，乡镇司法所和国土所可以就地化解，不属县级处理范围';

interface Case {
  id: string;
  version: number;
  status: string;
  handlingLevel: string;
  inTransit: boolean;
  assignee: string | null;
  deadlines: { settleBy: string | null } | null;
  timeline: Step[];
  townshipCase: { status: string; version: number; settleBy: string; assignee: string | null; overdue: boolean } | null;
  countyCase: { status: string; version: number; overdue: boolean } | null;
}
const CASE = `id version status handlingLevel inTransit assignee deadlines { settleBy } timeline { ${STEP_FIELDS} }
  townshipCase { status version settleBy assignee overdue } countyCase { status version overdue }`;

/** People read the refusals in Chinese: the requests ask for it. */
const asked = <T>(token: string, query: string, variables?: Record<string, unknown>) => inChinese<T>(hub, token, query, variables);

const returnCase = (token: string, id: string, version: number, reason: string = REASON) =>
  asked<{ returnCountyCase: { status: string; version: number } }>(
    token,
    `mutation($r: String!) { returnCountyCase(disputeId: "${id}", version: ${version}, reason: $r) { status version } }`,
    { r: reason },
  );

const read = async (id: string): Promise<Case> => ok(await asked<{ dispute: Case }>(callers.village, `{ dispute(id: "${id}") { ${CASE} } }`)).dispute;

/** Up at the county, which has received it; its desk accepts it when asked. */
async function atCounty(accept = false): Promise<{ id: string; version: number }> {
  const { id, county } = await escalateToCounty(hub, callers, { gridCode: grid, category: 'LAND_HOMESTEAD' });
  if (!accept) return { id, version: county.version };
  const c = await mutate<{ version: number }>(hub, callers.county, `acceptCountyCase(disputeId: "${id}", version: ${county.version}) { version }`);
  return { id, version: c.version };
}

/** Today's figures of the village. */
async function figures() {
  const r = ok(
    await hub.queryAs<{ village: { disputeStats: Record<string, number> } }>(
      callers.county,
      `{ village(code: "${village}") { disputeStats(from: "${today}", to: "${today}") {
         reported resolved open resolvedAtVillage resolvedAtTownship resolvedAtCounty escalatedToTownship escalatedToCounty } } }`,
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

/** The county's events of a case's RETURN step, as its outbox holds them, to `target`. */
const sentOf = (id: string, target: 'village' | 'township') =>
  asOwner(
    'county',
    async (c) =>
      (
        await c.query<{ eventId: string; type: string; payload: Record<string, unknown> }>(
          `select event_id as "eventId", type, payload from hub_outbox
            where target = $2 and payload->>'disputeId' = $1 and (type = 'case.returned' or payload->>'action' = 'RETURN')`,
          [id, target],
        )
      ).rows,
  );

describe('退回乡镇: the county sends an escalated case back to its township', () => {
  it('ends the county record; the township handles the case again, the village story shows the RETURN step', async () => {
    const before = await figures();
    const { id, version } = await atCounty(true);
    const up = await read(id);
    expect(up).toMatchObject({ status: 'ESCALATED', handlingLevel: 'COUNTY', townshipCase: { status: 'ESCALATED' } });
    const position = await feedPosition();

    const r = await returnCase(callers.county, id, version);
    expect(r.errors).toBeUndefined();
    expect(r.data!.returnCountyCase).toEqual({ status: 'RETURNED', version: version + 1 });

    // The township and the village read it at once (the mutation answers once the step has reached both).
    const back = await read(id);
    expect(back).toMatchObject({
      status: 'ESCALATED',
      handlingLevel: 'TOWNSHIP',
      inTransit: false,
      assignee: null,
      townshipCase: { status: 'ACCEPTED', assignee: null, overdue: false, version: up.townshipCase!.version + 1 },
      countyCase: { status: 'RETURNED', overdue: false },
    });
    const step = back.timeline.at(-1)!;
    const accepted = up.timeline.find((s) => s.level === 'COUNTY' && s.action === 'ACCEPT')!;
    expect(step).toMatchObject({ level: 'COUNTY', action: 'RETURN', status: 'RETURNED', note: REASON, actor: accepted.actor, seq: accepted.seq! + 1 });
    expect(back.timeline.map((s) => s.action)).toEqual(['REPORT', 'ACCEPT', 'ESCALATE', 'RECEIVE', 'ACCEPT', 'ESCALATE', 'RECEIVE', 'ACCEPT', 'RETURN']);
    expect(back.timeline.map((s) => s.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);

    // The township's settle deadline runs afresh from the return, by the case's rule; the village's story holds it.
    const rule = ruleFor(await deadlineRules(), 'LAND_HOMESTEAD', 'ORDINARY');
    const settleBy = Date.parse(back.townshipCase!.settleBy);
    expect(Math.abs(settleBy - Date.parse(step.at) - rule.settleHours * 60 * MINUTE)).toBeLessThan(1000);
    expect(settleBy).toBeGreaterThan(Date.parse(up.townshipCase!.settleBy));
    expect(Date.parse(back.deadlines!.settleBy!)).toBe(settleBy);

    // The change feed's entry for the case names the step.
    const entries = await feedOf(position, id);
    expect(entries.map((c) => c.step)).toEqual(['RETURN']);
    expect(entries[0]!.stepNote).toBe(REASON);

    // The township desk goes on: assigns, mediates and resolves it; the next steps follow the return in the order.
    let t = await mutate<{ version: number; status: string }>(
      hub,
      callers.township,
      `assignTownshipCase(disputeId: "${id}", version: ${back.townshipCase!.version}, assignee: "乡司法所 李明") { version status }`,
    );
    t = await mutate(
      hub,
      callers.township,
      `recordTownshipMediation(disputeId: "${id}", version: ${t.version}, note: "双方到场，重新勘界") { version status }`,
    );
    expect(t.status).toBe('MEDIATING');
    t = await mutate(hub, callers.township, `resolveTownshipCase(disputeId: "${id}", version: ${t.version}, outcome: AGREEMENT) { version status }`);
    expect(t.status).toBe('RESOLVED');
    const done = await read(id);
    expect(done).toMatchObject({ status: 'RESOLVED', handlingLevel: 'TOWNSHIP', countyCase: { status: 'RETURNED' } });
    expect(done.timeline.map((s) => s.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);

    // Counted once as escalated to the county (it went up), and as resolved at the township, where it was settled.
    expect(await figures()).toEqual({
      ...before,
      reported: before.reported! + 1,
      resolved: before.resolved! + 1,
      resolvedAtTownship: before.resolvedAtTownship! + 1,
      escalatedToTownship: before.escalatedToTownship! + 1,
      escalatedToCounty: before.escalatedToCounty! + 1,
    });
  });

  it('lets the township escalate a returned case again: the county receives it anew on its record', async () => {
    const before = await figures();
    const { id, version } = await atCounty();
    ok(await returnCase(callers.county, id, version));
    const back = await read(id);
    await mutate(
      hub,
      callers.township,
      `escalateTownshipCase(disputeId: "${id}", version: ${back.townshipCase!.version}, reason: "双方仍不接受乡镇调解") { version }`,
    );
    const c = await countyCaseOf(hub, callers.county, id, 'RECEIVED');
    expect(c.version).toBe(version + 2);
    // The desk holding the record's version from before the return meets CONFLICT.
    const stale = await returnCase(callers.county, id, version + 1);
    expect(stale.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', currentVersion: version + 2 });
    const accepted = await mutate<{ version: number }>(hub, callers.county, `acceptCountyCase(disputeId: "${id}", version: ${c.version}) { version }`);
    const resolved = await mutate<{ status: string }>(
      hub,
      callers.county,
      `resolveCountyCase(disputeId: "${id}", version: ${accepted.version}, outcome: LITIGATION) { status }`,
    );
    expect(resolved.status).toBe('RESOLVED');
    const story = await read(id);
    expect(story.timeline.map((s) => s.action)).toEqual([
      'REPORT',
      'ACCEPT',
      'ESCALATE',
      'RECEIVE',
      'ACCEPT',
      'ESCALATE',
      'RECEIVE',
      'RETURN',
      'ESCALATE',
      'RECEIVE',
      'ACCEPT',
      'RESOLVE',
    ]);
    expect(story).toMatchObject({ status: 'RESOLVED', handlingLevel: 'COUNTY', townshipCase: { status: 'ESCALATED' } });
    // Escalated twice to the county, counted once (the figures count cases, not escalations), resolved there.
    const after = await figures();
    expect(after.escalatedToCounty).toBe(before.escalatedToCounty! + 1);
    expect(after.resolvedAtCounty).toBe(before.resolvedAtCounty! + 1);
  });

  it('sent again after a lost answer answers the case as it is; its events delivered again are applied once', async () => {
    const { id, version } = await atCounty(true);
    const first = ok(await returnCase(callers.county, id, version)).returnCountyCase;
    const again = ok(await returnCase(callers.county, id, version)).returnCountyCase;
    expect(again).toEqual(first);
    const story = await read(id);
    expect(story.timeline.filter((s) => s.action === 'RETURN')).toHaveLength(1);

    // The county's events of the step, to the village and to the township, each delivered again (the same event, and
    // as a new one).
    for (const target of ['village', 'township'] as const) {
      const sent = await sentOf(id, target);
      expect(sent).toHaveLength(1);
      for (const e of [sent[0]!, { ...sent[0]!, eventId: randomUUID() }]) {
        const res = await deliverEvents(hub, 'county', target, [e]);
        expect(res.status).toBe(200);
      }
    }
    const after = await read(id);
    expect(after.timeline.filter((s) => s.action === 'RETURN')).toHaveLength(1);
    expect(after).toMatchObject({
      version: story.version,
      handlingLevel: 'TOWNSHIP',
      townshipCase: { status: 'ACCEPTED', version: story.townshipCase!.version },
    });

    // Once the township has gone on, the return delivered again does not take the case back to ACCEPTED.
    const assigned = await mutate<{ version: number }>(
      hub,
      callers.township,
      `assignTownshipCase(disputeId: "${id}", version: ${after.townshipCase!.version}, assignee: "乡司法所") { version }`,
    );
    const [returned] = await sentOf(id, 'township');
    expect((await deliverEvents(hub, 'county', 'township', [{ ...returned!, eventId: randomUUID() }])).status).toBe(200);
    expect((await read(id)).townshipCase).toMatchObject({ status: 'ASSIGNED', version: assigned.version, assignee: '乡司法所' });
  });

  it('refuses a blank or overlong reason, a stale version, the township, the village, another county, the province and a read-only token', async () => {
    const { id, version } = await atCounty(true);
    const blank = await returnCase(callers.county, id, version, '   ');
    expect(blank.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'reason' });
    const long = await returnCase(callers.county, id, version, '理'.repeat(501));
    expect(long.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'reason' });
    const stale = await returnCase(callers.county, id, version - 1);
    expect(stale.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', currentVersion: version });
    expect(errorCode(await returnCase(callers.township, id, version))).toBe('FORBIDDEN');
    expect(errorCode(await returnCase(callers.village, id, version))).toBe('FORBIDDEN');
    const otherCounty = await hub.token({ jurisdiction: '623021', scopes: ['read', 'write'], subject: 'county-623021' });
    expect(errorCode(await returnCase(otherCounty, id, version))).toBe('NOT_FOUND');
    // A caller above the county may act at it otherwise; whether the township could settle the case is the county desk's
    // own judgment.
    const province = await hub.token({ jurisdiction: '62', scopes: ['read', 'write'], subject: 'province-62' });
    const above = await returnCase(province, id, version);
    expect(errorCode(above)).toBe('FORBIDDEN');
    expect(above.errors![0]!.message).toContain('退回乡镇由案件所在县');
    const readOnly = await hub.token({ jurisdiction: village.slice(0, 6), scopes: ['read'], subject: 'county-return-reader' });
    expect(errorCode(await returnCase(readOnly, id, version))).toBe('FORBIDDEN');
    // Nothing changed.
    expect(await read(id)).toMatchObject({
      status: 'ESCALATED',
      handlingLevel: 'COUNTY',
      countyCase: { status: 'ACCEPTED', version },
      townshipCase: { status: 'ESCALATED' },
    });
  });

  it('refuses a case the county resolved or returned already, and one it never received', async () => {
    const { id, version } = await atCounty(true);
    const resolved = await mutate<{ version: number }>(
      hub,
      callers.county,
      `resolveCountyCase(disputeId: "${id}", version: ${version}, outcome: AGREEMENT) { version }`,
    );
    for (const v of [resolved.version, resolved.version + 2]) {
      const r = await returnCase(callers.county, id, v);
      expect(r.errors![0]!.extensions).toMatchObject({ code: 'INVALID_TRANSITION', status: 'RESOLVED', action: 'RETURN' });
      expect(r.errors![0]!.message).toContain('不能退回乡镇');
    }
    const other = await atCounty();
    const first = ok(await returnCase(callers.county, other.id, other.version)).returnCountyCase;
    const twice = await returnCase(callers.county, other.id, first.version, '另一个理由');
    expect(twice.errors![0]!.extensions).toMatchObject({ code: 'INVALID_TRANSITION', status: 'RETURNED', allowed: [] });
    expect(twice.errors![0]!.message).toContain('已退回乡镇的案件不能再次退回乡镇');
    // Held by the township, never escalated to the county: the county has no record of it.
    const { id: below, township } = await escalateToTownship(hub, callers, { gridCode: grid });
    expect(errorCode(await returnCase(callers.county, below, township.version))).toBe('NOT_FOUND');
  });
});
