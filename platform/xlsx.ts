import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { CHINA_OFFSET_MS } from '../domain/china-day.ts';
import { quote } from '../domain/errors.ts';
import { badParameter } from './http.ts';

/**
 * Spreadsheet downloads (XLSX) of exports and reports, written as rows arrive
 * (exceljs' streaming writer, no shared-string table), so a county's residents
 * never sit in memory whole. Why XLSX beside CSV: docs/ARCHITECTURE.md,
 * "Files for machines and for people".
 *
 * - text: codes, ID numbers, phones, case numbers and names are string cells
 *   in text-formatted (`@`) columns, so no spreadsheet turns 623021200201 into
 *   6.23E+11 or drops an ID number's last digits;
 * - date: `YYYY-MM-DD` becomes a date cell shown as yyyy-mm-dd;
 * - datetime: a point in time becomes a date-time cell in China time;
 * - number: a number cell;
 * - rate: a number cell of a 0–1 rate, shown as a percentage (0.954 as 95.4%).
 */
export type CellType = 'text' | 'number' | 'rate' | 'date' | 'datetime';

/** One column: its machine key (the CSV header), its Chinese header and its cell type. */
export interface SheetColumn {
  key: string;
  zh: string;
  type: CellType;
}

/** Header row language: Chinese for people (the default), or the machine keys (`?headers=en`). */
export type HeaderLanguage = 'zh' | 'en';

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * The header language a `headers` query parameter asks for. XLSX takes zh (default) or en; CSV and NDJSON are
 * for machines and keep the keys, so only en (or nothing) is accepted there.
 */
export function headerLanguage(value: string | null, format: string): HeaderLanguage {
  if (format === 'xlsx') {
    if (value === null || value === 'zh') return 'zh';
    if (value === 'en') return 'en';
  } else if (value === null || value === 'en') return 'en';
  // CSV and NDJSON are for machines: their keys are the columns an import takes, so they have no Chinese headers.
  if (format !== 'xlsx' && value === 'zh') {
    throw badParameter('headers', {
      zh: `${format.toUpperCase()} 只用机器列名，没有中文表头：中文表头请导出 XLSX（.xlsx，默认即为中文表头），或不传 headers。`,
      en: `${format.toUpperCase()} uses the machine keys only, with no Chinese headers: export XLSX (.xlsx, Chinese headers by default) for those, or leave headers out.`,
    });
  }
  throw badParameter('headers', {
    zh: `headers 只能是 zh（中文表头，仅 XLSX）或 en（机器列名）；收到：“${quote(value)}”。`,
    en: `headers must be zh (Chinese headers, XLSX only) or en (machine keys); got "${quote(value)}".`,
  });
}

const WIDTH: Record<CellType, number> = { text: 16, number: 10, rate: 10, date: 12, datetime: 20 };
const NUM_FMT: Record<CellType, string | undefined> = { text: '@', number: undefined, rate: '0.0%', date: 'yyyy-mm-dd', datetime: 'yyyy-mm-dd hh:mm:ss' };
/** The most rows a sheet holds in Excel (and so in the XLSX format's common readers). */
const MAX_SHEET_ROWS = 1_048_576;
/** Rows written between two looks at the output's backlog. */
const CHECK_EVERY = 200;

/** A `YYYY-MM-DD` (or the date part of a longer ISO text) as the date cell of that calendar day. */
function dateCell(v: unknown): Date | string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(v));
  return m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : String(v);
}

/**
 * A point in time as the date-time cell people in China read (spreadsheets have no time zones: the cell holds
 * the wall-clock time in China).
 */
function dateTimeCell(v: unknown): Date | string {
  const t = v instanceof Date ? v.getTime() : Date.parse(String(v));
  return Number.isNaN(t) ? String(v) : new Date(t + CHINA_OFFSET_MS);
}

/** The cell value of `v` in a column of `type`; null and undefined stay blank, lists are joined with `;`. */
export function cellValue(type: CellType, v: unknown): string | number | Date | null {
  if (v === null || v === undefined || v === '') return null;
  if (Array.isArray(v)) return v.map(String).join(';');
  switch (type) {
    case 'text':
      return String(v);
    case 'number':
    case 'rate': {
      const n = typeof v === 'number' ? v : Number(v);
      return Number.isFinite(n) ? n : String(v);
    }
    case 'date':
      return dateCell(v);
    case 'datetime':
      return dateTimeCell(v);
  }
}

/** A sheet being written: rows in column order, then `end()`; `abort()` after a failure. */
export interface SheetWriter {
  row(values: readonly unknown[]): Promise<void>;
  end(): Promise<void>;
  abort(): void;
}

/**
 * A workbook streamed to `sink` (e.g. a response through writeChunk): one sheet, or more when the rows pass a
 * sheet's limit (Excel's 1,048,576 rows; the next sheet is named "<sheet> (2)" and repeats the header). The
 * header row is in `headers`' language and frozen; each later row is committed (written out and dropped) as it
 * is added. Rows wait while the sink is behind, so memory stays flat whatever the number of rows.
 */
export function xlsxSheet(
  sink: (chunk: Uint8Array) => Promise<void>,
  opts: { sheet: string; columns: readonly SheetColumn[]; headers: HeaderLanguage; rowsPerSheet?: number },
): SheetWriter {
  const out = new PassThrough();
  const pumped = (async () => {
    for await (const chunk of out) await sink(chunk as Buffer);
  })();
  // A sink that fails (the client went away) stops the rows at the next one; end() reports it too.
  let failed: { error: unknown } | undefined;
  pumped.catch((error: unknown) => {
    failed = { error };
  });
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  // One style object per column, given to every cell of it: exceljs recognises an object it has seen and skips
  // working its style out again (half the time of a row otherwise).
  const styles: Partial<ExcelJS.Style>[] = opts.columns.map((c) => {
    const numFmt = NUM_FMT[c.type];
    return numFmt ? { numFmt } : {};
  });
  const dataRowsPerSheet = Math.max(1, (opts.rowsPerSheet ?? MAX_SHEET_ROWS) - 1);
  let sheets = 0;
  const addSheet = () => {
    sheets++;
    const sheet = workbook.addWorksheet(sheets === 1 ? opts.sheet : `${opts.sheet} (${sheets})`, { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = opts.columns.map((c, i) => ({ key: c.key, width: c.key === 'id_number' ? 21 : WIDTH[c.type], style: styles[i]! }));
    const header = sheet.addRow(opts.columns.map((c) => (opts.headers === 'zh' ? c.zh : c.key)));
    header.font = { bold: true };
    header.commit();
    return sheet;
  };
  let sheet = addSheet();
  let inSheet = 0;
  let written = 0;
  return {
    async row(values) {
      if (failed) throw failed.error;
      if (inSheet === dataRowsPerSheet) {
        sheet.commit();
        sheet = addSheet();
        inSheet = 0;
      }
      const row = sheet.addRow(opts.columns.map((c, i) => cellValue(c.type, values[i])));
      for (let i = 0; i < styles.length; i++) row.getCell(i + 1).style = styles[i]!;
      row.commit();
      inSheet++;
      if (++written % CHECK_EVERY === 0 && out.writableNeedDrain) await Promise.race([once(out, 'drain'), pumped]);
    },
    async end() {
      sheet.commit();
      await Promise.race([workbook.commit(), pumped]);
      await pumped;
    },
    abort() {
      out.destroy();
    },
  };
}
