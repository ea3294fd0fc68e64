import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { makeCitizenId } from '../domain/citizen-id.ts';
import { postImport, startHub, type Counted, type GraphQLResponse, type Nodes, type Paged, type TestHub } from './helpers/hub.ts';

/**
 * Life cycle and history of registry records, through the gateway
 * (docs/ARCHITECTURE.md, "Life cycle and history"): a person moved, tagged
 * and deregistered leaves lists, searches and figures but stays readable with
 * a history of who did what when; the change feed names the changed fields;
 * households, houses and 十户联防 groups end under the registry's rules; and
 * only the person's own jurisdiction may do any of it.
 */
let hub: TestHub;
let writer: string;
let reader: string;
/** A village of 卓尼县 (the suite's write county) with two grids or more, that no other test writes in. */
let VILLAGE: string;
let G1: string;
let G2: string;
const run = Date.now() % 1_000_000;

beforeAll(async () => {
  hub = await startHub();
  writer = await hub.token({ jurisdiction: '623022', scopes: ['read', 'write', 'pii'], subject: 'life-cycle-writer' });
  reader = await hub.token({ jurisdiction: '623022', scopes: ['read'], subject: 'life-cycle-reader' });
  const r = await hub.queryAs<{ villages: { code: string; grids: { code: string }[] }[] }>(writer, `{ villages(within: "623022") { code grids { code } } }`);
  expect(r.errors).toBeUndefined();
  // The others write in the county's first villages; take the last one with two grids.
  const v = r.data!.villages.filter((x) => x.grids.length >= 2).at(-1)!;
  VILLAGE = v.code;
  G1 = v.grids[0]!.code;
  G2 = v.grids[1]!.code;
}, 180_000);
afterAll(() => hub?.stop());

/** The error code of a response that must fail. */
function code(r: GraphQLResponse): unknown {
  expect(r.errors?.length, JSON.stringify(r.data)).toBeGreaterThan(0);
  return r.errors![0]!.extensions?.code;
}

interface Versioned {
  id: string;
  version: number;
}

let seq = 600;
async function registerPerson(name: string, gridCode: string, householdId: string | null, residency = 'REGISTERED'): Promise<Versioned> {
  const birthDate = '1961-06-13';
  const d = await hub.dataAs<{ registerPerson: Versioned }>(writer, `mutation($i: PersonInput!) { registerPerson(input: $i) { id version } }`, {
    i: { name, idNumber: makeCitizenId('623022', birthDate, seq++), ethnicity: '藏族', residency, gridCode, householdId },
  });
  return d.registerPerson;
}
async function registerHousehold(gridCode: string, number: string, houseId: string | null = null): Promise<Versioned> {
  const d = await hub.dataAs<{ registerHousehold: Versioned }>(writer, `mutation($i: HouseholdInput!) { registerHousehold(input: $i) { id version } }`, {
    i: { gridCode, number, houseId },
  });
  return d.registerHousehold;
}
async function personVersion(id: string): Promise<number> {
  return (await hub.dataAs<{ person: { version: number } }>(writer, `{ person(id: "${id}") { version } }`)).person.version;
}

interface Population {
  residents: number;
  floating: number;
  households: number;
  houses: number;
  byTag: { tag: string; count: number }[];
}
interface Forces {
  jointDefenseGroups: number;
  householdsInGroups: number;
}
async function figures(): Promise<{ population: Population; forces: Forces }> {
  const d = await hub.dataAs<{ village: { population: Population; forces: Forces } }>(
    reader,
    `{ village(code: "${VILLAGE}") { population { residents floating households houses byTag { tag count } } forces { jointDefenseGroups householdsInGroups } } }`,
  );
  return d.village;
}
const tagged = (p: Population, tag: string) => p.byTag.find((t) => t.tag === tag)?.count ?? 0;

interface Change {
  cursor: string;
  kind: string;
  op: string;
  recordId: string;
  version: number | null;
  changedFields: string[] | null;
  statusFrom?: string | null;
  statusTo?: string | null;
}
/** Every change of `kinds` in the village after `after`, and the cursor to continue from. */
async function changes(after: string | null, kinds: string): Promise<{ got: Change[]; after: string | null }> {
  const got: Change[] = [];
  for (;;) {
    const d = await hub.dataAs<{ changes: Paged<Change> }>(
      reader,
      `query($a: String) { changes(after: $a, kinds: [${kinds}], within: "${VILLAGE}", first: 1000) { nodes { cursor kind op recordId version changedFields statusFrom statusTo } pageInfo { hasNextPage endCursor } } }`,
      { a: after },
    );
    got.push(...d.changes.nodes);
    after = d.changes.pageInfo.endCursor;
    if (!d.changes.pageInfo.hasNextPage) return { got, after };
  }
}

interface Place {
  gridCode: string;
  householdId: string | null;
  addressId: string | null;
  tags: string[];
  status: string;
}
interface Entry {
  at: string;
  by: string;
  byName: string | null;
  via: string;
  changedFields: string[];
  before: Place;
  after: Place;
  deregistrationReason: string | null;
  note: string | null;
}
const ENTRY =
  'at by byName via changedFields deregistrationReason note before { gridCode householdId addressId tags status } after { gridCode householdId addressId tags status }';

describe('deregistering a person', () => {
  it('a person moved, tagged and deregistered leaves lists, searches and figures, and keeps a history of who did what when', async () => {
    const { after: feedStart } = await changes(null, 'RESIDENT');
    const h1 = await registerHousehold(G1, `LC-${run}-1`);
    const h2 = await registerHousehold(G2, `LC-${run}-2`);
    const name = `生命周期${run}`;
    // Q heads household 1 (the first member becomes head); P joins it, then moves to another grid and household.
    const q = await registerPerson(`${name}乙`, G1, h1.id);
    const p = await registerPerson(`${name}甲`, G1, h1.id, 'FLOATING');
    const moved = await hub.dataAs<{ updatePerson: Versioned }>(
      writer,
      `mutation { updatePerson(id: "${p.id}", version: ${p.version}, input: { gridCode: "${G2}", householdId: "${h2.id}" }) { id version } }`,
    );
    await hub.dataAs(writer, `mutation { tagPerson(id: "${p.id}", tags: [EXTREME_POVERTY]) { id } }`);

    const before = await figures();
    const version = await personVersion(p.id);
    expect(version).toBeGreaterThan(moved.updatePerson.version);
    // A stale version is a CONFLICT; a reason outside the enum is refused by the schema.
    expect(code(await hub.queryAs(writer, `mutation { deregisterPerson(id: "${p.id}", version: ${version - 1}, reason: DIED) { id } }`))).toBe('CONFLICT');
    const gone = await hub.dataAs<{
      deregisterPerson: { status: string; deregisteredAt: string; deregistrationReason: string; deregistrationNote: string; household: null; version: number };
    }>(
      writer,
      `mutation { deregisterPerson(id: "${p.id}", version: ${version}, reason: DIED, note: "2026年11月病故") {
          status deregisteredAt deregistrationReason deregistrationNote household { id } version } }`,
    );
    expect(gone.deregisterPerson).toMatchObject({
      status: 'DEREGISTERED',
      deregistrationReason: 'DIED',
      deregistrationNote: '2026年11月病故',
      household: null,
    });
    expect(Date.parse(gone.deregisterPerson.deregisteredAt)).toBeGreaterThan(Date.now() - 120_000);
    // Once is enough.
    expect(
      code(await hub.queryAs(writer, `mutation { deregisterPerson(id: "${p.id}", version: ${gone.deregisterPerson.version}, reason: DIED) { id } }`)),
    ).toBe('INVALID_TRANSITION');

    // Population figures drop by one at the next read: a resident, a floating one, one of the tag.
    const after = await figures();
    expect(after.population.residents).toBe(before.population.residents - 1);
    expect(after.population.floating).toBe(before.population.floating - 1);
    expect(tagged(after.population, 'EXTREME_POVERTY')).toBe(tagged(before.population, 'EXTREME_POVERTY') - 1);
    expect(after.population.households).toBe(before.population.households);

    // Out of every current list and search: grid and village lists, township and county searches, by ID number and phone, household members.
    const idNumber = (await hub.dataAs<{ person: { idNumber: string } }>(writer, `{ person(id: "${p.id}") { idNumber } }`)).person.idNumber;
    const township = VILLAGE.slice(0, 9);
    type Lists = Record<string, Nodes<{ id: string }> & Counted>;
    const lists = await hub.dataAs<{ grid: Lists; village: Lists; township: Lists; county: Lists; household: { members: { id: string }[] } }>(
      writer,
      `query($n: String!, $i: String!) {
         grid(code: "${G2}") { all: residents(first: 500) { totalCount nodes { id } } }
         village(code: "${VILLAGE}") { byName: residents(filter: { namePrefix: $n }) { totalCount nodes { id } }
                                       byId: residents(filter: { idNumber: $i }) { totalCount nodes { id } }
                                       gone: residents(filter: { namePrefix: $n, status: DEREGISTERED }) { totalCount nodes { id } } }
         township(code: "${township}") { byName: residents(filter: { namePrefix: $n }) { totalCount nodes { id } } }
         county(code: "623022") { byName: residents(filter: { namePrefix: $n }) { totalCount nodes { id } }
                                  gone: residents(filter: { namePrefix: $n, status: DEREGISTERED }) { totalCount nodes { id } } }
         household(id: "${h2.id}") { members { id } } }`,
      { n: name, i: idNumber },
    );
    expect(lists.grid.all!.nodes.map((x) => x.id)).not.toContain(p.id);
    expect(lists.village.byName!.nodes.map((x) => x.id)).toEqual([q.id]);
    expect(lists.village.byName!.totalCount).toBe(1);
    expect(lists.village.byId!.totalCount).toBe(0);
    expect(lists.township.byName!.nodes.map((x) => x.id)).toEqual([q.id]);
    expect(lists.county.byName!.nodes.map((x) => x.id)).toEqual([q.id]);
    expect(lists.county.byName!.totalCount).toBe(1);
    expect(lists.household.members).toEqual([]);
    // The deregistered, asked for, are listed as history.
    expect(lists.village.gone!.nodes.map((x) => x.id)).toEqual([p.id]);
    expect(lists.county.gone!.nodes.map((x) => x.id)).toEqual([p.id]);
    expect(lists.county.gone!.totalCount).toBe(1);

    // Still readable by id and by ID number, with its status.
    const read = await hub.dataAs<{ person: { status: string; deregistrationReason: string; name: string }; personByIdNumber: { id: string; status: string } }>(
      reader,
      `query($i: String!) { person(id: "${p.id}") { name status deregistrationReason } personByIdNumber(idNumber: $i) { id status } }`,
      { i: idNumber },
    );
    expect(read.person).toMatchObject({ name: `${name}甲`, status: 'DEREGISTERED', deregistrationReason: 'DIED' });
    expect(read.personByIdNumber).toMatchObject({ id: p.id, status: 'DEREGISTERED' });

    // The history, newest first: the deregistration, the tag, the move; each with who and when.
    const hist = await hub.dataAs<{ person: { history: Paged<Entry> & Counted } }>(
      reader,
      `{ person(id: "${p.id}") { history { totalCount nodes { ${ENTRY} } pageInfo { hasNextPage endCursor } } } }`,
    );
    const entries = hist.person.history.nodes;
    expect(hist.person.history.totalCount).toBe(3);
    // Moving into household 2, which had no head, made P its head (与户主关系 HEAD); deregistering cleared it.
    expect(entries.map((e) => e.changedFields)).toEqual([
      ['householdId', 'status', 'relationshipToHead'],
      ['tags'],
      ['gridCode', 'householdId', 'relationshipToHead'],
    ]);
    for (const e of entries) expect(e).toMatchObject({ by: 'life-cycle-writer', byName: 'test caller', via: 'API' });
    expect(entries[0]).toMatchObject({
      deregistrationReason: 'DIED',
      note: '2026年11月病故',
      before: { gridCode: G2, householdId: h2.id, status: 'ACTIVE', tags: ['EXTREME_POVERTY'] },
      after: { gridCode: G2, householdId: null, status: 'DEREGISTERED' },
    });
    expect(entries[1]).toMatchObject({ before: { tags: [] }, after: { tags: ['EXTREME_POVERTY'] }, deregistrationReason: null });
    expect(entries[2]).toMatchObject({ before: { gridCode: G1, householdId: h1.id, status: 'ACTIVE' }, after: { gridCode: G2, householdId: h2.id } });
    const times = entries.map((e) => Date.parse(e.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    // Paged: the first two, then the rest after the cursor.
    const first = await hub.dataAs<{ person: { history: Paged<Entry> } }>(
      reader,
      `{ person(id: "${p.id}") { history(first: 2) { nodes { ${ENTRY} } pageInfo { hasNextPage endCursor } } } }`,
    );
    expect(first.person.history.pageInfo.hasNextPage).toBe(true);
    const rest = await hub.dataAs<{ person: { history: Paged<Entry> } }>(
      reader,
      `query($a: String) { person(id: "${p.id}") { history(first: 2, after: $a) { nodes { ${ENTRY} } pageInfo { hasNextPage } } } }`,
      { a: first.person.history.pageInfo.endCursor },
    );
    expect([...first.person.history.nodes, ...rest.person.history.nodes]).toEqual(entries);
    expect(rest.person.history.pageInfo.hasNextPage).toBe(false);

    // The change feed names the fields each update changed.
    const feed = (await changes(feedStart, 'RESIDENT')).got.filter((c) => c.recordId === p.id);
    expect(feed.map((c) => [c.op, c.changedFields])).toEqual([
      ['CREATED', null],
      // The move to the village's other grid: told to the grid it left, then to the one it came to.
      ['MOVED_OUT', ['grid', 'household', 'relationshipToHead']],
      ['UPDATED', ['grid', 'household', 'relationshipToHead']],
      ['UPDATED', ['tags']],
      ['TRANSITION', ['deregisteredAt', 'deregistrationNote', 'deregistrationReason', 'household', 'relationshipToHead', 'status']],
    ]);
    // Deregistering is a change of status, and says which.
    expect(feed.at(-1)).toMatchObject({ statusFrom: 'ACTIVE', statusTo: 'DEREGISTERED' });
    // And so does the NDJSON feed.
    const res = await fetch(
      new URL(`/changes.ndjson?kinds=RESIDENT&within=${VILLAGE}${feedStart ? `&after=${encodeURIComponent(feedStart)}` : ''}`, hub.gatewayUrl),
      {
        headers: { authorization: `Bearer ${reader}` },
      },
    );
    expect(res.status).toBe(200);
    const lines = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Change)
      .filter((c) => c.recordId === p.id);
    expect(lines.map((c) => c.changedFields)).toEqual(feed.map((c) => c.changedFields));
  }, 180_000);

  it('a deregistered person who returns is reinstated, in the grid they live in now, back in the figures and with both steps in the history', async () => {
    const { after: feedStart } = await changes(null, 'RESIDENT');
    const idNumber = makeCitizenId('623022', '1975-03-02', seq++);
    const reg = await hub.dataAs<{ registerPerson: Versioned }>(writer, `mutation($i: PersonInput!) { registerPerson(input: $i) { id version } }`, {
      i: { name: `恢复登记${run}`, idNumber, ethnicity: '汉族', residency: 'REGISTERED', gridCode: G1 },
    });
    const p = reg.registerPerson;
    const other = await registerPerson(`在册${run}`, G1, null);
    const before = await figures();
    const gone = await hub.dataAs<{ deregisterPerson: Versioned }>(
      writer,
      `mutation { deregisterPerson(id: "${p.id}", version: ${p.version}, reason: MOVED_OUT, note: "迁往兰州") { id version } }`,
    );
    expect((await figures()).population.residents).toBe(before.population.residents - 1);

    // Registering the number again is refused, pointing to reinstatement.
    const again = await hub.queryAs(writer, `mutation($i: PersonInput!) { registerPerson(input: $i) { id } }`, {
      i: { name: `恢复登记${run}`, idNumber, ethnicity: '汉族', residency: 'REGISTERED', gridCode: G1 },
    });
    expect(code(again)).toBe('CONFLICT');
    expect(again.errors![0]!.extensions).toMatchObject({ rule: 'deregisteredNumber', argument: 'idNumber', personId: p.id });
    expect(again.errors![0]!.message).toMatch(/^idNumber belongs to a deregistered resident: .*reinstatePerson.* \(person \d+\)\.$/);

    const reinstate = (token: string, id: string, version: number, extra = '') =>
      hub.queryAs<{ reinstatePerson: { id: string; version: number; status: string; gridCode: string; deregisteredAt: string | null } }>(
        token,
        `mutation { reinstatePerson(id: "${id}", version: ${version}${extra}) { id version status deregisteredAt deregistrationReason deregistrationNote grid { code } } }`,
      );
    const active = await reinstate(writer, other.id, other.version);
    expect(code(active)).toBe('INVALID_TRANSITION');
    expect(active.errors![0]!.extensions).toMatchObject({ status: 'ACTIVE' });
    // A stale copy hears it is stale before it hears what became of the person (a version of 0 was never any record's).
    const renamed = await hub.dataAs<{ updatePerson: Versioned }>(
      writer,
      `mutation { updatePerson(id: "${other.id}", version: ${other.version}, input: { name: "再册${run}" }) { id version } }`,
    );
    expect(code(await reinstate(writer, other.id, renamed.updatePerson.version - 1))).toBe('CONFLICT');
    expect(code(await reinstate(writer, other.id, 0))).toBe('BAD_USER_INPUT');
    expect(code(await reinstate(writer, p.id, gone.deregisterPerson.version - 1))).toBe('CONFLICT');
    expect(code(await reinstate(reader, p.id, gone.deregisterPerson.version))).toBe('FORBIDDEN');
    const elsewhere = await hub.token({ jurisdiction: '623021', scopes: ['read', 'write'] });
    expect(code(await reinstate(elsewhere, p.id, gone.deregisterPerson.version))).toBe('NOT_FOUND');
    expect(code(await reinstate(writer, p.id, gone.deregisterPerson.version, `, gridCode: "999999999999001"`))).not.toBeUndefined();
    expect(await personVersion(p.id)).toBe(gone.deregisterPerson.version);

    const back = await reinstate(writer, p.id, gone.deregisterPerson.version, `, gridCode: "${G2}", note: "2026年12月迁回"`);
    expect(back.errors).toBeUndefined();
    expect(back.data!.reinstatePerson).toMatchObject({
      id: p.id,
      status: 'ACTIVE',
      deregisteredAt: null,
      deregistrationReason: null,
      deregistrationNote: null,
      grid: { code: G2 },
    });
    expect(back.data!.reinstatePerson.version).toBeGreaterThan(gone.deregisterPerson.version);
    expect((await figures()).population.residents).toBe(before.population.residents);

    // History, newest first: the move to the grid they live in now, the reinstatement with its note, the deregistration.
    const hist = await hub.dataAs<{ person: { history: Paged<Entry> } }>(reader, `{ person(id: "${p.id}") { history { nodes { ${ENTRY} } } } }`);
    const [moved, reinstated, deregistered] = hist.person.history.nodes;
    expect(moved).toMatchObject({ changedFields: ['gridCode'], before: { gridCode: G1, status: 'ACTIVE' }, after: { gridCode: G2 } });
    expect(reinstated).toMatchObject({
      changedFields: ['status'],
      note: '2026年12月迁回',
      deregistrationReason: null,
      before: { status: 'DEREGISTERED' },
      after: { status: 'ACTIVE', gridCode: G1 },
    });
    expect(deregistered).toMatchObject({ deregistrationReason: 'MOVED_OUT', note: '迁往兰州', after: { status: 'DEREGISTERED' } });
    // The change feed tells integrators of both transitions.
    const { got } = await changes(feedStart, 'RESIDENT');
    const mine = got.filter((c) => c.recordId === p.id && c.op === 'TRANSITION');
    expect(mine.map((c) => [c.statusFrom, c.statusTo])).toEqual([
      ['ACTIVE', 'DEREGISTERED'],
      ['DEREGISTERED', 'ACTIVE'],
    ]);
  });

  it('an update that changes nothing writes no change entry, and an import leaves its history entry', async () => {
    const h = await registerHousehold(G1, `LC-${run}-3`);
    const name = `无变化${run}`;
    const p = await registerPerson(name, G1, h.id);
    const { after: start } = await changes(null, 'RESIDENT');
    // The same name again: whatever the version does, the feed has nothing to report.
    await hub.dataAs(writer, `mutation { updatePerson(id: "${p.id}", version: ${p.version}, input: { name: "${name}" }) { id } }`);
    const idNumber = (await hub.dataAs<{ person: { idNumber: string } }>(writer, `{ person(id: "${p.id}") { idNumber } }`)).person.idNumber;
    expect((await changes(start, 'RESIDENT')).got.filter((c) => c.recordId === p.id)).toEqual([]);
    const hist0 = await hub.dataAs<{ person: { history: Counted } }>(reader, `{ person(id: "${p.id}") { history { totalCount } } }`);
    expect(hist0.person.history.totalCount).toBe(0);

    // A file import that tags the person: the trigger records it, with the importer, as an import.
    const csv = `id_number,name,ethnicity,residency,grid_code,tags\n${idNumber},${name},藏族,REGISTERED,${G1},EXTREME_POVERTY\n`;
    const res = await fetch(new URL('/import/residents', hub.gatewayUrl), {
      method: 'POST',
      headers: { authorization: `Bearer ${writer}`, 'content-type': 'text/csv' },
      body: csv,
    });
    expect(res.status).toBe(200);
    await res.text();
    const hist = await hub.dataAs<{ person: { history: Nodes<Entry> } }>(reader, `{ person(id: "${p.id}") { history { nodes { ${ENTRY} } } } }`);
    expect(hist.person.history.nodes[0]).toMatchObject({
      by: 'life-cycle-writer',
      byName: 'test caller',
      via: 'IMPORT',
      after: { tags: ['EXTREME_POVERTY'] },
    });
    expect(hist.person.history.nodes[0]!.changedFields).toContain('tags');
  }, 180_000);

  it('loads the history of many people without a statement per person', async () => {
    const q = `query($n: Int!) { village(code: "${VILLAGE}") { residents(first: $n) { nodes { id history(first: 3) { totalCount nodes { at by before { gridCode } } } } } } }`;
    await hub.dataAs(reader, q, { n: 50 });
    const a = await hub.countStatements(() => hub.queryAs(reader, q, { n: 3 }));
    const b = await hub.countStatements(() => hub.queryAs(reader, q, { n: 50 }));
    expect(b).toBe(a);
  }, 120_000);

  it('another county cannot deregister, read-only callers cannot, and another county sees neither the person nor the history', async () => {
    const h = await registerHousehold(G1, `LC-${run}-4`);
    await registerPerson(`外县${run}`, G1, h.id);
    const p = await registerPerson(`外县${run}乙`, G1, h.id);
    const neighbour = await hub.token({ jurisdiction: '623021', scopes: ['read', 'write', 'pii'] });
    expect(code(await hub.queryAs(neighbour, `mutation { deregisterPerson(id: "${p.id}", version: ${p.version}, reason: DUPLICATE) { id } }`))).toBe(
      'NOT_FOUND',
    );
    expect(code(await hub.queryAs(reader, `mutation { deregisterPerson(id: "${p.id}", version: ${p.version}, reason: DUPLICATE) { id } }`))).toBe('FORBIDDEN');
    const seen = await hub.queryAs<{ person: null }>(neighbour, `{ person(id: "${p.id}") { id history { totalCount } } }`);
    expect(seen.errors).toBeUndefined();
    expect(seen.data!.person).toBeNull();
    expect((await hub.dataAs<{ person: { status: string } }>(reader, `{ person(id: "${p.id}") { status } }`)).person.status).toBe('ACTIVE');
    // A note is at most 500 characters (Chinese by default).
    const zh = await hub.query(
      `mutation { deregisterPerson(id: "${p.id}", version: ${p.version}, reason: MOVED_OUT, note: "${'长'.repeat(501)}") { id } }`,
      undefined,
      {
        'accept-language': 'zh',
      },
    );
    expect(zh.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'note' });
    // The note named in Chinese, as a form shows it; extensions.argument keeps the argument's name.
    expect(zh.errors?.[0]?.message).toMatch(/^说明 须为 1–500 个字符/);
  }, 120_000);
});

describe('ending households, houses and 十户联防 groups', () => {
  it('a group is disbanded before its leader goes; a household is dissolved once empty; a house once nobody lives in it', async () => {
    const { after: start } = await changes(null, 'HOUSEHOLD, JOINT_DEFENSE_GROUP, HOUSE');
    const house = (
      await hub.dataAs<{ registerHouse: Versioned }>(writer, `mutation($i: HouseInput!) { registerHouse(input: $i) { id version } }`, {
        i: { gridCode: G1, number: `LC-${run}-H`, use: 'SELF_OCCUPIED' },
      })
    ).registerHouse;
    const h = await registerHousehold(G1, `LC-${run}-5`, house.id);
    const leader = await registerPerson(`联户长${run}`, G1, h.id);
    const group = (
      await hub.dataAs<{ createJointDefenseGroup: Versioned }>(
        writer,
        `mutation { createJointDefenseGroup(input: { gridCode: "${G1}", name: "生命周期联防组${run}", householdIds: ["${h.id}"], leaderId: "${leader.id}" }) { id version } }`,
      )
    ).createJointDefenseGroup;

    // The leader cannot go while leading: appoint another leader first (as removing the leader's household says).
    const led = await hub.queryAs(writer, `mutation { deregisterPerson(id: "${leader.id}", version: ${leader.version}, reason: MOVED_OUT) { id } }`);
    expect(code(led)).toBe('CONFLICT');
    expect(led.errors![0]!.message).toMatch(/appoint another leader first/);
    // A household with members cannot be dissolved; a house with a household cannot be deregistered.
    const hv = (await hub.dataAs<{ household: { version: number } }>(reader, `{ household(id: "${h.id}") { version } }`)).household.version;
    const full = await hub.queryAs(writer, `mutation { dissolveHousehold(id: "${h.id}", version: ${hv}, reason: MOVED_OUT) { recordId } }`);
    expect(code(full)).toBe('CONFLICT');
    expect(full.errors![0]!.message).toMatch(new RegExp(`persons ${leader.id}`));
    const lived = await hub.queryAs(writer, `mutation { deregisterHouse(id: "${house.id}", version: ${house.version}, reason: DEMOLISHED) { recordId } }`);
    expect(code(lived)).toBe('CONFLICT');
    expect(lived.errors![0]!.message).toMatch(/move them first/);

    // Disbanding the group: its household is in no group afterwards, and the group counts no more.
    const before = await figures();
    const wrongReason = await hub.queryAs(
      writer,
      `mutation { disbandJointDefenseGroup(id: "${group.id}", version: ${group.version}, reason: DEMOLISHED) { recordId } }`,
    );
    expect(code(wrongReason)).toBe('BAD_USER_INPUT');
    const disbanded = await hub.dataAs<{
      disbandJointDefenseGroup: { kind: string; recordId: string; label: string; endedBy: string; reason: string; note: string; village: { code: string } };
    }>(
      writer,
      `mutation { disbandJointDefenseGroup(id: "${group.id}", version: ${group.version}, reason: REORGANISED, note: "并入邻组") { kind recordId label endedBy reason note village { code } } }`,
    );
    expect(disbanded.disbandJointDefenseGroup).toMatchObject({
      kind: 'JOINT_DEFENSE_GROUP',
      recordId: group.id,
      label: `生命周期联防组${run}`,
      endedBy: 'life-cycle-writer',
      reason: 'REORGANISED',
      note: '并入邻组',
      village: { code: VILLAGE },
    });
    const afterGroup = await figures();
    expect(afterGroup.forces.jointDefenseGroups).toBe(before.forces.jointDefenseGroups - 1);
    expect(afterGroup.forces.householdsInGroups).toBe(before.forces.householdsInGroups - 1);
    const state = await hub.dataAs<{ jointDefenseGroup: null; household: { jointDefenseGroup: null; version: number } }>(
      reader,
      `{ jointDefenseGroup(id: "${group.id}") { id } household(id: "${h.id}") { jointDefenseGroup { id } version } }`,
    );
    expect(state.jointDefenseGroup).toBeNull();
    expect(state.household.jointDefenseGroup).toBeNull();

    // Now the leader, the household's only member and head, may go: the headship ends with them.
    const v = await personVersion(leader.id);
    await hub.dataAs(writer, `mutation { deregisterPerson(id: "${leader.id}", version: ${v}, reason: MOVED_OUT) { id } }`);
    const emptied = await hub.dataAs<{ household: { head: null; members: unknown[]; version: number } }>(
      reader,
      `{ household(id: "${h.id}") { head { id } members { id } version } }`,
    );
    expect(emptied.household).toMatchObject({ head: null, members: [] });

    // The empty household is dissolved, then the house nobody lives in any more.
    const dissolved = await hub.dataAs<{ dissolveHousehold: { kind: string; recordId: string; label: string; reason: string } }>(
      writer,
      `mutation { dissolveHousehold(id: "${h.id}", version: ${emptied.household.version}, reason: NO_MEMBERS) { kind recordId label reason } }`,
    );
    expect(dissolved.dissolveHousehold).toEqual({ kind: 'HOUSEHOLD', recordId: h.id, label: `LC-${run}-5`, reason: 'NO_MEMBERS' });
    await hub.dataAs(writer, `mutation { deregisterHouse(id: "${house.id}", version: ${house.version}, reason: DEMOLISHED) { recordId } }`);
    const end = await figures();
    expect(end.population.households).toBe(before.population.households - 1);
    expect(end.population.houses).toBe(before.population.houses - 1);
    expect(end.population.residents).toBe(before.population.residents - 1);
    const ended = await hub.dataAs<{ household: null; house: null; person: { status: string; household: null } }>(
      reader,
      `{ household(id: "${h.id}") { id } house(id: "${house.id}") { id } person(id: "${leader.id}") { status household { id } } }`,
    );
    expect(ended).toEqual({ household: null, house: null, person: { status: 'DEREGISTERED', household: null } });

    // The feed carries each ending as a deletion, and the group's release of the household as its update.
    const feed = (await changes(start, 'HOUSEHOLD, JOINT_DEFENSE_GROUP, HOUSE')).got.filter((c) =>
      [`HOUSEHOLD:${h.id}`, `JOINT_DEFENSE_GROUP:${group.id}`, `HOUSE:${house.id}`].includes(`${c.kind}:${c.recordId}`),
    );
    expect(feed.filter((c) => c.op === 'DELETED').map((c) => c.kind)).toEqual(['JOINT_DEFENSE_GROUP', 'HOUSEHOLD', 'HOUSE']);
    expect(feed.find((c) => c.kind === 'HOUSEHOLD' && c.changedFields?.includes('jointDefenseGroup'))).toBeDefined();
    expect(feed.find((c) => c.kind === 'HOUSEHOLD' && c.changedFields?.includes('head'))).toBeDefined();
  }, 180_000);
});

describe('a house households live in is not deregistered', () => {
  it('names the households by 户号 where the caller may read them, counts the others, and says how to leave the house (rule houseLivedIn)', async () => {
    const house = (
      await hub.dataAs<{ registerHouse: Versioned }>(writer, `mutation($i: HouseInput!) { registerHouse(input: $i) { id version } }`, {
        i: { gridCode: G1, number: `LC-${run}-LIV`, use: 'SELF_OCCUPIED' },
      })
    ).registerHouse;
    const here = await registerHousehold(G1, `LC-${run}-LIV1`, house.id);
    // A household of another grid in the house is kept from before householdHouseGrid (no write makes one now).
    const there = await registerHousehold(G2, `LC-${run}-LIV2`);
    const db = new pg.Client({ connectionString: inject('dbs').village.migrationUrl });
    await db.connect();
    try {
      await db.query(`update household set house_id = $1 where id = $2`, [house.id, there.id]);
    } finally {
      await db.end();
    }
    const end = (token: string) =>
      hub.queryAs(token, `mutation { deregisterHouse(id: "${house.id}", version: ${house.version}, reason: DEMOLISHED) { recordId } }`);
    const county = await end(writer);
    expect(code(county)).toBe('CONFLICT');
    expect(county.errors![0]!.extensions).toMatchObject({
      rule: 'houseLivedIn',
      householdCount: 2,
      householdIds: [here.id, there.id],
      householdNumbers: [`LC-${run}-LIV1`, `LC-${run}-LIV2`],
    });
    expect(county.errors![0]!.message).toMatch(/moveHousehold .*houseId: null/);
    // A grid's desk sees its grid's household by number; the other grid's is counted, not named.
    const grid = await hub.token({ jurisdiction: G1, scopes: ['read', 'write'], subject: `life-cycle-grid-${run}` });
    const mine = await end(grid);
    expect(code(mine)).toBe('CONFLICT');
    expect(mine.errors![0]!.extensions).toMatchObject({ rule: 'houseLivedIn', householdCount: 2, householdIds: [here.id], householdsOutside: 1 });
    expect(mine.errors![0]!.message).toContain(`LC-${run}-LIV1`);
    expect(mine.errors![0]!.message).not.toContain(`LC-${run}-LIV2`);
  }, 60_000);
});

describe('an ended household, house or 十户联防 group ended or changed again', () => {
  /** The refusal an end or change of an ended record gets: when, by whom and why it ended, never "not found". */
  function alreadyEnded(r: GraphQLResponse, what: string, id: string, reason: string, zhReason: string, note: string, then = '不能再次结束') {
    expect(code(r)).toBe('INVALID_TRANSITION');
    const e = r.errors![0]!;
    // endedBy is who ended it as EndedRecord.endedBy gives it (the caller's subject), the name beside it; people read the name.
    expect(e.extensions).toMatchObject({
      rule: 'alreadyEnded',
      status: 'ENDED',
      endReason: reason,
      endNote: note,
      endedBy: 'life-cycle-writer',
      endedByName: 'test caller',
    });
    expect(e.extensions?.endedAt).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT/));
    expect(e.message).toMatch(
      new RegExp(
        `^${what} ${id} 已于 \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d（北京时间）由 test caller 结束（原因：${zhReason}（${reason}），说明：${note}），${then}。$`,
      ),
    );
  }
  const CHANGE = '已结束的记录只作历史保留，不能修改';
  /** The request as a desk sends it, asking for Chinese. */
  const zh = <T = Record<string, unknown>>(token: string, query: string, variables?: Record<string, unknown>) =>
    hub.query<T>(query, variables, { authorization: `Bearer ${token}`, 'accept-language': 'zh' });

  it('a house: the same end again answers the ended record; another reason, version or caller, or a change, hears when and why it ended', async () => {
    const house = (
      await hub.dataAs<{ registerHouse: Versioned }>(writer, `mutation($i: HouseInput!) { registerHouse(input: $i) { id version } }`, {
        i: { gridCode: G1, number: `LC-${run}-AE`, use: 'SELF_OCCUPIED' },
      })
    ).registerHouse;
    const end = (reason: string, version = house.version, token = writer) =>
      zh<{ deregisterHouse: { recordId: string; reason: string; note: string } }>(
        token,
        `mutation($id: ID!, $v: Int!, $r: EndReason!) { deregisterHouse(id: $id, version: $v, reason: $r, note: "旧房改造") { recordId reason note } }`,
        { id: house.id, v: version, r: reason },
      );
    const first = await end('DEMOLISHED');
    expect(first.errors).toBeUndefined();
    // Sent again after its answer was lost: the ended record, not a second end nor "not found".
    const again = await end('DEMOLISHED');
    expect(again.errors).toBeUndefined();
    expect(again.data).toEqual(first.data);
    alreadyEnded(await end('MERGED'), '实有房屋', house.id, 'DEMOLISHED', '拆除', '旧房改造');
    alreadyEnded(await end('DEMOLISHED', house.version + 1), '实有房屋', house.id, 'DEMOLISHED', '拆除', '旧房改造');
    const colleague = await hub.token({ jurisdiction: '623022', scopes: ['read', 'write'], subject: `life-cycle-colleague-${run}` });
    alreadyEnded(await end('DEMOLISHED', house.version, colleague), '实有房屋', house.id, 'DEMOLISHED', '拆除', '旧房改造');
    const change = await zh(writer, `mutation { updateHouse(id: "${house.id}", version: ${house.version}, input: { area: 80 }) { id } }`);
    alreadyEnded(change, '实有房屋', house.id, 'DEMOLISHED', '拆除', '旧房改造', CHANGE);
    // Another county still hears nothing of it; a reader may not write it.
    const neighbour = await hub.token({ jurisdiction: '623021', scopes: ['read', 'write'] });
    expect(code(await end('MERGED', house.version, neighbour))).toBe('NOT_FOUND');
    expect(code(await end('MERGED', house.version, reader))).toBe('FORBIDDEN');
  }, 120_000);

  it('a household and a group: ended again, updated, moved, led or joined, each says when and why it ended', async () => {
    const h = await registerHousehold(G1, `LC-${run}-AE1`);
    const home = await registerHousehold(G1, `LC-${run}-AE2`);
    const leader = await registerPerson(`再次撤销${run}`, G1, home.id);
    const group = (
      await hub.dataAs<{ createJointDefenseGroup: Versioned }>(
        writer,
        `mutation { createJointDefenseGroup(input: { gridCode: "${G1}", name: "再次撤销联防组${run}", householdIds: ["${home.id}"], leaderId: "${leader.id}" }) { id version } }`,
      )
    ).createJointDefenseGroup;
    await hub.dataAs(writer, `mutation { dissolveHousehold(id: "${h.id}", version: ${h.version}, reason: NO_MEMBERS, note: "户内无人") { recordId } }`);
    const dissolved = await hub.dataAs(
      writer,
      `mutation { dissolveHousehold(id: "${h.id}", version: ${h.version}, reason: NO_MEMBERS, note: "户内无人") { recordId } }`,
    );
    expect(dissolved).toEqual({ dissolveHousehold: { recordId: h.id } });
    const household = (r: GraphQLResponse, then?: string) => alreadyEnded(r, '户', h.id, 'NO_MEMBERS', '户内无人', '户内无人', then);
    household(await zh(writer, `mutation { dissolveHousehold(id: "${h.id}", version: ${h.version}, reason: DUPLICATE, note: "户内无人") { recordId } }`));
    household(await zh(writer, `mutation { dissolveHousehold(id: "${h.id}", version: ${h.version}, reason: NO_MEMBERS) { recordId } }`));
    household(await zh(writer, `mutation { updateHousehold(id: "${h.id}", version: ${h.version}, input: { number: "改" }) { id } }`), CHANGE);
    household(await zh(writer, `mutation { moveHousehold(id: "${h.id}", version: ${h.version}, input: { gridCode: "${G2}" }) { id } }`), CHANGE);

    await hub.dataAs(
      writer,
      `mutation { disbandJointDefenseGroup(id: "${group.id}", version: ${group.version}, reason: REORGANISED, note: "并入邻组") { recordId } }`,
    );
    const ended = (r: GraphQLResponse, then?: string) => alreadyEnded(r, '十户联防组', group.id, 'REORGANISED', '调整撤并', '并入邻组', then);
    ended(
      await zh(writer, `mutation { disbandJointDefenseGroup(id: "${group.id}", version: ${group.version}, reason: MERGED, note: "并入邻组") { recordId } }`),
    );
    ended(
      await zh(writer, `mutation { setJointDefenseGroupLeader(groupId: "${group.id}", version: ${group.version}, leaderId: "${leader.id}") { id } }`),
      CHANGE,
    );
    ended(
      await zh(writer, `mutation { assignHouseholdsToGroup(groupId: "${group.id}", version: ${group.version}, householdIds: ["${home.id}"]) { id } }`),
      CHANGE,
    );
    // A record that never was is still NOT_FOUND.
    expect(code(await zh(writer, `mutation { updateHousehold(id: "99999999", version: 1, input: { number: "改" }) { id } }`))).toBe('NOT_FOUND');
  }, 120_000);
});

describe('a key site and a standard address end', () => {
  interface Ended {
    kind: string;
    recordId: string;
    label: string;
    reason: string;
    note: string | null;
    endedBy: string;
    village: { code: string };
  }
  const ENDED = 'kind recordId label reason note endedBy village { code }';
  /** The request as a desk sends it, asking for Chinese. */
  const zh = <T = Record<string, unknown>>(token: string, query: string, variables?: Record<string, unknown>) =>
    hub.query<T>(query, variables, { authorization: `Bearer ${token}`, 'accept-language': 'zh' });
  async function registerAddress(number: string, gridCode = G1): Promise<Versioned> {
    return (
      await hub.dataAs<{ registerAddress: Versioned }>(writer, `mutation($i: AddressInput!) { registerAddress(input: $i) { id version } }`, {
        i: { gridCode, number, text: `生命周期村${number}号` },
      })
    ).registerAddress;
  }
  async function registerSite(name: string, addressId: string | null, kind = 'SCHOOL'): Promise<Versioned> {
    return (
      await hub.dataAs<{ registerSite: Versioned }>(writer, `mutation($i: SiteInput!) { registerSite(input: $i) { id version } }`, {
        i: { gridCode: G1, name, kind, addressId },
      })
    ).registerSite;
  }
  async function counts(): Promise<{ sites: number; schools: number; addresses: number; addressFigure: number }> {
    const d = await hub.dataAs<{
      village: { sites: { totalCount: number }; schools: { totalCount: number }; addresses: { totalCount: number }; population: { addresses: number } };
    }>(
      reader,
      `{ village(code: "${VILLAGE}") { sites(first: 0) { totalCount } schools: sites(kind: SCHOOL, first: 0) { totalCount } addresses(first: 0) { totalCount } population { addresses } } }`,
    );
    const v = d.village;
    return { sites: v.sites.totalCount, schools: v.schools.totalCount, addresses: v.addresses.totalCount, addressFigure: v.population.addresses };
  }
  async function ended(kind: string): Promise<Ended[]> {
    const d = await hub.dataAs<{ village: { endedRecords: Nodes<Ended> } }>(
      reader,
      `{ village(code: "${VILLAGE}") { endedRecords(kind: ${kind}, first: 500) { nodes { ${ENDED} } } } }`,
    );
    return d.village.endedRecords.nodes;
  }
  function alreadyEnded(r: GraphQLResponse, what: string, id: string, reason: string) {
    expect(code(r)).toBe('INVALID_TRANSITION');
    const e = r.errors![0]!;
    expect(e.extensions).toMatchObject({ rule: 'alreadyEnded', status: 'ENDED', endReason: reason, endedBy: 'life-cycle-writer', endedByName: 'test caller' });
    expect(e.message).toMatch(new RegExp(`^${what} ${id} 已于 \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d（北京时间）由 test caller 结束`));
  }
  function referenceEnded(r: GraphQLResponse, argument: string, id: string) {
    expect(code(r)).toBe('BAD_USER_INPUT');
    expect(r.errors![0]!.extensions).toMatchObject({ argument, rule: 'referenceEnded', recordId: id });
  }

  it('a closed school: out of the lists and counts, in endedRecords and the feed; a resend answers it, a stale or foreign end does not', async () => {
    const address = await registerAddress(`LC-${run}-SA`);
    const site = await registerSite(`关停小学${run}`, address.id);
    const { after: start } = await changes(null, 'SITE');
    const before = await counts();
    const end = (args: string, token = writer) => zh<{ deregisterSite: Ended }>(token, `mutation { deregisterSite(id: "${site.id}", ${args}) { ${ENDED} } }`);

    // A stale version, a reason a site does not end for, another county's or a reader's token: refused, nothing ended.
    expect(code(await end(`version: ${site.version + 1}, reason: CLOSED`))).toBe('CONFLICT');
    expect(code(await end(`version: ${site.version}, reason: NO_MEMBERS`))).toBe('BAD_USER_INPUT');
    const neighbour = await hub.token({ jurisdiction: '623021', scopes: ['read', 'write'], subject: `life-cycle-neighbour-${run}` });
    expect(code(await end(`version: ${site.version}, reason: CLOSED`, neighbour))).toBe('NOT_FOUND');
    expect(code(await end(`version: ${site.version}, reason: CLOSED`, reader))).toBe('FORBIDDEN');

    const first = await end(`version: ${site.version}, reason: CLOSED, note: "学校撤并"`);
    expect(first.errors).toBeUndefined();
    expect(first.data!.deregisterSite).toEqual({
      kind: 'SITE',
      recordId: site.id,
      label: `关停小学${run}`,
      reason: 'CLOSED',
      note: '学校撤并',
      endedBy: 'life-cycle-writer',
      village: { code: VILLAGE },
    });
    // Sent again after its answer was lost: the ended record, not a second end nor "not found".
    const again = await end(`version: ${site.version}, reason: CLOSED, note: "学校撤并"`);
    expect(again.errors).toBeUndefined();
    expect(again.data).toEqual(first.data);
    const colleague = await hub.token({ jurisdiction: '623022', scopes: ['read', 'write'], subject: `life-cycle-site-colleague-${run}` });
    alreadyEnded(await end(`version: ${site.version}, reason: DEMOLISHED`), '重点场所', site.id, 'CLOSED');
    alreadyEnded(await end(`version: ${site.version}, reason: CLOSED, note: "学校撤并"`, colleague), '重点场所', site.id, 'CLOSED');
    alreadyEnded(
      await zh(writer, `mutation { updateSite(id: "${site.id}", version: ${site.version}, input: { name: "改名" }) { id } }`),
      '重点场所',
      site.id,
      'CLOSED',
    );

    // Out of the lists and counts, and of reads by id; in the village's ended records and, as a deletion, the feed.
    const after = await counts();
    expect(after.sites).toBe(before.sites - 1);
    expect(after.schools).toBe(before.schools - 1);
    expect((await hub.dataAs<{ site: null }>(reader, `{ site(id: "${site.id}") { id } }`)).site).toBeNull();
    expect((await ended('SITE')).find((e) => e.recordId === site.id)).toMatchObject({ kind: 'SITE', reason: 'CLOSED', note: '学校撤并' });
    expect((await ended('HOUSE')).map((e) => e.recordId)).not.toContain(site.id);
    const feed = (await changes(start, 'SITE')).got.filter((c) => c.recordId === site.id);
    expect(feed.map((c) => c.op)).toEqual(['DELETED']);
    // Another county still hears nothing of it.
    expect((await hub.dataAs<{ site: null }>(neighbour, `{ site(id: "${site.id}") { id } }`)).site).toBeNull();
    expect(code(await hub.queryAs(neighbour, `{ village(code: "${VILLAGE}") { endedRecords(kind: SITE) { totalCount } } }`))).toBe('FORBIDDEN');
  }, 180_000);

  it('an address ends only once nothing stands at it; ended, it is history no write may name', async () => {
    const address = await registerAddress(`LC-${run}-A`);
    const house = (
      await hub.dataAs<{ registerHouse: Versioned }>(writer, `mutation($i: HouseInput!) { registerHouse(input: $i) { id version } }`, {
        i: { gridCode: G1, number: `LC-${run}-AH`, use: 'VACANT', addressId: address.id },
      })
    ).registerHouse;
    const household = (
      await hub.dataAs<{ registerHousehold: Versioned }>(writer, `mutation($i: HouseholdInput!) { registerHousehold(input: $i) { id version } }`, {
        i: { gridCode: G1, number: `LC-${run}-AHH`, addressId: address.id },
      })
    ).registerHousehold;
    const resident = (
      await hub.dataAs<{ registerPerson: Versioned }>(writer, `mutation($i: PersonInput!) { registerPerson(input: $i) { id version } }`, {
        i: {
          name: `地址住户${run}`,
          idNumber: makeCitizenId('623022', '1961-06-13', seq++),
          ethnicity: '藏族',
          residency: 'REGISTERED',
          gridCode: G1,
          addressId: address.id,
        },
      })
    ).registerPerson;
    const site = await registerSite(`地址寺庙${run}`, address.id, 'RELIGIOUS_SITE');
    const { after: start } = await changes(null, 'ADDRESS');
    const end = (args: string, token = writer) =>
      zh<{ deregisterAddress: Ended }>(token, `mutation { deregisterAddress(id: "${address.id}", ${args}) { ${ENDED} } }`);

    // Still in use: refused, naming how many of each stand there and which.
    const inUse = await end(`version: ${address.version}, reason: DEMOLISHED`);
    expect(code(inUse)).toBe('CONFLICT');
    expect(inUse.errors![0]!.extensions).toMatchObject({
      rule: 'addressInUse',
      counts: { houses: 1, households: 1, residents: 1, sites: 1 },
      houseIds: [house.id],
      householdIds: [household.id],
      residentIds: [resident.id],
      siteIds: [site.id],
    });
    expect(inUse.errors![0]!.message).toContain(`标准地址 ${address.id} 仍被使用`);
    expect(code(await end(`version: ${address.version + 1}, reason: DEMOLISHED`))).toBe('CONFLICT');
    expect(code(await end(`version: ${address.version}, reason: CLOSED`))).toBe('BAD_USER_INPUT');

    // Each ended in turn (the resident deregistered leaves the address), the last refusal names the site alone.
    await hub.dataAs(writer, `mutation { deregisterPerson(id: "${resident.id}", version: ${resident.version}, reason: MOVED_OUT) { id } }`);
    await hub.dataAs(writer, `mutation { dissolveHousehold(id: "${household.id}", version: ${household.version}, reason: MOVED_OUT) { recordId } }`);
    await hub.dataAs(writer, `mutation { deregisterHouse(id: "${house.id}", version: ${house.version}, reason: DEMOLISHED) { recordId } }`);
    const onlySite = await end(`version: ${address.version}, reason: DEMOLISHED`);
    expect(onlySite.errors![0]!.extensions).toMatchObject({
      code: 'CONFLICT',
      rule: 'addressInUse',
      counts: { houses: 0, households: 0, residents: 0, sites: 1 },
      siteIds: [site.id],
    });
    await hub.dataAs(writer, `mutation { deregisterSite(id: "${site.id}", version: ${site.version}, reason: DEMOLISHED) { recordId } }`);

    const before = await counts();
    const first = await end(`version: ${address.version}, reason: DEMOLISHED, note: "整村搬迁"`);
    expect(first.errors).toBeUndefined();
    expect(first.data!.deregisterAddress).toMatchObject({ kind: 'ADDRESS', recordId: address.id, label: `LC-${run}-A`, reason: 'DEMOLISHED' });
    const again = await end(`version: ${address.version}, reason: DEMOLISHED, note: "整村搬迁"`);
    expect(again.data).toEqual(first.data);
    alreadyEnded(await end(`version: ${address.version}, reason: MERGED`), '标准地址', address.id, 'DEMOLISHED');
    alreadyEnded(
      await zh(writer, `mutation { updateAddress(id: "${address.id}", version: ${address.version}, input: { text: "改" }) { id } }`),
      '标准地址',
      address.id,
      'DEMOLISHED',
    );

    const after = await counts();
    expect(after.addresses).toBe(before.addresses - 1);
    expect(after.addressFigure).toBe(before.addressFigure - 1);
    expect((await hub.dataAs<{ address: null }>(reader, `{ address(id: "${address.id}") { id } }`)).address).toBeNull();
    expect((await ended('ADDRESS')).find((e) => e.recordId === address.id)).toMatchObject({ kind: 'ADDRESS', note: '整村搬迁' });
    expect((await changes(start, 'ADDRESS')).got.filter((c) => c.recordId === address.id).map((c) => c.op)).toEqual(['DELETED']);

    // A new write naming it, by form or by file, hears that it ended.
    referenceEnded(
      await hub.queryAs(writer, `mutation($i: HouseInput!) { registerHouse(input: $i) { id } }`, {
        i: { gridCode: G1, number: `LC-${run}-AH2`, use: 'VACANT', addressId: address.id },
      }),
      'addressId',
      address.id,
    );
    const named = await zh(writer, `mutation($i: SiteInput!) { registerSite(input: $i) { id } }`, {
      i: { gridCode: G1, name: `新场所${run}`, kind: 'MARKET', addressId: address.id },
    });
    referenceEnded(named, 'addressId', address.id);
    expect(named.errors![0]!.message).toMatch(new RegExp(`所指的标准地址 ${address.id} 已于 \\d{4}-\\d\\d-\\d\\d 注销（原因：拆除）`));
    const file = await postImport(
      new URL(hub.gatewayUrl).origin,
      writer,
      'sites',
      `grid_code,external_id,name,kind,address_id\n${G1},LC-${run}-F,文件场所${run},MARKET,${address.id}\n`,
      `lc-site-${run}`,
    );
    expect(file.rejects[0]).toMatchObject({ field: 'address_id', code: 'BAD_USER_INPUT', rule: 'referenceEnded' });
    // Another county's writer is told nothing of it.
    const neighbour = await hub.token({ jurisdiction: '623021', scopes: ['read', 'write'], subject: `life-cycle-neighbour-a-${run}` });
    expect(code(await end(`version: ${address.version}, reason: DEMOLISHED`, neighbour))).toBe('NOT_FOUND');
  }, 180_000);

  it("a grid worker's refusal to end its grid's address names what it reads, and counts another grid's records without kind or id", async () => {
    const address = await registerAddress(`LC-${run}-GW`);
    const house = (
      await hub.dataAs<{ registerHouse: Versioned }>(writer, `mutation($i: HouseInput!) { registerHouse(input: $i) { id version } }`, {
        i: { gridCode: G1, number: `LC-${run}-GWH`, use: 'VACANT', addressId: address.id },
      })
    ).registerHouse;
    // A resident of the village's other grid who gives this address: not the grid worker's to read.
    const elsewhere = (
      await hub.dataAs<{ registerPerson: Versioned }>(writer, `mutation($i: PersonInput!) { registerPerson(input: $i) { id version } }`, {
        i: {
          name: `邻格住户${run}`,
          idNumber: makeCitizenId('623022', '1961-06-13', seq++),
          ethnicity: '藏族',
          residency: 'REGISTERED',
          gridCode: G2,
          addressId: address.id,
        },
      })
    ).registerPerson;
    const gridWorker = await hub.token({ jurisdiction: G1, scopes: ['read', 'write'], subject: `life-cycle-grid-worker-${run}` });
    const refused = await zh(gridWorker, `mutation { deregisterAddress(id: "${address.id}", version: ${address.version}, reason: DEMOLISHED) { recordId } }`);
    expect(code(refused)).toBe('CONFLICT');
    const e = refused.errors![0]!;
    expect(e.extensions).toMatchObject({
      rule: 'addressInUse',
      counts: { houses: 1, households: 0, residents: 0, sites: 0 },
      houseIds: [house.id],
      residentIds: [],
      recordsOutside: 1,
    });
    expect(e.message).toContain(`1 个实有房屋（编号 ${house.id}）`);
    expect(e.message).toContain('您的辖区以外的 1 条记录');
    expect(e.message).not.toContain('在册人员');
    expect(e.message).not.toContain(elsewhere.id);
    // The village's writer reads both, and is told both by kind and id.
    const all = await zh(writer, `mutation { deregisterAddress(id: "${address.id}", version: ${address.version}, reason: DEMOLISHED) { recordId } }`);
    expect(all.errors![0]!.extensions).toMatchObject({ counts: { houses: 1, residents: 1 }, residentIds: [elsewhere.id] });
    expect(all.errors![0]!.extensions).not.toHaveProperty('recordsOutside');
  });

  it('a report-only or read-only token is refused alike for a site or address that stands, has ended or never was: trying ids tells it nothing', async () => {
    const address = await registerAddress(`LC-${run}-RO`);
    const site = await registerSite(`只读场所${run}`, null);
    const gone = await registerAddress(`LC-${run}-RG`);
    await hub.dataAs(writer, `mutation { deregisterAddress(id: "${gone.id}", version: ${gone.version}, reason: ENTERED_IN_ERROR) { recordId } }`);
    const report = await hub.token({ jurisdiction: '623022', scopes: ['report'], subject: `life-cycle-report-${run}` });
    for (const token of [report, reader]) {
      const answers = [];
      for (const id of [site.id, '999999999']) {
        answers.push(await zh(token, `mutation { deregisterSite(id: "${id}", version: 1, reason: CLOSED) { recordId } }`));
      }
      for (const id of [address.id, gone.id, '999999999']) {
        answers.push(await zh(token, `mutation { deregisterAddress(id: "${id}", version: 1, reason: DEMOLISHED) { recordId } }`));
      }
      // A case's step the same: a case id that names nothing is refused as one that does.
      answers.push(await zh(token, `mutation { acceptDispute(id: "00000000-0000-4000-8000-000000000000", version: 1) { id } }`));
      for (const r of answers) {
        expect(code(r)).toBe('FORBIDDEN');
        expect(r.errors![0]!.extensions).toMatchObject({ scope: 'write' });
        expect(r.errors![0]!.message).toBe('修改记录需要“填报”（write）权限。');
      }
    }
  });
});
