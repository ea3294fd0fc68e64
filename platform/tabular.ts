import { quote, type Said } from '../domain/errors.ts';

/**
 * Streaming readers for the files data engineers bring: CSV (RFC 4180,
 * UTF-8 with or without BOM, or GB18030, which many county systems still
 * export) and NDJSON. Records come out in small arrays as the bytes arrive,
 * so memory stays flat whatever the file's size.
 */
export type Encoding = 'utf-8' | 'gb18030';
export type Format = 'csv' | 'ndjson' | 'xlsx';

/** One record: its first line in the file and its fields by header name (null: empty or absent). */
export interface SourceRecord {
  line: number;
  fields: Record<string, string | null>;
  /**
   * Set when the line could not be read at all (bad JSON, wrong field count, a spreadsheet cell that lost its digits);
   * the reason follows "the line" / "该行"; `rule` is its stable name (a reject's `rule`).
   */
  error?: { field: string; reason: Said; rule: string };
}

/**
 * The longest record (a CSV record, an NDJSON line) a file may hold, in
 * characters. A real row is far shorter (the longest field, a summary, takes
 * 2,000); a longer one is a broken file, such as a quote never closed, which
 * would otherwise be read into memory whole.
 */
export const MAX_RECORD_CHARS = 100_000;

export const tooLong: Said = {
  zh: `超过 ${MAX_RECORD_CHARS} 个字符，不是一条有效的记录`,
  en: `is longer than ${MAX_RECORD_CHARS} characters, which no valid record is`,
};

const UTF8_BOM = [0xef, 0xbb, 0xbf];
const GB18030_BOM = [0x84, 0x31, 0x95, 0x33];
const SNIFF_BYTES = 64 * 1024;

/** Whether `head` (the file's start, cut anywhere unless `ended`) is UTF-8. */
function isUtf8(head: Buffer, ended: boolean): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: !ended });
    return true;
  } catch {
    return false;
  }
}

/**
 * How far back the start of the line being read is kept, in bytes, to tell on which line a byte the decoder cannot
 * read stands: past this the line is no record anyway (MAX_RECORD_CHARS), and its number is not told.
 */
const LINE_BYTES = MAX_RECORD_CHARS * 4;

/**
 * The lines of the bytes a decoder has read so far. A line break (0x0A) is never part of a character of several
 * bytes, in UTF-8 or in GB18030, so a line's start is a character's start, where a fresh decoder can begin.
 */
class LinesRead {
  /** Line breaks read before the current line. */
  private breaks = 0;
  /** The current line's bytes read so far; null once it is longer than LINE_BYTES. */
  private current: Buffer | null = Buffer.alloc(0);

  read(b: Uint8Array): void {
    const last = b.lastIndexOf(0x0a);
    if (last < 0) {
      this.current = this.current && this.current.length + b.length <= LINE_BYTES ? Buffer.concat([this.current, b]) : null;
      return;
    }
    for (let i = b.indexOf(0x0a); i >= 0 && i <= last; i = b.indexOf(0x0a, i + 1)) this.breaks++;
    this.current = Buffer.from(b.buffer, b.byteOffset + last + 1, b.length - last - 1);
  }

  /**
   * The line (the first is 1) of the first byte of `next`, read after the bytes so far, that `encoding` cannot read;
   * undefined when the line it is on started too far back to be kept. A character left unfinished at the end of the
   * file is on the last line.
   */
  lineOfBadByte(encoding: Encoding, next: Uint8Array): number | undefined {
    if (this.current === null) return undefined;
    const bytes = Buffer.concat([this.current, next]);
    const unreadable = (n: number) => {
      try {
        new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes.subarray(0, n), { stream: true });
        return false;
      } catch {
        return true;
      }
    };
    // The shortest start of the bytes that cannot be read ends with the bad byte, and every longer start fails too.
    let [readable, failing] = [0, bytes.length];
    if (unreadable(failing)) {
      while (failing - readable > 1) {
        const mid = (readable + failing) >>> 1;
        if (unreadable(mid)) failing = mid;
        else readable = mid;
      }
      failing -= 1;
    }
    let line = this.breaks + 1;
    for (let i = bytes.indexOf(0x0a); i >= 0 && i < failing; i = bytes.indexOf(0x0a, i + 1)) line++;
    return line;
  }
}

/** A ZIP archive's first bytes: what an XLSX file (or any Office Open XML file) starts with. */
const ZIP = [0x50, 0x4b, 0x03, 0x04];
/** A gzip stream's first bytes (a file sent compressed, or with Content-Encoding: gzip, which the import does not undo). */
const GZIP = [0x1f, 0x8b];

function startsWith(buf: Buffer, bom: number[]): boolean {
  return bom.every((b, i) => buf[i] === b);
}

/**
 * The text of a byte stream. Without a declared encoding: a BOM decides; else
 * the first 64 kB are tried as UTF-8 and, if they are not valid UTF-8, the
 * file is read as GB18030 (GBK text is almost never valid UTF-8). A byte it
 * then cannot read is refused naming its line (`extensions.line`).
 */
export async function* decodeText(bytes: AsyncIterable<Buffer | Uint8Array>, declared?: Encoding): AsyncGenerator<string> {
  let head = Buffer.alloc(0);
  const it = bytes[Symbol.asyncIterator]();
  let ended = false;
  // A file declared UTF-8 needs only its first bytes (a BOM) before rows flow; the others are sniffed or checked.
  const need = declared === 'utf-8' ? UTF8_BOM.length : SNIFF_BYTES;
  while (head.length < need) {
    const n = await it.next();
    if (n.done) {
      ended = true;
      break;
    }
    head = Buffer.concat([head, Buffer.from(n.value)]);
  }
  if (startsWith(head, ZIP)) {
    throw new TabularError({
      zh: '这是 XLSX（ZIP）文件，不是 CSV 或 NDJSON 文本；请在表格程序中另存为 CSV（UTF-8）后再导入。',
      en: 'This is an XLSX (ZIP) file, not CSV or NDJSON text; save it as CSV (UTF-8) in the spreadsheet program and import that.',
    });
  }
  if (startsWith(head, GZIP)) {
    throw new TabularError({
      zh: '这是 gzip 压缩的数据，不是 CSV 或 NDJSON 文本；请发送未压缩的文件（也不要加 Content-Encoding: gzip）。',
      en: 'This is gzip-compressed data, not CSV or NDJSON text; send the file uncompressed (and without Content-Encoding: gzip).',
    });
  }
  // A spreadsheet saves "Unicode text" (Unicode 文本) as UTF-16 with a BOM; without one, ASCII in UTF-16 is every other byte NUL.
  if (startsWith(head, [0xff, 0xfe]) || startsWith(head, [0xfe, 0xff]) || head.filter((b) => b === 0).length * 4 > head.length) {
    throw new TabularError({
      zh: '文件是 UTF-16 编码（表格程序“Unicode 文本”的格式），导入只读 UTF-8 或 GB18030；请在表格程序中另存为“CSV UTF-8（逗号分隔）”后再导入。',
      en: 'The file is UTF-16 ("Unicode text", as spreadsheets save it); the import reads UTF-8 or GB18030: save it as "CSV UTF-8 (comma delimited)" and import that.',
    });
  }
  let encoding: Encoding = declared ?? 'utf-8';
  let skip = 0;
  if (startsWith(head, UTF8_BOM)) {
    encoding = 'utf-8';
    skip = 3;
  } else if (startsWith(head, GB18030_BOM)) {
    encoding = 'gb18030';
    skip = 4;
  } else if (!declared) {
    if (!isUtf8(head, ended)) encoding = 'gb18030';
  } else if (declared === 'gb18030' && head.some((b) => b >= 0x80) && isUtf8(head, ended)) {
    // Chinese in GB18030 is almost never valid UTF-8 as well; read as GB18030, UTF-8 Chinese turns into other characters.
    throw new TabularError({
      zh: '文件声明为 GB18030，但其内容是有效的 UTF-8 文本，按 GB18030 读会成为乱码；请去掉 encoding 或写 encoding=utf-8。',
      en: 'The file is declared GB18030 but is valid UTF-8 text, which read as GB18030 would turn into other characters; leave encoding out or say utf-8.',
    });
  }
  const decoder = new TextDecoder(encoding, { fatal: true, ignoreBOM: true });
  const lines = new LinesRead();
  const decode = (b: Uint8Array, stream: boolean) => {
    let text: string;
    try {
      text = decoder.decode(b, { stream });
    } catch {
      throw notText(encoding, lines.lineOfBadByte(encoding, b), !declared && skip === 0);
    }
    lines.read(b);
    return text;
  };
  yield decode(head.subarray(skip), !ended);
  if (ended) return;
  for (;;) {
    const n = await it.next();
    if (n.done) break;
    yield decode(n.value, true);
  }
  yield decode(new Uint8Array(0), false);
}

/**
 * The refusal of a file the decoder cannot read from `line` on (undefined: not known). `sniffed`: no encoding was
 * declared nor shown by a BOM, and the hub chose it from the first 64 kB.
 */
function notText(encoding: Encoding, line: number | undefined, sniffed: boolean): TabularError {
  const extra = line === undefined ? {} : { line };
  const at = line === undefined ? { zh: '', en: '' } : { zh: `（第 ${line} 行）`, en: ` (line ${line})` };
  // Sniffed as GB18030 because it was not UTF-8: it is neither, and naming GB18030 alone misleads.
  if (sniffed && encoding === 'gb18030') {
    return new TabularError(
      {
        zh: `文件既不是有效的 UTF-8 文本，也不是有效的 GB18030 文本（含有两种编码都无法识别的字节${line === undefined ? '' : `，见第 ${line} 行`}）；请在表格程序中另存为“CSV UTF-8（逗号分隔）”后再导入。`,
        en: `The file is neither valid UTF-8 nor valid GB18030 text (it holds bytes neither can read${line === undefined ? '' : `, on line ${line}`}); save it as "CSV UTF-8 (comma delimited)" and import that.`,
      },
      extra,
    );
  }
  // Read as UTF-8 because its first 64 kB are (often all ASCII: codes and numbers), and a GB18030 row comes later.
  if (sniffed) {
    return new TabularError(
      {
        zh: `文件${line === undefined ? '开头 64 KB 之后的部分' : `第 ${line} 行`}不是有效的 UTF-8 文本（文件开头 64 KB 是有效的 UTF-8，故按 UTF-8 读取）。若文件是 GB18030 编码，请声明其编码：接口地址加 ?encoding=gb18030，npm run import 加 --encoding gb18030；若文件是 UTF-8，请修正${line === undefined ? '其中无法识别的字节' : '该行'}。`,
        en: `${line === undefined ? 'Past its first 64 kB, the file' : `Line ${line} of the file`} is not valid UTF-8 text (its first 64 kB are, so it was read as UTF-8). If the file is GB18030, declare it: ?encoding=gb18030 on the import's address, --encoding gb18030 for npm run import; if it is UTF-8, mend ${line === undefined ? 'the bytes that cannot be read' : 'that line'}.`,
      },
      extra,
    );
  }
  const name = encoding === 'utf-8' ? 'UTF-8' : 'GB18030';
  return new TabularError(
    {
      zh: `文件不是有效的 ${name} 文本${at.zh}；请声明其编码（utf-8 或 gb18030）。`,
      en: `The file is not valid ${name} text${at.en}; declare its encoding (utf-8 or gb18030).`,
    },
    extra,
  );
}

/**
 * The encoding of a whole file, read to its end (the import command has the file at hand): UTF-8 when all of it is
 * UTF-8, else GB18030 when all of it reads as GB18030, else undefined (neither: the hub says so). The hub decides from
 * the first 64 kB alone, which a county system's export may fill with codes and numbers before its first Chinese row.
 */
export async function wholeFileEncoding(bytes: AsyncIterable<Uint8Array>): Promise<Encoding | undefined> {
  const candidates = (['utf-8', 'gb18030'] as const).map((encoding) => ({ encoding, decoder: new TextDecoder(encoding, { fatal: true }), readable: true }));
  const feed = (b: Uint8Array, stream: boolean) => {
    for (const c of candidates) {
      if (!c.readable) continue;
      try {
        c.decoder.decode(b, { stream });
      } catch {
        c.readable = false;
      }
    }
  };
  for await (const b of bytes) {
    feed(b, true);
    if (!candidates.some((c) => c.readable)) return undefined;
  }
  feed(new Uint8Array(0), false);
  return candidates.find((c) => c.readable)?.encoding;
}

/** One CSV cell (RFC 4180): quoted when it holds a comma, quote or line break; null and undefined are empty. */
export function csvCell(v: unknown): string {
  const s = v == null ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * A spreadsheet cell that shows nothing: empty, only spaces (half- or full-width), or only the apostrophe a
 * spreadsheet puts before a cell it keeps as text. It is read as an empty cell, whatever the field: a stray space
 * typed in an ID number's or a phone's cell had been refused as a number 0 characters long.
 */
const BLANK = /^[\u0027\u2019]?[\s\u3000]*$/;
export const blank = (v: string): boolean => BLANK.test(v);

/** The file as a whole cannot be read (encoding, header); `message` is the Chinese text (domain/errors.ts `Said`). */
export class TabularError extends Error {
  readonly said: Said;
  /** More of the refusal's `extensions` (the `line` a decoder could not read). */
  readonly extra: Readonly<Record<string, unknown>>;
  constructor(said: Said, extra: Readonly<Record<string, unknown>> = {}) {
    super(said.zh);
    this.said = said;
    this.extra = extra;
  }
}

/**
 * CSV records. The first record is the header; names are trimmed and
 * lower-cased, or read through `labels`. A record may span lines inside
 * quotes; its line number is the line it starts on (the header is line 1). A
 * row of empty cells, as spreadsheets leave below a sheet's data, is skipped
 * like an empty line.
 */
export async function* csvRecords(
  text: AsyncIterable<string>,
  known: readonly string[],
  /** Header names also taken for a column, as the XLSX export labels it (身份证号 → id_number). */
  labels: ReadonlyMap<string, string> = new Map(),
  /** Filled with the columns the header named by a label: the column → the label as written (id_number → 身份证号). */
  written?: Map<string, string>,
  /** Header names the sender asked to leave out (a register's 序号 or 备注): their cells are read as no column's. */
  ignore: ReadonlySet<string> = new Set(),
): AsyncGenerator<SourceRecord[]> {
  let header: string[] | null = null;
  let field = '';
  let row: string[] = [];
  let quoted = false; // inside a quoted field
  let wasQuoted = false; // the current field was quoted (so "" is an empty string, not null)
  let afterQuote = false; // just saw a quote inside a quoted field (either its end or the first of a pair)
  let atFieldStart = true; // nothing of the current field read yet (only there does a quote open a quoted field)
  // The record's first misplaced quote (RFC 4180): text after a closing quote (`"莫,波宇"x`), or a quote inside a field
  // that did not open with one (`莫"波宇`, ` "莫,波宇"` after a space). Read leniently, either writes a value the file
  // never held whole, quotes and all, or splits a quoted comma into two fields; `at` is the field's place.
  let badQuote: { at: number; after: boolean } | null = null;
  // A field of the form a CSV saved for Excel writes to keep digits as text (`="623021…"`) holds its quotes on purpose:
  // the value is read as the text inside (domain/citizen-id.ts).
  const spreadsheetText = () => {
    if (badQuote && !badQuote.after && badQuote.at === row.length && /^=\s*"[^"]*"$/.test(field.trim())) badQuote = null;
  };
  let line = 1;
  let rowLine = 1;
  let out: SourceRecord[] = [];
  // A record past MAX_RECORD_CHARS is read on to its end without keeping its text, then rejected as a whole.
  let oversize = false;
  const pastCap = () => field.length + row.reduce((n, c) => n + c.length + 1, 0) > MAX_RECORD_CHARS;
  const endRow = () => {
    // Checked here too: the chunk-end check alone lets a record that crosses a chunk pass the cap by up to a chunk.
    if (!oversize && pastCap()) oversize = true;
    if (oversize) {
      oversize = false;
      row = [];
      field = '';
      wasQuoted = false;
      if (!header) throw new TabularError({ zh: `表头${tooLong.zh}。`, en: `The header ${tooLong.en}.` });
      out.push({ line: rowLine, fields: {}, error: { field: '', reason: tooLong, rule: 'lineTooLong' } });
      badQuote = null;
      return;
    }
    row.push(field);
    field = '';
    const quote = badQuote;
    badQuote = null;
    const quoteReason = ({ at, after }: { at: number; after: boolean }): Said => ({
      zh: `第 ${at + 1} 个字段${after ? '的引号闭合后还有文字' : '中有引号，而该字段不以引号开头'}；含逗号、引号或换行的值须整个放在引号内（引号前不留空格），值中的引号写作两个引号（""）`,
      en: `has ${after ? 'text after the closing quote of' : 'a quote inside'} field ${at + 1}${after ? '' : ', which does not open with one'}; a value holding a comma, quote or line break is quoted whole (no space before the quote), a quote inside it doubled ("")`,
    });
    // Blank lines before the header are no header: a file of them is empty.
    if (!header && row.every((c) => c.trim() === '')) {
      row = [];
      wasQuoted = false;
      return;
    }
    if (!header) {
      // JSON sent as CSV is full of quotes: headerOf says what it is.
      if (quote && !/^\s*(\[|\{)/.test(row[0] ?? '')) {
        const reason = quoteReason(quote);
        throw new TabularError({ zh: `表头${reason.zh}。`, en: `The header ${reason.en}.` }, { line: rowLine });
      }
      header = headerOf(row, known, labels, written, ignore);
    } else if (!(row.length === 1 && row[0] === '' && !wasQuoted) && !row.every(blank)) {
      const fields: Record<string, string | null> = {};
      let error: SourceRecord['error'];
      if (quote) {
        // First: a misplaced quote also miscounts the fields (` "莫,波宇"` is two), and is what to mend.
        error = { field: header[quote.at] ?? '', reason: quoteReason(quote), rule: quote.after ? 'textAfterQuote' : 'quoteInField' };
      } else if (row.length !== header.length) {
        error = {
          field: '',
          reason: { zh: `有 ${row.length} 个字段，而表头有 ${header.length} 个`, en: `has ${row.length} fields; the header has ${header.length}` },
          rule: 'fieldCount',
        };
      }
      for (let i = 0; i < header.length; i++) {
        const v = row[i];
        fields[header[i]!] = v == null || blank(v) ? null : v;
      }
      out.push(error ? { line: rowLine, fields, error } : { line: rowLine, fields });
    }
    row = [];
    wasQuoted = false;
  };
  for await (const chunk of text) {
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (quoted) {
        if (afterQuote) {
          afterQuote = false;
          if (c === 34) {
            field += '"';
            start = i + 1;
            continue;
          }
          quoted = false; // that quote closed the field; fall through to unquoted handling
          // Only a comma or the line's end may follow it (\r of a \r\n included).
          if (c !== 44 && c !== 10 && c !== 13 && !badQuote) badQuote = { at: row.length, after: true };
        } else if (c === 34) {
          field += chunk.slice(start, i);
          afterQuote = true;
          start = i + 1;
          continue;
        } else {
          if (c === 10) line++;
          continue;
        }
      }
      if (c === 44) {
        // ,
        field += chunk.slice(start, i);
        spreadsheetText();
        row.push(field);
        field = '';
        wasQuoted = false;
        start = i + 1;
        atFieldStart = true;
      } else if (c === 10) {
        field += chunk.slice(start, i);
        if (field.endsWith('\r')) field = field.slice(0, -1);
        spreadsheetText();
        endRow();
        line++;
        rowLine = line;
        start = i + 1;
        atFieldStart = true;
      } else if (c === 34 && atFieldStart) {
        quoted = true;
        wasQuoted = true;
        start = i + 1;
        atFieldStart = false;
      } else {
        if (c === 34 && !badQuote) badQuote = { at: row.length, after: false };
        atFieldStart = false;
      }
    }
    field += chunk.slice(start);
    if (oversize || pastCap()) {
      oversize = true;
      field = '';
      row = [];
    }
    if (out.length) {
      yield out;
      out = [];
    }
  }
  if (quoted && !afterQuote) {
    throw new TabularError(
      { zh: `第 ${rowLine} 行开始的带引号字段没有闭合。`, en: `A quoted field opened on line ${rowLine} is never closed.` },
      { line: rowLine },
    );
  }
  if (field !== '' || row.length || oversize) {
    spreadsheetText();
    endRow();
  }
  if (!header)
    throw new TabularError({ zh: '文件为空：CSV 文件须有表头行。', en: 'The file is empty: a CSV file needs a header line.' }, { rule: 'emptyFile' });
  if (out.length) yield out;
}

/**
 * A file's header row (a CSV's first record, an XLSX sheet's first row that is not blank) as the columns its cells
 * stand for: names trimmed and lower-cased, or read through `labels` (身份证号 → id_number); a cell `ignore` names,
 * or an empty one, stands for no column (''). Unknown columns, and two cells naming one column, refuse the file.
 */
export function headerOf(
  row: readonly string[],
  known: readonly string[],
  labels: ReadonlyMap<string, string> = new Map(),
  written?: Map<string, string>,
  ignore: ReadonlySet<string> = new Set(),
): string[] {
  // JSON sent as CSV (content-type text/csv or none, or ?format=csv) reads as a header of strange columns.
  if (/^\s*(\[|\{)/.test(row[0] ?? '')) {
    throw new TabularError({
      zh: '文件看起来是 JSON 而不是 CSV：NDJSON（每行一个 JSON 对象）请加 ?format=ndjson，或用 content-type application/x-ndjson 发送。',
      en: 'The file looks like JSON, not CSV: send NDJSON (one JSON object per line) with ?format=ndjson or content-type application/x-ndjson.',
    });
  }
  const header = row.map((h) => {
    const name = h.trim();
    // An empty name is no column: the cells under it are read as none (as a sheet's blank header cell is).
    if (ignore.has(name) || ignore.has(name.toLowerCase())) return '';
    const key = labels.get(name);
    if (key !== undefined) written?.set(key, name);
    return key ?? name.toLowerCase();
  });
  const unknown = header.filter((h) => h && !known.includes(h));
  // One column holding tabs or semicolons: a sheet saved as "text (tab delimited)" or with a semicolon list separator.
  const separator = row.length === 1 ? [...'\t;；'].find((c) => row[0]!.includes(c)) : undefined;
  if (unknown.length && separator) {
    const [zh, en] = separator === '\t' ? ['制表符', 'tabs'] : ['分号', 'semicolons'];
    throw new TabularError({
      zh: `表头只有一列，其中以${zh}分隔：导入只读以逗号分隔的 CSV；请在表格程序中另存为“CSV UTF-8（逗号分隔）”后再导入。`,
      en: `The header is one column separated by ${en}: the import reads comma-separated CSV; save the sheet as "CSV UTF-8 (comma delimited)" and import that.`,
    });
  }
  if (unknown.length) {
    // In Chinese the columns are listed by the headers a sheet may use too (身份证号（id_number）).
    const labelOf = new Map<string, string>();
    for (const [label, key] of labels) if (!labelOf.has(key)) labelOf.set(key, label);
    const zhColumns = known.map((k) => (labelOf.has(k) ? `${labelOf.get(k)}（${k}）` : k)).join('、');
    // The names are repeated in the hint only when short: a header of one long cell is quoted once, cut (quote).
    const short = unknown.every((u) => u.length <= 20);
    const left = short ? unknown.map((u) => encodeURIComponent(u)).join(',') : '<列名>';
    const typed = short ? unknown.join(',') : '<列名>';
    throw new TabularError(
      {
        zh: `未知的列：${unknown.map(quote).join('、')}；此类数据可用的列为 ${zhColumns}。不导入的列（如序号、备注）可以忽略：加参数 ?ignore=${left}（命令行 --ignore ${typed}）。`,
        en: `Unknown column${unknown.length > 1 ? 's' : ''} ${unknown.map(quote).join(', ')}; this kind takes ${known.join(', ')}. Columns not to import (a row number, remarks) can be left out: add ?ignore=${left} (on the command line --ignore ${typed}).`,
      },
      // A program sending a register's file reads which columns to leave out (?ignore=) without parsing the message.
      { rule: 'unknownColumn', columns: unknown.map((u) => u.slice(0, 100)), known },
    );
  }
  // Two columns for one field (姓名 and name, or 电话 twice): which one the file meant cannot be told, and the
  // last would silently win.
  const cells = row.map((h) => h.trim());
  const twice = header.findIndex((h, i) => h !== '' && header.indexOf(h) !== i);
  if (twice >= 0) {
    const first = header.indexOf(header[twice]!);
    const names = first === twice ? cells[twice] : `${cells[first]}、${cells[twice]}`;
    throw new TabularError(
      {
        zh: `表头中 ${names} 指的是同一列 ${header[twice]}（第 ${first + 1} 和第 ${twice + 1} 列）；请删去其中一列。`,
        en: `The header names column ${header[twice]} twice (${cells[first]}, ${cells[twice]}: columns ${first + 1} and ${twice + 1}); remove one.`,
      },
      { rule: 'columnRepeated', columns: [header[twice]] },
    );
  }
  return header;
}

/**
 * The names a JSON object's text gives its members, in order and with any
 * repeats: JSON.parse keeps only the last value of a repeated name, so a line
 * `{"name":"甲","name":"乙"}` would silently become 乙. `text` is valid JSON
 * (JSON.parse has read it).
 */
function memberNames(text: string): string[] {
  const names: string[] = [];
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      const start = i;
      for (i++; text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
      if (depth !== 1) continue;
      let j = i + 1;
      while (text.charCodeAt(j) === 0x20 || text.charCodeAt(j) === 0x09 || text.charCodeAt(j) === 0x0d) j++;
      if (text.charCodeAt(j) === 0x3a) names.push(JSON.parse(text.slice(start, i + 1)) as string);
    } else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return names;
}

/** NDJSON records: one JSON object per line; values are turned into strings (arrays joined with ';'). */
export async function* ndjsonRecords(
  text: AsyncIterable<string>,
  known: readonly string[],
  /** Fields that take a list (tags, parties): a JSON array of strings there is written `A;B`, as a CSV cell writes it. */
  lists: ReadonlySet<string> = new Set(['tags', 'parties']),
  /** Fields that take true or false: a JSON boolean anywhere else is refused, not stored as the text "true". */
  flags: ReadonlySet<string> = new Set(),
  /** Member names the sender asked to leave out, as a CSV header's (`csvRecords`). */
  ignore: ReadonlySet<string> = new Set(),
): AsyncGenerator<SourceRecord[]> {
  let line = 0;
  let first = true;
  const parse = (s: string): SourceRecord | null => {
    line++;
    if (!s.trim()) return null;
    // One JSON document (an array of records, as application/json often carries) is not NDJSON: refused whole, not line by line.
    if (first && s.trimStart().startsWith('[')) {
      throw new TabularError({
        zh: 'JSON 数组不是 NDJSON：请每行写一个 JSON 对象，不加方括号和逗号。',
        en: 'A JSON array is not NDJSON: write one JSON object per line, without brackets or commas.',
      });
    }
    first = false;
    let obj: unknown;
    try {
      obj = JSON.parse(s);
    } catch {
      return { line, fields: {}, error: { field: '', reason: { zh: '不是有效的 JSON', en: 'is not valid JSON' }, rule: 'notJson' } };
    }
    if (!obj || typeof obj !== 'object' || Array.isArray(obj))
      return { line, fields: {}, error: { field: '', reason: { zh: '不是 JSON 对象', en: 'is not a JSON object' }, rule: 'notJsonObject' } };
    const fields: Record<string, string | null> = {};
    const members = Object.entries(obj as Record<string, unknown>).filter(([k]) => !ignore.has(k) && !ignore.has(k.toLowerCase()));
    // Unknown names first: past them every name is one of the kind's few, so looking for a repeat stays cheap.
    const unknown = members.find(([k]) => !known.includes(k.toLowerCase()));
    if (unknown) {
      const k = quote(unknown[0]);
      return {
        line,
        fields,
        error: {
          field: k,
          reason: { zh: `的字段 ${k} 不属于此类数据（可用字段：${known.join(', ')}）`, en: `is not a field of this kind (${known.join(', ')})` },
          rule: 'unknownField',
        },
      };
    }
    // A field given twice (also as Name and name, which name one column) is refused rather than taking either value.
    const seen = new Set<string>();
    for (const name of members.length === 0 ? [] : memberNames(s)) {
      const key = name.toLowerCase();
      if (seen.has(key))
        return {
          line,
          fields,
          error: { field: key, reason: { zh: `的字段 ${key} 出现了不止一次`, en: `gives the field ${key} more than once` }, rule: 'fieldRepeated' },
        };
      seen.add(key);
    }
    for (const [k, v] of members) {
      const key = k.toLowerCase();
      // JSON.parse has already rounded an 18-digit number (an ID number written without quotes): what it holds is
      // another value, which must not be taken for the one in the file.
      if (typeof v === 'number' && Number.isInteger(v) && !Number.isSafeInteger(v)) {
        const reason = {
          zh: `的字段 ${k} 是一个超过 15 位的 JSON 数字，无法原样读取；请写成字符串（加引号）`,
          en: `has ${k} as a JSON number of more than 15 digits, which cannot be read exactly; write it as a string (in quotes)`,
        };
        return { line, fields, error: { field: key, reason, rule: 'jsonNumberDigits' } };
      }
      // A field is a string or number (a flag also a boolean), and a list field an array of them: anything else (an object, a list
      // where one value belongs) is not a value the field can take, rather than its text ("[object Object]").
      const listed = Array.isArray(v) && lists.has(key) && v.every((x) => typeof x === 'string' || typeof x === 'number');
      if (v !== null && typeof v === 'object' && !listed) {
        const reason = {
          zh: `的字段 ${k} 是 JSON ${Array.isArray(v) ? '数组' : '对象'}，此字段只接受${lists.has(key) ? '字符串或字符串数组' : '字符串或数字'}`,
          en: `has ${k} as a JSON ${Array.isArray(v) ? 'array' : 'object'}; the field takes ${lists.has(key) ? 'a string or an array of strings' : 'a string or number'}`,
        };
        return { line, fields, error: { field: key, reason, rule: 'fieldType' } };
      }
      if (typeof v === 'boolean' && !flags.has(key)) {
        const reason = {
          zh: `的字段 ${k} 是 JSON 布尔值（${v}），此字段只接受字符串或数字`,
          en: `has ${k} as a JSON boolean (${v}); the field takes a string or number`,
        };
        return { line, fields, error: { field: key, reason, rule: 'fieldType' } };
      }
      fields[key] = v == null || v === '' ? null : Array.isArray(v) ? v.join(';') : String(v);
    }
    return { line, fields };
  };
  // A line longer than MAX_RECORD_CHARS is refused as it arrives, without keeping it; a line's start waits in pieces,
  // so each character is looked at once however many chunks a line spans.
  const overlong = (): SourceRecord => ({ line: ++line, fields: {}, error: { field: '', reason: tooLong, rule: 'lineTooLong' } });
  let pieces: string[] = [];
  let held = 0;
  let dropping = false;
  for await (const chunk of text) {
    const out: SourceRecord[] = [];
    let start = 0;
    for (let nl = chunk.indexOf('\n'); nl !== -1; nl = chunk.indexOf('\n', start)) {
      const piece = chunk.slice(start, nl);
      start = nl + 1;
      if (dropping || held + piece.length > MAX_RECORD_CHARS) {
        out.push(overlong());
      } else {
        const r = parse(held ? pieces.join('') + piece : piece);
        if (r) out.push(r);
      }
      pieces = [];
      held = 0;
      dropping = false;
    }
    const tail = chunk.slice(start);
    if (!dropping && held + tail.length > MAX_RECORD_CHARS) {
      dropping = true;
      pieces = [];
      held = 0;
    } else if (!dropping && tail) {
      pieces.push(tail);
      held += tail.length;
    }
    if (out.length) yield out;
  }
  const last = dropping ? overlong() : parse(pieces.join(''));
  if (last) yield [last];
}
