import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chinaDay } from '../domain/china-day.ts';
import { makeCitizenId } from '../domain/citizen-id.ts';
import { startHub, type Counted, type GraphQLResponse, type Paged, type TestHub } from './helpers/hub.ts';

/**
 * 已注销记录 and 已注销人员 through the gateway: what a village took out of its registry (households dissolved,
 * houses deregistered, 十户联防 groups disbanded) and the residents it deregistered (迁出, 死亡, 重复登记), listed
 * newest first under a village, a township and a county, filtered by kind or reason and by day, paged, within the
 * caller's jurisdiction, ID numbers masked without `pii`.
 */
let hub: TestHub;
let writer: string;
/** The township's desk: `read` only. */
let reader: string;
/** The township's desk with `pii`. */
let piiReader: string;
/** A township of 卓尼县 (the suite's write county) that no other test writes in, and two of its villages. */
const TOWNSHIP = '623022107';
let VILLAGE: string;
let NEIGHBOUR: string;
let GRID: string;
const run = Date.now() % 1_000_000;

beforeAll(async () => {
  hub = await startHub();
  writer = await hub.token({ jurisdiction: '623022', scopes: ['read', 'write', 'pii'], subject: 'ended-writer' });
  reader = await hub.token({ jurisdiction: TOWNSHIP, scopes: ['read'], subject: 'ended-reader' });
  piiReader = await hub.token({ jurisdiction: TOWNSHIP, scopes: ['read', 'pii'], subject: 'ended-pii-reader' });
  const r = await hub.queryAs<{ villages: { code: string; grids: { code: string }[] }[] }>(
    writer,
    `{ villages(within: "${TOWNSHIP}") { code grids { code } } }`,
  );
  expect(r.errors).toBeUndefined();
  const withGrids = r.data!.villages.filter((v) => v.grids.length > 0);
  VILLAGE = withGrids[1]!.code;
  NEIGHBOUR = withGrids[2]!.code;
  GRID = withGrids[1]!.grids[0]!.code;
}, 180_000);
afterAll(() => hub?.stop());

function code(r: GraphQLResponse): unknown {
  expect(r.errors?.length, JSON.stringify(r.data)).toBeGreaterThan(0);
  return r.errors![0]!.extensions?.code;
}

interface Versioned {
  id: string;
  version: number;
}
interface Ended {
  kind: string;
  recordId: string;
  label: string;
  reason: string;
  note: string | null;
  endedBy: string;
  grid: { code: string };
  village: { code: string };
}
interface Deregistered {
  person: { id: string; name: string; idNumber: string; status: string };
  reason: string;
  deregisteredAt: string;
  deregisteredBy: string | null;
  note: string | null;
  village: { code: string };
}
type Page<T> = Paged<T> & Counted;

const ENDED = 'kind recordId label reason note endedBy grid { code } village { code }';
const DEREGISTERED = 'person { id name idNumber status } reason deregisteredAt deregisteredBy note village { code }';

const today = chinaDay();
const dayOffset = (days: number) => chinaDay(Date.now() + days * 86_400_000);

let seq = 900;
async function registerPerson(name: string, householdId: string | null = null): Promise<Versioned & { idNumber: string }> {
  const idNumber = makeCitizenId('623022', '1947-10-29', seq++);
  const d = await hub.dataAs<{ registerPerson: Versioned }>(writer, `mutation($i: PersonInput!) { registerPerson(input: $i) { id version } }`, {
    i: { name, idNumber, ethnicity: '藏族', residency: 'REGISTERED', gridCode: GRID, householdId },
  });
  return { ...d.registerPerson, idNumber };
}
async function registerHousehold(number: string): Promise<Versioned> {
  return (
    await hub.dataAs<{ registerHousehold: Versioned }>(writer, `mutation($i: HouseholdInput!) { registerHousehold(input: $i) { id version } }`, {
      i: { gridCode: GRID, number },
    })
  ).registerHousehold;
}

/** A division's list as `token` reads it: `level` village, township or county, `field` and its arguments. */
async function list<T>(token: string, level: string, divisionCode: string, field: string, args: string, selection: string): Promise<Page<T>> {
  const d = await hub.dataAs<Record<string, Record<string, Page<T>>>>(
    token,
    `{ d: ${level}(code: "${divisionCode}") { l: ${field}(${args}) { totalCount nodes { ${selection} } pageInfo { hasNextPage endCursor } } } }`,
  );
  return d.d!.l!;
}

let house: Versioned;
let emptyHousehold: Versioned;
let group: Versioned;
let movedOut: Versioned & { idNumber: string };
let died: Versioned & { idNumber: string };
let duplicate: Versioned & { idNumber: string };
let endedBefore: number;
let deregisteredBefore: number;

describe('已注销记录 and 已注销人员', () => {
  beforeAll(async () => {
    endedBefore = (await list(reader, 'village', VILLAGE, 'endedRecords', 'first: 0', 'recordId')).totalCount;
    deregisteredBefore = (await list(reader, 'village', VILLAGE, 'deregisteredResidents', 'first: 0', 'reason')).totalCount;
    house = (
      await hub.dataAs<{ registerHouse: Versioned }>(writer, `mutation($i: HouseInput!) { registerHouse(input: $i) { id version } }`, {
        i: { gridCode: GRID, number: `ER-${run}-H`, use: 'VACANT' },
      })
    ).registerHouse;
    emptyHousehold = await registerHousehold(`ER-${run}-1`);
    const led = await registerHousehold(`ER-${run}-2`);
    const leader = await registerPerson(`联户长${run}`, led.id);
    group = (
      await hub.dataAs<{ createJointDefenseGroup: Versioned }>(
        writer,
        `mutation { createJointDefenseGroup(input: { gridCode: "${GRID}", name: "注销联防组${run}", householdIds: ["${led.id}"], leaderId: "${leader.id}" }) { id version } }`,
      )
    ).createJointDefenseGroup;
    movedOut = await registerPerson(`迁出者${run}`);
    died = await registerPerson(`亡故者${run}`);
    duplicate = await registerPerson(`重复者${run}`);

    // Ended in this order: the group, the household, the house; then the three people.
    await hub.dataAs(
      writer,
      `mutation { disbandJointDefenseGroup(id: "${group.id}", version: ${group.version}, reason: REORGANISED, note: "并入邻组") { recordId } }`,
    );
    await hub.dataAs(writer, `mutation { dissolveHousehold(id: "${emptyHousehold.id}", version: ${emptyHousehold.version}, reason: MOVED_OUT) { recordId } }`);
    await hub.dataAs(writer, `mutation { deregisterHouse(id: "${house.id}", version: ${house.version}, reason: DEMOLISHED) { recordId } }`);
    await hub.dataAs(writer, `mutation { deregisterPerson(id: "${movedOut.id}", version: ${movedOut.version}, reason: MOVED_OUT, note: "迁往兰州") { id } }`);
    await hub.dataAs(writer, `mutation { deregisterPerson(id: "${died.id}", version: ${died.version}, reason: DIED) { id } }`);
    await hub.dataAs(writer, `mutation { deregisterPerson(id: "${duplicate.id}", version: ${duplicate.version}, reason: DUPLICATE) { id } }`);
  }, 180_000);

  it('a village lists what it took out of its registry, newest first, in two pages, each with who, why and where', async () => {
    const first = await list<Ended>(reader, 'village', VILLAGE, 'endedRecords', 'first: 2', ENDED);
    expect(first.totalCount).toBe(endedBefore + 3);
    expect(first.pageInfo.hasNextPage).toBe(true);
    expect(first.nodes).toEqual([
      {
        kind: 'HOUSE',
        recordId: house.id,
        label: `ER-${run}-H`,
        reason: 'DEMOLISHED',
        note: null,
        endedBy: 'ended-writer',
        grid: { code: GRID },
        village: { code: VILLAGE },
      },
      {
        kind: 'HOUSEHOLD',
        recordId: emptyHousehold.id,
        label: `ER-${run}-1`,
        reason: 'MOVED_OUT',
        note: null,
        endedBy: 'ended-writer',
        grid: { code: GRID },
        village: { code: VILLAGE },
      },
    ]);
    const second = await list<Ended>(reader, 'village', VILLAGE, 'endedRecords', `first: 2, after: "${first.pageInfo.endCursor}"`, ENDED);
    expect(second.totalCount).toBe(endedBefore + 3);
    expect(second.nodes[0]).toEqual({
      kind: 'JOINT_DEFENSE_GROUP',
      recordId: group.id,
      label: `注销联防组${run}`,
      reason: 'REORGANISED',
      note: '并入邻组',
      endedBy: 'ended-writer',
      grid: { code: GRID },
      village: { code: VILLAGE },
    });

    // By kind, and by the day it ended (China time).
    const houses = await list<Ended>(reader, 'village', VILLAGE, 'endedRecords', 'kind: HOUSE', ENDED);
    expect(houses.nodes.every((n) => n.kind === 'HOUSE')).toBe(true);
    expect(houses.nodes.map((n) => n.recordId)).toContain(house.id);
    expect(houses.nodes.map((n) => n.recordId)).not.toContain(emptyHousehold.id);
    const todays = await list<Ended>(reader, 'village', VILLAGE, 'endedRecords', `from: "${today}", to: "${today}"`, ENDED);
    expect(todays.nodes.map((n) => n.recordId)).toEqual(expect.arrayContaining([house.id, emptyHousehold.id, group.id]));
    const untilYesterday = await list<Ended>(reader, 'village', VILLAGE, 'endedRecords', `to: "${dayOffset(-1)}"`, ENDED);
    expect(untilYesterday.nodes.map((n) => `${n.kind}:${n.recordId}`)).not.toContain(`HOUSE:${house.id}`);
    expect((await list(reader, 'village', VILLAGE, 'endedRecords', `from: "${dayOffset(1)}"`, 'recordId')).totalCount).toBe(0);
  }, 120_000);

  it('a village lists the residents it deregistered, newest first, in two pages, with the reason, when and by whom', async () => {
    const first = await list<Deregistered>(reader, 'village', VILLAGE, 'deregisteredResidents', 'first: 2', DEREGISTERED);
    expect(first.totalCount).toBe(deregisteredBefore + 3);
    expect(first.pageInfo.hasNextPage).toBe(true);
    expect(first.nodes.map((n) => [n.person.id, n.reason, n.person.status, n.deregisteredBy])).toEqual([
      [duplicate.id, 'DUPLICATE', 'DEREGISTERED', 'ended-writer'],
      [died.id, 'DIED', 'DEREGISTERED', 'ended-writer'],
    ]);
    const second = await list<Deregistered>(
      reader,
      'village',
      VILLAGE,
      'deregisteredResidents',
      `first: 2, after: "${first.pageInfo.endCursor}"`,
      DEREGISTERED,
    );
    expect(second.nodes[0]).toMatchObject({
      person: { id: movedOut.id, name: `迁出者${run}` },
      reason: 'MOVED_OUT',
      note: '迁往兰州',
      deregisteredBy: 'ended-writer',
      village: { code: VILLAGE },
    });
    expect(second.nodes[0]!.deregisteredAt <= first.nodes[1]!.deregisteredAt).toBe(true);

    const moved = await list<Deregistered>(
      reader,
      'village',
      VILLAGE,
      'deregisteredResidents',
      `reason: MOVED_OUT, from: "${today}", to: "${today}"`,
      DEREGISTERED,
    );
    expect(moved.nodes.every((n) => n.reason === 'MOVED_OUT')).toBe(true);
    expect(moved.nodes.map((n) => n.person.id)).toContain(movedOut.id);
    expect(moved.nodes.map((n) => n.person.id)).not.toContain(died.id);
    const before = await list<Deregistered>(reader, 'village', VILLAGE, 'deregisteredResidents', `to: "${dayOffset(-1)}"`, DEREGISTERED);
    expect(before.nodes.map((n) => n.person.id)).not.toContain(movedOut.id);
  }, 120_000);

  it('ID numbers only with pii, as in the residents lists', async () => {
    const masked = await list<Deregistered>(reader, 'village', VILLAGE, 'deregisteredResidents', 'reason: DIED', DEREGISTERED);
    const m = masked.nodes.find((n) => n.person.id === died.id)!;
    expect(m.person.idNumber).toBe(`${died.idNumber.slice(0, 6)}${'*'.repeat(12)}`);
    const full = await list<Deregistered>(piiReader, 'village', VILLAGE, 'deregisteredResidents', 'reason: DIED', DEREGISTERED);
    expect(full.nodes.find((n) => n.person.id === died.id)!.person.idNumber).toBe(died.idNumber);
  }, 120_000);

  it("a township and its county list their villages' ended records and deregistered residents", async () => {
    const ended = await list<Ended>(reader, 'township', TOWNSHIP, 'endedRecords', 'kind: HOUSEHOLD, first: 500', ENDED);
    expect(ended.nodes.map((n) => n.recordId)).toContain(emptyHousehold.id);
    expect(ended.nodes.every((n) => n.kind === 'HOUSEHOLD' && n.village.code.startsWith(TOWNSHIP))).toBe(true);
    const died_ = await list<Deregistered>(reader, 'township', TOWNSHIP, 'deregisteredResidents', 'reason: DIED, first: 500', DEREGISTERED);
    expect(died_.nodes.map((n) => n.person.id)).toContain(died.id);
    expect(died_.nodes.every((n) => n.reason === 'DIED' && n.village.code.startsWith(TOWNSHIP))).toBe(true);
    const county = await list<Ended>(writer, 'county', '623022', 'endedRecords', 'first: 500', ENDED);
    expect(county.nodes.map((n) => n.recordId)).toEqual(expect.arrayContaining([house.id, emptyHousehold.id, group.id]));
  }, 120_000);

  it("a page's grids, villages and who deregistered whom come in a fixed number of statements, however many rows", async () => {
    const q = (n: number) =>
      hub.queryAs(
        reader,
        `{ township(code: "${TOWNSHIP}") { deregisteredResidents(first: ${n}) { nodes { ${DEREGISTERED} grid { code } } } endedRecords(first: ${n}) { nodes { ${ENDED} } } } }`,
      );
    await q(3);
    const one = await hub.countStatements(() => q(1));
    const three = await hub.countStatements(() => q(3));
    expect(three).toBe(one);
  }, 120_000);

  it('only within the jurisdiction: a neighbour village sees none of these, and may not list this village', async () => {
    const neighbour = await hub.token({ jurisdiction: NEIGHBOUR, scopes: ['read', 'pii'], subject: `ended-neighbour-${run}` });
    expect(code(await hub.queryAs(neighbour, `{ village(code: "${VILLAGE}") { endedRecords { totalCount } } }`))).toBe('FORBIDDEN');
    expect(code(await hub.queryAs(neighbour, `{ village(code: "${VILLAGE}") { deregisteredResidents { totalCount } } }`))).toBe('FORBIDDEN');
    expect(code(await hub.queryAs(neighbour, `{ township(code: "${TOWNSHIP}") { endedRecords { totalCount } } }`))).toBe('FORBIDDEN');
    const own = await list<Ended>(neighbour, 'village', NEIGHBOUR, 'endedRecords', 'first: 500', ENDED);
    expect(own.nodes.every((n) => n.village.code === NEIGHBOUR)).toBe(true);
    const ownPeople = await list<Deregistered>(neighbour, 'village', NEIGHBOUR, 'deregisteredResidents', 'first: 500', DEREGISTERED);
    expect(ownPeople.nodes.map((n) => n.person.id)).not.toContain(died.id);
    // Another township's desk may not list this township's.
    const other = await hub.token({ jurisdiction: '623022106', scopes: ['read'], subject: `ended-other-${run}` });
    expect(code(await hub.queryAs(other, `{ township(code: "${TOWNSHIP}") { deregisteredResidents { totalCount } } }`))).toBe('FORBIDDEN');
    // A report-only caller sees figures, never records.
    const report = await hub.token({ jurisdiction: TOWNSHIP, scopes: ['report'], subject: `ended-report-${run}` });
    expect(code(await hub.queryAs(report, `{ village(code: "${VILLAGE}") { endedRecords { totalCount } } }`))).toBe('FORBIDDEN');
  }, 120_000);

  it("a grid worker's token lists its own grid's, not its village's", async () => {
    const gridWorker = await hub.token({ jurisdiction: GRID, scopes: ['read'], subject: `ended-grid-${run}` });
    const ended = await list<Ended>(gridWorker, 'grid', GRID, 'endedRecords', 'first: 500', ENDED);
    expect(ended.nodes.map((n) => n.recordId)).toEqual(expect.arrayContaining([house.id, emptyHousehold.id, group.id]));
    expect(ended.nodes.every((n) => n.grid.code === GRID)).toBe(true);
    const people = await list<Deregistered>(gridWorker, 'grid', GRID, 'deregisteredResidents', 'first: 2', DEREGISTERED);
    expect(people.nodes.map((n) => n.person.id)).toEqual([duplicate.id, died.id]);
    expect(people.nodes[0]!.person.idNumber).not.toBe(duplicate.idNumber);
    expect(code(await hub.queryAs(gridWorker, `{ village(code: "${VILLAGE}") { endedRecords { totalCount } } }`))).toBe('FORBIDDEN');
    expect(code(await hub.queryAs(gridWorker, `{ village(code: "${VILLAGE}") { deregisteredResidents { totalCount } } }`))).toBe('FORBIDDEN');
  }, 120_000);

  it('bad arguments are BAD_USER_INPUT', async () => {
    const page = await list<Ended>(reader, 'village', VILLAGE, 'deregisteredResidents', 'first: 1', 'reason');
    const foreignCursor = page.pageInfo.endCursor!;
    for (const args of [
      `from: "${today}", to: "${dayOffset(-1)}"`,
      'first: 501',
      'first: -1',
      'after: "not-a-cursor"',
      `after: "${foreignCursor}"`,
      'kind: RESIDENT',
      'from: "1899-12-31"',
    ]) {
      const r = await hub.queryAs(reader, `{ village(code: "${VILLAGE}") { endedRecords(${args}) { totalCount nodes { recordId } } } }`);
      expect(code(r), args).toBe('BAD_USER_INPUT');
    }
    const r = await hub.queryAs(reader, `{ township(code: "${TOWNSHIP}") { deregisteredResidents(from: "${today}", to: "${dayOffset(-3)}") { totalCount } } }`);
    expect(code(r)).toBe('BAD_USER_INPUT');
  }, 120_000);
});
