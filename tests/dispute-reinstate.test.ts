/**
 * 恢复受理: a village desk takes back a decline made by mistake (`reinstateDispute`), through the gateway, in 卓尼县
 * (623022): the case is REPORTED again under its own number, its step and change-feed entry, the figures before and
 * after (reported, open, declined), its deadlines running afresh from the reinstatement, the desk accepting it after,
 * the refusals, a retry after a lost answer and a stale version.
 */
import { randomUUID } from 'node:crypto';
import { chinaDay } from '../domain/china-day.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type Paged, type TestHub } from './helpers/hub.ts';
import { callersOf, deadlineRules, errorCode, inChinese, ok, quietVillage, ruleFor, type Callers } from './helpers/cases.ts';

let hub: TestHub;
let callers: Callers;
let village: string;
let grid: string;
let gridWorker: string;
beforeAll(async () => {
  hub = await startHub();
  const picked = await quietVillage(hub);
  village = picked.code;
  grid = picked.grids[0]!;
  callers = await callersOf(hub, village);
  gridWorker = await hub.token({ jurisdiction: grid, scopes: ['read', 'write'], subject: `grid-worker-${grid}` });
});
afterAll(() => hub?.stop());

const today = chinaDay();

interface Case {
  id: string;
  caseNumber: string;
  version: number;
  status: string;
  reportedAt: string;
  overdue: boolean;
  declineReason: string | null;
  duplicateOf: string | null;
  deadlines: { contactBy: string; settleBy: string } | null;
  timeline: { action: string; status: string; note: string | null; actor: string | null; at: string; seq: number | null }[];
}
const CASE = `id caseNumber version status reportedAt overdue declineReason duplicateOf deadlines { contactBy settleBy }
  timeline { action status note actor at seq }`;

/** People read the refusals in Chinese: the requests ask for it. */
const asked = <T>(token: string, query: string, variables?: Record<string, unknown>) => inChinese<T>(hub, token, query, variables);

const report = async (key: string): Promise<Case> =>
  ok(
    await asked<{ reportDispute: Case }>(
      callers.village,
      `mutation($i: DisputeInput!, $k: String!) { reportDispute(input: $i, idempotencyKey: $k) { ${CASE} } }`,
      {
        k: `${key}-${randomUUID()}`,
        i: {
          gridCode: grid,
          category: 'NEIGHBOUR',
          scale: 'ORDINARY',
          source: 'HOTLINE',
          summary: '两户因院墙排水沟堵塞发生争执',
          parties: [
            { name: '杨卓玛', role: 'APPLICANT' },
            { name: '李永福', role: 'RESPONDENT' },
          ],
        },
      },
    ),
  ).reportDispute;

const decline = async (d: { id: string; version: number }, args: string): Promise<Case> =>
  ok(await asked<{ declineDispute: Case }>(callers.village, `mutation { declineDispute(id: "${d.id}", version: ${d.version}, ${args}) { ${CASE} } }`))
    .declineDispute;

const reinstate = (token: string, id: string, version: number, reason = '误判为重复登记：两件来电涉及不同的两户') =>
  asked<{ reinstateDispute: Case }>(token, `mutation($r: String!) { reinstateDispute(id: "${id}", version: ${version}, reason: $r) { ${CASE} } }`, {
    r: reason,
  });

const read = async (id: string): Promise<Case> => ok(await asked<{ dispute: Case }>(callers.village, `{ dispute(id: "${id}") { ${CASE} } }`)).dispute;

/** Today's figures of the village and of its county. */
async function figures() {
  type Stats = { reported: number; open: number; declined: number };
  const stats = `disputeStats(from: "${today}", to: "${today}") { reported open declined }`;
  const r = ok(
    await hub.queryAs<{ village: { disputeStats: Stats }; county: { disputeStats: Stats } }>(
      callers.county,
      `{ village(code: "${village}") { ${stats} } county(code: "623022") { ${stats} } }`,
    ),
  );
  return { village: r.village.disputeStats, county: r.county.disputeStats };
}

interface Change {
  op: string;
  recordId: string;
  version: number | null;
  step: string | null;
  stepNote: string | null;
}
const feedPosition = async () =>
  ok(await hub.queryAs<{ changes: Paged<{ cursor: string }> }>(callers.county, `{ changes(first: 0) { nodes { cursor } pageInfo { endCursor } } }`)).changes
    .pageInfo.endCursor;
const feedOf = async (after: string | null, id: string) =>
  ok(
    await hub.queryAs<{ changes: Paged<Change> }>(
      callers.county,
      `query($a: String) { changes(after: $a, kinds: [DISPUTE], within: "${village}", first: 100) { nodes { op recordId version step stepNote } } }`,
      { a: after },
    ),
  ).changes.nodes.filter((c) => c.recordId === id);

const MINUTE = 60_000;

describe('恢复受理: a decline made by mistake is taken back', () => {
  it('returns the case to REPORTED with its step, feed entry, figures and fresh deadlines; the desk then accepts it', async () => {
    const first = await report('reinstate-first');
    const second = await report('reinstate-second');
    const beforeDecline = await figures();
    const declined = await decline(second, `reason: DUPLICATE, duplicateOf: "${first.caseNumber}"`);
    expect(declined).toMatchObject({ status: 'DECLINED', declineReason: 'DUPLICATE', duplicateOf: first.caseNumber });
    const whileDeclined = await figures();
    expect(whileDeclined.village).toEqual({
      reported: beforeDecline.village.reported - 1,
      open: beforeDecline.village.open - 1,
      declined: beforeDecline.village.declined + 1,
    });

    // Declined, the case's refusals name the one step left: taking the decline back.
    const accept = await asked(callers.village, `mutation { acceptDispute(id: "${second.id}", version: ${declined.version}) { id } }`);
    expect(accept.errors![0]!.extensions).toMatchObject({ code: 'INVALID_TRANSITION', status: 'DECLINED', allowed: ['REINSTATE'] });

    const position = await feedPosition();
    const r = await reinstate(callers.village, second.id, declined.version);
    expect(r.errors).toBeUndefined();
    const back = r.data!.reinstateDispute;
    expect(back).toMatchObject({
      id: second.id,
      caseNumber: second.caseNumber,
      status: 'REPORTED',
      version: declined.version + 1,
      reportedAt: second.reportedAt,
      overdue: false,
      declineReason: null,
      duplicateOf: null,
    });
    const step = back.timeline.at(-1)!;
    expect(step).toMatchObject({
      action: 'REINSTATE',
      status: 'REPORTED',
      note: '恢复受理：误判为重复登记：两件来电涉及不同的两户',
      actor: declined.timeline.at(-1)!.actor,
      seq: declined.timeline.at(-1)!.seq! + 1,
    });
    // The whole story stays on the one case: the report, the decline, the reinstatement.
    expect(back.timeline.map((s) => s.action)).toEqual(['REPORT', 'DECLINE', 'REINSTATE']);

    // The 131 clocks run afresh from the reinstatement (the report reaches the desk again), not from the report.
    const rule = ruleFor(await deadlineRules(), 'NEIGHBOUR', 'ORDINARY');
    const at = Date.parse(step.at);
    expect(Math.abs(Date.parse(back.deadlines!.contactBy) - at - rule.contactMinutes * MINUTE)).toBeLessThan(1000);
    expect(Math.abs(Date.parse(back.deadlines!.settleBy) - at - rule.settleHours * 60 * MINUTE)).toBeLessThan(1000);
    expect(Date.parse(back.deadlines!.contactBy)).toBeGreaterThan(Date.parse(second.deadlines!.contactBy));

    // Counted again as reported (and open) in its report's period, out of `declined`, at once, in the village and its county.
    const after = await figures();
    expect(after.village).toEqual(beforeDecline.village);
    expect(after.county).toEqual({
      reported: whileDeclined.county.reported + 1,
      open: whileDeclined.county.open + 1,
      declined: whileDeclined.county.declined - 1,
    });

    // On the feed, the case's entry names the step.
    const entries = await feedOf(position, second.id);
    expect(entries.map((c) => [c.op, c.version, c.step])).toEqual([['TRANSITION', back.version, 'REINSTATE']]);
    expect(entries[0]!.stepNote).toBe(step.note);

    // The desk handles it like every other report.
    const accepted = ok(
      await asked<{ acceptDispute: Case }>(callers.village, `mutation { acceptDispute(id: "${second.id}", version: ${back.version}) { ${CASE} } }`),
    ).acceptDispute;
    expect(accepted).toMatchObject({ status: 'ACCEPTED', version: back.version + 1 });
    expect(accepted.timeline.map((s) => s.action)).toEqual(['REPORT', 'DECLINE', 'REINSTATE', 'ACCEPT']);
  });

  it('leaves reports declined as duplicates of the reinstated case pointing at it', async () => {
    const original = await report('reinstate-original');
    const repeat = await report('reinstate-repeat');
    const declinedRepeat = await decline(repeat, `reason: DUPLICATE, duplicateOf: "${original.caseNumber}"`);
    // The case others repeat may itself be declined for another reason, and taken back.
    const declinedOriginal = await decline(original, 'reason: NOT_A_DISPUTE');
    const back = ok(await reinstate(callers.village, original.id, declinedOriginal.version, '来电内容误读，确属邻里纠纷')).reinstateDispute;
    expect(back).toMatchObject({ status: 'REPORTED', declineReason: null });
    expect(await read(repeat.id)).toMatchObject({
      status: 'DECLINED',
      version: declinedRepeat.version,
      declineReason: 'DUPLICATE',
      duplicateOf: original.caseNumber,
    });
  });

  it('sent again after a lost answer answers the case as it is; another reason on the old version is CONFLICT, as is a stale version', async () => {
    const d = await decline(await report('reinstate-retry'), 'reason: WITHDRAWN');
    const stale = await reinstate(callers.village, d.id, d.version - 1);
    expect(errorCode(stale)).toBe('CONFLICT');
    expect(stale.errors![0]!.extensions).toMatchObject({ currentVersion: d.version });
    const first = ok(await reinstate(callers.village, d.id, d.version)).reinstateDispute;
    const again = ok(await reinstate(callers.village, d.id, d.version)).reinstateDispute;
    expect(again.version).toBe(first.version);
    expect(again.timeline.filter((s) => s.action === 'REINSTATE')).toHaveLength(1);
    // Another reason from the old version: the case is no longer declined, so nothing is taken back.
    const other = await reinstate(callers.village, d.id, d.version, '另一个理由');
    expect(errorCode(other)).toBe('INVALID_TRANSITION');
    expect(other.errors![0]!.message).toContain('不能恢复受理');
  });

  it('refuses a case not declined, a township’s, a county’s, a grid’s and a read-only token, and a blank reason; a township or county may not decline either', async () => {
    const reported = await report('reinstate-refused');
    // A case not declined: INVALID_TRANSITION whatever version, in Chinese, naming what the desk can do instead.
    for (const version of [reported.version, reported.version + 3]) {
      const r = await reinstate(callers.village, reported.id, version);
      expect(r.errors![0]!.extensions).toMatchObject({ code: 'INVALID_TRANSITION', status: 'REPORTED', allowed: ['ACCEPT', 'DECLINE'] });
      expect(r.errors![0]!.message).toBe('在村级，已登记的案件不能恢复受理；当前可以：受理、不予受理。');
    }
    // Declining is the village desk's too: a township or county caller would take its villages' reports out of every
    // figure over the desk's head.
    for (const token of [callers.township, callers.county]) {
      const r = await asked(token, `mutation { declineDispute(id: "${reported.id}", version: ${reported.version}, reason: NOT_A_DISPUTE) { id } }`);
      expect(errorCode(r)).toBe('FORBIDDEN');
      expect(r.errors![0]!.message).toContain('不予受理由案件所在村（社区）');
    }
    expect(await read(reported.id)).toMatchObject({ status: 'REPORTED', version: reported.version });
    const d = await decline(reported, 'reason: NOT_A_DISPUTE');
    // Intake is the village desk's: the township and county, who may read and write there, are refused.
    for (const token of [callers.township, callers.county]) {
      const r = await reinstate(token, d.id, d.version);
      expect(errorCode(r)).toBe('FORBIDDEN');
      expect(r.errors![0]!.message).toContain('恢复受理由案件所在村（社区）');
    }
    // A grid's token, as for every step after the report.
    const byGrid = await reinstate(gridWorker, d.id, d.version);
    expect(errorCode(byGrid)).toBe('FORBIDDEN');
    expect(byGrid.errors![0]!.message).toContain('网格');
    const readOnly = await hub.token({ jurisdiction: village, scopes: ['read'], subject: 'reinstate-reader' });
    expect(errorCode(await reinstate(readOnly, d.id, d.version))).toBe('FORBIDDEN');
    const blank = await reinstate(callers.village, d.id, d.version, '   ');
    expect(blank.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'reason' });
    // Nothing changed.
    expect(await read(d.id)).toMatchObject({ status: 'DECLINED', version: d.version, declineReason: 'NOT_A_DISPUTE' });
  });
});
