import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chinaDay } from '../domain/china-day.ts';
import { callersOf, mutate, ok, townshipCaseOf } from './helpers/cases.ts';
import { startHub, type TestHub } from './helpers/hub.ts';

/**
 * 按期化解 across levels (Dispute.missedDeadline, disputes/story.ts): a case moved up while open past its settle
 * deadline gets the next level's fresh deadline, but is never counted as settled on time.
 */
let hub: TestHub;
beforeAll(async () => {
  hub = await startHub();
});
afterAll(async () => {
  await hub?.stop();
});

type Case = { id: string; version: number; village: { code: string }; reportedAt: string; handlingLevel: string; overdue: boolean; missedDeadline: boolean };
type Stats = { resolved: number; onTimeRate: number };

describe('a case moved up past its settle deadline', () => {
  it('takes the next level’s deadline but is not settled on time there, in the case and in the figures', async () => {
    const county = await hub.token({ jurisdiction: '623021', scopes: ['read'], subject: 'missed-deadline-county' });
    // A case of the demo year still handled by its village, past its settle deadline.
    const overdue = ok(
      await hub.queryAs<{ county: { disputes: { nodes: Case[] } } }>(
        county,
        `{ county(code: "623021") { disputes(first: 100, filter: { overdue: true, status: [ACCEPTED, ASSIGNED, MEDIATING] }) {
           nodes { id version village { code } reportedAt handlingLevel overdue missedDeadline } } } }`,
      ),
    ).county.disputes.nodes.find((c) => c.handlingLevel === 'VILLAGE');
    expect(overdue, 'an overdue case handled at its village in the demo data').toBeDefined();
    const c = overdue!;
    expect(c.missedDeadline).toBe(false);
    const day = chinaDay(new Date(c.reportedAt));
    const stats = async () =>
      ok(
        await hub.queryAs<{ village: { disputeStats: Stats } }>(
          county,
          `{ village(code: "${c.village.code}") { disputeStats(from: "${day}", to: "${day}") { resolved onTimeRate } } }`,
        ),
      ).village.disputeStats;
    const onTime = (s: Stats) => Math.round(s.onTimeRate * s.resolved);
    const before = await stats();

    const callers = await callersOf(hub, c.village.code);
    const escalated = await mutate<Case>(
      hub,
      callers.village,
      `escalateDispute(id: "${c.id}", version: ${c.version}, reason: "村级超期未化解，上报乡镇") { id version village { code } reportedAt handlingLevel overdue missedDeadline }`,
    );
    // The township's deadline starts now: not overdue there, but the village's was missed.
    expect(escalated).toMatchObject({ handlingLevel: 'TOWNSHIP', overdue: false, missedDeadline: true });

    const received = await townshipCaseOf(hub, callers.township, c.id);
    const accepted = await mutate<{ version: number }>(
      hub,
      callers.township,
      `acceptTownshipCase(disputeId: "${c.id}", version: ${received.version}) { version }`,
    );
    const assigned = await mutate<{ version: number }>(
      hub,
      callers.township,
      `assignTownshipCase(disputeId: "${c.id}", version: ${accepted.version}, assignee: "司法所") { version }`,
    );
    await mutate(hub, callers.township, `resolveTownshipCase(disputeId: "${c.id}", version: ${assigned.version}, outcome: AGREEMENT) { status }`);

    // Resolved the same day at the township, long after the village's deadline: resolved, not on time.
    const after = await stats();
    expect(after.resolved).toBe(before.resolved + 1);
    expect(onTime(after)).toBe(onTime(before));
    const record = ok(await hub.queryAs<{ dispute: Case & { status: string } }>(county, `{ dispute(id: "${c.id}") { status missedDeadline } }`)).dispute;
    expect(record).toMatchObject({ status: 'RESOLVED', missedDeadline: true });
  }, 60_000);
});
