import { GraphQLScalarType, Kind } from 'graphql';
import { isRealDate } from '../domain/citizen-id.ts';
import { FIRST_YEAR, LAST_YEAR } from '../domain/periods.ts';
import { badInput } from '../domain/errors.ts';

const inYears = (y: number) => y >= FIRST_YEAR && y <= LAST_YEAR;

/**
 * `Date`: ISO 8601 calendar date `YYYY-MM-DD`, kept as a string. A real day of a year the hub's facts can
 * have (domain/periods.ts FIRST_YEAR–LAST_YEAR): 0000-01-01 or 9999-12-31 are typing mistakes.
 */
function parseDate(value: unknown): string {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const [y, m, d] = value.split('-').map(Number) as [number, number, number];
    if (isRealDate(y, m, d) && inYears(y)) return value;
  }
  throw badInput({
    zh: `${shown(value)} 不是 ${FIRST_YEAR}–${LAST_YEAR} 年间的日期；请写成 YYYY-MM-DD，例如 "2026-09-30"。`,
    en: `${shown(value)} is not a date of ${FIRST_YEAR}–${LAST_YEAR}; write YYYY-MM-DD, e.g. "2026-09-30".`,
  });
}

/** A value as an error message quotes it: JSON, cut short. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
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
  if (m && isRealDate(Number(m[1]), Number(m[2]), Number(m[3])) && inYears(Number(m[1]))) {
    const d = new Date(value as string);
    if (!Number.isNaN(d.getTime())) return d;
  }
  throw badInput({
    zh: `${shown(value)} 不是 ${FIRST_YEAR}–${LAST_YEAR} 年间的时间；请写成带时区的 ISO 8601，例如 "2026-09-30T20:00:00+08:00"。`,
    en: `${shown(value)} is not a date-time of ${FIRST_YEAR}–${LAST_YEAR}; write ISO 8601 with an offset, e.g. "2026-09-30T20:00:00+08:00".`,
  });
}

/** China Standard Time: UTC+8 all year (no daylight saving since 1991). */
const CHINA_OFFSET_MS = 8 * 3_600_000;

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

export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'A point in time, ISO 8601 with the China offset (+08:00).',
  serialize: (v) => chinaTime(v instanceof Date ? v : String(v)),
  parseValue: parseDateTime,
  parseLiteral: (ast) => parseDateTime(ast.kind === Kind.STRING ? ast.value : undefined),
});

/** Parses a record id argument (`ID`): a positive integer. */
export function parseId(value: string | number, argument = 'id'): number {
  const n = typeof value === 'number' ? value : /^\d{1,10}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n <= 0 || n > 2_147_483_647) {
    throw badInput({ zh: `${argument} ${shown(value)} 不是记录编号。`, en: `${argument} ${shown(value)} is not a record id.` }, { argument });
  }
  return n;
}
