/**
 * One pagination shape for case lists: 1,000 cases that share one received
 * time (and 1,000 dispatches that share one dispatch time) page through the
 * township inbox, the county inbox, the township's dispatches and the
 * department inbox exactly once each, with small pages. The rows are written
 * straight into 洮砚镇 of 卓尼县 as the databases' owner and removed after.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WRITE_COUNTY } from './setup/global.ts';
import { startHub, type TestHub } from './helpers/hub.ts';
import { asOwner, callersOf, departmentToken, errorCode, ok, pageAll, repeated, villagesOf, type Callers, type PageOf } from './helpers/cases.ts';

let hub: TestHub;
/** 洮砚镇 of 卓尼县. */
const TOWNSHIP = `${WRITE_COUNTY}106`;
const KIND = 'JUSTICE';
const N = 1000;
const PAGE = 37;
let villageCode: string;
let callers: Callers;
let department: string;
const written: string[] = [];

beforeAll(async () => {
  hub = await startHub();
  villageCode = (await villagesOf(hub, TOWNSHIP))[0]!.code;
  callers = await callersOf(hub, villageCode);
  department = await departmentToken(WRITE_COUNTY, KIND);
});
afterAll(async () => {
  await removeTies(written);
  await hub?.stop();
});

/** Writes N cases received at `at` (an SQL timestamptz literal) at the township and the county, each dispatched to one department at `at`. */
async function writeTies(at: string): Promise<string[]> {
  const ids = await asOwner('township', async (c) => {
    const r = await c.query<{ id: string }>(
      `insert into township_case (dispute_id, case_number, township_code, village_code, county_code, category, scale, summary, status, received_at, escalated_at, settle_by, seq)
       select gen_random_uuid(), $4 || lpad(g::text, 6, '0'), $1, $2, $3, 'NEIGHBOUR', 'ORDINARY', '分页检查', 'ACCEPTED', $5::timestamptz, $5::timestamptz, $5::timestamptz + interval '72 hours', 5
         from generate_series(1, $6::int) g
       returning dispute_id::text as id`,
      [TOWNSHIP, villageCode, WRITE_COUNTY, `${WRITE_COUNTY}-1999-`, at, N],
    );
    const ids = r.rows.map((x) => x.id);
    await c.query(
      `insert into dispatch (dispute_id, township_code, village_code, department_kind, department_name, status, dispatched_at, acknowledge_by, report_by)
       select dispute_id, township_code, village_code, $2, '卓尼县司法局', 'DISPATCHED', $3::timestamptz, $3::timestamptz + interval '1 hour', $3::timestamptz + interval '72 hours'
         from township_case where dispute_id = any($1::uuid[])`,
      [ids, KIND, at],
    );
    return ids;
  });
  written.push(...ids);
  await asOwner('county', (c) =>
    c.query(
      `insert into county_case (dispute_id, case_number, county_code, township_code, village_code, category, scale, summary, status, received_at, escalated_at, settle_by, seq)
       select id, $5 || lpad(n::text, 6, '0'), $2, $3, $4, 'NEIGHBOUR', 'ORDINARY', '分页检查', 'RECEIVED', $6::timestamptz, $6::timestamptz, $6::timestamptz + interval '72 hours', 7
         from unnest($1::uuid[]) with ordinality as t(id, n)`,
      [ids, WRITE_COUNTY, TOWNSHIP, villageCode, `${WRITE_COUNTY}-1999-`, at],
    ),
  );
  return ids;
}

async function removeTies(ids: string[]): Promise<void> {
  if (!ids.length) return;
  await asOwner('township', async (c) => {
    await c.query(`delete from dispatch where dispute_id = any($1::uuid[])`, [ids]);
    await c.query(`delete from township_case where dispute_id = any($1::uuid[])`, [ids]);
  });
  await asOwner('county', (c) => c.query(`delete from county_case where dispute_id = any($1::uuid[])`, [ids]));
  ids.length = 0;
}

interface Listed {
  /** The case's dispute id. */
  id: string;
  at: string;
  /** What ties are ordered by: the dispute id of a case, the dispatch's own id of a dispatch. */
  key: string | number;
}
interface Lists {
  townshipInbox: Listed[];
  townshipAccepted: Listed[];
  countyInbox: Listed[];
  countyReceived: Listed[];
  townshipDispatches: Listed[];
  departmentInbox: Listed[];
}

type CaseNode = { receivedAt: string; dispute: { id: string } };
type DispatchNode = { id: string; dispatchedAt: string; townshipCase: { dispute: { id: string } } };
const PAGE_INFO = `totalCount pageInfo { hasNextPage endCursor }`;

/** Every list, paged through `PAGE` at a time; checks each list's count against its totalCount. */
async function pageEveryList(): Promise<Lists> {
  const cases = async (fetch: (after: string | null) => Promise<PageOf<CaseNode>>) => {
    const all = await pageAll(fetch);
    return { listed: all.nodes.map((n) => ({ id: n.dispute.id, at: n.receivedAt, key: n.dispute.id })), totalCount: all.totalCount, pages: all.pages };
  };
  const dispatches = async (fetch: (after: string | null) => Promise<PageOf<DispatchNode>>) => {
    const all = await pageAll(fetch);
    return {
      listed: all.nodes.map((n) => ({ id: n.townshipCase.dispute.id, at: n.dispatchedAt, key: Number(n.id) })),
      totalCount: all.totalCount,
      pages: all.pages,
    };
  };
  const township = (filter: string) => (after: string | null) =>
    hub
      .queryAs<{ township: { disputes: PageOf<CaseNode> } }>(
        callers.township,
        `query($a: String) { township(code: "${TOWNSHIP}") { disputes(${filter}first: ${PAGE}, after: $a) { ${PAGE_INFO} nodes { receivedAt dispute { id } } } } }`,
        { a: after },
      )
      .then((r) => ok(r, 'Township.disputes').township.disputes);
  const county = (status: string) => (after: string | null) =>
    hub
      .queryAs<{ county: { caseInbox: PageOf<CaseNode> } }>(
        callers.county,
        `query($a: String) { county(code: "${WRITE_COUNTY}") { caseInbox(${status}first: ${PAGE}, after: $a) { ${PAGE_INFO} nodes { receivedAt dispute { id } } } } }`,
        { a: after },
      )
      .then((r) => ok(r, 'County.caseInbox').county.caseInbox);
  const results = {
    townshipInbox: await cases(township('')),
    townshipAccepted: await cases(township('filter: { status: [ACCEPTED] }, ')),
    countyInbox: await cases(county('')),
    countyReceived: await cases(county('status: [RECEIVED], ')),
    townshipDispatches: await dispatches((after) =>
      hub
        .queryAs<{ township: { dispatches: PageOf<DispatchNode> } }>(
          callers.township,
          `query($a: String) { township(code: "${TOWNSHIP}") { dispatches(first: ${PAGE}, after: $a) { ${PAGE_INFO} nodes { id dispatchedAt townshipCase { dispute { id } } } } } }`,
          { a: after },
        )
        .then((r) => ok(r, 'Township.dispatches').township.dispatches),
    ),
    departmentInbox: await dispatches((after) =>
      hub
        .queryAs<{ departmentInbox: PageOf<DispatchNode> }>(
          department,
          `query($a: String) { departmentInbox(first: ${PAGE}, after: $a) { ${PAGE_INFO} nodes { id dispatchedAt townshipCase { dispute { id } } } } }`,
          { a: after },
        )
        .then((r) => ok(r, 'departmentInbox').departmentInbox),
    ),
  };
  for (const [name, r] of Object.entries(results)) {
    expect(r.pages, name).toBeGreaterThanOrEqual(Math.ceil(N / PAGE));
    if (name.startsWith('township')) expect(r.listed.length, `${name}: listed against totalCount`).toBe(r.totalCount);
    // Other test files may add cases to the county and dispatches to the department meanwhile (newest first, so before the first page).
    else expect(r.listed.length, `${name}: listed against totalCount`).toBeGreaterThanOrEqual(r.totalCount!);
  }
  return {
    townshipInbox: results.townshipInbox.listed,
    townshipAccepted: results.townshipAccepted.listed,
    countyInbox: results.countyInbox.listed,
    countyReceived: results.countyReceived.listed,
    townshipDispatches: results.townshipDispatches.listed,
    departmentInbox: results.departmentInbox.listed,
  };
}

/** Every written id exactly once in each list, in newest-first order (ties by id, descending), and no id twice. */
function expectEachOnce(lists: Lists, ids: readonly string[], at: string) {
  const wanted = new Set(ids);
  for (const [name, listed] of Object.entries(lists) as [keyof Lists, Listed[]][]) {
    expect(repeated(listed.map((l) => l.id)), `${name}: listed twice`).toEqual([]);
    const mine = listed.filter((l) => wanted.has(l.id));
    expect(mine.length, `${name}: of ${ids.length} tied rows`).toBe(ids.length);
    expect(new Set(mine.map((l) => Date.parse(l.at))), name).toEqual(new Set([Date.parse(at)]));
    const order = mine.map((l) => l.key);
    // Numbers by value, uuids as PostgreSQL orders them (byte order, which is the order of their lowercase text).
    const descending = [...order].sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? b - a : a < b ? 1 : a > b ? -1 : 0));
    expect(order, `${name}: ties ordered by id, descending`).toEqual(descending);
    const times = listed.map((l) => Date.parse(l.at));
    expect(
      times.every((t, i) => i === 0 || t <= times[i - 1]!),
      `${name}: newest first`,
    ).toBe(true);
  }
}

type DueNode = { status: string; contactBy: string; settleBy: string; dispute: { id: string } };
/**
 * When a case falls due next at a township or county: its contact deadline while RECEIVED (or settle, if earlier), else
 * settle; after all of them once done there, resolved, sent up or sent back down (退回) (domain/case-inbox.ts).
 */
const dueAt = (n: DueNode) =>
  ['RESOLVED', 'ESCALATED', 'RETURNED'].includes(n.status)
    ? Date.parse(n.settleBy) + 8_766_000 * 3_600_000
    : n.status === 'RECEIVED'
      ? Math.min(Date.parse(n.contactBy), Date.parse(n.settleBy))
      : Date.parse(n.settleBy);

/**
 * The inboxes by deadline (orderBy: DUE_FIRST): every case once, the earliest next deadline first and ties by id,
 * the written cases (one shared deadline) among them; a cursor of the newest-first order is refused.
 */
async function expectDueFirst(ids: readonly string[]) {
  const lists = {
    township: (after: string | null) =>
      hub
        .queryAs<{ township: { disputes: PageOf<DueNode> } }>(
          callers.township,
          `query($a: String) { township(code: "${TOWNSHIP}") { disputes(orderBy: DUE_FIRST, first: ${PAGE}, after: $a) { ${PAGE_INFO} nodes { status contactBy settleBy dispute { id } } } } }`,
          { a: after },
        )
        .then((r) => ok(r, 'Township.disputes DUE_FIRST').township.disputes),
    county: (after: string | null) =>
      hub
        .queryAs<{ county: { caseInbox: PageOf<DueNode> } }>(
          callers.county,
          `query($a: String) { county(code: "${WRITE_COUNTY}") { caseInbox(orderBy: DUE_FIRST, first: ${PAGE}, after: $a) { ${PAGE_INFO} nodes { status contactBy settleBy dispute { id } } } } }`,
          { a: after },
        )
        .then((r) => ok(r, 'County.caseInbox DUE_FIRST').county.caseInbox),
  };
  for (const [name, fetch] of Object.entries(lists)) {
    const all = await pageAll(fetch);
    const listed = all.nodes.map((n) => ({ at: dueAt(n), id: n.dispute.id }));
    expect(repeated(listed.map((l) => l.id)), `${name}: listed twice`).toEqual([]);
    expect(
      listed.filter((l) => ids.includes(l.id)),
      name,
    ).toHaveLength(ids.length);
    const sorted = [...listed].sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    expect(listed, `${name}: earliest deadline first, ties by id`).toEqual(sorted);
  }
  const newest = await hub.queryAs<{ township: { disputes: PageOf<DueNode> } }>(
    callers.township,
    `{ township(code: "${TOWNSHIP}") { disputes(first: 1) { pageInfo { endCursor } nodes { settleBy dispute { id } } } } }`,
  );
  const crossed = await hub.queryAs(
    callers.township,
    `{ township(code: "${TOWNSHIP}") { disputes(orderBy: DUE_FIRST, after: "${ok(newest, 'newest').township.disputes.pageInfo.endCursor}") { totalCount } } }`,
  );
  expect(errorCode(crossed)).toBe('BAD_USER_INPUT');
}

describe('1,000 cases that share one received_at', () => {
  it('page through every case list and dispatch list exactly once each, 37 at a time', async () => {
    const at = '2026-11-11T11:11:11.111Z';
    try {
      const ids = await writeTies(at);
      expect(ids).toHaveLength(N);
      expectEachOnce(await pageEveryList(), ids, at);
      await expectDueFirst(ids);
    } finally {
      await removeTies(written);
    }
  }, 300_000);

  it('also when the shared time has microseconds, as times written by the database’s now() do', async () => {
    const at = '2026-11-12 12:12:12.123456+00';
    try {
      const ids = await writeTies(at);
      expectEachOnce(await pageEveryList(), ids, '2026-11-12T12:12:12.123Z');
    } finally {
      await removeTies(written);
    }
  }, 300_000);

  it('serve the connection shape everywhere: pageInfo, totalCount, the deprecated flat fields agreeing, and BAD_USER_INPUT for a cursor not made by the list', async () => {
    const r = await hub.queryAs<{
      township: { disputes: PageOf<CaseNode> & { endCursor: string | null; hasNextPage: boolean } };
      county: { caseInbox: PageOf<CaseNode> & { endCursor: string | null; hasNextPage: boolean } };
    }>(
      callers.county,
      `{ township(code: "${TOWNSHIP}") { disputes(first: 2) { endCursor hasNextPage ${PAGE_INFO} nodes { receivedAt dispute { id } } } }
         county(code: "${WRITE_COUNTY}") { caseInbox(first: 2) { endCursor hasNextPage ${PAGE_INFO} nodes { receivedAt dispute { id } } } } }`,
    );
    const data = ok(r);
    for (const c of [data.township.disputes, data.county.caseInbox]) {
      expect(c.endCursor).toBe(c.pageInfo.endCursor);
      expect(c.hasNextPage).toBe(c.pageInfo.hasNextPage);
    }
    for (const bad of ['not-a-cursor', Buffer.from('2026-11-11T11:11:11.111Z').toString('base64url'), Buffer.from('yesterday|x').toString('base64url')]) {
      const lists = [
        hub.queryAs(callers.township, `{ township(code: "${TOWNSHIP}") { disputes(after: "${bad}") { totalCount } } }`),
        hub.queryAs(callers.county, `{ county(code: "${WRITE_COUNTY}") { caseInbox(after: "${bad}") { totalCount } } }`),
        hub.queryAs(callers.township, `{ township(code: "${TOWNSHIP}") { dispatches(after: "${bad}") { totalCount } } }`),
        hub.queryAs(department, `{ departmentInbox(after: "${bad}") { totalCount } }`),
      ];
      for (const [i, res] of (await Promise.all(lists)).entries()) expect(errorCode(res), `list ${i}, cursor ${bad}`).toBe('BAD_USER_INPUT');
    }
  });
});
