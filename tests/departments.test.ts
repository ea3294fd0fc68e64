/**
 * 吹哨报到 with departments as callers: a township dispatches a case to
 * county departments, each named as `county.departments` names it, with
 * acknowledge (报到) and report (反馈) deadlines from the case's rule; the
 * department's own caller sees its inbox and acknowledges and reports itself
 * (nobody else may); a dispatch past a deadline is flagged overdue, and the
 * statistics count answers on time. Cases are reported in 卓尼县.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chinaDay } from '../domain/china-day.ts';
import { yearAgo } from '../domain/periods.ts';
import { Migration20261207000095DepartmentAnswers } from '../subgraphs/village/src/migrations/Migration20261207000095DepartmentAnswers.ts';
import { WRITE_COUNTY } from './setup/global.ts';
import { postImport, postJson, startHub, type TestHub } from './helpers/hub.ts';
import {
  asOwner,
  callersOf,
  deadlineRules,
  departmentToken,
  dispatchedCase,
  errorCode,
  inChinese,
  mutate,
  ok,
  pageAll,
  ruleFor,
  townshipCaseOf,
  villagesOf,
  waitFor,
  type Callers,
  type PageOf,
} from './helpers/cases.ts';

let hub: TestHub;
/** 藏巴哇镇 of 卓尼县. */
const TOWNSHIP = `${WRITE_COUNTY}104`;
let callers: Callers;
let gridCode: string;
beforeAll(async () => {
  hub = await startHub();
  const [village] = await villagesOf(hub, TOWNSHIP);
  callers = await callersOf(hub, village!.code);
  gridCode = village!.grids[0]!;
});
afterAll(() => hub?.stop());

const DISPATCH = `id departmentKind departmentName status dispatchedAt acknowledgeBy reportBy overdue acknowledgedAt reportedAt report
  withdrawnAt withdrawalReason townshipCase { caseNumber settleBy dispute { id } }`;
interface Dispatch {
  id: string;
  departmentKind: string;
  departmentName: string;
  status: string;
  dispatchedAt: string;
  acknowledgeBy: string;
  reportBy: string;
  overdue: boolean;
  acknowledgedAt: string | null;
  reportedAt: string | null;
  report: string | null;
  withdrawnAt: string | null;
  withdrawalReason: string | null;
  townshipCase: { caseNumber: string; settleBy: string; dispute: { id: string } };
}
interface DispatchStats {
  dispatched: number;
  acknowledged: number;
  acknowledgedOnTime: number;
  reported: number;
  reportedOnTime: number;
  overdue: number;
  withdrawn: number;
  onTimeRate: number;
}
type Filter = { status?: string[]; overdue?: boolean; caseNumber?: string };

/** A case escalated to the township, accepted there and dispatched to these departments. */
async function dispatched(kinds: string[], category = 'FOREST_GRASSLAND', scale = 'ORDINARY'): Promise<{ id: string; dispatches: Dispatch[] }> {
  const d = await dispatchedCase<Dispatch>(hub, callers, { gridCode, category, scale, summary: '草场确权争议，需自然资源部门核实' }, kinds, {
    select: DISPATCH,
    note: '请派员核实',
  });
  expect(d.status).toBe('ASSIGNED');
  return { id: d.id, dispatches: d.dispatches };
}

async function departmentInbox(token: string, filter: Filter = {}): Promise<Dispatch[]> {
  const all = await pageAll(async (after) => {
    const r = await hub.queryAs<{ departmentInbox: PageOf<Dispatch> }>(
      token,
      `query($f: DispatchFilter, $a: String) { departmentInbox(filter: $f, first: 100, after: $a) { totalCount nodes { ${DISPATCH} } pageInfo { hasNextPage endCursor } } }`,
      { f: filter, a: after },
    );
    return ok(r, 'departmentInbox').departmentInbox;
  });
  expect(all.nodes).toHaveLength(all.totalCount!);
  return all.nodes;
}

async function townshipDispatches(filter: Filter = {}): Promise<Dispatch[]> {
  const all = await pageAll(async (after) => {
    const r = await hub.queryAs<{ township: { dispatches: PageOf<Dispatch> } }>(
      callers.township,
      `query($f: DispatchFilter, $a: String) { township(code: "${TOWNSHIP}") { dispatches(filter: $f, first: 100, after: $a) { totalCount nodes { ${DISPATCH} } pageInfo { hasNextPage endCursor } } } }`,
      { f: filter, a: after },
    );
    return ok(r, 'Township.dispatches').township.dispatches;
  });
  expect(all.nodes).toHaveLength(all.totalCount!);
  return all.nodes;
}

const act = (token: string, m: string) => hub.queryAs<Record<string, Dispatch>>(token, `mutation { ${m} }`);

describe('吹哨报到: departments answer for themselves', () => {
  it('names each department as county.departments does, and sets its deadlines from the case’s rule, reporting by the township’s deadline', async () => {
    const { dispatches } = await dispatched(['NATURAL_RESOURCES', 'FORESTRY_GRASSLAND']);
    const county = ok(
      await hub.query<{ county: { departments: { kind: string; name: string }[] } }>(`{ county(code: "${WRITE_COUNTY}") { departments { kind name } } }`),
    ).county;
    const names = new Map(county.departments.map((d) => [d.kind, d.name]));
    expect(names.get('NATURAL_RESOURCES')).toBe('卓尼县自然资源局');
    const rule = ruleFor(await deadlineRules(), 'FOREST_GRASSLAND', 'ORDINARY');
    for (const d of dispatches) {
      expect(d.departmentName).toBe(names.get(d.departmentKind));
      expect(d.status).toBe('DISPATCHED');
      expect(Date.parse(d.acknowledgeBy) - Date.parse(d.dispatchedAt)).toBe(rule.contactMinutes * 60_000);
      // The rule's settle time from the dispatch, but no later than the township's own settle deadline, which the
      // escalation started a little before the dispatch.
      const settleBy = Date.parse(d.townshipCase.settleBy);
      expect(settleBy).toBeLessThan(Date.parse(d.dispatchedAt) + rule.settleHours * 3_600_000);
      expect(Date.parse(d.reportBy)).toBe(settleBy);
      expect(d.overdue).toBe(false);
    }
  });

  it('lets the department’s caller acknowledge and report; refuses the township and the county centre; another department and another county’s read it as missing', async () => {
    const { id, dispatches } = await dispatched(['NATURAL_RESOURCES']);
    const d = dispatches[0]!;
    const department = await departmentToken(WRITE_COUNTY, 'NATURAL_RESOURCES');

    const inbox = await departmentInbox(department);
    expect(inbox.filter((x) => x.id === d.id)).toHaveLength(1);
    expect(inbox.every((x) => x.departmentKind === 'NATURAL_RESOURCES' && x.townshipCase.caseNumber.startsWith(`${WRITE_COUNTY}-`))).toBe(true);
    expect((await departmentInbox(department, { status: ['DISPATCHED'] })).some((x) => x.id === d.id)).toBe(true);

    const refusals = {
      township: await act(callers.township, `acknowledgeDispatch(dispatchId: "${d.id}") { status }`),
      county: await act(callers.county, `acknowledgeDispatch(dispatchId: "${d.id}") { status }`),
      townshipReport: await act(callers.township, `reportDispatch(dispatchId: "${d.id}", report: "代为反馈") { status }`),
    };
    for (const [who, r] of Object.entries(refusals)) {
      expect(errorCode(r), who).toBe('FORBIDDEN');
      expect(r.errors![0]!.message, who).toMatch(/department/i);
    }
    // Another department of the county reads only its own dispatches: this one is as missing as an id that names
    // nothing, neither refused nor named as the 自然资源局's (an existence oracle over the county's dispatch ids).
    const otherKind = await departmentToken(WRITE_COUNTY, 'POLICE');
    const never = String(2_000_000_000 + Number(d.id));
    const missing = (r: Awaited<ReturnType<typeof act>>, dispatchId: string) => ({
      code: errorCode(r),
      message: r.errors?.[0]?.message.replace(dispatchId, '<id>'),
      extensions: { ...r.errors?.[0]?.extensions, code: undefined },
    });
    for (const step of ['acknowledgeDispatch(dispatchId: "%") { status }', 'reportDispatch(dispatchId: "%", report: "越权反馈") { status }']) {
      const other = missing(await act(otherKind, step.replace('%', d.id)), d.id);
      expect(other, step).toEqual(missing(await act(otherKind, step.replace('%', never)), never));
      expect(other.code, step).toBe('NOT_FOUND');
      expect(other.message, step).not.toMatch(/自然资源|NATURAL_RESOURCES/);
    }
    // Another county's department cannot reach it at all.
    const elsewhere = await act(await departmentToken('623021', 'NATURAL_RESOURCES'), `acknowledgeDispatch(dispatchId: "${d.id}") { status }`);
    expect(errorCode(elsewhere)).toBe('NOT_FOUND');
    // Only department callers have an inbox.
    expect(errorCode(await hub.queryAs(callers.township, `{ departmentInbox { totalCount } }`))).toBe('FORBIDDEN');

    const early = await act(department, `reportDispatch(dispatchId: "${d.id}", report: "x") { status }`);
    expect(errorCode(early)).toBe('INVALID_TRANSITION');
    expect(early.errors![0]!.extensions).toMatchObject({ status: 'DISPATCHED', allowed: ['DEPARTMENT_ACKNOWLEDGE'] });
    const ack = await act(department, `acknowledgeDispatch(dispatchId: "${d.id}", note: "已派员") { ${DISPATCH} }`);
    expect(ack.errors).toBeUndefined();
    expect(ack.data!.acknowledgeDispatch).toMatchObject({ status: 'ACKNOWLEDGED', overdue: false });
    expect(ack.data!.acknowledgeDispatch!.acknowledgedAt).not.toBeNull();
    // 报到 sent again (its answer lost) is answered with the dispatch as it is: no second step.
    const ackAgain = await act(department, `acknowledgeDispatch(dispatchId: "${d.id}", note: "已派员") { ${DISPATCH} }`);
    expect(ackAgain.errors).toBeUndefined();
    expect(ackAgain.data!.acknowledgeDispatch).toEqual(ack.data!.acknowledgeDispatch);
    const rep = await act(department, `reportDispatch(dispatchId: "${d.id}", report: "已现场核实草场界线") { ${DISPATCH} }`);
    expect(rep.errors).toBeUndefined();
    expect(rep.data!.reportDispatch).toMatchObject({ status: 'REPORTED', report: '已现场核实草场界线', overdue: false });
    // The same 反馈 sent again is answered the same way; another one is refused below.
    const repAgain = await act(department, `reportDispatch(dispatchId: "${d.id}", report: "已现场核实草场界线") { ${DISPATCH} }`);
    expect(repAgain.data!.reportDispatch).toEqual(rep.data!.reportDispatch);
    // 报到 after 反馈 is no retry of the last step: refused.
    expect(errorCode(await act(department, `acknowledgeDispatch(dispatchId: "${d.id}") { status }`))).toBe('INVALID_TRANSITION');
    const twice = await act(department, `reportDispatch(dispatchId: "${d.id}", report: "再次") { status }`);
    expect(errorCode(twice)).toBe('INVALID_TRANSITION');
    expect(twice.errors![0]!.message).toMatch(/already been reported/);

    // Called again: a department whose dispatch is still open is refused, and the case keeps its version and its
    // dispatches (no 吹哨 step that calls no one); one that has reported back may be called again.
    const caseNow = async () =>
      ok(
        await hub.queryAs<{ dispute: { townshipCase: { version: number; dispatches: { id: string; departmentKind: string; status: string }[] } } }>(
          callers.township,
          `{ dispute(id: "${id}") { townshipCase { version dispatches { id departmentKind status } } } }`,
        ),
      ).dispute.townshipCase;
    const police = await hub.queryAs(
      callers.township,
      `mutation { dispatchToDepartments(disputeId: "${id}", version: ${(await caseNow()).version}, departments: ["POLICE"]) { version } }`,
    );
    expect(police.errors).toBeUndefined();
    const before = await caseNow();
    const again = await hub.queryAs(
      callers.township,
      `mutation { dispatchToDepartments(disputeId: "${id}", version: ${before.version}, departments: ["NATURAL_RESOURCES", "POLICE"]) { version } }`,
    );
    expect(errorCode(again)).toBe('CONFLICT');
    expect(again.errors![0]!.extensions).toMatchObject({ argument: 'departments', departments: ['POLICE'] });
    // In Chinese the department is named by its name, not with its dispatch's status; an unknown one hears the
    // departments by their names, each with the code the field takes.
    const inChinese = (departments: string[]) =>
      postJson(
        hub.gatewayUrl,
        {
          query: `mutation($k: [String!]!) { dispatchToDepartments(disputeId: "${id}", version: ${before.version}, departments: $k) { version } }`,
          variables: { k: departments },
        },
        { authorization: `Bearer ${callers.township}`, 'accept-language': 'zh' },
      );
    expect((await inChinese(['NATURAL_RESOURCES', 'POLICE'])).errors![0]!.message).toMatch(/^本案已向卓尼县公安局吹哨，尚未反馈；/);
    const unknown = await inChinese(['FOO']);
    expect(errorCode(unknown)).toBe('BAD_USER_INPUT');
    expect(unknown.errors![0]!.message).toContain('未知的部门：FOO；可用的部门有：住房和城乡建设局（HOUSING）、公安局（POLICE）、');
    expect(await caseNow()).toEqual(before);
    const recall = await hub.queryAs(
      callers.township,
      `mutation { dispatchToDepartments(disputeId: "${id}", version: ${before.version}, departments: ["NATURAL_RESOURCES"], note: "请再次核实") { version } }`,
    );
    expect(recall.errors).toBeUndefined();
    const natural = (await caseNow()).dispatches.filter((x) => x.departmentKind === 'NATURAL_RESOURCES');
    expect(natural.map((x) => x.status).sort()).toEqual(['DISPATCHED', 'REPORTED']);
    const second = natural.find((x) => x.status === 'DISPATCHED')!;
    expect((await act(department, `acknowledgeDispatch(dispatchId: "${second.id}") { status }`)).errors).toBeUndefined();
    expect((await act(department, `reportDispatch(dispatchId: "${second.id}", report: "复核完毕") { status }`)).errors).toBeUndefined();
    const policeDispatch = (await caseNow()).dispatches.find((x) => x.departmentKind === 'POLICE')!;
    const policeToken = await departmentToken(WRITE_COUNTY, 'POLICE');
    expect((await act(policeToken, `acknowledgeDispatch(dispatchId: "${policeDispatch.id}") { status }`)).errors).toBeUndefined();
    expect((await act(policeToken, `reportDispatch(dispatchId: "${policeDispatch.id}", report: "已出警") { status }`)).errors).toBeUndefined();

    // The township's desk and the village record see the department's steps.
    const listed = (await townshipDispatches()).find((x) => x.id === d.id);
    expect(listed).toMatchObject({ status: 'REPORTED' });
    const steps = await waitFor(
      async () => {
        const t = ok(
          await hub.queryAs<{ dispute: { timeline: { level: string; action: string; seq: number | null }[] } }>(
            callers.village,
            `{ dispute(id: "${id}") { timeline { level action seq } } }`,
          ),
        ).dispute.timeline;
        return t.filter((s) => s.action === 'DEPARTMENT_REPORT').length === 3 ? t : null;
      },
      20_000,
      'the department steps on the village timeline',
    );
    expect(steps.filter((s) => s.level === 'TOWNSHIP').map((s) => s.action)).toEqual([
      'RECEIVE',
      'ACCEPT',
      'DISPATCH',
      'DEPARTMENT_ACKNOWLEDGE',
      'DEPARTMENT_REPORT',
      'DISPATCH',
      'DISPATCH',
      'DEPARTMENT_ACKNOWLEDGE',
      'DEPARTMENT_REPORT',
      'DEPARTMENT_ACKNOWLEDGE',
      'DEPARTMENT_REPORT',
    ]);
    expect(steps.map((s) => s.seq)).toEqual(steps.map((_, i) => i + 1));
  });

  it('keeps a case at the township until every department called on has reported back: no resolving, no escalating', async () => {
    const { id, dispatches } = await dispatched(['NATURAL_RESOURCES', 'FORESTRY_GRASSLAND']);
    const first = dispatches.find((d) => d.departmentKind === 'NATURAL_RESOURCES')!;
    const department = await departmentToken(WRITE_COUNTY, 'NATURAL_RESOURCES');
    expect((await act(department, `acknowledgeDispatch(dispatchId: "${first.id}") { status }`)).errors).toBeUndefined();
    expect((await act(department, `reportDispatch(dispatchId: "${first.id}", report: "已核实") { status }`)).errors).toBeUndefined();
    const version = ok(
      await hub.queryAs<{ dispute: { townshipCase: { version: number } } }>(callers.township, `{ dispute(id: "${id}") { townshipCase { version } } }`),
    ).dispute.townshipCase.version;
    const steps = {
      escalate: `escalateTownshipCase(disputeId: "${id}", version: ${version}, reason: "跨乡镇，需县级协调") { version }`,
      resolve: `resolveTownshipCase(disputeId: "${id}", version: ${version}, outcome: AGREEMENT) { version }`,
    };
    for (const [what, m] of Object.entries(steps)) {
      const r = await act(callers.township, m);
      expect(errorCode(r), what).toBe('INVALID_TRANSITION');
      const ext = r.errors![0]!.extensions as { pending: string[]; allowed: string[] };
      expect(ext.pending, what).toEqual(['FORESTRY_GRASSLAND']);
      expect(ext.allowed, what).not.toContain('RESOLVE');
      expect(ext.allowed, what).not.toContain('ESCALATE');
      expect(ext.allowed.length, what).toBeGreaterThan(0);
    }
  });

  it('lets the township withdraw (撤回) a dispatch its department never answered, so that the case can be resolved', async () => {
    const { id, dispatches } = await dispatched(['NATURAL_RESOURCES', 'FORESTRY_GRASSLAND']);
    const by = new Map(dispatches.map((d) => [d.departmentKind, d]));
    const natural = await departmentToken(WRITE_COUNTY, 'NATURAL_RESOURCES');
    const forestry = await departmentToken(WRITE_COUNTY, 'FORESTRY_GRASSLAND');
    ok(await act(natural, `acknowledgeDispatch(dispatchId: "${by.get('NATURAL_RESOURCES')!.id}") { status }`));
    ok(await act(natural, `reportDispatch(dispatchId: "${by.get('NATURAL_RESOURCES')!.id}", report: "已核实") { status }`));
    const silent = by.get('FORESTRY_GRASSLAND')!;
    const caseNow = async () =>
      ok(
        await hub.queryAs<{ dispute: { townshipCase: { version: number; status: string; dispatches: Dispatch[] } } }>(
          callers.township,
          `{ dispute(id: "${id}") { townshipCase { version status dispatches { ${DISPATCH} } } } }`,
        ),
      ).dispute.townshipCase;
    let c = await caseNow();
    const resolve = (v: number) => act(callers.township, `resolveTownshipCase(disputeId: "${id}", version: ${v}, outcome: AGREEMENT) { version status }`);
    const refused = await resolve(c.version);
    expect(errorCode(refused)).toBe('INVALID_TRANSITION');
    expect(refused.errors![0]!.extensions).toMatchObject({ pending: ['FORESTRY_GRASSLAND'], dispatches: [silent.id] });
    expect((refused.errors![0]!.extensions as { allowed: string[] }).allowed).toContain('WITHDRAW_DISPATCH');
    expect(refused.errors![0]!.message).toMatch(/withdrawn/);

    const withdraw = (dispatchId: string, version: number, token = callers.township, reason = '部门逾期未报到，改由乡镇协调') =>
      act(token, `withdrawDispatch(dispatchId: "${dispatchId}", version: ${version}, reason: "${reason}") { version status dispatches { ${DISPATCH} } }`);
    // Not the department's to take back, not on a stale version, not a dispatch already answered, not another township's.
    const byDepartment = await withdraw(silent.id, c.version, forestry);
    expect(errorCode(byDepartment)).toBe('FORBIDDEN');
    expect(byDepartment.errors![0]!.extensions).toMatchObject({ department: 'FORESTRY_GRASSLAND' });
    expect(errorCode(await withdraw(silent.id, c.version - 1))).toBe('CONFLICT');
    const answered = await withdraw(by.get('NATURAL_RESOURCES')!.id, c.version);
    expect(errorCode(answered)).toBe('INVALID_TRANSITION');
    expect(answered.errors![0]!.extensions).toMatchObject({ status: 'REPORTED', allowed: [] });
    const otherTownship = await hub.token({ jurisdiction: `${WRITE_COUNTY}100`, scopes: ['read', 'write'] });
    expect(['FORBIDDEN', 'NOT_FOUND']).toContain(errorCode(await withdraw(silent.id, c.version, otherTownship)));
    expect(errorCode(await withdraw('not-a-number', c.version))).toBe('BAD_USER_INPUT');
    expect(await caseNow()).toEqual(c);

    // Past its deadlines, the silent dispatch is overdue until it is withdrawn; a withdrawn one waits on no one.
    await asOwner('township', (db) =>
      db.query(`update dispatch set acknowledge_by = now() - interval '2 hours', report_by = now() - interval '1 hour' where id = $1::int`, [silent.id]),
    );
    expect((await caseNow()).dispatches.find((d) => d.id === silent.id)).toMatchObject({ status: 'DISPATCHED', overdue: true });
    const taken = await withdraw(silent.id, c.version);
    expect(taken.errors).toBeUndefined();
    const after = taken.data!.withdrawDispatch as unknown as { version: number; status: string; dispatches: Dispatch[] };
    expect(after.version).toBe(c.version + 1);
    expect(after.status).toBe(c.status);
    const gone = after.dispatches.find((d) => d.id === silent.id)!;
    expect(gone).toMatchObject({ status: 'WITHDRAWN', overdue: false, withdrawalReason: '部门逾期未报到，改由乡镇协调' });
    expect(gone.withdrawnAt).not.toBeNull();
    expect((await townshipDispatches({ overdue: true })).some((d) => d.id === silent.id)).toBe(false);
    expect((await townshipDispatches({ status: ['WITHDRAWN'] })).map((d) => d.id)).toContain(silent.id);
    // The department learns it need not answer; the township cannot take it back twice.
    const late = await act(forestry, `acknowledgeDispatch(dispatchId: "${silent.id}") { status }`);
    expect(errorCode(late)).toBe('INVALID_TRANSITION');
    expect(late.errors![0]!.message).toMatch(/withdrew/);
    expect(errorCode(await withdraw(silent.id, after.version))).toBe('INVALID_TRANSITION');
    // The same withdrawal sent again from the version it was taken on (its answer lost) is answered with the case as it
    // is; from that stale copy with another reason, it hears it is stale before it hears the dispatch is gone.
    const resent = await withdraw(silent.id, c.version);
    expect(resent.errors).toBeUndefined();
    expect(resent.data!.withdrawDispatch).toMatchObject({ version: after.version });
    expect(errorCode(await withdraw(silent.id, c.version, callers.township, '另一理由'))).toBe('CONFLICT');

    // The department may be called on again, and its new dispatch withdrawn again. Called during mediation, the case
    // stays in mediation.
    const mediating = ok(
      await act(callers.township, `recordTownshipMediation(disputeId: "${id}", version: ${after.version}, note: "乡镇组织双方调解") { version status }`),
    ).recordTownshipMediation as unknown as { version: number; status: string };
    expect(mediating.status).toBe('MEDIATING');
    const recalled = await hub.queryAs<{ dispatchToDepartments: { version: number; status: string; dispatches: Dispatch[] } }>(
      callers.township,
      `mutation { dispatchToDepartments(disputeId: "${id}", version: ${mediating.version}, departments: ["FORESTRY_GRASSLAND"]) { version status dispatches { ${DISPATCH} } } }`,
    );
    expect(ok(recalled).dispatchToDepartments.status).toBe('MEDIATING');
    const again = ok(recalled).dispatchToDepartments.dispatches.find((d) => d.departmentKind === 'FORESTRY_GRASSLAND' && d.status === 'DISPATCHED')!;
    expect(again.id).not.toBe(silent.id);
    c = await caseNow();
    // A refusal lists 撤回吹哨 among the steps left only while a dispatch is open to withdraw, and 化解 and 上报 only
    // once none is: they would be refused until the department reports back.
    const acceptAgain = async (v: number) =>
      (await act(callers.township, `acceptTownshipCase(disputeId: "${id}", version: ${v}) { version }`)).errors![0]!.extensions as { allowed: string[] };
    const open = await acceptAgain(c.version);
    expect(open.allowed).toContain('WITHDRAW_DISPATCH');
    expect(open.allowed).not.toContain('RESOLVE');
    expect(open.allowed).not.toContain('ESCALATE');
    expect(ok(await withdraw(again.id, c.version)).withdrawDispatch).toMatchObject({ version: c.version + 1 });
    const none = await acceptAgain(c.version + 1);
    expect(none.allowed).not.toContain('WITHDRAW_DISPATCH');
    expect(none.allowed).toContain('RESOLVE');
    const resolved = await resolve(c.version + 1);
    expect(resolved.errors).toBeUndefined();
    expect(resolved.data!.resolveTownshipCase).toMatchObject({ status: 'RESOLVED' });

    // The village record's timeline tells the story in the case's order, with the reason.
    const timeline = await waitFor(
      async () => {
        const t = ok(
          await hub.queryAs<{ dispute: { timeline: { level: string; action: string; actor: string; note: string | null; seq: number | null }[] } }>(
            callers.village,
            `{ dispute(id: "${id}") { timeline { level action actor note seq } } }`,
          ),
        ).dispute.timeline;
        return t.some((s) => s.action === 'RESOLVE' && s.level === 'TOWNSHIP') ? t : null;
      },
      20_000,
      'the township’s resolution on the village timeline',
    );
    const withdrawals = timeline.filter((s) => s.action === 'WITHDRAW_DISPATCH');
    expect(withdrawals).toHaveLength(2);
    // The department by its name (no dispatch status), the action (撤回吹哨) not repeated in the note.
    expect(withdrawals[0]!.note).toBe('卓尼县林业和草原局 — 部门逾期未报到，改由乡镇协调');
    expect(timeline.find((s) => s.action === 'DISPATCH')!.note).toBe('卓尼县自然资源局、卓尼县林业和草原局 — 请派员核实');
    expect(timeline.map((s) => s.seq)).toEqual(timeline.map((_, i) => i + 1));
    // The township that received the case is named (every township's centre is a 综治中心).
    expect(timeline.find((s) => s.level === 'TOWNSHIP' && s.action === 'RECEIVE')!.actor).toBe('藏巴哇镇综治中心');
  });

  it('lets a department read a case only through a dispatch it still holds: one withdrawn from it (派错部门) opens nothing', async () => {
    const { id, dispatches } = await dispatched(['HOUSING', 'NATURAL_RESOURCES']);
    const housing = await departmentToken(WRITE_COUNTY, 'HOUSING');
    const natural = await departmentToken(WRITE_COUNTY, 'NATURAL_RESOURCES');
    const mistaken = dispatches.find((d) => d.departmentKind === 'HOUSING')!;
    const reads = async (token: string) =>
      (await hub.queryAs<{ dispute: { id: string; timeline: { action: string }[] } | null }>(token, `{ dispute(id: "${id}") { id timeline { action note } } }`))
        .data?.dispute ?? null;
    const steps = async () =>
      ok(
        await hub.queryAs<{ dispute: { townshipCase: { version: number }; timeline: { action: string }[] } }>(
          callers.village,
          `{ dispute(id: "${id}") { townshipCase { version } timeline { action } } }`,
        ),
      ).dispute;
    expect(await reads(housing)).not.toBeNull();
    const withdrawn = ok(
      await act(
        callers.township,
        `withdrawDispatch(dispatchId: "${mistaken.id}", version: ${(await steps()).townshipCase.version}, reason: "派错部门") { version }`,
      ),
    ).withdrawDispatch as unknown as { version: number };
    await waitFor(async () => (await steps()).timeline.some((s) => s.action === 'WITHDRAW_DISPATCH'), 20_000, 'the withdrawal on the village timeline');
    // Neither the case by its id (no parties, no later steps) nor the dispatch as its work; the other department keeps both.
    // Asked for by status, the withdrawn dispatch is listed (its figures count it as 撤回), its case still closed.
    expect(await reads(housing)).toBeNull();
    expect((await departmentInbox(housing)).some((d) => d.id === mistaken.id)).toBe(false);
    expect((await departmentInbox(housing, { status: ['WITHDRAWN'] })).filter((d) => d.id === mistaken.id).map((d) => d.status)).toEqual(['WITHDRAWN']);
    expect(await reads(housing)).toBeNull();
    // Through the withdrawn dispatch the township's record names the case, not the words that describe it and its people.
    const record = async (token: string, filter: Filter) =>
      ok(
        await hub.queryAs<{ departmentInbox: { nodes: { id: string; townshipCase: { caseNumber: string; summary: string; assignee: string | null } }[] } }>(
          token,
          `query($f: DispatchFilter) { departmentInbox(filter: $f, first: 100) { nodes { id townshipCase { caseNumber summary assignee dispute { id } } } } }`,
          { f: filter },
        ),
      ).departmentInbox.nodes.find((d) => d.townshipCase.caseNumber === mistaken.townshipCase.caseNumber)?.townshipCase;
    const closed = await record(housing, { status: ['WITHDRAWN'] });
    expect(closed).toMatchObject({ summary: '', assignee: null });
    expect(closed!.caseNumber).toMatch(/\d/);
    expect((await record(natural, {}))!.summary).not.toBe('');
    expect(await reads(natural)).not.toBeNull();
    expect((await departmentInbox(natural)).map((d) => d.townshipCase.dispute.id)).toContain(id);
    // Called on again (rightly this time), the department holds the case again.
    ok(
      await hub.queryAs(
        callers.township,
        `mutation { dispatchToDepartments(disputeId: "${id}", version: ${withdrawn.version}, departments: ["HOUSING"]) { version } }`,
      ),
    );
    await waitFor(async () => (await steps()).timeline.filter((s) => s.action === 'DISPATCH').length === 2, 20_000, 'the second 吹哨 on the village timeline');
    expect((await reads(housing))!.id).toBe(id);
    expect((await departmentInbox(housing)).filter((d) => d.townshipCase.dispute.id === id).map((d) => d.status)).toEqual(['DISPATCHED']);
    // Holding the case again, it reads the record through the withdrawn dispatch too.
    expect((await record(housing, { status: ['WITHDRAWN'] }))!.summary).not.toBe('');
  });

  it('shows a department of a case’s 吹哨报到 steps only its own: not whom else the township called, their 报到, 反馈 or withdrawal', async () => {
    const { id, dispatches } = await dispatched(['HOUSING', 'NATURAL_RESOURCES']);
    const housing = await departmentToken(WRITE_COUNTY, 'HOUSING');
    const natural = await departmentToken(WRITE_COUNTY, 'NATURAL_RESOURCES');
    const mine = dispatches.find((d) => d.departmentKind === 'HOUSING')!;
    ok(await act(housing, `acknowledgeDispatch(dispatchId: "${mine.id}", note: "住建局已派员到场") { status }`));
    ok(await act(housing, `reportDispatch(dispatchId: "${mine.id}", report: "住建局核实：房屋无安全隐患") { status }`));
    // A second 吹哨 to the 教育局 alone, taken back as sent by mistake.
    const education = (
      await mutate<{ dispatches: Dispatch[] }>(
        hub,
        callers.township,
        `dispatchToDepartments(disputeId: "${id}", version: ${(await townshipCaseOf(hub, callers.township, id)).version}, departments: ["EDUCATION"], note: "请教育局协助") { dispatches { ${DISPATCH} } }`,
      )
    ).dispatches.find((d) => d.departmentKind === 'EDUCATION')!;
    ok(
      await act(
        callers.township,
        `withdrawDispatch(dispatchId: "${education.id}", version: ${(await townshipCaseOf(hub, callers.township, id)).version}, reason: "派错部门") { version }`,
      ),
    );
    type Timeline = { dispute: { timeline: { action: string; actor: string; note: string | null }[] } | null };
    const timeline = async (token: string) =>
      ok(await hub.queryAs<Timeline>(token, `{ dispute(id: "${id}") { timeline { action actor note } } }`)).dispute!.timeline;
    await waitFor(
      async () => (await timeline(callers.township)).some((s) => s.action === 'WITHDRAW_DISPATCH'),
      20_000,
      'the withdrawal on the village timeline',
    );
    const ofDispatch = (steps: Awaited<ReturnType<typeof timeline>>) =>
      steps.filter((s) => ['DISPATCH', 'DEPARTMENT_ACKNOWLEDGE', 'DEPARTMENT_REPORT', 'WITHDRAW_DISPATCH'].includes(s.action));
    // The township's desk reads every step of every department it called.
    expect(ofDispatch(await timeline(callers.township)).map((s) => s.action)).toEqual([
      'DISPATCH',
      'DEPARTMENT_ACKNOWLEDGE',
      'DEPARTMENT_REPORT',
      'DISPATCH',
      'WITHDRAW_DISPATCH',
    ]);
    // The 住建局: the 吹哨 that named it and its own 报到 and 反馈; not the 教育局's 吹哨 nor its withdrawal.
    const seenByHousing = ofDispatch(await timeline(housing));
    expect(seenByHousing.map((s) => s.action)).toEqual(['DISPATCH', 'DEPARTMENT_ACKNOWLEDGE', 'DEPARTMENT_REPORT']);
    expect(JSON.stringify(await timeline(housing))).not.toMatch(/教育局|派错部门/);
    // The 自然资源局, called by the same 吹哨: that step, and nothing the 住建局 or the 教育局 did or were told.
    const seenByNatural = await timeline(natural);
    expect(ofDispatch(seenByNatural).map((s) => s.action)).toEqual(['DISPATCH']);
    expect(JSON.stringify(seenByNatural)).not.toMatch(/已派员到场|房屋无安全隐患|教育局|派错部门/);
    expect(seenByNatural.some((s) => s.actor.includes('住房和城乡建设局'))).toBe(false);
    // The 报到 and 反馈 name their department by kind on the village record, as the 吹哨 and the withdrawal do.
    const answers = `select action, departments from dispute_step
                      where dispute_id = '${id}' and action in ('DEPARTMENT_ACKNOWLEDGE', 'DEPARTMENT_REPORT') order by seq`;
    const recorded = await asOwner('village', async (c) => (await c.query<{ action: string; departments: string[] | null }>(answers)).rows);
    expect(recorded).toEqual([
      { action: 'DEPARTMENT_ACKNOWLEDGE', departments: ['HOUSING'] },
      { action: 'DEPARTMENT_REPORT', departments: ['HOUSING'] },
    ]);
    // Recorded before they named it, they are matched to it by their actor among the departments the case's 吹哨 called.
    const migration = new Migration20261207000095DepartmentAnswers({} as never, {} as never);
    await migration.up();
    await asOwner('village', async (c) => {
      await c.query('begin');
      try {
        await c.query(`alter table dispute_step disable trigger dispute_step_moves_only`);
        await c.query(`update dispute_step set departments = null where dispute_id = '${id}' and action in ('DEPARTMENT_ACKNOWLEDGE', 'DEPARTMENT_REPORT')`);
        await c.query(`alter table dispute_step enable trigger dispute_step_moves_only`);
        for (const q of migration.getQueries()) await c.query(String(q));
        expect((await c.query(answers)).rows).toEqual(recorded);
      } finally {
        await c.query('rollback');
      }
    });
    // Kept by the kind, not by the actor's text: a 报到 and 反馈 written under another name stay the 住建局's alone.
    await asOwner('village', async (c) => {
      await c.query('begin');
      await c.query(`alter table dispute_step disable trigger dispute_step_moves_only`);
      await c.query(
        `update dispute_step set actor = '住建局（值班员）' where dispute_id = '${id}' and action in ('DEPARTMENT_ACKNOWLEDGE', 'DEPARTMENT_REPORT')`,
      );
      await c.query(`alter table dispute_step enable trigger dispute_step_moves_only`);
      await c.query('commit');
    });
    expect(ofDispatch(await timeline(housing)).map((s) => [s.action, s.actor])).toEqual([
      ['DISPATCH', expect.any(String)],
      ['DEPARTMENT_ACKNOWLEDGE', '住建局（值班员）'],
      ['DEPARTMENT_REPORT', '住建局（值班员）'],
    ]);
    expect(ofDispatch(await timeline(natural)).map((s) => s.action)).toEqual(['DISPATCH']);
  });

  it('finds a case’s dispatches by its number (案件编号), in the department’s inbox and the township’s list alike', async () => {
    const { id, dispatches } = await dispatched(['HOUSING', 'NATURAL_RESOURCES']);
    const number = dispatches[0]!.townshipCase.caseNumber;
    const housing = await departmentToken(WRITE_COUNTY, 'HOUSING');
    const police = await departmentToken(WRITE_COUNTY, 'POLICE');
    // A clerk knows the case by its number: the department's own dispatch of it, with the case it carries.
    const mine = await departmentInbox(housing, { caseNumber: number });
    expect(mine.map((d) => [d.id, d.townshipCase.dispute.id])).toEqual([[dispatches.find((d) => d.departmentKind === 'HOUSING')!.id, id]]);
    // Written as people type it (full-width digits, a long dash), it reads as the case lists read it.
    const typed = number.replace(/\d/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).replace(/-/g, '—');
    expect((await departmentInbox(housing, { caseNumber: typed })).map((d) => d.id)).toEqual(mine.map((d) => d.id));
    // Another department was not called on: nothing, not a refusal.
    expect(await departmentInbox(police, { caseNumber: number })).toEqual([]);
    expect((await townshipDispatches({ caseNumber: number })).map((d) => d.departmentKind).sort()).toEqual(['HOUSING', 'NATURAL_RESOURCES']);
    // A blank number is no filter; one of another shape names the argument.
    expect((await departmentInbox(housing, { caseNumber: ' ' })).length).toBeGreaterThanOrEqual(1);
    // The township's list of its dispatches is its 综治中心's (and the county's), not the department's nor a village's.
    const list = await inChinese(hub, housing, `{ township(code: "${TOWNSHIP}") { dispatches(filter: { caseNumber: "${number}" }) { totalCount } } }`);
    expect(errorCode(list)).toBe('FORBIDDEN');
    expect(list.errors![0]!.extensions).toMatchObject({ department: 'HOUSING' });
    expect(list.errors![0]!.message).toContain('吹哨列表由乡镇、县综治中心读取');
    expect(list.errors![0]!.message).not.toContain('村（社区）');
    const bad = await hub.queryAs(housing, `{ departmentInbox(filter: { caseNumber: "12" }) { totalCount } }`);
    expect(errorCode(bad)).toBe('BAD_USER_INPUT');
    expect(bad.errors![0]!.extensions).toMatchObject({ argument: 'filter.caseNumber' });
  });

  it('names the township’s and the county’s 综治中心 on the demo cases’ timelines, as a live escalation does', async () => {
    const reader = await hub.token({ jurisdiction: '623021', scopes: ['read'], subject: 'demo-centres' });
    type Demo = {
      caseNumber: string;
      village: { township: { name: string; county: { name: string } } };
      timeline: { level: string; action: string; actor: string }[];
    };
    const demo = ok(
      await hub.queryAs<{ county: { disputes: { nodes: Demo[] } } }>(
        reader,
        `{ county(code: "623021") { disputes(filter: { handlingLevel: COUNTY }, first: 20) { nodes { caseNumber village { township { name county { name } } } timeline { level action actor } } } } }`,
      ),
    ).county.disputes.nodes;
    expect(demo.length).toBeGreaterThan(0);
    for (const c of demo) {
      const receivedBy = (level: string) => c.timeline.find((s) => s.level === level && s.action === 'RECEIVE')?.actor;
      expect(receivedBy('TOWNSHIP'), c.caseNumber).toBe(`${c.village.township.name}综治中心`);
      expect(receivedBy('COUNTY'), c.caseNumber).toBe(`${c.village.township.county.name}综治中心`);
      expect(c.timeline.filter((s) => s.actor === '乡镇综治中心' || s.actor === '县综治中心')).toEqual([]);
    }
  });

  it('keeps a department to its own dispatches: no village step, report, 督办, registry change or import, at any level', async () => {
    const { id } = await dispatched(['HOUSING']);
    const department = await departmentToken(WRITE_COUNTY, 'HOUSING', ['read', 'write', 'pii', 'admin']);
    const village = ok(await hub.queryAs<{ dispute: { version: number } }>(callers.village, `{ dispute(id: "${id}") { version } }`)).dispute;
    const attempts = {
      report: await act(
        department,
        `reportDispute(idempotencyKey: "dept-${id}", input: { gridCode: "${gridCode}", category: FAMILY, scale: ORDINARY, source: WALK_IN,
          summary: "部门代报", parties: [{ name: "李某", role: APPLICANT }] }) { id }`,
      ),
      villageStep: await act(department, `recordMediation(id: "${id}", version: ${village.version}, note: "部门调解") { id }`),
      supervise: await act(department, `superviseDispute(id: "${id}", note: "请加快办理") { id }`),
      townshipStep: await act(department, `resolveTownshipCase(disputeId: "${id}", version: 1, outcome: AGREEMENT) { version }`),
      target: await act(department, `setAssessmentTarget(indicator: RESOLUTION_RATE, divisionCode: "${WRITE_COUNTY}", year: 2026, target: 0.5) { target }`),
      register: await act(
        department,
        `registerPerson(input: { name: "部门登记", gender: MALE, birthDate: "1980-01-01", ethnicity: "汉族", residency: REGISTERED, gridCode: "${gridCode}" }) { id }`,
      ),
    };
    for (const [what, r] of Object.entries(attempts)) {
      expect(errorCode(r), what).toBe('FORBIDDEN');
      expect(r.errors![0]!.extensions, what).toMatchObject({ department: 'HOUSING' });
    }
    const file = await postImport(
      new URL(hub.gatewayUrl).origin,
      department,
      'residents',
      `name,ethnicity,residency,grid_code\n部门导入,汉族,REGISTERED,${gridCode}\n`,
      `dept-${id}`,
    );
    expect(file.status).toBe(403);
    const refusedFile = await fetch(new URL(`/import/residents?job=dept-body-${id}`, new URL(hub.gatewayUrl).origin), {
      method: 'POST',
      headers: { authorization: `Bearer ${department}`, 'content-type': 'text/csv' },
      body: `name\n部门导入\n`,
    });
    expect(((await refusedFile.json()) as { errors: { extensions: Record<string, unknown> }[] }).errors[0]!.extensions).toMatchObject({
      code: 'FORBIDDEN',
      department: 'HOUSING',
    });
    // A grid's token reports cases; a case's steps are the village's, and the refusal says so.
    const grid = await hub.token({ jurisdiction: gridCode, scopes: ['read', 'write'] });
    const gridStep = await act(grid, `recordMediation(id: "${id}", version: ${village.version}, note: "网格员调解") { id }`);
    expect(errorCode(gridStep)).toBe('FORBIDDEN');
    expect(gridStep.errors![0]!.message).toMatch(/village .* or above|村级.*或以上/);
    // Nothing above was written: no step of the department's on the case, no 督办, no resident.
    const after = ok(
      await hub.queryAs<{ dispute: { underSupervision: boolean; timeline: { actor: string }[] } }>(
        callers.village,
        `{ dispute(id: "${id}") { underSupervision timeline { actor } } }`,
      ),
    ).dispute;
    expect(after.underSupervision).toBe(false);
    expect(after.timeline.filter((s) => s.actor.includes('HOUSING'))).toEqual([]);

    // It reads its dispatches and their cases, and nothing else of the county: no residents, no list of cases, no
    // export, no change feed, whatever scopes its token carries.
    const own = await hub.queryAs<{ departmentInbox: { nodes: { townshipCase: { dispute: { id: string; summary: string } } }[] } }>(
      department,
      `{ departmentInbox(first: 100) { nodes { townshipCase { dispute { id summary } } } } }`,
    );
    expect(own.errors).toBeUndefined();
    expect(own.data!.departmentInbox.nodes.map((n) => n.townshipCase.dispute.id)).toContain(id);
    expect(ok(await hub.queryAs<{ dispute: { id: string } | null }>(department, `{ dispute(id: "${id}") { id } }`)).dispute).toEqual({ id });
    // A case of the county dispatched to another department, or to none, reads as missing by its id; early warnings
    // give it their figures, not the cases they count.
    const { id: police } = await dispatched(['POLICE']);
    const reported = ok(
      await hub.queryAs<{ reportDispute: { id: string } }>(
        callers.village,
        `mutation { reportDispute(idempotencyKey: "not-dispatched-${id}", input: { gridCode: "${gridCode}", category: FAMILY, scale: ORDINARY,
          source: WALK_IN, summary: "家庭内部赡养纠纷", parties: [{ name: "王某", role: APPLICANT }] }) { id } }`,
      ),
    ).reportDispute;
    for (const other of [police, reported.id]) {
      expect(ok(await hub.queryAs<{ dispute: unknown }>(department, `{ dispute(id: "${other}") { id summary parties { name } } }`)).dispute).toBeNull();
    }
    const warnings = ok(
      await hub.queryAs<{ riskSignals: { nodes: { facts: { value: number; caseNumbers: string[]; disputes: unknown[] }[] }[] } }>(
        department,
        `{ riskSignals(within: "${WRITE_COUNTY}", period: "${chinaDay().slice(0, 4)}", first: 100) { nodes { facts { value caseNumbers disputes { id } } } } }`,
      ),
    ).riskSignals.nodes.flatMap((n) => n.facts);
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings.flatMap((f) => [...f.caseNumbers, ...f.disputes])).toEqual([]);
    const reads = {
      residents: await hub.queryAs(department, `{ village(code: "${gridCode.slice(0, 12)}") { residents(first: 1) { nodes { id } } } }`),
      cases: await hub.queryAs(department, `{ county(code: "${WRITE_COUNTY}") { disputes(first: 1) { nodes { id } } } }`),
      lookup: await hub.queryAs(department, `{ personByIdNumber(idNumber: "623021199001011234") { id } }`),
      feed: await hub.queryAs(department, `{ changes(first: 1) { nodes { cursor } } }`),
    };
    for (const [what, r] of Object.entries(reads)) {
      expect(errorCode(r), what).toBe('FORBIDDEN');
      expect(r.errors![0]!.extensions, what).toMatchObject({ department: 'HOUSING' });
    }
    const exported = await fetch(new URL(`/export/residents.csv?within=${WRITE_COUNTY}`, new URL(hub.gatewayUrl).origin), {
      headers: { authorization: `Bearer ${department}` },
    });
    expect(exported.status).toBe(403);
    // Statistics stay open to it: figures hold no one's record.
    const stats = await hub.queryAs(department, `{ county(code: "${WRITE_COUNTY}") { population { residents } } }`);
    expect(stats.errors).toBeUndefined();
  });

  it('orders a department’s inbox by what it owes next (DUE_FIRST), overdue first and what it answered last, page by page', async () => {
    const education = await departmentToken(WRITE_COUNTY, 'EDUCATION');
    const late = (await dispatched(['EDUCATION'])).dispatches[0]!;
    const acked = (await dispatched(['EDUCATION'])).dispatches[0]!;
    const answered = (await dispatched(['EDUCATION'])).dispatches[0]!;
    ok(await act(education, `acknowledgeDispatch(dispatchId: "${acked.id}") { status }`));
    ok(await act(education, `acknowledgeDispatch(dispatchId: "${answered.id}") { status }`));
    ok(await act(education, `reportDispatch(dispatchId: "${answered.id}", report: "已核实") { status }`));
    await asOwner('township', (c) => c.query(`update dispatch set acknowledge_by = now() - interval '1 hour' where id = $1::int`, [late.id]));
    const dueFirst = await pageAll(async (after) => {
      const r = await hub.queryAs<{ departmentInbox: PageOf<Dispatch> }>(
        education,
        `query($a: String) { departmentInbox(orderBy: DUE_FIRST, first: 2, after: $a) { totalCount nodes { ${DISPATCH} } pageInfo { hasNextPage endCursor } } }`,
        { a: after },
      );
      return ok(r, 'departmentInbox').departmentInbox;
    });
    // What is owed next: 报到 by acknowledgeBy while not acknowledged, 反馈 by reportBy once acknowledged; done ones last.
    const owed = (d: Dispatch) =>
      d.status === 'DISPATCHED'
        ? Math.min(Date.parse(d.acknowledgeBy), Date.parse(d.reportBy))
        : d.status === 'ACKNOWLEDGED'
          ? Date.parse(d.reportBy)
          : Infinity;
    const times = dueFirst.nodes.map(owed);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const ids = dueFirst.nodes.map((d) => d.id);
    expect(ids.indexOf(late.id)).toBeLessThan(ids.indexOf(acked.id));
    expect(ids.indexOf(acked.id)).toBeLessThan(ids.indexOf(answered.id));
    expect(dueFirst.nodes.filter((d) => d.status === 'REPORTED').map((d) => d.id)).toContain(answered.id);
    expect(new Set(ids)).toEqual(new Set((await departmentInbox(education)).map((d) => d.id)));
  });

  it('flags a dispatch past its acknowledge or report deadline as overdue, in its fields, its lists’ filters and the statistics', async () => {
    const { dispatches } = await dispatched(['POLICE', 'HOUSING', 'JUSTICE', 'CIVIL_AFFAIRS']);
    const by = new Map(dispatches.map((d) => [d.departmentKind, d]));
    const ackAndReport = async (kind: string, report: boolean) => {
      const token = await departmentToken(WRITE_COUNTY, kind);
      ok(await act(token, `acknowledgeDispatch(dispatchId: "${by.get(kind)!.id}") { status }`));
      if (report) ok(await act(token, `reportDispatch(dispatchId: "${by.get(kind)!.id}", report: "已反馈") { status }`));
    };
    await ackAndReport('HOUSING', false); // acknowledged, report still due
    await ackAndReport('JUSTICE', true); // reported
    // POLICE: never acknowledged, acknowledge deadline passed. HOUSING: acknowledged, but the report deadline passed.
    // JUSTICE: reported, both deadlines since passed. CIVIL_AFFAIRS: acknowledge deadline passed, report deadline ahead, still DISPATCHED.
    await asOwner('township', async (c) => {
      await c.query(`update dispatch set acknowledge_by = now() - interval '2 hours', report_by = now() - interval '1 hour' where id = any($1::int[])`, [
        [by.get('POLICE')!.id, by.get('HOUSING')!.id, by.get('JUSTICE')!.id],
      ]);
      await c.query(`update dispatch set acknowledge_by = now() - interval '2 hours' where id = $1::int`, [by.get('CIVIL_AFFAIRS')!.id]);
    });
    const listed = new Map((await townshipDispatches()).map((d) => [d.id, d]));
    expect(listed.get(by.get('POLICE')!.id)).toMatchObject({ status: 'DISPATCHED', overdue: true });
    expect(listed.get(by.get('HOUSING')!.id)).toMatchObject({ status: 'ACKNOWLEDGED', overdue: true });
    expect(listed.get(by.get('JUSTICE')!.id)).toMatchObject({ status: 'REPORTED', overdue: false });
    expect(listed.get(by.get('CIVIL_AFFAIRS')!.id)).toMatchObject({ status: 'DISPATCHED', overdue: true });

    const late = await townshipDispatches({ overdue: true });
    expect(late.every((d) => d.overdue)).toBe(true);
    const lateIds = late.map((d) => d.id);
    for (const k of ['POLICE', 'HOUSING', 'CIVIL_AFFAIRS']) expect(lateIds, k).toContain(by.get(k)!.id);
    expect(lateIds).not.toContain(by.get('JUSTICE')!.id);
    const onTime = await townshipDispatches({ overdue: false });
    expect(onTime.every((d) => !d.overdue)).toBe(true);
    expect(onTime.map((d) => d.id)).toContain(by.get('JUSTICE')!.id);
    expect(onTime.length + late.length).toBe(listed.size);

    const police = await departmentToken(WRITE_COUNTY, 'POLICE');
    const policeLate = await departmentInbox(police, { overdue: true });
    expect(policeLate.find((d) => d.id === by.get('POLICE')!.id)).toMatchObject({ overdue: true, departmentName: '卓尼县公安局' });
    expect(policeLate.every((d) => d.overdue && d.departmentKind === 'POLICE')).toBe(true);
    expect((await departmentInbox(police, { overdue: false })).some((d) => d.id === by.get('POLICE')!.id)).toBe(false);

    // Statistics of the days around now agree with counting the township's dispatches of those days one by one.
    const day = (offset: number) => new Date(Date.now() + 8 * 3_600_000 + offset * 86_400_000).toISOString().slice(0, 10);
    const [from, to] = [day(-1), day(1)];
    const inPeriod = [...listed.values()].filter((d) => {
      const cst = new Date(Date.parse(d.dispatchedAt) + 8 * 3_600_000).toISOString().slice(0, 10);
      return cst >= from && cst <= to;
    });
    const stats = ok(
      await hub.queryAs<{ township: { dispatchStats: DispatchStats }; county: { dispatchStats: Pick<DispatchStats, 'dispatched' | 'overdue'> } }>(
        callers.county,
        `{ township(code: "${TOWNSHIP}") { dispatchStats(from: "${from}", to: "${to}") { dispatched acknowledged acknowledgedOnTime reported reportedOnTime overdue withdrawn onTimeRate } }
           county(code: "${WRITE_COUNTY}") { dispatchStats(from: "${from}", to: "${to}") { dispatched overdue } } }`,
      ),
    );
    const reportedOnTime = inPeriod.filter((d) => d.reportedAt && Date.parse(d.reportedAt) <= Date.parse(d.reportBy)).length;
    // The rate is a share of the dispatches whose answer was given or whose report deadline passed while it was open:
    // one still within its deadline is neither on time nor late yet, nor is one withdrawn within it (the department had
    // time left), while one withdrawn past it was late.
    const answerDue = inPeriod.filter(
      (d) => d.reportedAt || (Date.now() > Date.parse(d.reportBy) && (!d.withdrawnAt || Date.parse(d.withdrawnAt) > Date.parse(d.reportBy))),
    ).length;
    expect(
      inPeriod.some((d) => d.withdrawnAt && Date.parse(d.withdrawnAt) <= Date.parse(d.reportBy)),
      'a dispatch withdrawn within its deadline',
    ).toBe(true);
    expect(stats.township.dispatchStats).toEqual({
      dispatched: inPeriod.length,
      acknowledged: inPeriod.filter((d) => d.acknowledgedAt).length,
      acknowledgedOnTime: inPeriod.filter((d) => d.acknowledgedAt && Date.parse(d.acknowledgedAt) <= Date.parse(d.acknowledgeBy)).length,
      reported: inPeriod.filter((d) => d.reportedAt).length,
      reportedOnTime,
      overdue: inPeriod.filter((d) => d.overdue).length,
      withdrawn: inPeriod.filter((d) => d.status === 'WITHDRAWN').length,
      onTimeRate: answerDue ? reportedOnTime / answerDue : 0,
    });
    expect(answerDue, 'a dispatch still within its deadline, outside the rate').toBeLessThan(inPeriod.length);
    expect(stats.township.dispatchStats.overdue).toBeGreaterThanOrEqual(3);
    expect(stats.county.dispatchStats.dispatched).toBeGreaterThanOrEqual(stats.township.dispatchStats.dispatched);
    expect(stats.county.dispatchStats.overdue).toBeGreaterThanOrEqual(stats.township.dispatchStats.overdue);
    // The period and its comparisons, as every other statistic has them: 环比 the three days before, 同比 a year back.
    type Compared = { from: string; to: string; dispatched: number };
    const compared = ok(
      await hub.queryAs<{ township: { now: Compared & { previous: Compared; yearAgo: Compared }; before: Compared } }>(
        callers.county,
        `{ township(code: "${TOWNSHIP}") {
           now: dispatchStats(from: "${from}", to: "${to}") { from to dispatched previous { from to dispatched } yearAgo { from to dispatched } }
           before: dispatchStats(from: "${day(-4)}", to: "${day(-2)}") { from to dispatched } } }`,
      ),
    );
    expect(compared.township.now).toMatchObject({ from, to, dispatched: inPeriod.length });
    expect(compared.township.now.previous).toEqual(compared.township.before);
    expect(compared.township.now.yearAgo).toMatchObject(yearAgo({ from, to }));
  });

  it('names the argument of a case or dispatch the caller cannot see (NOT_FOUND) at every level', async () => {
    const nobody = '00000000-0000-4000-8000-000000000000';
    const department = await departmentToken(WRITE_COUNTY, 'NATURAL_RESOURCES');
    const refusals = [
      await hub.queryAs(callers.village, `mutation { acceptDispute(id: "${nobody}", version: 1) { id } }`),
      await hub.queryAs(callers.township, `mutation { acceptTownshipCase(disputeId: "${nobody}", version: 1) { version } }`),
      await hub.queryAs(callers.county, `mutation { acceptCountyCase(disputeId: "${nobody}", version: 1) { version } }`),
      await hub.queryAs(department, `mutation { acknowledgeDispatch(dispatchId: "999999999") { status } }`),
    ];
    expect(refusals.map((r) => r.errors?.[0]?.extensions && { code: r.errors[0].extensions.code, argument: r.errors[0].extensions.argument })).toEqual([
      { code: 'NOT_FOUND', argument: 'id' },
      { code: 'NOT_FOUND', argument: 'disputeId' },
      { code: 'NOT_FOUND', argument: 'disputeId' },
      { code: 'NOT_FOUND', argument: 'dispatchId' },
    ]);
  });

  it('pages the township’s cases, its dispatches and the county’s inbox with edges whose last cursor ends the page', async () => {
    type Paged = { edges: { cursor: string; node: unknown }[]; nodes: unknown[]; pageInfo: { endCursor: string | null } };
    const r = await hub.queryAs<{ township: { disputes: Paged; dispatches: Paged }; county: { caseInbox: Paged } }>(
      callers.county,
      `{ township(code: "${TOWNSHIP}") {
           disputes(first: 2) { edges { cursor node { dispute { id } } } nodes { dispute { id } } pageInfo { endCursor } }
           dispatches(first: 2) { edges { cursor node { id } } nodes { id } pageInfo { endCursor } } }
         county(code: "${WRITE_COUNTY}") { caseInbox(first: 2) { edges { cursor node { dispute { id } } } nodes { dispute { id } } pageInfo { endCursor } } } }`,
    );
    const pages = ok(r, 'pages');
    for (const page of [pages.township.disputes, pages.township.dispatches, pages.county.caseInbox]) {
      expect(page.edges.map((e) => e.node)).toEqual(page.nodes);
      expect(page.edges.at(-1)?.cursor ?? null).toBe(page.pageInfo.endCursor);
    }
    expect(pages.township.dispatches.nodes.length).toBeGreaterThan(0);
  });
});
