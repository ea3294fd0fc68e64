import pg from 'pg';
import { inject, afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeCitizenId } from '../domain/citizen-id.ts';
import { postImport, startHub, type GraphQLResponse, type TestHub } from './helpers/hub.ts';
import { countyRollupDrift } from './helpers/rollups.ts';
import { databaseTrouble, WRITE_COLLIDED } from '../platform/unavailable.ts';
import { configureLogs, withRequestFields } from '../platform/log.ts';
import { retryCollisions, WRITE_ATTEMPTS } from '../platform/write-transaction.ts';
import { scrape, sample, reruns } from './helpers/metrics.ts';
import { chinaDay } from '../domain/china-day.ts';
import { expireAgedTags } from '../subgraphs/village/src/registry/aged-tags.ts';

let hub: TestHub;
beforeAll(async () => {
  hub = await startHub();
});
afterAll(() => hub?.stop());

const COUNTY = '623022';
const ROUNDS = 12;

type Versioned = { id: string; version: number };
type Answer = GraphQLResponse<Record<string, unknown>>;

/** What an answer was: ok, or the code of its first error. */
const outcome = (r: Answer) => (r.errors?.length ? String(r.errors[0]!.extensions?.code ?? 'NO_CODE') : 'ok');

/** Villages whose residents the roll-up counts otherwise than a count of the raw rows does (one statement, one snapshot), and the county's row if it drifted. */
async function drift(): Promise<unknown[]> {
  const c = new pg.Client({ connectionString: inject('dbs').village.migrationUrl });
  await c.connect();
  try {
    const { rows } = await c.query(
      `select v.code, r.residents, r.households,
              (select count(*) from person p where p.village_code = v.code and p.status = 'ACTIVE') as raw_residents,
              (select count(*) from household h where h.village_code = v.code) as raw_households
         from village v left join village_rollup r on r.village_code = v.code
        where v.county_code = $1
          and (r.residents::bigint, r.households::bigint) is distinct from
              ((select count(*) from person p where p.village_code = v.code and p.status = 'ACTIVE'), (select count(*) from household h where h.village_code = v.code))`,
      [COUNTY],
    );
    return [...rows, ...(await countyRollupDrift(c, COUNTY))];
  } finally {
    await c.end();
  }
}

/**
 * Two desks writing one household at once. A form registering a resident into a household changes the household (its
 * head) and then counts the resident in the village's roll-up under the county's lock; deregistering the household's
 * head counts them out under that lock and then ends the headship; moving the household changes it and recounts; a
 * file of residents writes its rows and then takes the county's lock. Whatever the order they meet in, each answers
 * its data or a typed refusal, never an internal error, and the roll-up still counts what the rows hold.
 */
describe('writes racing on one household', () => {
  let desks: string[];
  let grids: string[];
  let seq = 0;
  let homeCount = 0;
  const seen: Record<string, Record<string, number>> = {};
  const tally = (race: string, side: string, r: Answer) => {
    const o = `${side}:${outcome(r)}`;
    (seen[race] ??= {})[o] = (seen[race]![o] ?? 0) + 1;
  };
  const internal: Answer[] = [];
  const check = (r: Answer) => {
    if (r.errors?.some((e) => e.extensions?.code === 'INTERNAL_SERVER_ERROR' || e.extensions?.code === 'SERVICE_UNAVAILABLE')) internal.push(r);
    return r;
  };

  beforeAll(async () => {
    desks = await Promise.all([0, 1].map((i) => hub.token({ jurisdiction: COUNTY, scopes: ['read', 'write', 'pii'], subject: `write-race-${i}` })));
    const r = await hub.dataAs<{ villages: { code: string; grids: { code: string }[] }[] }>(
      desks[0]!,
      `{ villages(within: "${COUNTY}") { code grids { code } } }`,
    );
    grids = r.villages.filter((v) => v.grids.length).map((v) => v.grids[0]!.code);
  });
  afterAll(() => console.log('write races:', JSON.stringify(seen)));
  beforeEach(() => {
    internal.length = 0;
  });

  // Each registration is a desk of its own: a registration by ID number spends a lookup of its caller's quota.
  const person = async (_desk: string, grid: string, extra: Record<string, unknown> = {}) => {
    const n = ++seq;
    const desk = await hub.token({ jurisdiction: COUNTY, scopes: ['read', 'write', 'pii'], subject: `write-race-desk-${n}` });
    return hub.queryAs<{ registerPerson: Versioned }>(desk, `mutation($i: PersonInput!) { registerPerson(input: $i) { id version } }`, {
      i: { name: '并发写户', idNumber: makeCitizenId(COUNTY, '1936-06-06', n), ethnicity: '汉族', residency: 'REGISTERED', gridCode: grid, ...extra },
    });
  };

  /** A new household in `grid` headed by a new resident. */
  async function household(grid: string): Promise<{ household: Versioned; head: Versioned }> {
    const h = await hub.dataAs<{ registerHousehold: Versioned }>(desks[0]!, `mutation($i: HouseholdInput!) { registerHousehold(input: $i) { id version } }`, {
      i: { gridCode: grid, number: `WR${Date.now() % 1_000_000}-${++homeCount}` },
    });
    const head = await person(desks[0]!, grid, { householdId: h.registerHousehold.id, relationshipToHead: 'HEAD' });
    expect(head.errors).toBeUndefined();
    const now = await hub.dataAs<{ household: Versioned }>(desks[0]!, `{ household(id: "${h.registerHousehold.id}") { id version } }`);
    return { household: now.household, head: head.data!.registerPerson };
  }

  it('registering into a household while its head is deregistered or changed, and while it moves', async () => {
    const [a, b] = [grids[10]!, grids[11]!];
    for (let round = 0; round < ROUNDS; round++) {
      const { household: h, head } = await household(a);
      const [joined, gone] = await Promise.all([
        person(desks[0]!, a, { householdId: h.id, relationshipToHead: 'SPOUSE' }).then(check),
        hub.queryAs(desks[1]!, `mutation { deregisterPerson(id: "${head.id}", version: ${head.version}, reason: MOVED_OUT) { id } }`).then(check),
      ]);
      tally('register vs deregister head', 'register', joined);
      tally('register vs deregister head', 'deregister', gone);

      const next = await household(a);
      const [joined2, changed] = await Promise.all([
        person(desks[0]!, a, { householdId: next.household.id, relationshipToHead: 'SON' }).then(check),
        hub
          .queryAs(desks[1]!, `mutation { updatePerson(id: "${next.head.id}", version: ${next.head.version}, input: { residency: FLOATING }) { id } }`)
          .then(check),
      ]);
      tally('register vs update head', 'register', joined2);
      tally('register vs update head', 'update', changed);

      const third = await household(a);
      const [joined3, moved] = await Promise.all([
        person(desks[0]!, a, { householdId: third.household.id, relationshipToHead: 'SPOUSE' }).then(check),
        hub
          .queryAs(
            desks[1]!,
            `mutation { moveHousehold(id: "${third.household.id}", version: ${third.household.version}, input: { gridCode: "${b}" }) { id } }`,
          )
          .then(check),
      ]);
      tally('register vs move household', 'register', joined3);
      tally('register vs move household', 'move', moved);
    }
    expect(internal.map((r) => r.errors)).toEqual([]);
    expect(await drift()).toEqual([]);
  }, 300_000);

  it('a file of residents of a village while forms write its households', async () => {
    const grid = grids[12]!;
    const importer = await hub.token({ jurisdiction: COUNTY, scopes: ['read', 'write', 'pii'], subject: 'write-race-import' });
    for (let round = 0; round < 4; round++) {
      // The file retags the heads of `named`; the forms register into those households, change their heads, and
      // deregister the heads of `other`, which the file does not name.
      const named = [await household(grid), await household(grid), await household(grid)];
      const numbers = [seq - 2, seq - 1, seq].map((n) => makeCitizenId(COUNTY, '1936-06-06', n));
      const other = [await household(grid), await household(grid)];
      const file = [
        'id_number,name,ethnicity,residency,grid_code,tags',
        ...Array.from(
          { length: 10 },
          (_, i) => `${makeCitizenId(COUNTY, '1937-07-07', round * 10 + i + 1)},导入并发${i},汉族,FLOATING,${grid},EXTREME_POVERTY`,
        ),
        ...numbers.map((n) => `${n},并发写户,汉族,REGISTERED,${grid},LEFT_BEHIND_ELDERLY`),
      ].join('\n');
      const results = await Promise.all([
        postImport(hub.gatewayUrl, importer, 'residents', file, `write-race-${round}-${Date.now()}`),
        ...named.map((home) => person(desks[0]!, grid, { householdId: home.household.id, relationshipToHead: 'SPOUSE' }).then(check)),
        ...named.map((home) =>
          hub
            .queryAs(desks[1]!, `mutation { updatePerson(id: "${home.head.id}", version: ${home.head.version}, input: { residency: FLOATING }) { id } }`)
            .then(check),
        ),
        ...other.map((home) => person(desks[0]!, grid, { householdId: home.household.id, relationshipToHead: 'SON' }).then(check)),
        ...other.map((home) =>
          hub.queryAs(desks[1]!, `mutation { deregisterPerson(id: "${home.head.id}", version: ${home.head.version}, reason: DIED) { id } }`).then(check),
        ),
      ]);
      const sent = results[0] as Awaited<ReturnType<typeof postImport>>;
      const end = sent.done ? 'done' : `${sent.status}`;
      (seen['import vs forms'] ??= {})[`import:${end}`] = (seen['import vs forms']![`import:${end}`] ?? 0) + 1;
      if (!sent.done) internal.push({ errors: [{ message: JSON.stringify(sent.events.at(-1) ?? sent.status), extensions: { code: end } }] } as Answer);
      for (const r of results.slice(1) as Answer[]) tally('import vs forms', 'form', r);
    }
    expect(internal.map((r) => r.errors)).toEqual([]);
    expect(await drift()).toEqual([]);
  }, 300_000);

  it('a file of residents naming one a form deregisters meanwhile', async () => {
    const grid = grids[13]!;
    const importer = await hub.token({ jurisdiction: COUNTY, scopes: ['read', 'write', 'pii'], subject: 'write-race-import-deregister' });
    const file = (numbers: string[]) => ['id_number,residency,tags', ...numbers.map((n) => `${n},FLOATING,LEFT_BEHIND_ELDERLY`)].join('\n');
    // Without a race: a row naming a deregistered resident is refused as such, and the file's other rows are written.
    const before = await household(grid);
    const beforeNumber = makeCitizenId(COUNTY, '1936-06-06', seq);
    const gone = await hub.queryAs(
      desks[1]!,
      `mutation { deregisterPerson(id: "${before.head.id}", version: ${before.head.version}, reason: MOVED_OUT) { id } }`,
    );
    expect(gone.errors).toBeUndefined();
    const alone = await postImport(hub.gatewayUrl, importer, 'residents', file([beforeNumber]), `write-race-deregistered-${Date.now()}`);
    expect(alone.done).toMatchObject({ updated: 0, rejected: 1 });
    expect(alone.rejects.map((r) => [r.line, r.field, r.code, r.rule])).toEqual([[2, 'id_number', 'CONFLICT', 'deregistered']]);

    // The file changes the heads of four households while a form deregisters one of them (the head of a household of
    // one, so the household's headship ends with it): the form goes first and the file's row for them is refused as
    // above, or the file goes first and the form is refused for the version it read.
    for (let round = 0; round < 8; round++) {
      const homes: { household: Versioned; head: Versioned }[] = [];
      const numbers: string[] = [];
      for (let i = 0; i < 4; i++) {
        homes.push(await household(grid));
        numbers.push(makeCitizenId(COUNTY, '1936-06-06', seq));
      }
      const target = homes[round % 4]!.head;
      const [sent, deregistered] = await Promise.all([
        postImport(hub.gatewayUrl, importer, 'residents', file(numbers), `write-race-deregister-${round}-${Date.now()}`),
        hub.queryAs(desks[1]!, `mutation { deregisterPerson(id: "${target.id}", version: ${target.version}, reason: MOVED_OUT) { id } }`).then(check),
      ]);
      const end = sent.done ? 'done' : `${sent.status}:${JSON.stringify(sent.events.at(-1) ?? null)}`;
      const formFirst = !deregistered.errors;
      tally('import vs deregister', 'import', { errors: sent.done ? undefined : [{ message: end, extensions: { code: end } }] } as Answer);
      tally('import vs deregister', 'deregister', deregistered);
      if (!sent.done) {
        internal.push({ errors: [{ message: end, extensions: { code: 'IMPORT_FAILED' } }] } as Answer);
        continue;
      }
      const line = 2 + (round % 4);
      if (formFirst) {
        expect(sent.rejects.map((r) => [r.line, r.field, r.code, r.rule])).toEqual([[line, 'id_number', 'CONFLICT', 'deregistered']]);
        expect(sent.done).toMatchObject({ updated: 3, rejected: 1 });
      } else {
        expect(deregistered.errors?.[0]?.extensions?.code).toBe('CONFLICT');
        expect(sent.done).toMatchObject({ updated: 4, rejected: 0 });
      }
    }
    expect(internal.map((r) => r.errors)).toEqual([]);
    expect(await drift()).toEqual([]);
  }, 300_000);

  it('a form changing or deregistering a resident a file changes first', async () => {
    // The file names the resident among new ones and changes their residency and phone; the form, sent a little after
    // it, changes the same two columns (or deregisters them) at the version read before the file. The file locks the
    // resident as it reads them and the form locks them before it reads them, so the form waits for the file and is
    // refused for the version it read, or commits first and the file's row is written over it (or refused as naming a
    // deregistered resident): the row holds one of the two writes whole, never a mix, and no answer is an internal one.
    const grid = grids[14]!;
    const importer = await hub.token({ jurisdiction: COUNTY, scopes: ['read', 'write', 'pii'], subject: 'write-race-file-first' });
    const pause = [0, 5, 15, 30, 60, 120];
    const c = new pg.Client({ connectionString: inject('dbs').village.migrationUrl });
    await c.connect();
    const wrong: unknown[] = [];
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const made = await person(desks[0]!, grid);
        expect(made.errors).toBeUndefined();
        const target = made.data!.registerPerson;
        const number = makeCitizenId(COUNTY, '1936-06-06', seq);
        const byFile = { residency: 'FLOATING', phone: `1380000${String(round).padStart(4, '0')}` };
        const byForm = { residency: 'OVERSEAS', phone: `1390000${String(round).padStart(4, '0')}` };
        const file = [
          'id_number,name,ethnicity,residency,grid_code,phone',
          ...Array.from({ length: 15 }, (_, i) => `${makeCitizenId(COUNTY, '1938-08-08', round * 20 + i + 1)},先改后表${i},汉族,FLOATING,${grid},`),
          `${number},并发写户,汉族,${byFile.residency},${grid},${byFile.phone}`,
        ].join('\n');
        const deregisters = round % 3 === 2;
        const form = new Promise((resolve) => setTimeout(resolve, pause[round % pause.length])).then(() =>
          hub
            .queryAs(
              desks[1]!,
              deregisters
                ? `mutation { deregisterPerson(id: "${target.id}", version: ${target.version}, reason: MOVED_OUT) { id } }`
                : `mutation { updatePerson(id: "${target.id}", version: ${target.version}, input: { residency: ${byForm.residency}, phone: "${byForm.phone}" }) { id } }`,
            )
            .then(check),
        );
        const [sent, formed] = await Promise.all([
          postImport(hub.gatewayUrl, importer, 'residents', file, `write-race-file-first-${round}-${Date.now()}`),
          form,
        ]);
        const side = deregisters ? 'deregister' : 'update';
        tally('file first vs form', side, formed);
        const end = sent.done ? 'done' : `${sent.status}:${JSON.stringify(sent.events.at(-1) ?? null)}`;
        tally('file first vs form', 'import', { errors: sent.done ? undefined : [{ message: end, extensions: { code: end } }] } as Answer);
        if (!sent.done) {
          internal.push({ errors: [{ message: end, extensions: { code: 'IMPORT_FAILED' } }] } as Answer);
          continue;
        }
        if (formed.errors) expect([round, formed.errors[0]!.extensions?.code]).toEqual([round, 'CONFLICT']);
        const {
          rows: [row],
        } = await c.query<{ status: string; residency: string; phone: string | null; version: number }>(
          'select status, residency, phone, version from person where id = $1',
          [Number(target.id)],
        );
        const fileRow = sent.rejects.length === 0;
        const writes = Number(!formed.errors) + Number(fileRow);
        const whole =
          row!.version === target.version + writes &&
          (deregisters && !formed.errors
            ? row!.status === 'DEREGISTERED' && row!.phone === null && !fileRow
            : row!.status === 'ACTIVE' &&
              ((row!.residency === byFile.residency && row!.phone === byFile.phone && fileRow) ||
                (row!.residency === byForm.residency && row!.phone === byForm.phone && !fileRow)));
        if (!whole) wrong.push({ round, side, form: formed.errors?.[0]?.extensions?.code ?? 'ok', rejects: sent.rejects, row, was: target.version });
      }
    } finally {
      await c.end();
    }
    expect(internal.map((r) => r.errors)).toEqual([]);
    expect(wrong).toEqual([]);
    expect(await drift()).toEqual([]);
  }, 300_000);
});

describe('the upkeep meeting a write on the residents it changes', () => {
  it('runs its batch again when PostgreSQL aborts it for the write, and removes the tags', async () => {
    // Another writer holds one of two residents whose 留守儿童 tag ends tomorrow, and once the upkeep's batch waits for
    // it asks for the other, which the batch locked first: the batch, waiting longest, finds the cycle and is aborted
    // (40P01). Which of the two the batch changes first is the planner's choice: the other writer asks for the one it
    // finds taken (`nowait`), and starts again the other way round with two new residents when it is not.
    const writer = await hub.token({ jurisdiction: COUNTY, scopes: ['read', 'write', 'pii'], subject: 'write-race-upkeep' });
    const grid = (
      await hub.dataAs<{ villages: { grids: { code: string }[] }[] }>(writer, `{ villages(within: "${COUNTY}") { grids { code } } }`)
    ).villages.find((v) => v.grids.length)!.grids[0]!.code;
    const tomorrow = new Date(Date.parse(`${chinaDay()}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const born = `${Number(tomorrow.slice(0, 4)) - 16}${tomorrow.slice(4)}`;
    const orm = hub.subgraphs.village.orm;
    const c = new pg.Client({ connectionString: inject('dbs').village.migrationUrl });
    await c.connect();
    const lines: string[] = [];
    configureLogs({ level: 'info', destination: { write: (line: string) => void lines.push(line) } });
    let n = 900;
    try {
      let crossed = false;
      let order = 0;
      for (let round = 0; round < 4; round++) {
        const ids: number[] = [];
        for (let i = 0; i < 2; i++) {
          const r = await hub.dataAs<{ registerPerson: Versioned }>(writer, `mutation($i: PersonInput!) { registerPerson(input: $i) { id version } }`, {
            i: {
              name: '到龄并发',
              idNumber: makeCitizenId(COUNTY, born, ++n),
              ethnicity: '汉族',
              residency: 'REGISTERED',
              gridCode: grid,
              tags: ['LEFT_BEHIND_CHILD'],
            },
          });
          ids.push(Number(r.registerPerson.id));
        }
        const [held, asked] = order === 0 ? [ids[1]!, ids[0]!] : [ids[0]!, ids[1]!];
        await c.query('begin');
        await c.query('select 1 from person where id = $1 for update', [held]);
        const upkeep = expireAgedTags(orm, tomorrow).then(
          (changed) => ({ changed }),
          (e: unknown) => ({ failed: (e as { code?: string }).code ?? String(e) }),
        );
        for (let waited = 0; ; waited += 10) {
          const { rows: blocked } = await c.query(`select 1 from pg_stat_activity where pg_backend_pid() = any(pg_blocking_pids(pid))`);
          if (blocked.length) break;
          if (waited > 30_000) throw new Error('the upkeep never waited for the locked resident');
          await new Promise((r) => setTimeout(r, 10));
        }
        await c.query('savepoint probe');
        const free = await c.query('select 1 from person where id = $1 for update nowait', [asked]).then(
          () => true,
          (e: { code?: string }) => (e.code === '55P03' ? false : Promise.reject(e)),
        );
        if (free) {
          await c.query('rollback');
          expect(await upkeep).toMatchObject({ changed: expect.any(Number) });
          order = 1 - order;
          continue;
        }
        await c.query('rollback to savepoint probe');
        // Granted once PostgreSQL has aborted the batch's transaction (before the fix, the upkeep failed for it).
        const aborted = await c.query('select 1 from person where id = $1 for update', [asked]).then(
          () => false,
          (e: { code?: string }) => (e.code === '40P01' ? true : Promise.reject(e)),
        );
        await c.query('rollback');
        const done = await upkeep;
        if (aborted) {
          // On a busy machine this connection asked after the batch's deadlock check had run, and PostgreSQL aborted
          // it instead of the batch, which went on once: another round, two new residents.
          expect(done).toEqual({ changed: expect.any(Number) });
          continue;
        }
        expect(done).toEqual({ changed: expect.any(Number) });
        expect((done as { changed: number }).changed).toBeGreaterThanOrEqual(2);
        const { rows } = await c.query<{ tags: string[] }>('select tags from person where id = any($1) order by id', [ids]);
        expect(rows.map((r) => r.tags)).toEqual([[], []]);
        crossed = true;
        break;
      }
      expect(crossed).toBe(true);
      const reran = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'write transaction ran again after a concurrent write');
      expect(reran).toMatchObject([{ sqlstate: '40P01', committed: true }]);
    } finally {
      configureLogs({ level: 'warn' });
      await c.query('rollback').catch(() => undefined);
      await c.end();
    }
    expect(await drift()).toEqual([]);
  }, 240_000);
});

describe('a transaction PostgreSQL aborts for a concurrent one', () => {
  it('runs an import batch PostgreSQL aborted again from its start, which then succeeds, and counts the run again', async () => {
    // Another writer holds one of the two residents the file names, and once the batch waits for it asks for the
    // other, which the batch locked when it read it: the batch, waiting longest, finds the cycle and is aborted
    // (40P01). Which of the two the batch reads first is the planner's choice: the other writer asks for the one it
    // finds taken (`nowait`), and starts again the other way round when it is not.
    const desk = await hub.token({ jurisdiction: COUNTY, scopes: ['read', 'write', 'pii'], subject: 'write-race-import-deadlock' });
    const c = new pg.Client({ connectionString: inject('dbs').village.migrationUrl });
    await c.connect();
    try {
      const { rows } = await c.query<{ id: number; id_number: string }>(
        `select id, id_number from person where county_code = $1 and status = 'ACTIVE' and id_number is not null order by id limit 2`,
        [COUNTY],
      );
      // New phone numbers each round, so that a round the batch wins outright leaves the next one rows to update.
      let phones: string[] = [];
      let answer: { status: number; events: Record<string, unknown>[] } | undefined;
      let rerunsBefore = 0;
      const [one, two] = rows as [(typeof rows)[0], (typeof rows)[0]];
      // PostgreSQL aborts whichever waiter checks for the cycle first: the batch, which waits first, unless its check
      // ran before this writer's wait began (a loaded machine); then the round is over and another is tried.
      let order: [typeof one, typeof one] = [two, one];
      for (let round = 0; round < 6 && !answer; round++) {
        const [held, asked] = order;
        rerunsBefore = reruns(await scrape(hub.subgraphs.village.url), '40P01');
        phones = rows.map((_, i) => `139${String(Date.now() % 1e7).padStart(7, '0')}${i}`);
        const file = ['id_number,phone', ...rows.map((r, i) => `${r.id_number},${phones[i]}`)].join('\n');
        await c.query('begin');
        await c.query('select 1 from person where id = $1 for update', [held.id]);
        const sent = fetch(new URL(`/import/residents?job=write-race-deadlock-${Date.now()}`, hub.gatewayUrl), {
          method: 'POST',
          headers: { authorization: `Bearer ${desk}`, 'content-type': 'text/csv; charset=utf-8' },
          body: file,
        });
        for (let waited = 0; ; waited += 10) {
          const { rows: blocked } = await c.query(`select 1 from pg_stat_activity where pg_backend_pid() = any(pg_blocking_pids(pid))`);
          if (blocked.length) break;
          if (waited > 30_000) throw new Error('the import never waited for the locked resident');
          await new Promise((r) => setTimeout(r, 10));
        }
        await c.query('savepoint probe');
        const free = await c.query('select 1 from person where id = $1 for update nowait', [asked.id]).then(
          () => true,
          (e: { code?: string }) => (e.code === '55P03' ? false : Promise.reject(e)),
        );
        if (free) {
          // The batch reads `held` first: let it finish, and hold the other one next time.
          await c.query('rollback');
          expect((await sent).status).toBe(200);
          order = [asked, held];
          continue;
        }
        await c.query('rollback to savepoint probe');
        // The batch is aborted and this writer gets `asked`; the batch's run again waits for it to end.
        const crossed = await c.query('select 1 from person where id = $1 for update', [asked.id]).then(
          () => 'ok',
          (e: { code?: string }) => (e.code === '40P01' ? e.code : Promise.reject(e)),
        );
        await c.query('rollback');
        const res = await sent;
        if (crossed !== 'ok') {
          // This writer was aborted, not the batch: it went on and wrote the file.
          expect(res.status).toBe(200);
          await res.text();
          continue;
        }
        answer = {
          status: res.status,
          events: (await res.text())
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l) as Record<string, unknown>),
        };
        break;
      }
      expect(answer?.status).toBe(200);
      expect(answer?.events.at(-1)).toMatchObject({ type: 'done', updated: 2, rejected: 0 });
      // Nothing of the aborted run was kept, and the run again wrote both rows.
      const { rows: now } = await c.query<{ phone: string }>(`select phone from person where id = any($1::int[]) order by id`, [rows.map((r) => r.id)]);
      expect(now.map((r) => r.phone)).toEqual(phones);
      expect(reruns(await scrape(hub.subgraphs.village.url), '40P01')).toBe(rerunsBefore + 1);
    } finally {
      await c.query('rollback').catch(() => {});
      await c.end();
    }
  }, 120_000);

  it('is told as a write that collided, retryable, never as an internal error', async () => {
    // Two connections each holding a lock the other then waits for: PostgreSQL aborts one with 40P01.
    const url = inject('dbs').village.migrationUrl;
    const [a, b] = [new pg.Client({ connectionString: url }), new pg.Client({ connectionString: url })];
    await Promise.all([a.connect(), b.connect()]);
    try {
      await a.query('begin');
      await b.query('begin');
      await a.query(`select pg_advisory_xact_lock(hashtext('write-races'), 1)`);
      await b.query(`select pg_advisory_xact_lock(hashtext('write-races'), 2)`);
      const waits = [a.query(`select pg_advisory_xact_lock(hashtext('write-races'), 2)`), b.query(`select pg_advisory_xact_lock(hashtext('write-races'), 1)`)];
      const failed = (await Promise.allSettled(waits)).filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(failed.map((f) => (f.reason as { code?: string }).code)).toEqual(['40P01']);
      expect(databaseTrouble(failed[0]!.reason)).toBe(WRITE_COLLIDED);
      // As the ORM wraps it, and a serialization failure alike.
      expect(databaseTrouble(new Error('wrapped', { cause: failed[0]!.reason }))).toBe(WRITE_COLLIDED);
      expect(databaseTrouble(Object.assign(new Error('could not serialize access'), { code: '40001' }))).toBe(WRITE_COLLIDED);
      expect(WRITE_COLLIDED.zh).toMatch(/重发/);
    } finally {
      await Promise.allSettled([a.query('rollback'), b.query('rollback')]);
      await Promise.all([a.end(), b.end()]);
    }
  });

  it('counts a transaction still aborted at its last run as exhausted, by its SQLSTATE', async () => {
    const count = (text: string, name: string) => sample(text, `${name}{service="village",sqlstate="40001"}`) ?? 0;
    const before = await scrape(hub.subgraphs.village.url);
    let runs = 0;
    const failed: unknown = await withRequestFields({ service: 'village' }, () =>
      retryCollisions(async () => {
        runs++;
        throw Object.assign(new Error('could not serialize access due to concurrent update'), { code: '40001' });
      }),
    ).catch((e: unknown) => e);
    expect(runs).toBe(WRITE_ATTEMPTS);
    expect(databaseTrouble(failed)).toBe(WRITE_COLLIDED);
    const after = await scrape(hub.subgraphs.village.url);
    expect(count(after, 'hub_write_transaction_reruns_total') - count(before, 'hub_write_transaction_reruns_total')).toBe(WRITE_ATTEMPTS - 1);
    expect(count(after, 'hub_write_transaction_reruns_exhausted_total') - count(before, 'hub_write_transaction_reruns_exhausted_total')).toBe(1);
  });

  it('runs a dispute step again from its start, which then succeeds', async () => {
    const desk = await hub.token({ jurisdiction: COUNTY, scopes: ['read', 'write'], subject: 'write-race-dispute' });
    const r = await hub.dataAs<{ villages: { code: string; grids: { code: string }[] }[] }>(desk, `{ villages(within: "${COUNTY}") { code grids { code } } }`);
    const grid = r.villages.find((v) => v.grids.length)!.grids[0]!.code;
    const village = await hub.token({ jurisdiction: grid.slice(0, 12), scopes: ['read', 'write'], subject: 'write-race-village' });
    for (let round = 0; round < 3; round++) {
      const reported = await hub.dataAs<{ reportDispute: Versioned }>(
        village,
        `mutation($i: DisputeInput!) { reportDispute(input: $i, idempotencyKey: "write-race-dispute-${Date.now()}-${round}") { id version } }`,
        {
          i: {
            gridCode: grid,
            category: 'NEIGHBOUR',
            scale: 'ORDINARY',
            source: 'GRID_INSPECTION',
            summary: '邻里因院墙排水发生争执',
            parties: [
              { name: '申请人甲', role: 'APPLICANT' },
              { name: '被申请人乙', role: 'RESPONDENT' },
            ],
          },
        },
      );
      const id = reported.reportDispute.id;

      // The other write: it holds the steps' table first, so the step's transaction locks the case's row and then waits
      // for it; it then asks for the case's row, and PostgreSQL aborts one of the two (the step, whose wait began first).
      const other = new pg.Client({ connectionString: inject('dbs').village.migrationUrl });
      await other.connect();
      const lines: string[] = [];
      const rerunsBefore = reruns(await scrape(hub.subgraphs.village.url), '40P01');
      configureLogs({ level: 'info', destination: { write: (line: string) => void lines.push(line) } });
      try {
        await other.query('begin');
        await other.query('lock table dispute_step in share row exclusive mode');
        const step = hub.queryAs<{ acceptDispute: Versioned & { status: string } }>(
          village,
          `mutation($id: ID!, $v: Int!) { acceptDispute(id: $id, version: $v, note: "受理") { id version status } }`,
          { id, v: reported.reportDispute.version },
        );
        // The step waits on the steps' table once it holds the case's row.
        for (let waited = 0; ; waited += 20) {
          const { rows } = await other.query(`select 1 from pg_locks where relation = 'dispute_step'::regclass and not granted`);
          if (rows.length) break;
          if (waited > 20_000) throw new Error('the step never waited for the steps table');
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        const crossed = await other.query(`select id from dispute where id = $1 for update`, [id]).then(
          () => 'ok',
          (e: { code?: string }) => e.code,
        );
        await other.query('rollback');
        if (crossed === '40P01' && round < 2) {
          // On a busy machine this connection asked for the case's row after the step's deadlock check had run, and
          // PostgreSQL aborted this one instead: the step went on without a run again. Another round, another case.
          expect((await step).errors).toBeUndefined();
          continue;
        }
        expect(crossed).toBe('ok');
        const answer = await step;
        expect(answer.errors).toBeUndefined();
        expect(answer.data!.acceptDispute).toMatchObject({ id, status: 'ACCEPTED', version: reported.reportDispute.version + 1 });
        const reran = lines
          .map((l) => JSON.parse(l) as Record<string, unknown>)
          .filter((l) => l.msg === 'write transaction ran again after a concurrent write');
        expect(reran).toMatchObject([{ sqlstate: '40P01', runs: 2, committed: true }]);
        // Counted on the village's /metrics, by the SQLSTATE that aborted the first run.
        expect(reruns(await scrape(hub.subgraphs.village.url), '40P01')).toBe(rerunsBefore + 1);
      } finally {
        configureLogs({ level: 'warn' });
        await other.query('rollback').catch(() => undefined);
        await other.end();
      }
      // One ACCEPT on the timeline: nothing of the aborted run was kept.
      const timeline = await hub.dataAs<{ dispute: { timeline: { action: string }[] } }>(village, `{ dispute(id: "${id}") { timeline { action } } }`);
      expect(timeline.dispute.timeline.map((t) => t.action)).toEqual(['REPORT', 'ACCEPT']);
      break;
    }
  }, 180_000);
});
