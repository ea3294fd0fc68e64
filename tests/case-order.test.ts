/**
 * The case's story in order: the village applies a case's steps from the
 * township and the county in the case's own order (`seq`), whatever order
 * their events arrive in, and no case stays "in transit" once its events are
 * delivered. Cases are reported in 卓尼县 (the write county).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WRITE_COUNTY } from './setup/global.ts';
import { startHub, type TestHub } from './helpers/hub.ts';
import {
  callersOf,
  deliverEvents,
  escalateToCounty,
  escalateToTownship,
  eventsSettled,
  inBatches,
  ok,
  villagesOf,
  waitFor,
  type Callers,
  type WireEvent,
} from './helpers/cases.ts';

let hub: TestHub;
beforeAll(async () => {
  hub = await startHub();
});
afterAll(() => hub?.stop());

/** The village record of a case, every field the order decides. */
const STORY = `id status handlingLevel inTransit resolvedLevel outcome assignee rehandled deadlines { contactBy settleBy replyBy }
  timeline { seq level action status actor note at }`;
interface Story {
  id: string;
  status: string;
  handlingLevel: string;
  inTransit: boolean;
  resolvedLevel: string | null;
  outcome: string | null;
  assignee: string | null;
  rehandled: number;
  deadlines: { contactBy: string; settleBy: string; replyBy: string | null };
  timeline: { seq: number | null; level: string; action: string; status: string | null; actor: string; note: string | null; at: string }[];
}

async function record(token: string, id: string): Promise<Story> {
  return ok(await hub.queryAs<{ dispute: Story }>(token, `{ dispute(id: "${id}") { ${STORY} } }`), 'dispute').dispute;
}

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

const HOUR = 3_600_000;

describe('one case’s steps from above, delivered to the village in every order', () => {
  /** 扎古录镇 of 卓尼县: its township receives each case for real (seq 4); the later steps are delivered by hand. */
  const TOWNSHIP = `${WRITE_COUNTY}102`;

  it('give the same record every time: the derived fields are always those of the last step in the case’s order', async () => {
    const [village] = await villagesOf(hub, TOWNSHIP);
    const callers = await callersOf(hub, village!.code);
    const orders = [...permutations([0, 1, 2, 3, 4])];
    expect(orders).toHaveLength(120);

    // One fresh case per order, each escalated to the township, which receives it (seq 1 report, 2 accept, 3 escalate, 4 receive).
    const cases = await inBatches(orders, 6, () => escalateToTownship(hub, callers, { gridCode: village!.grids[0]!, summary: '两户因宅前道路通行发生争执' }));
    const start = await inBatches(cases, 8, (c) =>
      waitFor(
        async () => {
          const r = await record(callers.village, c.id);
          return !r.inTransit && r.timeline.some((s) => s.level === 'TOWNSHIP' && s.action === 'RECEIVE') ? r : null;
        },
        30_000,
        `the township's receipt of ${c.id}`,
      ),
    );
    for (const r of start) {
      expect(r.timeline.map((s) => `${s.seq} ${s.level}:${s.action}`)).toEqual([
        '1 VILLAGE:REPORT',
        '2 VILLAGE:ACCEPT',
        '3 VILLAGE:ESCALATE',
        '4 TOWNSHIP:RECEIVE',
      ]);
      expect(r).toMatchObject({ status: 'ESCALATED', handlingLevel: 'TOWNSHIP', inTransit: false, resolvedLevel: null, outcome: null, rehandled: 0 });
    }

    // The rest of the case's life above the village, as the township and the county would tell it (times are the same for every case).
    const at = (minutes: number) => new Date(Date.UTC(2026, 10, 20, 2, 0) + minutes * 60_000).toISOString();
    const countySettleBy = new Date(Date.parse(at(60)) + 72 * HOUR).toISOString(); // NEIGHBOUR, ORDINARY: 72 h
    const replyBy = new Date(Date.parse(at(300)) + 24 * HOUR).toISOString();
    const steps = (id: string): { source: 'township' | 'county'; event: WireEvent }[] => {
      const step = (level: 'TOWNSHIP' | 'COUNTY', action: string, seq: number, minutes: number, status: string, extra: object = {}) => ({
        source: level === 'TOWNSHIP' ? ('township' as const) : ('county' as const),
        event: {
          type: 'case.step',
          payload: {
            disputeId: id,
            countyCode: WRITE_COUNTY,
            level,
            action,
            seq,
            at: at(minutes),
            actor: `${level}-centre`,
            note: `${action} ${seq}`,
            status,
            ...extra,
          },
        },
      });
      return [
        step('TOWNSHIP', 'ACCEPT', 5, 30, 'ACCEPTED'),
        step('TOWNSHIP', 'ESCALATE', 6, 60, 'ESCALATED', { settleBy: countySettleBy, note: '需县级协调' }),
        step('COUNTY', 'RECEIVE', 7, 61, 'RECEIVED'),
        step('COUNTY', 'ACCEPT', 8, 120, 'ACCEPTED'),
        step('COUNTY', 'RESOLVE', 9, 300, 'RESOLVED', { outcome: 'LITIGATION', replyBy, note: '引导诉讼' }),
      ];
    };
    /** What the record shows once steps up to `last` are applied (4 = only the township's receipt). */
    const derived = (r: Story, start: Story) => ({
      status: r.status,
      handlingLevel: r.handlingLevel,
      inTransit: r.inTransit,
      resolvedLevel: r.resolvedLevel,
      outcome: r.outcome,
      settleBy: Date.parse(r.deadlines.settleBy) - Date.parse(start.deadlines.settleBy),
      // Compared as instants: the API writes China time (+08:00), the test's times are UTC.
      replyBy: r.deadlines.replyBy === null ? null : new Date(r.deadlines.replyBy).toISOString(),
    });
    const expectedAfter = (last: number, start: Story) => {
      const settled = Date.parse(countySettleBy) - Date.parse(start.deadlines.settleBy);
      const base = { status: 'ESCALATED', handlingLevel: 'TOWNSHIP', inTransit: false, resolvedLevel: null, outcome: null, settleBy: 0, replyBy: null };
      if (last <= 5) return base;
      if (last === 6) return { ...base, handlingLevel: 'COUNTY', inTransit: true, settleBy: settled };
      if (last <= 8) return { ...base, handlingLevel: 'COUNTY', settleBy: settled };
      return { ...base, status: 'RESOLVED', handlingLevel: 'COUNTY', resolvedLevel: 'COUNTY', outcome: 'LITIGATION', settleBy: settled, replyBy };
    };

    const finals = await inBatches(orders, 6, async (order, i) => {
      const c = cases[i]!;
      const all = steps(c.id);
      const delivered = new Set<number>();
      for (const k of order) {
        const { source, event } = all[k]!;
        const res = await deliverEvents(hub, source, 'village', [event]);
        expect(res, `${c.id} ${JSON.stringify(event.payload)}`).toEqual({ status: 200, body: { applied: 1, duplicates: 0 } });
        delivered.add(5 + k);
        let last = 4;
        while (delivered.has(last + 1)) last++;
        const now = await record(callers.village, c.id);
        expect(derived(now, start[i]!), `order ${order.join('')} after seq ${5 + k}`).toEqual(expectedAfter(last, start[i]!));
      }
      // The first step again under a new event id (a sender that wrote it twice): the case's order keeps it once.
      await deliverEvents(hub, all[order[0]!]!.source, 'village', [{ ...all[order[0]!]!.event, eventId: undefined }]);
      return { order, record: await record(callers.village, c.id) };
    });

    const first = finals[0]!;
    const normal = (f: (typeof finals)[number], i: number) => {
      const s = start[i]!;
      return {
        status: f.record.status,
        handlingLevel: f.record.handlingLevel,
        inTransit: f.record.inTransit,
        resolvedLevel: f.record.resolvedLevel,
        outcome: f.record.outcome,
        assignee: f.record.assignee,
        rehandled: f.record.rehandled,
        contactBy: f.record.deadlines.contactBy === s.deadlines.contactBy,
        settleBy: f.record.deadlines.settleBy,
        replyBy: f.record.deadlines.replyBy,
        // Steps of the village and the township's receipt happened at each case's own time; the later ones are the same for all.
        timeline: f.record.timeline.map((x, j) =>
          j < 4 ? `${x.seq} ${x.level}:${x.action}:${x.status}` : `${x.seq} ${x.level}:${x.action}:${x.status}:${x.actor}:${x.note}:${x.at}`,
        ),
      };
    };
    const expected = normal(first, 0);
    expect(expected).toMatchObject({
      status: 'RESOLVED',
      handlingLevel: 'COUNTY',
      inTransit: false,
      resolvedLevel: 'COUNTY',
      outcome: 'LITIGATION',
      rehandled: 0,
      contactBy: true,
    });
    expect(Date.parse(expected.replyBy!)).toBe(Date.parse(replyBy));
    expect(Date.parse(expected.settleBy)).toBe(Date.parse(countySettleBy));
    expect(expected.timeline.map((s) => s.split(':').slice(0, 2).join(':'))).toEqual([
      '1 VILLAGE:REPORT',
      '2 VILLAGE:ACCEPT',
      '3 VILLAGE:ESCALATE',
      '4 TOWNSHIP:RECEIVE',
      '5 TOWNSHIP:ACCEPT',
      '6 TOWNSHIP:ESCALATE',
      '7 COUNTY:RECEIVE',
      '8 COUNTY:ACCEPT',
      '9 COUNTY:RESOLVE',
    ]);
    for (const [i, f] of finals.entries()) expect(normal(f, i), `order ${f.order.join('')}`).toEqual(expected);
    // A step of a seq the record already holds, under a new event id, is refused or ignored, never applied twice.
    for (const f of finals) expect(f.record.timeline.filter((s) => s.seq === 5 + f.order[0]!)).toHaveLength(1);
  }, 600_000);

  it('apply a redelivered event once, and a whole case delivered backwards in one request', async () => {
    const [, village] = await villagesOf(hub, TOWNSHIP);
    const callers = await callersOf(hub, village!.code);
    const c = await escalateToTownship(hub, callers, { gridCode: village!.grids[0]!, summary: '邻里因放牧路线发生争执' });
    await waitFor(async () => !(await record(callers.village, c.id)).inTransit, 20_000, 'the receipt');
    const at = new Date().toISOString();
    const ev = (level: 'TOWNSHIP' | 'COUNTY', action: string, seq: number, status: string, extra: object = {}): WireEvent => ({
      eventId: randomUUID(),
      type: 'case.step',
      payload: { disputeId: c.id, countyCode: WRITE_COUNTY, level, action, seq, at, actor: 'x', note: null, status, ...extra },
    });
    const townshipSteps = [ev('TOWNSHIP', 'ACCEPT', 5, 'ACCEPTED'), ev('TOWNSHIP', 'ESCALATE', 6, 'ESCALATED', { settleBy: at })];
    const countySteps = [
      ev('COUNTY', 'RECEIVE', 7, 'RECEIVED'),
      ev('COUNTY', 'ACCEPT', 8, 'ACCEPTED'),
      ev('COUNTY', 'RESOLVE', 9, 'RESOLVED', { outcome: 'AGREEMENT' }),
    ];
    expect(await deliverEvents(hub, 'county', 'village', [...countySteps].reverse())).toEqual({ status: 200, body: { applied: 3, duplicates: 0 } });
    expect(await record(callers.village, c.id)).toMatchObject({ status: 'ESCALATED', handlingLevel: 'TOWNSHIP', inTransit: false, resolvedLevel: null });
    expect(await deliverEvents(hub, 'township', 'village', [...townshipSteps].reverse())).toEqual({ status: 200, body: { applied: 2, duplicates: 0 } });
    const done = await record(callers.village, c.id);
    expect(done).toMatchObject({ status: 'RESOLVED', handlingLevel: 'COUNTY', inTransit: false, resolvedLevel: 'COUNTY', outcome: 'AGREEMENT' });
    expect(done.timeline.map((s) => s.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(await deliverEvents(hub, 'county', 'village', countySteps)).toEqual({ status: 200, body: { applied: 0, duplicates: 3 } });
    expect(await record(callers.village, c.id)).toEqual(done);
  });
});

describe('cases driven up to the county with no faults', () => {
  it('none stays in transit once the relays are idle, and every timeline is in the case’s order', async () => {
    /** 木耳镇 of 卓尼县. */
    const villages = await villagesOf(hub, `${WRITE_COUNTY}101`);
    const callers: Callers[] = await Promise.all(villages.slice(0, 4).map((v) => callersOf(hub, v.code)));
    const driven = await inBatches([...Array(20).keys()], 5, (i) =>
      escalateToCounty(hub, callers[i % callers.length]!, { gridCode: villages[i % callers.length]!.grids[0]!, summary: `第${i + 1}起：承包地流转纠纷` }),
    );
    expect(driven.every((d) => d.county.status === 'RECEIVED')).toBe(true);
    await eventsSettled(hub);
    const county = callers[0]!.county;
    const records = await Promise.all(driven.map((d) => record(county, d.id)));
    const stuck = records.filter((r) => r.inTransit || r.handlingLevel !== 'COUNTY');
    expect(stuck.map((r) => `${r.id} ${r.handlingLevel} inTransit=${r.inTransit}`)).toEqual([]);
    for (const r of records) {
      expect(r.status).toBe('ESCALATED');
      const ordered = r.timeline.filter((s) => s.seq !== null);
      expect(ordered.map((s) => s.seq)).toEqual(ordered.map((_, i) => i + 1));
      expect(ordered.map((s) => `${s.level}:${s.action}`)).toEqual([
        'VILLAGE:REPORT',
        'VILLAGE:ACCEPT',
        'VILLAGE:ESCALATE',
        'TOWNSHIP:RECEIVE',
        'TOWNSHIP:ACCEPT',
        'TOWNSHIP:ESCALATE',
        'COUNTY:RECEIVE',
      ]);
      const times = ordered.map((s) => Date.parse(s.at));
      expect([...times].sort((a, b) => a - b)).toEqual(times);
    }
    // The county's settle deadline is the one the village record shows.
    const cc = await hub.queryAs<{ dispute: { countyCase: { settleBy: string } } }>(county, `{ dispute(id: "${driven[0]!.id}") { countyCase { settleBy } } }`);
    expect(Date.parse(ok(cc).dispute.countyCase.settleBy)).toBe(Date.parse(records[0]!.deadlines.settleBy));
  }, 300_000);
});
