/**
 * Writes a resident file for import tests and benchmarks:
 *   npm run make-residents -- --out residents.csv [--rows 200000] [--county 623022] [--bad 0.01]
 *                             [--encoding utf-8|gb18030] [--format csv|ndjson] [--seed s]
 * Grid codes are the county's demo grids; ID numbers use their own address code
 * (--id-county, default 659001) so they never collide with the demo residents.
 * With --bad, that share of rows is broken in one of several ways (check digit,
 * empty name, unknown residency, bad phone, a grid outside the county), and the
 * broken line numbers are listed in <out>.bad.json.
 */
import { createWriteStream, writeFileSync } from 'node:fs';
import { chinaDay } from '../domain/china-day.ts';
import { ageOn } from '../domain/tags.ts';
import iconv from 'iconv-lite';
import { nthCitizenId } from '../domain/citizen-id.ts';
import { gridCounts, readDivisions } from '../domain/divisions.ts';
import { DEFAULT_MIX, mobile, personName, surnameFor } from '../seed/shared/names.ts';
import { Random } from '../seed/shared/random.ts';
import { csvCell } from '../platform/tabular.ts';
import { commandArgs, userPath } from './lib/args.ts';

const { values } = commandArgs(
  'npm run make-residents',
  'npm run make-residents -- --out residents.csv [--rows 200000] [--county 623022] [--id-county 659001] [--bad 0.01] [--encoding utf-8|gb18030] [--format csv|ndjson] [--seed s]',
  {
    out: { type: 'string' },
    rows: { type: 'string', default: '200000' },
    county: { type: 'string', default: '623022' },
    'id-county': { type: 'string', default: '659001' },
    bad: { type: 'string', default: '0' },
    encoding: { type: 'string', default: 'utf-8' },
    format: { type: 'string', default: 'csv' },
    seed: { type: 'string', default: 'residents' },
  },
);
if (!values.out) {
  console.error('make-residents: --out <file> is required');
  process.exit(1);
}
const outPath = userPath(values.out);
/** A wrong option ends the command saying which and why (exit 2, as an unknown option does), not with a stack trace. */
function refuse(message: string): never {
  console.error(`make-residents: ${message}`);
  process.exit(2);
}
const rows = Number(values.rows);
if (!/^\d+$/.test(values.rows) || !Number.isSafeInteger(rows)) refuse(`--rows must be a whole number of rows; got "${values.rows}"`);
const badShare = Number(values.bad);
if (values.bad.trim() === '' || !(badShare >= 0 && badShare <= 1))
  refuse(`--bad must be a share from 0 to 1 (0.01 is one row in a hundred); got "${values.bad}"`);
if (values.encoding !== 'utf-8' && values.encoding !== 'gb18030') refuse(`--encoding must be utf-8 or gb18030; got "${values.encoding}"`);
if (values.format !== 'csv' && values.format !== 'ndjson') refuse(`--format must be csv or ndjson; got "${values.format}"`);
if (!/^(\d{2}|\d{4}|\d{6})$/.test(values.county))
  refuse(`--county must be a division code of 6 digits (a county, as 623021), or 4 or 2; got "${values.county}"`);
const villages = readDivisions('villages', [values.county]).map((v) => v.code);
if (!villages.length) {
  console.error(`make-residents: no villages under ${values.county}`);
  process.exit(1);
}
const counts = gridCounts(villages);
/**
 * A demo grid of another county (of the same prefecture, else province) for the rows broken by a grid outside the
 * county; asked only when rows are broken (--bad), so a province's file without them needs none.
 */
function gridOutside(county: string): string {
  for (const scope of [county.slice(0, 4), county.slice(0, 2)]) {
    const other = readDivisions('villages', [scope]).find((v) => v.code.length === 12 && !v.code.startsWith(county));
    if (other) return `${other.code}001`;
  }
  return refuse(`no county beside ${county} to take a grid outside it from, for the rows --bad breaks so; give a county's code`);
}
const outsideGrid = badShare > 0 ? gridOutside(values.county) : '';
const grids = villages.flatMap((v) => Array.from({ length: counts.get(v)! }, (_, i) => `${v}${String(i + 1).padStart(3, '0')}`));
const r = new Random(values.seed);
const today = chinaDay();
const out = createWriteStream(outPath);
const gb = values.encoding === 'gb18030';
const bad: Record<number, string> = {};
const header = ['id_number', 'name', 'ethnicity', 'phone', 'residency', 'tags', 'grid_code'];
let buf: string[] = [];
const flush = async () => {
  const text = buf.join('');
  buf = [];
  if (!out.write(gb ? iconv.encode(text, 'gb18030') : text)) await new Promise<void>((res) => out.once('drain', () => res()));
};
if (values.format === 'csv') buf.push(`${header.join(',')}\n`);
const BREAKS = ['check digit', 'empty name', 'unknown residency', 'bad phone', 'grid outside the county'];
for (let i = 0; i < rows; i++) {
  // Row i gets the i-th ID number of the run, so ID numbers never repeat.
  const male = r.chance(0.51);
  const { idNumber, birthDate: birth } = nthCitizenId(values['id-county'], i, male);
  const [ethnicity] = DEFAULT_MIX[r.int(0, DEFAULT_MIX.length - 1)]!;
  const rec: Record<string, string> = {
    id_number: idNumber,
    name: personName(r, ethnicity, male, surnameFor(r, ethnicity)),
    ethnicity,
    phone: r.chance(0.8) ? mobile(r) : '',
    residency: r.chance(0.9) ? 'REGISTERED' : 'FLOATING',
    // 留守老人 are 60 and over (domain/tags.ts TAG_AGES); the draw is made for everyone, so the rows after stay as they were.
    tags: r.chance(0.05) && ageOn(birth, today) >= 60 ? 'LEFT_BEHIND_ELDERLY' : '',
    grid_code: grids[r.int(0, grids.length - 1)]!,
  };
  const line = values.format === 'csv' ? i + 2 : i + 1;
  if (badShare > 0 && r.chance(badShare)) {
    const how = BREAKS[Object.keys(bad).length % BREAKS.length]!;
    bad[line] = how;
    if (how === 'check digit') rec.id_number = rec.id_number!.slice(0, 17) + (rec.id_number!.endsWith('0') ? '1' : '0');
    if (how === 'empty name') rec.name = '';
    if (how === 'unknown residency') rec.residency = 'VISITOR';
    if (how === 'bad phone') rec.phone = '12345';
    if (how === 'grid outside the county') rec.grid_code = outsideGrid;
  }
  buf.push(values.format === 'csv' ? `${header.map((h) => csvCell(rec[h])).join(',')}\n` : `${JSON.stringify(rec)}\n`);
  if (buf.length >= 5000) await flush();
}
await flush();
await new Promise((res) => out.end(res));
if (badShare > 0) writeFileSync(`${outPath}.bad.json`, JSON.stringify(bad));
console.log(JSON.stringify({ out: outPath, rows, bad: Object.keys(bad).length, encoding: values.encoding, format: values.format }));
