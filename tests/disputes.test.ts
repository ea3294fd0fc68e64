import { createHash } from 'node:crypto';
import { SignJWT } from 'jose';
import pg from 'pg';
import { inject, afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importPrivateKey, mintCallerToken } from '../platform/auth.ts';
import { postImport, postJson, startHub, type Counted, type GraphQLResponse, type Nodes, type Paged, type TestHub } from './helpers/hub.ts';
import { chinaMinute } from '../platform/scalars.ts';
import { chinaDay } from '../domain/china-day.ts';

let hub: TestHub;
let villageToken: string;
let townshipToken: string;
let countyToken: string;
beforeAll(async () => {
  hub = await startHub();
  villageToken = await hub.token({ jurisdiction: '623021200201', scopes: ['read', 'write', 'pii'], subject: 'luertai' });
  townshipToken = await hub.token({ jurisdiction: '623021200', scopes: ['read', 'write'], subject: 'shubu' });
  countyToken = await hub.token({ jurisdiction: '623021', scopes: ['read', 'write', 'report'], subject: 'lintan' });
});
afterAll(() => hub?.stop());

const DISPUTE = `id caseNumber status handlingLevel inTransit resolvedLevel outcome rating version overdue
  parties { name role person { name } } timeline { level action status note actor at }`;
/** What `DISPUTE` selects. */
interface Dispute {
  id: string;
  caseNumber: string;
  status: string;
  handlingLevel: string;
  inTransit: boolean;
  resolvedLevel: string | null;
  outcome: string | null;
  rating: string | null;
  version: number;
  overdue: boolean;
  parties: { name: string; role: string; person: { name: string } | null }[];
  timeline: { level: string; action: string; status: string; note: string | null; actor: string | null; at: string }[];
}
/** A mutation's or query's one field, by its name. */
type One<K extends string, T> = { [P in K]: T };
const today = chinaDay();

async function waitFor<T>(fn: () => Promise<T | null | undefined | false>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

type PartyInput = { personId?: string; name?: string; role: string };

async function report(key: string, token = villageToken, summary = '两户因草场边界围栏发生争执', arrange = (ps: PartyInput[]) => ps) {
  const people = await hub.queryAs<{ village: { residents: Nodes<{ id: string; name: string }> } }>(
    token,
    `{ village(code: "623021200201") { residents(first: 2) { nodes { id name } } } }`,
  );
  const [a, b] = people.data!.village.residents.nodes;
  return hub.queryAs<One<'reportDispute', Dispute>>(
    token,
    `mutation($i: DisputeInput!, $k: String!) { reportDispute(input: $i, idempotencyKey: $k) { ${DISPUTE} } }`,
    {
      k: key,
      i: {
        gridCode: '623021200201001',
        category: 'FOREST_GRASSLAND',
        scale: 'ORDINARY',
        source: 'GRID_INSPECTION',
        summary,
        parties: arrange([
          { personId: a!.id, role: 'APPLICANT' },
          { personId: b!.id, role: 'RESPONDENT' },
          { name: '邻村牧户', role: 'THIRD_PARTY' },
        ]),
      },
    },
  );
}

/** A case just reported, made overdue as an hour without contact would make it: its contact deadline put in the past. */
async function overdueReport(key: string): Promise<Dispute> {
  const d = (await report(key)).data!.reportDispute;
  const db = new pg.Client({ connectionString: inject('dbs').village.migrationUrl });
  await db.connect();
  try {
    await db.query(`update dispute set contact_by = now() - interval '1 hour' where id = $1`, [d.id]);
  } finally {
    await db.end();
  }
  return d;
}

/** Runs a statement on the village's database as its owner: deadlines moved back, as time passing would move them. */
async function asVillageOwner(text: string, params: unknown[]): Promise<void> {
  const db = new pg.Client({ connectionString: inject('dbs').village.migrationUrl });
  await db.connect();
  try {
    await db.query(text, params);
  } finally {
    await db.end();
  }
}

const v = <T = Record<string, Dispute>>(q: string, vars?: Record<string, unknown>) => hub.queryAs<T>(villageToken, q, vars);
const t = <T = Record<string, unknown>>(q: string, vars?: Record<string, unknown>) => hub.queryAs<T>(townshipToken, q, vars);
const STATS = `disputeStats(from: "${today}", to: "${today}") { reported resolved resolvedAtVillage resolvedAtTownship escalatedToTownship escalatedToCounty open }`;
interface Stats {
  reported: number;
  resolved: number;
  resolvedAtVillage: number;
  resolvedAtTownship: number;
  escalatedToTownship: number;
  escalatedToCounty: number;
  open: number;
}
type StatsOf = { disputeStats: Stats };
const statsNow = async () =>
  (
    await hub.queryAs<{ village: StatsOf; township: StatsOf; county: StatsOf }>(
      countyToken,
      `{ village(code: "623021200201") { ${STATS} } township(code: "623021200") { ${STATS} } county(code: "623021") { ${STATS} } }`,
    )
  ).data!;

interface Dispatch {
  id: string;
  departmentKind: string;
  status: string;
}
interface TownshipCase {
  status: string;
  version: number;
  dispute: { id: string };
  dispatches: Dispatch[];
}
async function townshipCase(id: string) {
  const r = await t<{ township: { disputes: Nodes<TownshipCase> } }>(
    `{ township(code: "623021200") { disputes(first: 500) { nodes { status version dispute { id } dispatches { id departmentKind status } } } } }`,
  );
  return r.data!.township.disputes.nodes.filter((n) => n.dispute.id === id);
}

describe('a dispute’s whole life across levels', () => {
  it('reported in 鹿儿台村, escalated to 术布乡, dispatched to two departments, resolved there, rated, closed, followed up', async () => {
    const before = await statsNow();
    const r = await report(`life-${Date.now()}`);
    expect(r.errors).toBeUndefined();
    let d = r.data!.reportDispute;
    expect(d.caseNumber).toMatch(/^623021-\d{4}-\d{6}$/);
    expect(d.parties.map((p) => p.role)).toEqual(['APPLICANT', 'RESPONDENT', 'THIRD_PARTY']);
    expect(d.parties[0]!.person!.name).toBe(d.parties[0]!.name);
    d = (await v(`mutation { acceptDispute(id: "${d.id}", version: ${d.version}, note: "已电话联系双方") { ${DISPUTE} } }`)).data!.acceptDispute!;
    d = (await v(`mutation { assignDispute(id: "${d.id}", version: ${d.version}, assignee: "鹿儿台村人民调解委员会") { ${DISPUTE} } }`)).data!.assignDispute!;
    const esc = await v(`mutation { escalateDispute(id: "${d.id}", version: ${d.version}, reason: "涉及跨村草场界线，村级无法化解") { ${DISPUTE} } }`);
    expect(esc.errors).toBeUndefined();
    expect(esc.data!.escalateDispute).toMatchObject({ status: 'ESCALATED', handlingLevel: 'TOWNSHIP' });
    // A second, different submit of the escalation (on the copy it was made on) is no step an escalated case allows:
    // the village hears the case is the township's now, as on the current version, not that its copy is stale.
    const twice = await v(`mutation { escalateDispute(id: "${d.id}", version: ${d.version}, reason: "再次提交") { id } }`);
    expect(twice.errors![0]!.extensions).toMatchObject({ code: 'INVALID_TRANSITION', status: 'ESCALATED', handlingLevel: 'TOWNSHIP', action: 'ESCALATE' });
    expect(twice.errors![0]!.message).toMatch(/handled at the township level/);
    // The very same escalation sent again (its answer lost) is answered with the case as it is: one escalation, no
    // CONFLICT, also once the township's receipt has followed it and moved the version on.
    await waitFor(async () => ((await v<One<'dispute', Dispute>>(`{ dispute(id: "${d.id}") { inTransit } }`)).data!.dispute!.inTransit ? null : true));
    const resent = await v<One<'escalateDispute', Dispute>>(
      `mutation { escalateDispute(id: "${d.id}", version: ${d.version}, reason: "涉及跨村草场界线，村级无法化解") { ${DISPUTE} } }`,
    );
    expect(resent.errors).toBeUndefined();
    expect(resent.data!.escalateDispute).toMatchObject({ status: 'ESCALATED' });
    // The first answer already showed the receipt when it came back in time (escalateDispute answers as the case stands).
    expect(resent.data!.escalateDispute!.version).toBeGreaterThanOrEqual(esc.data!.escalateDispute!.version);
    expect(resent.data!.escalateDispute!.timeline.filter((s) => s.action === 'ESCALATE')).toHaveLength(1);
    // On the version as it is once the township's receipt has reached the record (it moves the version on). Told by the
    // record's own row (no longer in transit), read with its version: the timeline is read by a statement of its own,
    // which can see the receipt before the row read just before it does.
    const { version } = await waitFor(async () => {
      const x = (await v<One<'dispute', Dispute>>(`{ dispute(id: "${d.id}") { version inTransit } }`)).data!.dispute!;
      return x.inTransit ? null : x;
    });
    const current = await v(`mutation { resolveDispute(id: "${d.id}", version: ${version}, outcome: AGREEMENT) { id } }`);
    expect(current.errors![0]!.extensions!.code).toBe('INVALID_TRANSITION');
    expect(current.errors![0]!.message).toMatch(/handled at the township level/);

    const [tc] = await waitFor(async () => {
      const c = await townshipCase(d.id);
      return c.length ? c : null;
    });
    expect(tc!.status).toBe('RECEIVED');
    type Case = { status: string; version: number; dispatches?: Dispatch[] };
    const accept = `mutation { acceptTownshipCase(disputeId: "${d.id}", version: ${tc!.version}) { status version } }`;
    let c = (await t<One<'acceptTownshipCase', Case>>(accept)).data!.acceptTownshipCase;
    // Sent again from the version it was taken on: the case as it is, not a second step.
    expect((await t<One<'acceptTownshipCase', Case>>(accept)).data!.acceptTownshipCase).toEqual(c);
    const dispatched = await t<One<'dispatchToDepartments', Case>>(
      `mutation { dispatchToDepartments(disputeId: "${d.id}", version: ${c.version}, departments: ["NATURAL_RESOURCES", "FORESTRY_GRASSLAND"], note: "请核实草场确权") { status version dispatches { id departmentKind status } } }`,
    );
    expect(dispatched.errors).toBeUndefined();
    c = dispatched.data!.dispatchToDepartments;
    expect(c.dispatches).toHaveLength(2);
    const early = await t(`mutation { resolveTownshipCase(disputeId: "${d.id}", version: ${c.version}, outcome: AGREEMENT) { status } }`);
    expect(early.errors![0]!.extensions!.code).toBe('INVALID_TRANSITION');
    for (const dp of c.dispatches!) {
      // 报到 and 反馈 are the department's own (a department caller of that kind in 临潭县).
      const token = await mintCallerToken(await importPrivateKey(inject('keys').caller.privateKey), {
        subject: `dept-${dp.departmentKind}`,
        name: dp.departmentKind,
        jurisdiction: '623021',
        scopes: ['read', 'write'],
        department: dp.departmentKind,
        ttl: 3600,
      });
      const department = (q: string) => hub.queryAs<Record<string, { status: string }>>(token, q);
      const jumped = await department(`mutation { reportDispatch(dispatchId: "${dp.id}", report: "x") { status } }`);
      expect(jumped.errors![0]!.extensions!.code).toBe('INVALID_TRANSITION');
      expect((await department(`mutation { acknowledgeDispatch(dispatchId: "${dp.id}") { status } }`)).data!.acknowledgeDispatch!.status).toBe('ACKNOWLEDGED');
      expect((await department(`mutation { reportDispatch(dispatchId: "${dp.id}", report: "已现场核实界线") { status } }`)).data!.reportDispatch!.status).toBe(
        'REPORTED',
      );
    }
    const resolve = (outcome: string) =>
      t(`mutation { resolveTownshipCase(disputeId: "${d.id}", version: ${c.version}, outcome: ${outcome}, note: "双方签订调解协议") { status } }`);
    const resolved = await resolve('AGREEMENT');
    expect(resolved.errors).toBeUndefined();
    expect((await resolve('AGREEMENT')).errors).toBeUndefined();
    // The same note with another outcome is not the step sent again, and a RESOLVED case allows no second resolution.
    expect((await resolve('WITHDRAWN')).errors![0]!.extensions).toMatchObject({ code: 'INVALID_TRANSITION', status: 'RESOLVED', action: 'RESOLVE' });

    d = await waitFor(async () => {
      const x = (await v(`{ dispute(id: "${d.id}") { ${DISPUTE} } }`)).data!.dispute!;
      return x.status === 'RESOLVED' ? x : null;
    });
    expect(d).toMatchObject({ resolvedLevel: 'TOWNSHIP', outcome: 'AGREEMENT', handlingLevel: 'TOWNSHIP', inTransit: false });
    // The parties' rating is the village's to record: the township that resolved the case may not rate its own work.
    const selfRated = await t(`mutation { rateDispute(id: "${d.id}", version: ${d.version}, rating: SATISFIED) { status } }`);
    expect(selfRated.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', jurisdiction: expect.stringMatching(/^\d{9}$/) });
    const rate = (rating: string) =>
      v<One<'rateDispute', Dispute>>(`mutation { rateDispute(id: "${d.id}", version: ${d.version}, rating: ${rating}) { ${DISPUTE} } }`);
    const rated = (await rate('SATISFIED')).data!.rateDispute!;
    expect((await rate('SATISFIED')).data!.rateDispute).toMatchObject({ version: rated.version, rating: 'SATISFIED' });
    // Another rating is no resend, and a RATED case is rated no more.
    expect((await rate('BASICALLY_SATISFIED')).errors![0]!.extensions).toMatchObject({ code: 'INVALID_TRANSITION', status: 'RATED', action: 'RATE' });
    d = rated;
    d = (await v(`mutation { closeDispute(id: "${d.id}", version: ${d.version}) { ${DISPUTE} } }`)).data!.closeDispute!;
    const done = await v(`mutation { followUpDispute(id: "${d.id}", version: ${d.version}, note: "回访：双方满意，围栏已重修") { ${DISPUTE} } }`);
    expect(done.errors).toBeUndefined();
    d = done.data!.followUpDispute!;
    expect(d.status).toBe('FOLLOWED_UP');

    const steps = d.timeline.map((s) => `${s.level}:${s.action}`);
    expect(steps).toEqual([
      'VILLAGE:REPORT',
      'VILLAGE:ACCEPT',
      'VILLAGE:ASSIGN',
      'VILLAGE:ESCALATE',
      'TOWNSHIP:RECEIVE',
      'TOWNSHIP:ACCEPT',
      'TOWNSHIP:DISPATCH',
      'TOWNSHIP:DEPARTMENT_ACKNOWLEDGE',
      'TOWNSHIP:DEPARTMENT_REPORT',
      'TOWNSHIP:DEPARTMENT_ACKNOWLEDGE',
      'TOWNSHIP:DEPARTMENT_REPORT',
      'TOWNSHIP:RESOLVE',
      'VILLAGE:RATE',
      'VILLAGE:CLOSE',
      'VILLAGE:FOLLOW_UP',
    ]);
    const times = d.timeline.map((s) => Date.parse(s.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    // A finished case is refused for what it is (followed up), not sent to the level that last handled it.
    const late = await v(`mutation { acceptDispute(id: "${d.id}", version: ${d.version}) { status } }`);
    expect(late.errors![0]!.extensions).toMatchObject({ code: 'INVALID_TRANSITION', status: 'FOLLOWED_UP' });
    expect(late.errors![0]!.message).toMatch(/FOLLOWED_UP case/);
    const supervise = await hub.queryAs(countyToken, `mutation { superviseDispute(id: "${d.id}", note: "x") { id } }`);
    expect(supervise.errors![0]!.message).toMatch(/still being handled; this case is FOLLOWED_UP/);

    const after = await statsNow();
    for (const level of ['village', 'township', 'county'] as const) {
      const b = before[level].disputeStats;
      const a = after[level].disputeStats;
      expect({ level, ...a }).toEqual({
        level,
        ...b,
        reported: b.reported + 1,
        resolved: b.resolved + 1,
        resolvedAtTownship: b.resolvedAtTownship + 1,
        escalatedToTownship: b.escalatedToTownship + 1,
      });
    }
  });

  it('hands a case the township resolved to the village once rated: closed and visited there, listed as the village’s', async () => {
    type Held = {
      id: string;
      caseNumber: string;
      status: string;
      handlingLevel: string;
      resolvedLevel: string | null;
      assignee: string | null;
      version: number;
    };
    const HELD = 'id caseNumber status handlingLevel resolvedLevel assignee version';
    const step = async (field: string, token = villageToken) => {
      const r = await hub.queryAs<Record<string, Held>>(token, `mutation { ${field} { ${HELD} } }`);
      expect(r.errors, field).toBeUndefined();
      return Object.values(r.data!)[0]!;
    };
    const heldAt = async (caseNumber: string, level: string) =>
      (
        await v<{ village: { disputes: Nodes<{ id: string }> } }>(
          `{ village(code: "623021200201") { disputes(first: 5, filter: { caseNumber: "${caseNumber}", handlingLevel: ${level} }) { nodes { id } } } }`,
        )
      ).data!.village.disputes.nodes.length === 1;
    const r = (await report(`held-${Date.now()}`)).data!.reportDispute;
    let d = await step(`acceptDispute(id: "${r.id}", version: ${r.version})`);
    d = await step(`escalateDispute(id: "${d.id}", version: ${d.version}, reason: "需乡镇协调")`);
    const received = await waitFor(async () => (await townshipCase(d.id)).find((c) => c.status === 'RECEIVED'));
    const c = await t<{ acceptTownshipCase: { version: number } }>(
      `mutation { acceptTownshipCase(disputeId: "${d.id}", version: ${received.version}) { version } }`,
    );
    const assigned = await t<{ assignTownshipCase: { version: number } }>(
      `mutation { assignTownshipCase(disputeId: "${d.id}", version: ${c.data!.acceptTownshipCase.version}, assignee: "乡司法所 马文") { version } }`,
    );
    expect(assigned.errors).toBeUndefined();
    const resolved = await t(
      `mutation { resolveTownshipCase(disputeId: "${d.id}", version: ${assigned.data!.assignTownshipCase.version}, outcome: AGREEMENT) { status } }`,
    );
    expect(resolved.errors).toBeUndefined();
    // Resolved, it stays at the township, where an unsatisfied rating would reopen it.
    const read = async () => (await v<{ dispute: Held }>(`{ dispute(id: "${d.id}") { ${HELD} } }`)).data!.dispute;
    d = await waitFor(async () => {
      const x = await read();
      return x.status === 'RESOLVED' ? x : null;
    });
    expect(d).toMatchObject({ handlingLevel: 'TOWNSHIP', resolvedLevel: 'TOWNSHIP', assignee: '乡司法所 马文' });
    expect(await heldAt(d.caseNumber, 'TOWNSHIP')).toBe(true);
    // Rated, closed and visited (回访) at the village: the village holds it, and who settled it stays named.
    d = await step(`rateDispute(id: "${d.id}", version: ${d.version}, rating: SATISFIED)`);
    expect(d).toMatchObject({ status: 'RATED', handlingLevel: 'VILLAGE', resolvedLevel: 'TOWNSHIP', assignee: '乡司法所 马文' });
    d = await step(`closeDispute(id: "${d.id}", version: ${d.version})`);
    expect(d).toMatchObject({ status: 'CLOSED', handlingLevel: 'VILLAGE', resolvedLevel: 'TOWNSHIP' });
    expect(await heldAt(d.caseNumber, 'VILLAGE')).toBe(true);
    d = await step(`followUpDispute(id: "${d.id}", version: ${d.version}, note: "回访：双方满意")`);
    expect(d).toMatchObject({ status: 'FOLLOWED_UP', handlingLevel: 'VILLAGE', resolvedLevel: 'TOWNSHIP', assignee: '乡司法所 马文' });
    expect(await heldAt(d.caseNumber, 'VILLAGE')).toBe(true);
    expect(await heldAt(d.caseNumber, 'TOWNSHIP')).toBe(false);
  });

  it('tells how late a case is at its deadline’s own unit: hours past the contact hour, days past the others', async () => {
    type Late = {
      id: string;
      caseNumber: string;
      status: string;
      overdue: boolean;
      overdueSince: string | null;
      overdueDeadline: string | null;
      overdueHours: number | null;
      overdueDays: number | null;
      version: number;
    };
    const LATE = 'id caseNumber status overdue overdueSince overdueDeadline overdueHours overdueDays version';
    const d = (await report(`late-hours-${Date.now()}`)).data!.reportDispute;
    const read = async () => (await v<{ dispute: Late }>(`{ dispute(id: "${d.id}") { ${LATE} } }`)).data!.dispute;
    expect(await read()).toMatchObject({ overdue: false, overdueSince: null, overdueDeadline: null, overdueHours: null, overdueDays: null });
    // Two and a half hours past its contact hour: 3 hours begun, and in its first day.
    await asVillageOwner(`update dispute set contact_by = now() - interval '2 hours 30 minutes' where id = $1`, [d.id]);
    expect(await read()).toMatchObject({ status: 'REPORTED', overdue: true, overdueDeadline: 'CONTACT', overdueHours: 3, overdueDays: 1 });
    // Accepted, it answers to its settle deadline: 2 days and 1 hour past it is 3 days begun, 49 hours.
    const accepted = await v<{ acceptDispute: Late }>(`mutation { acceptDispute(id: "${d.id}", version: ${d.version}) { ${LATE} } }`);
    expect(accepted.data!.acceptDispute).toMatchObject({ overdue: false, overdueHours: null, overdueDays: null });
    await asVillageOwner(`update dispute set settle_by = now() - interval '2 days 1 hour' where id = $1`, [d.id]);
    expect(await read()).toMatchObject({ status: 'ACCEPTED', overdue: true, overdueDeadline: 'SETTLE', overdueHours: 50, overdueDays: 3 });
  });

  it('records a late contact on the case, listed by a filter, after it is accepted as while it waits', async () => {
    type Contact = { id: string; caseNumber: string; status: string; contactLate: boolean; overdue: boolean; version: number };
    const CONTACT = 'id caseNumber status contactLate overdue version';
    const stamp = Date.now();
    // The statistics count the same mark, beside the on-time figures, and follow the writes that change it.
    const counted = async () => {
      const r = await v<{ village: { disputeStats: { contactLate: number; resolvedOnTime: number } } }>(
        `{ village(code: "623021200201") { disputeStats(from: "${today}", to: "${today}") { contactLate resolvedOnTime } } }`,
      );
      expect(r.errors).toBeUndefined();
      return r.data!.village.disputeStats.contactLate;
    };
    const before = await counted();
    const mk = async (key: string) => (await report(`${key}-${stamp}`, villageToken, `联系时限-${stamp}`)).data!.reportDispute;
    const accept = async (x: { id: string; version: number }) =>
      (await v<{ acceptDispute: Contact }>(`mutation { acceptDispute(id: "${x.id}", version: ${x.version}) { ${CONTACT} } }`)).data!.acceptDispute;
    const inTime = await accept(await mk('contact-in-time'));
    const lateOne = await mk('contact-late');
    await asVillageOwner(`update dispute set contact_by = now() - interval '3 hours' where id = $1`, [lateOne.id]);
    const waiting = await mk('contact-waiting');
    await asVillageOwner(`update dispute set contact_by = now() - interval '10 minutes' where id = $1`, [waiting.id]);
    const declined = await mk('contact-declined');
    await asVillageOwner(`update dispute set contact_by = now() - interval '2 hours' where id = $1`, [declined.id]);
    const declinedNow = await v(
      `mutation { declineDispute(id: "${declined.id}", version: ${declined.version}, reason: NOT_A_DISPUTE, note: "咨询政策，非纠纷") { id } }`,
    );
    expect(declinedNow.errors).toBeUndefined();
    // Accepted 3 hours after its contact hour: no longer overdue, but its contact was late, and stays so.
    const late = await accept(lateOne);
    expect(late).toMatchObject({ status: 'ACCEPTED', overdue: false, contactLate: true });
    expect(inTime).toMatchObject({ status: 'ACCEPTED', contactLate: false });
    const read = async (id: string) => (await v<{ dispute: Contact }>(`{ dispute(id: "${id}") { ${CONTACT} } }`)).data!.dispute;
    expect(await read(waiting.id)).toMatchObject({ status: 'REPORTED', overdue: true, contactLate: true });
    expect(await read(declined.id)).toMatchObject({ status: 'DECLINED', contactLate: false });
    // A desk's list and a report's count read the same mark.
    const listed = async (contactLate: boolean) => {
      const r = await v<{ village: { disputes: Nodes<{ id: string; contactLate: boolean }> & Counted } }>(
        `{ village(code: "623021200201") { disputes(first: 50, filter: { search: "联系时限-${stamp}", contactLate: ${contactLate} }) { totalCount nodes { id contactLate } } } }`,
      );
      expect(r.errors).toBeUndefined();
      const c = r.data!.village.disputes;
      expect(c.nodes.every((n) => n.contactLate === contactLate)).toBe(true);
      expect(c.totalCount).toBe(c.nodes.length);
      return c.nodes.map((n) => n.id).sort();
    };
    expect(await listed(true)).toEqual([lateOne.id, waiting.id].sort());
    expect(await listed(false)).toEqual([inTime.id, declined.id].sort());
    expect(await counted()).toBe(before + 2);
  });

  it('lists a grid worker’s own reports (reportedByMe), and the others’ apart', async () => {
    const worker = await hub.token({ jurisdiction: '623021200201', scopes: ['read', 'write'], subject: `grid-worker-${Date.now()}` });
    const mine = (await report(`mine-${Date.now()}`, worker)).data!.reportDispute;
    type Page = { totalCount: number; nodes: { id: string }[] };
    const lists = await hub.queryAs<{ village: { mine: Page; others: Page; all: Page } }>(
      worker,
      `{ village(code: "623021200201") {
          mine: disputes(filter: { reportedByMe: true }) { totalCount nodes { id } }
          others: disputes(first: 0, filter: { reportedByMe: false }) { totalCount nodes { id } }
          all: disputes(first: 0) { totalCount nodes { id } } } }`,
    );
    expect(lists.errors).toBeUndefined();
    const v = lists.data!.village;
    expect(v.mine).toEqual({ totalCount: 1, nodes: [{ id: mine.id }] });
    expect(v.others.totalCount).toBe(v.all.totalCount - 1);
  });

  /** Whether a deadline runs: open, or resolved and awaiting the parties' rating. */
  const running = (status: string, d: { replyBy: string | null }) =>
    ['REPORTED', 'ACCEPTED', 'ASSIGNED', 'MEDIATING', 'ESCALATED'].includes(status) || (status === 'RESOLVED' && d.replyBy !== null);
  /**
   * When a case falls due next (DUE_FIRST): contact before it is accepted, reply once resolved, else settle; a case
   * with none running after all that have one (by its settle deadline, about a thousand years on: domain/case-inbox.ts).
   */
  const dueAt = (status: string, d: { contactBy: string; settleBy: string; replyBy: string | null }) =>
    !running(status, d)
      ? Date.parse(d.settleBy) + 8_766_000 * 3_600_000
      : status === 'REPORTED'
        ? Math.min(Date.parse(d.contactBy), Date.parse(d.settleBy))
        : status === 'RESOLVED' && d.replyBy
          ? Date.parse(d.replyBy)
          : Date.parse(d.settleBy);

  it('lists a village’s and a county’s cases by their next deadline (orderBy: DUE_FIRST), paged without a gap or a repeat', async () => {
    type Deadlines = { contactBy: string; settleBy: string; replyBy: string | null };
    type Page = {
      totalCount: number;
      nodes: { id: string; status: string; deadlines: Deadlines }[];
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
    };
    const county = await hub.token({ jurisdiction: '623021', scopes: ['read'], subject: 'due-first-county' });
    // The village of the county's most cases, so that it pages too.
    const busiest = await hub.queryAs<{ county: { townships: { villages: { code: string; disputes: { totalCount: number } }[] }[] } }>(
      county,
      `{ county(code: "623021") { townships { villages { code disputes(first: 0) { totalCount } } } } }`,
    );
    const village = busiest.data!.county.townships.flatMap((t) => t.villages).sort((a, b) => b.disputes.totalCount - a.disputes.totalCount)[0]!.code;
    for (const [parent, key] of [
      [`village(code: "${village}")`, 'village'],
      ['county(code: "623021")', 'county'],
    ] as const) {
      const seen: { id: string; at: number; runs: boolean }[] = [];
      let after: string | null = null;
      let total = 0;
      for (let i = 0; i < 400; i++) {
        const r: { data?: Record<string, { disputes: Page }> | null; errors?: unknown } = await hub.queryAs<Record<string, { disputes: Page }>>(
          county,
          `query($a: String) { ${parent} { disputes(orderBy: DUE_FIRST, first: 3, after: $a) {
             totalCount nodes { id status deadlines { contactBy settleBy replyBy } } pageInfo { hasNextPage endCursor } } } }`,
          { a: after },
        );
        expect(r.errors).toBeUndefined();
        const page: Page = r.data![key]!.disputes;
        total = page.totalCount;
        seen.push(...page.nodes.map((n) => ({ id: n.id, at: dueAt(n.status, n.deadlines), runs: running(n.status, n.deadlines) })));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      expect(total).toBeGreaterThan(3);
      expect(seen).toHaveLength(total);
      expect(new Set(seen.map((n) => n.id)).size).toBe(total);
      expect(seen.map((n) => n.at)).toEqual(seen.map((n) => n.at).sort((a, b) => a - b));
      // Every case with a deadline running comes before every case done: a case closed long ago is not above an overdue one.
      const firstDone = seen.findIndex((n) => !n.runs);
      if (firstDone >= 0)
        expect(
          seen.slice(firstDone).every((n) => !n.runs),
          key,
        ).toBe(true);
      // The county has open cases, overdue ones among them: they come first.
      if (key === 'county') expect(seen[0]!.runs).toBe(true);
    }
    // A case not yet accepted falls due at its contact deadline (1 hour, the 131 rule), before cases settled in days.
    const fresh = (await report(`due-first-${Date.now()}`)).data!.reportDispute;
    const top = await hub.queryAs<{ grid: { disputes: Page } }>(
      county,
      `{ grid(code: "623021200201001") { disputes(orderBy: DUE_FIRST, first: 500, filter: { status: [REPORTED, ACCEPTED, ASSIGNED, MEDIATING, ESCALATED] }) {
         totalCount nodes { id status deadlines { contactBy settleBy replyBy } } pageInfo { hasNextPage endCursor } } } }`,
    );
    const listed = top.data!.grid.disputes.nodes;
    const at = listed.map((n) => dueAt(n.status, n.deadlines));
    expect(at).toEqual([...at].sort((a, b) => a - b));
    const mine = listed.find((n) => n.id === fresh.id)!;
    expect(mine.status).toBe('REPORTED');
    // Every case listed before it falls due sooner: none waits days to be settled while this one waits an hour for contact.
    for (const n of listed.slice(0, listed.indexOf(mine))) expect(dueAt(n.status, n.deadlines)).toBeLessThanOrEqual(Date.parse(mine.deadlines.contactBy));
    // A cursor of the newest-first order is not one of this order.
    const newest = await hub.queryAs<{ county: { disputes: Page } }>(county, `{ county(code: "623021") { disputes(first: 1) { pageInfo { endCursor } } } }`);
    expect(newest.data!.county.disputes.pageInfo.endCursor).toBeTruthy();
    const mixed = await hub.queryAs(
      county,
      `query($a: String) { county(code: "623021") { disputes(orderBy: DUE_FIRST, first: 1, after: $a) { totalCount } } }`,
      { a: newest.data!.county.disputes.pageInfo.endCursor },
    );
    expect(mixed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'after' });
  });

  it('carries the rating on every rating step of the timeline, with a note or without', async () => {
    type Rated = { status: string; timeline: { action: string; note: string | null; rating: string | null }[] };
    const rated = async (key: string, rating: string, note?: string): Promise<Rated> => {
      let d = (await report(`${key}-${Date.now()}`)).data!.reportDispute;
      d = (await v(`mutation { acceptDispute(id: "${d.id}", version: ${d.version}) { ${DISPUTE} } }`)).data!.acceptDispute!;
      d = (await v(`mutation { assignDispute(id: "${d.id}", version: ${d.version}, assignee: "调委会") { ${DISPUTE} } }`)).data!.assignDispute!;
      d = (await v(`mutation { resolveDispute(id: "${d.id}", version: ${d.version}, outcome: AGREEMENT) { ${DISPUTE} } }`)).data!.resolveDispute!;
      const r = await v<One<'rateDispute', Rated>>(
        `mutation($n: String) { rateDispute(id: "${d.id}", version: ${d.version}, rating: ${rating}, note: $n) { status timeline { action note rating } } }`,
        { n: note ?? null },
      );
      expect(r.errors).toBeUndefined();
      return r.data!.rateDispute!;
    };
    // 当事人接受引导诉讼 says nothing of whether they were satisfied: the step says it all the same.
    const withNote = await rated('rated-note', 'SATISFIED', '当事人接受引导诉讼');
    expect(withNote.timeline.at(-1)).toEqual({ action: 'RATE', note: '当事人接受引导诉讼', rating: 'SATISFIED' });
    const without = await rated('rated-bare', 'BASICALLY_SATISFIED');
    expect(without.timeline.at(-1)).toEqual({ action: 'RATE', note: '基本满意', rating: 'BASICALLY_SATISFIED' });
    const reopened = await rated('rated-reopen', 'DISSATISFIED', '赔偿金额未落实');
    expect(reopened.timeline.at(-1)).toEqual({ action: 'REOPEN', note: '赔偿金额未落实', rating: 'DISSATISFIED' });
    // Only rating steps carry one.
    expect(withNote.timeline.slice(0, -1).every((s) => s.rating === null)).toBe(true);
  });

  it('refuses to close a case never rated and to rate one not resolved, leaving it unchanged', async () => {
    let d = (await report(`refuse-${Date.now()}`)).data!.reportDispute;
    const rate = await v(`mutation { rateDispute(id: "${d.id}", version: ${d.version}, rating: SATISFIED) { status } }`);
    expect(rate.errors![0]!.extensions!.code).toBe('INVALID_TRANSITION');
    expect(rate.errors![0]!.message).toContain('allowed now: 受理 accept');
    d = (await v(`mutation { acceptDispute(id: "${d.id}", version: ${d.version}) { ${DISPUTE} } }`)).data!.acceptDispute!;
    d = (await v(`mutation { assignDispute(id: "${d.id}", version: ${d.version}, assignee: "调委会") { ${DISPUTE} } }`)).data!.assignDispute!;
    d = (await v(`mutation { resolveDispute(id: "${d.id}", version: ${d.version}, outcome: AGREEMENT) { ${DISPUTE} } }`)).data!.resolveDispute!;
    const close = await v(`mutation { closeDispute(id: "${d.id}", version: ${d.version}) { status } }`);
    expect(close.errors![0]!.extensions!.code).toBe('INVALID_TRANSITION');
    expect(close.errors![0]!.message).toContain('rate');
    const now = (await v(`{ dispute(id: "${d.id}") { ${DISPUTE} } }`)).data!.dispute;
    expect(now).toEqual(d);
  });

  it('gives one dispute for two reports with the same idempotency key', async () => {
    const key = `same-${Date.now()}`;
    const [a, b] = await Promise.all([report(key), report(key)]);
    expect(a.errors).toBeUndefined();
    expect(b.errors).toBeUndefined();
    expect(a.data!.reportDispute.id).toBe(b.data!.reportDispute.id);
    const again = await report(key);
    expect(again.data!.reportDispute.id).toBe(a.data!.reportDispute.id);
    // The same key with other details is another dispute: refused, naming what differs, not answered with the first case.
    const other = await report(key, villageToken, '另一件事：邻里因院墙排水发生纠纷');
    expect(other.data?.reportDispute ?? null).toBeNull();
    expect(other.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', rule: 'keyReused', argument: 'idempotencyKey', fields: ['summary'] });
    expect(other.errors![0]!.message).toContain(a.data!.reportDispute.caseNumber);
    // In Chinese the details that differ are named in Chinese, as the case's page names them.
    const said = await hub.query<unknown>(
      `mutation($i: DisputeInput!, $k: String!) { reportDispute(input: $i, idempotencyKey: $k) { id } }`,
      {
        k: key,
        i: {
          gridCode: '623021200201001',
          category: 'FAMILY',
          scale: 'ORDINARY',
          source: 'GRID_INSPECTION',
          summary: '另一件事',
          parties: [{ name: '某人', role: 'APPLICANT' }],
        },
      },
      { authorization: `Bearer ${villageToken}`, 'accept-language': 'zh' },
    );
    expect(said.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', fields: ['category', 'summary', 'parties'] });
    expect(said.errors![0]!.message).toContain('本次上报的类别、简要情况、当事人与之不同');
    // The parties are part of the report: in another order it is the same report; with a party changed, another.
    const reordered = await report(key, villageToken, undefined, (ps) => [...ps].reverse());
    expect(reordered.data!.reportDispute.id).toBe(a.data!.reportDispute.id);
    const swapped = await report(key, villageToken, undefined, ([x, y, z]) => [{ ...x!, role: y!.role }, { ...y!, role: x!.role }, z!]);
    expect(swapped.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', argument: 'idempotencyKey', fields: ['parties'] });
    const renamed = await report(key, villageToken, undefined, ([x, y]) => [x!, y!, { name: '另一牧户', role: 'THIRD_PARTY' }]);
    expect(renamed.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', fields: ['parties'] });
    const fewer = await report(key, villageToken, undefined, ([x, y]) => [x!, y!]);
    expect(fewer.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', fields: ['parties'] });
    // A file's external id keys its case as import:<id>: a form may not take a key there.
    const filed = await report(`import:${key}`);
    expect(filed.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'idempotencyKey' });
  });

  it('answers a retried report of a case stored with CR LF line breaks (before text kept them as LF) with that case', async () => {
    const key = `crlf-${Date.now()}`;
    const first = await report(key, villageToken, '两户因草场围栏争执，\n已初步调解');
    expect(first.errors).toBeUndefined();
    const db = new pg.Client({ connectionString: inject('dbs').village.migrationUrl });
    await db.connect();
    await db.query(`update dispute set summary = replace(summary, E'\\n', E'\\r\\n') where id = $1`, [first.data!.reportDispute.id]);
    await db.end();
    for (const summary of ['两户因草场围栏争执，\r\n已初步调解', '两户因草场围栏争执，\n已初步调解']) {
      const again = await report(key, villageToken, summary);
      expect(again.errors, JSON.stringify(summary)).toBeUndefined();
      expect(again.data!.reportDispute.id).toBe(first.data!.reportDispute.id);
    }
  });

  it('refuses one person as two parties of a case, on a form and in a file', async () => {
    const desk = await hub.token({ jurisdiction: '623022', scopes: ['read', 'write', 'pii'], subject: 'two-roles' });
    const one = await hub.queryAs<{ village: { residents: Nodes<{ id: string; idNumber: string }> } }>(
      desk,
      `{ village(code: "623022100001") { residents(first: 1) { nodes { id idNumber } } } }`,
    );
    const p = one.data!.village.residents.nodes[0]!;
    const form = await hub.queryAs(desk, `mutation($i: DisputeInput!, $k: String!) { reportDispute(input: $i, idempotencyKey: $k) { id } }`, {
      k: `two-roles-${Date.now()}`,
      i: {
        gridCode: '623022100001001',
        category: 'NEIGHBOUR',
        scale: 'ORDINARY',
        source: 'GRID_INSPECTION',
        summary: '自己与自己的纠纷',
        parties: [
          { personId: p.id, role: 'APPLICANT' },
          { personId: p.id, role: 'RESPONDENT' },
        ],
      },
    });
    expect(form.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'parties' });
    const file = await postImport(
      hub.gatewayUrl,
      desk,
      'disputes',
      `external_id,grid_code,category,scale,source,summary,parties\ntwo-roles-${Date.now()},623022100001001,NEIGHBOUR,ORDINARY,GRID_INSPECTION,自己与自己的纠纷,APPLICANT:${p.idNumber};RESPONDENT:${p.idNumber}\n`,
      `two-roles-${Date.now()}`,
    );
    expect(file.rejects.map((r) => [r.field, r.code])).toEqual([['parties', 'BAD_USER_INPUT']]);
  });

  it('refuses a summary a spreadsheet would run as a formula, on a form and in a file, and writes nothing', async () => {
    const desk = await hub.token({ jurisdiction: '623022', scopes: ['read', 'write'], subject: 'formula-summary' });
    const summary = '=HYPERLINK("http://example.invalid","点此查看")两户争执';
    const key = `formula-${Date.now()}`;
    const form = await hub.queryAs(desk, `mutation($i: DisputeInput!, $k: String!) { reportDispute(input: $i, idempotencyKey: $k) { id } }`, {
      k: key,
      i: {
        gridCode: '623022100001001',
        category: 'NEIGHBOUR',
        scale: 'ORDINARY',
        source: 'GRID_INSPECTION',
        summary,
        parties: [{ name: '张三', role: 'APPLICANT' }],
      },
    });
    expect(form.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'summary' });
    expect(form.errors![0]!.message).toMatch(/must not start with = \+ - @/);
    const file = await postImport(
      hub.gatewayUrl,
      desk,
      'disputes',
      `external_id,grid_code,category,scale,source,summary,parties\n${key},623022100001001,NEIGHBOUR,ORDINARY,GRID_INSPECTION,"${summary.replace(/"/g, '""')}",APPLICANT:张三\n`,
      key,
    );
    expect(file.rejects.map((r) => [r.field, r.code])).toEqual([['summary', 'BAD_USER_INPUT']]);
    expect(file.done).toMatchObject({ inserted: 0, rejected: 1 });
  });

  it('refuses text of only spaces or invisible characters as blank, on a form, in a file and in a step’s note, and keeps them within visible text', async () => {
    const desk = await hub.token({ jurisdiction: '623022', scopes: ['read', 'write'], subject: 'blank-summary' });
    const input = (summary: string) => ({
      gridCode: '623022100001001',
      category: 'NEIGHBOUR',
      scale: 'ORDINARY',
      source: 'GRID_INSPECTION',
      summary,
      parties: [{ name: '张三', role: 'APPLICANT' }],
    });
    const REPORT = `mutation($i: DisputeInput!, $k: String!) { reportDispute(input: $i, idempotencyKey: $k) { id version summary } }`;
    const run = Date.now();
    // Zero-width spaces, a zero-width joiner, a BOM, a word joiner, a Hangul filler; with spaces of both widths.
    for (const [i, summary] of ['\u200b\u200b', '   ', '\ufeff\u2060', '\u3000\u200d ', '\u3164'].entries()) {
      const form = await hub.queryAs(desk, REPORT, { k: `blank-${run}-${i}`, i: input(summary) });
      expect(form.errors?.[0]?.extensions, JSON.stringify(summary)).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'summary', rule: 'required' });
      expect(form.errors![0]!.message).toBe('summary must not be blank.');
    }
    const zh = await postJson(
      hub.gatewayUrl,
      { query: REPORT, variables: { k: `blank-${run}-zh`, i: input('\u200b\u200b') } },
      { authorization: `Bearer ${desk}`, 'accept-language': 'zh' },
    );
    expect(zh.errors![0]!.message).toBe('简要情况 不能为空白。');
    // A file row goes through the same rule.
    const key = `blank-file-${run}`;
    const file = await postImport(
      hub.gatewayUrl,
      desk,
      'disputes',
      `external_id,grid_code,category,scale,source,summary,parties\n${key},623022100001001,NEIGHBOUR,ORDINARY,GRID_INSPECTION,\u200b\u200b,APPLICANT:张三\n`,
      key,
    );
    expect(file.rejects.map((r) => [r.field, r.code, r.rule, r.reason])).toEqual([['summary', 'BAD_USER_INPUT', 'required', 'summary must not be blank.']]);
    expect(file.done).toMatchObject({ inserted: 0, rejected: 1 });

    // Within visible text, an invisible character is kept as sent.
    const kept = await hub.queryAs<One<'reportDispute', { id: string; version: number; summary: string }>>(desk, REPORT, {
      k: `blank-${run}-kept`,
      i: input('两户\u200b因水渠争执'),
    });
    expect(kept.errors).toBeUndefined();
    const d = kept.data!.reportDispute;
    expect(d.summary).toBe('两户\u200b因水渠争执');
    // A step's note: a required one blank is refused; an optional one blank is left out, as an empty one is.
    const mediation = await hub.queryAs(desk, `mutation($n: String!) { recordMediation(id: "${d.id}", version: ${d.version}, note: $n) { id } }`, {
      n: '\u200b\u200b',
    });
    expect(mediation.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'note', rule: 'required' });
    const accepted = await hub.queryAs<One<'acceptDispute', Dispute>>(
      desk,
      `mutation($n: String) { acceptDispute(id: "${d.id}", version: ${d.version}, note: $n) { ${DISPUTE} } }`,
      { n: '\u200b \u200b' },
    );
    expect(accepted.errors).toBeUndefined();
    expect(accepted.data!.acceptDispute.timeline.at(-1)).toMatchObject({ action: 'ACCEPT', note: null });
  });

  it('refuses an NDJSON line that lacks a required field saying it lacks it, not that it was sent empty', async () => {
    const desk = await hub.token({ jurisdiction: '623022', scopes: ['read', 'write'], subject: 'ndjson-absent' });
    const whole = {
      external_id: `absent-${Date.now()}`,
      grid_code: '623022100001001',
      category: 'NEIGHBOUR',
      scale: 'ORDINARY',
      source: 'GRID_INSPECTION',
      summary: '邻里纠纷',
      parties: 'APPLICANT:张三',
    };
    const { grid_code: _g, category: _c, ...partial } = whole;
    const res = await fetch(new URL(`/import/disputes?format=ndjson&dryRun=true`, hub.gatewayUrl), {
      method: 'POST',
      headers: { authorization: `Bearer ${desk}`, 'content-type': 'application/x-ndjson', 'accept-language': 'en' },
      body: `${JSON.stringify(whole)}\n${JSON.stringify({ ...partial, external_id: `${whole.external_id}-b` })}\n`,
    });
    expect(res.status).toBe(200);
    const lines = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; line?: number; field?: string; reason?: string; code?: string });
    expect(lines.filter((l) => l.type === 'reject').map((l) => [l.line, l.field, l.code, l.reason])).toEqual([
      [2, 'grid_code', 'BAD_USER_INPUT', 'the line lacks required fields grid_code, category'],
    ]);
  });

  it('names the party at fault: one with neither personId nor name, and a personId of no resident', async () => {
    const desk = await hub.token({ jurisdiction: '623022', scopes: ['read', 'write'], subject: 'party-fault' });
    const send = (party: Record<string, unknown>) =>
      hub.queryAs(desk, `mutation($i: DisputeInput!, $k: String!) { reportDispute(input: $i, idempotencyKey: $k) { id } }`, {
        k: `party-fault-${Date.now()}-${Math.random()}`,
        i: { gridCode: '623022100001001', category: 'NEIGHBOUR', scale: 'ORDINARY', source: 'GRID_INSPECTION', summary: '邻里纠纷', parties: [party] },
      });
    const neither = await send({ role: 'APPLICANT' });
    expect(neither.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'parties' });
    expect(neither.errors![0]!.message).toBe('Party 1 needs personId (a registered resident) or name.');
    const malformed = await send({ role: 'APPLICANT', personId: 'abc' });
    expect(malformed.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'parties.personId', index: 0 });
    expect(malformed.errors![0]!.message).toMatch(/^Party 1: personId "abc" is not a record id/);
    const nobody = await send({ role: 'APPLICANT', personId: '999999999' });
    expect(nobody.errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND', argument: 'parties.personId', index: 0 });
    // It says what to do for a resident of a neighbouring village, whom the caller may not link (nor learn exists).
    expect(nobody.errors![0]!.message).toMatch(/in your jurisdiction\. Name a party from outside it .* by name alone/);
    // Both: the name would be dropped unseen (the registry names a resident), so the form says which party gives both.
    const both = await send({ role: 'APPLICANT', personId: '1', name: '别人' });
    expect(both.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'parties', index: 0 });
    expect(both.errors![0]!.message).toMatch(/^Party 1 gives both personId and name/);
    // A resident named twice: the second naming, by its place, and the party it repeats.
    const twice = await hub.queryAs(desk, `mutation($i: DisputeInput!, $k: String!) { reportDispute(input: $i, idempotencyKey: $k) { id } }`, {
      k: `party-fault-${Date.now()}-twice`,
      i: {
        gridCode: '623022100001001',
        category: 'NEIGHBOUR',
        scale: 'ORDINARY',
        source: 'GRID_INSPECTION',
        summary: '邻里纠纷',
        parties: [
          { role: 'APPLICANT', name: '某人' },
          { role: 'APPLICANT', personId: '5' },
          { role: 'RESPONDENT', personId: '5' },
        ],
      },
    });
    expect(twice.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'parties', rule: 'partyRepeated', index: 2 });
    expect(twice.errors![0]!.message).toBe('Party 3: person 5 is party 2 already; a person is one party of a dispute.');
  });

  it('refuses a version below 1 as bad input, not as a change by someone else', async () => {
    const r = await report(`version-${Date.now()}`);
    expect(r.errors).toBeUndefined();
    const id = r.data!.reportDispute.id;
    for (const version of [0, -5]) {
      const a = await v(`mutation { acceptDispute(id: "${id}", version: ${version}) { id } }`);
      expect(a.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'version' });
    }
    // A version behind the case's is still a CONFLICT carrying the current one.
    const accepted = await v<{ acceptDispute: { version: number } }>(`mutation { acceptDispute(id: "${id}", version: 1) { version } }`);
    const stale = await v(`mutation { assignDispute(id: "${id}", version: 1, assignee: "调委会") { id } }`);
    expect(stale.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', currentVersion: accepted.data!.acceptDispute.version });
  });

  it('lists a grid’s disputes, newest first, and only that grid’s', async () => {
    const r = await report(`grid-list-${Date.now()}`);
    expect(r.errors).toBeUndefined();
    const id = r.data!.reportDispute.id;
    type Listed = { id: string; caseNumber?: string; grid: { code: string } };
    const page = await v<{
      grid: { disputes: Nodes<Listed> & Counted };
      other: { disputes: Nodes<Listed> };
    }>(`{ grid(code: "623021200201001") { disputes(first: 50) { totalCount nodes { id caseNumber grid { code } } } }
                           other: grid(code: "623021200201002") { disputes(first: 50) { nodes { id grid { code } } } } }`);
    expect(page.errors).toBeUndefined();
    const nodes = page.data!.grid.disputes.nodes;
    expect(nodes[0]!.id).toBe(id);
    expect(nodes.every((n) => n.grid.code === '623021200201001')).toBe(true);
    expect(page.data!.grid.disputes.totalCount).toBeGreaterThanOrEqual(nodes.length);
    expect(page.data!.other.disputes.nodes.some((n) => n.id === id)).toBe(false);
    expect(page.data!.other.disputes.nodes.every((n) => n.grid.code === '623021200201002')).toBe(true);
  });

  it('finds a case for a desk by its number, its summary’s words, its scale, source and supervision', async () => {
    const unique = `草场围栏-${Date.now()}`;
    const r = await report(`find-${Date.now()}`, villageToken, `${unique}引发争执`);
    expect(r.errors).toBeUndefined();
    const d = r.data!.reportDispute;
    type Found = { village: { disputes: Nodes<{ id: string; caseNumber: string }> & Counted } };
    const find = (filter: string) =>
      v<Found>(`{ village(code: "623021200201") { disputes(first: 50, filter: { ${filter} }) { totalCount nodes { id caseNumber } } } }`);
    const ids = async (filter: string) => {
      const got = await find(filter);
      expect(got.errors, filter).toBeUndefined();
      return got.data!.village.disputes.nodes.map((n) => n.id);
    };
    expect(await ids(`caseNumber: " ${d.caseNumber} "`)).toEqual([d.id]);
    // Each resident party lists the case among their disputes, newest first, read for a page of residents at once.
    type Resident = { id: string; disputes: { id: string; caseNumber: string }[] };
    const parties = await v<{ village: { residents: Nodes<Resident> } }>(
      `{ village(code: "623021200201") { residents(first: 2) { nodes { id disputes { id caseNumber } } } } }`,
    );
    expect(parties.errors).toBeUndefined();
    for (const r of parties.data!.village.residents.nodes) expect(r.disputes[0], r.id).toEqual({ id: d.id, caseNumber: d.caseNumber });
    // A caller of another village sees none of this village's cases through the person (nor the person).
    const other = await hub.token({ jurisdiction: '623021200202', scopes: ['read'] });
    const seen = await hub.queryAs<{ person: Resident | null }>(
      other,
      `{ person(id: "${parties.data!.village.residents.nodes[0]!.id}") { id disputes { id } } }`,
    );
    expect(seen.data?.person ?? null).toBeNull();
    // A case reported by form has no external id (its idempotency key is the client's own).
    const shown = await v<One<'dispute', { externalId: string | null }>>(`{ dispute(id: "${d.id}") { externalId } }`);
    expect(shown.data!.dispute!.externalId).toBeNull();
    expect(await ids(`search: "${unique}"`)).toEqual([d.id]);
    // Wildcards match only themselves.
    expect(await ids(`search: "${unique.slice(0, 3)}%引发"`)).toEqual([]);
    expect(await ids(`search: "${unique}", scale: MAJOR`)).toEqual([]);
    expect(await ids(`search: "${unique}", scale: ORDINARY, source: GRID_INSPECTION, underSupervision: false`)).toEqual([d.id]);
    expect(await ids(`search: "${unique}", underSupervision: true`)).toEqual([]);
    const supervised = await ids(`underSupervision: true`);
    const all = await find('');
    expect(supervised.length).toBeLessThanOrEqual(all.data!.village.disputes.totalCount);
    const bad = await find(`caseNumber: "2026-000123"`);
    expect(bad.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'filter.caseNumber' });
    // An emptied search box is no filter: the whole list, not an error that would blank the village with it.
    for (const empty of [`search: ""`, `search: "  "`, `caseNumber: ""`, `externalId: "\u200b"`]) {
      const r = await find(empty);
      expect(r.errors, empty).toBeUndefined();
      expect(r.data!.village.disputes.totalCount, empty).toBe(all.data!.village.disputes.totalCount);
    }
  });

  it('finds a case by a party’s name, a resident’s or not, at the village and the township’s desk', async () => {
    const stamp = Date.now();
    const outsider = `邻村牧户马某${stamp}`;
    const r = await report(`party-${stamp}`, villageToken, '草场纠纷', (ps) => [...ps.slice(0, 2), { name: outsider, role: 'THIRD_PARTY' }]);
    expect(r.errors).toBeUndefined();
    const d = r.data!.reportDispute;
    const township = await hub.token({ jurisdiction: '623021200', scopes: ['read'] });
    const found = async (filter: string, token = villageToken) => {
      const got = await hub.queryAs<{ township: { villageDisputes: Nodes<{ id: string }> } }>(
        token,
        `{ township(code: "623021200") { villageDisputes(first: 50, filter: { ${filter} }) { nodes { id } } } }`,
      );
      expect(got.errors, filter).toBeUndefined();
      return got.data!.township.villageDisputes.nodes.map((n) => n.id);
    };
    // Part of the name, as a clerk types it; the summary does not hold it.
    expect(await found(`party: "马某${stamp}"`, township)).toEqual([d.id]);
    expect(await found(`search: "马某${stamp}"`, township)).toEqual([]);
    // A resident party by the name the case gives them.
    const resident = d.parties.find((p) => p.role === 'APPLICANT')!.name;
    expect(await found(`party: "${resident}", caseNumber: "${d.caseNumber}"`, township)).toEqual([d.id]);
    // Wildcards match only themselves; a name past 50 characters is refused, an empty one is no filter.
    expect(await found(`party: "马%${stamp}"`, township)).toEqual([]);
    const long = await hub.queryAs(township, `{ township(code: "623021200") { villageDisputes(filter: { party: "${'马'.repeat(51)}" }) { totalCount } } }`);
    expect(long.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'filter.party' });
    // Another township's desk finds nothing of it.
    const other = await hub.token({ jurisdiction: '623021104', scopes: ['read'] });
    const elsewhere = await hub.queryAs<{ township: { villageDisputes: Nodes<{ id: string }> } }>(
      other,
      `{ township(code: "623021104") { villageDisputes(first: 50, filter: { party: "马某${stamp}" }) { nodes { id } } } }`,
    );
    expect(elsewhere.data!.township.villageDisputes.nodes).toEqual([]);
  });

  it('lists every dispute of a township’s villages for its desk, batched across townships, with totals that match its figures', async () => {
    type Township = { code: string; villageDisputes: Nodes<{ id: string; village: { code: string } }> & Counted; disputeStats: { reported: number } };
    const county = await hub.token({ jurisdiction: '623021', scopes: ['read', 'report'] });
    const r = await hub.queryAs<{ county: { townships: Township[] } }>(
      county,
      `{ county(code: "623021") { townships { code villageDisputes(first: 5, filter: { from: "2025-10-01", to: "2026-09-30" }) { totalCount nodes { id village { code } } }
           disputeStats(from: "2025-10-01", to: "2026-09-30") { reported } } } }`,
    );
    expect(r.errors).toBeUndefined();
    const townships = r.data!.county.townships;
    expect(townships.length).toBeGreaterThan(1);
    for (const t of townships) {
      expect(t.villageDisputes.totalCount, t.code).toBe(t.disputeStats.reported);
      expect(
        t.villageDisputes.nodes.every((n) => n.village.code.startsWith(t.code)),
        t.code,
      ).toBe(true);
    }
    expect(townships.some((t) => t.villageDisputes.nodes.length > 0)).toBe(true);
    // A village's caller does not see its township's list.
    const villager = await hub.token({ jurisdiction: '623021200201', scopes: ['read'] });
    const refused = await hub.queryAs(villager, `{ township(code: "623021200") { villageDisputes(first: 1) { totalCount } } }`);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('escalation answered as the case stands', () => {
  it('answers 上报 with the township’s receipt once the township has the case, not inTransit', async () => {
    let d = (await report(`received-${Date.now()}`)).data!.reportDispute;
    d = (await v(`mutation { acceptDispute(id: "${d.id}", version: ${d.version}) { ${DISPUTE} } }`)).data!.acceptDispute!;
    const esc = await v(`mutation { escalateDispute(id: "${d.id}", version: ${d.version}, reason: "需乡镇协调") { ${DISPUTE} } }`);
    expect(esc.errors).toBeUndefined();
    const answered = esc.data!.escalateDispute!;
    expect(answered).toMatchObject({ status: 'ESCALATED', handlingLevel: 'TOWNSHIP', inTransit: false });
    expect(answered.timeline.map((s) => `${s.level}:${s.action}`).slice(-2)).toEqual(['VILLAGE:ESCALATE', 'TOWNSHIP:RECEIVE']);
    // The answer is the case as every read finds it: its version is the current one, good for the next step.
    expect((await v<One<'dispute', Dispute>>(`{ dispute(id: "${d.id}") { version inTransit } }`)).data!.dispute).toMatchObject({
      version: answered.version,
      inTransit: false,
    });
  });
});

describe('escalation while the township subgraph is down', () => {
  it('queues at the village, arrives exactly once when the township returns, and a redelivered event changes nothing', async () => {
    let d = (await report(`down-${Date.now()}`)).data!.reportDispute;
    d = (await v(`mutation { acceptDispute(id: "${d.id}", version: ${d.version}) { ${DISPUTE} } }`)).data!.acceptDispute!;
    await hub.stopSubgraph('township');
    try {
      const esc = await v(`mutation { escalateDispute(id: "${d.id}", version: ${d.version}, reason: "需乡镇协调") { ${DISPUTE} } }`);
      expect(esc.errors).toBeUndefined();
      expect(esc.data!.escalateDispute).toMatchObject({ status: 'ESCALATED', handlingLevel: 'TOWNSHIP', inTransit: true });
      await new Promise((r) => setTimeout(r, 1500)); // the relay tries and fails meanwhile
    } finally {
      await hub.restartSubgraph('township');
    }
    const arrived = await waitFor(async () => {
      const c = await townshipCase(d.id);
      return c.length ? c : null;
    });
    expect(arrived).toHaveLength(1);
    const shown = await waitFor(async () => {
      const x = (await v(`{ dispute(id: "${d.id}") { ${DISPUTE} } }`)).data!.dispute!;
      return x.inTransit ? null : x;
    });
    expect(shown.timeline.filter((s) => s.action === 'RECEIVE')).toHaveLength(1);

    // Deliver the same escalation event again, exactly as the relay would.
    const owner = new pg.Client({ connectionString: inject('dbs').village.migrationUrl });
    await owner.connect();
    const { rows } = await owner.query(
      `select event_id, type, payload, delivered_at from hub_outbox where payload->>'disputeId' = $1 and type = 'case.escalated'`,
      [d.id],
    );
    await owner.end();
    expect(rows).toHaveLength(1);
    expect(rows[0].delivered_at).not.toBeNull();
    const body = JSON.stringify({ events: [{ eventId: rows[0].event_id, type: rows[0].type, source: 'village', payload: rows[0].payload }] });
    const token = await new SignJWT({ sha: createHash('sha256').update(body).digest('base64url') })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('village')
      .setAudience('township')
      .setExpirationTime('1m')
      .sign(new TextEncoder().encode(inject('keys').eventsSecret));
    const res = await fetch(new URL('/events', hub.subgraphs.township.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-event-token': token },
      body,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ applied: 0, duplicates: 1 });
    expect(await townshipCase(d.id)).toHaveLength(1);
    const unsigned = await fetch(new URL('/events', hub.subgraphs.township.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(unsigned.status).toBe(401);
  });
});

describe('county handling and supervision', () => {
  it('takes a case from a 卓尼县 village through its township to the county, which refers it to court', async () => {
    const vt = await hub.token({ jurisdiction: '623022', scopes: ['read', 'write'] });
    const people = await hub.queryAs<{ village: { residents: Nodes<{ id: string }> } }>(
      vt,
      `{ village(code: "623022100001") { residents(first: 1) { nodes { id } } } }`,
    );
    const rep = await hub.queryAs<One<'reportDispute', { id: string; version: number }>>(
      vt,
      `mutation($i: DisputeInput!) { reportDispute(input: $i, idempotencyKey: "county-${Date.now()}") { id version } }`,
      {
        i: {
          gridCode: '623022100001001',
          category: 'LAND_REQUISITION',
          scale: 'MAJOR',
          source: 'WALK_IN',
          summary: '征地补偿分配争议',
          parties: [{ personId: people.data!.village.residents.nodes[0]!.id, role: 'APPLICANT' }],
        },
      },
    );
    let d = rep.data!.reportDispute;
    /** Runs one mutation field and returns what it selected. */
    const step = async <T>(m: string) => {
      const r = await hub.queryAs<Record<string, T>>(vt, `mutation { ${m} }`);
      expect(r.errors, m).toBeUndefined();
      return Object.values(r.data!)[0]!;
    };
    type Case = { status: string; version: number };
    type CaseOf<K extends string> = { dispute: One<K, Case | null> };
    d = await step(`acceptDispute(id: "${d.id}", version: ${d.version}) { id version }`);
    d = await step(`escalateDispute(id: "${d.id}", version: ${d.version}, reason: "补偿标准超出村级权限") { id version }`);
    const tc = await waitFor(
      async () => (await hub.queryAs<CaseOf<'townshipCase'>>(vt, `{ dispute(id: "${d.id}") { townshipCase { status version } } }`)).data!.dispute.townshipCase,
    );
    // The township's receipt moves the village record one version on, and the escalation's answer already shows it (it
    // answers the case as it stands). A step the case's status no longer allows, sent on the version the escalation
    // answered, is refused for what it is, not sent to re-read and retry.
    const received = await waitFor(async () => {
      const x = (await hub.queryAs<One<'dispute', { version: number; inTransit: boolean }>>(vt, `{ dispute(id: "${d.id}") { version inTransit } }`)).data!
        .dispute;
      return x.inTransit ? null : x;
    });
    expect(received.version).toBe(d.version);
    const resolvedBelow = await hub.queryAs(vt, `mutation { resolveDispute(id: "${d.id}", version: ${d.version}, outcome: AGREEMENT) { id } }`);
    expect(resolvedBelow.errors![0]!.extensions).toMatchObject({
      code: 'INVALID_TRANSITION',
      status: 'ESCALATED',
      handlingLevel: 'TOWNSHIP',
      action: 'RESOLVE',
      allowed: [],
    });
    let c = await step<{ version: number; status?: string }>(`acceptTownshipCase(disputeId: "${d.id}", version: ${tc.version}) { version }`);
    c = await step(`escalateTownshipCase(disputeId: "${d.id}", version: ${c.version}, reason: "需县级协调") { version status }`);
    expect(c.status).toBe('ESCALATED');
    // The same at the township: accepting again on the receipt's version is no step an ESCALATED case allows.
    const acceptedAgain = await hub.queryAs(vt, `mutation { acceptTownshipCase(disputeId: "${d.id}", version: ${tc.version}) { version } }`);
    expect(acceptedAgain.errors![0]!.extensions).toMatchObject({ code: 'INVALID_TRANSITION', status: 'ESCALATED', action: 'ACCEPT', allowed: [] });
    const cc = await waitFor(
      async () => (await hub.queryAs<CaseOf<'countyCase'>>(vt, `{ dispute(id: "${d.id}") { countyCase { status version } } }`)).data!.dispute.countyCase,
    );
    expect(cc.status).toBe('RECEIVED');
    const inbox = await hub.queryAs<{ county: { caseInbox: Nodes<{ caseNumber: string; dispute: { id: string } }> & Counted } }>(
      vt,
      `{ county(code: "623022") { caseInbox(status: [RECEIVED]) { totalCount nodes { caseNumber dispute { id } } } } }`,
    );
    expect(inbox.data!.county.caseInbox.nodes.map((n) => n.dispute.id)).toContain(d.id);
    // The township that sent it up reads the county's case and is told whose desk a step is, not that the county lies outside it.
    const township = await hub.token({ jurisdiction: '623022100', scopes: ['read', 'write'] });
    const byTownship = await hub.queryAs(township, `mutation { acceptCountyCase(disputeId: "${d.id}", version: ${cc.version}) { version } }`);
    expect(byTownship.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', argument: 'disputeId', centre: '623022' });
    expect(byTownship.errors![0]!.message).toBe(
      "A county case is handled by its county's centre (623022); a token of a level below may read it, not act on it.",
    );
    // A token without write is refused a step alike for this case and for an id that names none: trying ids tells it nothing.
    const reportOnly = await hub.token({ jurisdiction: '623022', scopes: ['report'], subject: 'disputes-report-only' });
    for (const id of [d.id, '00000000-0000-4000-8000-000000000000']) {
      for (const m of [`acceptCountyCase(disputeId: "${id}", version: 1) { version }`, `acceptTownshipCase(disputeId: "${id}", version: 1) { version }`]) {
        const r = await hub.queryAs(reportOnly, `mutation { ${m} }`);
        expect(r.errors![0]!.extensions, m).toMatchObject({ code: 'FORBIDDEN', scope: 'write' });
      }
    }
    // A dispatch's withdrawal the same, for a dispatch of the caller's county (临潭县's demo data has them) and an id that names none.
    const lintan = await hub.token({ jurisdiction: '623021', scopes: ['read'], subject: 'disputes-dispatch-reader' });
    const sent = await hub.dataAs<{ county: { townships: { dispatches: { nodes: { id: string }[] } }[] } }>(
      lintan,
      `{ county(code: "623021") { townships { dispatches(first: 1) { nodes { id } } } } }`,
    );
    const dispatch = sent.county.townships.flatMap((t) => t.dispatches.nodes)[0]!.id;
    const lintanReport = await hub.token({ jurisdiction: '623021', scopes: ['report'], subject: 'disputes-report-only-lintan' });
    for (const dispatchId of [dispatch, '999999999']) {
      const r = await hub.queryAs(lintanReport, `mutation { withdrawDispatch(dispatchId: "${dispatchId}", version: 1, reason: "x") { version } }`);
      expect(r.errors![0]!.extensions, dispatchId).toMatchObject({ code: 'FORBIDDEN', scope: 'write' });
    }
    let k = await step<{ version?: number; status?: string; outcome?: string }>(`acceptCountyCase(disputeId: "${d.id}", version: ${cc.version}) { version }`);
    // The county's desk records its own mediation (联合调解) once the case is assigned, as the levels below do.
    const early = await hub.queryAs(vt, `mutation { recordCountyMediation(disputeId: "${d.id}", version: ${k.version}, note: "x") { status } }`);
    expect(early.errors![0]!.extensions).toMatchObject({ code: 'INVALID_TRANSITION', status: 'ACCEPTED', allowed: ['ASSIGN', 'RESOLVE', 'RETURN'] });
    const accepted = k;
    k = await step(`assignCountyCase(disputeId: "${d.id}", version: ${k.version}, assignee: "县法院诉调对接中心") { version }`);
    // A step the status allows, on a copy read before the assignment: CONFLICT, for the desk to re-read and take it then.
    const staleMediation = await hub.queryAs(
      vt,
      `mutation { recordCountyMediation(disputeId: "${d.id}", version: ${accepted.version}, note: "x") { status } }`,
    );
    expect(staleMediation.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', currentVersion: k.version });
    k = await step(`recordCountyMediation(disputeId: "${d.id}", version: ${k.version}, note: "县级联合调解，双方同意诉前调解") { version status }`);
    expect(k.status).toBe('MEDIATING');
    const mediating = await hub.queryAs<{ county: { caseInbox: Nodes<{ dispute: { id: string } }> } }>(
      vt,
      `{ county(code: "623022") { caseInbox(status: [MEDIATING]) { nodes { dispute { id } } } } }`,
    );
    expect(mediating.data!.county.caseInbox.nodes.map((n) => n.dispute.id)).toContain(d.id);
    const resolve = `resolveCountyCase(disputeId: "${d.id}", version: ${k.version}, outcome: LITIGATION) { status outcome version }`;
    k = await step(resolve);
    expect(k).toMatchObject({ status: 'RESOLVED', outcome: 'LITIGATION' });
    // Sent again after a lost answer: the case as it is, and one RESOLVE on the timeline (below).
    expect(await step(resolve)).toEqual(k);
    // Another resolution from that copy is no resend: a RESOLVED case allows no second one, whatever version is sent.
    const other = await hub.queryAs(vt, `mutation { resolveCountyCase(disputeId: "${d.id}", version: ${accepted.version}, outcome: AGREEMENT) { status } }`);
    expect(other.errors![0]!.extensions).toMatchObject({ code: 'INVALID_TRANSITION', status: 'RESOLVED', action: 'RESOLVE', allowed: [] });
    type Final = Pick<Dispute, 'status' | 'handlingLevel' | 'resolvedLevel' | 'outcome'> & { timeline: { level: string; action: string }[] };
    const final = await waitFor(async () => {
      const x = (
        await hub.queryAs<One<'dispute', Final>>(vt, `{ dispute(id: "${d.id}") { status handlingLevel resolvedLevel outcome timeline { level action } } }`)
      ).data!.dispute;
      return x.status === 'RESOLVED' ? x : null;
    });
    expect(final).toMatchObject({ handlingLevel: 'COUNTY', resolvedLevel: 'COUNTY', outcome: 'LITIGATION' });
    expect(final.timeline.filter((s) => s.level === 'COUNTY').map((s) => s.action)).toEqual(['RECEIVE', 'ACCEPT', 'ASSIGN', 'MEDIATE', 'RESOLVE']);
  });

  it('closes a resolved case the parties never rated once its reply deadline has passed, with the reason noted', async () => {
    let d = (await report(`unrated-${Date.now()}`)).data!.reportDispute;
    for (const m of ['acceptDispute', 'assignDispute', 'resolveDispute']) {
      const args = m === 'assignDispute' ? ', assignee: "村调委会"' : m === 'resolveDispute' ? ', outcome: AGREEMENT' : '';
      const r = await v<One<string, Dispute>>(`mutation { ${m}(id: "${d.id}", version: ${d.version}${args}) { ${DISPUTE} } }`);
      expect(r.errors, m).toBeUndefined();
      d = r.data![m]!;
    }
    const close = (note?: string) =>
      v<One<'closeDispute', Dispute>>(`mutation { closeDispute(id: "${d.id}", version: ${d.version}${note ? `, note: "${note}"` : ''}) { ${DISPUTE} } }`);
    // Within the reply deadline the parties may still rate it: closing would cut that short.
    const early = await close('当事人联系不上');
    expect(early.errors![0]!.extensions).toMatchObject({ code: 'INVALID_TRANSITION', status: 'RESOLVED', allowed: expect.arrayContaining(['RATE']) });
    expect(early.errors![0]!.extensions!.closableAfter).toMatch(/\+08:00$/);
    // The clerk reads the deadline as a clock shows it (China time, to the minute), not as the API writes times.
    const due = chinaMinute(early.errors![0]!.extensions!.closableAfter as string);
    expect(due).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d$/);
    expect(early.errors![0]!.message).toContain(`reply deadline (${due} China time)`);
    const zh = await postJson<Record<string, unknown>>(
      hub.gatewayUrl,
      { query: `mutation { closeDispute(id: "${d.id}", version: ${d.version}, note: "当事人联系不上") { id } }` },
      { authorization: `Bearer ${villageToken}`, 'accept-language': 'zh' },
    );
    expect(zh.errors![0]!.message).toBe(`已化解的案件须经群众评价后办结；到答复时限（${due}）仍未评价的，方可注明原因办结。`);
    // Past it, the case is overdue until closed, and closes with the reason noted.
    const db = new pg.Client({ connectionString: inject('dbs').village.migrationUrl });
    await db.connect();
    try {
      await db.query(`update dispute set reply_by = now() - interval '1 hour' where id = $1`, [d.id]);
    } finally {
      await db.end();
    }
    expect((await v<One<'dispute', Dispute>>(`{ dispute(id: "${d.id}") { ${DISPUTE} } }`)).data!.dispute!.overdue).toBe(true);
    expect((await close()).errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'note' });
    const closed = await close('当事人外出务工，多次联系不上');
    expect(closed.errors).toBeUndefined();
    expect(closed.data!.closeDispute).toMatchObject({ status: 'CLOSED', rating: null, overdue: false });
    expect(closed.data!.closeDispute.timeline.at(-1)).toMatchObject({ level: 'VILLAGE', action: 'CLOSE', note: '当事人外出务工，多次联系不上' });
  });

  it('shows a supervision note where it fell in time among the steps, not after every later step', async () => {
    const d = await overdueReport(`supervised-order-${Date.now()}`);
    const supervised = await hub.queryAs(countyToken, `mutation { superviseDispute(id: "${d.id}", note: "请即联系当事人") { id } }`);
    expect(supervised.errors).toBeUndefined();
    const version = (await v<One<'dispute', Dispute>>(`{ dispute(id: "${d.id}") { version } }`)).data!.dispute!.version;
    const accepted = await v<One<'acceptDispute', Dispute>>(`mutation { acceptDispute(id: "${d.id}", version: ${version}) { ${DISPUTE} } }`);
    expect(accepted.errors).toBeUndefined();
    expect(accepted.data!.acceptDispute!.timeline.map((s) => `${s.level}:${s.action}`)).toEqual(['VILLAGE:REPORT', 'COUNTY:SUPERVISE', 'VILLAGE:ACCEPT']);
  });

  it('corrects a case as reported while the village holds it, once, with the reason in its timeline', async () => {
    const key = `corrected-${Date.now()}`;
    const d = (await report(key)).data!.reportDispute;
    type Corrected = Dispute & { category: string; scale: string; summary: string };
    const correct = (version: number, input: Record<string, unknown>, reason = '网格员录入时类别选错') =>
      v<One<'correctDispute', Corrected>>(
        `mutation($i: DisputeCorrection!, $r: String!) { correctDispute(id: "${d.id}", version: ${version}, input: $i, reason: $r) { ${DISPUTE} category scale summary } }`,
        { i: input, r: reason },
      );
    const fix = { category: 'BOUNDARY', summary: '两村因草场界桩位置发生争执', parties: [{ name: '邻村牧户', role: 'APPLICANT' }] };
    type Feed = { changes: { nodes: { op: string; recordId: string; version: number; changedFields: string[] }[]; pageInfo: { endCursor: string } } };
    const feed = (after?: string) =>
      v<Feed>(
        `query($a: String) { changes(after: $a, kinds: [DISPUTE], within: "623021200201", first: 500) { nodes { op recordId version changedFields } pageInfo { endCursor } } }`,
        {
          a: after ?? null,
        },
      );
    let cursor = (await feed()).data!.changes.pageInfo.endCursor;
    for (let page = await feed(cursor); page.data!.changes.nodes.length; page = await feed(cursor)) cursor = page.data!.changes.pageInfo.endCursor;
    const first = await correct(d.version, fix);
    expect(first.errors).toBeUndefined();
    expect(first.data!.correctDispute).toMatchObject({
      category: 'BOUNDARY',
      scale: 'ORDINARY',
      summary: fix.summary,
      status: 'REPORTED',
      version: d.version + 1,
    });
    expect(first.data!.correctDispute.parties).toEqual([{ name: '邻村牧户', role: 'APPLICANT', person: null }]);
    expect(first.data!.correctDispute.timeline.at(-1)).toMatchObject({
      level: 'VILLAGE',
      action: 'CORRECT',
      note: '更正类别、简要情况、当事人：网格员录入时类别选错',
    });
    // What was replaced stays readable: the case as first reported, field by field.
    type Change = { field: string; before: string | null; after: string | null; partiesBefore: unknown[] | null; partiesAfter: unknown[] | null };
    const steps = await v<One<'dispute', { timeline: { action: string; changes: Change[] | null }[] }>>(
      `{ dispute(id: "${d.id}") { timeline { action changes { field before after partiesBefore { name role person { id } } partiesAfter { name role person { id } } } } } }`,
    );
    const [reported, corrected] = steps.data!.dispute!.timeline;
    expect(reported!.changes).toBeNull();
    expect(corrected!.changes).toEqual([
      { field: 'CATEGORY', before: 'FOREST_GRASSLAND', after: 'BOUNDARY', partiesBefore: null, partiesAfter: null },
      { field: 'SUMMARY', before: '两户因草场边界围栏发生争执', after: fix.summary, partiesBefore: null, partiesAfter: null },
      {
        field: 'PARTIES',
        before: null,
        after: null,
        partiesBefore: d.parties.map((p) => ({ name: p.name, role: p.role, person: p.person && { id: expect.any(String) } })),
        partiesAfter: [{ name: '邻村牧户', role: 'APPLICANT', person: null }],
      },
    ]);
    // An integration following the feed learns of every field the correction changed, the parties and the note too.
    const entries = (await feed(cursor)).data!.changes.nodes.filter((n) => n.recordId === d.id);
    expect(entries).toEqual([{ op: 'UPDATED', recordId: d.id, version: d.version + 1, changedFields: ['category', 'parties', 'summary', 'timeline'] }]);
    // Sent again after a lost answer: the case as it is, no second correction.
    const again = await correct(d.version, fix);
    expect(again.errors).toBeUndefined();
    expect(again.data!.correctDispute.version).toBe(d.version + 1);
    expect(again.data!.correctDispute.timeline.filter((s) => s.action === 'CORRECT')).toHaveLength(1);
    expect((await correct(d.version, { scale: 'MAJOR' })).errors![0]!.extensions).toMatchObject({ code: 'CONFLICT' });
    expect((await correct(d.version + 1, { category: 'BOUNDARY' })).errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input' });
    expect((await correct(d.version + 1, { occurredAt: '2099-01-01T00:00:00Z' })).errors![0]!.extensions).toMatchObject({ argument: 'occurredAt' });
    // Nor after the case was reported, even by the two minutes of a clerk's slip (reported 22:43, occurred 22:45): a
    // dispute is reported once it has happened, and the report time the hub recorded has no device clock skew to allow.
    const reportedAt = first.data!.correctDispute.timeline[0]!.at;
    for (const minutes of [2, 6]) {
      const afterReport = new Date(Date.parse(reportedAt) + minutes * 60_000).toISOString();
      const late = (await correct(d.version + 1, { occurredAt: afterReport })).errors![0]!;
      expect(late.extensions, `${minutes} min`).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'occurredAt', rule: 'occurredAfterReport' });
      expect(late.message).toBe(`occurredAt cannot be after the case was reported (${chinaMinute(reportedAt)} China time).`);
      // The report time a client reads from the refusal is written as every DateTime is (China time, +08:00).
      expect(late.extensions!.reportedAt).toBe(reportedAt);
      // The report time as the clerk reads it: China time, to the minute.
      const zh = await postJson<Record<string, unknown>>(
        hub.gatewayUrl,
        {
          query: `mutation($i: DisputeCorrection!) { correctDispute(id: "${d.id}", version: ${d.version + 1}, input: $i, reason: "更正发生时间") { id } }`,
          variables: { i: { occurredAt: afterReport } },
        },
        { authorization: `Bearer ${villageToken}`, 'accept-language': 'zh' },
      );
      expect(zh.errors![0]!.message).toBe(`发生时间不能晚于案件的登记时间（${chinaMinute(reportedAt)}）：纠纷发生在登记之前。`);
    }
    // A time left out of the report and given later: nothing before it, and the time as the API writes times.
    expect((await correct(d.version + 1, { occurredAt: '2026-09-01T08:30:00+08:00' }, '补录发生时间')).errors).toBeUndefined();
    const timed = await v<One<'dispute', { timeline: { changes: Pick<Change, 'field' | 'before' | 'after'>[] | null }[] }>>(
      `{ dispute(id: "${d.id}") { timeline { changes { field before after } } } }`,
    );
    expect(timed.data!.dispute!.timeline.at(-1)!.changes).toEqual([{ field: 'OCCURRED_AT', before: null, after: '2026-09-01T08:30:00.000+08:00' }]);
    // The report sent again after the corrections (an answer lost, the app retrying): the case, as first reported.
    const retried = await report(key);
    expect(retried.errors).toBeUndefined();
    expect(retried.data!.reportDispute).toMatchObject({ id: d.id, version: d.version + 2 });
    const otherReport = await report(key, villageToken, '另一件事：邻里因院墙排水发生纠纷');
    expect(otherReport.errors![0]!.extensions).toMatchObject({
      code: 'CONFLICT',
      argument: 'idempotencyKey',
      fields: ['category', 'summary', 'occurredAt', 'parties'],
    });
    const listed = await v<{ village: { disputes: Nodes<{ id: string }> } }>(
      `{ village(code: "623021200201") { disputes(first: 5, filter: { caseNumber: "${d.caseNumber}", category: BOUNDARY }) { nodes { id } } } }`,
    );
    expect(listed.data!.village.disputes.nodes).toEqual([{ id: d.id }]);
    // Once the township holds the case, it keeps what it was sent: the village corrects no more.
    const accepted = await v<One<'acceptDispute', Dispute>>(`mutation { acceptDispute(id: "${d.id}", version: ${d.version + 2}) { version } }`);
    const escalated = await v<One<'escalateDispute', Dispute>>(
      `mutation { escalateDispute(id: "${d.id}", version: ${accepted.data!.acceptDispute.version}, reason: "涉及两村边界，需乡镇协调") { ${DISPUTE} } }`,
    );
    expect(escalated.errors).toBeUndefined();
    // On the version as it is once the township's receipt has reached the record (it moves the version on).
    const { version: held } = await waitFor(async () => {
      const x = (await v<One<'dispute', Dispute>>(`{ dispute(id: "${d.id}") { version inTransit } }`)).data!.dispute!;
      return x.inTransit ? null : x;
    });
    const late = await correct(held, { scale: 'MAJOR' });
    expect(late.errors![0]!.extensions).toMatchObject({ code: 'INVALID_TRANSITION', status: 'ESCALATED' });
    // As on a copy read before the escalation: no version makes a case gone to the township correctable again.
    const lateStale = await correct(accepted.data!.acceptDispute.version, { scale: 'MAJOR' });
    expect(lateStale.errors![0]!.extensions).toMatchObject({ code: 'INVALID_TRANSITION', status: 'ESCALATED' });
  });

  it('declines a report at intake (不予受理): a duplicate names its case, and a declined case counts in no figure', async () => {
    // A village no other test writes to, so its figures of today move only with this test.
    const village = '623021200205';
    const token = await hub.token({ jurisdiction: village, scopes: ['read', 'write'], subject: 'decline-desk' });
    const ask = <T>(q: string, vars?: Record<string, unknown>) => hub.queryAs<T>(token, q, vars);
    const file = (key: string) =>
      ask<One<'reportDispute', Dispute>>(`mutation($i: DisputeInput!, $k: String!) { reportDispute(input: $i, idempotencyKey: $k) { ${DISPUTE} } }`, {
        k: `${key}-${Date.now()}`,
        i: {
          gridCode: `${village}001`,
          category: 'NEIGHBOUR',
          scale: 'ORDINARY',
          source: 'HOTLINE',
          summary: '邻里因排水沟堵塞发生争执',
          parties: [{ name: '扎西', role: 'APPLICANT' }],
        },
      });
    const reportedToday = async () =>
      (
        await ask<{ village: { disputeStats: { reported: number; open: number; declined: number } } }>(
          `{ village(code: "${village}") { disputeStats(from: "${today}", to: "${today}") { reported open declined } } }`,
        )
      ).data!.village.disputeStats;
    const first = (await file('decline-first')).data!.reportDispute;
    const again = (await file('decline-again')).data!.reportDispute;
    const before = await reportedToday();
    const decline = (args: string) =>
      ask<One<'declineDispute', Dispute>>(`mutation { declineDispute(id: "${again.id}", version: ${again.version}, ${args}) { ${DISPUTE} } }`);
    expect((await decline('reason: DUPLICATE')).errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'duplicateOf' });
    expect((await decline('reason: DUPLICATE, duplicateOf: "12-3"')).errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'duplicateOf' });
    // Typed with a Chinese input method, the number reads the same (here: itself, refused as such, not as malformed).
    const fullWidth = again.caseNumber.replace(/\d/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).replaceAll('-', '－');
    expect((await decline(`reason: DUPLICATE, duplicateOf: "${fullWidth}"`)).errors![0]!.message).toMatch(/cannot duplicate itself/);
    expect((await decline(`reason: DUPLICATE, duplicateOf: "${again.caseNumber}"`)).errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect((await decline(`reason: WITHDRAWN, duplicateOf: "${first.caseNumber}"`)).errors![0]!.extensions).toMatchObject({ argument: 'duplicateOf' });
    const declined = await decline(`reason: DUPLICATE, duplicateOf: "${first.caseNumber}", note: "同一来电人再次反映"`);
    expect(declined.errors).toBeUndefined();
    expect(declined.data!.declineDispute).toMatchObject({ status: 'DECLINED', overdue: false, version: again.version + 1 });
    const why = await ask<{ dispute: { declineReason: string; duplicateOf: string } }>(`{ dispute(id: "${again.id}") { declineReason duplicateOf } }`);
    expect(why.data!.dispute).toEqual({ declineReason: 'DUPLICATE', duplicateOf: first.caseNumber });
    expect(declined.data!.declineDispute.timeline.at(-1)).toMatchObject({
      level: 'VILLAGE',
      action: 'DECLINE',
      status: 'DECLINED',
      note: `不予受理：重复登记（与案件 ${first.caseNumber} 重复）。同一来电人再次反映`,
    });
    // Sent again after a lost answer: the case as it is.
    expect((await decline(`reason: DUPLICATE, duplicateOf: "${first.caseNumber}", note: "同一来电人再次反映"`)).data!.declineDispute.version).toBe(
      again.version + 1,
    );
    // Counted in no figure: one fewer reported (and open) today, at once, and shown beside them as declined.
    expect(await reportedToday()).toEqual({ reported: before.reported - 1, open: before.open - 1, declined: before.declined + 1 });
    // It ends there: no step is open but taking the decline back (恢复受理), and a duplicate of it is not named.
    const accept = await ask(`mutation { acceptDispute(id: "${again.id}", version: ${again.version + 1}) { id } }`);
    expect(accept.errors![0]!.extensions).toMatchObject({ code: 'INVALID_TRANSITION', status: 'DECLINED', allowed: ['REINSTATE'] });
    const third = (await file('decline-third')).data!.reportDispute;
    const chained = await ask(
      `mutation { declineDispute(id: "${third.id}", version: ${third.version}, reason: DUPLICATE, duplicateOf: "${again.caseNumber}") { id } }`,
    );
    expect(chained.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'duplicateOf' });
    // Nor is the case a duplicate names declined as a duplicate in its turn.
    const chainedBack = await ask(
      `mutation { declineDispute(id: "${first.id}", version: ${first.version}, reason: DUPLICATE, duplicateOf: "${third.caseNumber}") { id } }`,
    );
    expect(chainedBack.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'reason', duplicates: [again.caseNumber] });
    // An accepted case is handled to its end.
    const taken = (await ask<One<'acceptDispute', Dispute>>(`mutation { acceptDispute(id: "${first.id}", version: ${first.version}) { version } }`)).data!
      .acceptDispute;
    const late = await ask(`mutation { declineDispute(id: "${first.id}", version: ${taken.version}, reason: NOT_A_DISPUTE) { id } }`);
    expect(late.errors![0]!.extensions).toMatchObject({ code: 'INVALID_TRANSITION', status: 'ACCEPTED' });
    // The day's roll-up and the cases agree, the declined left out.
    const db = new pg.Client({ connectionString: inject('dbs').village.migrationUrl });
    await db.connect();
    try {
      const { rows } = await db.query(
        `select (select coalesce(sum(reported), 0)::int from village_day_rollup where village_code = $1 and day = $2::date) as rolled,
                (select count(*)::int from dispute where village_code = $1 and hub_day(reported_at) = $2::date and status <> 'DECLINED') as counted`,
        [village, today],
      );
      expect(rows[0].rolled).toBe(rows[0].counted);
    } finally {
      await db.end();
    }
  });

  it('answers a supervision order sent again from the version it was given on, without a second 督办', async () => {
    const d = await overdueReport(`supervised-retry-${Date.now()}`);
    type Supervised = { version: number; timeline: { action: string }[] };
    const supervise = (version: number, note: string) =>
      hub.queryAs<One<'superviseDispute', Supervised>>(
        countyToken,
        `mutation { superviseDispute(id: "${d.id}", version: ${version}, note: "${note}") { version timeline { action } } }`,
      );
    const first = await supervise(d.version, '请即联系当事人');
    expect(first.errors).toBeUndefined();
    expect(first.data!.superviseDispute.version).toBe(d.version + 1);
    const again = await supervise(d.version, '请即联系当事人');
    expect(again.errors).toBeUndefined();
    expect(again.data!.superviseDispute.version).toBe(d.version + 1);
    expect(again.data!.superviseDispute.timeline.filter((s) => s.action === 'SUPERVISE')).toHaveLength(1);
    // Another note from the same version is another order written on a case that has since moved.
    expect((await supervise(d.version, '请于今日联系')).errors![0]!.extensions).toMatchObject({ code: 'CONFLICT' });
    const second = await supervise(d.version + 1, '请于今日联系');
    expect(second.errors).toBeUndefined();
    expect(second.data!.superviseDispute.timeline.filter((s) => s.action === 'SUPERVISE')).toHaveLength(2);
  });

  it('lets the county supervise an overdue case handled at a township, which then sees the order', async () => {
    type Supervised = { underSupervision: boolean };
    type Desk = Supervised & { version: number; status: string };
    const open = await hub.queryAs<{
      county: {
        disputes: Nodes<{ id: string; status: string; underSupervision: boolean; village: { township: { code: string } }; townshipCase: Desk | null }>;
      };
    }>(
      countyToken,
      `{ county(code: "623021") { disputes(first: 50, filter: { overdue: true, handlingLevel: TOWNSHIP }) {
          nodes { id status underSupervision village { township { code } } townshipCase { underSupervision version status } } } } }`,
    );
    const target = open.data!.county.disputes.nodes.find((n) => !n.underSupervision && n.townshipCase);
    expect(target).toBeDefined();
    const villageCaller = await hub.queryAs(villageToken, `mutation { superviseDispute(id: "${target!.id}", note: "x") { id } }`);
    expect(villageCaller.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const r = await hub.queryAs<One<'superviseDispute', Supervised & { timeline: { level: string; action: string }[] }>>(
      countyToken,
      `mutation { superviseDispute(id: "${target!.id}", note: "超期未化解，请于3日内办结") { underSupervision timeline { level action } } }`,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.superviseDispute.underSupervision).toBe(true);
    expect(r.data!.superviseDispute.timeline.at(-1)).toEqual({ level: 'COUNTY', action: 'SUPERVISE' });
    await waitFor(
      async () =>
        (await hub.queryAs<{ dispute: { townshipCase: Supervised } }>(countyToken, `{ dispute(id: "${target!.id}") { townshipCase { underSupervision } } }`))
          .data!.dispute.townshipCase.underSupervision,
    );
    // The order marks the case but leaves the desk's version alone: the centre's next step on the version it read
    // before the order arrived is taken, not refused as CONFLICT.
    const desk = await hub.token({ jurisdiction: target!.village.township.code, scopes: ['read', 'write'], subject: 'zhongxin' });
    const read = target!.townshipCase!;
    const step = read.status === 'RECEIVED' ? 'acceptTownshipCase' : 'assignTownshipCase';
    const next = await hub.queryAs<Record<string, Desk>>(
      desk,
      // A desk's note written as a list (no file carries step notes, so the spreadsheet-formula rule is not theirs).
      `mutation { ${step}(disputeId: "${target!.id}", version: ${read.version}, note: "- 督办已阅\\n- 今日联系当事人"${step === 'assignTownshipCase' ? ', assignee: "司法所"' : ''}) {
          underSupervision version status } }`,
    );
    expect(next.errors).toBeUndefined();
    expect(next.data![step]).toMatchObject({ underSupervision: true, version: read.version + 1 });
    expect(
      (
        await hub.queryAs<{ dispute: { timeline: { note: string | null }[] } }>(countyToken, `{ dispute(id: "${target!.id}") { timeline { note } } }`)
      ).data!.dispute.timeline.at(-1)!.note,
    ).toContain('- 督办已阅\n- 今日联系当事人');
    const recent = await hub.queryAs<{ village: { disputes: Nodes<{ id: string }> } }>(
      villageToken,
      `{ village(code: "623021200201") { disputes(first: 1, filter: { overdue: false }) { nodes { id } } } }`,
    );
    const fresh = recent.data!.village.disputes.nodes[0];
    if (fresh) {
      const refused = await hub.queryAs(countyToken, `mutation { superviseDispute(id: "${fresh.id}", note: "x") { id } }`);
      expect(refused.errors![0]!.extensions!.code).toBe('INVALID_TRANSITION');
    }
  });
});

describe('demo disputes', () => {
  it.each(['623021', '632223'])(
    'county %s: disputeStats over the demo year agree with counting the cases one by one, for the county and every township',
    async (county) => {
      const FROM = '2025-10-01';
      const TO = '2026-09-30';
      interface Listed {
        status: string;
        resolvedLevel: string | null;
        village: { code: string };
        rating: string | null;
        overdue: boolean;
        timeline: { action: string; level: string }[];
      }
      const all: Listed[] = [];
      let after: string | null = null;
      for (;;) {
        const r: GraphQLResponse<{ county: { disputes: Paged<Listed> } }> = await hub.query(
          `query($a: String) { county(code: "${county}") { disputes(first: 500, after: $a, filter: { from: "${FROM}", to: "${TO}" }) {
          nodes { status resolvedLevel village { code } rating overdue timeline { action level } } pageInfo { hasNextPage endCursor } } } }`,
          { a: after },
        );
        expect(r.errors).toBeUndefined();
        all.push(...r.data!.county.disputes.nodes);
        if (!r.data!.county.disputes.pageInfo.hasNextPage) break;
        after = r.data!.county.disputes.pageInfo.endCursor;
      }
      const count = (list: Listed[]) => {
        const resolved = list.filter((d) => ['RESOLVED', 'RATED', 'CLOSED', 'FOLLOWED_UP'].includes(d.status));
        return {
          reported: list.length,
          resolved: resolved.length,
          resolutionRate: list.length ? resolved.length / list.length : 0,
          resolvedAtVillage: resolved.filter((d) => d.resolvedLevel === 'VILLAGE').length,
          resolvedAtTownship: resolved.filter((d) => d.resolvedLevel === 'TOWNSHIP').length,
          resolvedAtCounty: resolved.filter((d) => d.resolvedLevel === 'COUNTY').length,
          escalatedToTownship: list.filter((d) => d.timeline.some((s) => s.action === 'ESCALATE' && s.level === 'VILLAGE')).length,
          escalatedToCounty: list.filter((d) => d.timeline.some((s) => s.action === 'ESCALATE' && s.level === 'TOWNSHIP')).length,
          open: list.length - resolved.length,
          overdue: list.filter((d) => d.overdue).length,
        };
      };
      type Figures = ReturnType<typeof count>;
      const stats = await hub.query<{ county: { disputeStats: Figures; townships: { code: string; disputeStats: Figures }[] } }>(
        `{ county(code: "${county}") { ${'disputeStats'}(from: "${FROM}", to: "${TO}") { reported resolved resolutionRate resolvedAtVillage resolvedAtTownship resolvedAtCounty escalatedToTownship escalatedToCounty open overdue } townships { code disputeStats(from: "${FROM}", to: "${TO}") { reported resolved resolutionRate resolvedAtVillage resolvedAtTownship resolvedAtCounty escalatedToTownship escalatedToCounty open overdue } } } }`,
      );
      expect(stats.errors).toBeUndefined();
      expect(stats.data!.county.disputeStats).toEqual(count(all));
      for (const t of stats.data!.county.townships) expect(t.disputeStats, t.code).toEqual(count(all.filter((d) => d.village.code.startsWith(t.code))));
      if (county === '623021') {
        const s = stats.data!.county.disputeStats;
        expect(s.reported).toBeGreaterThanOrEqual(350);
        expect(s.resolutionRate).toBeGreaterThan(0.9);
        expect(s.resolvedAtVillage).toBeGreaterThan(s.resolvedAtTownship);
        expect(s.resolvedAtTownship).toBeGreaterThan(s.resolvedAtCounty);
        expect(s.resolvedAtCounty).toBeGreaterThan(0);
      }
    },
  );
});

describe('dispute lists with an open-ended period', () => {
  it('counts from a date alone and up to a date alone, which together make every case', async () => {
    const count = async (filter: string) => {
      const r = await hub.query<{ county: { disputes: Counted } }>(`{ county(code: "623021") { disputes(first: 1${filter}) { totalCount } } }`);
      expect(r.errors, filter).toBeUndefined();
      return r.data!.county.disputes.totalCount;
    };
    const all = await count('');
    const since = await count(', filter: { from: "2026-04-01" }');
    const before = await count(', filter: { to: "2026-03-31" }');
    expect(since).toBeGreaterThan(0);
    expect(before).toBeGreaterThan(0);
    expect(since + before).toBe(all);
  });
});

describe('handling belongs to its level', () => {
  it('refuses a village-level caller acting on a township case', async () => {
    const open = await hub.queryAs<{ township: { disputes: Nodes<{ version: number; dispute: { id: string; village: { code: string } } }> } }>(
      townshipToken,
      `{ township(code: "623021200") { disputes(first: 50, filter: { status: [RECEIVED, ACCEPTED, ASSIGNED, MEDIATING] }) { nodes { version dispute { id village { code } } } } } }`,
    );
    const c = open.data!.township.disputes.nodes[0];
    expect(c).toBeDefined();
    const villageCaller = await hub.token({ jurisdiction: c!.dispute.village.code, scopes: ['read', 'write'] });
    const r = await hub.queryAs(
      villageCaller,
      `mutation { recordTownshipMediation(disputeId: "${c!.dispute.id}", version: ${c!.version}, note: "x") { status } }`,
    );
    expect(r.errors![0]!.extensions!.code).toBe('FORBIDDEN');
  });
});
