import pg from 'pg';
import { makeCitizenId } from '../domain/citizen-id.ts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEREGISTERED_PARTY } from '../domain/parties.ts';
import { chinaDay } from '../domain/china-day.ts';
import { postImport, postJson, startHub, type ImportEvent, type TestHub } from './helpers/hub.ts';
import { WRITE_COUNTY } from './setup/global.ts';

/**
 * Maintaining the forces (issue "The registry in daily use", part 5): grid
 * staff (1+3+N), mediation committees and mediators are created, changed,
 * ended and imported through the gateway; every rule is refused on both
 * paths with the same reason (a form gets the rule's code, a file line the
 * reject); `forces` figures follow in the very next read; another county's
 * caller cannot touch them. Writes go to one township of 卓尼县 that no other
 * test writes to (picked from the seeded data).
 */
const RUN = Date.now();
let hub: TestHub;
let db: pg.Client;
let writer: string;
let neighbour: string;
/** A village (村) with two grids or more, another village of the same township, and their residents. */
let V: string;
let W: string;
let grids: string[];
let residentsOfV: { id: string; idNumber: string; name: string }[];
/** A child (under 17) of the village, whom no post may take. */
let minorOfV: { id: string; idNumber: string };
let residentOfW: { id: string; idNumber: string };

interface Err {
  message: string;
  extensions?: Record<string, unknown>;
}
type Res<T> = { data?: T | null; errors?: Err[] };
const err = <T>(r: Res<T>): Err => {
  expect(r.errors, JSON.stringify(r.data)).toBeDefined();
  return r.errors![0]!;
};
const ok = <T>(r: Res<T>): T => {
  expect(r.errors).toBeUndefined();
  return r.data!;
};

let job = 0;
/** Posts a file to the gateway's import (English reasons); its rejects and final line. */
async function importFile(kind: string, csv: string, token = writer) {
  const r = await postImport(hub.gatewayUrl, token, kind, csv, `forces-${RUN}-${job++}`);
  expect(r.status).toBe(200);
  return { rejects: r.rejects, done: r.done! as ImportEvent & Record<string, number> };
}

async function exportFile(kind: string, within: string, token = writer): Promise<string> {
  const res = await fetch(new URL(`/export/${kind}.csv?within=${within}`, new URL(hub.gatewayUrl).origin), { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return new TextDecoder('utf-8').decode(await res.arrayBuffer());
}

/**
 * A form's error and a file's reject for the same rule: the same code, and the same reason after the argument's or
 * column's name (a form may add who holds the post now).
 */
function sameReason(form: Err, formArgument: string, reject: { field: string; reason: string; code?: string; rule?: unknown }, fileField: string) {
  expect(reject.field).toBe(fileField);
  expect(reject.code).toBe(form.extensions?.code);
  // The rule's stable name too, where the form names one (every rule of rules.ts does).
  expect(reject.rule).toBe(form.extensions?.rule);
  expect(reject.reason.startsWith(`${fileField} `)).toBe(true);
  // A file without the column the reject names is told so after the reason, which a form has no need to say.
  const reason = reject.reason.replace(/ \(the file has no \w+ column\)$/, '');
  expect(form.message.startsWith(`${formArgument} ${reason.slice(fileField.length + 1)}`), `${form.message} | ${reject.reason}`).toBe(true);
}

interface Staff {
  id: string;
  role: string;
  name: string;
  phone: string | null;
  version: number;
  externalId: string | null;
  endedAt: string | null;
  person: { id: string } | null;
  grid: { code: string };
}
const STAFF = 'id role name phone version externalId endedAt person { id } grid { code }';
interface Forces {
  grids: number;
  gridWorkers: number;
  gridsFullyStaffed: number;
}

async function forcesOf(code: string): Promise<{ village: Forces; county: Forces }> {
  const r = await hub.queryAs<{ village: { forces: Forces }; county: { forces: Forces } }>(
    writer,
    `query($v: String!, $c: String!) { village(code: $v) { forces { grids gridWorkers gridsFullyStaffed } } county(code: $c) { forces { grids gridWorkers gridsFullyStaffed } } }`,
    { v: code, c: WRITE_COUNTY },
  );
  const d = ok(r);
  return { village: d.village.forces, county: d.county.forces };
}

async function staffOf(grid: string): Promise<{ fullyStaffed: boolean; staff: Staff[] }> {
  const r = await hub.queryAs<{ grid: { fullyStaffed: boolean; staff: { nodes: Staff[] } } }>(
    writer,
    `query($g: String!) { grid(code: $g) { fullyStaffed staff(first: 100) { nodes { ${STAFF} } } } }`,
    { g: grid },
  );
  const d = ok(r).grid;
  return { fullyStaffed: d.fullyStaffed, staff: d.staff.nodes };
}

const createStaff = (input: Record<string, unknown>, token = writer) =>
  hub.queryAs<{ createGridStaff: Staff }>(token, `mutation($i: GridStaffInput!) { createGridStaff(input: $i) { ${STAFF} } }`, { i: input });
const updateStaff = (id: string, version: number, input: Record<string, unknown>, token = writer) =>
  hub.queryAs<{ updateGridStaff: Staff }>(
    token,
    `mutation($id: ID!, $v: Int!, $i: GridStaffUpdate!) { updateGridStaff(id: $id, version: $v, input: $i) { ${STAFF} } }`,
    {
      id,
      v: version,
      i: input,
    },
  );
const endStaff = (id: string, version: number, token = writer) =>
  hub.queryAs<{ endGridStaff: Staff & { endReason: string } }>(
    token,
    `mutation($id: ID!, $v: Int!) { endGridStaff(id: $id, version: $v, reason: "调离") { ${STAFF} endReason } }`,
    { id, v: version },
  );

beforeAll(async () => {
  hub = await startHub();
  db = new pg.Client({ connectionString: inject('dbs').village.migrationUrl });
  await db.connect();
  writer = await hub.token({ jurisdiction: WRITE_COUNTY, scopes: ['read', 'write', 'pii'], subject: `forces-${RUN}` });
  neighbour = await hub.token({ jurisdiction: '623021', scopes: ['read', 'write', 'pii'], subject: `forces-neighbour-${RUN}` });
  // A village (村, segment 200+) with several fully staffed grids, in a township of 卓尼县 no other test writes to.
  const picked = await db.query<{ v: string }>(
    `select g.village_code as v from grid g
      where g.county_code = $1 and left(g.code, 9) not in ('623022100', '623022101', '623022199') and right(g.village_code, 3) >= '200'
        and exists (select 1 from mediation_committee c where c.village_code = g.village_code and c.kind = 'VILLAGE')
      group by 1 having count(*) >= 2 order by 1 limit 1`,
    [WRITE_COUNTY],
  );
  V = picked.rows[0]!.v;
  W = (
    await db.query<{ w: string }>(
      `select village_code as w from person where left(village_code, 9) = $1 and village_code <> $2 and id_number is not null order by 1 limit 1`,
      [V.slice(0, 9), V],
    )
  ).rows[0]!.w;
  grids = (await db.query<{ code: string }>(`select code from grid where village_code = $1 order by code`, [V])).rows.map((r) => r.code);
  residentsOfV = (
    await db.query<{ id: string; idNumber: string; name: string }>(
      `select id::text as id, id_number as "idNumber", name from person p
        where village_code = $1 and id_number is not null and birth_date <= current_date - interval '19 years'
          and not exists (select 1 from grid_staff s where s.person_id = p.id) and not exists (select 1 from mediator m where m.person_id = p.id)
        order by id limit 10`,
      [V],
    )
  ).rows;
  residentOfW = (
    await db.query<{ id: string; idNumber: string }>(
      `select id::text as id, id_number as "idNumber" from person
        where village_code = $1 and id_number is not null and birth_date <= current_date - interval '19 years' order by id limit 1`,
      [W],
    )
  ).rows[0]!;
  minorOfV = (
    await db.query<{ id: string; idNumber: string }>(
      `select id::text as id, id_number as "idNumber" from person
        where village_code = $1 and id_number is not null and status = 'ACTIVE' and birth_date > current_date - interval '17 years' order by id limit 1`,
      [V],
    )
  ).rows[0]!;
  expect(grids.length).toBeGreaterThanOrEqual(2);
  expect(residentsOfV.length).toBe(10);
  expect(minorOfV).toBeDefined();
}, 240_000);

afterAll(async () => {
  await db?.end();
  await hub?.stop();
});

describe('grid staff (网格力量 1+3+N)', () => {
  it('keeps one grid worker per grid: a second is a CONFLICT naming the current one, and the same reason rejects a file line', async () => {
    const [g] = grids;
    const worker = (await staffOf(g!)).staff.find((s) => s.role === 'GRID_WORKER')!;
    expect(worker).toBeDefined();
    const e = err(await createStaff({ gridCode: g, role: 'GRID_WORKER', name: '第二名网格员' }));
    expect(e.extensions?.code).toBe('CONFLICT');
    expect(e.message).toContain(`now ${worker.name}, id ${worker.id}`);
    expect(e.extensions?.currentId).toBe(worker.id);
    const file = await importFile('grid-staff', `external_id,grid_code,role,name\nfs-${RUN}-w2,${g},GRID_WORKER,第二名网格员\n`);
    expect(file.rejects).toHaveLength(1);
    sameReason(e, 'role', file.rejects[0]!, 'role');
    // Both name the current grid worker, so the clerk knows whose assignment to end.
    expect(file.rejects[0]!.reason).toContain(`now ${worker.name}, id ${worker.id}`);
    expect((await staffOf(g!)).staff.filter((s) => s.role === 'GRID_WORKER')).toEqual([worker]);
    // In Chinese the file's line reads as its header and words did (角色 网格员), with no code in it.
    const zh = await postImport(
      hub.gatewayUrl,
      writer,
      'grid-staff',
      `external_id,grid_code,角色,name\nfs-${RUN}-w3,${g},网格员,第三名网格员\n`,
      `fs-zh-${RUN}`,
      'zh',
    );
    expect(zh.rejects[0]!.reason).toMatch(/^角色（role） 该网格已有专职网格员（网格员），每个网格只设一名/);
    expect(zh.rejects[0]!.reason).not.toMatch(/GRID_WORKER/);
  });

  it('ends, appoints and changes assignments, and the forces figures follow in the next read', async () => {
    const g = grids[0]!;
    const before = await forcesOf(V);
    const { fullyStaffed, staff } = await staffOf(g);
    const worker = staff.find((s) => s.role === 'GRID_WORKER')!;

    const ended = ok(await endStaff(worker.id, worker.version)).endGridStaff;
    expect(ended.endedAt).not.toBeNull();
    expect(ended.endReason).toBe('调离');
    expect(ended.version).toBe(worker.version + 1);
    const after = await forcesOf(V);
    expect(after.village.gridWorkers).toBe(before.village.gridWorkers - 1);
    expect(after.county.gridWorkers).toBe(before.county.gridWorkers - 1);
    expect(after.village.gridsFullyStaffed).toBe(before.village.gridsFullyStaffed - (fullyStaffed ? 1 : 0));
    expect((await staffOf(g)).staff.map((s) => s.id)).not.toContain(worker.id);
    // A grid's staffing is kept with its village's statistics: the read right after the change must not see the kept one.
    expect((await staffOf(g)).fullyStaffed).toBe(false);
    expect((await db.query(`select ended_by, end_reason from grid_staff_ended where id = $1`, [worker.id])).rows).toEqual([
      { ended_by: 'test caller', end_reason: '调离' },
    ]);
    // The same end sent again after its answer was lost is answered with the ended record, not "not found"; an end
    // from another version is not this one, and is told the record has ended.
    const ENDED = { code: 'INVALID_TRANSITION', rule: 'alreadyEnded', endReason: '调离' };
    expect(ok(await endStaff(worker.id, worker.version)).endGridStaff).toEqual(ended);
    expect(err(await endStaff(worker.id, worker.version + 1)).extensions).toMatchObject(ENDED);
    // Another caller of the same county (and the same display name) did not send it: not answered as if their end
    // had just been written, but told it has ended.
    const colleague = await hub.token({ jurisdiction: WRITE_COUNTY, scopes: ['read', 'write'], subject: `forces-colleague-${RUN}` });
    expect(err(await endStaff(worker.id, worker.version, colleague)).extensions).toMatchObject(ENDED);
    // Nor is an end for another reason the same end.
    const otherReason = await hub.queryAs(writer, `mutation($id: ID!, $v: Int!) { endGridStaff(id: $id, version: $v, reason: "退休") { id } }`, {
      id: worker.id,
      v: worker.version,
    });
    expect(err(otherReason).extensions).toMatchObject(ENDED);
    expect(after.village.gridWorkers).toBe((await forcesOf(V)).village.gridWorkers);

    // Two workers for the grid in one file: the first is taken, the second refused like a second form.
    const two = await importFile('grid-staff', `external_id,grid_code,role,name\nfs-${RUN}-w1,${g},GRID_WORKER,甲\nfs-${RUN}-w2,${g},GRID_WORKER,乙\n`);
    expect(two.rejects.map((r) => [r.line, r.field])).toEqual([[3, 'role']]);
    expect(two.done.inserted).toBe(1);
    const taken = (await staffOf(g)).staff.find((s) => s.role === 'GRID_WORKER')!;
    expect(taken).toMatchObject({ name: '甲', externalId: `fs-${RUN}-w1` });
    ok(await endStaff(taken.id, taken.version));

    // A new worker, a resident of the village: named after the resident when no name is given.
    const p = residentsOfV[0]!;
    const appointed = ok(await createStaff({ gridCode: g, role: 'GRID_WORKER', personId: p.id, phone: '139 0000 1234' })).createGridStaff;
    expect(appointed).toMatchObject({ role: 'GRID_WORKER', name: p.name, phone: '13900001234', version: 1, person: { id: p.id }, grid: { code: g } });
    expect((await forcesOf(V)).village).toEqual(before.village);
    expect((await staffOf(g)).fullyStaffed).toBe(fullyStaffed);
    // The resident cannot be deregistered while serving; in Chinese the post's role is named in words.
    const version = (await hub.queryAs<{ person: { version: number } }>(writer, `{ person(id: "${p.id}") { version } }`)).data!.person.version;
    const serving = await postJson(
      hub.gatewayUrl,
      { query: `mutation { deregisterPerson(id: "${p.id}", version: ${version}, reason: MOVED_OUT) { id } }` },
      { authorization: `Bearer ${writer}`, 'accept-language': 'zh-CN' },
    );
    expect(serving.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', gridStaffId: appointed.id });
    expect(serving.errors![0]!.message).toBe(`人员 ${p.id} 任网格力量 ${appointed.id}（网格员）；请先结束该任命（endGridStaff）。`);

    // Changes are partial and versioned; one that changes nothing keeps the version.
    const renamed = ok(await updateStaff(appointed.id, 1, { name: '新网格员' })).updateGridStaff;
    expect(renamed).toMatchObject({ name: '新网格员', phone: '13900001234', version: 2, person: { id: p.id } });
    expect(ok(await updateStaff(appointed.id, 2, { name: '新网格员' })).updateGridStaff.version).toBe(2);
    const stale = err(await updateStaff(appointed.id, 1, { phone: '13900005678' }));
    expect(stale.extensions).toMatchObject({ code: 'CONFLICT', currentVersion: 2 });
    // null clears: the phone goes, the name falls back to the resident's.
    const cleared = ok(await updateStaff(appointed.id, 2, { phone: null, name: null })).updateGridStaff;
    expect(cleared).toMatchObject({ phone: null, name: p.name, version: 3 });
    // Moving the worker to another grid of the village moves the figure with it.
    const other = await staffOf(grids[1]!);
    const otherWorker = other.staff.find((s) => s.role === 'GRID_WORKER');
    if (otherWorker) ok(await endStaff(otherWorker.id, otherWorker.version));
    const moved = ok(await updateStaff(appointed.id, 3, { gridCode: grids[1] })).updateGridStaff;
    expect(moved.grid.code).toBe(grids[1]);
    expect((await staffOf(g)).staff.some((s) => s.role === 'GRID_WORKER')).toBe(false);
    expect((await forcesOf(V)).village.gridWorkers).toBe(before.village.gridWorkers - (otherWorker ? 1 : 0));
    // Back where it was, so the grids are as seeded again (but for the worker's person).
    ok(await updateStaff(appointed.id, 4, { gridCode: g }));
    if (otherWorker) ok(await createStaff({ gridCode: grids[1], role: 'GRID_WORKER', name: otherWorker.name }));
    expect((await forcesOf(V)).village).toEqual(before.village);
  });

  it('refuses the same rule violations on both paths with the same reason', async () => {
    const g = grids[1]!;
    const outsider = (
      await db.query<{ id: string; id_number: string }>(`select id::text, id_number from person where county_code = '623021' and id_number is not null limit 1`)
    ).rows[0]!;
    const cases: { input: Record<string, unknown>; argument: string; code: string; file: string; field: string }[] = [
      {
        // A resident of another village.
        input: { gridCode: g, role: 'GRID_LEADER', personId: residentOfW.id },
        argument: 'personId',
        code: 'BAD_USER_INPUT',
        file: `external_id,grid_code,role,id_number\nfs-${RUN}-x1,${g},GRID_LEADER,${residentOfW.idNumber}\n`,
        field: 'id_number',
      },
      {
        // The same resident named by registry id, as an export writes it: the reject names that column.
        input: { gridCode: g, role: 'GRID_LEADER', personId: residentOfW.id },
        argument: 'personId',
        code: 'BAD_USER_INPUT',
        file: `external_id,grid_code,role,person_id\nfs-${RUN}-x5,${g},GRID_LEADER,${residentOfW.id}\n`,
        field: 'person_id',
      },
      {
        // An informant 信息员 without a resident record.
        input: { gridCode: g, role: 'INFORMANT', name: '无名信息员' },
        argument: 'personId',
        code: 'BAD_USER_INPUT',
        file: `external_id,grid_code,role,name\nfs-${RUN}-x2,${g},INFORMANT,无名信息员\n`,
        field: 'id_number',
      },
      {
        // Neither a name nor a resident.
        input: { gridCode: g, role: 'LINKED_LEADER' },
        argument: 'name',
        code: 'BAD_USER_INPUT',
        file: `external_id,grid_code,role,name\nfs-${RUN}-x3,${g},LINKED_LEADER,\n`,
        field: 'name',
      },
      {
        // A child of the village (under 18): grid staff are adults.
        input: { gridCode: g, role: 'INFORMANT', personId: minorOfV.id },
        argument: 'personId',
        code: 'BAD_USER_INPUT',
        file: `external_id,grid_code,role,id_number\nfs-${RUN}-x6,${g},INFORMANT,${minorOfV.idNumber}\n`,
        field: 'id_number',
      },
      {
        // No such resident in the caller's jurisdiction (a resident of 临潭县).
        input: { gridCode: g, role: 'INFORMANT', personId: outsider.id },
        argument: 'personId',
        code: 'NOT_FOUND',
        file: `external_id,grid_code,role,id_number\nfs-${RUN}-x4,${g},INFORMANT,${outsider.id_number}\n`,
        field: 'id_number',
      },
    ];
    for (const c of cases) {
      const e = err(await createStaff(c.input));
      expect(e.extensions?.code, e.message).toBe(c.code);
      const file = await importFile('grid-staff', c.file);
      expect(file.rejects, c.file).toHaveLength(1);
      sameReason(e, c.argument, file.rejects[0]!, c.field);
    }
    expect((await db.query(`select count(*)::int as n from grid_staff where external_id like $1`, [`fs-${RUN}-x%`])).rows[0].n).toBe(0);
  });

  it('gives an assignment linked to another resident that resident’s name, unless a name is given, on both paths', async () => {
    const g = grids[1]!;
    const [a, b, c] = [residentsOfV[7]!, residentsOfV[8]!, residentsOfV[9]!];
    const made = ok(await createStaff({ gridCode: g, role: 'LINKED_OFFICE_CADRE', personId: a.id })).createGridStaff;
    expect(made.name).toBe(a.name);
    // Relinked by form without a name: the new resident's name, not the one held for the first.
    const relinked = ok(await updateStaff(made.id, made.version, { personId: b.id })).updateGridStaff;
    expect([relinked.name, relinked.person?.id]).toEqual([b.name, b.id]);
    // Relinked by file, by ID number: the same.
    const file = await importFile('grid-staff', `id,version,id_number\n${made.id},${relinked.version},${c.idNumber}\n`);
    expect(file.done).toMatchObject({ updated: 1, rejected: 0 });
    const now = (await staffOf(g)).staff.find((s) => s.id === made.id)!;
    expect([now.name, now.person?.id]).toEqual([c.name, c.id]);
    // A name given with the link is kept; a change of anything else keeps the name.
    const named = ok(await updateStaff(made.id, now.version, { personId: a.id, name: '常用名' })).updateGridStaff;
    expect(named.name).toBe('常用名');
    const phoned = ok(await updateStaff(made.id, named.version, { phone: '13900003333' })).updateGridStaff;
    expect(phoned.name).toBe('常用名');
    // Unlinked (form, then a file's empty cell): the name stays, there being no resident to take one from.
    const unlinked = ok(await updateStaff(made.id, phoned.version, { personId: null })).updateGridStaff;
    expect([unlinked.name, unlinked.person]).toEqual(['常用名', null]);
    const relinkedByFile = await importFile('grid-staff', `id,version,person_id\n${made.id},${unlinked.version},${b.id}\n`);
    expect(relinkedByFile.done).toMatchObject({ updated: 1, rejected: 0 });
    const byFile = (await staffOf(g)).staff.find((s) => s.id === made.id)!;
    expect([byFile.name, byFile.person?.id]).toEqual([b.name, b.id]);
    // Relinked to another resident with the name it held for the one before (a spreadsheet row whose ID number was
    // changed and its name left): refused on both paths with one reason, so no list shows one person's name with
    // another's ID number.
    const kept = err(await updateStaff(made.id, byFile.version, { personId: a.id, name: b.name }));
    expect(kept.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'name', rule: 'nameOfFormerLink' });
    const keptByFile = await importFile('grid-staff', `id,version,name,id_number\n${made.id},${byFile.version},${b.name},${a.idNumber}\n`);
    expect(keptByFile.rejects).toMatchObject([{ field: 'name', rule: 'nameOfFormerLink', code: 'BAD_USER_INPUT' }]);
    sameReason(kept, 'name', keptByFile.rejects[0]!, 'name');
    expect((await staffOf(g)).staff.find((s) => s.id === made.id)).toMatchObject({ name: b.name, person: { id: b.id } });
    const emptied = await importFile('grid-staff', `id,version,person_id\n${made.id},${byFile.version},\n`);
    expect(emptied.done).toMatchObject({ updated: 1, rejected: 0 });
    expect((await staffOf(g)).staff.find((s) => s.id === made.id)).toMatchObject({ name: b.name, person: null });

    // A mediator follows the same rule.
    const own = (await committeesOf(V)).find((c) => c.kind === 'VILLAGE')!;
    const m = ok(await createMediator({ committeeId: own.id, personId: a.id })).createMediator;
    expect(m.name).toBe(a.name);
    const moved = ok(await updateMediator(m.id, m.version, { personId: c.id })).updateMediator;
    expect([moved.name, moved.person?.id]).toEqual([c.name, c.id]);
    const free = ok(await updateMediator(m.id, moved.version, { personId: null })).updateMediator;
    expect([free.name, free.person]).toEqual([c.name, null]);
  });

  it('seats a resident in a grid role once, even when five ask at once, on both paths', async () => {
    const g = grids[1]!;
    const once = residentsOfV[6]!;
    const five = await Promise.all(Array.from({ length: 5 }, () => createStaff({ gridCode: g, role: 'INFORMANT', personId: once.id })));
    expect(five.filter((r) => !r.errors)).toHaveLength(1);
    for (const r of five.filter((x) => x.errors)) expect(err(r).extensions?.code).toBe('CONFLICT');
    // A new key makes it a new write (without one, the same desk's same form within minutes is a retry, sameWrite).
    const again = err(
      await hub.queryAs(writer, `mutation($i: GridStaffInput!, $k: String) { createGridStaff(input: $i, idempotencyKey: $k) { id } }`, {
        i: { gridCode: g, role: 'INFORMANT', personId: once.id },
        k: `again-${RUN}`,
      }),
    );
    expect(again.extensions?.code).toBe('CONFLICT');
    const file = await importFile('grid-staff', `external_id,grid_code,role,id_number\nfs-${RUN}-o1,${g},INFORMANT,${once.idNumber}\n`);
    expect(file.rejects).toHaveLength(1);
    sameReason(again, 'role', file.rejects[0]!, 'role');
    expect((await staffOf(g)).staff.filter((s) => s.person?.id === once.id && s.role === 'INFORMANT')).toHaveLength(1);
    // Another role in the same grid is another post.
    ok(await createStaff({ gridCode: g, role: 'LINKED_LEADER', personId: once.id }));
  });

  it('gives a deregistered resident no post, team, tag or new case, and keeps a resident from moving away from their posts', async () => {
    const g = grids[1]!;
    const register = async (name: string, n: number) => {
      const idNumber = makeCitizenId(WRITE_COUNTY, '1971-07-07', (RUN % 400) + n);
      const r = await hub.queryAs<{ registerPerson: { id: string; version: number } }>(
        writer,
        `mutation($i: PersonInput!) { registerPerson(input: $i) { id version } }`,
        { i: { name, idNumber, ethnicity: '汉族', residency: 'REGISTERED', gridCode: g } },
      );
      return { ...ok(r).registerPerson, idNumber };
    };
    const gone = await register('已故人员', 1);
    ok(await hub.queryAs(writer, `mutation { deregisterPerson(id: "${gone.id}", version: ${gone.version}, reason: DIED) { id } }`));
    const staff = err(await createStaff({ gridCode: g, role: 'LINKED_LEADER', personId: gone.id }));
    expect(staff.extensions?.code).toBe('CONFLICT');
    const file = await importFile('grid-staff', `external_id,grid_code,role,id_number\nfs-${RUN}-d1,${g},LINKED_LEADER,${gone.idNumber}\n`);
    expect(file.rejects).toHaveLength(1);
    sameReason(staff, 'personId', file.rejects[0]!, 'id_number');
    const team = await hub.queryAs(writer, `mutation($i: PatrolTeamInput!) { createPatrolTeam(input: $i) { id } }`, {
      i: { villageCode: V, gridCode: g, name: `测试巡逻队${RUN}`, kind: 'RED_ARMBAND', memberIds: [gone.id] },
    });
    expect(err(team).extensions?.code).toBe('CONFLICT');
    expect(err(await hub.queryAs(writer, `mutation { tagPerson(id: "${gone.id}", tags: [EXTREME_POVERTY]) { id } }`)).extensions?.code).toBe('CONFLICT');
    const dispute = await hub.queryAs(writer, `mutation($i: DisputeInput!, $k: String!) { reportDispute(input: $i, idempotencyKey: $k) { id } }`, {
      k: `forces-${RUN}-gone`,
      i: {
        gridCode: g,
        category: 'NEIGHBOUR',
        scale: 'ORDINARY',
        source: 'GRID_INSPECTION',
        summary: '测试',
        parties: [
          { name: '外村人员', role: 'APPLICANT' },
          { personId: gone.id, role: 'RESPONDENT' },
        ],
      },
    });
    expect(err(dispute).extensions?.code).toBe('CONFLICT');
    expect([DEREGISTERED_PARTY.zh, DEREGISTERED_PARTY.en].some((why) => err(dispute).message.includes(why))).toBe(true);
    // The party at fault by its place, as the refusal of a party outside the jurisdiction names it.
    expect(err(dispute).extensions).toMatchObject({ argument: 'parties.personId', index: 1 });
    expect(err(dispute).message).toMatch(/^Party 2 \(person /);
    const disputeFile = await importFile(
      'disputes',
      `external_id,grid_code,category,scale,source,summary,parties\nfs-${RUN}-dd,${g},NEIGHBOUR,ORDINARY,GRID_INSPECTION,测试,APPLICANT:${gone.idNumber}\n`,
    );
    expect(disputeFile.rejects.map((r) => [r.field, r.code])).toEqual([['parties', 'CONFLICT']]);
    // The same rule and the same words on both paths (domain/parties.ts).
    expect(disputeFile.rejects[0]!.reason).toContain(DEREGISTERED_PARTY.en);

    // A resident serving as an informant moves to the next village only once the post has ended.
    const mover = await register('迁出人员', 2);
    const post = ok(await createStaff({ gridCode: g, role: 'INFORMANT', personId: mover.id })).createGridStaff;
    const away = (await db.query<{ code: string }>(`select code from grid where village_code = $1 order by code limit 1`, [W])).rows[0]!.code;
    const move = (version: number) =>
      hub.queryAs<{ updatePerson: { village: { code: string } } }>(
        writer,
        `mutation { updatePerson(id: "${mover.id}", version: ${version}, input: { gridCode: "${away}" }) { village { code } } }`,
      );
    const refused = err(await move(mover.version));
    expect(refused.extensions?.code).toBe('CONFLICT');

    const moveFile = await importFile('residents', `id_number,grid_code\n${mover.idNumber},${away}\n`);
    expect(moveFile.rejects).toHaveLength(1);
    sameReason(refused, 'gridCode', moveFile.rejects[0]!, 'grid_code');
    // Nor with a household: moving it to another village is refused while a member holds a post here.
    const member = await register('户内任职人员', 3);
    ok(await createStaff({ gridCode: g, role: 'INFORMANT', personId: member.id }));
    const home = ok(
      await hub.queryAs<{ registerHousehold: { id: string; version: number } }>(
        writer,
        `mutation { registerHousehold(input: { gridCode: "${g}", number: "迁户-${RUN}" }) { id version } }`,
      ),
    ).registerHousehold;
    ok(await hub.queryAs(writer, `mutation { updatePerson(id: "${member.id}", version: ${member.version}, input: { householdId: "${home.id}" }) { id } }`));
    const householdMove = err(
      await hub.queryAs(writer, `mutation { moveHousehold(id: "${home.id}", version: ${home.version}, input: { gridCode: "${away}" }) { id } }`),
    );
    expect(householdMove.extensions).toMatchObject({ code: 'CONFLICT', rule: 'postsLeftBehind', personIds: [member.id] });
    ok(await endStaff(post.id, post.version));
    expect(ok(await move(mover.version)).updatePerson.village.code).toBe(W);
  });

  it('changes grid staff, committees and mediators by id alone, with only the columns a row changes', async () => {
    // An export's rows by column (these kinds' cells hold no comma).
    const exported = async (kind: string) => {
      const [head, ...lines] = (await exportFile(kind, V))
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\n');
      const columns = head!.split(',');
      return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [columns[i]!, v])));
    };
    const post = (await exported('grid-staff'))[0]!;
    const phone = `139${String(RUN % 100_000_000).padStart(8, '0')}`;
    const r = await importFile('grid-staff', `id,phone\n${post.id},${phone}\n`);
    expect(r.rejects).toEqual([]);
    expect(r.done).toMatchObject({ updated: 1, rejected: 0 });
    expect((await exported('grid-staff')).find((x) => x.id === post.id)!.phone).toBe(phone);
    const committee = (await exported('mediation-committees'))[0]!;
    const same = await importFile('mediation-committees', `id,name\n${committee.id},${committee.name}\n`);
    expect(same.rejects).toEqual([]);
    expect(same.done).toMatchObject({ unchanged: 1, rejected: 0 });
  });

  it('imports new and changed staff, partially and idempotently, and the figures follow', async () => {
    const g = grids[1]!;
    const before = await forcesOf(V);
    const { fullyStaffed, staff } = await staffOf(g);
    // End the grid's informants: it is no longer fully staffed.
    for (const s of staff.filter((x) => x.role === 'INFORMANT')) ok(await endStaff(s.id, s.version));
    const short = await forcesOf(V);
    expect(short.village.gridsFullyStaffed).toBe(before.village.gridsFullyStaffed - (fullyStaffed ? 1 : 0));
    expect(short.county.gridsFullyStaffed).toBe(before.county.gridsFullyStaffed - (fullyStaffed ? 1 : 0));
    expect((await staffOf(g)).fullyStaffed).toBe(false);
    // With its informants back the grid is fully staffed when it has the worker and the three linked cadres.
    const full = ['GRID_WORKER', 'LINKED_LEADER', 'LINKED_OFFICE_CADRE', 'LINKED_POLITICAL_LEGAL_CADRE'].every((r) => staff.some((s) => s.role === r));

    const leader = staff.find((s) => s.role === 'GRID_LEADER')!;
    const [a, b] = [residentsOfV[1]!, residentsOfV[2]!];
    const csv = [
      'id,external_id,grid_code,role,name,phone,person_id,id_number,version',
      `,fs-${RUN}-i1,${g},INFORMANT,,13800001111,,${a.idNumber},`,
      `,fs-${RUN}-i2,${g},informant,信息员乙,,${b.id},${b.idNumber},`,
      `${leader.id},,${g},GRID_LEADER,${leader.name},13800002222,,,${leader.version}`,
    ].join('\n');
    const first = await importFile('grid-staff', `${csv}\n`);
    expect(first.rejects).toEqual([]);
    expect(first.done).toMatchObject({ inserted: 2, updated: 1, unchanged: 0 });
    const now = await staffOf(g);
    expect(now.fullyStaffed).toBe(full);
    const back = await forcesOf(V);
    expect(back.village.gridsFullyStaffed).toBe(short.village.gridsFullyStaffed + (full ? 1 : 0));
    expect(back.county.gridsFullyStaffed).toBe(short.county.gridsFullyStaffed + (full ? 1 : 0));
    const i1 = now.staff.find((s) => s.externalId === `fs-${RUN}-i1`)!;
    expect(i1).toMatchObject({ role: 'INFORMANT', name: a.name, phone: '13800001111', person: { id: expect.any(String) } });
    // The leader's row cleared its resident (an empty id_number) and kept its name; its version moved on.
    const led = now.staff.find((s) => s.id === leader.id)!;
    expect(led).toMatchObject({ phone: '13800002222', person: null, name: leader.name, version: leader.version + 1 });

    // The same file again changes nothing: the leader's row now names a stale version but equals the record.
    const again = await importFile('grid-staff', `${csv}\n`);
    expect(again.rejects).toEqual([]);
    expect(again.done).toMatchObject({ inserted: 0, updated: 0, unchanged: 3 });

    // A file without the name, phone and resident columns changes only what it has.
    const partial = await importFile('grid-staff', `external_id,grid_code,role\nfs-${RUN}-i1,${g},INFORMANT\n`);
    expect(partial.done).toMatchObject({ inserted: 0, updated: 0, unchanged: 1 });
    const moved = await importFile('grid-staff', `id,grid_code,phone,version\n${i1.id},${grids[0]},13800003333,${i1.version}\n`);
    expect(moved.rejects).toEqual([]);
    expect((await staffOf(grids[0]!)).staff.find((s) => s.id === i1.id)).toMatchObject({ phone: '13800003333', name: a.name, person: { id: i1.person!.id } });
    // A stale version with a change is refused, on the file as in a form.
    const stale = await importFile('grid-staff', `id,grid_code,phone,version\n${i1.id},${grids[0]},13800004444,${i1.version}\n`);
    const form = err(await updateStaff(i1.id, i1.version, { phone: '13800004444' }));
    expect(form.extensions?.code).toBe('CONFLICT');
    sameReason(form, 'version', stale.rejects[0]!, 'version');
  });

  it('round-trips its export: export, import, export give the same file', async () => {
    const first = await exportFile('grid-staff', V);
    const lines = first
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n');
    expect(lines[0]).toBe('id,external_id,grid_code,role,name,phone,person_id,id_number,version');
    expect(lines.length).toBeGreaterThan(grids.length * 4);
    const back = await importFile('grid-staff', first);
    expect(back.rejects).toEqual([]);
    expect(back.done).toMatchObject({ inserted: 0, updated: 0, unchanged: lines.length - 1 });
    expect(await exportFile('grid-staff', V)).toBe(first);
  });

  it("keeps another county's caller out: not found, forbidden, rejected", async () => {
    const s = (await staffOf(grids[0]!)).staff[0]!;
    const refused: Res<unknown>[] = [await updateStaff(s.id, s.version, { name: '越权' }, neighbour), await endStaff(s.id, s.version, neighbour)];
    for (const r of refused) {
      expect(err(r).extensions?.code).toBe('NOT_FOUND');
    }
    expect(err(await createStaff({ gridCode: grids[0], role: 'INFORMANT', name: '越权' }, neighbour)).extensions?.code).toBe('FORBIDDEN');
    // A grid outside the caller's jurisdiction is FORBIDDEN on both paths, as for the registry's kinds.
    const outside = await importFile('grid-staff', `external_id,grid_code,role,name\nfs-${RUN}-out,${grids[0]},INFORMANT,越权\n`, neighbour);
    expect(outside.rejects.map((r) => [r.field, r.code])).toEqual([['grid_code', 'FORBIDDEN']]);
    const file = await importFile('grid-staff', `id,grid_code,name\n${s.id},623021200201001,越权\n`, neighbour);
    expect(file.rejects.map((r) => r.field)).toEqual(['id']);
    expect((await staffOf(grids[0]!)).staff.find((x) => x.id === s.id)).toEqual(s);
    const reader = await hub.token({ jurisdiction: WRITE_COUNTY, scopes: ['read'] });
    expect(err(await updateStaff(s.id, s.version, { name: '只读' }, reader)).extensions?.code).toBe('FORBIDDEN');
  });
});

interface Committee {
  id: string;
  name: string;
  kind: string;
  version: number;
  externalId: string | null;
  endedAt: string | null;
  mediators: Mediator[];
}
interface Mediator {
  id: string;
  name: string;
  fullTime: boolean;
  phone: string | null;
  version: number;
  endedAt: string | null;
  person: { id: string } | null;
  committee: { id: string } | null;
}
const MEDIATOR = 'id name fullTime phone version endedAt person { id } committee { id }';
const COMMITTEE = `id name kind version externalId endedAt mediators { ${MEDIATOR} }`;

async function committeesOf(village: string): Promise<Committee[]> {
  return ok(
    await hub.queryAs<{ village: { mediationCommittees: Committee[] } }>(
      writer,
      `query($v: String!) { village(code: $v) { mediationCommittees { ${COMMITTEE} } } }`,
      { v: village },
    ),
  ).village.mediationCommittees;
}
const createCommittee = (input: Record<string, unknown>, token = writer) =>
  hub.queryAs<{ createMediationCommittee: Committee }>(
    token,
    `mutation($i: MediationCommitteeInput!) { createMediationCommittee(input: $i) { ${COMMITTEE} } }`,
    {
      i: input,
    },
  );
const createMediator = (input: Record<string, unknown>, token = writer) =>
  hub.queryAs<{ createMediator: Mediator }>(token, `mutation($i: MediatorInput!) { createMediator(input: $i) { ${MEDIATOR} } }`, { i: input });
const updateMediator = (id: string, version: number, input: Record<string, unknown>, token = writer) =>
  hub.queryAs<{ updateMediator: Mediator }>(
    token,
    `mutation($id: ID!, $v: Int!, $i: MediatorUpdate!) { updateMediator(id: $id, version: $v, input: $i) { ${MEDIATOR} } }`,
    {
      id,
      v: version,
      i: input,
    },
  );

describe('mediation committees and mediators (人民调解委员会, 人民调解员)', () => {
  it("keeps one village committee per village and a committee's kind to its village, on both paths", async () => {
    const own = (await committeesOf(V)).find((c) => c.kind === 'VILLAGE')!;
    const second = err(await createCommittee({ villageCode: V, name: '第二调委会', kind: 'VILLAGE' }));
    expect(second.extensions).toMatchObject({ code: 'CONFLICT', currentId: own.id });
    expect(second.message).toContain(`now ${own.name}, id ${own.id}`);
    const f1 = await importFile('mediation-committees', `external_id,village_code,name,kind\nmc-${RUN}-1,${V},第二调委会,VILLAGE\n`);
    sameReason(second, 'kind', f1.rejects[0]!, 'kind');
    // Both name the village's committee, so the clerk knows which one to change or end.
    expect(f1.rejects[0]!.reason).toContain(`now ${own.name}, id ${own.id}`);
    const community = err(await createCommittee({ villageCode: V, name: '社区调委会', kind: 'COMMUNITY' }));
    expect(community.extensions?.code).toBe('BAD_USER_INPUT');
    const f2 = await importFile('mediation-committees', `external_id,village_code,name,kind\nmc-${RUN}-2,${V},社区调委会,COMMUNITY\n`);
    sameReason(community, 'kind', f2.rejects[0]!, 'kind');
    expect(err(await createCommittee({ villageCode: V, name: '越权', kind: 'TRADE' }, neighbour)).extensions?.code).toBe('FORBIDDEN');
    const outside = await importFile('mediation-committees', `external_id,village_code,name,kind\nmc-${RUN}-out,${V},越权,TRADE\n`, neighbour);
    expect(outside.rejects.map((r) => [r.field, r.code])).toEqual([['village_code', 'FORBIDDEN']]);
  });

  it('sets up a committee, appoints, changes and ends mediators, and ends the committee with them', async () => {
    const created = ok(await createCommittee({ villageCode: V, name: `合作社调委会${RUN}`, kind: 'ENTERPRISE' })).createMediationCommittee;
    expect(created).toMatchObject({ kind: 'ENTERPRISE', version: 1, mediators: [] });
    const renamed = ok(
      await hub.queryAs<{ updateMediationCommittee: Committee }>(
        writer,
        `mutation($id: ID!) { updateMediationCommittee(id: $id, version: 1, input: { name: "合作社人民调解委员会", externalId: "mc-${RUN}-e" }) { ${COMMITTEE} } }`,
        { id: created.id },
      ),
    ).updateMediationCommittee;
    expect(renamed).toMatchObject({ name: '合作社人民调解委员会', externalId: `mc-${RUN}-e`, version: 2 });

    const p = residentsOfV[3]!;
    const m = ok(await createMediator({ committeeId: created.id, personId: p.id, fullTime: true, phone: '13700001111' })).createMediator;
    expect(m).toMatchObject({ name: p.name, fullTime: true, phone: '13700001111', version: 1, person: { id: p.id }, committee: { id: created.id } });
    // A resident serves once per committee, on both paths.
    const twice = err(await createMediator({ committeeId: created.id, personId: p.id }));
    expect(twice.extensions?.code).toBe('CONFLICT');
    const f1 = await importFile('mediators', `external_id,committee_id,id_number\nmd-${RUN}-1,${created.id},${p.idNumber}\n`);
    sameReason(twice, 'personId', f1.rejects[0]!, 'id_number');
    // The mediators of a village committee live in its village (an enterprise's need not).
    const own = (await committeesOf(V)).find((c) => c.kind === 'VILLAGE')!;
    const elsewhere = err(await createMediator({ committeeId: own.id, personId: residentOfW.id }));
    expect(elsewhere.extensions?.code).toBe('BAD_USER_INPUT');
    const f2 = await importFile('mediators', `external_id,committee_id,id_number\nmd-${RUN}-2,${own.id},${residentOfW.idNumber}\n`);
    sameReason(elsewhere, 'personId', f2.rejects[0]!, 'id_number');
    const fromW = ok(await createMediator({ committeeId: created.id, personId: residentOfW.id })).createMediator;
    expect(fromW.fullTime).toBe(false);

    const part = ok(await updateMediator(m.id, 1, { fullTime: false, phone: null })).updateMediator;
    expect(part).toMatchObject({ fullTime: false, phone: null, name: p.name, version: 2 });
    expect(err(await updateMediator(m.id, 1, { fullTime: true })).extensions).toMatchObject({ code: 'CONFLICT', currentVersion: 2 });
    expect(err(await updateMediator(m.id, 2, { name: '越权' }, neighbour)).extensions?.code).toBe('NOT_FOUND');
    expect(err(await createMediator({ committeeId: created.id, name: '越权' }, neighbour)).extensions?.code).toBe('NOT_FOUND');

    const endedOne = ok(
      await hub.queryAs<{ endMediator: Mediator }>(writer, `mutation($id: ID!) { endMediator(id: $id, version: 1, reason: "迁出") { ${MEDIATOR} } }`, {
        id: fromW.id,
      }),
    ).endMediator;
    expect(endedOne.endedAt).not.toBeNull();
    expect((await committeesOf(V)).find((c) => c.id === created.id)!.mediators.map((x) => x.id)).toEqual([m.id]);
    // Sent again after a lost answer: the ended mediator, as for grid staff; another caller is not answered so.
    const endAgain = (token: string) =>
      hub.queryAs<{ endMediator: Mediator }>(token, `mutation($id: ID!) { endMediator(id: $id, version: 1, reason: "迁出") { ${MEDIATOR} } }`, {
        id: fromW.id,
      });
    expect(ok(await endAgain(writer)).endMediator).toEqual(endedOne);
    expect(err(await endAgain(neighbour)).extensions?.code).toBe('NOT_FOUND');

    const endedAll = ok(
      await hub.queryAs<{ endMediationCommittee: Committee }>(
        writer,
        `mutation($id: ID!) { endMediationCommittee(id: $id, version: 2, reason: "合作社解散") { ${COMMITTEE} } }`,
        { id: created.id },
      ),
    ).endMediationCommittee;
    expect(endedAll).toMatchObject({ endedAt: expect.any(String), version: 3, mediators: [] });
    expect((await committeesOf(V)).map((c) => c.id)).not.toContain(created.id);
    expect((await db.query(`select id::text, end_reason from mediator_ended where committee_id = $1 order by id`, [created.id])).rows).toEqual([
      { id: m.id, end_reason: '合作社解散' },
      { id: fromW.id, end_reason: '迁出' },
    ]);
  });

  it('imports committees and mediators idempotently and round-trips their exports', async () => {
    const csv = `external_id,village_code,name,kind\nmc-${RUN}-t,${V},行业调委会,TRADE\n`;
    const first = await importFile('mediation-committees', csv);
    expect(first.rejects).toEqual([]);
    expect(first.done).toMatchObject({ inserted: 1 });
    expect((await importFile('mediation-committees', csv)).done).toMatchObject({ inserted: 0, updated: 0, unchanged: 1 });
    const trade = (await committeesOf(V)).find((c) => c.externalId === `mc-${RUN}-t`)!;
    const people = `external_id,committee_id,name,full_time,phone,id_number\nmd-${RUN}-a,${trade.id},,专职,13600001111,${residentsOfV[4]!.idNumber}\nmd-${RUN}-b,${trade.id},外聘调解员,false,,\n`;
    const m1 = await importFile('mediators', people);
    expect(m1.rejects).toEqual([]);
    expect(m1.done).toMatchObject({ inserted: 2 });
    expect((await importFile('mediators', people)).done).toMatchObject({ inserted: 0, updated: 0, unchanged: 2 });
    const ms = (await committeesOf(V)).find((c) => c.id === trade.id)!.mediators;
    expect(ms.map((m) => [m.name, m.fullTime, m.phone])).toEqual([
      [residentsOfV[4]!.name, true, '13600001111'],
      ['外聘调解员', false, null],
    ]);
    for (const kind of ['mediation-committees', 'mediators']) {
      const exported = await exportFile(kind, V);
      const back = await importFile(kind, exported);
      expect(back.rejects, kind).toEqual([]);
      expect(back.done, kind).toMatchObject({ inserted: 0, updated: 0 });
      expect(await exportFile(kind, V), kind).toBe(exported);
    }
    // Another county's caller cannot change them by file either.
    const foreign = await importFile('mediators', `id,committee_id,name\n${ms[0]!.id},${trade.id},越权\n`, neighbour);
    expect(foreign.rejects.map((r) => r.field)).toEqual(['id']);
  });
});

/**
 * 外部编号 (externalId) given when a grid staff assignment, a committee or a mediator is created by form: the key the
 * source system's file matches later, so the file updates the record the form made instead of making a second one.
 * A key another record of the village (the committee, for a mediator) holds is refused on create as on change, naming
 * that record.
 */
describe('externalId of grid staff, committees and mediators, given on create', () => {
  type Made = { id: string; version: number; name: string; externalId: string | null };
  let committeeId: string;
  beforeAll(async () => {
    committeeId = ok(await createCommittee({ villageCode: V, name: `外部编号调委会${RUN}`, kind: 'TRADE' })).createMediationCommittee.id;
  });
  const KINDS = [
    {
      label: 'grid staff assignment',
      reason: '已被本村（社区）另一条网格力量记录使用',
      create: 'createGridStaff',
      input: 'GridStaffInput',
      update: 'updateGridStaff',
      patch: 'GridStaffUpdate',
      file: 'grid-staff',
      table: 'grid_staff',
      fields: (tag: string) => ({ gridCode: grids[1]!, role: 'LINKED_OFFICE_CADRE', name: `外部${tag}` }),
      row: (ext: string, name: string) => `external_id,grid_code,role,name\n${ext},${grids[1]!},LINKED_OFFICE_CADRE,${name}\n`,
      renamed: (id: string, ext: string) => `id,external_id\n${id},${ext}\n`,
    },
    {
      label: 'mediation committee',
      reason: '已被本村（社区）另一个人民调解委员会使用',
      create: 'createMediationCommittee',
      input: 'MediationCommitteeInput',
      update: 'updateMediationCommittee',
      patch: 'MediationCommitteeUpdate',
      file: 'mediation-committees',
      table: 'mediation_committee',
      fields: (tag: string) => ({ villageCode: V, name: `外部调委会${tag}`, kind: 'ENTERPRISE' }),
      row: (ext: string, name: string) => `external_id,village_code,name,kind\n${ext},${V},${name},ENTERPRISE\n`,
      renamed: (id: string, ext: string) => `id,external_id\n${id},${ext}\n`,
    },
    {
      label: 'mediator',
      reason: '已被该委员会另一名调解员使用',
      create: 'createMediator',
      input: 'MediatorInput',
      update: 'updateMediator',
      patch: 'MediatorUpdate',
      file: 'mediators',
      table: 'mediator',
      fields: (tag: string) => ({ committeeId, name: `外部调解员${tag}` }),
      row: (ext: string, name: string) => `external_id,committee_id,name\n${ext},${committeeId},${name}\n`,
      renamed: (id: string, ext: string) => `id,external_id\n${id},${ext}\n`,
    },
  ] as const;
  type Kind = (typeof KINDS)[number];
  const create = (k: Kind, input: Record<string, unknown>, headers: Record<string, string> = {}) =>
    hub.query<Record<string, Made>>(
      `mutation($i: ${k.input}!) { ${k.create}(input: $i) { id version name externalId } }`,
      { i: input },
      { authorization: `Bearer ${writer}`, ...headers },
    );
  const update = (k: Kind, r: Made, input: Record<string, unknown>) =>
    hub.queryAs<Record<string, Made>>(
      writer,
      `mutation($id: ID!, $v: Int!, $i: ${k.patch}!) { ${k.update}(id: $id, version: $v, input: $i) { id version name externalId } }`,
      { id: r.id, v: r.version, i: input },
    );
  const made = async (k: Kind, input: Record<string, unknown>): Promise<Made> => ok(await create(k, input))[k.create]!;

  it.each(KINDS)('sets a $label’s externalId on create (trimmed, within the limits a file’s cell has)', async (k) => {
    const ext = `E-${RUN}-${k.file}`;
    expect(await made(k, { ...k.fields('设'), externalId: `  ${ext}  ` })).toMatchObject({ externalId: ext, version: 1 });
    expect(err(await create(k, { ...k.fields('长'), externalId: 'x'.repeat(65) })).extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      argument: 'externalId',
      rule: 'textLength',
    });
  });

  it.each(KINDS)(
    'refuses a $label’s externalId another holds, on create and on change, by form and file: CONFLICT keyTaken naming it (recordId)',
    async (k) => {
      const ext = `T-${RUN}-${k.file}`;
      const holder = await made(k, { ...k.fields('甲'), externalId: ext });
      const again = err(await create(k, { ...k.fields('乙'), externalId: ext }, { 'accept-language': 'zh' }));
      expect(again.extensions).toMatchObject({ code: 'CONFLICT', rule: 'keyTaken', argument: 'externalId', recordId: holder.id });
      expect(again.message).toBe(`外部编号 ${k.reason}（编号 ${holder.id}）。`);
      // Nothing was written: the key names the one record.
      expect((await db.query(`select id::text from ${k.table} where external_id = $1`, [ext])).rows).toEqual([{ id: holder.id }]);
      const other = await made(k, k.fields('丙'));
      const onto = err(await update(k, other, { externalId: ext }));
      expect(onto.extensions).toMatchObject({ code: 'CONFLICT', rule: 'keyTaken', argument: 'externalId', recordId: holder.id });
      expect(onto.message).toContain(`(id ${holder.id})`);
      const file = await importFile(k.file, k.renamed(other.id, ext));
      expect(file.rejects.map((r) => [r.field, r.code, r.rule])).toEqual([['external_id', 'CONFLICT', 'keyTaken']]);
      expect(file.rejects[0]!.reason).toContain(`(id ${holder.id})`);
      // Its own key sent again is no clash.
      expect((await update(k, holder, { externalId: ext })).errors).toBeUndefined();
    },
  );

  it.each(KINDS)('matches a $label created by the form when its source system’s file later brings its row: no second record', async (k) => {
    const ext = `F-${RUN}-${k.file}`;
    const form = await made(k, { ...k.fields('表'), externalId: ext });
    const file = await importFile(k.file, k.row(ext, `来自文件${RUN}`));
    expect(file.rejects).toEqual([]);
    expect(file.done).toMatchObject({ inserted: 0, updated: 1, rejected: 0 });
    expect((await db.query(`select id::text, name from ${k.table} where external_id = $1`, [ext])).rows).toEqual([{ id: form.id, name: `来自文件${RUN}` }]);
  });
});

describe('an ended record ended or changed again', () => {
  /** The same request in Chinese, as a desk reads it. */
  const inChinese = <T>(query: string, variables: Record<string, unknown>, token = writer) =>
    hub.query<T>(query, variables, { authorization: `Bearer ${token}`, 'accept-language': 'zh' });
  /** What an end or change of an ended record must answer: already ended, when, by whom and why, never "not found". */
  const endedCode = (e: Err, reason: string) => {
    // endedBy is the ender's subject, as EndedRecord.endedBy is; the name people read beside it.
    expect(e.extensions).toMatchObject({
      code: 'INVALID_TRANSITION',
      rule: 'alreadyEnded',
      status: 'ENDED',
      endReason: reason,
      endedBy: `forces-${RUN}`,
      endedByName: 'test caller',
    });
    expect(e.extensions?.endedAt).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT/));
  };
  /** …and in Chinese, leading with the record. */
  const alreadyEnded = (e: Err, what: string, id: string, reason: string) => {
    endedCode(e, reason);
    expect(e.message).toMatch(
      new RegExp(`^${what} ${id} 已于 \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d（北京时间）由 test caller 结束（原因：${reason}），不能再次结束。$`),
    );
  };

  it('grid staff: another reason, another caller or a change hears when and why it ended (INVALID_TRANSITION alreadyEnded), not NOT_FOUND', async () => {
    const s = ok(await createStaff({ gridCode: grids[1], role: 'LINKED_OFFICE_CADRE', name: `包联干部${RUN}` })).createGridStaff;
    const end = (reason: string, token = writer) =>
      inChinese<{ endGridStaff: Staff }>(
        `mutation($id: ID!, $v: Int!, $r: String) { endGridStaff(id: $id, version: $v, reason: $r) { id } }`,
        { id: s.id, v: s.version, r: reason },
        token,
      );
    ok(await end('退休'));
    const again = err(await end('调离'));
    alreadyEnded(again, '网格力量', s.id, '退休');
    // The same end sent again is still answered with the ended record.
    expect(ok(await end('退休')).endGridStaff.id).toBe(s.id);
    // A colleague of the county, and a change, hear the same; a caller who cannot see the record still hears NOT_FOUND.
    const colleague = await hub.token({ jurisdiction: WRITE_COUNTY, scopes: ['read', 'write'], subject: `forces-again-${RUN}` });
    alreadyEnded(err(await end('退休', colleague)), '网格力量', s.id, '退休');
    const change = err(await updateStaff(s.id, s.version + 1, { name: '改名' }));
    endedCode(change, '退休');
    expect(change.message).toMatch(
      new RegExp(
        `^Grid staff ${s.id} already ended on .* \\(China time\\) by test caller \\(reason: 退休\\); an ended record is kept as history and cannot be changed\\.$`,
      ),
    );
    expect(err(await end('调离', neighbour)).extensions?.code).toBe('NOT_FOUND');
  });

  it('a mediator and a committee: ended again for another reason, each says when and why it ended', async () => {
    const c = ok(await createCommittee({ villageCode: V, name: `再次撤销调委会${RUN}`, kind: 'ENTERPRISE' })).createMediationCommittee;
    const alone = ok(await createMediator({ committeeId: c.id, name: `单独结束${RUN}` })).createMediator;
    const withIt = ok(await createMediator({ committeeId: c.id, name: `随委会结束${RUN}` })).createMediator;
    const endMediator = (id: string, reason: string) =>
      inChinese<{ endMediator: Mediator }>(`mutation($id: ID!, $r: String) { endMediator(id: $id, version: 1, reason: $r) { id } }`, { id, r: reason });
    ok(await endMediator(alone.id, '迁出'));
    alreadyEnded(err(await endMediator(alone.id, '辞任')), '人民调解员', alone.id, '迁出');
    const endCommittee = (reason: string) =>
      inChinese<{ endMediationCommittee: Committee }>(`mutation($id: ID!, $r: String) { endMediationCommittee(id: $id, version: 1, reason: $r) { id } }`, {
        id: c.id,
        r: reason,
      });
    ok(await endCommittee('合作社解散'));
    alreadyEnded(err(await endCommittee('撤并')), '人民调解委员会', c.id, '合作社解散');
    // A mediator whose committee ended served until then: ended with the committee's reason.
    alreadyEnded(err(await endMediator(withIt.id, '辞任')), '人民调解员', withIt.id, '合作社解散');
    endedCode(err(await updateMediator(withIt.id, 2, { name: '改名' })), '合作社解散');
  });
});

describe('patrols as their organisers record them (红袖标巡逻)', () => {
  /** As a phone or desk set to Chinese asks: the refusals read in Chinese first. */
  const zh = <T>(token: string, query: string, variables: Record<string, unknown>) =>
    hub.query<T>(query, variables, { authorization: `Bearer ${token}`, 'accept-language': 'zh' });
  /** A red-armband team on the village's first grid, with two adult members living there. */
  let team: string;
  let members: string[];
  const record = (input: Record<string, unknown>, token = writer) =>
    zh<{ recordPatrol: { id: string; grid: { code: string }; hazards: { id: string; grid: { code: string } }[] } }>(
      token,
      `mutation($i: PatrolInput!) { recordPatrol(input: $i) { id grid { code } hazards { id grid { code } } } }`,
      { i: input },
    );

  beforeAll(async () => {
    members = (
      await db.query<{ id: string }>(
        `select id::text as id from person p where grid_code = $1 and status = 'ACTIVE' and birth_date <= current_date - interval '19 years'
            and not (id::text = any($2)) order by id limit 2`,
        [grids[0], residentsOfV.map((r) => r.id)],
      )
    ).rows.map((r) => r.id);
    expect(members.length).toBe(2);
    const created = ok(
      await hub.queryAs<{ createPatrolTeam: { id: string } }>(writer, `mutation($i: PatrolTeamInput!) { createPatrolTeam(input: $i) { id } }`, {
        i: { villageCode: V, gridCode: grids[0], name: `红袖标巡逻队${RUN}`, kind: 'RED_ARMBAND', memberIds: members },
      }),
    );
    team = created.createPatrolTeam.id;
  });

  it("takes a grid worker's patrol without a gridCode as one on their own grid, and its resend as the same patrol", async () => {
    const worker = await hub.token({ jurisdiction: grids[0], scopes: ['read', 'write'], subject: `forces-grid-${RUN}` });
    const at = new Date(Date.now() - 3 * 3_600_000);
    const input = {
      teamId: team,
      startedAt: at.toISOString(),
      endedAt: new Date(at.getTime() + 3_600_000).toISOString(),
      participantIds: members,
      hazards: [{ kind: 'FIRE', description: '柴草靠墙堆放' }],
    };
    const first = ok(await record(input, worker)).recordPatrol;
    expect(first.grid.code).toBe(grids[0]);
    expect(first.hazards.map((h) => h.grid.code)).toEqual([grids[0]]);
    // Sent again from the phone after a lost answer: the one recorded, its hazard not added again.
    const again = ok(await record(input, worker)).recordPatrol;
    expect(again.id).toBe(first.id);
    expect(again.hazards.map((h) => h.id)).toEqual(first.hazards.map((h) => h.id));
    // The patrol read back by the id the answer gave, by its grid's worker and the village's desk; gone once voided.
    const read = `query($id: ID!) { patrol(id: $id) { id team { id } grid { code } hours hazards { id } } }`;
    for (const token of [worker, writer]) {
      const got = ok(
        await hub.queryAs<{ patrol: { id: string; team: { id: string }; grid: { code: string }; hours: number; hazards: { id: string }[] } | null }>(
          token,
          read,
          { id: first.id },
        ),
      ).patrol;
      expect(got).toEqual({ id: first.id, team: { id: team }, grid: { code: grids[0] }, hours: 1, hazards: first.hazards.map((h) => ({ id: h.id })) });
    }
    expect(ok(await hub.queryAs<{ patrol: unknown }>(neighbour, read, { id: first.id })).patrol).toBeNull();
    // A village desk still names the grid when the village has several.
    const desk = err(
      await record({ ...input, startedAt: new Date(at.getTime() - 7_200_000).toISOString(), endedAt: new Date(at.getTime() - 3_600_000).toISOString() }),
    );
    expect(desk.extensions?.code).toBe('BAD_USER_INPUT');
    expect(desk.extensions?.argument).toBe('gridCode');
    expect(desk.message).toMatch(/^村（社区）\d{12} 有 \d+ 个网格：请用 gridCode 指明巡逻所在的网格。/);
    ok(await hub.queryAs(worker, `mutation($id: ID!) { voidPatrol(id: $id, reason: "测试作废") { id } }`, { id: first.id }));
    expect(ok(await hub.queryAs<{ patrol: unknown }>(worker, read, { id: first.id })).patrol).toBeNull();
  });
  it("names to a grid's worker the team of another grid that patrolled it, but not that team's people, and keeps the team's writes from them", async () => {
    // The village desk records a patrol on the second grid by the first grid's team.
    const at = new Date(Date.now() - 2 * 86_400_000);
    const day = chinaDay(at);
    const recorded = ok(
      await record({
        teamId: team,
        gridCode: grids[1],
        startedAt: at.toISOString(),
        endedAt: new Date(at.getTime() + 2 * 3_600_000).toISOString(),
        participantIds: members,
      }),
    ).recordPatrol;
    expect(recorded.grid.code).toBe(grids[1]);
    const worker = await hub.token({ jurisdiction: grids[1], scopes: ['read', 'write', 'pii'], subject: `forces-grid-b-${RUN}` });
    const teamName = `红袖标巡逻队${RUN}`;
    const one = ok(
      await hub.queryAs<{
        patrol: {
          id: string;
          team: { id: string; name: string; kind: string; members: { id: string }[]; grid: { code: string } };
          participants: { id: string }[];
        } | null;
      }>(worker, `query($id: ID!) { patrol(id: $id) { id team { id name kind members { id } grid { code } } participants { id } } }`, { id: recorded.id }),
    ).patrol;
    // The team is named; its members and the patrol's participants, people of the other grid, are not.
    expect(one).toEqual({ id: recorded.id, team: { id: team, name: teamName, kind: 'RED_ARMBAND', members: [], grid: { code: grids[0] } }, participants: [] });
    const listed = ok(
      await hub.queryAs<{ grid: { patrols: { nodes: { id: string; team: { name: string; members: { id: string }[] } }[] } } | null }>(
        worker,
        `query($g: String!, $d: Date!) { grid(code: $g) { patrols(from: $d, to: $d, first: 100) { nodes { id team { name members { id } } } } } }`,
        { g: grids[1], d: day },
      ),
    ).grid;
    expect(listed?.patrols.nodes.find((n) => n.id === recorded.id)).toEqual({ id: recorded.id, team: { name: teamName, members: [] } });
    // The village desk sees the team and its members as before.
    const desk = ok(
      await hub.queryAs<{ patrol: { team: { members: { id: string }[] } } }>(writer, `query($id: ID!) { patrol(id: $id) { team { members { id } } } }`, {
        id: recorded.id,
      }),
    ).patrol;
    expect(desk.team.members.map((m) => m.id).sort()).toEqual([...members].sort());
    // Naming the team gives the other grid's worker no hold on it: its writes still find no such team.
    const version = (await db.query<{ version: number }>(`select version from patrol_team where id = $1`, [team])).rows[0]!.version;
    const renamed = err(
      await hub.queryAs(worker, `mutation($id: ID!, $v: Int!, $i: PatrolTeamUpdate!) { updatePatrolTeam(id: $id, version: $v, input: $i) { id } }`, {
        id: team,
        v: version,
        i: { name: '越网格改名' },
      }),
    );
    expect(renamed.extensions?.code).toBe('NOT_FOUND');
    const disbanded = err(
      await hub.queryAs(worker, `mutation($id: ID!, $v: Int!) { disbandPatrolTeam(id: $id, version: $v, reason: MERGED) { id } }`, { id: team, v: version }),
    );
    expect(disbanded.extensions?.code).toBe('NOT_FOUND');
    // Voided by the patrolled grid's worker, the patrol as it was still names its team.
    const voided = ok(
      await hub.queryAs<{ voidPatrol: { team: { name: string } } }>(
        worker,
        `mutation($id: ID!) { voidPatrol(id: $id, reason: "测试作废") { team { name } } }`,
        {
          id: recorded.id,
        },
      ),
    ).voidPatrol;
    expect(voided.team.name).toBe(teamName);
  });

  it("names another grid's team to a grid's worker by its name and kind only: its disband note and external id are withheld from them", async () => {
    // A team of the first grid, with the source system's id, walks the second grid, then is disbanded with a note naming a person.
    const name = `治安巡逻队${RUN}`;
    const other = ok(
      await hub.queryAs<{ createPatrolTeam: { id: string } }>(writer, `mutation($i: PatrolTeamInput!) { createPatrolTeam(input: $i) { id } }`, {
        i: { villageCode: V, gridCode: grids[0], name, kind: 'RED_ARMBAND', memberIds: members },
      }),
    ).createPatrolTeam.id;
    await db.query(`update patrol_team set external_id = $2 where id = $1`, [other, `EXT-${RUN}`]);
    const at = new Date(Date.now() - 5 * 86_400_000);
    const walked = ok(
      await record({
        teamId: other,
        gridCode: grids[1],
        startedAt: at.toISOString(),
        endedAt: new Date(at.getTime() + 3_600_000).toISOString(),
        participantIds: [members[0]],
      }),
    ).recordPatrol;
    const note = `队长张某某调走 ${RUN}`;
    const version = (await db.query<{ version: number }>(`select version from patrol_team where id = $1`, [other])).rows[0]!.version;
    ok(
      await hub.queryAs(writer, `mutation($id: ID!, $v: Int!, $n: String) { disbandPatrolTeam(id: $id, version: $v, reason: MERGED, note: $n) { id } }`, {
        id: other,
        v: version,
        n: note,
      }),
    );
    const read = `query($id: ID!) { patrol(id: $id) { team { id name kind grid { code } endedAt endReason endNote externalId } } }`;
    type Read = { patrol: { team: Record<string, unknown> } | null };
    const worker = await hub.token({ jurisdiction: grids[1], scopes: ['read', 'write', 'pii'], subject: `forces-grid-note-${RUN}` });
    const seen = ok(await hub.queryAs<Read>(worker, read, { id: walked.id })).patrol!.team;
    expect(seen).toMatchObject({ id: other, name, kind: 'RED_ARMBAND', grid: { code: grids[0] }, endReason: 'MERGED', endNote: null, externalId: null });
    expect(seen.endedAt).toEqual(expect.any(String));
    // The village desk, whose jurisdiction holds the team, reads it whole.
    const whole = ok(await hub.queryAs<Read>(writer, read, { id: walked.id })).patrol!.team;
    expect(whole).toMatchObject({ id: other, name, endNote: note, externalId: `EXT-${RUN}` });
  });

  it("tells a grid's worker the patrol of another grid that found a hazard on their grid, with its team, but not its people", async () => {
    // The village desk records a patrol on the first grid that files a hazard on the second.
    const at = new Date(Date.now() - 4 * 86_400_000);
    const recorded = ok(
      await record({
        teamId: team,
        gridCode: grids[0],
        startedAt: at.toISOString(),
        endedAt: new Date(at.getTime() + 3_600_000).toISOString(),
        participantIds: members,
        hazards: [{ kind: 'FIRE', description: `跨网格隐患${RUN}`, gridCode: grids[1] }],
      }),
    ).recordPatrol;
    const hazard = recorded.hazards[0]!;
    expect(hazard.grid.code).toBe(grids[1]);
    const worker = await hub.token({ jurisdiction: grids[1], scopes: ['read', 'write', 'pii'], subject: `forces-grid-hz-${RUN}` });
    const read = `query($id: ID!) { hazard(id: $id) { id patrol { id grid { code } team { id name } participants { id } hazards { id } } } }`;
    const seen = ok(
      await hub.queryAs<{
        hazard: {
          id: string;
          patrol: { id: string; grid: { code: string }; team: { id: string; name: string }; participants: unknown[]; hazards: unknown[] } | null;
        };
      }>(worker, read, { id: hazard.id }),
    ).hazard;
    expect(seen.patrol).toEqual({
      id: recorded.id,
      grid: { code: grids[0] },
      team: { id: team, name: `红袖标巡逻队${RUN}` },
      participants: [],
      hazards: [{ id: hazard.id }],
    });
    // The patrol itself stays the patrolled grid's: read by its id, the other grid's worker is told of no such patrol.
    expect(ok(await hub.queryAs<{ patrol: unknown }>(worker, `query($id: ID!) { patrol(id: $id) { id } }`, { id: recorded.id })).patrol).toBeNull();
    // The village desk reads it as before.
    const desk = ok(await hub.queryAs<{ hazard: { patrol: { id: string } | null } }>(writer, read, { id: hazard.id })).hazard;
    expect(desk.patrol?.id).toBe(recorded.id);
  });

  it("files a grid worker's hazard report on their grid and names them as its reporter when the form names nobody", async () => {
    const worker = await hub.token({ jurisdiction: grids[0], scopes: ['read', 'write'], subject: `forces-grid-hazard-${RUN}` });
    const report = (input: Record<string, unknown>, token: string) =>
      zh<{ reportHazard: { id: string; reportedBy: string | null; grid: { code: string } } }>(
        token,
        `mutation($i: HazardInput!) { reportHazard(input: $i) { id reportedBy grid { code } } }`,
        { i: input },
      );
    const short = { kind: 'FIRE', description: `电线私拉乱接${RUN}`, source: 'GRID_WORKER' };
    const filed = ok(await report(short, worker)).reportHazard;
    expect(filed.grid.code).toBe(grids[0]);
    expect(filed.reportedBy).toBe('test caller');
    // A reporter the form names is kept as given.
    expect(ok(await report({ ...short, gridCode: grids[0], source: 'CITIZEN', reportedBy: '群众李某' }, worker)).reportHazard.reportedBy).toBe('群众李某');
    // A village desk has several grids to choose from: told, in Chinese first, to name one.
    const desk = err(await report(short, writer));
    expect(desk.extensions?.code).toBe('BAD_USER_INPUT');
    expect(desk.extensions?.argument).toBe('gridCode');
    expect(desk.message).toMatch(/^网格代码 必填：/);
  });
  it('renames a patrol team and changes its kind by form, and the forces by kind follow; a disbanded team is refused', async () => {
    const byKind = async () =>
      Object.fromEntries(
        ok(
          await hub.queryAs<{ village: { forces: { patrolByKind: { kind: string; teams: number }[] } } }>(
            writer,
            `query($v: String!) { village(code: $v) { forces { patrolByKind { kind teams } } } }`,
            { v: V },
          ),
        ).village.forces.patrolByKind.map((k) => [k.kind, k.teams]),
      );
    const update = (id: string, version: number, input: Record<string, unknown>, token = writer) =>
      zh<{ updatePatrolTeam: { id: string; name: string; kind: string; version: number } }>(
        token,
        `mutation($id: ID!, $v: Int!, $i: PatrolTeamUpdate!) { updatePatrolTeam(id: $id, version: $v, input: $i) { id name kind version } }`,
        { id, v: version, i: input },
      );
    const made = ok(
      await hub.queryAs<{ createPatrolTeam: { id: string; version: number } }>(
        writer,
        `mutation($i: PatrolTeamInput!) { createPatrolTeam(input: $i) { id version } }`,
        {
          i: { villageCode: V, gridCode: grids[1], name: `摩托车队${RUN}`, kind: 'MOTORCYCLE_VOLUNTEER' },
        },
      ),
    ).createPatrolTeam;
    const before = await byKind();
    const changed = ok(await update(made.id, made.version, { name: `民兵巡逻队${RUN}`, kind: 'MILITIA' })).updatePatrolTeam;
    expect(changed).toMatchObject({ id: made.id, name: `民兵巡逻队${RUN}`, kind: 'MILITIA', version: made.version + 1 });
    const after = await byKind();
    expect(after.MILITIA).toBe(before.MILITIA! + 1);
    expect(after.MOTORCYCLE_VOLUNTEER).toBe(before.MOTORCYCLE_VOLUNTEER! - 1);
    // The version read before the change is stale: CONFLICT with the current one.
    const stale = err(await update(made.id, made.version, { name: '又改名' }));
    expect(stale.extensions).toMatchObject({ code: 'CONFLICT', currentVersion: made.version + 1 });
    // Another county's caller finds no such team.
    expect(err(await update(made.id, changed.version, { name: '越权' }, neighbour)).extensions?.code).toBe('NOT_FOUND');
    ok(
      await hub.queryAs(writer, `mutation($id: ID!, $v: Int!) { disbandPatrolTeam(id: $id, version: $v, reason: MERGED) { endedAt } }`, {
        id: made.id,
        v: changed.version,
      }),
    );
    const ended = err(await update(made.id, changed.version, { name: '解散后改名' }));
    expect(ended.extensions).toMatchObject({ code: 'CONFLICT', rule: 'teamDisbanded' });
    expect(ended.message).toMatch(/解散/);
  });

  it('renames a 十户联防 group by form, keeping its households and leader; a disbanded group says when it ended', async () => {
    const households = (
      await db.query<{ id: string; head: string; grid: string }>(
        `select h.id::text as id, h.head_id::text as head, h.grid_code as grid from household h join person p on p.id = h.head_id
          where h.village_code = $1 and h.joint_defense_group_id is null and p.status = 'ACTIVE' and p.birth_date <= current_date - interval '19 years'
          order by h.id limit 2`,
        [V],
      )
    ).rows;
    expect(households.length).toBe(2);
    const GROUP = 'id name version leader { id } households { id }';
    const g = ok(
      await hub.queryAs<{ createJointDefenseGroup: { id: string; version: number } }>(
        writer,
        `mutation($i: JointDefenseGroupInput!) { createJointDefenseGroup(input: $i) { ${GROUP} } }`,
        { i: { gridCode: households[0]!.grid, name: `联防组${RUN}`, householdIds: households.map((h) => h.id), leaderId: households[0]!.head } },
      ),
    ).createJointDefenseGroup;
    const rename = (version: number, name: string) =>
      zh<{ updateJointDefenseGroup: { id: string; name: string; version: number; leader: { id: string }; households: { id: string }[] } }>(
        writer,
        `mutation($id: ID!, $v: Int!, $i: JointDefenseGroupUpdate!) { updateJointDefenseGroup(id: $id, version: $v, input: $i) { ${GROUP} } }`,
        { id: g.id, v: version, i: { name } },
      );
    const renamed = ok(await rename(g.version, `第二联防组${RUN}`)).updateJointDefenseGroup;
    expect(renamed).toMatchObject({ name: `第二联防组${RUN}`, version: g.version + 1, leader: { id: households[0]!.head } });
    expect(renamed.households.map((h) => h.id).sort()).toEqual(households.map((h) => h.id).sort());
    expect(err(await rename(g.version, '旧版本')).extensions).toMatchObject({ code: 'CONFLICT', currentVersion: renamed.version });
    ok(
      await hub.queryAs(writer, `mutation($id: ID!, $v: Int!) { disbandJointDefenseGroup(id: $id, version: $v, reason: REORGANISED) { endedAt } }`, {
        id: g.id,
        v: renamed.version,
      }),
    );
    expect(err(await rename(renamed.version, '撤销后改名')).extensions).toMatchObject({ code: 'INVALID_TRANSITION', rule: 'alreadyEnded' });
  });
});
