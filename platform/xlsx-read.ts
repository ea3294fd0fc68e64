import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import ExcelJS from 'exceljs';
import { quote, type Said } from '../domain/errors.ts';
import { HttpError } from './http.ts';
import { blank, headerOf, MAX_RECORD_CHARS, TabularError, tooLong, type SourceRecord } from './tabular.ts';

/**
 * Registers as village clerks keep them: an Excel or WPS workbook (.xlsx),
 * read as it arrives with exceljs' streaming reader, so a county's register
 * is never held in memory whole. Saving a sheet as CSV is where an ID number
 * typed into a number cell shows as 6.23021E+17 and a 户号 or a phone loses
 * its leading zeros; read from the workbook, each cell says what it is:
 *
 * - a text cell is its text (trimmed, as a CSV cell is read); rich text is
 *   its plain text; a formula is its saved result;
 * - a date cell is `YYYY-MM-DD` (with ` HH:MM:SS` when it has a time): a
 *   spreadsheet's cell has no zone and holds China's wall clock, which
 *   exceljs hands over as that wall clock in UTC;
 * - a number cell in a column of codes or numbers (ID numbers, phones,
 *   codes, 户号 and other local numbers, external ids) that is not an integer
 *   of at most 15 digits is refused for its row: a spreadsheet keeps 15
 *   significant digits, so an 18-digit ID number stored as a number has lost
 *   its last three, which no reading can bring back. A shorter integer is its
 *   digits, and the import's own rules (a phone whose leading 0 was dropped)
 *   apply as for CSV;
 * - an error cell (#N/A, #REF!) refuses its row.
 *
 * A workbook is a ZIP archive whose parts are compressed: a file of a few kB
 * can unpack to gigabytes (a "zip bomb"). The parts are unpacked through a
 * budget (MAX_RATIO times the bytes received, at least UNPACKED_FLOOR), the
 * parts other than sheets have caps of their own, and a row or column past
 * a sheet's limits refuses the file.
 */

/** What a workbook may unpack to: this many times the bytes received so far (real registers unpack to 5–30 times)… */
export const MAX_RATIO = 100;
/** …and at least this many bytes, whatever its size (a small workbook's fixed parts). */
export const UNPACKED_FLOOR = 64 * 1024 * 1024;
/** The shared strings (every distinct text of the workbook) are kept in memory: at most this much of them, unpacked. */
const SHARED_STRINGS_CAP = 256 * 1024 * 1024;
/** The workbook's other parts read (its sheet list, relations, styles, content types) are small. */
const PART_CAP = 16 * 1024 * 1024;
/** A sheet's limits in Excel (and in the XLSX format's common readers): a cell past them is no sheet a program wrote. */
const MAX_ROWS = 1_048_576;
const MAX_COLUMNS = 16_384;
/** Records handed on at once. */
const CHUNK = 500;

/** Columns of codes and numbers: a number cell there must have kept every digit. */
const TEXT_LIKE = /(^|_)(id_number|phone|code|number|external_id)$/;

/** exceljs' streaming reader's parts this reader drives itself (exceljs' own loop has no unpacked-size bound). */
interface BookParts {
  sharedStrings?: unknown[];
  workbookRels?: { Id: string; Target: string }[];
  model?: { sheets?: { name: string; rId: string }[] };
  properties?: { model?: { date1904?: boolean } };
  _parseRels(entry: Readable): Promise<void>;
  _parseWorkbook(entry: Readable): Promise<void>;
  _parseSharedStrings(entry: Readable): AsyncIterable<unknown>;
  _parseStyles(entry: Readable): Promise<void>;
  _parseWorksheet(iterator: AsyncIterable<unknown>, sheetNo: string): Iterable<{ value: SheetRows }>;
  styles: { getStyleModel(id: number): { numFmt?: string } | null };
}

/** What reading a cell's number needs besides the cell's own style. */
interface BookFacts {
  /** Whether the workbook counts days from 1904 (old Excel for Mac). */
  date1904: boolean;
  /** The number format of a column's own style (`<col style>`), which a cell without a style of its own shows in. */
  columnFormats: { min: number; max: number; numFmt: string }[];
}

/** The longest start of a sheet's XML looked through for its columns' styles (they come before its rows). */
const COLS_HEAD = 1024 * 1024;

/**
 * A sheet's XML passed on as it is, its columns' number formats noted on the way: exceljs' streaming reader gives a
 * cell only its own style, and gnumeric, saving a sheet, leaves a date column's cells without one.
 */
async function* notingColumns(source: AsyncIterable<Buffer | string>, facts: BookFacts, formatOf: (style: number) => string | undefined) {
  let head = '';
  let done = false;
  for await (const chunk of source) {
    if (!done) {
      head += String(chunk);
      const end = head.indexOf('<sheetData');
      if (end >= 0 || head.length > COLS_HEAD) {
        done = true;
        for (const m of head.slice(0, end >= 0 ? end : head.length).matchAll(/<col\b[^>]*>/g)) {
          const attr = (name: string) => new RegExp(`\\b${name}="(\\d+)"`).exec(m[0])?.[1];
          const numFmt = attr('style') === undefined ? undefined : formatOf(Number(attr('style')));
          if (numFmt) facts.columnFormats.push({ min: Number(attr('min') ?? 0), max: Number(attr('max') ?? 0), numFmt });
        }
        head = '';
      }
    }
    yield chunk;
  }
}

/**
 * A part's bytes as text, a character split between two chunks kept whole: exceljs 4.4's XML reader decodes each chunk
 * on its own (utils/parse-sax.js), so a Chinese character (three bytes in UTF-8) that the unzipper's chunks cut in two
 * became two U+FFFD, and a row that said 流动人口 came back as 流动人\ufffd\ufffd, refused or, in a free-text column,
 * written as garbled text. Where the cuts fall depends on the bytes before them, so it struck a row here and there.
 */
async function* utf8(source: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  for await (const chunk of source) {
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    if (text) yield text;
  }
  const rest = decoder.end();
  if (rest) yield rest;
}

/** One row as exceljs' sheet reader gives it. */
interface SheetRow {
  number: number;
  eachCell(cb: (cell: { value: unknown; numFmt?: string; col: number }, col: number) => void): void;
}
type SheetRows = AsyncIterable<SheetRow>;

/** One part of the ZIP archive, as the streaming unzipper hands it over. */
interface ZipEntry extends Readable {
  path: string;
  type: string;
  autodrain(): unknown;
}

/** exceljs' own unzipper (a dependency of exceljs, not of the hub): the streaming reader it is made for. */
const unzipper = createRequire(createRequire(import.meta.url).resolve('exceljs'))('unzipper') as {
  Parse(opts: { forceStream: true }): NodeJS.ReadWriteStream & AsyncIterable<ZipEntry>;
};

const notXlsx = (why: Said) =>
  new TabularError({
    zh: `文件以 ZIP 格式开头，但不是可读取的 XLSX 工作簿（${why.zh}）；请在 Excel 或 WPS 中打开后另存为“Excel 工作簿（.xlsx）”再导入。`,
    en: `The file starts as a ZIP archive but is not a readable XLSX workbook (${why.en}); open it in Excel or WPS, save it as an "Excel Workbook (.xlsx)" and import that.`,
  });

/** The unpacked bytes of the workbook so far, against what the bytes received allow. */
class Budget {
  received = 0;
  unpacked = 0;
  /** `entry`'s unpacked text (utf8 above), failing once its bytes pass the budget, or `cap` for that part alone. */
  counted(entry: Readable, cap?: number): Readable {
    let part = 0;
    const counter = new Transform({
      transform: (chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) => {
        part += chunk.length;
        this.unpacked += chunk.length;
        if (this.unpacked > Math.max(UNPACKED_FLOOR, MAX_RATIO * this.received) || (cap !== undefined && part > cap)) {
          done(tooBig());
          return;
        }
        done(null, chunk);
      },
    });
    entry.on('error', (e) => counter.destroy(e));
    return Readable.from(utf8(entry.pipe(counter)));
  }
}

const tooBig = () =>
  new HttpError(413, 'PAYLOAD_TOO_LARGE', {
    zh: `工作簿解压后远大于文件本身（超过其 ${MAX_RATIO} 倍，且超过 ${UNPACKED_FLOOR / 1024 / 1024} MB），不像是表格程序保存的登记表；请另存为 .xlsx 或 CSV 后再导入。`,
    en: `The workbook unpacks to far more than its own size (over ${MAX_RATIO} times, and over ${UNPACKED_FLOOR / 1024 / 1024} MB), which no register a spreadsheet saved does; save it again as .xlsx or CSV and import that.`,
  });

/** `worksheets/sheet1.xml`, `/xl/worksheets/sheet1.xml`: the archive path a workbook relation names. */
const partPath = (target: string) => (target.startsWith('/') ? target.slice(1) : `xl/${target}`);

/**
 * The rows of one sheet of the workbook `bytes` (its first sheet, or the one named `sheet`). exceljs' streaming reader
 * reads a sheet only once the workbook's shared strings and styles are known; where the archive holds the sheet
 * first (as Excel writes it), the sheet's unpacked XML waits in a temporary file, not in memory.
 */
async function* sheetRows(
  bytes: AsyncIterable<Buffer | Uint8Array>,
  sheet: string | undefined,
  /** Filled as the workbook is read: what a cell's number needs besides its own style. */
  book1904: BookFacts,
): AsyncGenerator<SheetRow> {
  const budget = new Budget();
  const input = Readable.from(
    (async function* () {
      for await (const b of bytes) {
        budget.received += b.length;
        yield b;
      }
    })(),
  );
  const zip = unzipper.Parse({ forceStream: true });
  input.on('error', (e) => zip.emit('error', e));
  // The unzipper says a broken archive (one cut short) on itself, not on the part being read, which would wait forever.
  // A part the loop takes up after the error (the unzipper had handed it over already) fails at once too.
  let current: Readable | undefined;
  let broken: Error | undefined;
  zip.on('error', (e: Error) => {
    broken = e;
    current?.destroy(e);
  });
  const part = (entry: Readable, cap?: number) => {
    current = budget.counted(entry, cap);
    if (broken) current.destroy(broken);
    return current;
  };
  input.pipe(zip);
  const book = new ExcelJS.stream.xlsx.WorkbookReader(input, { styles: 'cache', sharedStrings: 'cache' }) as unknown as BookParts;
  let dir: string | undefined;
  let stylesRead = false;
  let sharedStringsListed: boolean | undefined;
  let wanted: string | undefined;
  const waiting: { no: string; path: string }[] = [];
  const names = () => (book.model?.sheets ?? []).map((s) => s.name);
  /** The sheet's name of an archive path, once the workbook's sheet list and relations are read. */
  const nameOf = (path: string) => {
    const rel = book.workbookRels?.find((r) => partPath(r.Target) === path);
    return rel && book.model?.sheets?.find((s) => s.rId === rel.Id)?.name;
  };
  const formatOf = (style: number) => book.styles.getStyleModel(style)?.numFmt;
  const rowsOf = (source: AsyncIterable<Buffer | string>, no: string) =>
    [...book._parseWorksheet(notingColumns(utf8(source), book1904, formatOf), no)][0]!.value;
  const chooseSheet = () => {
    const all = names();
    if (wanted !== undefined || !book.model) return;
    if (sheet === undefined) {
      if (!all.length) throw notXlsx({ zh: '没有工作表', en: 'it has no worksheet' });
      wanted = all[0];
    } else if (all.includes(sheet)) wanted = sheet;
    else {
      throw new TabularError(
        {
          zh: `工作簿中没有名为“${quote(sheet)}”的工作表；其工作表为：${all.map((n) => `“${quote(n)}”`).join('、')}。`,
          en: `The workbook has no sheet named "${quote(sheet)}"; its sheets are ${all.map((n) => `"${quote(n)}"`).join(', ')}.`,
        },
        { sheets: all },
      );
    }
  };
  try {
    let found = false;
    try {
      for await (const entry of zip) {
        const path = entry.path;
        const sheetNo = /^xl\/worksheets\/sheet(\d+)\.xml$/.exec(path)?.[1];
        if (path === 'xl/_rels/workbook.xml.rels') await book._parseRels(part(entry, PART_CAP));
        else if (path === 'xl/workbook.xml') {
          await book._parseWorkbook(part(entry, PART_CAP));
          book1904.date1904 = !!book.properties?.model?.date1904;
          chooseSheet();
        } else if (path === 'xl/sharedStrings.xml') {
          for await (const _ of book._parseSharedStrings(part(entry, SHARED_STRINGS_CAP)));
        } else if (path === 'xl/styles.xml') {
          await book._parseStyles(part(entry, PART_CAP));
          stylesRead = true;
        } else if (path === '[Content_Types].xml') {
          let text = '';
          for await (const chunk of part(entry, PART_CAP)) text += String(chunk);
          sharedStringsListed = /sharedStrings\.xml/.test(text);
        } else if (sheetNo !== undefined && (wanted === undefined || nameOf(path) === wanted || nameOf(path) === undefined)) {
          // Read at once when all it needs is known (its name, the styles that make a number a date, the strings); else kept for later.
          const ready = wanted !== undefined && nameOf(path) === wanted && stylesRead && (book.sharedStrings || sharedStringsListed === false);
          if (ready) {
            found = true;
            yield* rowsOf(part(entry), sheetNo);
          } else {
            dir ??= mkdtempSync(join(tmpdir(), 'hub-xlsx-'));
            const file = join(dir, `sheet${sheetNo}.xml`);
            await pipeline(part(entry), createWriteStream(file));
            waiting.push({ no: sheetNo, path });
          }
        }
        entry.autodrain();
      }
      chooseSheet();
      if (!book.model) throw notXlsx({ zh: '没有工作簿目录 xl/workbook.xml', en: 'it has no xl/workbook.xml' });
      for (const w of waiting) {
        if (found || nameOf(w.path) !== wanted) continue;
        found = true;
        yield* rowsOf(createReadStream(join(dir!, `sheet${w.no}.xml`)), w.no);
      }
    } catch (e) {
      if (e instanceof TabularError || e instanceof HttpError) throw e;
      // The unzipper's or the XML reader's own failure: an archive cut short or damaged, or parts that are no workbook's.
      throw notXlsx({ zh: '文件已损坏或不完整', en: 'it is damaged or cut short' });
    }
    if (!found) throw notXlsx({ zh: `没有工作表“${quote(wanted ?? '')}”的内容`, en: `it holds no content for sheet "${quote(wanted ?? '')}"` });
  } finally {
    input.unpipe(zip);
    input.destroy();
    (zip as unknown as Readable).destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

/** A number as a spreadsheet holds it: 15 significant digits (6.23021198001011E+17 is 623021198001011000). */
function asHeld(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  const [mantissa, exp] = v.toExponential(14).split('e') as [string, string];
  const e = Number(exp);
  const sign = mantissa.startsWith('-') ? '-' : '';
  const digits = mantissa.replace('-', '').replace('.', '').replace(/0+$/, '');
  if (e >= 14 || e >= digits.length - 1) return `${sign}${digits.padEnd(e + 1, '0')}`;
  return String(Number(v.toPrecision(15)));
}

/** A cell's value as a file's field, or the reason its row is refused. */
type Cell = { text: string | null } | { refused: Said; rule: string };

const pad = (n: number) => String(n).padStart(2, '0');

/** A date cell's wall clock (exceljs gives it as that time in UTC), to the second. */
function dateText(d: Date): string | null {
  const t = Math.round(d.getTime() / 1000) * 1000;
  if (Number.isNaN(t)) return null;
  const w = new Date(t);
  const day = `${w.getUTCFullYear()}-${pad(w.getUTCMonth() + 1)}-${pad(w.getUTCDate())}`;
  return t % 86_400_000 === 0 ? day : `${day} ${pad(w.getUTCHours())}:${pad(w.getUTCMinutes())}:${pad(w.getUTCSeconds())}`;
}

/** A spreadsheet's day number as the wall clock it stands for, in UTC (as exceljs gives a date cell). */
const serialDate = (serial: number, date1904: boolean) => new Date(Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 86_400_000));

/** A spreadsheet's date format (what exceljs itself takes for one): a number under it is a day. */
const isDateFormat = (fmt: string | undefined) => !!fmt && /[ymdhMsb]/.test(fmt.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));

function numberCell(v: number, key: string, column: string): Cell {
  if (!Number.isFinite(v)) return { refused: errorCell('#NUM!'), rule: 'spreadsheetError' };
  if (!TEXT_LIKE.test(key) || (Number.isInteger(v) && Math.abs(v) < 1e15)) return { text: String(v) };
  const held = asHeld(v);
  if (!Number.isInteger(v)) {
    return {
      refused: {
        zh: `的“${column}”是带小数的数字 ${held}，不是号码：请把该列的单元格格式设为“文本”后重新输入。`,
        en: `has "${column}" as a number with a fraction, ${held}, which is no code or number: set the column's format to Text and enter it again.`,
      },
      rule: 'spreadsheetNumberCell',
    };
  }
  const what = key.endsWith('id_number') ? { zh: '身份证号', en: 'the ID number' } : { zh: '号码', en: 'the number' };
  return {
    refused: {
      zh: `的“${column}”是数字 ${held}：表格程序把${what.zh}存成了数字，末几位已丢失；请把该列的单元格格式设为“文本”后重新输入这些号码。`,
      en: `has "${column}" as the number ${held}: the spreadsheet stored ${what.en} as a number and its last digits are lost; set the column's format to Text and enter them again.`,
    },
    rule: 'spreadsheetNumberLostDigits',
  };
}

const errorCell = (code: string): Said => ({
  zh: `单元格是错误值 ${code}（公式或数据有误），不是数据`,
  en: `a cell is the error ${code} (a formula or its data is wrong), not data`,
});

function cellOf(value: unknown, numFmt: string | undefined, key: string, column: string, date1904: boolean): Cell {
  if (value == null) return { text: null };
  if (typeof value === 'string') return { text: blank(value) ? null : value.trim() };
  // A number shown as a date by its column's format (exceljs makes a date of it only under the cell's own style).
  if (typeof value === 'number' && isDateFormat(numFmt)) return { text: dateText(serialDate(value, date1904)) };
  if (typeof value === 'number') return numberCell(value, key, column);
  if (typeof value === 'boolean') return { text: String(value) };
  if (value instanceof Date) return { text: dateText(value) };
  const v = value as { formula?: unknown; result?: unknown; richText?: { text?: string }[]; error?: string; text?: unknown };
  if (v.error !== undefined)
    return {
      refused: { zh: `的“${column}”${errorCell(quote(String(v.error))).zh}`, en: `has "${column}": ${errorCell(quote(String(v.error))).en}` },
      rule: 'spreadsheetError',
    };
  if (v.richText) return cellOf(v.richText.map((r) => r.text ?? '').join(''), undefined, key, column, date1904);
  if ('formula' in v) {
    if (v.result === undefined) {
      return {
        refused: {
          zh: `的“${column}”是没有保存计算结果的公式：请在 Excel 或 WPS 中打开并保存后再导入`,
          en: `has "${column}" as a formula with no saved result: open the workbook in Excel or WPS, save it and import that`,
        },
        rule: 'spreadsheetFormula',
      };
    }
    if (typeof v.result === 'number' && Number.isNaN(v.result))
      return { refused: { zh: `的“${column}”${errorCell('').zh}`, en: `has "${column}": ${errorCell('').en}` }, rule: 'spreadsheetError' };
    // A formula's number under a date format is a day, as a typed one is (exceljs turns only the latter into a date).
    if (typeof v.result === 'number' && isDateFormat(numFmt)) {
      return { text: dateText(serialDate(v.result, date1904)) };
    }
    return cellOf(v.result, numFmt, key, column, date1904);
  }
  // A hyperlink cell: its text as shown.
  if ('text' in v) return cellOf(v.text, numFmt, key, column, date1904);
  return { refused: { zh: `的“${column}”单元格无法读取`, en: `has "${column}" as a cell that cannot be read` }, rule: 'spreadsheetCell' };
}

/** A header cell as its text. */
const headerText = (value: unknown): string => {
  const c = cellOf(value, undefined, '', '', false);
  return 'text' in c ? (c.text ?? '') : '';
};

/**
 * The records of a workbook's sheet, as `csvRecords` gives a CSV's: the first row that is not blank is the header
 * (Chinese or English, `labels`, `written` and `ignore` as there), blank rows are skipped and each record's line is its
 * row number in the sheet, as the spreadsheet shows it.
 */
export async function* xlsxRecords(
  bytes: AsyncIterable<Buffer | Uint8Array>,
  known: readonly string[],
  labels: ReadonlyMap<string, string> = new Map(),
  written?: Map<string, string>,
  ignore: ReadonlySet<string> = new Set(),
  sheet?: string,
): AsyncGenerator<SourceRecord[]> {
  let header: string[] | null = null;
  let columns: string[] = [];
  let out: SourceRecord[] = [];
  const book: BookFacts = { date1904: false, columnFormats: [] };
  const rows = sheetRows(bytes, sheet, book);
  const columnFormat = (col: number) => book.columnFormats.find((c) => c.min <= col && col <= c.max)?.numFmt;
  for await (const row of rows) {
    if (row.number > MAX_ROWS) throw notXlsx({ zh: `第 ${row.number} 行超出了工作表的行数上限`, en: `row ${row.number} is past a sheet's last row` });
    const cells: { col: number; value: unknown; numFmt?: string }[] = [];
    row.eachCell((cell, col) => cells.push({ col, value: cell.value, numFmt: cell.numFmt ?? columnFormat(col) }));
    if (cells.some((c) => c.col > MAX_COLUMNS))
      throw notXlsx({ zh: `第 ${row.number} 行有超出工作表列数上限的单元格`, en: `row ${row.number} has a cell past a sheet's last column` });
    if (!header) {
      const texts: string[] = [];
      for (const c of cells) texts[c.col - 1] = headerText(c.value);
      const filled = Array.from(texts, (t) => t ?? '');
      if (filled.every((t) => t.trim() === '')) continue;
      header = headerOf(filled, known, labels, written, ignore);
      columns = filled.map((t) => t.trim());
      continue;
    }
    const fields: Record<string, string | null> = {};
    for (const h of header) if (h) fields[h] = null;
    let error: SourceRecord['error'];
    let chars = 0;
    for (const c of cells) {
      const key = header[c.col - 1];
      // A cell under an ignored column (an empty name) is no field's: whatever it holds is left alone.
      if (key === '') continue;
      const cell = cellOf(c.value, c.numFmt, key ?? '', columns[c.col - 1] ?? '', book.date1904);
      if ('text' in cell && cell.text === null) continue;
      if (key === undefined) {
        // As a CSV line with more fields than its header: which column was meant cannot be told.
        error ??= {
          field: '',
          reason: { zh: `在表头以外的第 ${c.col} 列有内容`, en: `has a value in column ${c.col}, past the header's columns` },
          rule: 'fieldCount',
        };
      } else if ('refused' in cell) {
        error ??= { field: key, reason: cell.refused, rule: cell.rule };
      } else {
        chars += cell.text!.length;
        fields[key] = cell.text;
      }
    }
    if (!error && Object.values(fields).every((v) => v === null)) continue;
    if (chars > MAX_RECORD_CHARS) error = { field: '', reason: tooLong, rule: 'lineTooLong' };
    out.push(error ? { line: row.number, fields, error } : { line: row.number, fields });
    if (out.length >= CHUNK) {
      yield out;
      out = [];
    }
  }
  if (!header) throw new TabularError({ zh: '工作表为空：须有表头行。', en: 'The sheet is empty: it needs a header row.' });
  if (out.length) yield out;
}

/** A ZIP archive's first bytes, which every XLSX workbook starts with. */
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

/**
 * Whether a body starts as a ZIP archive (an XLSX workbook), read from its first bytes; `bytes` is the whole body
 * still, those first bytes included.
 */
export async function startsAsZip(body: AsyncIterable<Buffer | Uint8Array>): Promise<{ zip: boolean; bytes: AsyncIterable<Buffer | Uint8Array> }> {
  const it = body[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  let ended = false;
  while (head.length < ZIP_MAGIC.length) {
    const n = await it.next();
    if (n.done) {
      ended = true;
      break;
    }
    head = Buffer.concat([head, Buffer.from(n.value)]);
  }
  const zip = ZIP_MAGIC.every((b, i) => head[i] === b);
  async function* bytes() {
    if (head.length) yield head;
    if (ended) return;
    for (;;) {
      const n = await it.next();
      if (n.done) return;
      yield n.value;
    }
  }
  return { zip, bytes: bytes() };
}
