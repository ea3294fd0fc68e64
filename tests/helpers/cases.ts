/**
 * Helpers for the case engine's tests: callers of each level and department
 * callers, driving a case up the levels through the gateway, delivering
 * events to a subgraph as another subgraph would, waiting for the relays,
 * paging a connection through, and reaching a database as its owner.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kind, parse } from 'graphql';
import { SignJWT } from 'jose';
import pg from 'pg';
import { inject } from 'vitest';
import { importPrivateKey, mintCallerToken } from '../../platform/auth.ts';
import type { Scope } from '../../platform/caller.ts';
import { SUBGRAPHS, type SubgraphName } from '../../platform/settings.ts';
import type { GraphQLResponse, PageInfo, TestHub } from './hub.ts';

/** The values of an enum declared in a subgraph's schema file. */
export function schemaEnum(subgraph: SubgraphName, name: string): string[] {
  const file = join(resolve(dirname(fileURLToPath(import.meta.url)), '..', '..'), 'schema', `${subgraph}.graphql`);
  const values: string[] = [];
  for (const def of parse(readFileSync(file, 'utf8')).definitions) {
    if ((def.kind === Kind.ENUM_TYPE_DEFINITION || def.kind === Kind.ENUM_TYPE_EXTENSION) && def.name.value === name) {
      values.push(...(def.values ?? []).map((v) => v.name.value));
    }
  }
  return values;
}

/** Runs `fn` over `items`, `width` at a time, keeping their order. */
export async function inBatches<T, R>(items: readonly T[], width: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += width) out.push(...(await Promise.all(items.slice(i, i + width).map((x, j) => fn(x, i + j)))));
  return out;
}

/** A deadline rule as `deadline_rule` holds it. */
export interface RuleRow {
  category: string | null;
  scale: string | null;
  contactMinutes: number;
  settleHours: number;
  replyHours: number;
}

/** Every row of the village's `deadline_rule`, read as its owner. */
export async function deadlineRules(): Promise<RuleRow[]> {
  return asOwner(
    'village',
    async (c) =>
      (
        await c.query<RuleRow>(
          `select category, scale, contact_minutes as "contactMinutes", settle_hours as "settleHours", reply_hours as "replyHours" from deadline_rule`,
        )
      ).rows,
  );
}

/** The rule of a category and scale: the most specific that matches (category and scale, then category, then scale, then neither). */
export function ruleFor(rules: readonly RuleRow[], category: string, scale: string): RuleRow {
  const matching = rules.filter((r) => (r.category === null || r.category === category) && (r.scale === null || r.scale === scale));
  const rank = (r: RuleRow) => (r.category !== null ? 2 : 0) + (r.scale !== null ? 1 : 0);
  const best = [...matching].sort((a, b) => rank(b) - rank(a))[0];
  if (!best) throw new Error(`no deadline rule for ${category}/${scale}`);
  return best;
}

/** Polls `fn` until it returns something truthy. */
export async function waitFor<T>(fn: () => Promise<T | null | undefined | false>, ms = 20_000, what = 'a condition'): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The data of a response that must have no errors (the errors are the failure message otherwise). */
export function ok<T>(r: GraphQLResponse<T>, what = 'request'): T {
  if (r.errors?.length || !r.data) throw new Error(`${what} failed: ${JSON.stringify(r.errors ?? r)}`);
  return r.data;
}

/** A request as a person sends it, asking for the refusals in Chinese (the wording people read). */
export function inChinese<T>(hub: TestHub, token: string, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>> {
  return hub.query<T>(query, variables, { authorization: `Bearer ${token}`, 'accept-language': 'zh' });
}

/** One step of a case's timeline, as `STEP_FIELDS` asks for it. */
export interface Step {
  level: string;
  action: string;
  status: string | null;
  note: string | null;
  actor: string;
  at: string;
  seq: number | null;
}
export const STEP_FIELDS = 'level action status note actor at seq';

/** The first error's code of a response that must fail. */
export function errorCode(r: GraphQLResponse<unknown>): string | undefined {
  const code = r.errors?.[0]?.extensions?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Runs `fn` with a client connected to a subgraph's database as its owner (row-level security does not apply). */
export async function asOwner<T>(name: SubgraphName, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: inject('dbs')[name].migrationUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A county department's caller (吹哨报到): the department's kind, acting in its county. */
export async function departmentToken(countyCode: string, kind: string, scopes: Scope[] = ['read', 'write']): Promise<string> {
  const key = await importPrivateKey(inject('keys').caller.privateKey);
  return mintCallerToken(key, {
    subject: `dept-${countyCode}-${kind}`,
    name: `${countyCode} ${kind}`,
    jurisdiction: countyCode,
    scopes,
    department: kind,
    ttl: 3600,
  });
}

/** Callers of the three levels over one village: its village centre, its township's and its county's. */
export interface Callers {
  village: string;
  township: string;
  county: string;
}

export async function callersOf(hub: TestHub, villageCode: string): Promise<Callers> {
  return {
    village: await hub.token({ jurisdiction: villageCode, scopes: ['read', 'write', 'pii'], subject: `village-${villageCode}` }),
    township: await hub.token({ jurisdiction: villageCode.slice(0, 9), scopes: ['read', 'write'], subject: `township-${villageCode.slice(0, 9)}` }),
    county: await hub.token({ jurisdiction: villageCode.slice(0, 6), scopes: ['read', 'write', 'report'], subject: `county-${villageCode.slice(0, 6)}` }),
  };
}

/** Runs one mutation field as `token` and returns what it selected (it must succeed). */
export async function mutate<T>(hub: TestHub, token: string, field: string, variables?: Record<string, unknown>, declare = ''): Promise<T> {
  const r = await hub.queryAs<Record<string, T>>(token, `mutation${declare} { ${field} }`, variables);
  return Object.values(ok(r, field.split('(')[0]))[0]!;
}

/** The villages of a township with their grids, as the hub lists them. */
export async function villagesOf(hub: TestHub, townshipCode: string): Promise<{ code: string; grids: string[] }[]> {
  const r = await hub.query<{ township: { villages: { code: string; grids: { code: string }[] }[] } }>(
    `{ township(code: "${townshipCode}") { villages { code grids { code } } } }`,
  );
  return ok(r, 'villages').township.villages.map((v) => ({ code: v.code, grids: v.grids.map((g) => g.code) }));
}

/** 卓尼县's townships, their villages and grids (the county the writing tests work in). */
async function writeCountyVillages(hub: TestHub): Promise<{ code: string; township: string; grids: string[] }[]> {
  const r = await hub.query<{ townships: { code: string; villages: { code: string; grids: { code: string }[] }[] }[] }>(
    `{ townships(within: "623022") { code villages { code grids { code } } } }`,
  );
  return ok(r, 'townships').townships.flatMap((t) => t.villages.map((v) => ({ code: v.code, township: t.code, grids: v.grids.map((g) => g.code) })));
}

/**
 * A village of 卓尼县 with a grid that no other test names or picks (they take the first villages, the last with two
 * grids, or one of these), so that its figures of today move only with one file's writes: the middle one of the
 * others, or the one `offset` places from it, for a file that needs a village of its own beside another's.
 */
export async function quietVillage(hub: TestHub, offset = 0): Promise<{ code: string; township: string; grids: string[] }> {
  const all = (await writeCountyVillages(hub)).filter((v) => v.grids.length > 0);
  const lastWithTwo = all.filter((v) => v.grids.length >= 2).at(-1)?.code;
  const named = ['623022100001', '623022100002', '623022100003', '623022104205', '623022104206', '623022102203'];
  const villages = all.filter((v) => v.code !== lastWithTwo && !named.includes(v.code));
  const picked = villages[Math.floor(villages.length / 2) + offset];
  if (!picked) throw new Error(`no village to write in among ${JSON.stringify(all.map((v) => v.code))}`);
  return picked;
}

export interface NewCase {
  gridCode: string;
  category?: string;
  scale?: string;
  summary?: string;
}

/** A case's village record as the loop's mutations return it. */
export interface Stepped {
  id: string;
  version: number;
  status: string;
}

/** Reports a case at its grid's village (parties by name only). */
export async function reportCase(hub: TestHub, token: string, c: NewCase): Promise<Stepped> {
  return mutate<Stepped>(
    hub,
    token,
    `reportDispute(input: $i, idempotencyKey: $k) { id version status }`,
    {
      k: `case-${randomUUID()}`,
      i: {
        gridCode: c.gridCode,
        category: c.category ?? 'NEIGHBOUR',
        scale: c.scale ?? 'ORDINARY',
        source: 'WALK_IN',
        summary: c.summary ?? '两户因院墙排水沟发生争执',
        parties: [
          { name: '杨卓玛', role: 'APPLICANT' },
          { name: '李永福', role: 'RESPONDENT' },
        ],
      },
    },
    '($i: DisputeInput!, $k: String!)',
  );
}

type CaseOf<K extends string> = { dispute: { [P in K]: { status: string; version: number } | null } };

/** Waits for the township's record of a case and returns its status and version. */
export async function townshipCaseOf(hub: TestHub, token: string, id: string, status?: string): Promise<{ status: string; version: number }> {
  return waitFor(
    async () => {
      const c = ok(await hub.queryAs<CaseOf<'townshipCase'>>(token, `{ dispute(id: "${id}") { townshipCase { status version } } }`)).dispute.townshipCase;
      return c && (!status || c.status === status) ? c : null;
    },
    20_000,
    `the township case of ${id}${status ? ` in ${status}` : ''}`,
  );
}

/** Waits for the county's record of a case and returns its status and version. */
export async function countyCaseOf(hub: TestHub, token: string, id: string, status?: string): Promise<{ status: string; version: number }> {
  return waitFor(
    async () => {
      const c = ok(await hub.queryAs<CaseOf<'countyCase'>>(token, `{ dispute(id: "${id}") { countyCase { status version } } }`)).dispute.countyCase;
      return c && (!status || c.status === status) ? c : null;
    },
    20_000,
    `the county case of ${id}${status ? ` in ${status}` : ''}`,
  );
}

/** Reports a case, accepts it and escalates it to the township, which receives it. */
export async function escalateToTownship(hub: TestHub, callers: Callers, c: NewCase): Promise<{ id: string; township: { status: string; version: number } }> {
  let d = await reportCase(hub, callers.village, c);
  d = await mutate<Stepped>(hub, callers.village, `acceptDispute(id: "${d.id}", version: ${d.version}) { id version status }`);
  d = await mutate<Stepped>(hub, callers.village, `escalateDispute(id: "${d.id}", version: ${d.version}, reason: "需乡镇协调") { id version status }`);
  return { id: d.id, township: await townshipCaseOf(hub, callers.township, d.id) };
}

/**
 * A case escalated to the township, accepted there and dispatched to these departments (吹哨): its id, the township
 * case's status and version after, and the dispatches with the fields `select` asks (`id departmentKind` unless said).
 */
export async function dispatchedCase<D = { id: string; departmentKind: string }>(
  hub: TestHub,
  callers: Callers,
  c: NewCase,
  kinds: readonly string[],
  { select = 'id departmentKind', note }: { select?: string; note?: string } = {},
): Promise<{ id: string; status: string; version: number; dispatches: D[] }> {
  const { id, township } = await escalateToTownship(hub, callers, c);
  const accepted = await mutate<{ version: number }>(hub, callers.township, `acceptTownshipCase(disputeId: "${id}", version: ${township.version}) { version }`);
  const d = await mutate<{ status: string; version: number; dispatches: D[] }>(
    hub,
    callers.township,
    `dispatchToDepartments(disputeId: "${id}", version: ${accepted.version}, departments: $k${note === undefined ? '' : ', note: $n'}) { status version dispatches { ${select} } }`,
    { k: kinds, ...(note === undefined ? {} : { n: note }) },
    note === undefined ? '($k: [String!]!)' : '($k: [String!]!, $n: String)',
  );
  return { id, ...d };
}

/** Takes a case from its report up to the county, which receives it (village: report, accept, escalate; township: accept, escalate). */
export async function escalateToCounty(hub: TestHub, callers: Callers, c: NewCase): Promise<{ id: string; county: { status: string; version: number } }> {
  const { id, township } = await escalateToTownship(hub, callers, c);
  const accepted = await mutate<Stepped>(hub, callers.township, `acceptTownshipCase(disputeId: "${id}", version: ${township.version}) { version status }`);
  await mutate<Stepped>(
    hub,
    callers.township,
    `escalateTownshipCase(disputeId: "${id}", version: ${accepted.version}, reason: "需县级协调") { version status }`,
  );
  return { id, county: await countyCaseOf(hub, callers.county, id) };
}

/** An event as it travels between subgraphs (platform/events.ts). */
export interface WireEvent {
  eventId?: string;
  type: string;
  payload: Record<string, unknown>;
}

/** POSTs events to `target`'s /events endpoint, signed as `source`'s relay signs them. */
export async function deliverEvents(
  hub: TestHub,
  source: SubgraphName,
  target: SubgraphName,
  events: readonly WireEvent[],
): Promise<{ status: number; body: unknown }> {
  const body = JSON.stringify({ events: events.map((e) => ({ eventId: e.eventId ?? randomUUID(), type: e.type, source, payload: e.payload })) });
  const token = await new SignJWT({ sha: createHash('sha256').update(body).digest('base64url') })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(source)
    .setAudience(target)
    .setExpirationTime('1m')
    .sign(new TextEncoder().encode(inject('keys').eventsSecret));
  const res = await fetch(new URL('/events', hub.subgraphs[target].url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-event-token': token },
    body,
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed };
}

/** Events still waiting in each subgraph's outbox. */
export async function pendingEvents(): Promise<Record<SubgraphName, number>> {
  const out = {} as Record<SubgraphName, number>;
  for (const name of SUBGRAPHS) {
    out[name] = await asOwner(name, async (c) => Number((await c.query(`select count(*)::int as n from hub_outbox where delivered_at is null`)).rows[0].n));
  }
  return out;
}

/** Waits until every outbox is delivered and every relay is idle (events of other test files may keep arriving: waits for quiet). */
export async function eventsSettled(hub: TestHub, ms = 60_000): Promise<void> {
  await waitFor(
    async () => {
      for (const name of SUBGRAPHS) await hub.subgraphs[name].relay.idle();
      const pending = await pendingEvents();
      return Object.values(pending).every((n) => n === 0);
    },
    ms,
    'the relays to deliver every event',
  );
  for (const name of SUBGRAPHS) await hub.subgraphs[name].relay.idle();
}

/** A page of a connection, as the lists give it. */
export interface PageOf<T> {
  nodes: T[];
  pageInfo: PageInfo;
  totalCount?: number;
}

/** Pages a connection through from the start, `fetchPage(after)` giving each page; returns every node in order and the pages' sizes. */
export async function pageAll<T>(
  fetchPage: (after: string | null) => Promise<PageOf<T>>,
  maxPages = 5000,
): Promise<{ nodes: T[]; pages: number; totalCount?: number }> {
  const nodes: T[] = [];
  let after: string | null = null;
  let totalCount: number | undefined;
  for (let pages = 1; pages <= maxPages; pages++) {
    const page: PageOf<T> = await fetchPage(after);
    nodes.push(...page.nodes);
    totalCount ??= page.totalCount;
    if (!page.pageInfo.hasNextPage) return { nodes, pages, totalCount };
    if (!page.pageInfo.endCursor) throw new Error('a page with hasNextPage has no endCursor');
    if (page.pageInfo.endCursor === after) throw new Error(`the cursor did not move: ${after}`);
    after = page.pageInfo.endCursor;
  }
  throw new Error(`more than ${maxPages} pages`);
}

/** Ids that occur more than once in a list. */
export function repeated(ids: readonly string[]): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const id of ids) (seen.has(id) ? twice : seen).add(id);
  return [...twice];
}
