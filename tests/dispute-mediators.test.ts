/**
 * 承办调解员: a village desk assigns a case to a registered people's mediator (assignDispute's `mediatorId`), through
 * the gateway, in 卓尼县 (623022): the case records the mediator and shows their name as 承办; a desk lists a
 * mediator's cases and its open ones (`DisputeFilter.mediatorId`, `open`) at every level, a mediator's own list pages
 * (`Mediator.disputes`); the refusals (both or neither argument, a mediator no longer serving, another village's or
 * county's, an id that is none), and an assignment sent again after a lost answer.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type GraphQLResponse, type TestHub } from './helpers/hub.ts';
import { callersOf, errorCode, ok, quietVillage, reportCase, type Callers, type Stepped } from './helpers/cases.ts';

let hub: TestHub;
let callers: Callers;
let village: { code: string; township: string; grids: string[] };
let otherVillage: { code: string; grids: string[] };
let otherVillageToken: string;
const run = randomUUID().slice(0, 6);

interface Mediator {
  id: string;
  name: string;
  version: number;
}
let mediatorA: Mediator;
let mediatorB: Mediator;
let ended: Mediator;
let elsewhere: Mediator;
let otherCounty: string;

const MEDIATOR = 'id name version';

async function committeeIn(token: string, villageCode: string, name: string): Promise<string> {
  return ok(
    await hub.queryAs<{ createMediationCommittee: { id: string } }>(
      token,
      `mutation($i: MediationCommitteeInput!) { createMediationCommittee(input: $i) { id } }`,
      { i: { villageCode, name, kind: 'ENTERPRISE' } },
    ),
  ).createMediationCommittee.id;
}

async function mediatorIn(token: string, committeeId: string, name: string): Promise<Mediator> {
  return ok(
    await hub.queryAs<{ createMediator: Mediator }>(token, `mutation($i: MediatorInput!) { createMediator(input: $i) { ${MEDIATOR} } }`, {
      i: { committeeId, name },
    }),
  ).createMediator;
}

beforeAll(async () => {
  hub = await startHub();
  village = await quietVillage(hub, 1);
  const another = await quietVillage(hub, 2);
  otherVillage = another;
  callers = await callersOf(hub, village.code);
  otherVillageToken = await hub.token({ jurisdiction: otherVillage.code, scopes: ['read', 'write'], subject: `village-${otherVillage.code}` });
  const own = await committeeIn(callers.village, village.code, `矿区调委会${run}`);
  mediatorA = await mediatorIn(callers.village, own, `调解员甲${run}`);
  mediatorB = await mediatorIn(callers.village, own, `调解员乙${run}`);
  ended = await mediatorIn(callers.village, own, `调解员丙${run}`);
  ok(await hub.queryAs(callers.village, `mutation { endMediator(id: "${ended.id}", version: ${ended.version}, reason: "调离本村") { id } }`));
  elsewhere = await mediatorIn(otherVillageToken, await committeeIn(otherVillageToken, otherVillage.code, `邻村调委会${run}`), `邻村调解员${run}`);
  // A mediator of 临潭县 (623021), read as its county reads its own: a 卓尼县 caller holds nothing of it.
  const lintan = await hub.token({ jurisdiction: '623021', scopes: ['read'], subject: 'lintan-reader' });
  const committees = ok(
    await hub.queryAs<{ village: { mediationCommittees: { mediators: { id: string }[] }[] } }>(
      lintan,
      `{ village(code: "623021200201") { mediationCommittees { mediators { id } } } }`,
    ),
  ).village.mediationCommittees;
  otherCounty = committees.flatMap((c) => c.mediators)[0]!.id;
}, 180_000);
afterAll(() => hub?.stop());

interface Case {
  id: string;
  version: number;
  status: string;
  assignee: string | null;
  mediator: { id: string; name: string } | null;
  timeline: { action: string; note: string | null }[];
}
const CASE = 'id version status assignee mediator { id name } timeline { action note }';

/** A case of the village, reported and accepted: ready to be assigned. */
async function accepted(): Promise<Stepped> {
  const d = await reportCase(hub, callers.village, { gridCode: village.grids[0]!, summary: `承办调解员测试${run}` });
  return ok(
    await hub.queryAs<{ acceptDispute: Stepped }>(callers.village, `mutation { acceptDispute(id: "${d.id}", version: ${d.version}) { id version status } }`),
  ).acceptDispute;
}

const assign = (token: string, d: { id: string; version: number }, args: string) =>
  hub.queryAs<{ assignDispute: Case }>(token, `mutation { assignDispute(id: "${d.id}", version: ${d.version}, ${args}) { ${CASE} } }`);

function refused(r: GraphQLResponse<unknown>, code: string, rule?: string): { message: string; extensions: Record<string, unknown> } {
  expect(r.errors, JSON.stringify(r)).toBeDefined();
  expect(errorCode(r)).toBe(code);
  const e = r.errors![0]! as unknown as { message: string; extensions: Record<string, unknown> };
  if (rule) expect(e.extensions.rule).toBe(rule);
  return e;
}

interface Page {
  totalCount: number;
  nodes: { id: string }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}
const PAGE = 'totalCount nodes { id } pageInfo { hasNextPage endCursor }';

describe('承办调解员: assigning a case to a registered mediator', () => {
  let first: Case;

  it('records the mediator and shows their name as 承办; a resend answers the case as it stands', async () => {
    const d = await accepted();
    first = ok(await assign(callers.village, d, `mediatorId: "${mediatorA.id}", note: "请尽快联系双方"`)).assignDispute;
    expect(first).toMatchObject({ status: 'ASSIGNED', assignee: mediatorA.name, mediator: { id: mediatorA.id, name: mediatorA.name } });
    expect(first.timeline.at(-1)).toMatchObject({ action: 'ASSIGN', note: `→ ${mediatorA.name}：请尽快联系双方` });
    // The same step sent again from the same version after a lost answer: the case as it is, no second step.
    const again = ok(await assign(callers.village, d, `mediatorId: "${mediatorA.id}", note: "请尽快联系双方"`)).assignDispute;
    expect(again.version).toBe(first.version);
    expect(again.timeline.filter((s) => s.action === 'ASSIGN')).toHaveLength(1);
    // Another mediator from the stale version is a stale version, not the same step.
    expect(errorCode(await assign(callers.village, d, `mediatorId: "${mediatorB.id}", note: "请尽快联系双方"`))).toBe('CONFLICT');
  });

  it('an assignment by name names no mediator, and 改派 by name clears the one before', async () => {
    const d = await accepted();
    const byName = ok(await assign(callers.village, d, `assignee: "镇司法所"`)).assignDispute;
    expect(byName).toMatchObject({ assignee: '镇司法所', mediator: null });
    const toB = ok(await assign(callers.village, byName, `mediatorId: "${mediatorB.id}"`)).assignDispute;
    expect(toB).toMatchObject({ assignee: mediatorB.name, mediator: { id: mediatorB.id } });
    const back = ok(await assign(callers.village, toB, `assignee: "村两委"`)).assignDispute;
    expect(back).toMatchObject({ assignee: '村两委', mediator: null });
  });

  it('a county desk assigns its village’s case to the village’s mediator', async () => {
    const d = await accepted();
    const r = ok(await assign(callers.county, d, `mediatorId: "${mediatorB.id}"`)).assignDispute;
    expect(r.mediator).toMatchObject({ id: mediatorB.id, name: mediatorB.name });
  });

  it('refuses both or neither of assignee and mediatorId, naming both', async () => {
    const d = await accepted();
    for (const args of [`assignee: "某人", mediatorId: "${mediatorA.id}"`, `note: "无承办"`]) {
      const e = refused(await assign(callers.village, d, args), 'BAD_USER_INPUT');
      expect(e.message).toContain('assignee');
      expect(e.message).toContain('mediatorId');
    }
  });

  it('refuses a mediator id that is no id', async () => {
    const d = await accepted();
    refused(await assign(callers.village, d, `mediatorId: "调解员甲"`), 'BAD_USER_INPUT', 'recordId');
    refused(await assign(callers.village, d, `mediatorId: "0"`), 'BAD_USER_INPUT', 'recordId');
  });

  it('refuses a mediator who stopped serving, saying when and why (referenceEnded)', async () => {
    const d = await accepted();
    const e = refused(await assign(callers.village, d, `mediatorId: "${ended.id}"`), 'BAD_USER_INPUT', 'referenceEnded');
    expect(e.extensions).toMatchObject({ argument: 'mediatorId', recordId: ended.id, endReason: '调离本村' });
    expect(e.message).toContain('调离本村');
  });

  it("another village's or county's mediator reads as missing; to a county desk, another village's is not the case's", async () => {
    const d = await accepted();
    refused(await assign(callers.village, d, `mediatorId: "${elsewhere.id}"`), 'NOT_FOUND', 'refUnknown');
    refused(await assign(callers.village, d, `mediatorId: "${otherCounty}"`), 'NOT_FOUND', 'refUnknown');
    refused(await assign(callers.county, d, `mediatorId: "${otherCounty}"`), 'NOT_FOUND', 'refUnknown');
    // The county holds both villages: the mediator is there, but serves another village's committee.
    refused(await assign(callers.county, d, `mediatorId: "${elsewhere.id}"`), 'BAD_USER_INPUT', 'refElsewhere');
    // Nothing was written: the case is still ACCEPTED.
    const now = ok(await hub.queryAs<{ dispute: Case }>(callers.village, `{ dispute(id: "${d.id}") { ${CASE} } }`)).dispute;
    expect(now).toMatchObject({ status: 'ACCEPTED', version: d.version, mediator: null });
  });
});

describe("a mediator's cases and a desk's open ones", () => {
  let mine: string[];
  let resolvedId: string;

  beforeAll(async () => {
    mine = [];
    for (let i = 0; i < 3; i++) {
      const d = await accepted();
      const a = ok(await assign(callers.village, d, `mediatorId: "${mediatorA.id}"`)).assignDispute;
      mine.push(a.id);
      if (i === 0) {
        const r = await hub.queryAs<{ resolveDispute: Stepped }>(
          callers.village,
          `mutation { resolveDispute(id: "${a.id}", version: ${a.version}, outcome: AGREEMENT) { id version status } }`,
        );
        expect(ok(r).resolveDispute.status).toBe('RESOLVED');
        resolvedId = a.id;
      }
    }
  }, 120_000);

  it('lists a mediator’s cases at the village, the township and the county (DisputeFilter.mediatorId)', async () => {
    const q = `query($f: DisputeFilter) {
      village(code: "${village.code}") { disputes(filter: $f, first: 100) { ${PAGE} } }
      township(code: "${village.township}") { villageDisputes(filter: $f, first: 100) { ${PAGE} } }
      county(code: "623022") { disputes(filter: $f, first: 100) { ${PAGE} } } }`;
    const r = ok(
      await hub.queryAs<{ village: { disputes: Page }; township: { villageDisputes: Page }; county: { disputes: Page } }>(callers.county, q, {
        f: { mediatorId: mediatorA.id },
      }),
    );
    for (const list of [r.village.disputes, r.township.villageDisputes, r.county.disputes]) {
      for (const id of mine) expect(list.nodes.map((n) => n.id)).toContain(id);
      expect(list.totalCount).toBe(list.nodes.length);
    }
    // Each case listed is the mediator's.
    const cases = ok(
      await hub.queryAs<{ village: { disputes: { nodes: Case[] } } }>(
        callers.village,
        `{ village(code: "${village.code}") { disputes(filter: { mediatorId: "${mediatorA.id}" }, first: 100) { nodes { ${CASE} } } } }`,
      ),
    ).village.disputes.nodes;
    expect(cases.length).toBeGreaterThanOrEqual(3);
    for (const c of cases) expect(c.mediator?.id).toBe(mediatorA.id);
  });

  it('open: true lists the cases still handled at the village, false the others; with mediatorId both hold', async () => {
    const list = async (filter: string) =>
      ok(
        await hub.queryAs<{ village: { disputes: { nodes: { id: string; status: string }[] } } }>(
          callers.village,
          `{ village(code: "${village.code}") { disputes(filter: ${filter}, first: 500) { nodes { id status } } } }`,
        ),
      ).village.disputes.nodes;
    const open = await list(`{ mediatorId: "${mediatorA.id}", open: true }`);
    // RESOLVED awaits the parties' rating at the village: still open, as the ASSIGNED ones are.
    for (const id of mine) expect(open.map((n) => n.id)).toContain(id);
    for (const n of open) expect(['ASSIGNED', 'MEDIATING', 'RESOLVED', 'RATED']).toContain(n.status);
    const everyOpen = await list(`{ open: true }`);
    for (const n of everyOpen) expect(['REPORTED', 'ACCEPTED', 'ASSIGNED', 'MEDIATING', 'RESOLVED', 'RATED']).toContain(n.status);
    const closed = await list(`{ open: false }`);
    for (const n of closed) expect(['ESCALATED', 'CLOSED', 'FOLLOWED_UP', 'DECLINED']).toContain(n.status);
    expect(await list(`{ mediatorId: "${mediatorA.id}", open: false }`)).toEqual([]);
  });

  it('Mediator.disputes pages a mediator’s cases newest first, every mediator of a request at once', async () => {
    const q = (after: string | null) =>
      `{ village(code: "${village.code}") { mediationCommittees { mediators { id disputes(first: 2${after ? `, after: "${after}"` : ''}) { ${PAGE} } } } } }`;
    type Read = { village: { mediationCommittees: { mediators: { id: string; disputes: Page }[] }[] } };
    const of = (r: Read, id: string) => r.village.mediationCommittees.flatMap((c) => c.mediators).find((m) => m.id === id)!.disputes;
    const r1 = ok(await hub.queryAs<Read>(callers.village, q(null)));
    const a1 = of(r1, mediatorA.id);
    const total = a1.totalCount;
    expect(total).toBeGreaterThanOrEqual(3);
    expect(a1.nodes).toHaveLength(2);
    expect(a1.pageInfo.hasNextPage).toBe(true);
    expect(of(r1, mediatorB.id).totalCount).toBeGreaterThanOrEqual(1);
    const seen = [...a1.nodes.map((n) => n.id)];
    let after = a1.pageInfo.endCursor;
    while (after) {
      const p = ok(
        await hub.queryAs<{ dispute: { mediator: { disputes: Page } } }>(
          callers.village,
          `{ dispute(id: "${mine[0]}") { mediator { disputes(first: 2, after: "${after}") { ${PAGE} } } } }`,
        ),
      ).dispute.mediator.disputes;
      seen.push(...p.nodes.map((n) => n.id));
      after = p.pageInfo.hasNextPage ? p.pageInfo.endCursor : null;
    }
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    for (const id of mine) expect(seen).toContain(id);
    // Newest first: the last case assigned before the first.
    expect(seen.indexOf(mine[2]!)).toBeLessThan(seen.indexOf(mine[0]!));
    // Filtered as a village's list.
    const openOnly = ok(
      await hub.queryAs<{ dispute: { mediator: { disputes: Page } } }>(
        callers.village,
        `{ dispute(id: "${mine[1]}") { mediator { disputes(filter: { status: [RESOLVED] }) { ${PAGE} } } } }`,
      ),
    ).dispute.mediator.disputes;
    expect(openOnly.nodes.map((n) => n.id)).toContain(resolvedId);
    expect(openOnly.nodes.map((n) => n.id)).not.toContain(mine[1]);
  });

  it("reads every case's mediator and every mediator's cases of a request in statements that do not grow with them", async () => {
    const b = ok(
      await hub.queryAs<{ village: { disputes: { nodes: { id: string }[] } } }>(
        callers.village,
        `{ village(code: "${village.code}") { disputes(filter: { mediatorId: "${mediatorB.id}" }, first: 1) { nodes { id } } } }`,
      ),
    ).village.disputes.nodes[0]!.id;
    const ids = [mine[0]!, b, mine[1]!];
    const q = (n: number) =>
      `{ ${ids
        .slice(0, n)
        .map((id, i) => `d${i}: dispute(id: "${id}") { mediator { name disputes(first: 5) { totalCount nodes { id mediator { name } } } } }`)
        .join(' ')} }`;
    const count = async (n: number) => {
      let r: GraphQLResponse<unknown> | undefined;
      const statements = await hub.countStatements(async () => {
        r = await hub.queryAs(callers.village, q(n));
      });
      ok(r!);
      return statements;
    };
    const one = await count(1);
    expect(await count(3)).toBe(one);
  });

  it("another village's desk reads none of them; a filter's mediator id that is no id is BAD_USER_INPUT", async () => {
    const r = await hub.queryAs<{ village: { disputes: Page } }>(
      otherVillageToken,
      `{ village(code: "${otherVillage.code}") { disputes(filter: { mediatorId: "${mediatorA.id}" }) { ${PAGE} } } }`,
    );
    expect(ok(r).village.disputes.totalCount).toBe(0);
    refused(
      await hub.queryAs(callers.village, `{ village(code: "${village.code}") { disputes(filter: { mediatorId: "甲" }) { totalCount } } }`),
      'BAD_USER_INPUT',
      'recordId',
    );
  });
});
