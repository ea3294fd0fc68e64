import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCitizenId } from '../domain/citizen-id.ts';
import { startHub, type TestHub } from './helpers/hub.ts';

/**
 * Two creates that race on a natural key (two grid workers registering the same household 户号, the same address
 * number or the same ID number at once): both pass the check before the write, one loses at the database's unique
 * index, and is refused as the check (or a file's row) refuses it: the same rule and argument, and the id of the
 * record it clashed with. Through the gateway, on village 623022102202 of 卓尼县, which no other test writes to.
 */
const VILLAGE = '623022102202';
const GRID = `${VILLAGE}001`;
const RUN = Date.now();
/** Races until one create lost at the unique index; a bounded number of tries, as two requests may not overlap. */
const TRIES = 12;
let hub: TestHub;
let writer: string;

beforeAll(async () => {
  hub = await startHub();
  writer = await hub.token({ jurisdiction: VILLAGE, scopes: ['read', 'write', 'pii'], subject: `clash-${RUN}` });
}, 180_000);
afterAll(async () => {
  await hub?.stop();
});

type Errors = { errors?: { message: string; extensions?: Record<string, unknown> }[] };
type Answer = Errors & { data?: Record<string, { id: string } | null> | null };

/**
 * Sends two creates at once (each its own idempotencyKey: two writes, not a retry) until one of them is refused naming
 * the record (at the unique index, or by the check before the write where the kind's check names it too). Every refusal is the
 * rule's, never a bare CONFLICT nor a 5xx; the loser names the winner. How many were refused naming it.
 */
async function race(
  inputType: string,
  field: string,
  inputs: (n: number) => [Record<string, unknown>, Record<string, unknown>] | Promise<[Record<string, unknown>, Record<string, unknown>]>,
  expected: { rule: string; argument: string; idAs: string },
): Promise<number> {
  let atIndex = 0;
  for (let n = 0; n < TRIES && atIndex === 0; n++) {
    const [a, b] = await inputs(n);
    const both = (await Promise.all(
      [a, b].map((input, i) =>
        hub.queryAs(writer, `mutation($i: ${inputType}!, $k: String) { ${field}(input: $i, idempotencyKey: $k) { id } }`, {
          i: input,
          k: `clash-${RUN}-${field}-${n}-${i}`,
        }),
      ),
    )) as Answer[];
    const won = both.filter((x) => !x.errors);
    const lost = both.filter((x) => x.errors);
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const e = lost[0]!.errors![0]!;
    expect(e.extensions).toMatchObject({ code: 'CONFLICT', rule: expected.rule, argument: expected.argument });
    expect(e.message).not.toMatch(/_key|_once|constraint|Key \(/);
    const id = e.extensions![expected.idAs];
    if (id !== undefined) {
      expect(id).toBe(won[0]!.data![field]!.id);
      expect(e.message).toContain(`(id ${String(id)})`);
      atIndex++;
    }
  }
  return atIndex;
}

describe('two creates racing on a unique key', () => {
  it('refuses the household that lost with alreadyRegistered on number, naming the household registered', async () => {
    const address = async (text: string, k: string) =>
      (
        await hub.queryAs<{ registerAddress: { id: string } }>(writer, `mutation($i: AddressInput!) { registerAddress(input: $i) { id } }`, {
          i: { gridCode: GRID, number: `A${k}`, text },
        })
      ).data!.registerAddress.id;
    const [east, west] = [await address('东巷 1 号', `${RUN}e`), await address('西巷 2 号', `${RUN}w`)];
    const lost = await race(
      'HouseholdInput',
      'registerHousehold',
      (n) => [
        { gridCode: GRID, number: `H${RUN}-${n}`, addressId: east },
        { gridCode: GRID, number: `H${RUN}-${n}`, addressId: west },
      ],
      { rule: 'alreadyRegistered', argument: 'number', idAs: 'recordId' },
    );
    expect(lost).toBeGreaterThan(0);
  });

  it('refuses the address that lost with alreadyRegistered on number, naming the address registered', async () => {
    const lost = await race(
      'AddressInput',
      'registerAddress',
      (n) => [
        { gridCode: GRID, number: `D${RUN}-${n}`, text: '南街 3 号' },
        { gridCode: GRID, number: `D${RUN}-${n}`, text: '南街 3 号院' },
      ],
      { rule: 'alreadyRegistered', argument: 'number', idAs: 'recordId' },
    );
    expect(lost).toBeGreaterThan(0);
  });

  it('refuses the resident that lost with alreadyRegistered on idNumber, naming the resident registered (personId)', async () => {
    // The seed registers about three residents a birth date in a county: each race takes a number nobody holds yet.
    const province = await hub.token({ jurisdiction: '62', scopes: ['read', 'pii'], subject: `clash-lookup-${RUN}` });
    const free: string[] = [];
    for (let seq = (RUN % 400) * 2 + 1; free.length < TRIES; seq += 2) {
      const idNumber = makeCitizenId('623022', '1966-04-12', seq % 999 || 1);
      const held = (await hub.queryAs(province, 'query($n: String!) { personByIdNumber(idNumber: $n) { id } }', { n: idNumber })) as Answer;
      expect(held.errors, JSON.stringify(held.errors)).toBeUndefined();
      if (held.data?.personByIdNumber == null && !free.includes(idNumber)) free.push(idNumber);
    }
    const lost = await race(
      'PersonInput',
      'registerPerson',
      (n) => {
        const idNumber = free[n]!;
        const person = { idNumber, ethnicity: '藏族', residency: 'REGISTERED', gridCode: GRID };
        return [
          { ...person, name: '才让' },
          { ...person, name: '才让', phone: '13900000000' },
        ];
      },
      { rule: 'alreadyRegistered', argument: 'idNumber', idAs: 'personId' },
    );
    expect(lost).toBeGreaterThan(0);
  });
});

/**
 * Sends two changes at once, each giving its own record the same new value of a unique key, until one of them loses
 * at the unique index (its refusal names the record, as the check before the write may not). Every refusal is the
 * rule's, never a bare CONFLICT nor a 5xx; the index's loser names the winner. How many lost there.
 */
async function changeRace(
  field: string,
  inputType: string,
  records: (n: number) => Promise<[{ id: string; version: number }, { id: string; version: number }]>,
  input: (n: number) => Record<string, unknown>,
  expected: { rule: string; argument: string; idAs: string },
): Promise<number> {
  let atIndex = 0;
  for (let n = 0; n < TRIES && atIndex === 0; n++) {
    const pair = await records(n);
    const both = (await Promise.all(
      pair.map((r) =>
        hub.queryAs(writer, `mutation($id: ID!, $v: Int!, $i: ${inputType}!) { ${field}(id: $id, version: $v, input: $i) { id } }`, {
          id: r.id,
          v: r.version,
          i: input(n),
        }),
      ),
    )) as Answer[];
    const won = both.filter((x) => !x.errors);
    const lost = both.filter((x) => x.errors);
    expect(won, JSON.stringify(both)).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const e = lost[0]!.errors![0]!;
    expect(e.extensions, JSON.stringify(e)).toMatchObject({ code: 'CONFLICT', rule: expected.rule, argument: expected.argument });
    expect(e.message).not.toMatch(/_key|_once|_external|constraint|Key \(/);
    const id = e.extensions![expected.idAs];
    if (id !== undefined) {
      expect(id).toBe(won[0]!.data![field]!.id);
      expect(e.message).toContain(`(id ${String(id)})`);
      atIndex++;
    }
  }
  return atIndex;
}

type Versioned = { id: string; version: number };

describe('two changes racing on a unique key', () => {
  const address = async (number: string): Promise<Versioned> =>
    (
      await hub.queryAs<{ registerAddress: Versioned }>(writer, `mutation($i: AddressInput!) { registerAddress(input: $i) { id version } }`, {
        i: { gridCode: GRID, number, text: `北街 ${number}` },
      })
    ).data!.registerAddress;

  it('refuses the address renumbered that lost with keyTaken on number, naming the address that took it', async () => {
    const lost = await changeRace(
      'updateAddress',
      'AddressUpdate',
      async (n) => [await address(`CA${RUN}-${n}`), await address(`CB${RUN}-${n}`)],
      (n) => ({ number: `CN${RUN}-${n}` }),
      { rule: 'keyTaken', argument: 'number', idAs: 'recordId' },
    );
    expect(lost).toBeGreaterThan(0);
  });

  it('refuses the house renumbered that lost with keyTaken on number, naming the house that took it', async () => {
    const house = async (number: string): Promise<Versioned> => {
      const h = await hub.queryAs<{ registerHouse: Versioned }>(writer, `mutation($i: HouseInput!) { registerHouse(input: $i) { id version } }`, {
        i: { gridCode: GRID, number, use: 'SELF_OCCUPIED' },
      });
      expect(h.errors, JSON.stringify(h.errors)).toBeUndefined();
      return h.data!.registerHouse;
    };
    const lost = await changeRace(
      'updateHouse',
      'HouseUpdate',
      async (n) => [await house(`FA${RUN}-${n}`), await house(`FB${RUN}-${n}`)],
      (n) => ({ number: `FN${RUN}-${n}` }),
      { rule: 'keyTaken', argument: 'number', idAs: 'recordId' },
    );
    expect(lost).toBeGreaterThan(0);
  });

  it('refuses the household renumbered (户号) that lost with keyTaken on number, naming the household that took it', async () => {
    const household = async (number: string): Promise<Versioned> => {
      const at = await address(`HA${number}`);
      const h = await hub.queryAs<{ registerHousehold: Versioned }>(writer, `mutation($i: HouseholdInput!) { registerHousehold(input: $i) { id version } }`, {
        i: { gridCode: GRID, number, addressId: at.id },
      });
      expect(h.errors, JSON.stringify(h.errors)).toBeUndefined();
      return h.data!.registerHousehold;
    };
    const lost = await changeRace(
      'updateHousehold',
      'HouseholdUpdate',
      async (n) => [await household(`HCA${RUN}-${n}`), await household(`HCB${RUN}-${n}`)],
      (n) => ({ number: `HCN${RUN}-${n}` }),
      { rule: 'keyTaken', argument: 'number', idAs: 'recordId' },
    );
    expect(lost).toBeGreaterThan(0);
  });
});

describe('two changes racing on a source system key (externalId)', () => {
  const made = async (field: string, inputType: string, input: Record<string, unknown>): Promise<Versioned> => {
    const r = await hub.queryAs<Record<string, Versioned>>(writer, `mutation($i: ${inputType}!) { ${field}(input: $i) { id version } }`, { i: input });
    expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
    return r.data![field]!;
  };
  const expected = { rule: 'keyTaken', argument: 'externalId', idAs: 'recordId' };

  it('refuses the grid staff assignment that lost with keyTaken on externalId, naming the one that took it', async () => {
    const staff = (name: string) => made('createGridStaff', 'GridStaffInput', { gridCode: GRID, role: 'LINKED_OFFICE_CADRE', name });
    const lost = await changeRace(
      'updateGridStaff',
      'GridStaffUpdate',
      async (n) => [await staff(`甲${n}`), await staff(`乙${n}`)],
      (n) => ({ externalId: `GS${RUN}-${n}` }),
      expected,
    );
    expect(lost).toBeGreaterThan(0);
  });

  it('refuses the mediation committee that lost with keyTaken on externalId, naming the one that took it', async () => {
    const committee = (name: string) => made('createMediationCommittee', 'MediationCommitteeInput', { villageCode: VILLAGE, name, kind: 'ENTERPRISE' });
    const lost = await changeRace(
      'updateMediationCommittee',
      'MediationCommitteeUpdate',
      async (n) => [await committee(`企业调委会甲${RUN}-${n}`), await committee(`企业调委会乙${RUN}-${n}`)],
      (n) => ({ externalId: `MC${RUN}-${n}` }),
      expected,
    );
    expect(lost).toBeGreaterThan(0);
  });

  it('refuses the mediator that lost with keyTaken on externalId, naming the one that took it', async () => {
    const committee = await made('createMediationCommittee', 'MediationCommitteeInput', { villageCode: VILLAGE, name: `行业调委会${RUN}`, kind: 'TRADE' });
    const mediator = (name: string) => made('createMediator', 'MediatorInput', { committeeId: committee.id, name });
    const lost = await changeRace(
      'updateMediator',
      'MediatorUpdate',
      async (n) => [await mediator(`调解员甲${n}`), await mediator(`调解员乙${n}`)],
      (n) => ({ externalId: `MD${RUN}-${n}` }),
      expected,
    );
    expect(lost).toBeGreaterThan(0);
  });
});

describe('two creates racing on a source system key (externalId)', () => {
  const expected = { rule: 'keyTaken', argument: 'externalId', idAs: 'recordId' };

  it('refuses the site that lost with keyTaken on externalId, naming the site that took it', async () => {
    const lost = await race(
      'SiteInput',
      'registerSite',
      (n) => [
        { gridCode: GRID, name: `集贸市场甲${n}`, kind: 'MARKET', externalId: `S${RUN}-${n}` },
        { gridCode: GRID, name: `集贸市场乙${n}`, kind: 'MARKET', externalId: `S${RUN}-${n}` },
      ],
      expected,
    );
    expect(lost).toBeGreaterThan(0);
  });

  it('refuses the patrol team that lost with keyTaken on externalId, naming the team that took it', async () => {
    const lost = await race(
      'PatrolTeamInput',
      'createPatrolTeam',
      (n) => [
        { villageCode: VILLAGE, gridCode: GRID, name: `红袖标甲${n}`, kind: 'RED_ARMBAND', externalId: `P${RUN}-${n}` },
        { villageCode: VILLAGE, gridCode: GRID, name: `红袖标乙${n}`, kind: 'RED_ARMBAND', externalId: `P${RUN}-${n}` },
      ],
      expected,
    );
    expect(lost).toBeGreaterThan(0);
  });

  it('refuses the joint-defense group that lost with keyTaken on externalId, naming the group that took it', async () => {
    let seq = (RUN % 300) * 3;
    // Each group its own household, led by an adult who lives in it.
    const household = async (tag: string) => {
      const h = await hub.dataAs<{ registerHousehold: { id: string } }>(writer, `mutation($i: HouseholdInput!) { registerHousehold(input: $i) { id } }`, {
        i: { gridCode: GRID, number: `J${RUN}-${tag}` },
      });
      // Under an address code no demo resident's number has (the seed draws 623022's people at random, so a number
      // of theirs could already be a resident's elsewhere in the county, outside this writer's village).
      const idNumber = makeCitizenId('659203', `19${70 + (RUN % 20)}-1${RUN % 3}-1${RUN % 9}`, 1 + (seq++ % 998));
      const p = await hub.dataAs<{ registerPerson: { id: string } }>(writer, `mutation($i: PersonInput!) { registerPerson(input: $i) { id } }`, {
        i: { name: '卓玛', idNumber, ethnicity: '藏族', residency: 'REGISTERED', gridCode: GRID, householdId: h.registerHousehold.id },
      });
      return { householdIds: [h.registerHousehold.id], leaderId: p.registerPerson.id };
    };
    const lost = await race(
      'JointDefenseGroupInput',
      'createJointDefenseGroup',
      async (n) => [
        { gridCode: GRID, name: `联防组甲${n}`, externalId: `J${RUN}-${n}`, ...(await household(`${n}a`)) },
        { gridCode: GRID, name: `联防组乙${n}`, externalId: `J${RUN}-${n}`, ...(await household(`${n}b`)) },
      ],
      expected,
    );
    expect(lost).toBeGreaterThan(0);
  });

  it('refuses the grid staff assignment that lost with keyTaken on externalId, naming the one that took it', async () => {
    const lost = await race(
      'GridStaffInput',
      'createGridStaff',
      (n) => [
        { gridCode: GRID, role: 'LINKED_OFFICE_CADRE', name: `外部甲${n}`, externalId: `GC${RUN}-${n}` },
        { gridCode: GRID, role: 'LINKED_OFFICE_CADRE', name: `外部乙${n}`, externalId: `GC${RUN}-${n}` },
      ],
      expected,
    );
    expect(lost).toBeGreaterThan(0);
  });

  it('refuses the mediation committee that lost with keyTaken on externalId, naming the one that took it', async () => {
    const lost = await race(
      'MediationCommitteeInput',
      'createMediationCommittee',
      (n) => [
        { villageCode: VILLAGE, name: `企业调委会丙${RUN}-${n}`, kind: 'ENTERPRISE', externalId: `MCC${RUN}-${n}` },
        { villageCode: VILLAGE, name: `企业调委会丁${RUN}-${n}`, kind: 'ENTERPRISE', externalId: `MCC${RUN}-${n}` },
      ],
      expected,
    );
    expect(lost).toBeGreaterThan(0);
  });

  it('refuses the mediator that lost with keyTaken on externalId, naming the one that took it', async () => {
    const committee = await hub.dataAs<{ createMediationCommittee: { id: string } }>(
      writer,
      `mutation($i: MediationCommitteeInput!) { createMediationCommittee(input: $i) { id } }`,
      { i: { villageCode: VILLAGE, name: `行业调委会外部${RUN}`, kind: 'TRADE' } },
    );
    const committeeId = committee.createMediationCommittee.id;
    const lost = await race(
      'MediatorInput',
      'createMediator',
      (n) => [
        { committeeId, name: `调解员丙${n}`, externalId: `MDC${RUN}-${n}` },
        { committeeId, name: `调解员丁${n}`, externalId: `MDC${RUN}-${n}` },
      ],
      expected,
    );
    expect(lost).toBeGreaterThan(0);
  });
});

describe('a household moved to a village where its 户号 is taken', () => {
  it('refuses the move with keyTaken naming the argument sent (gridCode) and the field that clashed (number), and the household of that village that holds it', async () => {
    const township = VILLAGE.slice(0, 9);
    const mover = await hub.token({ jurisdiction: township, scopes: ['read', 'write', 'pii'], subject: `clash-move-${RUN}` });
    const villages = await hub.queryAs<{ villages: { code: string; grids: { code: string }[] }[] }>(
      mover,
      'query($w: String!) { villages(within: $w) { code grids { code } } }',
      { w: township },
    );
    // A village of the township no other test writes to (not this file's, nor tests/retries.test.ts's).
    const other = villages.data!.villages.find((v) => ![VILLAGE, '623022102203'].includes(v.code) && v.grids.length > 0)!;
    const there = other.grids[0]!.code;
    const number = `MV${RUN}`;
    const register = async (gridCode: string) => {
      const h = await hub.queryAs<{ registerHousehold: Versioned }>(mover, `mutation($i: HouseholdInput!) { registerHousehold(input: $i) { id version } }`, {
        i: { gridCode, number },
      });
      expect(h.errors, JSON.stringify(h.errors)).toBeUndefined();
      return h.data!.registerHousehold;
    };
    const holder = await register(there);
    const moving = await register(GRID);
    const moved = (await hub.queryAs(mover, `mutation($id: ID!, $v: Int!, $i: HouseholdMove!) { moveHousehold(id: $id, version: $v, input: $i) { id } }`, {
      id: moving.id,
      v: moving.version,
      i: { gridCode: there },
    })) as Answer;
    const e = moved.errors?.[0];
    expect(e?.extensions, JSON.stringify(moved)).toMatchObject({
      code: 'CONFLICT',
      rule: 'keyTaken',
      argument: 'gridCode',
      field: 'number',
      recordId: holder.id,
    });
    expect(e!.message).toContain(`(id ${holder.id})`);
    expect(e!.message).not.toMatch(/_key|constraint|Key \(/);
  });
});

describe('a local number registered again, one create after the other', () => {
  it.each([
    ['registerAddress', 'AddressInput', { text: '北街 9 号' }],
    ['registerHouse', 'HouseInput', { use: 'SELF_OCCUPIED' }],
    ['registerHousehold', 'HouseholdInput', {}],
  ] as const)('%s: the check refuses it CONFLICT alreadyRegistered on number, naming the holder (recordId) as a lost race does', async (field, type, rest) => {
    const input = { gridCode: GRID, number: `S${RUN}-${field}`, ...rest };
    // Each its own idempotencyKey: two writes, not the same one sent again (sameWrite).
    const create = (k: string) =>
      hub.queryAs<Record<string, { id: string }>>(writer, `mutation($i: ${type}!, $k: String) { ${field}(input: $i, idempotencyKey: $k) { id } }`, {
        i: input,
        k: `again-${RUN}-${field}-${k}`,
      });
    const first = await create('first');
    expect(first.errors).toBeUndefined();
    const holder = first.data![field]!.id;
    const again = await create('again');
    const e = again.errors?.[0];
    expect(e?.extensions).toMatchObject({ code: 'CONFLICT', rule: 'alreadyRegistered', argument: 'number', recordId: holder });
    expect(e!.message).toMatch(new RegExp(`^number is already registered to another .+ \\(id ${holder}\\)\\.$`));
  });
});
