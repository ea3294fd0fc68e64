import { readFileSync } from 'node:fs';
import { Kind, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCitizenId } from '../domain/citizen-id.ts';
import { GRID_STAFF_FEED } from '../subgraphs/village/src/migrations/Migration20261205000042GridStaffChanges.ts';
import { API_FIELDS, type ChangeKind } from '../subgraphs/village/src/store/changes.ts';
import { asOwner, townshipCaseOf } from './helpers/cases.ts';
import { Migration20261207000070ChangeAuthors } from '../subgraphs/village/src/migrations/Migration20261207000070ChangeAuthors.ts';
import { Migration20261207000073ChangeStoryAgrees } from '../subgraphs/village/src/migrations/Migration20261207000073ChangeStoryAgrees.ts';
import { personHistoryFunction, TRACKED } from '../subgraphs/village/src/migrations/Migration20261201000023LifeCycle.ts';
import { STATUS_NOTE } from '../subgraphs/village/src/migrations/Migration20261204000038Reinstate.ts';
import { centreName } from '../domain/divisions.ts';
import { expireAgedTags } from '../subgraphs/village/src/registry/aged-tags.ts';
import { chinaDay } from '../domain/china-day.ts';
import { postImport, startHub, type Nodes, type Paged, type TestHub } from './helpers/hub.ts';

/**
 * The change feed seen by an integration: pulled through the gateway while
 * disputes are reported and escalated concurrently, it must end with exactly
 * the changes made, in order per record, none twice and none missing.
 */
let hub: TestHub;
let writer: string;
let reader: string;
const VILLAGE = '623022100001';
const GRID = '623022100001001';
beforeAll(async () => {
  hub = await startHub();
  writer = await hub.token({ jurisdiction: '623022', scopes: ['read', 'write'], subject: 'feed-writer' });
  reader = await hub.token({ jurisdiction: VILLAGE, scopes: ['read'], subject: 'feed-reader' });
});
afterAll(() => hub?.stop());

/** Every table the feed follows. */
const FEED_TABLES = [...TRACKED, GRID_STAFF_FEED];

const CHANGE = 'cursor kind op recordId version statusFrom statusTo changedFields village { code } grid { code } at';

/** The GraphQL type each kind of change is a record of. */
const TYPE_OF: Record<ChangeKind, string> = {
  RESIDENT: 'Person',
  HOUSEHOLD: 'Household',
  HOUSE: 'House',
  ADDRESS: 'Address',
  SITE: 'Site',
  GRID_STAFF: 'GridStaff',
  JOINT_DEFENSE_GROUP: 'JointDefenseGroup',
  PATROL_TEAM: 'PatrolTeam',
  PATROL: 'Patrol',
  HAZARD: 'Hazard',
  DISPUTE: 'Dispute',
};
/** The fields of each object type of the village subgraph's schema. */
const FIELDS = new Map<string, Set<string>>();
for (const def of parse(readFileSync(new URL('../schema/village.graphql', import.meta.url), 'utf8')).definitions) {
  if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
  const fields = FIELDS.get(def.name.value) ?? new Set<string>();
  for (const f of def.fields ?? []) fields.add(f.name.value);
  FIELDS.set(def.name.value, fields);
}
const fieldsOf = (kind: string) => FIELDS.get(TYPE_OF[kind as ChangeKind])!;

interface Change {
  cursor: string;
  kind: string;
  op: string;
  recordId: string;
  version: number | null;
  statusFrom: string | null;
  statusTo: string | null;
  changedFields: string[] | null;
}

/** A village of 卓尼县 that only the tests following it write to. */
const QUIET = '623022100207';

/** A feed cursor's place in the feed, to compare two (the cursors name the commit sequence and entry id). */
function position(cursor: string | null | undefined): bigint {
  if (!cursor) return 0n;
  const [seq, id] = Buffer.from(cursor, 'base64url')
    .toString('utf8')
    .replace(/^changes:/, '')
    .split('.');
  return BigInt(seq!) * 10n ** 18n + BigInt(id!);
}

/** Pulls pages until the feed is drained; returns the changes and the cursor to keep. */
async function pull(token: string, after: string | null, args = `kinds: [DISPUTE], within: "${VILLAGE}"`, first = 7) {
  const got: Change[] = [];
  for (;;) {
    const r = await hub.queryAs<{ changes: Paged<Change> }>(
      token,
      `query($a: String) { changes(after: $a, ${args}, first: ${first}) { nodes { ${CHANGE} } pageInfo { hasNextPage endCursor } } }`,
      { a: after },
    );
    expect(r.errors).toBeUndefined();
    got.push(...r.data!.changes.nodes);
    after = r.data!.changes.pageInfo.endCursor;
    if (!r.data!.changes.pageInfo.hasNextPage) return { got, after };
  }
}

const DISPUTE = 'id status version inTransit';
interface Dispute {
  id: string;
  status: string;
  version: number;
  inTransit: boolean;
}
async function report(key: string, personId: string) {
  const r = await hub.queryAs<{ reportDispute: Dispute }>(
    writer,
    `mutation($i: DisputeInput!, $k: String!) { reportDispute(input: $i, idempotencyKey: $k) { ${DISPUTE} } }`,
    {
      k: key,
      i: {
        gridCode: GRID,
        category: 'NEIGHBOUR',
        scale: 'ORDINARY',
        source: 'WALK_IN',
        summary: '邻里宅基地排水纠纷',
        parties: [{ personId, role: 'APPLICANT' }],
      },
    },
  );
  expect(r.errors).toBeUndefined();
  return r.data!.reportDispute;
}
const step = async (mutation: string, d: { id: string; version: number }, extra = '') => {
  const r = await hub.queryAs<Record<string, Dispute>>(writer, `mutation { ${mutation}(id: "${d.id}", version: ${d.version}${extra}) { ${DISPUTE} } }`);
  expect(r.errors).toBeUndefined();
  return r.data![mutation]!;
};

describe('change feed', () => {
  it('an integration pulling while disputes are reported and escalated ends with exactly the changes made, none twice, none missing', async () => {
    const { after: start } = await pull(reader, null, `kinds: [DISPUTE], within: "${VILLAGE}"`, 1000);
    const people = await hub.queryAs<{ village: { residents: Nodes<{ id: string }> } }>(
      writer,
      `{ village(code: "${VILLAGE}") { residents(first: 1) { nodes { id } } } }`,
    );
    const personId = people.data!.village.residents.nodes[0]!.id;

    // The integration pulls small pages in a loop while the writers work.
    const seen: Change[] = [];
    let cursor = start;
    let writing = true;
    const puller = (async () => {
      while (writing) {
        const page = await pull(reader, cursor);
        seen.push(...page.got);
        cursor = page.after;
        await new Promise((r) => setTimeout(r, 20));
      }
    })();

    const run = `feed-${Date.now()}`;
    const reported = await Promise.all(Array.from({ length: 12 }, (_, i) => report(`${run}-${i}`, personId)));
    const accepted = await Promise.all(reported.map((d) => step('acceptDispute', d)));
    // Half go up to the township; its receipt comes back as an event and changes the case again.
    const escalated = await Promise.all(accepted.slice(0, 6).map((d) => step('escalateDispute', d, ', reason: "村级调解未果"')));
    await Promise.all(accepted.slice(6).map((d) => step('assignDispute', d, ', assignee: "村调委会"')));
    const ids = new Set(reported.map((d) => d.id));
    // Wait until every escalation has been received upstream (the case is no longer in transit).
    const deadline = Date.now() + 20_000;
    let finals: Record<string, Dispute>;
    for (;;) {
      const r = await hub.queryAs<Record<string, Dispute>>(writer, `{ ${[...ids].map((id, i) => `d${i}: dispute(id: "${id}") { ${DISPUTE} }`).join(' ')} }`);
      finals = Object.fromEntries(Object.values(r.data!).map((d) => [d.id, d]));
      if (Object.values(finals).every((d) => !d.inTransit)) break;
      if (Date.now() > deadline) throw new Error('escalations were not received in time');
      await new Promise((r) => setTimeout(r, 100));
    }
    writing = false;
    await puller;
    seen.push(...(await pull(reader, cursor)).got);

    const ours = seen.filter((c) => ids.has(c.recordId));
    // None twice.
    expect(new Set(ours.map((c) => c.cursor)).size).toBe(ours.length);
    for (const id of ids) {
      const mine = ours.filter((c) => c.recordId === id);
      // None missing, in order: every version from 1 to the final one, once each.
      expect(mine.map((c) => c.version)).toEqual(Array.from({ length: finals[id]!.version }, (_, i) => i + 1));
      expect(mine[0]).toMatchObject({ kind: 'DISPUTE', op: 'CREATED', statusTo: 'REPORTED' });
      expect(mine[1]).toMatchObject({ op: 'TRANSITION', statusFrom: 'REPORTED', statusTo: 'ACCEPTED' });
      expect(mine.at(-1)!.statusTo).toBe(finals[id]!.status);
    }
    for (const d of escalated) {
      const mine = ours.filter((c) => c.recordId === d.id);
      expect(mine[2]).toMatchObject({ op: 'TRANSITION', statusFrom: 'ACCEPTED', statusTo: 'ESCALATED' });
      // The township's receipt: a change made by an event from another subgraph.
      expect(mine.length).toBeGreaterThan(3);
    }
    // What changed is named as the API names it: a step added is the case's timeline, never its internal seq.
    const named = ours.flatMap((c) => c.changedFields ?? []);
    expect(named).toContain('timeline');
    expect(named).not.toContain('seq');
    // first: 0 reads no change but says whether there are any after the cursor.
    const peek = async (after: string | null) =>
      (
        await hub.queryAs<{ changes: Paged<Change> }>(
          reader,
          `query($a: String) { changes(after: $a, kinds: [DISPUTE], within: "${VILLAGE}", first: 0) { nodes { cursor } pageInfo { hasNextPage endCursor } } }`,
          {
            a: after,
          },
        )
      ).data!.changes;
    // While changes wait after the cursor, endCursor stays the cursor sent: nothing was delivered.
    expect(await peek(ours[0]!.cursor)).toEqual({ nodes: [], pageInfo: { hasNextPage: true, endCursor: ours[0]!.cursor } });
    // Pulling the whole range again in one page gives the same changes in the same order.
    const again = (await pull(reader, start, `kinds: [DISPUTE], within: "${VILLAGE}"`, 1000)).got.filter((c) => ids.has(c.recordId));
    expect(again.map((c) => c.cursor)).toEqual(ours.map((c) => c.cursor));
    // A cursor an integration kept from before cursors named their list (`k:<seq>.<id>`) still reads the same range.
    const position = start
      ? Buffer.from(start, 'base64url')
          .toString('utf8')
          .replace(/^changes:/, '')
      : '0.0';
    const kept = (await pull(reader, Buffer.from(`k:${position}`).toString('base64url'), `kinds: [DISPUTE], within: "${VILLAGE}"`, 1000)).got;
    expect(kept.filter((c) => ids.has(c.recordId)).map((c) => c.cursor)).toEqual(ours.map((c) => c.cursor));

    // The same feed as NDJSON over HTTP, for long pulls.
    const res = await fetch(new URL(`/changes.ndjson?kinds=DISPUTE&within=${VILLAGE}${start ? `&after=${encodeURIComponent(start)}` : ''}`, hub.gatewayUrl), {
      headers: { authorization: `Bearer ${reader}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/x-ndjson');
    const lines = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Change);
    expect(lines.filter((c) => ids.has(c.recordId)).map((c) => c.cursor)).toEqual(ours.map((c) => c.cursor));
  }, 60_000);

  it('moves a filtered follower’s endCursor past the changes its filter leaves out, and still delivers its own change once', async () => {
    // The hazards of a village where no other test reports one (bulk residents files land anywhere in the county),
    // followed while another village changes.
    const follow = (after: string | null, first = 100) =>
      hub.queryAs<{ changes: Paged<Change> }>(
        writer,
        `query($a: String) { changes(after: $a, within: "${QUIET}", kinds: [HAZARD], first: ${first}) { nodes { ${CHANGE} } pageInfo { hasNextPage endCursor } } }`,
        { a: after },
      );
    // From the start: nothing of the quiet village yet, and an endCursor where the feed stood, not null.
    const c0 = (await follow(null)).data!.changes.pageInfo.endCursor;
    expect(c0).not.toBeNull();
    const people = await hub.queryAs<{ village: { residents: Nodes<{ id: string }> } }>(
      writer,
      `{ village(code: "${VILLAGE}") { residents(first: 1) { nodes { id } } } }`,
    );
    const elsewhere = await report(`quiet-${Date.now()}`, people.data!.village.residents.nodes[0]!.id);
    const theirs = (await pull(writer, c0, `within: "${VILLAGE}"`, 1000)).got.filter((c) => c.recordId === elsewhere.id);
    expect(theirs.map((c) => c.op)).toEqual(['CREATED']);

    // Nothing of the quiet village: no change, and an endCursor past the other village's, not the cursor sent.
    const idle = (await follow(c0)).data!.changes;
    expect(idle.nodes).toEqual([]);
    expect(idle.pageInfo.hasNextPage).toBe(false);
    expect(position(idle.pageInfo.endCursor)).toBeGreaterThanOrEqual(position(theirs[0]!.cursor));
    // The NDJSON pull names where it read up to: no line, and a cursor as far on.
    const pulled = await fetch(new URL(`/changes.ndjson?within=${QUIET}&kinds=HAZARD&after=${encodeURIComponent(c0!)}`, hub.gatewayUrl), {
      headers: { authorization: `Bearer ${writer}` },
    });
    expect(await pulled.text()).toBe('');
    const reached = pulled.headers.get('x-change-cursor');
    expect(position(reached)).toBeGreaterThanOrEqual(position(theirs[0]!.cursor));

    // A change in the quiet village, among others elsewhere: delivered once, to both ways of following.
    const registered = await hub.queryAs<{ reportHazard: { id: string } }>(
      writer,
      `mutation { reportHazard(input: { gridCode: "${QUIET}001", kind: FIRE, description: "柴草堆放靠近民房", source: GRID_WORKER }) { id } }`,
    );
    expect(registered.errors).toBeUndefined();
    const mine = registered.data!.reportHazard.id;
    await report(`quiet-after-${Date.now()}`, people.data!.village.residents.nodes[0]!.id);
    const seen: Change[] = [];
    let cursor = idle.pageInfo.endCursor;
    for (let i = 0; i < 3; i++) {
      const page = (await follow(cursor, 1)).data!.changes;
      seen.push(...page.nodes);
      expect(position(page.pageInfo.endCursor)).toBeGreaterThanOrEqual(position(cursor));
      cursor = page.pageInfo.endCursor;
    }
    expect(seen.map((c) => [c.op, c.recordId])).toEqual([['CREATED', mine]]);
    const lines = (
      await (
        await fetch(new URL(`/changes.ndjson?within=${QUIET}&kinds=HAZARD&after=${encodeURIComponent(reached!)}`, hub.gatewayUrl), {
          headers: { authorization: `Bearer ${writer}` },
        })
      ).text()
    )
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Change);
    expect(lines.map((c) => [c.op, c.recordId])).toEqual([['CREATED', mine]]);
  });

  it('answers first: 0 without a cursor with where the feed stands now: the next change comes from it, nothing before', async () => {
    const people = await hub.queryAs<{ village: { residents: Nodes<{ id: string }> } }>(
      writer,
      `{ village(code: "${VILLAGE}") { residents(first: 1) { nodes { id } } } }`,
    );
    const before = await report(`before-now-${Date.now()}`, people.data!.village.residents.nodes[0]!.id);
    // The feed's last entry may be outside the caller's jurisdiction (the quiet village's, here): its cursor still reads.
    const outside = await hub.queryAs(writer, `mutation($i: PersonInput!) { registerPerson(input: $i) { id } }`, {
      i: { gridCode: `${QUIET}001`, name: '马此刻', ethnicity: '回族', idNumber: makeCitizenId('623022', '1991-07-08', 702), residency: 'REGISTERED' },
    });
    expect(outside.errors).toBeUndefined();
    const now = await hub.queryAs<{ changes: Paged<Change> }>(reader, `{ changes(first: 0) { nodes { cursor } pageInfo { hasNextPage endCursor } } }`);
    expect(now.errors).toBeUndefined();
    expect(now.data!.changes.nodes).toEqual([]);
    expect(now.data!.changes.pageInfo.hasNextPage).toBe(false);
    const from = now.data!.changes.pageInfo.endCursor;
    expect(from).not.toBeNull();
    const next = await report(`after-now-${Date.now()}`, people.data!.village.residents.nodes[0]!.id);
    const got = (await pull(reader, from, `kinds: [DISPUTE]`, 1000)).got;
    expect(got.filter((c) => c.recordId === before.id)).toEqual([]);
    expect(got.filter((c) => c.recordId === next.id).map((c) => c.op)).toEqual(['CREATED']);
    for (const c of got) expect(position(c.cursor)).toBeGreaterThan(position(from));
  });

  it('carries registry changes with the record as it is now, masked like any read, and only inside the caller’s jurisdiction', async () => {
    const { after: start } = await pull(reader, null, `kinds: [RESIDENT], within: "${VILLAGE}"`, 1000);
    const idNumber = makeCitizenId('623022', '1988-03-02', 512);
    const created = await hub.queryAs<{ registerPerson: { id: string; version: number } }>(
      writer,
      `mutation($i: PersonInput!) { registerPerson(input: $i) { id version } }`,
      { i: { gridCode: GRID, name: '杨卓玛', gender: 'FEMALE', birthDate: '1988-03-02', ethnicity: '藏族', idNumber, residency: 'REGISTERED' } },
    );
    expect(created.errors).toBeUndefined();
    const p = created.data!.registerPerson;
    const upd = await hub.queryAs(writer, `mutation { updatePerson(id: "${p.id}", version: ${p.version}, input: { phone: "13912345678" }) { version } }`);
    expect(upd.errors).toBeUndefined();

    interface ResidentChange {
      op: string;
      recordId: string;
      version: number;
      statusFrom: string | null;
      statusTo: string | null;
      record: { id: string; name: string; idNumber: string | null; phone: string | null };
    }
    const r = await hub.queryAs<{ changes: Nodes<ResidentChange> }>(
      reader,
      `query($a: String) { changes(after: $a, kinds: [RESIDENT], within: "${VILLAGE}", first: 100) {
        nodes { op recordId version statusFrom statusTo record { ... on Person { id name idNumber phone } } } } }`,
      { a: start },
    );
    expect(r.errors).toBeUndefined();
    const mine = r.data!.changes.nodes.filter((c) => c.recordId === p.id);
    // A resident is registered ACTIVE: its creation says so, as a hazard's and a dispute's do.
    expect(mine.map((c) => [c.op, c.version, c.statusFrom, c.statusTo])).toEqual([
      ['CREATED', 1, null, 'ACTIVE'],
      ['UPDATED', 2, 'ACTIVE', 'ACTIVE'],
    ]);
    // Without pii the record is masked, as in any read.
    expect(mine[0]!.record).toMatchObject({ id: p.id, name: '杨卓玛' });
    expect(mine[0]!.record.idNumber).not.toBe(idNumber);
    expect(mine[0]!.record.idNumber).toMatch(/\*/);

    // A caller of another village sees none of it.
    const other = await hub.token({ jurisdiction: '623022100002', scopes: ['read'] });
    const o = await hub.queryAs<{ changes: Nodes<{ recordId: string; village: { code: string } }> }>(
      other,
      `query($a: String) { changes(after: $a, kinds: [RESIDENT], first: 1000) { nodes { recordId village { code } } } }`,
      { a: start },
    );
    expect(o.errors).toBeUndefined();
    expect(o.data!.changes.nodes.some((c) => c.recordId === p.id)).toBe(false);
    expect(o.data!.changes.nodes.every((c) => c.village.code.startsWith('623022100002'))).toBe(true);
  });

  it('hands out with an export the feed position it shows: following the feed from it brings every later change and none it shows', async () => {
    const register = async (seq: number) => {
      const idNumber = makeCitizenId('623022', '1990-05-06', 600 + seq);
      const r = await hub.queryAs<{ registerPerson: { id: string } }>(writer, `mutation($i: PersonInput!) { registerPerson(input: $i) { id } }`, {
        i: {
          gridCode: GRID,
          name: `导出${seq}`,
          gender: seq % 2 ? 'MALE' : 'FEMALE',
          birthDate: '1990-05-06',
          ethnicity: '汉族',
          idNumber,
          residency: 'REGISTERED',
        },
      });
      expect(r.errors).toBeUndefined();
      return r.data!.registerPerson.id;
    };
    const before = await register(1);
    for (const format of ['csv', 'ndjson', 'xlsx']) {
      const res = await fetch(new URL(`/export/residents.${format}?within=${VILLAGE}`, new URL(hub.gatewayUrl).origin), {
        headers: { authorization: `Bearer ${reader}` },
      });
      expect(res.status).toBe(200);
      const cursor = res.headers.get('x-change-cursor');
      expect(cursor, format).toMatch(/^[A-Za-z0-9_-]+$/);
      const body = Buffer.from(await res.arrayBuffer());
      if (format !== 'xlsx') expect(body.toString('utf8')).toContain(before);
      const after = await register(format.length * 10);
      const { got } = await pull(reader, cursor, `kinds: [RESIDENT], within: "${VILLAGE}"`, 1000);
      const ids = got.map((c) => c.recordId);
      expect(ids, format).toContain(after);
      expect(ids, format).not.toContain(before);
    }
  });

  it('tells the village a resident left (MOVED_OUT) and the village they went to that they came (UPDATED)', async () => {
    const NEXT = '623022100002';
    const { after: start } = await pull(reader, null, `kinds: [RESIDENT], within: "${VILLAGE}"`, 1000);
    const created = await hub.queryAs<{ registerPerson: { id: string; version: number } }>(
      writer,
      `mutation($i: PersonInput!) { registerPerson(input: $i) { id version } }`,
      { i: { gridCode: GRID, name: '马迁出', ethnicity: '回族', idNumber: makeCitizenId('623022', '1990-06-01', 514), residency: 'REGISTERED' } },
    );
    const p = created.data!.registerPerson;
    const moved = await hub.queryAs(writer, `mutation { updatePerson(id: "${p.id}", version: ${p.version}, input: { gridCode: "${NEXT}001" }) { version } }`);
    expect(moved.errors).toBeUndefined();
    interface Moved {
      op: string;
      recordId: string;
      version: number;
      changedFields: string[] | null;
      village: { code: string };
      record: { id: string } | null;
    }
    const q = `query($a: String) { changes(after: $a, kinds: [RESIDENT], first: 1000) { nodes { op recordId version changedFields village { code } record { ... on Person { id } } } } }`;
    const old = await hub.queryAs<{ changes: Nodes<Moved> }>(reader, q, { a: start });
    expect(old.data!.changes.nodes.filter((c) => c.recordId === p.id).map((c) => [c.op, c.version, c.village.code, c.record])).toEqual([
      ['CREATED', 1, VILLAGE, null],
      ['MOVED_OUT', 2, VILLAGE, null],
    ]);
    const next = await hub.token({ jurisdiction: NEXT, scopes: ['read'] });
    const arrived = await hub.queryAs<{ changes: Nodes<Moved> }>(next, q, { a: start });
    const theirs = arrived.data!.changes.nodes.filter((c) => c.recordId === p.id);
    expect(theirs.map((c) => [c.op, c.version, c.village.code])).toEqual([['UPDATED', 2, NEXT]]);
    expect(theirs[0]!.changedFields).toContain('grid');
    expect(theirs[0]!.record).toEqual({ id: p.id });
    // The county sees the move as leaving one village and arriving in the other, in that order.
    const county = await hub.queryAs<{ changes: Nodes<Moved> }>(writer, q, { a: start });
    expect(county.data!.changes.nodes.filter((c) => c.recordId === p.id).map((c) => c.op)).toEqual(['CREATED', 'MOVED_OUT', 'UPDATED']);
  });

  it('tells the grid a resident left inside the village (MOVED_OUT under the old grid), and the grid they went to that they came', async () => {
    const OTHER = '623022100001002';
    const { after: start } = await pull(reader, null, `kinds: [RESIDENT], within: "${GRID}"`, 1000);
    const created = await hub.queryAs<{ registerPerson: { id: string; version: number } }>(
      writer,
      `mutation($i: PersonInput!) { registerPerson(input: $i) { id version } }`,
      { i: { gridCode: GRID, name: '马换格', ethnicity: '回族', idNumber: makeCitizenId('659110', '1984-02-03', 13), residency: 'REGISTERED' } },
    );
    expect(created.errors).toBeUndefined();
    const p = created.data!.registerPerson;
    const moved = await hub.queryAs(writer, `mutation { updatePerson(id: "${p.id}", version: ${p.version}, input: { gridCode: "${OTHER}" }) { version } }`);
    expect(moved.errors).toBeUndefined();
    interface Moved {
      op: string;
      recordId: string;
      version: number;
      changedFields: string[] | null;
      grid: { code: string };
      record: { id: string } | null;
    }
    const q = (within: string) =>
      `query($a: String) { changes(after: $a, kinds: [RESIDENT], ${within}, first: 1000) { nodes { op recordId version changedFields grid { code } record { ... on Person { id } } } } }`;
    const mine = async (token: string, within: string) => {
      const r = await hub.queryAs<{ changes: Nodes<Moved> }>(token, q(within), { a: start });
      expect(r.errors).toBeUndefined();
      return r.data!.changes.nodes.filter((c) => c.recordId === p.id);
    };
    // Following the old grid: the resident came and left.
    expect((await mine(reader, `within: "${GRID}"`)).map((c) => [c.op, c.version, c.grid.code, c.changedFields])).toEqual([
      ['CREATED', 1, GRID, null],
      ['MOVED_OUT', 2, GRID, ['grid']],
    ]);
    // Following the new grid: they came.
    expect((await mine(reader, `within: "${OTHER}"`)).map((c) => [c.op, c.version, c.grid.code])).toEqual([['UPDATED', 2, OTHER]]);
    // The village sees them leave one grid and arrive in the other, in that order.
    expect((await mine(reader, `within: "${VILLAGE}"`)).map((c) => [c.op, c.grid.code])).toEqual([
      ['CREATED', GRID],
      ['MOVED_OUT', GRID],
      ['UPDATED', OTHER],
    ]);
    // A caller of the old grid alone hears it too, with no record it may no longer see.
    const gridReader = await hub.token({ jurisdiction: GRID, scopes: ['read'] });
    expect((await mine(gridReader, `within: "${GRID}"`)).map((c) => [c.op, c.record])).toEqual([
      ['CREATED', null],
      ['MOVED_OUT', null],
    ]);
    // And so does the NDJSON feed of the old grid.
    const res = await fetch(new URL(`/changes.ndjson?kinds=RESIDENT&within=${GRID}${start ? `&after=${encodeURIComponent(start)}` : ''}`, hub.gatewayUrl), {
      headers: { authorization: `Bearer ${reader}` },
    });
    const lines = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Change & { gridCode: string })
      .filter((c) => c.recordId === p.id);
    expect(lines.map((c) => [c.op, c.gridCode])).toEqual([
      ['CREATED', GRID],
      ['MOVED_OUT', GRID],
    ]);
  });

  it('tells the creation of a 十户联防 group once: one CREATED entry, its leader already named', async () => {
    const { after: start } = await pull(reader, null, `kinds: [JOINT_DEFENSE_GROUP], within: "${VILLAGE}"`, 1000);
    const run = Date.now();
    const household = async (n: number) => {
      const r = await hub.queryAs<{ registerHousehold: { id: string } }>(writer, `mutation($i: HouseholdInput!) { registerHousehold(input: $i) { id } }`, {
        i: { gridCode: GRID, number: `FEED-${run}-${n}` },
      });
      expect(r.errors).toBeUndefined();
      return r.data!.registerHousehold.id;
    };
    const [h1, h2] = [await household(1), await household(2)];
    const leader = await hub.queryAs<{ registerPerson: { id: string } }>(writer, `mutation($i: PersonInput!) { registerPerson(input: $i) { id } }`, {
      i: { gridCode: GRID, name: '杨联户', ethnicity: '藏族', idNumber: makeCitizenId('659110', '1984-02-03', 15), residency: 'REGISTERED', householdId: h2 },
    });
    expect(leader.errors).toBeUndefined();
    const leaderId = leader.data!.registerPerson.id;
    const create = (households: string[]) =>
      hub.queryAs<{ createJointDefenseGroup: { id: string; version: number; leader: { id: string } } }>(
        writer,
        `mutation($i: JointDefenseGroupInput!) { createJointDefenseGroup(input: $i) { id version leader { id } } }`,
        { i: { gridCode: GRID, name: `变更联防组${run}`, householdIds: households, leaderId } },
      );
    // A leader who lives in none of the households is refused, and nothing is written.
    expect((await create([h1])).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const made = await create([h1, h2]);
    expect(made.errors).toBeUndefined();
    const g = made.data!.createJointDefenseGroup;

    interface GroupChange {
      op: string;
      recordId: string;
      version: number;
      record: { id: string; leader: { id: string } | null } | null;
    }
    const r = await hub.queryAs<{ changes: Nodes<GroupChange> }>(
      reader,
      `query($a: String) { changes(after: $a, kinds: [JOINT_DEFENSE_GROUP], within: "${VILLAGE}", first: 1000) { nodes { op recordId version record { ... on JointDefenseGroup { id leader { id } } } } } }`,
      { a: start },
    );
    expect(r.errors).toBeUndefined();
    // The refused one left no entry; the group made is one creation at version 1.
    expect(r.data!.changes.nodes.map((c) => [c.op, c.recordId, c.version])).toEqual([['CREATED', g.id, 1]]);
    expect(r.data!.changes.nodes[0]!.record).toEqual({ id: g.id, leader: { id: leaderId } });
    expect(g).toEqual({ id: g.id, version: 1, leader: { id: leaderId } });

    // Households joining and leaving are updates of the group, naming households; a stale copy is refused.
    const h3 = await household(3);
    const member = (m: string) =>
      hub.queryAs<Record<string, { version: number; households: { id: string }[] }>>(writer, `mutation { ${m} { version households { id } } }`);
    expect((await member(`assignHouseholdsToGroup(groupId: "${g.id}", version: 2, householdIds: ["${h3}"])`)).errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const joined = await member(`assignHouseholdsToGroup(groupId: "${g.id}", version: 1, householdIds: ["${h3}"])`);
    expect(joined.errors).toBeUndefined();
    expect(joined.data!.assignHouseholdsToGroup!.version).toBe(2);
    const left = await member(`removeHouseholdsFromGroup(groupId: "${g.id}", version: 2, householdIds: ["${h3}"])`);
    expect(left.data!.removeHouseholdsFromGroup!).toEqual({ version: 3, households: expect.any(Array) });
    expect(left.data!.removeHouseholdsFromGroup!.households.map((h) => h.id).sort()).toEqual([h1, h2].sort());
    const after = await hub.queryAs<{ changes: Nodes<GroupChange & { changedFields: string[] | null }> }>(
      reader,
      `query($a: String) { changes(after: $a, kinds: [JOINT_DEFENSE_GROUP], within: "${VILLAGE}", first: 1000) { nodes { op recordId version changedFields } } }`,
      { a: start },
    );
    expect(after.data!.changes.nodes.filter((c) => c.recordId === g.id).map((c) => [c.op, c.version, c.changedFields])).toEqual([
      ['CREATED', 1, null],
      ['UPDATED', 2, ['households']],
      ['UPDATED', 3, ['households']],
    ]);
  });

  it('tells a change of a patrol team’s members as an update of the team, naming members, once its creation is told', async () => {
    const { after: start } = await pull(reader, null, `kinds: [PATROL_TEAM], within: "${VILLAGE}"`, 1000);
    const person = async (n: number) => {
      const r = await hub.queryAs<{ registerPerson: { id: string; version: number } }>(
        writer,
        `mutation($i: PersonInput!) { registerPerson(input: $i) { id version } }`,
        { i: { gridCode: GRID, name: `巡逻队员${n}`, ethnicity: '藏族', idNumber: makeCitizenId('659110', '1990-05-06', 20 + n), residency: 'REGISTERED' } },
      );
      expect(r.errors).toBeUndefined();
      return r.data!.registerPerson;
    };
    const [a, b] = [await person(1), await person(2)];
    const team = await hub.queryAs<{ createPatrolTeam: { id: string; version: number } }>(
      writer,
      `mutation($i: PatrolTeamInput!) { createPatrolTeam(input: $i) { id version } }`,
      { i: { villageCode: VILLAGE, gridCode: GRID, name: `红袖标巡逻队${Date.now()}`, kind: 'VOLUNTEER', memberIds: [a.id] } },
    );
    expect(team.errors).toBeUndefined();
    const t = team.data!.createPatrolTeam;
    const members = async (m: string) => {
      const r = await hub.queryAs<Record<string, { version: number; members: { id: string }[] }>>(writer, `mutation { ${m} { version members { id } } }`);
      expect(r.errors).toBeUndefined();
      return Object.values(r.data!)[0]!;
    };
    expect(t.version).toBe(1);
    const added = await members(`addPatrolTeamMembers(teamId: "${t.id}", personIds: ["${b.id}"])`);
    expect(added.members.map((x) => x.id).sort()).toEqual([a.id, b.id].sort());
    // Each answer carries the version its change left, as the feed tells it, for the next write to send.
    expect(added.version).toBe(2);
    // Adding someone already in the team changes nothing and tells nothing.
    expect((await members(`addPatrolTeamMembers(teamId: "${t.id}", personIds: ["${b.id}"])`)).version).toBe(2);
    expect((await members(`removePatrolTeamMembers(teamId: "${t.id}", personIds: ["${a.id}"])`)).version).toBe(3);
    // A member deregistered leaves the team: that too is a change of the team.
    const gone = await hub.queryAs(writer, `mutation { deregisterPerson(id: "${b.id}", version: ${b.version}, reason: MOVED_OUT) { id } }`);
    expect(gone.errors).toBeUndefined();

    const got = (await pull(reader, start, `kinds: [PATROL_TEAM], within: "${VILLAGE}"`, 1000)).got.filter((c) => c.recordId === t.id);
    expect(got.map((c) => [c.op, c.version, c.changedFields])).toEqual([
      ['CREATED', 1, null],
      ['UPDATED', 2, ['members']],
      ['UPDATED', 3, ['members']],
      ['UPDATED', 4, ['members']],
    ]);
    const now = await hub.queryAs<{ patrolTeam: { version: number; members: unknown[] } }>(writer, `{ patrolTeam(id: "${t.id}") { version members { id } } }`);
    expect(now.data!.patrolTeam).toEqual({ version: 4, members: [] });
  });

  it('tells a disbanded patrol team as DELETED, as it tells an ended grid post or a dissolved household, after its members leave', async () => {
    const KINDS = `kinds: [PATROL_TEAM], within: "${VILLAGE}"`;
    const { after: start } = await pull(reader, null, KINDS, 1000);
    const member = await hub.queryAs<{ registerPerson: { id: string } }>(writer, `mutation($i: PersonInput!) { registerPerson(input: $i) { id } }`, {
      i: { gridCode: GRID, name: '解散队员', ethnicity: '汉族', idNumber: makeCitizenId('659110', '1988-03-04', 31), residency: 'REGISTERED' },
    });
    expect(member.errors).toBeUndefined();
    const made = await hub.queryAs<{ createPatrolTeam: { id: string; version: number } }>(
      writer,
      `mutation($i: PatrolTeamInput!) { createPatrolTeam(input: $i) { id version } }`,
      { i: { villageCode: VILLAGE, gridCode: GRID, name: `解散巡逻队${Date.now()}`, kind: 'VOLUNTEER', memberIds: [member.data!.registerPerson.id] } },
    );
    expect(made.errors).toBeUndefined();
    const t = made.data!.createPatrolTeam;
    const ended = await hub.queryAs<{ disbandPatrolTeam: { version: number } }>(
      writer,
      `mutation { disbandPatrolTeam(id: "${t.id}", version: ${t.version}, reason: MERGED, note: "并入村红袖标队") { version } }`,
    );
    expect(ended.errors).toBeUndefined();
    const r = await hub.queryAs<{ changes: Nodes<Change & { record: { id: string } | null }> }>(
      reader,
      `query($a: String) { changes(after: $a, ${KINDS}, first: 1000) { nodes { ${CHANGE} record { ... on PatrolTeam { id } } } } }`,
      { a: start },
    );
    expect(r.errors).toBeUndefined();
    // An integration mirroring the feed drops the team, as it drops every record that ends; the team itself stays
    // readable by id (its earlier entries still carry it), since its patrols name it.
    expect(r.data!.changes.nodes.filter((c) => c.recordId === t.id).map((c) => [c.op, c.version, c.changedFields, c.record])).toEqual([
      ['CREATED', 1, null, { id: t.id }],
      ['UPDATED', 2, ['members'], { id: t.id }],
      ['DELETED', 2, null, null],
    ]);
    expect(ended.data!.disbandPatrolTeam.version).toBe(3);
  });

  it('follows grid staff: appointed, changed, moved to another grid of the village and ended, each once, masked like any read', async () => {
    const OTHER = '623022100001002';
    const { after: start } = await pull(reader, null, `kinds: [GRID_STAFF], within: "${VILLAGE}"`, 1000);
    type Staff = { id: string; version: number };
    const staff = async (mutation: string, vars: Record<string, unknown>): Promise<Staff> => {
      const r = await hub.queryAs<Record<string, Staff>>(writer, mutation, vars);
      expect(r.errors).toBeUndefined();
      return Object.values(r.data!)[0]!;
    };
    const UPDATE = `mutation($id: ID!, $v: Int!, $i: GridStaffUpdate!) { updateGridStaff(id: $id, version: $v, input: $i) { id version } }`;
    const a = await staff(`mutation($i: GridStaffInput!) { createGridStaff(input: $i) { id version } }`, {
      i: { gridCode: GRID, role: 'LINKED_OFFICE_CADRE', name: '段联系', phone: '13900001111' },
    });
    const b = await staff(UPDATE, { id: a.id, v: a.version, i: { phone: '13900002222' } });
    const c = await staff(UPDATE, { id: a.id, v: b.version, i: { gridCode: OTHER } });
    interface StaffChange {
      op: string;
      recordId: string;
      version: number;
      changedFields: string[] | null;
      grid: { code: string };
      record: { name: string; phone: string | null; grid: { code: string } } | null;
    }
    const mine = async (token: string, within: string) => {
      const r = await hub.queryAs<{ changes: Nodes<StaffChange> }>(
        token,
        `query($a: String) { changes(after: $a, kinds: [GRID_STAFF], within: "${within}", first: 1000) {
           nodes { op recordId version changedFields grid { code } record { ... on GridStaff { name phone grid { code } } } } } }`,
        { a: start },
      );
      expect(r.errors).toBeUndefined();
      return r.data!.changes.nodes.filter((n) => n.recordId === a.id);
    };
    // While the post lasts, each entry carries it as it is now, its phone masked for a reader without pii.
    const live = await mine(reader, VILLAGE);
    expect(live.map((n) => n.record)).toEqual(Array(4).fill({ name: '段联系', phone: '139****2222', grid: { code: OTHER } }));
    await staff(`mutation($id: ID!, $v: Int!) { endGridStaff(id: $id, version: $v, reason: "调离") { id version } }`, { id: a.id, v: c.version });
    expect((await mine(reader, VILLAGE)).map((n) => [n.op, n.version, n.grid.code, n.changedFields, n.record])).toEqual([
      ['CREATED', 1, GRID, null, null],
      ['UPDATED', 2, GRID, ['phone'], null],
      ['MOVED_OUT', 3, GRID, ['grid'], null],
      ['UPDATED', 3, OTHER, ['grid'], null],
      ['DELETED', 3, OTHER, null, null],
    ]);
    // Whoever follows the first grid alone hears the post come, change and leave.
    expect((await mine(reader, GRID)).map((n) => n.op)).toEqual(['CREATED', 'UPDATED', 'MOVED_OUT']);
    // A caller of another county hears nothing of it.
    const neighbour = await hub.token({ jurisdiction: '623021', scopes: ['read'] });
    const r = await hub.queryAs<{ changes: Nodes<StaffChange> }>(
      neighbour,
      `query($a: String) { changes(after: $a, kinds: [GRID_STAFF], first: 1000) { nodes { recordId } } }`,
      {
        a: start,
      },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.changes.nodes.filter((n) => n.recordId === a.id)).toEqual([]);
  });

  it('names externalId when a file changes a site’s source id, and carries it on the record', async () => {
    const { after: start } = await pull(reader, null, `kinds: [SITE], within: "${GRID}"`, 1000);
    const run = Date.now().toString(36);
    const made = await postImport(hub.gatewayUrl, writer, 'sites', `grid_code,external_id,name,kind\n${GRID},site-a-${run},改号小学,SCHOOL\n`, `site-a-${run}`);
    expect(made.done).toMatchObject({ inserted: 1 });
    interface SiteChange {
      op: string;
      recordId: string;
      changedFields: string[] | null;
      record: { externalId: string | null } | null;
    }
    const q = `query($a: String) { changes(after: $a, kinds: [SITE], within: "${GRID}", first: 1000) {
      nodes { op recordId changedFields record { ... on Site { externalId } } } } }`;
    const first = await hub.queryAs<{ changes: Nodes<SiteChange> }>(reader, q, { a: start });
    const created = first.data!.changes.nodes.find((n) => n.op === 'CREATED' && n.record?.externalId === `site-a-${run}`)!;
    expect(created).toBeDefined();
    const renamed = await postImport(
      hub.gatewayUrl,
      writer,
      'sites',
      `id,grid_code,external_id,name,kind\n${created.recordId},${GRID},site-b-${run},改号小学,SCHOOL\n`,
      `site-b-${run}`,
    );
    expect(renamed.done).toMatchObject({ updated: 1 });
    const all = (await hub.queryAs<{ changes: Nodes<SiteChange> }>(reader, q, { a: start })).data!.changes.nodes.filter((n) => n.recordId === created.recordId);
    expect(all.map((n) => [n.op, n.changedFields, n.record?.externalId])).toEqual([
      ['CREATED', null, `site-b-${run}`],
      ['UPDATED', ['externalId'], `site-b-${run}`],
    ]);
  });

  it('names in changedFields only fields of the record’s type: a reference by its field, nothing for what no field shows', async () => {
    const within = `kinds: [RESIDENT, DISPUTE], within: "623022"`;
    const { after: start } = await pull(writer, null, within, 1000);
    const NEXT = '623022100002';
    const created = await hub.queryAs<{ registerPerson: { id: string; version: number } }>(
      writer,
      `mutation($i: PersonInput!) { registerPerson(input: $i) { id version } }`,
      { i: { gridCode: GRID, name: '马字段', ethnicity: '回族', idNumber: makeCitizenId('659110', '1984-02-03', 11), residency: 'REGISTERED' } },
    );
    expect(created.errors).toBeUndefined();
    const p = created.data!.registerPerson;
    const d = await step('acceptDispute', await report(`fields-${Date.now()}`, p.id));
    const moved = await hub.queryAs(writer, `mutation { updatePerson(id: "${p.id}", version: ${p.version}, input: { gridCode: "${NEXT}001" }) { version } }`);
    expect(moved.errors).toBeUndefined();

    const all = (await pull(writer, start, within, 1000)).got;
    // The move: its grid and village (the Person's fields), not their codes; the county stays and no field shows it.
    expect(all.filter((c) => c.recordId === p.id).map((c) => [c.op, c.changedFields])).toEqual([
      ['CREATED', null],
      ['MOVED_OUT', ['grid', 'village']],
      ['UPDATED', ['grid', 'village']],
    ]);
    // Accepting a case: its status and the step on its timeline; when it was accepted is that step's, no field of its own.
    const accepted = all.find((c) => c.recordId === d.id && c.op === 'TRANSITION')!;
    expect(accepted.changedFields).toContain('status');
    expect(accepted.changedFields).toContain('timeline');
    expect(accepted.changedFields).not.toContain('acceptedAt');
    // Whatever else changed meanwhile, every name is a field of its record's type, in GraphQL and in the NDJSON lines.
    const res = await fetch(
      new URL(`/changes.ndjson?kinds=RESIDENT,DISPUTE&within=623022${start ? `&after=${encodeURIComponent(start)}` : ''}`, hub.gatewayUrl),
      {
        headers: { authorization: `Bearer ${writer}` },
      },
    );
    const lines = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Change);
    for (const c of [...all, ...lines]) {
      for (const f of c.changedFields ?? []) expect(fieldsOf(c.kind), `${c.kind} ${c.op}`).toContain(f);
    }
  });

  it('knows what the API calls every column of the feed’s tables, and calls each a field of the record’s type', async () => {
    const columns = await asOwner(
      'village',
      async (c) =>
        (
          await c.query<{ table_name: string; column_name: string }>(
            `select table_name, column_name from information_schema.columns where table_schema = 'public' and table_name = any($1)`,
            [FEED_TABLES.map((t) => t.table)],
          )
        ).rows,
    );
    for (const t of FEED_TABLES) {
      const kind = t.kind as ChangeKind;
      const of = columns.filter((c) => c.table_name === t.table).map((c) => c.column_name);
      expect(of.length).toBeGreaterThan(0);
      // A column added later must be named here: as a field of the type, or as null when no field shows it.
      expect(
        of.filter((c) => !Object.hasOwn(API_FIELDS[kind], c)),
        t.table,
      ).toEqual([]);
      const named = Object.values(API_FIELDS[kind]).filter((f): f is string => f != null);
      expect(
        named.filter((f) => !fieldsOf(kind).has(f)),
        t.table,
      ).toEqual([]);
    }
  });

  it('refuses bad cursors, unknown kinds, report-only callers and divisions outside the jurisdiction with typed errors', async () => {
    const bad = await hub.queryAs(reader, `{ changes(after: "nonsense") { nodes { cursor } } }`);
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const big = await hub.queryAs(reader, `{ changes(first: 5000) { nodes { cursor } } }`);
    expect(big.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const reportOnly = await hub.token({ jurisdiction: '623022', scopes: ['report'] });
    const f = await hub.queryAs(reportOnly, `{ changes { nodes { cursor } } }`);
    expect(f.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const outside = await hub.queryAs(reader, `{ changes(within: "623021") { nodes { cursor } } }`);
    expect(outside.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // An empty within names no division: refused, not read as the whole jurisdiction.
    const empty = await hub.queryAs(reader, `{ changes(within: "") { nodes { cursor } } }`);
    expect(empty.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'within' });
    // So are an empty list of kinds and an empty cursor: a blanked setting would otherwise read every kind from the start.
    for (const args of ['kinds: []', 'after: ""']) {
      const r = await hub.queryAs(reader, `{ changes(${args}) { nodes { cursor } } }`);
      expect(r.errors?.[0]?.extensions, args).toMatchObject({ code: 'BAD_USER_INPUT', argument: args.split(':')[0] });
    }
    // A cursor past the feed's end (another deployment's, or kept from before a restore) would skip every change to come.
    const { after: end } = await pull(reader, null, `within: "${VILLAGE}"`, 1000);
    const ahead = Buffer.from('changes:999999999999.1').toString('base64url');
    const past = await hub.queryAs(reader, `{ changes(after: "${ahead}") { nodes { cursor } } }`);
    expect(past.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'after' });
    // A cursor of a real commit but no entry of it (as if the entry had gone with a restore) is refused too.
    if (end) {
      const [seq] = Buffer.from(end, 'base64url').toString('utf8').slice('changes:'.length).split('.');
      const gone = Buffer.from(`changes:${seq}.0`).toString('base64url');
      const r = await hub.queryAs(reader, `query($a: String) { changes(after: $a) { nodes { cursor } } }`, { a: gone });
      expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'after' });
    }
    // The feed's own end is no such cursor.
    const atEnd = await hub.queryAs<{ changes: Paged<Change> }>(reader, `query($a: String) { changes(after: $a) { nodes { cursor } } }`, { a: end });
    expect(atEnd.errors).toBeUndefined();
    for (const query of ['kinds=NOPE', 'within=', 'kinds=', 'after=', `after=${ahead}`]) {
      const ndjson = await fetch(new URL(`/changes.ndjson?${query}`, hub.gatewayUrl), { headers: { authorization: `Bearer ${reader}` } });
      expect(ndjson.status, query).toBe(400);
      // The parameter at fault is named, as GraphQL names the argument.
      expect((await ndjson.json()).errors[0].extensions, query).toMatchObject({ code: 'BAD_USER_INPUT', argument: query.split('=')[0] });
    }
    const anon = await fetch(new URL('/changes.ndjson', hub.gatewayUrl));
    expect(anon.status).toBe(401);
  });
});

describe('who made a change, and a hazard’s steps, in the feed', () => {
  const WHO = 'cursor kind op recordId by byName via step stepNote stepLevel changedFields statusFrom statusTo';
  interface Who {
    cursor: string;
    kind: string;
    op: string;
    recordId: string;
    by: string | null;
    byName: string | null;
    via: string | null;
    step: string | null;
    stepNote: string | null;
    stepLevel: string | null;
    changedFields: string[] | null;
    statusFrom: string | null;
    statusTo: string | null;
  }
  /** Every change after `after` the caller of `token` sees, through GraphQL and through the NDJSON feed. */
  async function both(token: string, after: string | null, filter = '') {
    const got: Who[] = [];
    for (let a = after; ;) {
      const r = await hub.queryAs<{ changes: Paged<Who> }>(
        token,
        `query($a: String) { changes(after: $a, first: 1000${filter}) { nodes { ${WHO} } pageInfo { hasNextPage endCursor } } }`,
        { a },
      );
      expect(r.errors).toBeUndefined();
      got.push(...r.data!.changes.nodes);
      a = r.data!.changes.pageInfo.endCursor;
      if (!r.data!.changes.pageInfo.hasNextPage) break;
    }
    const res = await fetch(new URL(`/changes.ndjson${after ? `?after=${encodeURIComponent(after)}` : ''}`, hub.gatewayUrl), {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    const text = (await res.text()).trim();
    const lines = text ? text.split('\n').map((l) => JSON.parse(l) as Who) : [];
    return { got, lines };
  }
  const start = async (token: string) =>
    (await hub.queryAs<{ changes: Paged<Who> }>(token, `{ changes(first: 0) { pageInfo { endCursor } } }`)).data!.changes.pageInfo.endCursor;
  const only = (w: Who) => [w.kind, w.op, w.by, w.byName, w.via];
  /** The display name every test token carries. */
  const CALLER_NAME = 'test caller';

  it('names the caller of a form, the importer of a file and the hub’s own jobs (upkeep, another level’s events); another jurisdiction sees none of it', async () => {
    const run = Date.now().toString(36);
    const clerk = await hub.token({ jurisdiction: '623022', scopes: ['read', 'write'], subject: `who-clerk-${run}` });
    const importer = await hub.token({ jurisdiction: '623022', scopes: ['read', 'write'], subject: `who-importer-${run}` });
    // A village of the same county none of these changes touch.
    const neighbour = await hub.token({ jurisdiction: '623022100002', scopes: ['read'], subject: `who-neighbour-${run}` });
    const from = await start(clerk);
    const fromNeighbour = await start(neighbour);

    // A form: a child registered at 15, who turns 16 tomorrow (China time), and a case escalated to the township.
    const today = new Date(Date.parse(`${chinaDay()}T00:00:00Z`));
    const born = new Date(Date.UTC(today.getUTCFullYear() - 16, today.getUTCMonth(), today.getUTCDate() + 1)).toISOString().slice(0, 10);
    const child = await hub.queryAs<{ registerPerson: { id: string } }>(clerk, `mutation($i: PersonInput!) { registerPerson(input: $i) { id } }`, {
      i: {
        gridCode: GRID,
        name: '杨来者',
        ethnicity: '藏族',
        residency: 'REGISTERED',
        idNumber: makeCitizenId('659115', born, 700 + (Date.now() % 200)),
        tags: ['LEFT_BEHIND_CHILD'],
      },
    });
    expect(child.errors).toBeUndefined();
    const personId = child.data!.registerPerson.id;
    const reported = await hub.queryAs<{ reportDispute: Dispute }>(
      clerk,
      `mutation($i: DisputeInput!) { reportDispute(input: $i, idempotencyKey: "who-${run}") { ${DISPUTE} } }`,
      { i: { gridCode: GRID, category: 'NEIGHBOUR', scale: 'ORDINARY', source: 'WALK_IN', summary: '来者纠纷', parties: [{ personId, role: 'APPLICANT' }] } },
    );
    expect(reported.errors).toBeUndefined();
    let d = reported.data!.reportDispute;
    for (const [m, extra] of [
      ['acceptDispute', ''],
      ['escalateDispute', ', reason: "村级调解未果"'],
    ] as const) {
      const r = await hub.queryAs<Record<string, Dispute>>(clerk, `mutation { ${m}(id: "${d.id}", version: ${d.version}${extra}) { ${DISPUTE} } }`);
      expect(r.errors).toBeUndefined();
      d = r.data![m]!;
    }
    // The township's receipt comes back as an event, applied by the hub.
    for (const until = Date.now() + 20_000; ;) {
      const r = await hub.queryAs<{ dispute: Dispute }>(clerk, `{ dispute(id: "${d.id}") { ${DISPUTE} } }`);
      if (!r.data!.dispute.inTransit) break;
      if (Date.now() > until) throw new Error('the escalation was not received in time');
      await new Promise((r) => setTimeout(r, 100));
    }
    // A file: a site imported.
    const made = await postImport(hub.gatewayUrl, importer, 'sites', `grid_code,external_id,name,kind\n${GRID},who-${run},来者小学,SCHOOL\n`, `who-${run}`);
    expect(made.done).toMatchObject({ inserted: 1 });
    // The upkeep: the tag leaves on the 16th birthday.
    const tomorrow = new Date(today.getTime() + 86_400_000).toISOString().slice(0, 10);
    expect(await expireAgedTags(hub.subgraphs.village.orm, tomorrow)).toBeGreaterThanOrEqual(1);

    const { got, lines } = await both(clerk, from, `, within: "${VILLAGE}"`);
    const site = got.find((c) => c.kind === 'SITE' && c.by === `who-importer-${run}`)!;
    for (const seen of [got, lines]) {
      const of = (id: string, kind: string) => seen.filter((c) => c.recordId === id && c.kind === kind).map(only);
      expect(of(personId, 'RESIDENT')).toEqual([
        ['RESIDENT', 'CREATED', `who-clerk-${run}`, CALLER_NAME, 'API'],
        ['RESIDENT', 'UPDATED', 'system:upkeep', '系统（到龄移除标签）', 'SYSTEM'],
      ]);
      const caseChanges = of(d.id, 'DISPUTE');
      expect(caseChanges.slice(0, 3)).toEqual([
        ['DISPUTE', 'CREATED', `who-clerk-${run}`, CALLER_NAME, 'API'],
        ['DISPUTE', 'TRANSITION', `who-clerk-${run}`, CALLER_NAME, 'API'],
        ['DISPUTE', 'TRANSITION', `who-clerk-${run}`, CALLER_NAME, 'API'],
      ]);
      // The receipt and whatever else the township's events changed since.
      expect(caseChanges.length).toBeGreaterThan(3);
      // Applied by the hub's events job, named as the township's timeline names who took the step (its centre).
      for (const c of caseChanges.slice(3)) expect(c.slice(2)).toEqual(['system:events', centreName(VILLAGE.slice(0, 9)), 'SYSTEM']);
      expect(of(site.recordId, 'SITE')).toEqual([['SITE', 'CREATED', `who-importer-${run}`, CALLER_NAME, 'IMPORT']]);
    }
    // The person's history tells the upkeep's change as the feed does: the job, not the database role.
    const hist = await hub.queryAs<{ person: { history: { nodes: { by: string; byName: string | null; via: string; changedFields: string[] }[] } } }>(
      clerk,
      `{ person(id: "${personId}") { history { nodes { by byName via changedFields } } } }`,
    );
    expect(hist.errors).toBeUndefined();
    expect(hist.data!.person.history.nodes).toEqual([{ by: 'system:upkeep', byName: '系统（到龄移除标签）', via: 'SYSTEM', changedFields: ['tags'] }]);
    // Another village's reader: none of these changes, and none of their callers' names.
    const theirs = await both(neighbour, fromNeighbour);
    const ids = new Set([personId, d.id, site.recordId]);
    for (const c of [...theirs.got, ...theirs.lines]) {
      expect(ids.has(c.recordId)).toBe(false);
      expect([`who-clerk-${run}`, `who-importer-${run}`]).not.toContain(c.by);
    }
  }, 60_000);

  it('carries each step of a hazard’s rectification on its TRANSITION, in order, with its note', async () => {
    const run = Date.now().toString(36);
    const clerk = await hub.token({ jurisdiction: VILLAGE, scopes: ['read', 'write'], subject: `hazard-clerk-${run}` });
    const from = await start(clerk);
    const made = await hub.queryAs<{ reportHazard: { id: string; version: number } }>(
      clerk,
      `mutation { reportHazard(input: { gridCode: "${GRID}", kind: FIRE, description: "柴草堆放靠近民房", source: GRID_WORKER }) { id version } }`,
    );
    expect(made.errors).toBeUndefined();
    let h = made.data!.reportHazard;
    const steps: [string, string][] = [
      ['startHazardRectification', 'note: "通知户主三日内清理"'],
      ['rectifyHazard', 'note: "柴草已移至院外空地"'],
      ['sendBackHazard', 'reason: "仍有柴草靠墙"'],
      ['rectifyHazard', 'note: "已全部清走"'],
      ['verifyHazard', ''],
    ];
    for (const [m, args] of steps) {
      const r = await hub.queryAs<Record<string, { id: string; version: number }>>(
        clerk,
        `mutation { ${m}(id: "${h.id}", version: ${h.version}${args ? `, ${args}` : ''}) { id version } }`,
      );
      expect(r.errors, m).toBeUndefined();
      h = r.data![m]!;
    }
    const { got, lines } = await both(clerk, from, ', kinds: [HAZARD]');
    for (const seen of [got, lines]) {
      const mine = seen.filter((c) => c.recordId === h.id);
      expect(mine.map((c) => [c.op, c.statusFrom, c.statusTo, c.step, c.stepNote])).toEqual([
        ['CREATED', null, 'REPORTED', null, null],
        ['TRANSITION', 'REPORTED', 'RECTIFYING', 'START', '通知户主三日内清理'],
        ['TRANSITION', 'RECTIFYING', 'RECTIFIED', 'RECTIFY', '柴草已移至院外空地'],
        ['TRANSITION', 'RECTIFIED', 'RECTIFYING', 'SEND_BACK', '仍有柴草靠墙'],
        ['TRANSITION', 'RECTIFYING', 'RECTIFIED', 'RECTIFY', '已全部清走'],
        ['TRANSITION', 'RECTIFIED', 'VERIFIED', 'VERIFY', null],
      ]);
      for (const c of mine.slice(1)) expect(c.changedFields).toContain('steps');
      for (const c of mine) expect([c.by, c.via]).toEqual([`hazard-clerk-${run}`, 'API']);
    }
  });

  it('carries each step of a case on its entry, in order, with its note: the village’s and the township’s receipt', async () => {
    const run = Date.now().toString(36);
    const clerk = await hub.token({ jurisdiction: VILLAGE, scopes: ['read', 'write'], subject: `case-clerk-${run}` });
    const from = await start(clerk);
    const person = await hub.queryAs<{ registerPerson: { id: string } }>(clerk, `mutation($i: PersonInput!) { registerPerson(input: $i) { id } }`, {
      i: {
        gridCode: GRID,
        name: '杨步骤',
        ethnicity: '藏族',
        residency: 'REGISTERED',
        idNumber: makeCitizenId('659116', '1980-03-04', 300 + (Date.now() % 200)),
      },
    });
    expect(person.errors).toBeUndefined();
    const reported = await hub.queryAs<{ reportDispute: Dispute }>(
      clerk,
      `mutation($i: DisputeInput!) { reportDispute(input: $i, idempotencyKey: "steps-${run}") { ${DISPUTE} } }`,
      {
        i: {
          gridCode: GRID,
          category: 'NEIGHBOUR',
          scale: 'ORDINARY',
          source: 'WALK_IN',
          summary: '院墙滴水纠纷',
          parties: [{ personId: person.data!.registerPerson.id, role: 'APPLICANT' }],
        },
      },
    );
    expect(reported.errors).toBeUndefined();
    let d = reported.data!.reportDispute;
    for (const [m, extra] of [
      ['acceptDispute', ', note: "当日受理"'],
      ['assignDispute', ', assignee: "村调委会"'],
      ['recordMediation', ', note: "双方到场，约定三日内改檐"'],
      ['escalateDispute', ', reason: "村级调解未果"'],
    ] as const) {
      const r = await hub.queryAs<Record<string, Dispute>>(clerk, `mutation { ${m}(id: "${d.id}", version: ${d.version}${extra}) { ${DISPUTE} } }`);
      expect(r.errors, m).toBeUndefined();
      d = r.data![m]!;
    }
    for (const until = Date.now() + 20_000; ;) {
      const r = await hub.queryAs<{ dispute: Dispute }>(clerk, `{ dispute(id: "${d.id}") { ${DISPUTE} } }`);
      if (!r.data!.dispute.inTransit) break;
      if (Date.now() > until) throw new Error('the escalation was not received in time');
      await new Promise((r) => setTimeout(r, 100));
    }
    const centre = centreName(VILLAGE.slice(0, 9));
    const { got, lines } = await both(clerk, from, ', kinds: [DISPUTE]');
    for (const seen of [got, lines]) {
      const mine = seen.filter((c) => c.recordId === d.id);
      expect(mine.map((c) => [c.op, c.statusTo, c.step, c.stepNote, c.by, c.byName, c.stepLevel])).toEqual([
        ['CREATED', 'REPORTED', 'REPORT', '来访：院墙滴水纠纷', `case-clerk-${run}`, CALLER_NAME, 'VILLAGE'],
        ['TRANSITION', 'ACCEPTED', 'ACCEPT', '当日受理', `case-clerk-${run}`, CALLER_NAME, 'VILLAGE'],
        ['TRANSITION', 'ASSIGNED', 'ASSIGN', '→ 村调委会', `case-clerk-${run}`, CALLER_NAME, 'VILLAGE'],
        ['TRANSITION', 'MEDIATING', 'MEDIATE', '双方到场，约定三日内改檐', `case-clerk-${run}`, CALLER_NAME, 'VILLAGE'],
        ['TRANSITION', 'ESCALATED', 'ESCALATE', '村级调解未果', `case-clerk-${run}`, CALLER_NAME, 'VILLAGE'],
        ['UPDATED', 'ESCALATED', 'RECEIVE', '上报原因：村级调解未果', 'system:events', centre, 'TOWNSHIP'],
      ]);
      for (const c of mine.slice(1)) expect(c.changedFields).toContain('timeline');
    }
    // The township's ACCEPT is told apart from the village's by its level, in GraphQL and in the NDJSON feed alike.
    const desk = await hub.token({ jurisdiction: VILLAGE.slice(0, 9), scopes: ['read', 'write'], subject: `case-desk-${run}` });
    const held = await townshipCaseOf(hub, desk, d.id);
    const taken = await hub.queryAs(desk, `mutation { acceptTownshipCase(disputeId: "${d.id}", version: ${held.version}, note: "乡镇受理") { status } }`);
    expect(taken.errors).toBeUndefined();
    const after = await both(clerk, from, ', kinds: [DISPUTE]');
    for (const seen of [after.got, after.lines]) {
      const accepts = seen.filter((c) => c.recordId === d.id && c.step === 'ACCEPT');
      expect(accepts.map((c) => [c.stepLevel, c.stepNote])).toEqual([
        ['VILLAGE', '当日受理'],
        ['TOWNSHIP', '乡镇受理'],
      ]);
    }
  }, 60_000);

  it('keeps what entries written before said: a job’s history entry its database role, a case’s entry no step', async () => {
    // The migration as it runs, in a transaction rolled back, after entries written the old way.
    const migration = new Migration20261207000073ChangeStoryAgrees({} as never, {} as never);
    await migration.up();
    await asOwner('village', async (c) => {
      await c.query('begin');
      try {
        await c.query(`drop trigger dispute_step_changes on dispute_step`);
        await c.query(`drop function hub_changes_dispute_step()`);
        await c.query(personHistoryFunction('create or replace', STATUS_NOTE, true, true));
        await c.query(`select set_config('hub.job', 'upkeep', true)`);
        const person = (await c.query<{ id: number }>(`select id from person where status = 'ACTIVE' order by id limit 1`)).rows[0]!.id;
        const rename = `update person set name = name || '甲' where id = ${person}`;
        const entries = `select by_subject, via from person_history where person_id = ${person} order by id desc limit 1`;
        const role = (await c.query<{ r: string }>(`select session_user::text as r`)).rows[0]!.r;
        await c.query(rename);
        const before = (await c.query(entries)).rows[0];
        expect(before).toEqual({ by_subject: role, via: 'SYSTEM' });
        // One transaction files one entry per record: the entry written the old way and the new one are two cases'.
        type Case = { id: string; grid_code: string; village_code: string };
        const [d, e] = (await c.query<Case>(`select id, grid_code, village_code from dispute order by no limit 2`)).rows as [Case, Case];
        const log = (x: Case) =>
          `select id, step, step_note from change_log where kind = 'DISPUTE' and record_id = '${x.id}' and txid = pg_current_xact_id() order by id`;
        const supervise = async (x: Case) => {
          await c.query(`update dispute set noted_at = now(), version = version + 1 where id = '${x.id}'`);
          await c.query(`insert into dispute_step (dispute_id, at, level, action, actor, note, status, village_code, grid_code)
                         values ('${x.id}', now(), 'COUNTY', 'SUPERVISE', '县综治中心', '请加快办理', 'ACCEPTED', '${x.village_code}', '${x.grid_code}')`);
        };
        await supervise(d);
        const oldEntry = (await c.query(log(d))).rows;
        expect(oldEntry).toMatchObject([{ step: null, step_note: null }]);

        for (const q of migration.getQueries()) await c.query(String(q));
        // Nothing already written changes.
        expect(
          (await c.query(`select by_subject, via from person_history where id = (select max(id) from person_history where person_id = ${person})`)).rows[0],
        ).toEqual(before);
        expect((await c.query(log(d))).rows).toEqual(oldEntry);
        // What is written next says it the new way.
        await c.query(rename);
        expect((await c.query(entries)).rows[0]).toEqual({ by_subject: 'system:upkeep', via: 'SYSTEM' });
        await supervise(e);
        expect((await c.query(log(e))).rows).toMatchObject([{ step: 'SUPERVISE', step_note: '请加快办理' }]);
        expect((await c.query(log(d))).rows).toEqual(oldEntry);
      } finally {
        await c.query('rollback');
      }
    });
  });

  it('reads null for who made the changes written before it was recorded', async () => {
    // The migration as it ran, in a transaction rolled back: an entry already in the log reads null; the next is named.
    const migration = new Migration20261207000070ChangeAuthors({} as never, {} as never);
    await migration.up();
    await asOwner('village', async (c) => {
      await c.query('begin');
      try {
        await c.query(`drop trigger hazard_step_changes on hazard_step`);
        await c.query(`drop function hub_changes_hazard_step()`);
        await c.query(`alter table change_log drop column by_subject, drop column by_name, drop column via, drop column step, drop column step_note`);
        const entry = `insert into change_log (kind, op, record_id, village_code, grid_code) values ('SITE', 'UPDATED', '0', '${VILLAGE}', '${GRID}') returning id`;
        const old = (await c.query<{ id: string }>(entry)).rows[0]!.id;
        for (const q of migration.getQueries()) await c.query(String(q));
        await c.query(`select set_config('hub.subject', 'later-clerk', true), set_config('hub.actor', '后来者', true)`);
        const later = (await c.query<{ id: string }>(entry)).rows[0]!.id;
        const read = await c.query(`select by_subject, by_name, via from change_log where id in ($1, $2) order by id`, [old, later]);
        expect(read.rows).toEqual([
          { by_subject: null, by_name: null, via: null },
          { by_subject: 'later-clerk', by_name: '后来者', via: 'API' },
        ]);
      } finally {
        await c.query('rollback');
      }
    });
  });
});
