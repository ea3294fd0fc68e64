/**
 * From a 吹哨报到 figure to the dispatches behind it: `Township.dispatches` and `County.dispatches` filtered by the
 * period the statistics count (`from`/`to` or `period`: dispatches made in it, China's days) and by `departmentKind`
 * list exactly the dispatches each `DispatchStats.byDepartment` row counts: `dispatched` of them in all, and
 * acknowledgeDue − acknowledgedOnTime with `acknowledgedLate: true`, answerDue − reportedOnTime with
 * `answeredLate: true`. Read-only, on the demo data of 临潭县 (no test writes there), so the figures hold still.
 * Also the refusals (a bad period, a caller outside the county or without `read`) and a county department's
 * caller, who lists its own department's dispatches only (the withdrawn ones when its filter asks for them).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type TestHub } from './helpers/hub.ts';
import { departmentToken, errorCode, inChinese, ok, pageAll } from './helpers/cases.ts';

let hub: TestHub;
/** 临潭县, seeded with demo disputes and their dispatches (DEFAULT_DEMO_DATE 2026-09-30). */
const COUNTY = '623021';
/** Two periods as dispatchStats takes them: a year by its shorthand, a quarter by its dates. */
const PERIODS: { name: string; args: Record<string, string> }[] = [
  { name: '2026', args: { period: '2026' } },
  { name: '2026Q3', args: { from: '2026-07-01', to: '2026-09-30' } },
];
let township: string;

interface Row {
  departmentKind: string;
  dispatched: number;
  withdrawn: number;
  acknowledgeDue: number;
  acknowledgedOnTime: number;
  answerDue: number;
  reportedOnTime: number;
}
interface Node {
  id: string;
  departmentKind: string;
  dispatchedAt: string;
  status: string;
  acknowledgedLate: boolean | null;
  answeredLate: boolean | null;
}
const ROW = 'departmentKind dispatched withdrawn acknowledgeDue acknowledgedOnTime answerDue reportedOnTime';
const NODE = 'id departmentKind dispatchedAt status acknowledgedLate answeredLate';
const PAGE = `totalCount pageInfo { hasNextPage endCursor } nodes { ${NODE} }`;

/** A period's arguments as GraphQL text: `period: "2026"` or `from: "…", to: "…"`. */
const argsOf = (a: Record<string, string>) =>
  Object.entries(a)
    .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
    .join(', ');
/** The division as the gateway takes it: `township(code:)` or `county(code:)`. */
const divisionOf = (code: string) => (code.length === 9 ? `township(code: "${code}")` : `county(code: "${code}")`);
const dataOf = (d: Record<string, unknown>) => Object.values(d)[0] as Record<string, unknown>;

beforeAll(async () => {
  hub = await startHub();
  // The county's township with the most dispatches this year, so the lists have pages to compare.
  const d = await hub.dataAs<{ county: { townships: { code: string; dispatchStats: { dispatched: number } }[] } }>(
    await hub.token(),
    `{ county(code: "${COUNTY}") { townships { code dispatchStats(period: "2026") { dispatched } } } }`,
  );
  township = [...d.county.townships].sort((a, b) => b.dispatchStats.dispatched - a.dispatchStats.dispatched)[0]!.code;
}, 120_000);
afterAll(() => hub?.stop());

describe('a byDepartment figure lists its dispatches (DispatchFilter period + departmentKind)', () => {
  for (const level of ['township', 'county'] as const) {
    for (const p of PERIODS) {
      it(`${level}, ${p.name}: every department's dispatched, late 报到 and late 反馈 are the list's totalCount`, async () => {
        const code = level === 'county' ? COUNTY : township;
        const token = await hub.token();
        const stats = dataOf(
          await hub.dataAs(token, `{ ${divisionOf(code)} { dispatchStats(${argsOf(p.args)}) { dispatched byDepartment { ${ROW} } } } }`),
        ) as { dispatchStats: { dispatched: number; byDepartment: Row[] } };
        const rows = stats.dispatchStats.byDepartment;
        expect(rows.length).toBeGreaterThan(0);
        // The demo data has dispatches in both periods: the test compares figures, not zeros.
        expect(stats.dispatchStats.dispatched).toBeGreaterThan(0);
        // Every department's three lists in one request, each by alias.
        const lists = rows
          .map((r, i) => {
            const f = `${argsOf(p.args)}, departmentKind: "${r.departmentKind}"`;
            return `all${i}: dispatches(filter: { ${f} }, first: 1) { totalCount }
              ack${i}: dispatches(filter: { ${f}, acknowledgedLate: true }, first: 1) { totalCount }
              ans${i}: dispatches(filter: { ${f}, answeredLate: true }, first: 1) { totalCount }`;
          })
          .join('\n');
        const got = dataOf(await hub.dataAs(token, `{ ${divisionOf(code)} { ${lists} } }`)) as Record<string, { totalCount: number }>;
        const listed = rows.map((r, i) => ({
          departmentKind: r.departmentKind,
          dispatched: got[`all${i}`]!.totalCount,
          acknowledgedLate: got[`ack${i}`]!.totalCount,
          answeredLate: got[`ans${i}`]!.totalCount,
        }));
        expect(listed).toEqual(
          rows.map((r) => ({
            departmentKind: r.departmentKind,
            dispatched: r.dispatched,
            acknowledgedLate: r.acknowledgeDue - r.acknowledgedOnTime,
            answeredLate: r.answerDue - r.reportedOnTime,
          })),
        );
        expect(rows.some((r) => r.acknowledgeDue - r.acknowledgedOnTime > 0)).toBe(true);
      }, 120_000);
    }
  }

  it("pages through one department's dispatches of the period: each made in it (China's days), to that department", async () => {
    const token = await hub.token();
    const stats = await hub.dataAs<{ county: { dispatchStats: { byDepartment: Row[] } } }>(
      token,
      `{ county(code: "${COUNTY}") { dispatchStats(period: "2026Q3") { byDepartment { ${ROW} } } } }`,
    );
    const busiest = [...stats.county.dispatchStats.byDepartment].sort((a, b) => b.dispatched - a.dispatched)[0]!;
    const all = await pageAll<Node>(async (after) => {
      const d = await hub.dataAs<{
        county: { dispatches: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: Node[] } };
      }>(
        token,
        `query($after: String) { county(code: "${COUNTY}") { dispatches(filter: { period: "2026Q3", departmentKind: "${busiest.departmentKind}" }, first: 7, after: $after) { ${PAGE} } } }`,
        { after },
      );
      return d.county.dispatches;
    });
    expect(all.nodes).toHaveLength(busiest.dispatched);
    expect(new Set(all.nodes.map((n) => n.id)).size).toBe(all.nodes.length);
    const [start, end] = [Date.parse('2026-07-01T00:00:00+08:00'), Date.parse('2026-10-01T00:00:00+08:00')];
    for (const n of all.nodes) {
      expect(n.departmentKind).toBe(busiest.departmentKind);
      expect(Date.parse(n.dispatchedAt)).toBeGreaterThanOrEqual(start);
      expect(Date.parse(n.dispatchedAt)).toBeLessThan(end);
    }
    // Newest first, as every dispatch list.
    const times = all.nodes.map((n) => Date.parse(n.dispatchedAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  }, 120_000);

  it('reads a page of the county in statements that do not grow with the page (one set-based list)', async () => {
    const token = await hub.token();
    const q = (first: number) => hub.dataAs(token, `{ county(code: "${COUNTY}") { dispatches(filter: { period: "2026" }, first: ${first}) { ${PAGE} } } }`);
    await q(2);
    const few = await hub.countStatements(() => q(2));
    const many = await hub.countStatements(() => q(50));
    expect(many).toBe(few);
  }, 60_000);
});

describe('refusals', () => {
  it('a malformed, half-given or future period is BAD_USER_INPUT, in Chinese, as dispatchStats refuses it', async () => {
    const token = await hub.token();
    for (const filter of ['{ period: "2026Q5" }', '{ from: "2026-07-01" }', '{ period: "2099" }', '{ from: "2026-09-30", to: "2026-07-01" }']) {
      for (const code of [COUNTY, township]) {
        const r = await inChinese(hub, token, `{ ${divisionOf(code)} { dispatches(filter: ${filter}) { totalCount } } }`);
        expect(errorCode(r), `${code} ${filter}`).toBe('BAD_USER_INPUT');
        expect(r.errors![0]!.message).toMatch(/[\u4e00-\u9fff]/);
        const s = await inChinese(hub, token, `{ ${divisionOf(code)} { dispatchStats(${filter.slice(1, -1)}) { dispatched } } }`);
        expect(errorCode(s)).toBe('BAD_USER_INPUT');
      }
    }
  }, 60_000);

  it('names the filter’s field of a refused period (filter.period, filter.from)', async () => {
    const token = await hub.token();
    for (const [filter, argument] of [
      ['{ period: "2026Q5" }', 'filter.period'],
      ['{ from: "2026-07-01" }', 'filter.from'],
    ] as const) {
      for (const code of [COUNTY, township]) {
        const r = await hub.queryAs(token, `{ ${divisionOf(code)} { dispatches(filter: ${filter}) { totalCount } } }`);
        expect(r.errors![0]!.extensions, `${code} ${filter}`).toMatchObject({ code: 'BAD_USER_INPUT', argument });
      }
    }
  }, 60_000);

  it('refuses a department kind no department has (BAD_USER_INPUT, quoted cut), for every caller; one in another case is the department’s', async () => {
    const token = await hub.token();
    // A kind typed in another case, or padded, is the department's, as a 吹哨 takes it.
    const count = async (t: string, kind: string) =>
      (
        await hub.dataAs<{ county: { dispatches: { totalCount: number } } }>(
          t,
          `{ county(code: "${COUNTY}") { dispatches(filter: { departmentKind: "${kind}" }) { totalCount } } }`,
        )
      ).county.dispatches.totalCount;
    expect(await count(token, ' police ')).toBe(await count(token, 'POLICE'));
    // A kind no department has is refused, not an empty list a desk would take for a department never called on.
    const long = 'A'.repeat(3000);
    const police = await departmentToken(COUNTY, 'POLICE', ['read']);
    for (const [who, t, division] of [
      ['county desk', token, divisionOf(COUNTY)],
      ['township desk', token, divisionOf(township)],
      ['department', police, divisionOf(COUNTY)],
    ] as const) {
      for (const kind of ['NOPE', long]) {
        const r = await inChinese(hub, t, `{ ${division} { dispatches(filter: { departmentKind: "${kind}" }) { totalCount } } }`);
        expect(r.errors?.[0]?.extensions, who).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'filter.departmentKind', rule: 'departmentKind' });
        expect(r.errors![0]!.message.length, who).toBeLessThan(200);
      }
    }
    const inbox = await hub.queryAs(police, `{ departmentInbox(filter: { departmentKind: "NOPE" }) { totalCount } }`);
    expect(inbox.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'filter.departmentKind' });
    // The inbox, like County.dispatches, refuses another department's kind rather than answering an empty list.
    expect(errorCode(await hub.queryAs(police, `{ departmentInbox(filter: { departmentKind: "HEALTH" }) { totalCount } }`))).toBe('FORBIDDEN');
    ok(await hub.queryAs(police, `{ departmentInbox(filter: { departmentKind: "police" }) { totalCount } }`));
  }, 60_000);

  it("County.dispatches needs `read` and the county in the caller's jurisdiction", async () => {
    const q = `{ county(code: "${COUNTY}") { dispatches(filter: { period: "2026" }) { totalCount } } }`;
    expect(errorCode(await hub.queryAs(await hub.token({ jurisdiction: '623022' }), q))).toBe('FORBIDDEN');
    expect(errorCode(await hub.queryAs(await hub.token({ jurisdiction: COUNTY, scopes: ['report'] }), q))).toBe('FORBIDDEN');
    // A township's caller reads its township's list, not the county's.
    expect(errorCode(await hub.queryAs(await hub.token({ jurisdiction: township }), q))).toBe('FORBIDDEN');
    ok(await hub.queryAs(await hub.token({ jurisdiction: COUNTY, scopes: ['read'] }), q));
  }, 60_000);
});

describe("a county department's caller", () => {
  it("lists its own department's dispatches of the county only (withdrawn ones when its filter asks); another department's or county's is FORBIDDEN", async () => {
    const stats = await hub.dataAs<{ county: { dispatchStats: { byDepartment: Row[] } } }>(
      await hub.token(),
      `{ county(code: "${COUNTY}") { dispatchStats(period: "2026") { byDepartment { ${ROW} } } } }`,
    );
    const [own, other] = [...stats.county.dispatchStats.byDepartment].sort((a, b) => b.dispatched - a.dispatched);
    const token = await departmentToken(COUNTY, own!.departmentKind, ['read']);
    const mine = await pageAll<Node>(async (after) => {
      const d = await hub.dataAs<{
        county: { dispatches: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: Node[] } };
      }>(token, `query($after: String) { county(code: "${COUNTY}") { dispatches(filter: { period: "2026" }, first: 50, after: $after) { ${PAGE} } } }`, {
        after,
      });
      return d.county.dispatches;
    });
    expect(mine.nodes.length).toBeGreaterThan(0);
    expect(mine.totalCount).toBe(own!.dispatched - own!.withdrawn);
    expect(new Set(mine.nodes.map((n) => n.departmentKind))).toEqual(new Set([own!.departmentKind]));
    expect(mine.nodes.some((n) => n.status === 'WITHDRAWN')).toBe(false);
    // Asked for them, its lists hold what its own row counts: the withdrawn ones by status, and the late ones with
    // those withdrawn after their deadline (due and late in the figures).
    const asked = await hub.dataAs<Record<string, { totalCount: number }>>(
      token,
      `{ county(code: "${COUNTY}") {
          withdrawn: dispatches(filter: { period: "2026", status: [WITHDRAWN] }, first: 1) { totalCount }
          ack: dispatches(filter: { period: "2026", acknowledgedLate: true }, first: 1) { totalCount }
          ans: dispatches(filter: { period: "2026", answeredLate: true }, first: 1) { totalCount } } }`,
    );
    const lists = asked.county as unknown as Record<string, { totalCount: number }>;
    expect({ withdrawn: lists.withdrawn!.totalCount, ack: lists.ack!.totalCount, ans: lists.ans!.totalCount }).toEqual({
      withdrawn: own!.withdrawn,
      ack: own!.acknowledgeDue - own!.acknowledgedOnTime,
      ans: own!.answerDue - own!.reportedOnTime,
    });
    // Naming its own department changes nothing; naming another is refused, not answered empty.
    const named = await hub.dataAs<{ county: { dispatches: { totalCount: number } } }>(
      token,
      `{ county(code: "${COUNTY}") { dispatches(filter: { period: "2026", departmentKind: "${own!.departmentKind}" }) { totalCount } } }`,
    );
    expect(named.county.dispatches.totalCount).toBe(mine.totalCount);
    const another = await hub.queryAs(
      token,
      `{ county(code: "${COUNTY}") { dispatches(filter: { period: "2026", departmentKind: "${other!.departmentKind}" }) { totalCount nodes { id } } } }`,
    );
    expect(errorCode(another)).toBe('FORBIDDEN');
    expect(JSON.stringify(another.data ?? null)).not.toContain('"id"');
    // The same department of another county, and a township's list, stay closed to it.
    expect(errorCode(await hub.queryAs(token, `{ county(code: "623022") { dispatches { totalCount } } }`))).toBe('FORBIDDEN');
    expect(errorCode(await hub.queryAs(token, `{ township(code: "${township}") { dispatches { totalCount } } }`))).toBe('FORBIDDEN');
  }, 60_000);
});
