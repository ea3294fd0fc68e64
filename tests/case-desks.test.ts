/**
 * Every seeded case of the five seed counties loads without error in the
 * desk of each level that holds it: the village dispute lists (every field,
 * with the township's and county's records of the case), every township's
 * inbox and dispatches, every county's inbox, and the inbox of every county
 * department that has dispatches. The totals add up across levels, and every
 * demo case is one the engine could have produced: folding its timeline with
 * the engine gives its record.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextStory, type CaseAction, type Level, type Story } from '../domain/case-engine.ts';
import { SEED_COUNTIES } from '../domain/divisions.ts';
import { DEFAULT_DEMO_DATE } from '../platform/settings.ts';
import { startHub, type TestHub } from './helpers/hub.ts';
import { asOwner, departmentToken, inBatches, ok, pageAll, repeated, type PageOf } from './helpers/cases.ts';

let hub: TestHub;
beforeAll(async () => {
  hub = await startHub();
});
afterAll(() => hub?.stop());

/**
 * Seeded cases happened up to the demo date; other test files add cases in these counties as they run (now, after it).
 * Lists are counted up to this instant.
 */
const CUTOFF = Date.parse(`${DEFAULT_DEMO_DATE}T00:00:00+08:00`) + 2 * 86_400_000;
const seeded = (iso: string) => Date.parse(iso) < CUTOFF;

const DISPATCH = `id departmentKind departmentName status dispatchedAt acknowledgeBy reportBy overdue acknowledgedAt reportedAt report withdrawnAt withdrawalReason`;
const TOWNSHIP_CASE = `caseNumber status summary receivedAt settleBy overdue rehandled underSupervision assignee version dispatches { ${DISPATCH} }`;
const COUNTY_CASE = `caseNumber status summary receivedAt settleBy overdue rehandled assignee outcome version`;
const DISPUTE = `id caseNumber category scale source summary occurredAt reportedAt status handlingLevel inTransit assignee outcome resolvedLevel resolvedAt rating
  deadlines { contactBy settleBy replyBy } overdue underSupervision rehandled version
  parties { name role person { id name } } village { code } grid { code }
  timeline { seq at level action actor note status }
  townshipCase { ${TOWNSHIP_CASE} } countyCase { ${COUNTY_CASE} }`;

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
  withdrawnAt: string | null;
  withdrawalReason: string | null;
}
interface TownshipCase {
  caseNumber: string;
  status: string;
  receivedAt: string;
  settleBy: string;
  overdue: boolean;
  rehandled: number;
  dispatches: Dispatch[];
}
interface CountyCase {
  caseNumber: string;
  status: string;
  receivedAt: string;
  settleBy: string;
  overdue: boolean;
  rehandled: number;
  outcome: string | null;
}
interface Step {
  seq: number | null;
  at: string;
  level: Level;
  action: string;
  note: string | null;
  status: string | null;
}
interface Dispute {
  id: string;
  caseNumber: string;
  reportedAt: string;
  status: string;
  handlingLevel: Level;
  inTransit: boolean;
  resolvedLevel: Level | null;
  outcome: string | null;
  rehandled: number;
  deadlines: { contactBy: string; settleBy: string; replyBy: string | null };
  village: { code: string };
  timeline: Step[];
  townshipCase: TownshipCase | null;
  countyCase: CountyCase | null;
}

/** The village record the engine makes of a case's timeline (its steps in seq order). */
function storyOf(d: Dispute): Pick<Story, 'status' | 'handlingLevel' | 'inTransit' | 'resolvedLevel' | 'rehandled'> {
  const steps = d.timeline.filter((s) => s.seq !== null);
  const [report, ...rest] = steps;
  expect(report, d.caseNumber).toMatchObject({ seq: 1, level: 'VILLAGE', action: 'REPORT' });
  let story: Story = {
    seq: 1,
    status: 'REPORTED',
    handlingLevel: 'VILLAGE',
    inTransit: false,
    resolvedLevel: null,
    rehandled: 0,
    contactBy: null,
    settleBy: null,
    replyBy: null,
    outcome: null,
    assignee: null,
  };
  for (const s of rest) story = nextStory(story, { seq: s.seq!, level: s.level, action: s.action as CaseAction, at: new Date(s.at), deadlines: {} });
  return {
    status: story.status,
    handlingLevel: story.handlingLevel,
    inTransit: story.inTransit,
    resolvedLevel: story.resolvedLevel,
    rehandled: story.rehandled,
  };
}

/** The last status a level's steps gave its record. */
const lastStatusAt = (d: Dispute, level: Level) => d.timeline.filter((s) => s.level === level && s.status !== null && s.seq !== null).at(-1)?.status ?? null;

interface Seeded {
  townshipCases: Map<string, number>;
  countyCases: Map<string, number>;
  /** county → kind → dispatches, acknowledged, reported, withdrawn */
  dispatches: Map<string, Map<string, { n: number; acknowledged: number; reported: number; withdrawn: number }>>;
}

/** What the seed wrote, counted in the databases as their owner. */
async function countSeeded(): Promise<Seeded> {
  const cutoff = new Date(CUTOFF).toISOString();
  const counties = [...SEED_COUNTIES];
  const townshipCases = await asOwner('township', async (c) => {
    const r = await c.query<{ county: string; n: number }>(
      `select county_code as county, count(*)::int as n from township_case where received_at < $1 and county_code = any($2) group by 1`,
      [cutoff, counties],
    );
    return new Map(r.rows.map((x) => [x.county, x.n]));
  });
  const countyCases = await asOwner('county', async (c) => {
    const r = await c.query<{ county: string; n: number }>(
      `select county_code as county, count(*)::int as n from county_case where received_at < $1 and county_code = any($2) group by 1`,
      [cutoff, counties],
    );
    return new Map(r.rows.map((x) => [x.county, x.n]));
  });
  const dispatches = await asOwner('township', async (c) => {
    const r = await c.query<{ county: string; kind: string; n: number; acknowledged: number; reported: number; withdrawn: number }>(
      `select left(township_code, 6) as county, department_kind as kind, count(*)::int as n, count(acknowledged_at)::int as acknowledged, count(reported_at)::int as reported,
              count(withdrawn_at)::int as withdrawn
         from dispatch where dispatched_at < $1 and left(township_code, 6) = any($2) group by 1, 2`,
      [cutoff, counties],
    );
    const out = new Map<string, Map<string, { n: number; acknowledged: number; reported: number; withdrawn: number }>>();
    for (const x of r.rows) {
      if (!out.has(x.county)) out.set(x.county, new Map());
      out.get(x.county)!.set(x.kind, { n: x.n, acknowledged: x.acknowledged, reported: x.reported, withdrawn: x.withdrawn });
    }
    return out;
  });
  return { townshipCases, countyCases, dispatches };
}

let counts: Seeded;

describe.each([...SEED_COUNTIES])('the seeded cases of county %s, at every desk', (county) => {
  let disputes: Dispute[];
  let name: string;
  let townships: string[];
  let departments: Map<string, string>;

  beforeAll(async () => {
    counts ??= await countSeeded();
    const c = ok(
      await hub.query<{ county: { name: string; departments: { kind: string; name: string }[]; townships: { code: string }[] } }>(
        `{ county(code: "${county}") { name departments { kind name } townships { code } } }`,
      ),
    ).county;
    name = c.name;
    townships = c.townships.map((t) => t.code);
    departments = new Map(c.departments.map((d) => [d.kind, d.name]));
  });

  it('the village lists: every case loads with every field, its timeline in the case’s order and its record the engine’s', async () => {
    const all = await pageAll(
      async (after) =>
        ok(
          await hub.query<{ county: { disputes: PageOf<Dispute> } }>(
            `query($a: String) { county(code: "${county}") { disputes(first: 100, after: $a) { totalCount pageInfo { hasNextPage endCursor } nodes { ${DISPUTE} } } } }`,
            { a: after },
          ),
          `County.disputes of ${county}`,
        ).county.disputes,
    );
    expect(repeated(all.nodes.map((d) => d.id))).toEqual([]);
    disputes = all.nodes.filter((d) => seeded(d.reportedAt));
    expect(disputes.length).toBeGreaterThan(0);
    const wrong: string[] = [];
    for (const d of disputes) {
      const ordered = d.timeline.filter((s) => s.seq !== null);
      if (ordered.some((s, i) => s.seq !== i + 1)) wrong.push(`${d.caseNumber}: seqs ${ordered.map((s) => s.seq).join(',')}`);
      const fold = storyOf(d);
      const shown = { status: d.status, handlingLevel: d.handlingLevel, inTransit: d.inTransit, resolvedLevel: d.resolvedLevel, rehandled: d.rehandled };
      if (JSON.stringify(fold) !== JSON.stringify(shown))
        wrong.push(`${d.caseNumber}: shows ${JSON.stringify(shown)}, the engine makes ${JSON.stringify(fold)}`);
      if (d.inTransit) wrong.push(`${d.caseNumber}: in transit`);
      const atTownship = d.timeline.some((s) => s.level === 'TOWNSHIP' && s.action === 'RECEIVE');
      const atCounty = d.timeline.some((s) => s.level === 'COUNTY' && s.action === 'RECEIVE');
      if (atTownship !== !!d.townshipCase) wrong.push(`${d.caseNumber}: township record ${!!d.townshipCase}, received there ${atTownship}`);
      if (atCounty !== !!d.countyCase) wrong.push(`${d.caseNumber}: county record ${!!d.countyCase}, received there ${atCounty}`);
      if (d.townshipCase && d.townshipCase.status !== lastStatusAt(d, 'TOWNSHIP')) {
        wrong.push(`${d.caseNumber}: township status ${d.townshipCase.status}, its last step says ${lastStatusAt(d, 'TOWNSHIP')}`);
      }
      if (d.countyCase && d.countyCase.status !== lastStatusAt(d, 'COUNTY')) {
        wrong.push(`${d.caseNumber}: county status ${d.countyCase.status}, its last step says ${lastStatusAt(d, 'COUNTY')}`);
      }
      if ((d.resolvedLevel === null) !== (d.outcome === null)) wrong.push(`${d.caseNumber}: resolved at ${d.resolvedLevel} with outcome ${d.outcome}`);
      for (const x of d.townshipCase?.dispatches ?? []) {
        if (x.departmentName !== departments.get(x.departmentKind))
          wrong.push(`${d.caseNumber}: dispatch to ${x.departmentName}, the county calls it ${departments.get(x.departmentKind)}`);
      }
    }
    expect(wrong.slice(0, 20), `${wrong.length} problems`).toEqual([]);
    // The township and county records the village lists hold are the seed's.
    expect(disputes.filter((d) => d.townshipCase).length).toBe(counts.townshipCases.get(county) ?? 0);
    expect(disputes.filter((d) => d.countyCase).length).toBe(counts.countyCases.get(county) ?? 0);
    const steps = disputes.flatMap((d) => d.timeline);
    const kinds = [...(counts.dispatches.get(county)?.values() ?? [])];
    expect(disputes.reduce((n, d) => n + (d.townshipCase?.dispatches.length ?? 0), 0)).toBe(kinds.reduce((n, k) => n + k.n, 0));
    expect(steps.filter((s) => s.action === 'DEPARTMENT_ACKNOWLEDGE').length).toBe(kinds.reduce((n, k) => n + k.acknowledged, 0));
    expect(steps.filter((s) => s.action === 'DEPARTMENT_REPORT').length).toBe(kinds.reduce((n, k) => n + k.reported, 0));
  }, 300_000);

  it('every township’s inbox and dispatches: each seeded township case once, as many as the seed wrote', async () => {
    const listed = await inBatches(townships, 4, async (code) => {
      const cases = await pageAll(
        async (after) =>
          ok(
            await hub.query<{ township: { disputes: PageOf<TownshipCase & { dispute: { id: string } }> } }>(
              `query($a: String) { township(code: "${code}") { disputes(first: 100, after: $a) { totalCount pageInfo { hasNextPage endCursor } nodes { dispute { id } ${TOWNSHIP_CASE} } } } }`,
              { a: after },
            ),
            `Township.disputes of ${code}`,
          ).township.disputes,
      );
      expect(cases.nodes, code).toHaveLength(cases.totalCount!);
      const dispatches = await pageAll(
        async (after) =>
          ok(
            await hub.query<{ township: { dispatches: PageOf<Dispatch & { townshipCase: { dispute: { id: string } } }> } }>(
              `query($a: String) { township(code: "${code}") { dispatches(first: 100, after: $a) { totalCount pageInfo { hasNextPage endCursor } nodes { ${DISPATCH} townshipCase { dispute { id } } } } } }`,
              { a: after },
            ),
            `Township.dispatches of ${code}`,
          ).township.dispatches,
      );
      expect(dispatches.nodes, code).toHaveLength(dispatches.totalCount!);
      return {
        cases: cases.nodes.filter((c) => seeded(c.receivedAt)),
        dispatches: dispatches.nodes.filter((d) => seeded(d.dispatchedAt)),
      };
    });
    const cases = listed.flatMap((l) => l.cases);
    expect(repeated(cases.map((c) => c.dispute.id))).toEqual([]);
    expect(cases.length).toBe(counts.townshipCases.get(county) ?? 0);
    const byId = new Map(disputes.map((d) => [d.id, d]));
    for (const c of cases) expect(byId.get(c.dispute.id)?.townshipCase?.status, c.caseNumber).toBe(c.status);
    const dispatches = listed.flatMap((l) => l.dispatches);
    expect(repeated(dispatches.map((d) => d.id))).toEqual([]);
    expect(dispatches.length).toBe(cases.reduce((n, c) => n + c.dispatches.length, 0));
    // A department that never answered was withdrawn (撤回吹哨) once its report deadline had passed: the case's
    // timeline says so, and the dispatch waits on no one.
    for (const d of dispatches.filter((x) => x.status === 'WITHDRAWN')) {
      expect(d).toMatchObject({ overdue: false, reportedAt: null, withdrawalReason: expect.any(String) });
      expect(Date.parse(d.withdrawnAt!)).toBeGreaterThan(Date.parse(d.reportBy));
      const steps = byId.get(d.townshipCase.dispute.id)!.timeline.filter((t) => t.action === 'WITHDRAW_DISPATCH');
      expect(steps.map((t) => t.note)).toContainEqual(expect.stringMatching(new RegExp(`^${d.departmentName} — `)));
    }
    // The demo county shows it (in one case in ten with a dispatch, a department never answers).
    if (county === '623021') expect(dispatches.filter((x) => x.status === 'WITHDRAWN').length).toBeGreaterThan(0);
  }, 300_000);

  it('the county’s inbox: each seeded county case once, as many as the seed wrote', async () => {
    const all = await pageAll(
      async (after) =>
        ok(
          await hub.query<{ county: { caseInbox: PageOf<CountyCase & { dispute: { id: string } }> } }>(
            `query($a: String) { county(code: "${county}") { caseInbox(first: 100, after: $a) { totalCount pageInfo { hasNextPage endCursor } nodes { dispute { id } ${COUNTY_CASE} } } } }`,
            { a: after },
          ),
          `County.caseInbox of ${county}`,
        ).county.caseInbox,
    );
    expect(all.nodes).toHaveLength(all.totalCount!);
    expect(repeated(all.nodes.map((c) => c.dispute.id))).toEqual([]);
    const cases = all.nodes.filter((c) => seeded(c.receivedAt));
    expect(cases.length).toBe(counts.countyCases.get(county) ?? 0);
    const byId = new Map(disputes.map((d) => [d.id, d]));
    for (const c of cases) expect(byId.get(c.dispute.id)?.countyCase?.status, c.caseNumber).toBe(c.status);
  });

  it('every department’s inbox: each of its seeded dispatches once, named as the county names it, none withdrawn from it', async () => {
    const kinds = counts.dispatches.get(county) ?? new Map();
    let total = 0;
    for (const [kind, seededCounts] of kinds) {
      const token = await departmentToken(county, kind, ['read']);
      const all = await pageAll(
        async (after) =>
          ok(
            await hub.queryAs<{ departmentInbox: PageOf<Dispatch & { townshipCase: { caseNumber: string; status: string; dispute: { id: string } } }> }>(
              token,
              `query($a: String) { departmentInbox(first: 100, after: $a) { totalCount pageInfo { hasNextPage endCursor } nodes { ${DISPATCH} townshipCase { caseNumber status dispute { id } } } } }`,
              { a: after },
            ),
            `departmentInbox of ${county} ${kind}`,
          ).departmentInbox,
      );
      expect(all.nodes).toHaveLength(all.totalCount!);
      expect(repeated(all.nodes.map((d) => d.id))).toEqual([]);
      const mine = all.nodes.filter((d) => seeded(d.dispatchedAt));
      // A dispatch withdrawn from the department (撤回吹哨) is no work of its own: not listed, its case not opened.
      expect(mine.length, kind).toBe(seededCounts.n - seededCounts.withdrawn);
      expect(mine.some((d) => d.status === 'WITHDRAWN')).toBe(false);
      expect(mine.every((d) => d.departmentKind === kind && d.departmentName === `${departments.get(kind)}` && d.departmentName.startsWith(name))).toBe(true);
      expect(mine.every((d) => d.townshipCase.caseNumber.startsWith(`${county}-`))).toBe(true);
      total += mine.length;
    }
    expect(total).toBe([...kinds.values()].reduce((n, k) => n + k.n - k.withdrawn, 0));
  }, 300_000);
});
