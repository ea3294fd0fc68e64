/**
 * 苗头预警 Early warnings (Query.riskSignals, docs/ARCHITECTURE.md "Early
 * warnings") through the gateway. Each kind is built here, step by step, in
 * 康多乡 of 卓尼县 (no other test writes there) in the current month, which the
 * demo data (ending 2026-09-30) does not reach: before the pattern is whole
 * the kind stays silent, once it is whole it fires. A report-only caller gets
 * figures without cases or personal facts and no special-population kind;
 * another county's caller sees nothing of this one; bad arguments are typed errors.
 */
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WRITE_COUNTY } from './setup/global.ts';
import { resolvePeriod } from '../domain/periods.ts';
import { postJson, startHub, type TestHub } from './helpers/hub.ts';
import { asOwner, callersOf, errorCode, escalateToCounty, mutate, ok, pageAll, villagesOf, waitFor, type Callers } from './helpers/cases.ts';

/** 康多乡 of 卓尼县: four villages, untouched by the other tests. */
const TOWNSHIP = `${WRITE_COUNTY}208`;
/** The current month in China Standard Time, as a period shorthand (202612). */
const MONTH = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7).replace('-', '');

interface Signal {
  id: string;
  kind: string;
  severity: string;
  division: { code: string; name: string; level: string };
  village: { code: string; name: string } | null;
  township: { code: string };
  from: string;
  to: string;
  facts: { kind: string; value: number; caseNumbers: string[]; disputes: { id: string; caseNumber: string }[] }[];
  explanation: string;
}
interface Signals {
  riskSignals: { totalCount: number; nodes: Signal[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

const SIGNALS = `query Risk($within: String!, $period: String, $kinds: [RiskSignalKind!], $first: Int, $after: String) {
  riskSignals(within: $within, period: $period, kinds: $kinds, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      id kind severity division { code name level } village { code name } township { code } from to
      facts { kind value caseNumbers disputes { id caseNumber } }
      explanation
    }
  }
}`;

let hub: TestHub;
let county: string; // 卓尼县's county desk: read, write, report
let reportOnly: string;
let neighbour: string; // 临潭县's desk: read and report, another county
let villages: { code: string; grids: string[]; callers: Callers }[];

beforeAll(async () => {
  hub = await startHub();
  county = await hub.token({ jurisdiction: WRITE_COUNTY, scopes: ['read', 'write', 'report'], subject: 'risk-county' });
  reportOnly = await hub.token({ jurisdiction: WRITE_COUNTY, scopes: ['report'], subject: 'risk-report' });
  neighbour = await hub.token({ jurisdiction: '623021', scopes: ['read', 'report'], subject: 'risk-neighbour' });
  const list = await villagesOf(hub, TOWNSHIP);
  villages = await Promise.all(list.map(async (v) => ({ ...v, callers: await callersOf(hub, v.code) })));
}, 180_000);
afterAll(() => hub?.stop());

async function signals(token: string, vars: { within?: string; period?: string; kinds?: string[]; first?: number; after?: string } = {}) {
  return hub.queryAs<Signals>(token, SIGNALS, { within: TOWNSHIP, period: MONTH, first: 500, ...vars });
}
async function signalsOk(token: string, vars: Parameters<typeof signals>[1] = {}): Promise<Signal[]> {
  return ok(await signals(token, vars), 'riskSignals').riskSignals.nodes;
}
const of = (list: Signal[], kind: string, division?: string) => list.filter((s) => s.kind === kind && (!division || s.division.code === division));
const fact = (s: Signal, kind: string) => s.facts.find((f) => f.kind === kind);

/** Reports a dispute at the village's first grid with these parties (resident ids, or names). */
async function report(v: (typeof villages)[number], parties: ({ personId: string } | { name: string })[], scale = 'ORDINARY') {
  return mutate<{ id: string; caseNumber: string }>(
    hub,
    v.callers.village,
    `reportDispute(input: $i, idempotencyKey: $k) { id caseNumber }`,
    {
      k: `risk-${randomUUID()}`,
      i: {
        gridCode: v.grids[0],
        category: 'NEIGHBOUR',
        scale,
        source: 'WALK_IN',
        summary: '两户因院墙排水沟发生争执',
        parties: parties.map((p, i) => ({ ...p, role: i === 0 ? 'APPLICANT' : 'RESPONDENT' })),
      },
    },
    '($i: DisputeInput!, $k: String!)',
  );
}

/** Current residents of a village without tags, with their names, by id. */
async function untagged(village: string, n: number): Promise<{ id: string; name: string; idNumber: string; phone: string | null }[]> {
  return asOwner(
    'village',
    async (c) =>
      (
        await c.query<{ id: string; name: string; idNumber: string; phone: string | null }>(
          `select id::text, name, id_number as "idNumber", phone from person where village_code = $1 and status = 'ACTIVE' and tags = '{}' order by id limit $2`,
          [village, n],
        )
      ).rows,
  );
}

/** Whether each village has a grid without the full 1+3+N staffing, as the API says. */
async function understaffed(): Promise<Map<string, boolean>> {
  const r = ok(
    await hub.queryAs<{ villages: { code: string; grids: { fullyStaffed: boolean }[] }[] }>(
      county,
      `{ villages(within: "${TOWNSHIP}") { code grids { fullyStaffed } } }`,
    ),
  );
  return new Map(r.villages.map((v) => [v.code, v.grids.some((g) => !g.fullyStaffed)]));
}

describe('riskSignals', () => {
  const cases: Record<string, string[]> = { v1: [], v2: [], v3: [], v4: [] };
  const named: string[] = [];
  let partiesV1: Awaited<ReturnType<typeof untagged>>;
  let partyV4: Awaited<ReturnType<typeof untagged>>[number];

  it('is silent where nothing has happened', async () => {
    expect(villages).toHaveLength(4);
    expect(await signalsOk(county)).toEqual([]);
  });

  it('REPEATED_DISPUTES: the same two parties again within 90 days', async () => {
    const [v1] = villages;
    partiesV1 = await untagged(v1!.code, 2);
    expect(partiesV1).toHaveLength(2);
    const parties = partiesV1.map((p) => ({ personId: p.id }));
    cases.v1!.push((await report(v1!, parties)).caseNumber);
    expect(of(await signalsOk(county), 'REPEATED_DISPUTES')).toEqual([]);
    cases.v1!.push((await report(v1!, [...parties].reverse())).caseNumber);
    const [s, more] = of(await signalsOk(county), 'REPEATED_DISPUTES');
    expect(more).toBeUndefined();
    expect(s).toMatchObject({ severity: 'MEDIUM', division: { code: v1!.code, level: 'VILLAGE' }, village: { code: v1!.code }, township: { code: TOWNSHIP } });
    // Named as the village it is (it had read its township's name).
    expect(s!.division.name).toBe(s!.village!.name);
    expect(s!.facts).toHaveLength(1);
    expect(s!.facts[0]!.kind).toBe('SAME_PARTIES');
    expect(s!.facts[0]!.value).toBe(2);
    expect([...s!.facts[0]!.caseNumbers].sort()).toEqual([...cases.v1!].sort());
    expect(s!.facts[0]!.disputes.map((d) => d.caseNumber).sort()).toEqual([...cases.v1!].sort());
    expect(s!.explanation).toMatch(/2 disputes between the same parties within 90 days/);
  }, 120_000);

  it('DISPUTE_SURGE: a month well above the village’s own 12-month baseline', async () => {
    const v2 = villages[1]!;
    for (let i = 0; i < 2; i++) cases.v2!.push((await report(v2, [{ name: `甲${i}号` }, { name: `乙${i}号` }])).caseNumber);
    let list = await signalsOk(county);
    expect(of(list, 'DISPUTE_SURGE')).toEqual([]); // two disputes: under HUB_RISK_SURGE_MIN (3)
    cases.v2!.push((await report(v2, [{ name: '甲2号' }, { name: '乙2号' }])).caseNumber);
    list = await signalsOk(county);
    const surges = of(list, 'DISPUTE_SURGE');
    expect(surges.map((s) => s.division.code)).toEqual([v2.code]); // v1 has two: silent
    const s = surges[0]!;
    expect(fact(s, 'MONTH_DISPUTES')).toMatchObject({ value: 3 });
    expect([...fact(s, 'MONTH_DISPUTES')!.caseNumbers].sort()).toEqual([...cases.v2!].sort());
    const baseline = fact(s, 'BASELINE_MONTHLY')!;
    expect(baseline.value).toBeLessThan(1.5);
    expect(baseline.caseNumbers).toEqual([]);
    expect(s.from).toBe(`${MONTH.slice(0, 4)}-${MONTH.slice(4)}-01`);
    // Different parties each time: no repeat in v2.
    expect(of(list, 'REPEATED_DISPUTES', v2.code)).toEqual([]);
  }, 120_000);

  it('MASS_OR_TWICE_ESCALATED: a mass dispute, and a case escalated to the township and on to the county', async () => {
    const v3 = villages[2]!;
    expect(of(await signalsOk(county), 'MASS_OR_TWICE_ESCALATED')).toEqual([]); // ordinary cases only so far
    const mass = await report(v3, [{ name: '丙村民代表' }, { name: '丁公司' }], 'MASS');
    cases.v3!.push(mass.caseNumber);
    let s = of(await signalsOk(county), 'MASS_OR_TWICE_ESCALATED');
    expect(s.map((x) => x.division.code)).toEqual([v3.code]);
    expect(s[0]).toMatchObject({ severity: 'HIGH' });
    expect(fact(s[0]!, 'MASS_DISPUTES')).toMatchObject({ value: 1, caseNumbers: [mass.caseNumber] });
    expect(fact(s[0]!, 'TWICE_ESCALATED')).toMatchObject({ value: 0, caseNumbers: [] });
    // The explanation names what is there, not a count of 0 beside it.
    expect(s[0]!.explanation).toMatch(/ has 1 mass-scale dispute in the period: wide in reach; /);
    const { id } = await escalateToCounty(hub, v3.callers, { gridCode: v3.grids[0]! });
    named.push('杨卓玛', '李永福'); // the helper's party names
    s = await waitFor(
      async () => {
        const found = of(await signalsOk(county), 'MASS_OR_TWICE_ESCALATED');
        return found[0] && fact(found[0], 'TWICE_ESCALATED')?.value === 1 ? found : null;
      },
      60_000,
      'the village record of the escalation to the county',
    );
    expect(fact(s[0]!, 'TWICE_ESCALATED')!.disputes.map((d) => d.id)).toEqual([id]);
    expect(s[0]!.explanation).toMatch(
      / has 1 mass-scale dispute and 1 case escalated twice \(village to township to county\) in the period: wide in reach or long unresolved; /,
    );
    expect(s[0]!.severity).toBe('HIGH');
  }, 180_000);

  it('SPECIAL_POPULATION_PARTY: a party under special-population care, never named', async () => {
    const v4 = villages[3]!;
    partyV4 = (await untagged(v4.code, 1))[0]!;
    const d = await report(v4, [{ personId: partyV4!.id }, { name: '戊某' }]);
    cases.v4!.push(d.caseNumber);
    expect(of(await signalsOk(county), 'SPECIAL_POPULATION_PARTY')).toEqual([]);
    await mutate(hub, county, `tagPerson(id: "${partyV4!.id}", tags: [SEVERE_MENTAL_DISORDER]) { id }`);
    const s = of(await signalsOk(county), 'SPECIAL_POPULATION_PARTY');
    expect(s.map((x) => x.division.code)).toEqual([v4.code]);
    expect(s[0]).toMatchObject({ severity: 'HIGH' });
    expect(s[0]!.facts).toEqual([
      { kind: 'SPECIAL_POPULATION_CASES', value: 1, caseNumbers: [d.caseNumber], disputes: [{ id: d.id, caseNumber: d.caseNumber }] },
    ]);
    expect(JSON.stringify(s)).not.toContain(partyV4!.name);
  }, 120_000);

  it('OVERDUE_CLUSTER: three overdue cases in one township', async () => {
    expect(of(await signalsOk(county), 'OVERDUE_CLUSTER')).toEqual([]);
    // Past the contact deadline (1 hour): two are not yet a cluster (HUB_RISK_OVERDUE_MIN, 3), three are.
    const backdate = (numbers: string[]) =>
      asOwner('village', (c) =>
        c.query(`update dispute set contact_by = now() - interval '1 minute' where case_number = any($1) and status = 'REPORTED'`, [numbers]),
      );
    await backdate(cases.v2!.slice(0, 2));
    expect(of(await signalsOk(county), 'OVERDUE_CLUSTER')).toEqual([]);
    await backdate(cases.v2!.slice(2));
    const s = of(await signalsOk(county), 'OVERDUE_CLUSTER');
    expect(s).toHaveLength(1);
    expect(s[0]).toMatchObject({
      severity: 'MEDIUM',
      division: { code: TOWNSHIP, name: '康多乡', level: 'TOWNSHIP' },
      village: null,
      township: { code: TOWNSHIP },
    });
    expect(fact(s[0]!, 'OVERDUE_CASES')!.value).toBe(3);
    expect([...fact(s[0]!, 'OVERDUE_CASES')!.caseNumbers].sort()).toEqual([...cases.v2!].sort());
    expect(fact(s[0]!, 'VILLAGES')!.value).toBe(1);
    // One village is said as one (queryAs asks for English).
    expect(s[0]!.explanation).toContain('(in 1 village;');
  }, 120_000);

  it('UNDERSTAFFED_RISING: grids short of 1+3+N where disputes rise', async () => {
    const short = await understaffed();
    const v1 = villages[0]!;
    const rising = (list: Signal[]) => new Set(of(list, 'UNDERSTAFFED_RISING').map((s) => s.division.code));
    // Disputes rose this month (none last month) in v1, v2 and v3 (two or more, HUB_RISK_RISING_MIN) but not in v4 (one):
    // the signal follows the grids' staffing there.
    let fired = rising(await signalsOk(county));
    for (const [i, v] of villages.entries()) expect(fired.has(v.code), v.code).toBe(i < 3 && short.get(v.code)!);
    if (!short.get(v1.code)) {
      // End v1's political-legal cadre in one grid: the grid is no longer fully staffed.
      const staff = ok(
        await hub.queryAs<{ village: { staff: { nodes: { id: string; version: number; grid: { code: string } }[] } } }>(
          county,
          `{ village(code: "${v1.code}") { staff(role: LINKED_POLITICAL_LEGAL_CADRE, first: 50) { nodes { id version grid { code } } } } }`,
        ),
      ).village.staff.nodes.find((g) => g.grid.code === v1.grids[0]);
      expect(staff).toBeDefined();
      await mutate(hub, county, `endGridStaff(id: "${staff!.id}", version: ${staff!.version}, reason: "调离") { id }`);
      fired = rising(await signalsOk(county));
      expect(fired.has(v1.code)).toBe(true);
    }
    const s = of(await signalsOk(county), 'UNDERSTAFFED_RISING', v1.code)[0]!;
    expect(fact(s, 'PERIOD_DISPUTES')).toMatchObject({ value: 2 });
    expect([...fact(s, 'PERIOD_DISPUTES')!.caseNumbers].sort()).toEqual([...cases.v1!].sort());
    expect(fact(s, 'PREVIOUS_DISPUTES')!.value).toBe(0);
    expect(fact(s, 'GRIDS_NOT_FULLY_STAFFED')!.value).toBeGreaterThanOrEqual(1);
    expect(fact(s, 'GRIDS')!.value).toBe(v1.grids.length);
    // The English agrees with the count of grids short of staff: one grid lacks, several lack.
    const shortGrids = fact(s, 'GRIDS_NOT_FULLY_STAFFED')!.value;
    expect(s.explanation).toContain(`${shortGrids} of its ${v1.grids.length} grids ${shortGrids === 1 ? 'lacks' : 'lack'} the full 1+3+N staffing`);
  }, 120_000);

  it('orders by severity, pages with first/after, and filters by kind', async () => {
    const all = await signalsOk(county);
    const order = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];
    const ranks = all.map((s) => order.indexOf(s.severity));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(new Set(all.map((s) => s.kind))).toEqual(
      new Set(['REPEATED_DISPUTES', 'DISPUTE_SURGE', 'MASS_OR_TWICE_ESCALATED', 'OVERDUE_CLUSTER', 'SPECIAL_POPULATION_PARTY', 'UNDERSTAFFED_RISING']),
    );
    const paged = await pageAll(async (after) => ok(await signals(county, { first: 2, ...(after ? { after } : {}) })).riskSignals);
    expect(paged.nodes.map((s) => s.id)).toEqual(all.map((s) => s.id));
    expect(paged.totalCount).toBe(all.length);
    const only = await signalsOk(county, { kinds: ['OVERDUE_CLUSTER', 'DISPUTE_SURGE'] });
    expect(new Set(only.map((s) => s.kind))).toEqual(new Set(['OVERDUE_CLUSTER', 'DISPUTE_SURGE']));
    // A village's signals under it alone (an overdue cluster is its township's, not listed under a village).
    const v2 = villages[1]!;
    const underV2 = await signalsOk(county, { within: v2.code });
    expect(underV2.map((s) => s.kind).sort()).toEqual(
      all
        .filter((s) => s.division.code === v2.code)
        .map((s) => s.kind)
        .sort(),
    );
    expect(underV2.length).toBeGreaterThan(0);
  }, 60_000);

  it('explains in Chinese by default and in English for accept-language: en', async () => {
    const zh = ok(await hub.query<Signals>(SIGNALS, { within: TOWNSHIP, period: MONTH, kinds: ['REPEATED_DISPUTES'] }, { 'accept-language': 'zh-CN' }));
    expect(zh.riskSignals.nodes[0]!.explanation).toMatch(/同一当事人之间在 90 天内反复发生 2 起纠纷/);
    const en = ok(
      await hub.query<Signals>(SIGNALS, { within: TOWNSHIP, period: MONTH, kinds: ['REPEATED_DISPUTES'] }, { 'accept-language': 'en-US,en;q=0.9' }),
    );
    expect(en.riskSignals.nodes[0]!.explanation).toMatch(/^\S+: 2 disputes between the same parties within 90 days/);
  }, 60_000);

  it('report-only callers get figures: no cases, no personal facts, no special populations', async () => {
    const all = await signalsOk(county);
    const list = await signalsOk(reportOnly);
    expect(list.map((s) => s.kind)).toEqual(all.filter((s) => s.kind !== 'SPECIAL_POPULATION_PARTY').map((s) => s.kind));
    for (const s of list) {
      for (const f of s.facts) {
        expect(f.caseNumbers).toEqual([]);
        expect(f.disputes).toEqual([]);
      }
    }
    const text = JSON.stringify(list);
    expect(text).not.toMatch(/\d{6}-\d{4}-\d{6}/); // case numbers
    for (const p of [...partiesV1, partyV4!]) {
      expect(text).not.toContain(p.name);
      expect(text).not.toContain(p.idNumber);
      if (p.phone) expect(text).not.toContain(p.phone);
    }
    for (const name of [...named, '甲0号', '乙0号', '丙村民代表', '戊某']) expect(text).not.toContain(name);
    // No day of a case either: a village and the day its parties came again name the case, and so them. The
    // explanation gives counts, and a repeated-disputes signal spans the period asked, not its cases' days.
    const repeated = of(all, 'REPEATED_DISPUTES');
    expect(repeated.length).toBeGreaterThan(0);
    expect(repeated.some((s) => /\d{4}-\d{2}-\d{2}/.test(s.explanation))).toBe(true);
    const whole = resolvePeriod({ period: MONTH });
    for (const s of list) expect(s.explanation, s.kind).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    for (const s of of(list, 'REPEATED_DISPUTES')) expect([s.from, s.to]).toEqual([whole.from, whole.to]);
    expect(of(list, 'REPEATED_DISPUTES')).toHaveLength(repeated.length);
    // The gateway serves a report-only caller's answer again for a while: never in another language.
    const ask = (language: string) =>
      postJson<Signals>(
        hub.gatewayUrl,
        { query: SIGNALS, variables: { within: TOWNSHIP, period: MONTH, kinds: ['REPEATED_DISPUTES'], first: 10 } },
        { authorization: `Bearer ${reportOnly}`, 'accept-language': language },
      );
    expect(ok(await ask('zh-CN')).riskSignals.nodes[0]!.explanation).toMatch(/同一当事人之间/);
    expect(ok(await ask('en')).riskSignals.nodes[0]!.explanation).toMatch(/between the same parties/);
    expect(ok(await ask('zh-CN')).riskSignals.nodes[0]!.explanation).toMatch(/同一当事人之间/);
    // Asking for the special-population kind alone is refused; among others it is left out.
    expect(errorCode(await signals(reportOnly, { kinds: ['SPECIAL_POPULATION_PARTY'] }))).toBe('FORBIDDEN');
    expect((await signalsOk(reportOnly, { kinds: ['SPECIAL_POPULATION_PARTY', 'OVERDUE_CLUSTER'] })).map((s) => s.kind)).toEqual(['OVERDUE_CLUSTER']);
  }, 60_000);

  it('a report-only caller learns no case day from a mass-scale or overdue signal', async () => {
    const all = await signalsOk(county);
    const list = await signalsOk(reportOnly);
    const whole = resolvePeriod({ period: MONTH });
    // The county's desk reads these signals' days as those of their cases; told without the cases, they span the period.
    expect(of(all, 'MASS_OR_TWICE_ESCALATED').some((s) => s.from !== whole.from || s.to !== whole.to)).toBe(true);
    for (const kind of ['MASS_OR_TWICE_ESCALATED', 'OVERDUE_CLUSTER']) {
      expect(of(list, kind).length, kind).toBeGreaterThan(0);
      for (const s of of(list, kind)) expect([s.from, s.to], kind).toEqual([whole.from, whole.to]);
    }
  }, 60_000);

  it('a report-only caller cannot find whom a repeated-disputes signal is about by hashing guesses of its id', async () => {
    const all = await signalsOk(county);
    const list = await signalsOk(reportOnly);
    // A repeated-disputes id hashed from its key alone gave the key back to whoever hashed every guess: here the two
    // residents' ids, from a village's few thousand (or a household's id, an address's, a name).
    const [a, b] = partiesV1.map((p) => `p${p.id}`).sort();
    const guessed = createHash('sha256').update(`REPEATED_DISPUTES|${villages[0]!.code}|SAME_PARTIES:${a}|${b}`).digest('base64url').slice(0, 22);
    const repeated = of(list, 'REPEATED_DISPUTES', villages[0]!.code);
    expect(repeated).toHaveLength(1);
    expect(repeated[0]!.id).not.toBe(guessed);
    // Still one id for every caller, and the same on the next read.
    expect(of(all, 'REPEATED_DISPUTES', villages[0]!.code)[0]!.id).toBe(repeated[0]!.id);
    expect(of(await signalsOk(reportOnly), 'REPEATED_DISPUTES', villages[0]!.code)[0]!.id).toBe(repeated[0]!.id);
  }, 60_000);

  it('another county’s caller sees nothing of this county', async () => {
    expect(errorCode(await signals(neighbour))).toBe('FORBIDDEN');
    expect(errorCode(await signals(neighbour, { within: WRITE_COUNTY }))).toBe('FORBIDDEN');
    expect(errorCode(await signals(neighbour, { within: '62' }))).toBe('FORBIDDEN');
    const own = await signalsOk(neighbour, { within: '623021', period: MONTH });
    expect(own.every((s) => s.division.code.startsWith('623021'))).toBe(true);
  }, 60_000);

  it('refuses bad arguments with typed errors', async () => {
    expect(errorCode(await signals(county, { within: 'abc' }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await signals(county, { within: `${TOWNSHIP}2010` }))).toBe('BAD_USER_INPUT'); // no division's length
    expect(errorCode(await signals(county, { within: `${TOWNSHIP}201999` }))).toBe('NOT_FOUND'); // a grid the hub does not hold
    expect(errorCode(await signals(county, { within: `${WRITE_COUNTY}999` }))).toBe('NOT_FOUND');
    expect(errorCode(await signals(county, { period: '2026Q5' }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await hub.queryAs(county, `{ riskSignals(within: "${TOWNSHIP}") { totalCount } }`))).toBe('BAD_USER_INPUT');
    expect(errorCode(await signals(county, { after: 'not-a-cursor' }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await signals(county, { first: 501 }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await signals(county, { kinds: [] }))).toBe('BAD_USER_INPUT'); // never read as every kind
    const unauthenticated = await fetch(hub.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ riskSignals(within: "${TOWNSHIP}", period: "${MONTH}") { totalCount } }` }),
    });
    expect(unauthenticated.status).toBe(401);
  }, 60_000);

  it('a grid worker reads its own grid’s signals, none of another grid’s, and no village’s', async () => {
    const [v1, v2, v3, v4] = villages as [(typeof villages)[number], (typeof villages)[number], (typeof villages)[number], (typeof villages)[number]];
    for (const v of villages) expect(v.grids.length, v.code).toBeGreaterThanOrEqual(2);
    const worker = (grid: string, scopes: NonNullable<Parameters<TestHub['token']>[0]>['scopes'] = ['read', 'write']) =>
      hub.token({ jurisdiction: grid, scopes, subject: `risk-grid-${grid}-${scopes.join('')}` });
    // Every case above was reported at each village's first grid: the second grid holds none of them.
    const [g1, g1b, g2, g3, g4, g4b, g4Report] = await Promise.all([
      worker(v1.grids[0]!),
      worker(v1.grids[1]!),
      worker(v2.grids[0]!),
      worker(v3.grids[0]!),
      worker(v4.grids[0]!),
      worker(v4.grids[1]!),
      worker(v4.grids[0]!, ['report']),
    ]);
    const inGrid = (token: string, grid: string, kinds?: string[]) => signalsOk(token, { within: grid, ...(kinds ? { kinds } : {}) });

    // v4's first grid: a party registered there, under special care, in a case of the grid.
    const [resident] = await asOwner('village', async (c) => {
      const r = await c.query<{ id: string; name: string }>(
        `select id::text, name from person where grid_code = $1 and status = 'ACTIVE' and tags = '{}' order by id limit 1`,
        [v4.grids[0]],
      );
      return r.rows;
    });
    expect(resident).toBeDefined();
    const d = await report(v4, [{ personId: resident!.id }, { name: '己某' }]);
    await mutate(hub, county, `tagPerson(id: "${resident!.id}", tags: [DRUG_USER]) { id }`);
    // The earlier case's tagged party counts in the grid only when registered there (what the grid worker may see of residents).
    const [earlier] = await asOwner(
      'village',
      async (c) => (await c.query<{ grid: string }>(`select grid_code as grid from person where id = $1`, [partyV4.id])).rows,
    );
    const special = [d.caseNumber, ...(earlier!.grid === v4.grids[0] ? cases.v4! : [])].sort();
    const own4 = await inGrid(g4, v4.grids[0]!);
    const s4 = of(own4, 'SPECIAL_POPULATION_PARTY');
    expect(s4).toHaveLength(1);
    expect(s4[0]).toMatchObject({ severity: 'HIGH', division: { code: v4.code, level: 'VILLAGE' }, village: { code: v4.code } });
    expect(fact(s4[0]!, 'SPECIAL_POPULATION_CASES')!.value).toBe(special.length);
    expect([...fact(s4[0]!, 'SPECIAL_POPULATION_CASES')!.caseNumbers].sort()).toEqual(special);
    expect(JSON.stringify(own4)).not.toContain(resident!.name);
    // Named as the grid, not its village: the figures are the grid's.
    const gridName = ok(await hub.queryAs<{ grid: { name: string } }>(county, `{ grid(code: "${v4.grids[0]}") { name } }`)).grid.name;
    expect(s4[0]!.explanation).toContain(gridName);
    // Its village's desk asking for the grid is told the same signals, with the same ids.
    expect(await inGrid(v4.callers.village, v4.grids[0]!)).toEqual(own4);

    // v1's first grid: the repeated disputes, and its disputes rising while the grid is short of staff.
    const staffed = async () =>
      ok(await hub.queryAs<{ grid: { fullyStaffed: boolean } }>(g1, `{ grid(code: "${v1.grids[0]}") { fullyStaffed } }`)).grid.fullyStaffed;
    if (await staffed()) {
      const staff = ok(
        await hub.queryAs<{ grid: { staff: { nodes: { id: string; version: number }[] } } }>(
          county,
          `{ grid(code: "${v1.grids[0]}") { staff(role: LINKED_POLITICAL_LEGAL_CADRE, first: 50) { nodes { id version } } } }`,
        ),
      ).grid.staff.nodes[0]!;
      await mutate(hub, county, `endGridStaff(id: "${staff.id}", version: ${staff.version}, reason: "调离") { id }`);
      expect(await staffed()).toBe(false);
    }
    const own1 = await inGrid(g1, v1.grids[0]!);
    const [repeat, more] = of(own1, 'REPEATED_DISPUTES');
    expect(more).toBeUndefined();
    expect(fact(repeat!, 'SAME_PARTIES')!.value).toBe(2);
    expect([...fact(repeat!, 'SAME_PARTIES')!.caseNumbers].sort()).toEqual([...cases.v1!].sort());
    const rising = of(own1, 'UNDERSTAFFED_RISING');
    expect(rising).toHaveLength(1);
    expect(rising[0]).toMatchObject({ severity: 'HIGH', division: { code: v1.code } });
    expect(rising[0]!.facts.map((f) => [f.kind, f.value])).toEqual([
      ['PERIOD_DISPUTES', 2],
      ['PREVIOUS_DISPUTES', 0],
      ['GRIDS', 1],
      ['GRIDS_NOT_FULLY_STAFFED', 1],
    ]);
    expect([...fact(rising[0]!, 'PERIOD_DISPUTES')!.caseNumbers].sort()).toEqual([...cases.v1!].sort());
    expect(rising[0]!.explanation).toContain('the grid lacks the full 1+3+N staffing');
    // A grid's signal is its own, not its village's.
    const village1 = await signalsOk(county, { within: v1.code });
    expect(own1.some((s) => village1.some((v) => v.id === s.id && v.kind === 'UNDERSTAFFED_RISING'))).toBe(false);

    // v3's first grid: its mass and twice-escalated cases.
    const mass = of(await inGrid(g3, v3.grids[0]!), 'MASS_OR_TWICE_ESCALATED');
    expect(mass).toHaveLength(1);
    expect(fact(mass[0]!, 'MASS_DISPUTES')!.caseNumbers).toEqual(cases.v3);
    expect(fact(mass[0]!, 'TWICE_ESCALATED')!.value).toBe(1);

    // v2's surge is a village's month against the village's baseline, figures a grid worker does not read: not told of a grid.
    expect(of(await signalsOk(county, { within: v2.code }), 'DISPUTE_SURGE')).toHaveLength(1);
    const own2 = await inGrid(g2, v2.grids[0]!);
    expect(own2.map((s) => s.kind)).not.toContain('DISPUTE_SURGE');
    expect(own2.map((s) => s.kind)).not.toContain('OVERDUE_CLUSTER');

    // Another grid of the same village: nothing of the first grid's, not its cases, not its counts.
    for (const [token, grid, other] of [
      [g1b, v1.grids[1]!, cases.v1!],
      [g4b, v4.grids[1]!, [d.caseNumber]],
    ] as const) {
      const list = await inGrid(token, grid);
      expect(list).toEqual([]);
      const text = JSON.stringify(list);
      for (const n of other) expect(text).not.toContain(n);
    }

    // The village, and another grid, are refused as the statistics of them are.
    const statsRefusal = async (token: string, query: string) => errorCode(await hub.queryAs(token, query));
    const villageStats = await statsRefusal(g1b, `{ village(code: "${v1.code}") { population { residents } } }`);
    const gridStats = await statsRefusal(g1b, `{ grid(code: "${v1.grids[0]}") { population { residents } } }`);
    expect([villageStats, gridStats]).toEqual(['FORBIDDEN', 'FORBIDDEN']);
    expect(errorCode(await signals(g1b, { within: v1.code }))).toBe(villageStats);
    expect(errorCode(await signals(g1b, { within: v1.grids[0]! }))).toBe(gridStats);
    expect(errorCode(await signals(g1b, { within: TOWNSHIP }))).toBe('FORBIDDEN');
    expect(errorCode(await signals(g1, { within: v2.grids[0]! }))).toBe('FORBIDDEN');

    // A report-only grid caller: figures without cases, and no special-population signal.
    const figures = await inGrid(g4Report, v4.grids[0]!);
    expect(figures.map((s) => s.kind)).not.toContain('SPECIAL_POPULATION_PARTY');
    for (const s of figures) for (const f of s.facts) expect([f.caseNumbers, f.disputes]).toEqual([[], []]);
    expect(JSON.stringify(figures)).not.toMatch(/\d{6}-\d{4}-\d{6}/);
    expect(errorCode(await signals(g4Report, { within: v4.grids[0]!, kinds: ['SPECIAL_POPULATION_PARTY'] }))).toBe('FORBIDDEN');
  }, 180_000);

  it('the demo data holds real patterns', async () => {
    const t0 = performance.now();
    const demo = await signalsOk(neighbour, { within: '623021', period: '2026Q3' });
    const ms = performance.now() - t0;
    const kinds = new Map<string, number>();
    for (const s of demo) kinds.set(s.kind, (kinds.get(s.kind) ?? 0) + 1);
    console.log(`临潭县 2026Q3: ${demo.length} signals in ${Math.round(ms)} ms`, Object.fromEntries(kinds));
    // One statement per kind, one for the division, and one per loader (villages, disputes): none per signal or case.
    const statements = await hub.countStatements(() => signalsOk(neighbour, { within: '623021', period: '2026Q3' }));
    expect(statements).toBeLessThanOrEqual(14);
    expect(demo.length).toBeGreaterThan(statements);
    for (const k of ['REPEATED_DISPUTES', 'DISPUTE_SURGE', 'MASS_OR_TWICE_ESCALATED', 'OVERDUE_CLUSTER', 'SPECIAL_POPULATION_PARTY'])
      expect(kinds.get(k), k).toBeGreaterThan(0);
  }, 60_000);
});
