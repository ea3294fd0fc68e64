import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createDeflateRaw, crc32, gunzipSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { xlsxSheet, type SheetColumn } from '../platform/xlsx.ts';
import { xlsxRecords } from '../platform/xlsx-read.ts';
import { postImport, startHub, type TestHub } from './helpers/hub.ts';
import { suiteScratch } from './helpers/scratch.ts';
import { CATEGORY } from '../app/src/labels.ts';
import { DISPUTE_STATUS_ZH } from '../domain/labels.ts';
import { DEPARTMENT_NAMES } from '../domain/departments.ts';
import { makeCitizenId } from '../domain/citizen-id.ts';

/**
 * XLSX downloads opened in a real spreadsheet program: Debian's gnumeric
 * (`ssconvert`, installed by .ci/run). Each file is converted twice: to CSV as
 * the sheet shows it (every cell in its own format) and to Gnumeric's own
 * XML, which says whether each cell is text (ValueType 60) or a number or date
 * (40). Codes and ID numbers must come back digit for digit as text, equal to
 * the CSV export's; dates must be date cells.
 */
const run = promisify(execFile);

let hub: TestHub;
const scratch = suiteScratch('hub-xlsx-');
let work: string;
beforeAll(async () => {
  hub = await startHub();
  work = scratch();
}, 300_000);
afterAll(async () => {
  await hub?.stop();
});

const get = async (path: string, token: string) => {
  const res = await fetch(new URL(path, new URL(hub.gatewayUrl).origin), { headers: { authorization: `Bearer ${token}` } });
  expect(res.status, `${path}: ${res.status}`).toBe(200);
  return res;
};

/** RFC 4180 records (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length) rows.push([...row, field]);
  return rows;
}

/** The CSV export or report as rows (the BOM dropped). */
async function csvOf(path: string, token: string): Promise<string[][]> {
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await (await get(path, token)).arrayBuffer());
  expect(text.charCodeAt(0)).toBe(0xfeff);
  return parseCsv(text.slice(1));
}

interface Opened {
  /** Every row as the spreadsheet shows it. */
  shown: string[][];
  /** Gnumeric's value type of each cell, by `row:col` (60 text, 40 number or date). */
  types: Map<string, string>;
  /** Each cell's value as the spreadsheet holds it (not as it shows it), by `row:col`. */
  values: Map<string, string>;
}

let files = 0;
/** Downloads an XLSX and opens it in gnumeric. */
async function openXlsx(path: string, token: string): Promise<Opened> {
  const res = await get(path, token);
  expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  expect(res.headers.get('content-disposition')).toMatch(/\.xlsx"$/);
  const name = `f${++files}`;
  writeFileSync(join(work, `${name}.xlsx`), Buffer.from(await res.arrayBuffer()));
  // gnumeric wants a home for its settings; the temp folder serves.
  const env = { ...process.env, HOME: work, LANG: 'C.UTF-8' };
  const ssconvert = (...args: string[]) =>
    run('ssconvert', args, { cwd: work, env, maxBuffer: 64 * 1024 * 1024 }).catch((e: unknown) => {
      throw new Error(`ssconvert failed (Debian: apt-get install gnumeric; .ci/run installs it): ${String(e)}`);
    });
  await ssconvert('-T', 'Gnumeric_stf:stf_assistant', '-O', 'format=preserve separator=, eol=unix charset=UTF-8', `${name}.xlsx`, `${name}.csv`);
  await ssconvert(`${name}.xlsx`, `${name}.gnumeric`);
  const shown = parseCsv(readFileSync(join(work, `${name}.csv`), 'utf8'));
  const xml = gunzipSync(readFileSync(join(work, `${name}.gnumeric`))).toString('utf8');
  const types = new Map<string, string>();
  const values = new Map<string, string>();
  for (const m of xml.matchAll(/<gnm:Cell Row="(\d+)" Col="(\d+)" ValueType="(\d+)"[^>]*>([^<]*)</g)) {
    types.set(`${m[1]}:${m[2]}`, m[3]!);
    values.set(`${m[1]}:${m[2]}`, m[4]!);
  }
  return { shown, types, values };
}

const GENDER_ZH: Record<string, string> = { MALE: '男', FEMALE: '女' };
const RESIDENCY_ZH: Record<string, string> = { REGISTERED: '户籍人口', FLOATING: '流动人口', OVERSEAS: '境外人员' };

const TEXT = '60';
const NUMBER = '40';

/** Every data row's cell in column `col` has gnumeric value type `type` (blank cells have none). */
function expectColumnType(opened: Opened, col: number, type: string, name: string) {
  let typed = 0;
  for (let r = 1; r < opened.shown.length; r++) {
    if (opened.shown[r]![col] === '') continue;
    expect(opened.types.get(`${r}:${col}`), `${name} in row ${r}`).toBe(type);
    typed++;
  }
  expect(typed, `${name}: no filled cell`).toBeGreaterThan(0);
}

describe('XLSX in a spreadsheet program', () => {
  it('residents with pii: Chinese headers, every village code, grid code, ID number and phone as the CSV export has it, as text; birth dates as dates', async () => {
    const t = await hub.token({ jurisdiction: '623021200', scopes: ['read', 'pii'] });
    const csv = await csvOf('/export/residents.csv?within=623021200', t);
    const xlsx = await openXlsx('/export/residents.xlsx?within=623021200', t);
    const keys = csv[0]!;
    expect(keys.slice(0, 7)).toEqual(['id', 'name', 'gender', 'birth_date', 'ethnicity', 'id_number', 'phone']);
    // Chinese headers in the same column order as the CSV's keys; ?headers=en gives the keys themselves.
    const zh = xlsx.shown[0]!;
    expect(zh).toHaveLength(keys.length);
    const at = (key: string) => keys.indexOf(key);
    expect(zh[at('id_number')]).toBe('身份证号');
    expect(zh[at('name')]).toBe('姓名');
    expect(zh[at('ethnicity')]).toBe('民族');
    expect(zh[at('phone')]).toBe('联系电话');
    expect(zh[at('village_code')]).toBe('村/社区代码');
    expect(zh[at('grid_code')]).toBe('网格代码');
    for (const h of zh) expect(h).toMatch(/[\u4e00-\u9fff]/);
    expect((await openXlsx('/export/residents.xlsx?within=623021200&headers=en', t)).shown[0]).toEqual(keys);

    expect(csv.length).toBeGreaterThan(1000);
    expect(xlsx.shown).toHaveLength(csv.length);
    let ids = 0;
    for (let r = 1; r < csv.length; r++) {
      const want = csv[r]!;
      const got = xlsx.shown[r]!;
      expect(got[at('village_code')]).toMatch(/^623021200\d{3}$/);
      expect(got[at('grid_code')]).toMatch(/^623021200\d{6}$/);
      for (const key of ['id', 'name', 'birth_date', 'ethnicity', 'id_number', 'phone', 'village_code', 'grid_code', 'version']) {
        expect(got[at(key)], `row ${r} ${key}`).toBe(want[at(key)]);
      }
      // Codes are shown by their Chinese names, as people read them (the import takes either back).
      expect(got[at('gender')], `row ${r} gender`).toBe(GENDER_ZH[want[at('gender')]!]);
      expect(got[at('residency')], `row ${r} residency`).toBe(RESIDENCY_ZH[want[at('residency')]!]);
      // Lists are written as the import reads them (A;B), each code by its name.
      const tags = want[at('tags')]!.replace(/^\{|\}$/g, '');
      expect(got[at('tags')]!.split(';').filter(Boolean), `row ${r} tags`).toHaveLength(tags ? tags.split(/[,;]/).length : 0);
      expect(got[at('tags')], `row ${r} tags`).not.toMatch(/[A-Z]/);
      if (tags.includes('LEFT_BEHIND_ELDERLY')) expect(got[at('tags')]).toContain('留守老人');
      if (want[at('id_number')]) {
        expect(got[at('id_number')]).toMatch(/^\d{17}[\dX]$/);
        ids++;
      }
    }
    expect(ids).toBeGreaterThan(1000);
    for (const key of ['id_number', 'phone', 'village_code', 'grid_code', 'name']) expectColumnType(xlsx, at(key), TEXT, key);
    for (const key of ['id', 'version']) expectColumnType(xlsx, at(key), NUMBER, key);
    // A date cell: a number to the spreadsheet, shown as yyyy-mm-dd.
    expectColumnType(xlsx, at('birth_date'), NUMBER, 'birth_date');
    expect(xlsx.shown[1]![at('birth_date')]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  }, 300_000);

  it('an XLSX export saved as CSV by the spreadsheet (Chinese headers, its own date format) imports back as no change, and an edited phone as one update', async () => {
    // A village of 卓尼县, where tests write (docs/ARCHITECTURE.md, Conventions): its last one with residents, which no other test uses.
    const reader = await hub.token({ jurisdiction: '623022', scopes: ['read'] });
    const county = await hub.queryAs<{ county: { townships: { villages: { code: string; population: { residents: number } }[] }[] } }>(
      reader,
      '{ county(code: "623022") { townships { villages { code population { residents } } } } }',
    );
    const village = county
      .data!.county.townships.flatMap((x) => x.villages)
      .filter((v) => v.population.residents > 0)
      .map((v) => v.code)
      .sort()
      .at(-1)!;
    const t = await hub.token({ jurisdiction: village, scopes: ['read', 'write', 'pii'] });
    const res = await get(`/export/residents.xlsx?within=${village}`, t);
    writeFileSync(join(work, 'edit.xlsx'), Buffer.from(await res.arrayBuffer()));
    // As a person saves a sheet as CSV: gnumeric's defaults, which write a date cell as 1980/03/17.
    await run('ssconvert', ['edit.xlsx', 'edit.csv'], { cwd: work, env: { ...process.env, HOME: work, LANG: 'C.UTF-8' } });
    const saved = readFileSync(join(work, 'edit.csv'), 'utf8');
    const rows = parseCsv(saved);
    expect(rows[0]).toContain('身份证号');
    const born = rows[0]!.indexOf('出生日期');
    expect(rows[1]![born]).toMatch(/^\d{4}\/\d{2}\/\d{2}$/);
    const send = async (csv: string) => {
      const r = await postImport(hub.gatewayUrl, t, 'residents', csv, `xlsx-edit-${Date.now()}`);
      expect(r.status).toBe(200);
      expect(r.rejects).toEqual([]);
      return r.events.at(-1)!;
    };
    expect(await send(saved)).toMatchObject({ type: 'done', inserted: 0, updated: 0, unchanged: rows.length - 1, rejected: 0 });
    const phone = rows[0]!.indexOf('联系电话');
    const edited = rows.map((r, i) => (i === 1 ? r.map((v, j) => (j === phone ? '13900001234' : v)) : r));
    const csv = edited.map((r) => r.map((v) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v)).join(',')).join('\n');
    expect(await send(csv)).toMatchObject({ type: 'done', inserted: 0, updated: 1, unchanged: rows.length - 2, rejected: 0 });
  }, 300_000);

  it('a line break typed as CR LF comes back from a spreadsheet as no change: it is kept as one LF', async () => {
    const grid = '623022100002001';
    const t = await hub.token({ jurisdiction: grid.slice(0, 12), scopes: ['read', 'write'] });
    const made = await hub.queryAs<{ registerAddress: { id: string; text: string } }>(
      t,
      `mutation($i: AddressInput!) { registerAddress(input: $i) { id text } }`,
      { i: { gridCode: grid, number: `换行-${Date.now()}`, text: '鹿儿台村9组99号，\r\n靠近小学, 东侧' } },
    );
    expect(made.errors).toBeUndefined();
    expect(made.data!.registerAddress.text).toBe('鹿儿台村9组99号，\n靠近小学, 东侧');
    const res = await get(`/export/addresses.xlsx?within=${grid}`, t);
    writeFileSync(join(work, 'breaks.xlsx'), Buffer.from(await res.arrayBuffer()));
    await run('ssconvert', ['breaks.xlsx', 'breaks.csv'], { cwd: work, env: { ...process.env, HOME: work, LANG: 'C.UTF-8' } });
    const saved = readFileSync(join(work, 'breaks.csv'), 'utf8');
    expect(saved).toContain('鹿儿台村9组99号，\n靠近小学, 东侧');
    const back = await postImport(hub.gatewayUrl, t, 'addresses', saved, `breaks-${Date.now()}`);
    expect(back.rejects).toEqual([]);
    expect(back.done).toMatchObject({ inserted: 0, updated: 0, rejected: 0 });
    // A file's \r\n inside a quoted cell is the same text.
    const line = parseCsv(saved).find((r) => r.includes('鹿儿台村9组99号，\n靠近小学, 东侧'))!;
    const crlf = `id,text\n${line[0]},"鹿儿台村9组99号，\r\n靠近小学, 东侧"\n`;
    expect((await postImport(hub.gatewayUrl, t, 'addresses', crlf, `breaks-crlf-${Date.now()}`)).done).toMatchObject({ updated: 0, unchanged: 1 });
  }, 300_000);

  it('disputes: case numbers and codes as text, report times as date-times in China time', async () => {
    const t = await hub.token({ jurisdiction: '623021', scopes: ['read'] });
    const csv = await csvOf('/export/disputes.csv?within=623021', t);
    const xlsx = await openXlsx('/export/disputes.xlsx?within=623021', t);
    const keys = csv[0]!;
    const at = (key: string) => keys.indexOf(key);
    expect(xlsx.shown[0]![at('case_number')]).toBe('案件编号');
    expect(csv.length).toBeGreaterThan(300);
    expect(xlsx.shown).toHaveLength(csv.length);
    for (let r = 1; r < csv.length; r++) {
      for (const key of ['case_number', 'village_code', 'grid_code']) expect(xlsx.shown[r]![at(key)], `row ${r} ${key}`).toBe(csv[r]![at(key)]);
      // Codes by their Chinese names, as the analysis room shows them.
      expect(xlsx.shown[r]![at('category')], `row ${r} category`).toBe(CATEGORY[csv[r]![at('category')] as keyof typeof CATEGORY]);
      expect(xlsx.shown[r]![at('status')], `row ${r} status`).toBe(DISPUTE_STATUS_ZH[csv[r]![at('status')] as keyof typeof DISPUTE_STATUS_ZH]);
      // The CSV writes e.g. 2026-03-01T09:20:00.123+08:00; the sheet shows the same instant as China's wall clock.
      const pgTime = Date.parse(csv[r]![at('reported_at')]!);
      const shown = xlsx.shown[r]![at('reported_at')]!;
      expect(shown).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      expect(Math.abs(Date.parse(`${shown.replace(' ', 'T')}+08:00`) - pgTime), `row ${r} reported_at`).toBeLessThanOrEqual(1000);
    }
    for (const key of ['case_number', 'village_code', 'grid_code']) expectColumnType(xlsx, at(key), TEXT, key);
    expectColumnType(xlsx, at('reported_at'), NUMBER, 'reported_at');
  }, 300_000);

  it('mediators: full time or not as 专职 and 兼职, as the CSV’s true and false', async () => {
    const t = await hub.token({ jurisdiction: '623021100', scopes: ['read'] });
    const csv = await csvOf('/export/mediators.csv?within=623021100', t);
    const xlsx = await openXlsx('/export/mediators.xlsx?within=623021100', t);
    const at = csv[0]!.indexOf('full_time');
    expect(xlsx.shown[0]![at]).toBe('专职');
    expect(csv.length).toBeGreaterThan(10);
    expect(xlsx.shown).toHaveLength(csv.length);
    for (let r = 1; r < csv.length; r++) expect(xlsx.shown[r]![at], `row ${r}`).toBe({ true: '专职', false: '兼职' }[csv[r]![at]!]);
  }, 300_000);

  it('hazards and patrols: kinds, sources and states by their Chinese names, grid codes as text, times as date-times', async () => {
    const t = await hub.token({ jurisdiction: '623021200', scopes: ['read'] });
    const KIND: Record<string, string> = {
      FIRE: '消防',
      TRAFFIC: '交通',
      FLOOD: '防汛',
      GEOLOGICAL: '地质灾害',
      ELECTRICAL: '用电',
      GAS: '燃气',
      PUBLIC_ORDER: '治安',
      OTHER: '其他',
    };
    const SOURCE: Record<string, string> = { PATROL: '巡逻', GRID_WORKER: '网格员', DRONE: '无人机', CITIZEN: '群众' };
    const STATUS: Record<string, string> = { REPORTED: '已上报', RECTIFYING: '整改中', RECTIFIED: '已整改', VERIFIED: '已核查' };
    const csv = await csvOf('/export/hazards.csv?within=623021200', t);
    const xlsx = await openXlsx('/export/hazards.xlsx?within=623021200', t);
    const at = (key: string) => csv[0]!.indexOf(key);
    expect(xlsx.shown[0]![at('kind')]).toBe('隐患类别');
    expect(csv.length).toBeGreaterThan(10);
    expect(xlsx.shown).toHaveLength(csv.length);
    for (let r = 1; r < csv.length; r++) {
      expect(xlsx.shown[r]![at('kind')], `row ${r} kind`).toBe(KIND[csv[r]![at('kind')]!]);
      expect(xlsx.shown[r]![at('source')], `row ${r} source`).toBe(SOURCE[csv[r]![at('source')]!]);
      expect(xlsx.shown[r]![at('status')], `row ${r} status`).toBe(STATUS[csv[r]![at('status')]!]);
      expect(xlsx.shown[r]![at('grid_code')], `row ${r} grid_code`).toBe(csv[r]![at('grid_code')]);
    }
    expectColumnType(xlsx, at('grid_code'), TEXT, 'grid_code');
    expectColumnType(xlsx, at('reported_at'), NUMBER, 'reported_at');
    const patrols = await csvOf('/export/patrols.csv?within=623021200', t);
    const sheet = await openXlsx('/export/patrols.xlsx?within=623021200', t);
    const p = (key: string) => patrols[0]!.indexOf(key);
    expect(sheet.shown[0]![p('team_name')]).toBe('巡防队');
    expect(sheet.shown).toHaveLength(patrols.length);
    for (let r = 1; r < patrols.length; r++) expect(sheet.shown[r]![p('grid_code')], `row ${r}`).toBe(patrols[r]![p('grid_code')]);
    expectColumnType(sheet, p('grid_code'), TEXT, 'grid_code');
    expectColumnType(sheet, p('hours'), NUMBER, 'hours');
    expectColumnType(sheet, p('started_at'), NUMBER, 'started_at');
  }, 300_000);

  it('a report: Chinese headers, every division code as the CSV report has it, as text; figures as numbers; the period as dates; a rate of nothing as a dash', async () => {
    const t = await hub.token({ jurisdiction: '62', scopes: ['report'] });
    const query = 'within=623021&level=village&period=2026';
    const csv = await csvOf(`/reports/disputes.csv?${query}`, t);
    const xlsx = await openXlsx(`/reports/disputes.xlsx?${query}`, t);
    const keys = csv[0]!;
    const at = (key: string) => keys.indexOf(key);
    expect(xlsx.shown[0]![at('code')]).toBe('区划代码');
    expect(xlsx.shown[0]![at('township_code')]).toBe('乡镇（街道）代码');
    expect(xlsx.shown[0]![at('reported')]).toBe('受理纠纷');
    for (const h of xlsx.shown[0]!) expect(h).toMatch(/[\u4e00-\u9fff]/);
    expect((await openXlsx(`/reports/disputes.xlsx?${query}&headers=en`, t)).shown[0]).toEqual(keys);
    expect(csv).toHaveLength(148); // 临潭县's 147 villages
    expect(xlsx.shown).toHaveLength(csv.length);
    const codes = ['code', 'province_code', 'prefecture_code', 'county_code', 'township_code'];
    // What each rate is a share of, per village: the report's own columns, and the ratings from the API.
    const stats = await hub.queryAs<{ villages: { code: string; disputeStats: { rated: number } }[] }>(
      t,
      `{ villages(within: "623021") { code disputeStats(from: "${csv[1]![at('from')]}", to: "${csv[1]![at('to')]}") { rated } } }`,
    );
    expect(stats.errors).toBeUndefined();
    const rated = new Map(stats.data!.villages.map((v) => [v.code, v.disputeStats.rated]));
    const base = (row: string[], key: string): number | undefined =>
      key === 'resolution_rate' || key === 'escalation_rate'
        ? Number(row[at('reported')])
        : key === 'on_time_rate'
          ? Number(row[at('resolved')])
          : key === 'satisfaction_rate'
            ? Number(row[at('rated')])
            : undefined;
    // The report's own rated column is the API's count of rated cases.
    for (const row of csv.slice(1)) expect(Number(row[at('rated')]), row[at('code')]).toBe(rated.get(row[at('code')]!));
    const dashes = { shown: 0, rates: 0 };
    for (let r = 1; r < csv.length; r++) {
      const want = csv[r]!;
      const got = xlsx.shown[r]!;
      expect(got[at('code')]).toMatch(/^623021\d{6}$/);
      for (const key of [...codes, 'name', 'from', 'to']) expect(got[at(key)], `row ${r} ${key}`).toBe(want[at(key)]);
      // The level in words for people, its key in the CSV.
      expect([want[at('level')], got[at('level')]], `row ${r} level`).toEqual(['village', '村（社区）']);
      // Figures: the cell's value (a sheet may show a rate rounded).
      for (const key of keys.slice(at('to') + 1)) {
        if (base(want, key) === 0) {
          // A rate of nothing: 0 in the CSV, as the API gives it; a dash for people, not 0.0%.
          expect([want[at(key)], got[at(key)]], `row ${r} ${key}`).toEqual(['0', '—']);
          dashes.shown++;
          continue;
        }
        if (base(want, key) !== undefined) dashes.rates++;
        expect(Number(xlsx.values.get(`${r}:${at(key)}`) ?? 0), `row ${r} ${key}`).toBeCloseTo(Number(want[at(key)]), 9);
      }
    }
    // The demo year has villages with and without cases, resolutions and ratings: both kinds of cell were seen.
    expect(dashes.shown).toBeGreaterThan(0);
    expect(dashes.rates).toBeGreaterThan(0);
    for (const key of [...codes, 'name']) expectColumnType(xlsx, at(key), TEXT, key);
    for (const key of ['from', 'to', 'reported']) expectColumnType(xlsx, at(key), NUMBER, key);
    expect(xlsx.shown[1]![at('from')]).toBe('2026-01-01');
    // Rates are shown as percentages (the value stays the 0–1 rate, as above), under the schema's names.
    const rates = ['resolution_rate', 'on_time_rate', 'satisfaction_rate'];
    const full = csv.findIndex((row, r) => r > 0 && rates.every((key) => base(row, key)! > 0));
    expect(full).toBeGreaterThan(0);
    for (const key of rates) expect(xlsx.shown[full]![at(key)], key).toMatch(/^\d{1,3}\.\d%$/);
    expect(xlsx.shown[0]![at('on_time_rate')]).toBe('按期化解率');
  }, 300_000);

  it('the dispatches report: each department kind in words for people (自然资源局), its code in the CSV and under ?headers=en', async () => {
    const t = await hub.token({ jurisdiction: '62', scopes: ['report'] });
    const query = 'within=623021&level=county&period=2026';
    const csv = await csvOf(`/reports/dispatches.csv?${query}`, t);
    const xlsx = await openXlsx(`/reports/dispatches.xlsx?${query}`, t);
    const at = (key: string) => csv[0]!.indexOf(key);
    expect(xlsx.shown[0]![at('department_kind')]).toBe('部门类别');
    // Every county department, zeros included: a row each, in the CSV's order.
    expect(csv.length).toBeGreaterThan(10);
    expect(xlsx.shown).toHaveLength(csv.length);
    for (let r = 1; r < csv.length; r++) {
      const kind = csv[r]![at('department_kind')]!;
      expect(kind, `row ${r}`).toMatch(/^[A-Z_]+$/);
      expect(xlsx.shown[r]![at('department_kind')], `row ${r} ${kind}`).toBe(DEPARTMENT_NAMES.get(kind));
      // The department's own name ends with its kind's words (临潭县 + 自然资源局).
      expect(xlsx.shown[r]![at('department_name')]!.endsWith(DEPARTMENT_NAMES.get(kind)!), `row ${r}`).toBe(true);
    }
    const en = await openXlsx(`/reports/dispatches.xlsx?${query}&headers=en`, t);
    expect(en.shown.slice(1).map((row) => row[at('department_kind')])).toEqual(csv.slice(1).map((row) => row[at('department_kind')]));
  }, 300_000);

  it('continues on a new sheet, with the header again, past the rows a sheet holds', async () => {
    const chunks: Uint8Array[] = [];
    const columns: SheetColumn[] = [
      { key: 'id_number', zh: '身份证号', type: 'text' },
      { key: 'n', zh: '序号', type: 'number' },
    ];
    const sheet = xlsxSheet(async (c) => void chunks.push(c), { sheet: '实有人口', columns, headers: 'zh', rowsPerSheet: 3 });
    for (let i = 1; i <= 5; i++) await sheet.row([`62302119850302${String(i).padStart(3, '0')}X`, i]);
    await sheet.end();
    writeFileSync(join(work, 'sheets.xlsx'), Buffer.concat(chunks));
    const env = { ...process.env, HOME: work, LANG: 'C.UTF-8' };
    await run('ssconvert', ['-S', '-T', 'Gnumeric_stf:stf_assistant', '-O', 'separator=, eol=unix charset=UTF-8', 'sheets.xlsx', 'sheets.csv.%n'], {
      cwd: work,
      env,
    });
    const sheets = [0, 1, 2].map((n) => parseCsv(readFileSync(join(work, `sheets.csv.${n}`), 'utf8')));
    expect(sheets).toEqual([
      [
        ['身份证号', '序号'],
        ['62302119850302001X', '1'],
        ['62302119850302002X', '2'],
      ],
      [
        ['身份证号', '序号'],
        ['62302119850302003X', '3'],
        ['62302119850302004X', '4'],
      ],
      [
        ['身份证号', '序号'],
        ['62302119850302005X', '5'],
      ],
    ]);
  });

  it('refuses a headers value it does not know, and Chinese headers on CSV', async () => {
    const t = await hub.token({ jurisdiction: '623021200', scopes: ['read'] });
    const base = new URL(hub.gatewayUrl).origin;
    const status = async (path: string) => (await fetch(new URL(path, base), { headers: { authorization: `Bearer ${t}` } })).status;
    expect(await status('/export/residents.xlsx?within=623021200201&headers=fr')).toBe(400);
    expect(await status('/export/residents.csv?within=623021200201&headers=zh')).toBe(400);
    expect(await status('/export/residents.xls?within=623021200201')).toBe(404);
    expect(await status('/reports/population.xlsx?within=623021200&level=village&headers=de')).toBe(400);
  });
});

describe('XLSX import', () => {
  /** 卓尼县's grid where these tests register people; their ID numbers carry an address code no other test uses. */
  const GRID = '623022100002001';
  const env = () => ({ ...process.env, HOME: work, LANG: 'C.UTF-8' });
  const sendXlsx = async (token: string, kind: string, body: Uint8Array, query = '') => {
    const res = await fetch(new URL(`/import/${kind}?job=xlsx-${Date.now()}-${Math.random()}${query}`, hub.gatewayUrl), {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'accept-language': 'en',
      },
      body: new Blob([body as Uint8Array<ArrayBuffer>]),
    });
    const text = await res.text();
    if (res.status !== 200)
      return { status: res.status, error: JSON.parse(text).errors[0] as { message: string; extensions: Record<string, unknown> }, events: [] };
    const events = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    return { status: res.status, error: undefined, events, rejects: events.filter((e) => e.type === 'reject'), done: events.find((e) => e.type === 'done') };
  };

  it('reads Chinese text whole wherever the workbook’s unpacked chunks cut its characters', async () => {
    // A character is three bytes in UTF-8, and a part unpacks in chunks of 16 kB: with shared strings of Chinese
    // text some 200 kB long, chunk boundaries fall inside characters (exceljs' own reader turned each such one into
    // two U+FFFD, so a row's 流动人口 came back as 流动人��).
    const words = ['流动人口', '户籍人口', '境外人员', '邻里纠纷', '十户联防', '红袖标巡逻'];
    const rows = Array.from({ length: 3000 }, (_, i) => ({
      name: `${'张王李赵'[i % 4]}${'某'.repeat(i % 7)}${i}`,
      residency: words[i % words.length]!,
      note: `${Array.from({ length: 5 }, (_, k) => words[(i + k) % words.length]).join('')}第${i}号`,
    }));
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('登记表');
    sheet.addRow(['name', 'residency', 'note']);
    for (const r of rows) sheet.addRow([r.name, r.residency, r.note]);
    const bytes = Buffer.from(await book.xlsx.writeBuffer());
    const read: Record<string, string | null>[] = [];
    const chunks = (async function* () {
      yield bytes;
    })();
    for await (const batch of xlsxRecords(chunks, ['name', 'residency', 'note'])) read.push(...batch.map((r) => r.fields));
    expect(read).toHaveLength(rows.length);
    expect(read.filter((f, i) => f.name !== rows[i]!.name || f.residency !== rows[i]!.residency || f.note !== rows[i]!.note).slice(0, 3)).toEqual([]);
  });

  it('npm run import reads a workbook gnumeric made from a CSV: ID numbers it stored as numbers are refused as having lost their digits, the rest imported, rejects on the sheet rows', async () => {
    const t = await hub.token({ jurisdiction: GRID.slice(0, 12), scopes: ['read', 'write', 'pii'] });
    // An ID number ending in X stays text in a spreadsheet; one of digits only becomes a number and keeps 15 of them.
    const digits = [makeCitizenId('659177', '1985-06-01', 1), makeCitizenId('659177', '1985-06-01', 2)];
    const texts = [makeCitizenId('659177', '1985-06-01', 5), makeCitizenId('659177', '1985-06-01', 13)];
    expect(texts.every((x) => x.endsWith('X')) && digits.every((x) => /^\d{18}$/.test(x))).toBe(true);
    const csv = [
      '序号,身份证号,姓名,民族,出生日期,联系电话,人口类别,网格代码',
      `1,${digits[0]},数字甲,汉族,1985-06-01,13912345678,REGISTERED,${GRID}`,
      `2,${texts[0]},文本甲,汉族,1985-06-01,13912345679,REGISTERED,${GRID}`,
      '',
      `3,${digits[1]},数字乙,回族,1985-06-01,,FLOATING,${GRID}`,
      // A landline whose trunk 0 the spreadsheet dropped (a number cell), told as for a CSV.
      `4,${texts[1]},文本乙,藏族,1985-06-01,09412037872,REGISTERED,${GRID}`,
    ].join('\n');
    writeFileSync(join(work, 'register.csv'), `${csv}\n`);
    await run('ssconvert', ['register.csv', 'register.xlsx'], { cwd: work, env: env() });
    const { stdout } = await run(process.execPath, [
      'scripts/import.ts',
      'residents',
      join(work, 'register.xlsx'),
      '--token',
      t,
      '--url',
      new URL(hub.gatewayUrl).origin,
      '--lang',
      'zh',
      '--ignore',
      '序号',
    ]);
    const done = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(done).toMatchObject({ type: 'done', inserted: 1, rejected: 3 });
    const rejects = parseCsv(readFileSync(done.rejectsFile, 'utf8').replace(/^\uFEFF/, '')).slice(1);
    // Sheet rows as the spreadsheet shows them: the header is row 1, the blank row 4 is skipped and counted.
    expect(rejects.map(([line, field, code, , rule]) => [line, field, code, rule])).toEqual([
      ['2', 'id_number', 'BAD_USER_INPUT', 'spreadsheetNumberLostDigits'],
      ['5', 'id_number', 'BAD_USER_INPUT', 'spreadsheetNumberLostDigits'],
      ['6', 'phone', 'BAD_USER_INPUT', 'phoneLeadingZero'],
    ]);
    expect(rejects[0]![3]).toContain('表格程序把身份证号存成了数字，末几位已丢失；请把该列的单元格格式设为“文本”');
    expect(rejects[0]![3]).toContain(`${digits[0]!.slice(0, 15)}000`);
    const found = await hub.queryAs<{ personByIdNumber: { name: string; birthDate: string; ethnicity: string } | null }>(
      t,
      'query($n: String!) { personByIdNumber(idNumber: $n) { name birthDate ethnicity } }',
      { n: texts[0] },
    );
    expect(found.data?.personByIdNumber).toMatchObject({ name: '文本甲', birthDate: '1985-06-01' });
  }, 300_000);

  it("the hub's own XLSX export of residents (Chinese headers) imports back as the same people, as does gnumeric's copy of it", async () => {
    const t = await hub.token({ jurisdiction: GRID.slice(0, 12), scopes: ['read', 'write', 'pii'] });
    const res = await get(`/export/residents.xlsx?within=${GRID}`, t);
    const exported = new Uint8Array(await res.arrayBuffer());
    const rows = (await csvOf(`/export/residents.csv?within=${GRID}`, t)).length - 1;
    expect(rows).toBeGreaterThan(2);
    const back = await sendXlsx(t, 'residents', exported);
    expect(back.status).toBe(200);
    expect(back.rejects).toEqual([]);
    // Every cell read back equals what is stored (a name, a date, an ID number, a phone differing would be an update).
    expect(back.done).toMatchObject({ inserted: 0, updated: 0, unchanged: rows, rejected: 0 });
    writeFileSync(join(work, 'own.xlsx'), exported);
    await run('ssconvert', ['own.xlsx', 'resaved.xlsx'], { cwd: work, env: env() });
    const resaved = await sendXlsx(t, 'residents', readFileSync(join(work, 'resaved.xlsx')));
    expect(resaved.rejects).toEqual([]);
    expect(resaved.done).toMatchObject({ inserted: 0, updated: 0, unchanged: rows, rejected: 0 });
  }, 300_000);

  it("the hub's own XLSX export of disputes imports back unchanged, as does the sheet gnumeric shows saved as CSV: times to the second as a spreadsheet shows them, rounded", async () => {
    const t = await hub.token({ jurisdiction: '623021', scopes: ['read', 'write'] });
    const csv = await csvOf('/export/disputes.csv?within=623021', t);
    const at = csv[0]!.indexOf('occurred_at');
    // A case reported at …:05.986 shows in a sheet as …:06, so the rows must include such times for this to test anything.
    expect(csv.slice(1).filter((r) => Number(/\.(\d{3})\+/.exec(r[at]!)?.[1]) >= 500).length).toBeGreaterThan(0);
    const exported = new Uint8Array(await (await get('/export/disputes.xlsx?within=623021', t)).arrayBuffer());
    const back = await sendXlsx(t, 'disputes', exported, '&dryRun=true');
    expect(back.status).toBe(200);
    expect(back.rejects).toEqual([]);
    expect(back.done).toMatchObject({ inserted: 0, updated: 0, unchanged: csv.length - 1, rejected: 0 });
    // The sheet as gnumeric shows it (yyyy-mm-dd hh:mm:ss), saved as CSV.
    const shown = (await openXlsx('/export/disputes.xlsx?within=623021', t)).shown;
    expect(shown[1]![at]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    const saved = shown.map((r) => r.map((v) => `"${v.replaceAll('"', '""')}"`).join(',')).join('\n');
    const again = await postImport(hub.gatewayUrl, t, 'disputes', saved, `disputes-shown-${Date.now()}`);
    expect(again.rejects).toEqual([]);
    expect(again.done).toMatchObject({ inserted: 0, updated: 0, unchanged: csv.length - 1, rejected: 0 });
  }, 300_000);

  it('reads the sheet ?sheet= names: rich text, formulas by their result, error and number cells refused per row; an unknown sheet is refused listing the sheets', async () => {
    const t = await hub.token({ jurisdiction: GRID.slice(0, 12), scopes: ['read', 'write', 'pii'] });
    const ids = [21, 29, 37, 45].map((n) => makeCitizenId('659177', '1986-02-03', n));
    const book = new ExcelJS.Workbook();
    book.addWorksheet('说明').addRow(['本表为人口登记']);
    const sheet = book.addWorksheet('登记表');
    sheet.addRow(['id_number', 'name', 'ethnicity', 'phone', 'residency', 'grid_code']);
    sheet.addRow([ids[0], { richText: [{ text: '富' }, { text: '文本', font: { bold: true } }] }, '汉族', '13900000001', 'REGISTERED', GRID]);
    sheet.addRow([ids[1], { formula: '"公式"&"人"', result: '公式人' }, '汉族', { formula: '13900000000+2', result: 13900000002 }, 'REGISTERED', GRID]);
    sheet.addRow([ids[2], '错误值', '汉族', { error: '#N/A' }, 'REGISTERED', GRID]);
    sheet.addRow([Number(ids[3]), '数字', '汉族', '', 'REGISTERED', GRID]);
    const body = new Uint8Array(await book.xlsx.writeBuffer());
    const r = await sendXlsx(t, 'residents', body, `&sheet=${encodeURIComponent('登记表')}`);
    expect(r.status).toBe(200);
    expect(r.rejects!.map((x) => [x.line, x.field, x.code, x.rule])).toEqual([
      [4, 'phone', 'BAD_USER_INPUT', 'spreadsheetError'],
      [5, 'id_number', 'BAD_USER_INPUT', 'spreadsheetNumberLostDigits'],
    ]);
    expect(r.done).toMatchObject({ inserted: 2, rejected: 2 });
    const names = await hub.queryAs<{ a: { name: string; phone: string }; b: { name: string; phone: string } }>(
      t,
      'query($a: String!, $b: String!) { a: personByIdNumber(idNumber: $a) { name phone } b: personByIdNumber(idNumber: $b) { name phone } }',
      { a: ids[0], b: ids[1] },
    );
    expect(names.data).toEqual({ a: { name: '富文本', phone: '13900000001' }, b: { name: '公式人', phone: '13900000002' } });
    // The first sheet is the notes: its one cell is no column of residents.
    const first = await sendXlsx(t, 'residents', body);
    expect(first.status).toBe(400);
    expect(first.error!.message).toMatch(/本表为人口登记/);
    const unknown = await sendXlsx(t, 'residents', body, '&sheet=Sheet1');
    expect(unknown.status).toBe(400);
    expect(unknown.error!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', sheets: ['说明', '登记表'] });
  }, 300_000);

  it('a broken workbook, a ZIP bomb and a CSV said to be XLSX are typed refusals, never a 5xx', async () => {
    const t = await hub.token({ jurisdiction: GRID.slice(0, 12), scopes: ['read', 'write'] });
    const book = new ExcelJS.Workbook();
    book.addWorksheet('a').addRow(['name']);
    const whole = new Uint8Array(await book.xlsx.writeBuffer());
    const cut = await sendXlsx(t, 'residents', whole.subarray(0, Math.floor(whole.length / 2)));
    expect(cut.status).toBe(400);
    expect(cut.error!.extensions.code).toBe('BAD_USER_INPUT');
    expect(cut.error!.message).toMatch(/not a readable XLSX workbook/);
    // One part of 128 MB of spaces, deflated to some 130 kB: a few kB a sheet is not.
    const deflate = createDeflateRaw({ level: 9 });
    const parts: Buffer[] = [];
    deflate.on('data', (b: Buffer) => parts.push(b));
    const mb = Buffer.alloc(1024 * 1024, 0x20);
    let crc = 0;
    for (let i = 0; i < 128; i++) {
      crc = crc32(mb, crc);
      deflate.write(mb);
    }
    await new Promise((r) => deflate.end(r));
    const data = Buffer.concat(parts);
    const name = Buffer.from('xl/worksheets/sheet1.xml');
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(8, 8);
    header.writeUInt32LE(crc >>> 0, 14);
    header.writeUInt32LE(data.length, 18);
    header.writeUInt32LE(128 * 1024 * 1024, 22);
    header.writeUInt16LE(name.length, 26);
    const bomb = await sendXlsx(t, 'residents', Buffer.concat([header, name, data]));
    expect(bomb.status).toBe(413);
    expect(bomb.error!.extensions.code).toBe('PAYLOAD_TOO_LARGE');
    const csv = await sendXlsx(t, 'residents', new TextEncoder().encode('id_number,name\n'), '&format=xlsx');
    expect(csv.status).toBe(400);
    expect(csv.error!.extensions.code).toBe('BAD_USER_INPUT');
  }, 300_000);
});
