import { execFile, spawn } from 'node:child_process';
import { request } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { makeCitizenId } from '../domain/citizen-id.ts';
import { startHub, type Nodes, type PageInfo, type TestHub } from './helpers/hub.ts';
import { countyRollupDrift } from './helpers/rollups.ts';
import { suiteScratch } from './helpers/scratch.ts';

/**
 * Bulk import end to end: files made by the repo's generator, sent by the
 * `npm run import` script through the gateway to the village subgraph and
 * into PostgreSQL, checked against the database itself.
 */
const run = promisify(execFile);
const NODE = process.execPath;
let hub: TestHub;
let token: string;
let dir: string;
let db: pg.Client;
/** The files made and read here, with the reject files the import script writes beside them. */
const scratch = suiteScratch('hub-import-');
beforeAll(async () => {
  hub = await startHub();
  // A data engineer loading a register reads its ID numbers (pii): a caller without pii spends a lookup on each.
  token = await hub.token({ jurisdiction: '623022', scopes: ['read', 'write', 'pii'], subject: 'import-tester' });
  dir = scratch();
  db = new pg.Client({ connectionString: inject('dbs').village.migrationUrl });
  await db.connect();
});
afterAll(async () => {
  await db?.end();
  await hub?.stop();
});

const gateway = () => new URL(hub.gatewayUrl).origin;

async function makeResidents(name: string, args: string[]): Promise<string> {
  const out = join(dir, name);
  await run(NODE, ['scripts/make-residents.ts', '--out', out, ...args]);
  return out;
}

/** The last event of an import's NDJSON answer (its summary). */
const lastEvent = async (res: Response) =>
  (await res.text())
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .at(-1);

/** Runs the import script; resolves with its final summary (stdout) and progress lines (stderr). */
async function importFile(kind: string, file: string, extra: string[] = []) {
  const { stdout, stderr } = await run(NODE, ['scripts/import.ts', kind, file, '--token', token, '--url', gateway(), '--lang', 'en', ...extra]);
  return { done: JSON.parse(stdout.trim().split('\n').at(-1)!), progress: stderr };
}

/** Villages of 623022 whose roll-up differs from a count of their raw rows, and the county if its row differs from its villages' sums. */
const rollupDrift = async () => [
  ...(
    await db.query(`
      select r.village_code from village_rollup r
        join (select village_code, count(*) as n, count(*) filter (where residency = 'FLOATING') as f,
                     (select coalesce(jsonb_object_agg(tag, c), '{}') from (select tag, count(*) as c from person q, unnest(q.tags) tag
                       where q.village_code = p.village_code and q.status = 'ACTIVE' group by 1) x) as tags
                from person p where county_code = '623022' and status = 'ACTIVE' group by 1) p using (village_code)
       where r.residents <> p.n or r.floating <> p.f or r.tags <> p.tags`)
  ).rows,
  ...(await countyRollupDrift(db, '623022')),
];

const residentsOf = async (idCounty: string) =>
  (await db.query(`select id_number, name, phone, residency, grid_code, version from person where id_number like $1 order by id_number`, [`${idCounty}%`]))
    .rows;

describe('bulk import', () => {
  it('loads a CSV with 1% bad rows, lists every bad row with line, field and reason, and a second run changes nothing', async () => {
    const file = await makeResidents('residents.csv', ['--rows', '3000', '--bad', '0.01', '--id-county', '659101']);
    const bad: Record<string, string> = JSON.parse(readFileSync(`${file}.bad.json`, 'utf8'));
    const nBad = Object.keys(bad).length;
    expect(nBad).toBeGreaterThan(10);

    const first = await importFile('residents', file, ['--batch', '1000']);
    expect(first.done).toMatchObject({ type: 'done', inserted: 3000 - nBad, updated: 0, rejected: nBad });
    expect(first.progress).toMatch(/rows\/s/);
    const rejects = readFileSync(first.done.rejectsFile, 'utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n')
      .slice(1);
    expect(rejects.map((l) => Number(l.split(',')[0])).sort((a, b) => a - b)).toEqual(
      Object.keys(bad)
        .map(Number)
        .sort((a, b) => a - b),
    );
    const byLine = new Map(rejects.map((l) => [Number(l.split(',')[0]), l]));
    for (const [line, how] of Object.entries(bad)) {
      const field = {
        'check digit': 'id_number',
        'empty name': 'name',
        'unknown residency': 'residency',
        'bad phone': 'phone',
        'grid outside the county': 'grid_code',
      }[how];
      expect(byLine.get(Number(line))!.split(',')[1]).toBe(field);
    }
    expect(rejects.find((l) => l.includes(',grid_code,'))).toMatch(/outside your jurisdiction/);
    const loaded = await residentsOf('659101');
    expect(loaded).toHaveLength(3000 - nBad);
    // The roll-ups, kept by deltas on this path, still equal a count of the raw rows.
    expect(await rollupDrift()).toEqual([]);

    // The same file again: nothing is written, no version moves, the change feed stays quiet.
    type Feed = { changes: { pageInfo: PageInfo } };
    const feed = await hub.queryAs<Feed>(token, `{ changes(kinds: [RESIDENT], within: "623022", first: 1000) { pageInfo { endCursor hasNextPage } } }`);
    let cursor = feed.data!.changes.pageInfo.endCursor;
    for (let more = feed.data!.changes.pageInfo.hasNextPage; more;) {
      const p = await hub.queryAs<Feed>(
        token,
        `query($a: String) { changes(after: $a, kinds: [RESIDENT], first: 1000) { pageInfo { endCursor hasNextPage } } }`,
        { a: cursor },
      );
      cursor = p.data!.changes.pageInfo.endCursor;
      more = p.data!.changes.pageInfo.hasNextPage;
    }
    const second = await importFile('residents', file, ['--batch', '1000']);
    expect(second.done).toMatchObject({ inserted: 0, updated: 0, unchanged: 3000 - nBad, rejected: nBad });
    expect(await residentsOf('659101')).toEqual(loaded);
    const after = await hub.queryAs<{ changes: Nodes<{ recordId: string }> }>(
      token,
      `query($a: String) { changes(after: $a, kinds: [RESIDENT], first: 10) { nodes { recordId } } }`,
      { a: cursor },
    );
    expect(after.data!.changes.nodes).toEqual([]);

    // Some residents move to another village's grid, others become floating: exactly those rows are
    // updated (version 2), and both the villages they left and the ones they joined are recounted.
    const lines = readFileSync(file, 'utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n');
    const header = lines[0]!.split(',');
    const [gridAt, residencyAt] = [header.indexOf('grid_code'), header.indexOf('residency')];
    const good = lines
      .slice(1)
      .map((l, i) => ({ l, line: i + 2 }))
      .filter((x) => !bad[String(x.line)]);
    const target = good[0]!.l.split(',')[gridAt]!;
    const moved = good.filter((x) => x.line % 7 === 0 && x.l.split(',')[gridAt]!.slice(0, 12) !== target.slice(0, 12)).slice(0, 60);
    const floating = good.filter((x) => x.line % 11 === 0 && x.l.split(',')[residencyAt] === 'REGISTERED' && !moved.includes(x)).slice(0, 40);
    expect(moved.length).toBe(60);
    expect(floating.length).toBe(40);
    const edit = (x: { l: string }, at: number, v: string) =>
      x.l
        .split(',')
        .map((c, i) => (i === at ? v : c))
        .join(',');
    const changedFile = join(dir, 'residents-changed.csv');
    writeFileSync(changedFile, [lines[0], ...moved.map((x) => edit(x, gridAt, target)), ...floating.map((x) => edit(x, residencyAt, 'FLOATING'))].join('\n'));
    const third = await importFile('residents', changedFile, ['--batch', '30']);
    expect(third.done).toMatchObject({ inserted: 0, updated: 100, unchanged: 0, rejected: 0 });
    const now = await residentsOf('659101');
    expect(now.filter((r) => r.version === 2)).toHaveLength(100);
    expect(now.filter((r) => r.grid_code === target).length).toBeGreaterThanOrEqual(61);
    expect(await rollupDrift()).toEqual([]);
  }, 60_000);

  it('reads GB18030 files with the names intact', async () => {
    const utf8 = await makeResidents('gb-source.csv', ['--rows', '400', '--id-county', '659102', '--seed', 'gb']);
    const gb = await makeResidents('gb.csv', ['--rows', '400', '--id-county', '659102', '--seed', 'gb', '--encoding', 'gb18030']);
    expect(readFileSync(gb)).not.toEqual(readFileSync(utf8));
    const r = await importFile('residents', gb);
    expect(r.done).toMatchObject({ inserted: 400, rejected: 0 });
    const names = new Map(
      readFileSync(utf8, 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => [l.split(',')[0], l.split(',')[1]] as const),
    );
    const rows = await residentsOf('659102');
    expect(rows).toHaveLength(400);
    for (const row of rows) expect(row.name).toBe(names.get(row.id_number));
    expect(rows.some((x) => /[\u4e00-\u9fff]/.test(x.name))).toBe(true);
  }, 30_000);

  it('takes gbk, cp936 and gb2312 as names of the GB18030 file they are, over HTTP and on the command line', async () => {
    const gb = await makeResidents('gbk.csv', ['--rows', '50', '--id-county', '659111', '--seed', 'gbk', '--encoding', 'gb18030']);
    for (const name of ['gbk', 'CP936', 'GB2312']) {
      const res = await fetch(new URL(`/import/residents?dryRun=true&encoding=${name}`, gateway()), {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
        body: readFileSync(gb),
      });
      expect(res.status, name).toBe(200);
      expect(JSON.parse((await res.text()).trim().split('\n').at(-1)!), name).toMatchObject({ type: 'done', inserted: 50, rejected: 0 });
    }
    expect((await importFile('residents', gb, ['--encoding', 'GBK', '--dry-run'])).done).toMatchObject({ dryRun: true, inserted: 50, rejected: 0 });
    // A name it does not know is refused with the list of those it does.
    const refused = await fetch(new URL('/import/residents?dryRun=true&encoding=big5', gateway()), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', 'accept-language': 'en' },
      body: readFileSync(gb),
    });
    expect(refused.status).toBe(400);
    expect((await refused.json()).errors[0]).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', argument: 'encoding' },
      message: 'encoding must be utf-8, gb18030 (or gbk, cp936, gb2312, all read as GB18030) or auto.',
    });
  }, 30_000);

  it('reads the paths it is given in the folder npm was run from (INIT_CWD), not the project root npm starts it in', async () => {
    const folder = mkdtempSync(join(dir, 'sub-'));
    const env = { ...process.env, INIT_CWD: folder };
    await run(NODE, ['scripts/make-residents.ts', '--out', 'phones.csv', '--rows', '60', '--bad', '0.2', '--id-county', '659112', '--seed', 'cwd'], { env });
    expect(existsSync(join(folder, 'phones.csv'))).toBe(true);
    expect(Object.keys(JSON.parse(readFileSync(join(folder, 'phones.csv.bad.json'), 'utf8'))).length).toBeGreaterThan(0);
    const { stdout } = await run(
      NODE,
      ['scripts/import.ts', 'residents', 'phones.csv', '--token', token, '--url', gateway(), '--lang', 'en', '--dry-run', '--rejects', 'phones-rejects.csv'],
      { env },
    );
    const done = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(done).toMatchObject({ type: 'done', dryRun: true, rejectsFile: join(folder, 'phones-rejects.csv') });
    expect(done.rejected).toBeGreaterThan(0);
    expect(readFileSync(join(folder, 'phones-rejects.csv'), 'utf8')).toMatch(/^\uFEFFline,field,code,reason,rule\n/);
    // Without --rejects, the rejects go beside the file, in that folder too.
    const beside = await run(NODE, ['scripts/import.ts', 'residents', 'phones.csv', '--token', token, '--url', gateway(), '--lang', 'en', '--dry-run'], {
      env,
    });
    expect(JSON.parse(beside.stdout.trim().split('\n').at(-1)!).rejectsFile).toBe(join(folder, 'phones.csv.rejects.csv'));
  }, 60_000);

  it('reads a GB18030 file whose first 64 kB are ASCII: the command tells from the whole file; undeclared, the hub names the line', async () => {
    // A county system's export of houses: codes and numbers only, then one row whose use was edited to 自住 and the
    // file saved as GB18030 with CRLF line ends.
    const rows = 2_395;
    const row = (n: string) => `623022100001001,623022100001,GB-ASCII-EXPORT-${n}-BUILDING-A,SELF_OCCUPIED,80.50\r\n`;
    const ascii = `grid_code,village_code,number,use,area\r\n${Array.from({ length: rows }, (_, i) => row(String(i).padStart(6, '0'))).join('')}`;
    const bytes = Buffer.concat([
      Buffer.from(ascii),
      Buffer.from('623022100001001,623022100001,GB-ASCII-EXPORT-LAST-BUILDING-A,'),
      Buffer.from([0xd7, 0xd4, 0xd7, 0xa1]), // 自住
      Buffer.from(',80.50\r\n'),
    ]);
    // A request body arrives in pieces of up to 64 kB and the hub decides on the first 64 kB or more: the row comes
    // well after them.
    expect(ascii.length).toBeGreaterThan(3 * 64 * 1024);
    const file = join(dir, 'houses-gb.csv');
    writeFileSync(file, bytes);
    const r = await importFile('houses', file, ['--dry-run']);
    expect(r.done).toMatchObject({ type: 'done', dryRun: true, inserted: rows + 1, rejected: 0 });

    // Sent undeclared to the route, the hub reads it as UTF-8 (its first 64 kB are) and names the line it cannot read.
    const res = await fetch(new URL('/import/houses?dryRun=true', gateway()), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      body: bytes,
    });
    expect(res.status).toBe(400);
    const [error] = ((await res.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] }).errors;
    expect(error!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', line: rows + 2 });
    expect(error!.message).toMatch(new RegExp(`^文件第 ${rows + 2} 行不是有效的 UTF-8 文本`));
    expect(error!.message).toContain('?encoding=gb18030');
    expect(error!.message).toContain('--encoding gb18030');
    // Declared as the message says, it reads.
    const declared = await fetch(new URL('/import/houses?dryRun=true&encoding=gb18030', gateway()), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      body: bytes,
    });
    expect(declared.status).toBe(200);
    expect(JSON.parse((await declared.text()).trim().split('\n').at(-1)!)).toMatchObject({ type: 'done', inserted: rows + 1, rejected: 0 });
    // Declared by the content type's charset, HTTP's own way, it reads too (any GB18030 name, quoted or not).
    for (const type of ['text/csv; charset=gbk', 'text/csv;charset="GB18030"']) {
      const charset = await fetch(new URL('/import/houses?dryRun=true', gateway()), {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': type },
        body: bytes,
      });
      expect(charset.status, type).toBe(200);
      expect(JSON.parse((await charset.text()).trim().split('\n').at(-1)!), type).toMatchObject({ type: 'done', inserted: rows + 1, rejected: 0 });
    }
    // A charset that contradicts encoding, or that the import cannot read, is refused, not sniffed past.
    const refusals: [string, string, number, string][] = [
      ['?dryRun=true&encoding=utf-8', 'text/csv; charset=gbk', 400, 'encoding'],
      ['?dryRun=true', 'text/csv; charset=iso-8859-1', 415, 'content-type'],
    ];
    for (const [query, type, status, argument] of refusals) {
      const refused = await fetch(new URL(`/import/houses${query}`, gateway()), {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': type },
        body: bytes,
      });
      expect(refused.status, type).toBe(status);
      expect(((await refused.json()) as { errors: { extensions: Record<string, unknown> }[] }).errors[0]!.extensions, type).toMatchObject({ argument });
    }
  }, 30_000);

  it('killed halfway and run again, ends as one clean run: every row once, version 1', async () => {
    const file = await makeResidents('big.csv', ['--rows', '60000', '--id-county', '659103']);
    const child = spawn(NODE, ['scripts/import.ts', 'residents', file, '--token', token, '--url', gateway(), '--batch', '1000', '--lang', 'en'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (d: Buffer) => {
        if (d.toString().includes('rows/s')) resolve();
      });
      child.on('exit', () => reject(new Error('the import ended before it could be killed')));
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    await new Promise((r) => setTimeout(r, 500));
    const partial = (await residentsOf('659103')).length;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(60000);

    const resumed = await importFile('residents', file, ['--batch', '1000']);
    expect(resumed.done.resumedAfter).toBeGreaterThan(1);
    expect(resumed.done.skipped).toBe(resumed.done.resumedAfter - 1);
    expect(resumed.done).toMatchObject({ inserted: 60000, updated: 0, unchanged: 0, rejected: 0 });
    const rows = await residentsOf('659103');
    expect(rows).toHaveLength(60000);
    expect(rows.every((r) => r.version === 1)).toBe(true);
  }, 60_000);

  it('imports the other kinds from NDJSON and CSV, upserting by natural keys and checking references', async () => {
    const grid = '623022100001001';
    const addresses = join(dir, 'addresses.ndjson');
    writeFileSync(addresses, [1, 2, 3].map((n) => JSON.stringify({ grid_code: grid, number: `IMP-A${n}`, text: `卓尼县柳林镇导入路${n}号` })).join('\n'));
    expect((await importFile('addresses', addresses)).done).toMatchObject({ inserted: 3, rejected: 0 });
    writeFileSync(
      addresses,
      [1, 2, 3].map((n) => JSON.stringify({ grid_code: grid, number: `IMP-A${n}`, text: `卓尼县柳林镇导入路${n}号${n === 2 ? '（新）' : ''}` })).join('\n'),
    );
    expect((await importFile('addresses', addresses)).done).toMatchObject({ inserted: 0, updated: 1, unchanged: 2 });

    const households = join(dir, 'households.csv');
    writeFileSync(households, `grid_code,number,address_number\n${grid},IMP-H1,IMP-A1\n${grid},IMP-H2,NO-SUCH\n${grid},IMP-H1,IMP-A2\n`);
    const h = await importFile('households', households);
    expect(h.done).toMatchObject({ inserted: 1, rejected: 2 });
    const rejects = readFileSync(h.done.rejectsFile, 'utf8');
    expect(rejects).toMatch(/3,address_number,BAD_USER_INPUT,"address_number names no address in this village; got ""NO-SUCH""",refElsewhere/);
    // Named by the household's number, which repeats, not by the grid both rows name.
    expect(rejects).toMatch(/4,number,\w+,number repeats the key of line 2,repeated/);
    // A head named by an ID number no one in the jurisdiction has: the reject says which number.
    const nobody = makeCitizenId('659111', '1980-01-01', 1);
    writeFileSync(households, `grid_code,number,head_id_number\n${grid},IMP-H1,${nobody}\n`);
    const head = await importFile('households', households, ['--dry-run']);
    expect(head.done).toMatchObject({ rejected: 1 });
    expect(readFileSync(head.done.rejectsFile, 'utf8')).toContain(
      `2,head_id_number,NOT_FOUND,"head_id_number names no resident in your jurisdiction; got ""${nobody}""",refUnknown`,
    );

    const teams = join(dir, 'teams.csv');
    writeFileSync(teams, `grid_code,external_id,name,kind\n${grid},T-1,导入红袖标队,red_armband\n${grid},T-2,导入队,SPACESHIP\n`);
    const t = await importFile('patrol-teams', teams);
    expect(t.done).toMatchObject({ inserted: 1, rejected: 1 });
    expect(readFileSync(t.done.rejectsFile, 'utf8')).toMatch(/3,kind,BAD_USER_INPUT,"kind ""SPACESHIP"" is not one of/);
  }, 30_000);

  it('makes each new household’s first resident in the file its head, as a register lists the 户主 first', async () => {
    const grid = '623022100001001';
    const households = join(dir, 'headless.csv');
    const numbers = [1, 2, 3, 4, 5, 6].map((n) => `HEAD-${n}`);
    writeFileSync(households, ['grid_code,number', ...numbers.map((n) => `${grid},${n}`)].join('\n'));
    expect((await importFile('households', households)).done).toMatchObject({ inserted: 6, rejected: 0 });
    // Three people a household, listed 户主 first; their ID numbers fall down the file, so no order but the file's
    // (by ID number, by a hash of it) puts each household's first line first.
    let seq = 999;
    const lines = numbers.flatMap((n, h) =>
      [0, 1, 2].map((k) => ({ household: n, line: `${makeCitizenId('659108', '1970-01-01', seq--)},户${h}人${k},汉族,REGISTERED,${grid},${n}` })),
    );
    const residents = join(dir, 'heads.csv');
    writeFileSync(residents, ['id_number,name,ethnicity,residency,grid_code,household_number', ...lines.map((l) => l.line)].join('\n'));
    expect((await importFile('residents', residents)).done).toMatchObject({ inserted: 18, rejected: 0 });
    const heads = await db.query(
      `select h.number, p.name from household h join person p on p.id = h.head_id where h.village_code = $1 and h.number = any($2) order by h.number`,
      [grid.slice(0, 12), numbers],
    );
    expect(heads.rows.map((r) => [r.number, r.name])).toEqual(numbers.map((n, h) => [n, `户${h}人0`]));
  }, 30_000);

  it('takes in reported disputes as reportDispute would: case numbers, deadlines, parties, timeline; a second run reports nothing twice', async () => {
    const grid = '623022100001001';
    const resident = (await db.query(`select id_number, name from person where grid_code = $1 and id_number is not null order by id limit 1`, [grid])).rows[0];
    const elsewhere = (await db.query(`select id_number from person where county_code = '623021' and id_number is not null order by id limit 1`)).rows[0];
    const file = join(dir, 'disputes.csv');
    const rows = [
      'external_id,grid_code,category,scale,source,summary,occurred_at,parties',
      `D-1,${grid},NEIGHBOUR,ORDINARY,WALK_IN,宅基地边界争执，双方在场,2026-11-01T09:30:00+08:00,APPLICANT:${resident.id_number};RESPONDENT:王五`,
      `D-2,${grid},LAND_HOMESTEAD,MAJOR,HOTLINE,承包地流转纠纷,,APPLICANT：赵六`,
      `D-3,${grid},NEIGHBOUR,ORDINARY,WALK_IN,无当事人,,`,
      `D-4,${grid},SPACE,ORDINARY,WALK_IN,类别不对,,APPLICANT:某人`,
      `D-5,${grid},FAMILY,ORDINARY,WALK_IN,身份证号不存在,,APPLICANT:659001199001010005`,
      // Times as a spreadsheet writes them, with no zone: China time, as the XLSX export writes them.
      `D-6,${grid},NEIGHBOUR,ORDINARY,WALK_IN,表格里的时间,2026-11-02 08:00,APPLICANT:王五`,
      `D-7,${grid},NEIGHBOUR,ORDINARY,WALK_IN,只有日期,2026/11/3,APPLICANT:王五`,
      // A resident of 临潭县, outside the caller's 卓尼县: a CONFLICT, as a residents file answers it.
      `D-8,${grid},FAMILY,ORDINARY,WALK_IN,邻县居民,,APPLICANT:${elsewhere.id_number};RESPONDENT:王五`,
    ];
    writeFileSync(file, rows.join('\n'));
    const first = await importFile('disputes', file);
    expect(first.done).toMatchObject({ inserted: 4, rejected: 4 });
    const times = await db.query(
      `select idempotency_key as k, occurred_at from dispute where idempotency_key in ('import:D-1', 'import:D-6', 'import:D-7') order by 1`,
    );
    expect(times.rows.map((r) => [r.k, (r.occurred_at as Date).toISOString()])).toEqual([
      ['import:D-1', '2026-11-01T01:30:00.000Z'],
      ['import:D-6', '2026-11-02T00:00:00.000Z'],
      ['import:D-7', '2026-11-02T16:00:00.000Z'],
    ]);
    const rejects = readFileSync(first.done.rejectsFile, 'utf8');
    expect(rejects).toMatch(/4,parties,BAD_USER_INPUT,A dispute needs at least one party/);
    expect(rejects).toMatch(/5,category,BAD_USER_INPUT,"category ""SPACE"" is not one of/);
    expect(rejects).toMatch(/6,parties,BAD_USER_INPUT,parties names an ID number of no resident in your jurisdiction/);
    expect(rejects).toMatch(/9,parties,CONFLICT,"?parties names by ID number a resident registered outside your jurisdiction/);

    const cases = (
      await db.query(
        `select id, case_number, status, contact_by > reported_at as deadlines, created_by from dispute where idempotency_key in ('import:D-1', 'import:D-2') order by idempotency_key`,
      )
    ).rows;
    expect(cases).toHaveLength(2);
    expect(cases.map((c) => c.case_number)).toEqual(expect.arrayContaining([expect.stringMatching(/^623022-\d{4}-\d{6}$/)]));
    expect(new Set(cases.map((c) => c.case_number)).size).toBe(2);
    expect(cases.every((c) => c.status === 'REPORTED' && c.deadlines && c.created_by === 'import-tester')).toBe(true);
    const read = await hub.queryAs(token, `query($id: ID!) { dispute(id: $id) { status parties { name role person { name } } timeline { action status } } }`, {
      id: cases[0].id,
    });
    expect(read.errors).toBeUndefined();
    expect(read.data!.dispute).toMatchObject({
      status: 'REPORTED',
      parties: expect.arrayContaining([
        { name: resident.name, role: 'APPLICANT', person: { name: resident.name } },
        { name: '王五', role: 'RESPONDENT', person: null },
      ]),
      timeline: [{ action: 'REPORT', status: 'REPORTED' }],
    });

    // Again, with D-2's summary changed and D-6's parties: D-1 is left alone (its parties in another order); D-2 and
    // D-6 are refused, not rewritten, and D-7's applicant written with another resident's number is too.
    const d1 = rows[1]!.replace(/APPLICANT:(\d+X?);RESPONDENT:王五/, 'RESPONDENT:王五;APPLICANT:$1');
    writeFileSync(
      file,
      [
        rows[0],
        d1,
        rows[2]!.replace('承包地流转纠纷', '承包地流转纠纷（改）'),
        rows[6]!.replace('APPLICANT:王五', 'APPLICANT:王五;RESPONDENT:赵六'),
        rows[7]!.replace('APPLICANT:王五', `APPLICANT:${resident.id_number}`),
      ].join('\n'),
    );
    const second = await importFile('disputes', file);
    expect(second.done).toMatchObject({ inserted: 0, updated: 0, unchanged: 1, rejected: 3 });
    const refused = readFileSync(second.done.rejectsFile, 'utf8');
    for (const [line, differs] of [
      [3, 'summary'],
      [4, 'parties'],
      [5, 'parties'],
    ])
      expect(refused).toMatch(
        new RegExp(`${line},external_id,CONFLICT,"?external_id is a case already reported with other details.*\\(differing columns: ${differs}\\)`),
      );
    // A row naming the case by its id (as the export writes it) is told the same, with the columns that differ.
    const d2 = (await db.query(`select id from dispute where idempotency_key = 'import:D-2'`)).rows[0].id;
    // A sheet with Chinese headers names the parties 当事人, a column no export writes.
    writeFileSync(file, `外部编号,网格代码,纠纷类别,纠纷规模,来源,简要情况,当事人\nD-9,${grid},NEIGHBOUR,ORDINARY,WALK_IN,中文表头,APPLICANT:王五\n`);
    expect((await importFile('disputes', file)).done).toMatchObject({ inserted: 1, rejected: 0 });
    // The file's external id is the case's externalId, and finds it.
    const byExternal = await hub.queryAs<{ village: { disputes: { nodes: { id: string; externalId: string | null }[] } } }>(
      token,
      `{ village(code: "623022100001") { disputes(filter: { externalId: "D-2" }) { nodes { id externalId } } } }`,
    );
    expect(byExternal.data!.village.disputes.nodes).toEqual([{ id: d2, externalId: 'D-2' }]);
    writeFileSync(file, `id,grid_code,category,scale,source,summary,parties\n${d2},${grid},LAND_HOMESTEAD,ORDINARY,HOTLINE,承包地流转纠纷,\n`);
    const byId = await importFile('disputes', file);
    expect(byId.done).toMatchObject({ rejected: 1 });
    expect(readFileSync(byId.done.rejectsFile, 'utf8')).toMatch(/2,id,CONFLICT,.*\(differing columns: scale\)/);
    expect((await db.query(`select count(*)::int as n from dispute where idempotency_key like 'import:D-%'`)).rows[0].n).toBe(5);
    expect((await db.query(`select summary from dispute where idempotency_key = 'import:D-2'`)).rows[0].summary).toBe('承包地流转纠纷');

    // D-1's applicant moves away, out of the caller's jurisdiction: a case already taken in is left as it is, its parties
    // are not checked again, and the row naming them by ID number still matches the case.
    const moved = await db.query(
      `update person set village_code = '623021200201', grid_code = '623021200201001', county_code = '623021' where id_number = $1
       returning id, village_code as v, grid_code as g`,
      [resident.id_number],
    );
    expect(moved.rowCount).toBe(1);
    try {
      writeFileSync(file, [rows[0], rows[1]].join('\n'));
      expect((await importFile('disputes', file)).done).toMatchObject({ inserted: 0, unchanged: 1, rejected: 0 });
      // A party by name in their place is not the same party.
      writeFileSync(file, [rows[0], rows[1]!.replace(resident.id_number, resident.name)].join('\n'));
      expect((await importFile('disputes', file)).done).toMatchObject({ inserted: 0, unchanged: 0, rejected: 1 });
    } finally {
      await db.query(`update person set village_code = $2, grid_code = $3, county_code = '623022' where id_number = $1`, [
        resident.id_number,
        grid.slice(0, 12),
        grid,
      ]);
    }
  }, 30_000);

  it('leaves a disputes file sent again after its case was corrected alone, as first reported or as it now stands, and refuses a mix of the two', async () => {
    const grid = '623022100001001';
    const resident = (await db.query(`select id, id_number from person where grid_code = $1 and id_number is not null order by id limit 1`, [grid])).rows[0];
    const key = `DC-${Date.now()}`;
    const file = join(dir, 'corrected.csv');
    const header = 'external_id,grid_code,category,scale,source,summary,occurred_at,parties';
    const sent = `${key},${grid},NEIGHBOUR,ORDINARY,WALK_IN,院墙排水纠纷,2026-11-01T09:30:00+08:00,APPLICANT:${resident.id_number};RESPONDENT:王五`;
    writeFileSync(file, [header, sent].join('\n'));
    expect((await importFile('disputes', file)).done).toMatchObject({ inserted: 1, rejected: 0 });
    const d = (await db.query(`select id, version from dispute where idempotency_key = $1`, [`import:${key}`])).rows[0];
    const corrected = await hub.queryAs<{ correctDispute: { version: number } }>(
      token,
      `mutation($i: DisputeCorrection!) { correctDispute(id: "${d.id}", version: ${d.version}, input: $i, reason: "登记时类别和当事人有误") { version } }`,
      {
        i: {
          category: 'LAND_HOMESTEAD',
          summary: '宅基地院墙排水纠纷',
          occurredAt: '2026-10-31T20:00:00+08:00',
          parties: [{ name: '王五', role: 'APPLICANT' }],
        },
      },
    );
    expect(corrected.errors).toBeUndefined();
    // The same file again, days later: the case as first reported, left alone.
    expect((await importFile('disputes', file)).done).toMatchObject({ inserted: 0, unchanged: 1, rejected: 0 });
    // The case as it now stands (as an export writes it): left alone too.
    const now = `${key},${grid},LAND_HOMESTEAD,ORDINARY,WALK_IN,宅基地院墙排水纠纷,2026-10-31T20:00:00+08:00,APPLICANT:王五`;
    writeFileSync(file, [header, now].join('\n'));
    expect((await importFile('disputes', file)).done).toMatchObject({ inserted: 0, unchanged: 1, rejected: 0 });
    // Half of each is neither: refused, naming what differs from the case as it stands.
    writeFileSync(file, [header, sent.replace('院墙排水纠纷', '宅基地院墙排水纠纷')].join('\n'));
    const mixed = await importFile('disputes', file);
    expect(mixed.done).toMatchObject({ inserted: 0, unchanged: 0, rejected: 1 });
    expect(readFileSync(mixed.done.rejectsFile, 'utf8')).toMatch(/\(differing columns: category, occurred_at, parties\)/);
    expect((await db.query(`select category, summary, version from dispute where id = $1`, [d.id])).rows[0]).toEqual({
      category: 'LAND_HOMESTEAD',
      summary: '宅基地院墙排水纠纷',
      version: corrected.data!.correctDispute.version,
    });
  }, 60_000);

  /** A dry run of a residents file keyed by the first 卓尼县 resident's id (`ID` in `body`): its answer's lines. */
  async function dryRun(body: string, type = 'text/csv') {
    const id = (await db.query(`select id from person where county_code = '623022' order by id limit 1`)).rows[0].id;
    const res = await fetch(new URL('/import/residents?dryRun=true', gateway()), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': type, 'accept-language': 'en' },
      body: body.replaceAll('ID', String(id)),
    });
    expect(res.status).toBe(200);
    const events = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; line?: number; field?: string; reason?: string; updated?: number });
    return { rejects: events.filter((e) => e.type === 'reject'), done: events.at(-1) };
  }

  it('rejects an overlong first record as a row, and judges the header by the next', async () => {
    const { rejects, done } = await dryRun(`id,phone\nID,${'1'.repeat(100_001)}\nID,13800000003\n`);
    expect(rejects.map((e) => e.line)).toEqual([2]);
    expect(done).toMatchObject({ type: 'done', updated: 1 });
  });

  it('rejects an NDJSON first line with a field of the wrong JSON type as a row, and judges the columns by the next', async () => {
    const { rejects, done } = await dryRun(`{"id":"ID","name":true}\n{"id":"ID","phone":"13800000004"}\n`, 'application/json');
    expect(rejects.map((e) => [e.line, e.field])).toEqual([[1, 'name']]);
    expect(done).toMatchObject({ type: 'done', updated: 1 });
  });

  it('names the column a repeated key came in: a row keyed by id repeats an id', async () => {
    const { rejects } = await dryRun(`id,phone\nID,13800000001\nID,13800000002\n`);
    expect(rejects).toEqual([expect.objectContaining({ line: 3, field: 'id', reason: 'id repeats the key of line 2', rule: 'repeated' })]);
  });

  it('rejects a row with a misplaced quote (text after a closing one, one inside an unquoted field), rather than writing what the file never held', async () => {
    // "莫,波宇"x was written as the name 莫,波宇x: a value the file never held whole, from a broken writer or a hand edit.
    const bad = await dryRun(`id,name,phone\nID,"莫,波宇"x,13800000005\n`);
    expect(bad.rejects).toEqual([
      expect.objectContaining({
        line: 2,
        field: 'name',
        rule: 'textAfterQuote',
        reason: expect.stringMatching(/has text after the closing quote of field 2/),
      }),
    ]);
    expect(bad.done).toMatchObject({ type: 'done', updated: 0, rejected: 1 });
    // A quote inside a field that did not open with one: written as part of the name, or (after a space) a quoted
    // comma read as two fields and refused for their count, which is not what to mend.
    for (const [name, body] of [
      ['inside', `id,name\nID,莫"波宇\n`],
      ['after a space', `id,name,phone\nID, "莫,波宇",13800000005\n`],
    ]) {
      const inside = await dryRun(body!);
      expect(inside.rejects, name).toEqual([
        expect.objectContaining({ line: 2, field: 'name', rule: 'quoteInField', reason: expect.stringMatching(/has a quote inside field 2/) }),
      ]);
    }
    // A quoted value ends at a comma or the line's end (CRLF too); a phone kept as text for Excel (="…") reads as before.
    const good = await dryRun(`id,phone\r\nID,"13800000007"\r\n`);
    expect(good.rejects).toEqual([]);
    expect(good.done).toMatchObject({ type: 'done', updated: 1, rejected: 0 });
    const excel = await dryRun(`id,phone\nID,="13800000009"\n`);
    expect(excel.rejects).toEqual([]);
    expect(excel.done).toMatchObject({ type: 'done', updated: 1, rejected: 0 });
    // In the header, the file is refused whole, naming the line.
    const res = await fetch(new URL('/import/residents?dryRun=true', gateway()), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      body: `"id"x,phone\n1,13800000008\n`,
    });
    expect(res.status).toBe(400);
    const error = ((await res.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] }).errors[0]!;
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', line: 1 });
    expect(error.message).toMatch(/^表头第 1 个字段的引号闭合后还有文字/);
  });

  it('runs imports sent at the same time one after the other, each to the end', async () => {
    const [a, b] = await Promise.all([
      makeResidents('together-a.csv', ['--rows', '25000', '--id-county', '659104']),
      makeResidents('together-b.csv', ['--rows', '25000', '--id-county', '659105']),
    ]);
    const [ra, rb] = await Promise.all([importFile('residents', a, ['--batch', '2000']), importFile('residents', b, ['--batch', '2000'])]);
    expect(ra.done).toMatchObject({ inserted: 25000, rejected: 0 });
    expect(rb.done).toMatchObject({ inserted: 25000, rejected: 0 });
    expect(await residentsOf('659104')).toHaveLength(25000);
    expect(await residentsOf('659105')).toHaveLength(25000);
    expect(await rollupDrift()).toEqual([]);
  }, 60_000);

  it('a file that breaks off after batches committed: says how far it got, and the same job resumes there once mended', async () => {
    const grid = '623022100001001';
    const ids = [1, 2, 3, 4, 5].map((n) => makeCitizenId('659107', '1988-08-08', n));
    const line = (i: number, name: string) => `${ids[i]},${name},汉族,REGISTERED,${grid}`;
    const header = 'id_number,name,ethnicity,residency,grid_code';
    const broken = [header, line(0, '甲'), line(1, '乙'), line(2, '丙'), `${ids[3]},"未闭合,汉族,REGISTERED,${grid}`, line(4, '戊')].join('\n');
    const job = `broken-${Date.now()}`;
    const post = (body: string) =>
      fetch(new URL(`/import/residents?job=${job}&batch=1`, gateway()), {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', 'accept-language': 'en' },
        body,
      });
    const res = await post(broken);
    const stored = async () => (await residentsOf('659107')).map((r) => r.name);
    if (res.status === 400) {
      // Nothing was written before the error was found: the whole answer is the error.
      expect((await res.json()).errors[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(await stored()).toEqual([]);
    } else {
      expect(res.status).toBe(200);
      const events = (await res.text())
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      const last = events.at(-1)!;
      expect(last).toMatchObject({ type: 'error', code: 'BAD_USER_INPUT', message: expect.stringMatching(/quote/i) });
      // Lines 2 to committedLine are written, nothing after them.
      const committed = last.committedLine as number;
      expect(committed).toBeGreaterThanOrEqual(2);
      expect(await stored()).toEqual(['甲', '乙', '丙'].slice(0, committed - 1));
    }
    const mended = await post(broken.replace('"未闭合', '丁'));
    expect(mended.status).toBe(200);
    expect(
      (await mended.text())
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string })
        .at(-1),
    ).toMatchObject({ type: 'done', rejected: 0 });
    expect(await stored()).toEqual(['甲', '乙', '丙', '丁', '戊']);
  }, 30_000);

  it('--dry-run reports the rejects and counts of a real run and keeps nothing, no job either', async () => {
    const file = join(dir, 'dry.csv');
    const row = (n: number, ethnicity: string) => `${makeCitizenId('659109', '1966-06-06', n)},试${n},${ethnicity},REGISTERED,623022100001001`;
    writeFileSync(file, ['id_number,name,ethnicity,residency,grid_code', row(1, '汉族'), row(2, '火星族'), row(3, '回族')].join('\n'));
    const dry = await importFile('residents', file, ['--dry-run']);
    expect(dry.done).toMatchObject({ type: 'done', dryRun: true, inserted: 2, updated: 0, rejected: 1 });
    expect(readFileSync(dry.done.rejectsFile, 'utf8')).toMatch(/3,ethnicity,BAD_USER_INPUT/);
    expect(await residentsOf('659109')).toEqual([]);
    // The real run after it starts from the beginning (the dry run left no job to resume) and writes what it said.
    const real = await importFile('residents', file);
    expect(real.done).toMatchObject({ inserted: 2, rejected: 1, resumedAfter: 0 });
    expect((await residentsOf('659109')).map((r) => r.name)).toEqual(['试1', '试3']);
    expect(await rollupDrift()).toEqual([]);
  }, 30_000);

  it('names a rejected column as the file’s header wrote it, when it used the export’s Chinese labels', async () => {
    const file = join(dir, 'labels.csv');
    const row = (n: number, ethnicity: string) => `${makeCitizenId('659109', '1967-07-07', n)},试${n},${ethnicity},REGISTERED,623022100001001`;
    // Line 4: an ID number a spreadsheet turned into a number; its reason quotes the value right after the name.
    writeFileSync(
      file,
      ['身份证号,姓名,民族,人口类别,网格代码', row(1, '汉族'), row(2, '火星族'), '6.23021E+17,试4,汉族,REGISTERED,623022100001001'].join('\n'),
    );
    const dry = await importFile('residents', file, ['--dry-run']);
    expect(dry.done).toMatchObject({ dryRun: true, inserted: 1, rejected: 2 });
    const rejects = readFileSync(dry.done.rejectsFile, 'utf8');
    expect(rejects).toMatch(/3,ethnicity,BAD_USER_INPUT,"?民族（ethnicity）/);
    expect(rejects).toMatch(/4,id_number,BAD_USER_INPUT,"?身份证号（id_number） ""6\.23021E\+17""/);
    // A reason that glosses its column (gender（性别）) says the header's word once: 性别（gender）“男”…, not 性别（gender）（性别）.
    const woman = makeCitizenId('659109', '1967-07-07', 6);
    writeFileSync(file, ['身份证号,姓名,性别,民族,人口类别,网格代码', `${woman},试6,男,汉族,REGISTERED,623022100001001`].join('\n'));
    const gender = readFileSync((await importFile('residents', file, ['--dry-run', '--lang', 'zh'])).done.rejectsFile, 'utf8');
    expect(gender).toMatch(/2,gender,BAD_USER_INPUT,"?性别（gender）“男”与公民身份号码所示的“女”不符[^\n]*,genderOfIdNumber\n/);
    // The names registers commonly give the ID number and phone columns are read as the export's own.
    writeFileSync(
      file,
      ['身份证号码,姓名,民族,人口类别,网格代码,手机号', `${makeCitizenId('659109', '1967-07-07', 8)},试8,汉族,REGISTERED,623022100001001,13900008888`].join(
        '\n',
      ),
    );
    expect((await importFile('residents', file, ['--dry-run'])).done).toMatchObject({ inserted: 1, rejected: 0 });
    // A register saved as CSV for Excel keeps its ID numbers and phones as text by writing them as formulas (="…").
    writeFileSync(
      file,
      [
        '身份证号码,姓名,民族,人口类别,网格代码,手机号',
        `="${makeCitizenId('659109', '1967-07-07', 10)}",试10,汉族,REGISTERED,623022100001001,="13900008889"`,
      ].join('\n'),
    );
    expect((await importFile('residents', file, ['--dry-run'])).done).toMatchObject({ inserted: 1, rejected: 0 });
  }, 30_000);

  it('reads tags as the enum spells them, whatever their case, and applies their age rules', async () => {
    const file = join(dir, 'tags.csv');
    const elder = makeCitizenId('659109', '1950-05-05', 1);
    const adult = makeCitizenId('659109', '1990-05-05', 2);
    writeFileSync(
      file,
      [
        'id_number,name,ethnicity,residency,grid_code,tags',
        `${elder},标签甲,汉族,REGISTERED,623022100001001,left_behind_elderly`,
        `${adult},标签乙,汉族,REGISTERED,623022100001001,left_behind_child`,
      ].join('\n'),
    );
    const r = await importFile('residents', file);
    expect(r.done).toMatchObject({ inserted: 1, rejected: 1 });
    expect(readFileSync(r.done.rejectsFile, 'utf8')).toMatch(/3,tags,BAD_USER_INPUT/);
    const stored = (await db.query(`select id, tags from person where id_number = $1`, [elder])).rows[0];
    expect(stored.tags).toEqual(['LEFT_BEHIND_ELDERLY']);
    // The record reads back through the API (an enum value it cannot spell would fail the whole answer).
    const read = await hub.queryAs<{ person: { tags: string[] } }>(token, `{ person(id: "${stored.id}") { tags } }`);
    expect(read.errors).toBeUndefined();
    expect(read.data!.person.tags).toEqual(['LEFT_BEHIND_ELDERLY']);
    // By id alone, as tagPerson does: the age rules read the registered birth date.
    const byId = join(dir, 'tags-by-id.csv');
    writeFileSync(byId, `id,tags\n${stored.id},LEFT_BEHIND_ELDERLY;EXTREME_POVERTY\n`);
    expect((await importFile('residents', byId)).done).toMatchObject({ updated: 1, rejected: 0 });
    writeFileSync(byId, `id,tags\n${stored.id},LEFT_BEHIND_CHILD\n`);
    const child = await importFile('residents', byId);
    expect(child.done).toMatchObject({ updated: 0, rejected: 1 });
    const form = await hub.queryAs(token, `mutation { tagPerson(id: "${stored.id}", tags: [LEFT_BEHIND_CHILD]) { id } }`);
    const reason = readFileSync(child.done.rejectsFile, 'utf8').split('\n')[1]!;
    expect(reason).toMatch(/^2,tags,BAD_USER_INPUT,/);
    // The same rule and words as the form's refusal.
    expect(reason).toContain(form.errors![0]!.message.replace(/^tags: /, ''));
    expect((await db.query(`select tags from person where id = $1`, [stored.id])).rows[0].tags).toEqual(['LEFT_BEHIND_ELDERLY', 'EXTREME_POVERTY']);
  }, 30_000);

  it('reads an enum by its own Chinese name, as a sheet with Chinese headers shows it, and no other enum’s', async () => {
    const file = join(dir, 'names.csv');
    const elder = makeCitizenId('659109', '1948-04-04', 3);
    writeFileSync(
      file,
      ['id_number,name,gender,ethnicity,residency,grid_code,tags', `${elder},名称甲,男,汉族,流动人口,623022100001001,留守老人;特困供养人员`].join('\n'),
    );
    expect((await importFile('residents', file)).done).toMatchObject({ inserted: 1, rejected: 0 });
    const stored = (await db.query(`select gender, residency, tags from person where id_number = $1`, [elder])).rows[0];
    expect(stored).toEqual({ gender: 'MALE', residency: 'FLOATING', tags: ['LEFT_BEHIND_ELDERLY', 'EXTREME_POVERTY'] });
    // A name of another enum is not this field's, though its code would be: 企业调委会 (a committee's kind) is no site kind.
    const sites = join(dir, 'site-names.csv');
    writeFileSync(sites, ['grid_code,external_id,name,kind', '623022100001001,N-1,名称企业,企业', '623022100001001,N-2,名称调委会,企业调委会'].join('\n'));
    const r = await importFile('sites', sites);
    expect(r.done).toMatchObject({ inserted: 1, rejected: 1 });
    expect(readFileSync(r.done.rejectsFile, 'utf8')).toMatch(/3,kind,BAD_USER_INPUT/);
  }, 30_000);

  it('records in the audit log the residents a file found by ID number, in a dry run too', async () => {
    const file = join(dir, 'probe.csv');
    const known = makeCitizenId('659109', '1969-09-09', 1);
    writeFileSync(file, `id_number,name,ethnicity,residency,grid_code\n${known},审计甲,汉族,REGISTERED,623022100001001\n`);
    expect((await importFile('residents', file)).done).toMatchObject({ inserted: 1 });
    const id = (await db.query<{ id: number }>(`select id from person where id_number = $1`, [known])).rows[0]!.id;
    const entries = () =>
      db.query<{ operation: string; record_ids: number[] }>(
        `select operation, record_ids from audit_log where subject = 'import-tester' and operation like 'import residents %' order by id`,
      );
    const before = (await entries()).rows.length;
    // A caller tries numbers: two it made up and one registered; the one that matches is recorded.
    writeFileSync(
      file,
      ['id_number,phone', known, makeCitizenId('659109', '1969-09-09', 3), makeCitizenId('659109', '1969-09-09', 5)]
        .map((l, i) => (i ? `${l},13900001111` : l))
        .join('\n'),
    );
    const dry = await importFile('residents', file, ['--dry-run']);
    expect(dry.done).toMatchObject({ dryRun: true });
    const after = (await entries()).rows.slice(before);
    expect(after).toEqual([{ operation: expect.stringMatching(/\(dry run\): 3 looked up by ID number, 1 found$/), record_ids: [id] }]);
    // Every kind that names people by ID number is a lookup too, found or not (here a grid post for a made-up number).
    const staff = join(dir, 'probe-staff.csv');
    writeFileSync(staff, `external_id,grid_code,role,name,id_number\naudit-1,623022100001001,INFORMANT,某某,${makeCitizenId('659109', '1969-09-09', 7)}\n`);
    await importFile('grid-staff', staff, ['--dry-run']);
    const lookups = await db.query<{ operation: string; fields: string[] }>(
      `select operation, fields from audit_log where subject = 'import-tester' and operation like 'import grid-staff %' order by id desc limit 1`,
    );
    expect(lookups.rows).toEqual([{ operation: expect.stringMatching(/\(dry run\): 1 looked up by ID number$/), fields: ['idNumberLookup'] }]);
    // A post, a mediator and a case's party naming a registered resident record that resident as found, as a
    // residents file does, so that asking who looked up a resident finds these files too.
    const last = async (kind: string) =>
      (
        await db.query<{ operation: string; record_ids: number[] }>(
          `select operation, record_ids from audit_log where subject = 'import-tester' and operation like 'import ${kind} %' order by id desc limit 1`,
        )
      ).rows;
    writeFileSync(
      staff,
      `external_id,grid_code,role,name,id_number
audit-2,623022100001001,INFORMANT,审计甲,${known}
`,
    );
    await importFile('grid-staff', staff, ['--dry-run']);
    expect(await last('grid-staff')).toEqual([{ operation: expect.stringMatching(/\(dry run\): 1 looked up by ID number, 1 found$/), record_ids: [id] }]);
    const committee = (await db.query<{ id: number }>(`select id from mediation_committee where village_code = '623022100001' order by id limit 1`)).rows[0]!
      .id;
    const mediator = join(dir, 'probe-mediator.csv');
    writeFileSync(
      mediator,
      `external_id,committee_id,name,full_time,id_number
audit-3,${committee},审计甲,false,${known}
`,
    );
    await importFile('mediators', mediator, ['--dry-run']);
    expect(await last('mediators')).toEqual([{ operation: expect.stringMatching(/\(dry run\): 1 looked up by ID number, 1 found$/), record_ids: [id] }]);
    const cases = join(dir, 'probe-case.csv');
    writeFileSync(
      cases,
      `external_id,grid_code,category,scale,source,summary,parties\naudit-4,623022100001001,NEIGHBOUR,ORDINARY,GRID_INSPECTION,邻里争执,APPLICANT:${known};RESPONDENT:某乙\n`,
    );
    await importFile('disputes', cases, ['--dry-run']);
    expect(await last('disputes')).toEqual([{ operation: expect.stringMatching(/\(dry run\): 1 looked up by ID number, 1 found$/), record_ids: [id] }]);
  }, 30_000);

  it('spends a lookup on every ID number a file names for a caller without pii, new residents too, in batches of a minute’s quota', async () => {
    const subject = `import-plain-${Date.now()}`;
    const plain = await hub.token({ jurisdiction: '623022', scopes: ['read', 'write'], subject });
    const send = async (body: string) => {
      const res = await fetch(new URL(`/import/residents?job=${subject}-${Math.random()}`, gateway()), {
        method: 'POST',
        headers: { authorization: `Bearer ${plain}`, 'content-type': 'text/csv; charset=utf-8', 'accept-language': 'en' },
        body,
      });
      const events = (await res.text())
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string });
      return events.find((e) => e.type === 'done');
    };
    const quota = async () =>
      (await db.query<{ span: string; used: number }>(`select span, used from lookup_quota where subject = $1 order by span`, [subject])).rows;
    // A new resident's row tells that its number was registered nowhere, as registerPerson's answer does: a lookup.
    const fresh = [11, 13, 15].map((seq) => makeCitizenId('623022', '1931-02-03', seq + (Date.now() % 300) * 2));
    const made = await send(
      ['id_number,name,ethnicity,residency,grid_code', ...fresh.map((n, i) => `${n},新登记${i},汉族,REGISTERED,623022100001001`)].join('\n'),
    );
    expect(made).toMatchObject({ inserted: 3, rejected: 0 });
    expect(await quota()).toEqual([
      { span: 'DAY', used: 3 },
      { span: 'MINUTE', used: 3 },
    ]);
    // Rows that write nothing, told apart only by their answers (a registered number unchanged, a made-up one refused
    // for the name a new resident needs): a lookup each.
    const registered = (
      await db.query<{ id_number: string }>(`select id_number from person where county_code = '623022' and id_number is not null order by id limit 1`)
    ).rows[0]!.id_number;
    expect(await send(['id_number', registered, makeCitizenId('623022', '1931-02-04', 9)].join('\n'))).toMatchObject({
      inserted: 0,
      unchanged: 1,
      rejected: 1,
    });
    expect(await quota()).toEqual([
      { span: 'DAY', used: 5 },
      { span: 'MINUTE', used: 5 },
    ]);
  }, 30_000);

  it('replays the rejects of a resumed job in the file’s own column names too', async () => {
    const grid = '623022100001001';
    const row = (n: number, name: string, ethnicity: string) => `${makeCitizenId('659109', '1968-08-08', n)},${name},${ethnicity},REGISTERED,${grid}`;
    const broken = [
      '身份证号,姓名,民族,人口类别,网格代码',
      row(1, '续甲', '汉族'),
      row(2, '续乙', '火星族'),
      row(3, '续丙', '汉族'),
      `${row(4, '"未闭合', '汉族')}`,
    ].join('\n');
    const job = `replay-${Date.now()}`;
    // The file is sent in two parts, the second once the answer has begun (a batch committed), so the broken line
    // ends a job that has written something and can be resumed, rather than refusing the whole file with a 400.
    const post = (parts: string[]) =>
      new Promise<Record<string, unknown>[]>((resolve, reject) => {
        const url = new URL(`/import/residents?job=${job}&batch=1&encoding=utf-8`, gateway());
        const req = request(url, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', 'accept-language': 'en' },
        });
        req.on('error', reject);
        req.on('response', (res) => {
          expect(res.statusCode).toBe(200);
          // The rejects are in the language asked for, and the answer says which.
          expect(res.headers['content-language']).toBe('en');
          req.end(parts[1]);
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () =>
            resolve(
              body
                .trim()
                .split('\n')
                .map((l) => JSON.parse(l) as Record<string, unknown>),
            ),
          );
        });
        req.write(parts[0]);
      });
    const cut = broken.lastIndexOf('\n') + 1;
    const first = await post([broken.slice(0, cut), broken.slice(cut)]);
    expect(first.at(-1)).toMatchObject({ type: 'error', code: 'BAD_USER_INPUT' });
    expect(first.find((e) => e.type === 'reject')).toMatchObject({ line: 3, field: 'ethnicity', column: '民族' });
    const mended = broken.replace('"未闭合', '续丁');
    const resumed = await post([mended.slice(0, cut), mended.slice(cut)]);
    const replayed = resumed.filter((e) => e.replayed);
    // The replayed reject keeps its rule's name (import_reject.rule), as the first run sent it.
    expect(first.find((e) => e.type === 'reject')).toMatchObject({ rule: 'ethnicityName' });
    expect(replayed).toEqual([
      expect.objectContaining({ line: 3, field: 'ethnicity', column: '民族', rule: 'ethnicityName', reason: expect.stringMatching(/^民族（ethnicity）/) }),
    ]);
    expect(resumed.at(-1)).toMatchObject({ type: 'done', rejected: 1 });
  }, 30_000);

  it('--strict ends with exit code 3 when rows were rejected, and a clean run leaves no rejects file', async () => {
    const ok = join(dir, 'strict-ok.csv');
    const bad = join(dir, 'strict-bad.csv');
    const row = (n: number, ethnicity: string) => `${makeCitizenId('659108', '1977-07-07', n)},严格${n},${ethnicity},REGISTERED,623022100001001`;
    writeFileSync(ok, ['id_number,name,ethnicity,residency,grid_code', row(1, '汉族')].join('\n'));
    writeFileSync(bad, ['id_number,name,ethnicity,residency,grid_code', row(2, '汉族'), row(3, '火星族')].join('\n'));
    const clean = await importFile('residents', ok, ['--strict']);
    expect(clean.done).toMatchObject({ inserted: 1, rejected: 0, rejectsFile: null });
    expect(existsSync(`${ok}.rejects.csv`)).toBe(false);
    const refused = await run(NODE, ['scripts/import.ts', 'residents', bad, '--token', token, '--url', gateway(), '--lang', 'en', '--strict']).then(
      () => null,
      (e: { code?: number; stdout?: string; stderr?: string }) => e,
    );
    expect(refused?.code).toBe(3);
    expect(refused?.stderr).toMatch(/1 row rejected/);
    expect(JSON.parse(refused!.stdout!.trim())).toMatchObject({ inserted: 1, rejected: 1 });
    // Without --lang the command speaks Chinese, and English only in an English locale (its own words and the hub's).
    const said = async (env: Record<string, string>, extra: string[] = []) =>
      (
        await run(
          NODE,
          ['scripts/import.ts', 'residents', bad, '--token', token, '--url', gateway(), '--strict', '--job', `strict-lang-${Date.now()}`, ...extra],
          {
            env: { ...process.env, LC_ALL: '', LC_MESSAGES: '', ...env },
          },
        ).then(
          () => null,
          (e: { stderr?: string }) => e,
        )
      )?.stderr ?? '';
    const zh = await said({ LANG: 'C.UTF-8' });
    expect(zh).toMatch(/拒收 1 行/);
    expect(readFileSync(`${bad}.rejects.csv`, 'utf8')).toMatch(/民族|ethnicity“火星族”/);
    expect(await said({ LANG: 'en_US.UTF-8' })).toMatch(/1 row rejected/);
    expect(await said({ LANG: 'en_US.UTF-8' }, ['--lang', 'zh'])).toMatch(/拒收 1 行/);
    // A file cut short after a checked batch.
    const cut = join(dir, 'cut.csv');
    writeFileSync(cut, ['id_number,name,ethnicity,residency,grid_code', row(4, '汉族'), row(5, '汉族'), row(6, '汉族'), '"未闭合'].join('\n'));
    const stop = (extra: string[]) =>
      run(NODE, ['scripts/import.ts', 'residents', cut, '--token', token, '--url', gateway(), '--batch', '2', '--lang', 'zh', ...extra]).then(
        () => '',
        (e: { stderr?: string }) => e.stderr ?? '',
      );
    // A dry run wrote nothing and keeps no job: no resume to speak of, and no "。；".
    const dry = await stop(['--dry-run']);
    expect(dry).toMatch(/没有闭合。/);
    expect(dry).not.toMatch(/已写入|。；/);
  }, 60_000);

  it('a header that lacks the columns naming a record, or a required one, is refused naming them as a Chinese sheet heads them', async () => {
    const post = (kind: string, body: string, language = 'zh') =>
      fetch(new URL(`/import/${kind}?dryRun=true`, gateway()), {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', 'accept-language': language },
        body,
      });
    const sites = await post('sites', '网格代码,名称,场所类型\n623022100001001,某寺,宗教场所\n');
    expect(sites.status).toBe(400);
    const sitesError = (await sites.json()).errors[0];
    expect(sitesError.message).toBe('表头须含有指明记录的列：系统编号（id） 或 外部编号（external_id） + 网格代码（grid_code）。');
    // A program tells each header refusal by its rule and reads the columns from extensions, not from the message.
    expect(sitesError.extensions).toEqual({ code: 'BAD_USER_INPUT', rule: 'keyColumnsMissing', keys: [['id'], ['external_id', 'grid_code']] });
    const en = await post('sites', 'grid_code,name,kind\n623022100001001,x,MARKET\n', 'en');
    expect((await en.json()).errors[0].message).toBe('The header needs the columns that name a record: id or external_id + grid_code.');
    const disputes = await post('disputes', '网格代码,简要情况\n623022100001001,x\n');
    expect(disputes.status).toBe(400);
    const disputesError = (await disputes.json()).errors[0];
    expect(disputesError.message).toBe('表头缺少必需的列：纠纷类别（category）、纠纷规模（scale）、来源（source）。');
    expect(disputesError.extensions).toEqual({ code: 'BAD_USER_INPUT', rule: 'columnMissing', columns: ['category', 'scale', 'source'] });
    const empty = await post('residents', '');
    expect(empty.status).toBe(400);
    expect((await empty.json()).errors[0].extensions).toEqual({ code: 'BAD_USER_INPUT', rule: 'emptyFile' });
    const twice = await post('residents', '身份证号,姓名,name\n');
    expect(twice.status).toBe(400);
    expect((await twice.json()).errors[0].extensions).toEqual({ code: 'BAD_USER_INPUT', rule: 'columnRepeated', columns: ['name'] });
  });

  it('refuses what it cannot take with typed errors: unknown columns, kinds, missing scope or token', async () => {
    const post = (path: string, body: string, auth = token) =>
      fetch(new URL(path, gateway()), { method: 'POST', headers: { authorization: `Bearer ${auth}`, 'content-type': 'text/csv' }, body });
    // A quote never closed: the line it opened on, for a program as for a person.
    const unclosed = await post('/import/residents?dryRun=true', `id_number,name\n${makeCitizenId('659001', '1990-01-01', 7)},李四\n"未闭合,x\n`);
    expect(unclosed.status).toBe(400);
    expect((await unclosed.json()).errors[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', line: 3 }, message: expect.stringMatching(/第 3 行/) });
    const cols = await post('/import/residents', 'id_number,name,shoe_size\n');
    expect(cols.status).toBe(400);
    expect((await cols.json()).errors[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringMatching(/shoe_size/) });
    // A register's own columns (序号, 备注) are refused by name, with how to leave them out; left out, the rest is read.
    const register = (n: number) =>
      `序号,身份证号,姓名,民族,人口类别,网格代码,备注\n1,${makeCitizenId('659001', '1990-01-01', n)},李四,汉族,REGISTERED,623022100001001,新迁入\n`;
    const refused = await post('/import/residents?dryRun=true', register(4));
    expect(refused.status).toBe(400);
    const refusal = (await refused.json()).errors[0];
    expect(refusal.message).toMatch(/未知的列：“?序号”?、“?备注”?.*\?ignore=%E5%BA%8F%E5%8F%B7,%E5%A4%87%E6%B3%A8（命令行 --ignore/);
    // The columns to leave out, as the header wrote them, for a program to send back as ?ignore=.
    expect(refusal.extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'unknownColumn', columns: ['序号', '备注'] });
    expect(refusal.extensions.known).toContain('id_number');
    const ignored = await post(`/import/residents?ignore=${encodeURIComponent('序号，备注')}`, register(4));
    expect(ignored.status).toBe(200);
    expect(await lastEvent(ignored)).toMatchObject({ type: 'done', inserted: 1, rejected: 0 });
    const file = join(dir, 'register.csv');
    writeFileSync(file, register(6));
    expect((await importFile('residents', file, ['--ignore', '序号,备注'])).done).toMatchObject({ inserted: 1, rejected: 0 });
    const ndjson = await fetch(new URL('/import/residents?ignore=row_no', gateway()), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
      body: `${JSON.stringify({ row_no: 1, id_number: makeCitizenId('659001', '1990-01-01', 8), name: '王五', ethnicity: '汉族', residency: 'REGISTERED', grid_code: '623022100001001' })}\n`,
    });
    expect(await lastEvent(ndjson)).toMatchObject({ type: 'done', inserted: 1, rejected: 0 });
    // The header names the record a row changes (id or id_number); a row may leave out what it does not change,
    // but a new resident needs every required field.
    const noKey = await post('/import/residents', 'name,phone\n张三,13800001111\n');
    expect(noKey.status).toBe(400);
    expect((await noKey.json()).errors[0].message).toMatch(/系统编号（id） 或 身份证号（id_number）/);
    const partial = await post('/import/residents', `id_number,name\n${makeCitizenId('659001', '1990-01-01', 2)},张三\n`);
    expect(partial.status).toBe(200);
    const lines = (await partial.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.type === 'reject')).toEqual([
      { type: 'reject', line: 2, field: 'ethnicity', reason: expect.any(String), code: 'BAD_USER_INPUT', rule: 'required' },
    ]);
    expect((await post('/import/spaceships', 'a\n')).status).toBe(404);
    // A spreadsheet sent as it is, even labelled CSV, is read as the workbook it is (tests/xlsx.test.ts): the export
    // comes back as no change. UTF-8 text declared GB18030 is told what it is, nothing read as mojibake.
    const xlsx = await fetch(new URL('/export/residents.xlsx?within=623022100001', gateway()), { headers: { authorization: `Bearer ${token}` } });
    const sheet = await fetch(new URL('/import/residents', gateway()), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', 'accept-language': 'en' },
      body: Buffer.from(await xlsx.arrayBuffer()),
    });
    expect(sheet.status).toBe(200);
    const sheetEvents = (await sheet.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    // Any refusal is shown with its line and rule, not only counted.
    expect(sheetEvents.filter((e) => e.type === 'reject')).toEqual([]);
    expect(sheetEvents.at(-1)).toMatchObject({ type: 'done', inserted: 0, updated: 0, rejected: 0 });
    const declared = await post('/import/residents?encoding=gb18030', `id_number,name,ethnicity\n${makeCitizenId('659001', '1990-01-01', 3)},张三,汉族\n`);
    expect(declared.status).toBe(400);
    expect((await declared.json()).errors[0].message).toMatch(/UTF-8|GB18030/);
    const readOnly = await hub.token({ jurisdiction: '623022', scopes: ['read'] });
    const f = await post('/import/residents', 'id_number\n', readOnly);
    expect(f.status).toBe(403);
    expect((await f.json()).errors[0].extensions.code).toBe('FORBIDDEN');
    expect((await fetch(new URL('/import/residents', gateway()), { method: 'POST', body: 'x' })).status).toBe(401);
  });

  it('answers a file refused at its first bytes, and then the next imports: no connection is left holding its rest', async () => {
    // The hub reads a file's first 64 kB before it refuses a ZIP. The rest of a file a few hundred kB long is all sent
    // by then, so the gateway's connection to the village counted as free; left unread there, it held that connection,
    // and the next import sent on it waited unanswered until the socket timed out a minute later.
    const send = async (body: BodyInit) => {
      const res = await fetch(new URL('/import/residents', gateway()), {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
        body,
        signal: AbortSignal.timeout(30_000),
      });
      return { status: res.status, body: await res.text() };
    };
    const zip = new Blob([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(256 * 1024, 0x41)]);
    // Several at once after each refusal, so one of them is sent on the connection the refused file came by.
    for (let round = 0; round < 3; round++) {
      const refused = await send(zip);
      expect(refused.status).toBe(400);
      expect(JSON.parse(refused.body).errors[0].extensions.code).toBe('BAD_USER_INPUT');
      for (const next of await Promise.all([1, 2, 3].map(() => send('id_number,name,shoe_size\n')))) {
        expect(next.status).toBe(400);
        expect(JSON.parse(next.body).errors[0].message).toMatch(/shoe_size/);
      }
    }
  }, 150_000);

  /**
   * Every reject of a file carries `rule`, the stable name a program sorts rejects by: a file with one row for each
   * kind of fault (as read, as judged by the field rules, and by the rules that need the database) is dry-run for
   * residents, households and disputes, in CSV and NDJSON, and every reject and each of its problems names a rule.
   */
  describe('every reject names its rule', () => {
    type Reject = { line: number; field: string; rule?: string; reason: string; column?: string; problems?: { rule?: string }[] };
    const rejectsOf = async (kind: string, body: string, type = 'text/csv') => {
      const res = await fetch(new URL(`/import/${kind}?dryRun=true`, gateway()), {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': type, 'accept-language': 'en' },
        body,
      });
      expect(res.status).toBe(200);
      const events = (await res.text())
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string } & Reject);
      expect(events.at(-1)).toMatchObject({ type: 'done' });
      return events.filter((e) => e.type === 'reject');
    };
    /** The rejects (or problems of one) without a rule, and each line's rule, for the failure message. */
    const unnamed = (rejects: Reject[]) => rejects.filter((r) => !r.rule || r.problems?.some((p) => !p.rule)).map((r) => `${r.line} ${r.field}: ${r.reason}`);
    const rules = (rejects: Reject[]) => Object.fromEntries(rejects.map((r) => [r.line, r.rule]));
    const gridOf = async () => (await db.query(`select code from grid where code like '623022%' order by code limit 1`)).rows[0].code as string;
    const number = (n: number, born = '1980-01-01') => makeCitizenId('623022', born, 900 + n);

    it('residents (CSV)', async () => {
      const grid = await gridOf();
      const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
      const row = (change: Record<string, string>) => {
        const f = {
          id: '',
          version: '',
          id_number: '',
          name: '张三',
          gender: '',
          birth_date: '',
          ethnicity: '汉族',
          phone: '',
          residency: 'REGISTERED',
          tags: '',
          grid_code: grid,
          household_number: '',
          ...change,
        };
        return Object.values(f).join(',');
      };
      const header = 'id,version,id_number,name,gender,birth_date,ethnicity,phone,residency,tags,grid_code,household_number';
      const lines = [
        row({ id_number: number(1) }), // 2: fine
        row({ id_number: number(1) }), // 3: repeated
        row({ id_number: number(2), residency: 'VISITOR' }), // 4: enumValue
        row({ id_number: '12345' }), // 5: idNumberLength
        row({ id_number: number(3), name: '=王五' }), // 6: personName
        row({ id_number: number(4), phone: '12' }), // 7: phoneFormat
        row({ id_number: number(5), grid_code: '623022' }), // 8: divisionCode
        row({ id_number: number(6), grid_code: '623021001001001' }), // 9: gridOutside
        row({ id_number: number(7), grid_code: '623022999999999' }), // 10: gridUnknown
        `,,${number(8)},吴十`, // 11: fieldCount
        row({ id: 'abc' }), // 12: recordId
        row({ id: '2147483000' }), // 13: recordUnknown
        row({ id: '2147483001', version: 'x' }), // 14: versionFormat
        row({ id_number: number(9), ethnicity: '火星族' }), // 15: ethnicityName
        row({ gender: 'MALE', birth_date: '2026-02-30' }), // 16: dateReal
        row({ id_number: number(10), tags: 'FOO' }), // 17: enumValue
        row({ id_number: number(11), name: '' }), // 18: required
        row({ id_number: number(12), name: '卫\u0000七' }), // 19: nulCharacter
        row({ id_number: number(13), household_number: 'NO-SUCH' }), // 20: refElsewhere
        row({ id_number: '623022********1234' }), // 21: maskedValue
        row({ id_number: number(14), tags: 'LEFT_BEHIND_CHILD' }), // 22: tagsForAge
        row({ birth_date: today }), // 23: newbornDetails
        row({ gender: 'MALE', birth_date: '1990-01-01' }), // 24: idNumberRequired
        row({ id_number: number(15), phone: '12', residency: 'VISITOR', grid_code: '623022' }), // 25: several problems
      ];
      const rejects = await rejectsOf('residents', [header, ...lines].join('\n'));
      expect(unnamed(rejects)).toEqual([]);
      expect(rules(rejects)).toMatchObject({
        3: 'repeated',
        4: 'enumValue',
        5: 'idNumberLength',
        6: 'personName',
        7: 'phoneFormat',
        8: 'divisionCode',
        9: 'gridOutside',
        10: 'gridUnknown',
        11: 'fieldCount',
        12: 'recordId',
        13: 'recordUnknown',
        14: 'versionFormat',
        15: 'ethnicityName',
        16: 'dateReal',
        17: 'enumValue',
        18: 'required',
        19: 'nulCharacter',
        20: 'refElsewhere',
        21: 'maskedValue',
        22: 'tagsForAge',
        23: 'newbornDetails',
        24: 'idNumberRequired',
      });
      expect(rejects.find((r) => r.line === 25)?.problems?.length).toBeGreaterThan(1);
    });

    it('a repeated key names the column as the file wrote it', async () => {
      const grid = await gridOf();
      const rejects = await rejectsOf(
        'residents',
        `公民身份号码,name,ethnicity,residency,grid_code\n${number(1)},张三,汉族,REGISTERED,${grid}\n${number(1)},张三,汉族,REGISTERED,${grid}\n`,
      );
      expect(rejects).toEqual([expect.objectContaining({ line: 3, field: 'id_number', column: '公民身份号码', rule: 'repeated' })]);
      expect(rejects[0]!.reason).toMatch(/^公民身份号码（id_number）.*repeats the key of line 2/);
    });

    it('residents (NDJSON)', async () => {
      const grid = await gridOf();
      const lines = [
        JSON.stringify({ id_number: number(1), name: '张三', grid_code: grid }), // 1: fine
        JSON.stringify({ shoe_size: 42 }), // 2: unknownField
        `{"name":"张三","name":"李四"}`, // 3: fieldRepeated
        `{"id_number":623022198001010012}`, // 4: jsonNumberDigits
        JSON.stringify({ name: { first: '三' } }), // 5: fieldType
        JSON.stringify({ name: true }), // 6: fieldType
        `"张三"`, // 7: notJsonObject
        `{"name":`, // 8: notJson
        JSON.stringify({ name: 'x'.repeat(100_001) }), // 9: lineTooLong
      ];
      const rejects = await rejectsOf('residents', lines.join('\n'), 'application/x-ndjson');
      expect(unnamed(rejects)).toEqual([]);
      expect(rules(rejects)).toMatchObject({
        2: 'unknownField',
        3: 'fieldRepeated',
        4: 'jsonNumberDigits',
        5: 'fieldType',
        6: 'fieldType',
        7: 'notJsonObject',
        8: 'notJson',
        9: 'lineTooLong',
      });
    });

    it('households (CSV)', async () => {
      const grid = await gridOf();
      const lines = [
        `${grid},WR-H1,,`, // 2
        `${grid},WR-H1,,`, // 3: repeated
        `${grid},=WR,,`, // 4: formulaStart
        `${grid},${'W'.repeat(51)},,`, // 5: textLength
        `${grid},WR-H3,NO-SUCH,`, // 6: refElsewhere
        `${grid},WR-H4,,12345`, // 7: idNumberLength
        `${grid},,,`, // 8: required
      ];
      const rejects = await rejectsOf('households', ['grid_code,number,address_number,head_id_number', ...lines].join('\n'));
      expect(unnamed(rejects)).toEqual([]);
      expect(rules(rejects)).toMatchObject({ 3: 'repeated', 4: 'formulaStart', 5: 'textLength', 6: 'refElsewhere', 7: 'idNumberLength', 8: 'required' });
    });

    it('disputes (CSV and NDJSON)', async () => {
      const grid = await gridOf();
      const soon = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
      const row = (external: string, change: Record<string, string> = {}) => {
        const f = {
          external_id: external,
          grid_code: grid,
          category: 'NEIGHBOUR',
          scale: 'ORDINARY',
          source: 'WALK_IN',
          summary: '邻里纠纷',
          occurred_at: '2026-11-01 09:30',
          parties: 'APPLICANT:王五',
          ...change,
        };
        return Object.values(f).join(',');
      };
      const lines = [
        row('WR-D1'), // 2
        row('WR-D1'), // 3: repeated
        row('WR-D2', { category: 'VISITOR' }), // 4: enumValue
        row('WR-D3', { occurred_at: 'yesterday' }), // 5: dateTimeFormat
        row('WR-D4', { occurred_at: `${soon} 10:00` }), // 6: occurredInFuture
        row('WR-D5', { parties: 'nobody' }), // 7: partyFormat
        row('WR-D6', { parties: '' }), // 8: partyRequired
        row('WR-D7', { parties: `APPLICANT:${makeCitizenId('623022', '1950-01-01', 977)}` }), // 9: partyUnknown
        row('WR-D8', { parties: `APPLICANT:${number(1)};RESPONDENT:${number(1)}` }), // 10: partyRepeated
        row('WR-D9', { parties: 'KING:王五' }), // 11: enumValue
        row('WR-D10', { category: '' }), // 12: required or enumValue
        row('WR-D11', { grid_code: '623021001001001' }), // 13: gridOutside
        row('WR-D12', { summary: '=1+1' }), // 14: formulaStart
        row('', { summary: '没有外部编号' }), // 15: required (a new case's key, not a text's length)
      ];
      const header = 'external_id,grid_code,category,scale,source,summary,occurred_at,parties';
      const rejects = await rejectsOf('disputes', [header, ...lines].join('\n'));
      expect(unnamed(rejects)).toEqual([]);
      expect(rules(rejects)).toMatchObject({
        3: 'repeated',
        4: 'enumValue',
        5: 'dateTimeFormat',
        6: 'occurredInFuture',
        7: 'partyFormat',
        8: 'partyRequired',
        9: 'partyUnknown',
        10: 'partyRepeated',
        11: 'enumValue',
        13: 'gridOutside',
        14: 'formulaStart',
        15: 'required',
      });
      expect(rejects.find((r) => r.line === 15)).toMatchObject({ field: 'external_id' });
      expect(rejects.map((r) => r.line)).toContain(12);
      // An NDJSON line without a required field.
      const ndjson = await rejectsOf('disputes', JSON.stringify({ external_id: 'WR-D20', grid_code: grid }), 'application/x-ndjson');
      expect(ndjson).toEqual([expect.objectContaining({ line: 1, rule: 'required' })]);
    });
  });
});
