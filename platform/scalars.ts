import { GraphQLScalarType, Kind } from 'graphql';
import { CHINA_OFFSET_MS } from '../domain/china-day.ts';
import { isRealDate } from '../domain/citizen-id.ts';
import { FIRST_YEAR, LAST_YEAR } from '../domain/periods.ts';
import { badInput, quote } from '../domain/errors.ts';
import { halfWidth } from '../domain/half-width.ts';

const inYears = (y: number) => y >= FIRST_YEAR && y <= LAST_YEAR;

/**
 * `Date`: ISO 8601 calendar date `YYYY-MM-DD`, kept as a string. A real day of a year the hub's facts can
 * have (domain/periods.ts FIRST_YEAR–LAST_YEAR): 0000-01-01 or 9999-12-31 are typing mistakes.
 */
function parseDate(value: unknown): string {
  const m = typeof value === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value) : null;
  if (m) {
    checkDay(value, m);
    return value as string;
  }
  throw badInput({
    zh: `${shown(value, 'zh')} 不是 YYYY-MM-DD 格式的日期；请写成例如“2026-09-30”。`,
    en: `${shown(value)} is not a date in the form YYYY-MM-DD; write e.g. "2026-09-30".`,
  });
}

/**
 * Checks the day of a well-formed date (`ymd`: its year, month and day as matched) and refuses it saying why: no such
 * day, or a year outside FIRST_YEAR–LAST_YEAR. Every date and time the hub reads, from the API or a file, passes here.
 */
function checkDay(value: unknown, ymd: RegExpExecArray, extra: { argument?: string } = {}): void {
  const [y, m, d] = [Number(ymd[1]), Number(ymd[2]), Number(ymd[3])];
  if (isRealDate(y, m, d) && inYears(y)) return;
  // A file's value is named by its column, as the file's other reasons are; GraphQL names a scalar's place itself.
  const quoted = `${extra.argument ? `${extra.argument} ` : ''}${shown(value)}`;
  const quotedZh = `${extra.argument ?? ''}${shown(value, 'zh')}`;
  throw isRealDate(y, m, d)
    ? badInput(
        { zh: `${quotedZh}的年份不在 ${FIRST_YEAR}–${LAST_YEAR} 之间。`, en: `${quoted}: the year is outside ${FIRST_YEAR}–${LAST_YEAR}.` },
        { ...extra, rule: 'dateYears' },
      )
    : badInput(
        { zh: `${quotedZh}不是真实存在的日期（没有这个月或这一天）。`, en: `${quoted} is not a real date (there is no such month or day).` },
        { ...extra, rule: 'dateReal' },
      );
}

/** A value as an error message quotes it, cut short: text in the language's quotation marks (“…” in Chinese), anything else as JSON. */
function shown(value: unknown, language: 'zh' | 'en' = 'en'): string {
  const text = typeof value === 'string' && language === 'zh' ? value : (JSON.stringify(value) ?? String(value));
  if (language === 'zh') return `“${quote(text)}”`;
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

export function formatDate(value: unknown): string {
  if (value instanceof Date) {
    // Dates from PostgreSQL `date` columns arrive as local midnight; read them in local time.
    return `${value.getFullYear()}-${String(value.getMonth() + 1).padStart(2, '0')}-${String(value.getDate()).padStart(2, '0')}`;
  }
  return String(value).slice(0, 10);
}

export const DateScalar = new GraphQLScalarType({
  name: 'Date',
  description: 'A calendar date, ISO 8601 `YYYY-MM-DD`.',
  serialize: formatDate,
  parseValue: parseDate,
  parseLiteral: (ast) => parseDate(ast.kind === Kind.STRING ? ast.value : undefined),
});

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.\d{1,9})?)?(?:Z|[+-](?:0\d|1[0-4]):[0-5]\d)$/;

/**
 * `DateTime`: ISO 8601 with an offset; parsed to a JS Date. Every field is checked, since JavaScript's Date
 * rolls 30 February over into March, and the year is one the hub's facts can have (as for `Date`).
 */
function parseDateTime(value: unknown): Date {
  const m = typeof value === 'string' ? DATE_TIME.exec(value) : null;
  if (m) {
    checkDay(value, m);
    const t = new Date(value as string);
    if (!Number.isNaN(t.getTime())) return t;
  }
  throw badInput({
    zh: `${shown(value, 'zh')} 不是带时区的 ISO 8601 时间；请写成例如“2026-09-30T20:00:00+08:00”。`,
    en: `${shown(value)} is not an ISO 8601 date-time with an offset; write e.g. "2026-09-30T20:00:00+08:00".`,
  });
}

/**
 * A calendar day as a file row gives it (import): `YYYY-MM-DD`, or as spreadsheets write it, `2026/9/30`,
 * `2026-9-30`, `2026年9月30日` (a Chinese spreadsheet's long date), `2026.9.30`. Written back as `YYYY-MM-DD`;
 * checked as `Date` is.
 */
export function parseFileDay(value: string, argument: string): string {
  const m = /^(\d{4})(?:[-/.]|\s*年\s*)(\d{1,2})(?:[-/.]|\s*月\s*)(\d{1,2})(?:\s*日)?$/.exec(value.trim());
  if (!m) {
    throw badInput(
      {
        zh: `${argument}“${quote(value)}”不是日期；请写成 YYYY-MM-DD，例如 2026-09-30。`,
        en: `${argument} "${quote(value)}" is not a date; write YYYY-MM-DD, e.g. 2026-09-30.`,
      },
      { argument, rule: 'dateFormat' },
    );
  }
  checkDay(value, m, { argument });
  return `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
}

const FILE_INSTANT = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * A point in time as a file row gives it (import): ISO 8601 as the API takes it, or as spreadsheets write it,
 * `2026-09-30 20:00`, `2026/9/30 20:00:00`, a day alone. A spreadsheet cell has no time zone and the XLSX
 * export writes China time, so a time without an offset is China time (UTC+8); a day alone is its midnight
 * there. The day and year are checked as for `DateTime`.
 */
export function parseFileInstant(value: string, argument: string): Date {
  const m = FILE_INSTANT.exec(value.trim());
  if (m) {
    checkDay(value, m, { argument });
    const [y, mo, d, h, mi, sec] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [number, number, number, number, number, number];
    if (h <= 23 && mi <= 59 && sec <= 59) {
      const pad = (n: number, w = 2) => String(n).padStart(w, '0');
      // An offset as PostgreSQL writes it (+08), or ±HH:MM, or ±HHMM.
      const zone = m[8] === undefined ? '+08:00' : m[8] === 'Z' ? 'Z' : `${m[8].slice(0, 3)}:${m[8].length > 3 ? m[8].slice(-2) : '00'}`;
      const t = new Date(`${pad(y, 4)}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(sec)}${m[7] ?? ''}${zone}`);
      if (!Number.isNaN(t.getTime())) return t;
    }
  }
  throw badInput(
    {
      zh: `${argument}“${quote(value)}”不是日期时间；请写成例如 2026-09-30 20:00（北京时间）或带时区的 2026-09-30T20:00:00+08:00。`,
      en: `${argument} "${quote(value)}" is not a date-time; write e.g. 2026-09-30 20:00 (China time) or 2026-09-30T20:00:00+08:00 with an offset.`,
    },
    { argument, rule: 'dateTimeFormat' },
  );
}

/**
 * A point in time as people in China read it: ISO 8601 in China Standard Time,
 * `2026-09-30T20:00:00.000+08:00`. Same instant as the UTC form; the calendar day
 * it shows is the day in China (a case reported at 01:20 on 30 September is not
 * shown as 29 September).
 */
export function chinaTime(value: Date | string): string {
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) throw new TypeError(`not a point in time: ${String(value)}`);
  return new Date(d.getTime() + CHINA_OFFSET_MS).toISOString().replace('Z', '+08:00');
}

/** A point in time to the minute, as China's clocks read it (2026-12-04 20:30), for messages people read. */
export const chinaMinute = (value: Date | string): string => chinaTime(value).slice(0, 16).replace('T', ' ');

export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'A point in time, ISO 8601 with the China offset (+08:00).',
  serialize: (v) => chinaTime(v instanceof Date ? v : String(v)),
  parseValue: parseDateTime,
  parseLiteral: (ast) => parseDateTime(ast.kind === Kind.STRING ? ast.value : undefined),
});

/**
 * Every custom scalar of the API, as the subgraphs parse it. The gateway checks variables of these types with the
 * same definitions (gateway/src/scalar-variables.ts), so a scalar added to a schema belongs here too.
 */
export const SCALARS: readonly GraphQLScalarType[] = [DateScalar, DateTimeScalar];

/** Parses a record id argument (`ID`): a positive integer. */
export function parseId(value: string | number, argument = 'id'): number {
  const digits = typeof value === 'number' ? '' : halfWidth(value);
  const n = typeof value === 'number' ? value : /^\d{1,10}$/.test(digits) ? Number(digits) : NaN;
  if (!Number.isSafeInteger(n) || n <= 0 || n > 2_147_483_647) {
    throw badInput(
      { zh: `${argument}${shown(value, 'zh')}不是记录编号。`, en: `${argument} ${shown(value)} is not a record id.` },
      { argument, rule: 'recordId' },
    );
  }
  return n;
}
