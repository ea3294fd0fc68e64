import { chinaDay } from './china-day.ts';
import { isRealDate } from './citizen-id.ts';
import { badInput, quote } from './errors.ts';

/**
 * Reporting periods. Provincial tools ask by ISO-style shorthand: a year
 * (`2026`), a quarter (`2026Q3`), a month (`202609` or `2026-09`); or by
 * explicit inclusive dates. Comparisons: the previous period of the same
 * kind (the quarter before, or the same number of days before), and the same
 * period a year earlier.
 */
export interface Period {
  from: string;
  to: string;
  /** How the period was given, so `previous` can step by whole months. */
  months?: number;
  /**
   * A window from a month's first day to a day before a later (or the same)
   * month's end, such as month-to-date: the months it touches. `previous`
   * steps back by them and keeps the window's days, so 2026-12-01..05 is
   * compared with 2026-11-01..05, not with the five days before it.
   */
  touches?: number;
}

const pad = (n: number) => String(n).padStart(2, '0');
const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
const iso = (d: Date) => d.toISOString().slice(0, 10);

function monthsPeriod(y: number, m: number, months: number): Period {
  const endMonth = m + months - 1;
  const ey = y + Math.floor((endMonth - 1) / 12);
  const em = ((endMonth - 1) % 12) + 1;
  return { from: `${y}-${pad(m)}-01`, to: `${ey}-${pad(em)}-${pad(lastDay(ey, em))}`, months };
}

/**
 * Years a period may touch. The hub's facts begin with the registry's oldest
 * birth dates and end with deadlines a few years ahead; anything outside is a
 * typing mistake (0000, 0001, 9999), refused before it reaches a date
 * computation or PostgreSQL's date range.
 */
export const FIRST_YEAR = 1900;
export const LAST_YEAR = 2100;

/**
 * A filter's days (`from`, `to`, inclusive) with either end left open: an open end is the edge of the years any period
 * may touch, not a date of its own.
 */
export const openEnds = (from: string | null | undefined, to: string | null | undefined): [string, string] => [
  from ?? `${FIRST_YEAR}-01-01`,
  to ?? `${LAST_YEAR}-12-31`,
];

function checkYear(year: number, argument: string, first = FIRST_YEAR): void {
  if (!(year >= first && year <= LAST_YEAR)) {
    const shown = String(year).padStart(4, '0');
    throw badInput(
      { zh: `${argument}：年份 ${shown} 不在 ${FIRST_YEAR}–${LAST_YEAR} 之间。`, en: `${argument}: the year ${shown} is outside ${FIRST_YEAR}–${LAST_YEAR}.` },
      { argument },
    );
  }
}

export function parsePeriodShorthand(text: string): Period {
  const s = text.trim().toUpperCase();
  // The year is judged once the shape is known: `99999` is no period at all, not the year 9999.
  const year = (y: string) => {
    checkYear(Number(y), 'period');
    return Number(y);
  };
  let m: RegExpExecArray | null;
  if ((m = /^(\d{4})$/.exec(s))) return monthsPeriod(year(m[1]!), 1, 12);
  if ((m = /^(\d{4})-?Q([1-4])$/.exec(s))) return monthsPeriod(year(m[1]!), (Number(m[2]) - 1) * 3 + 1, 3);
  if ((m = /^(\d{4})-?(\d{2})$/.exec(s)) && Number(m[2]) >= 1 && Number(m[2]) <= 12) return monthsPeriod(year(m[1]!), Number(m[2]), 1);
  throw badInput(
    {
      zh: `period“${quote(text)}”不是年份（2026）、季度（2026Q3）或月份（202609）。`,
      en: `period "${quote(text)}" is not a year (2026), quarter (2026Q3) or month (202609).`,
    },
    { argument: 'period' },
  );
}

/**
 * Periods already checked, by their arguments: a county drill-down asks each of its 163 divisions for the same
 * period, and checking it again for each (the dates parsed, the years bounded) showed in the village subgraph's
 * profile. The periods are frozen, as they are shared; at most KEPT_PERIODS are kept.
 */
const byShorthand = new Map<string, Readonly<Period>>();
const byDates = new Map<string, Map<string, Readonly<Period>>>();
let keptPeriods = 0;
const KEPT_PERIODS = 1_000;

/**
 * The period asked for: `period` shorthand, or both `from` and `to` (inclusive, at most ten years). A period that
 * starts after today (China time) is refused: its figures would all be 0, which a reporting tool could not tell from
 * a period in which nothing happened. An assessment may look ahead (`future`): next year's targets are a plan.
 */
export function resolvePeriod(
  args: { from?: string | null; to?: string | null; period?: string | null },
  { future = false }: { future?: boolean } = {},
): Readonly<Period> {
  const p = knownPeriod(args);
  const today = chinaDay();
  if (!future && p.from > today) {
    throw badInput(
      {
        zh: `统计期 ${p.from} 至 ${p.to} 尚未开始（今天是 ${today}，北京时间），没有可统计的数据。`,
        en: `The period ${p.from} to ${p.to} has not begun (today is ${today}, Beijing time): there is nothing to count yet.`,
      },
      { argument: args.period != null ? 'period' : 'from' },
    );
  }
  return p;
}

function knownPeriod(args: { from?: string | null; to?: string | null; period?: string | null }): Readonly<Period> {
  const { from, to, period } = args;
  // Only the two well-formed shapes are kept; anything else is checked (and refused) every time.
  const kept =
    period != null ? (from == null && to == null ? byShorthand.get(period) : undefined) : from != null && to != null ? byDates.get(from)?.get(to) : undefined;
  if (kept) return kept;
  const checked = Object.freeze(checkedPeriod(args));
  if (++keptPeriods > KEPT_PERIODS) {
    byShorthand.clear();
    byDates.clear();
    keptPeriods = 1;
  }
  if (period != null) byShorthand.set(period, checked);
  else {
    let tos = byDates.get(from!);
    if (!tos) byDates.set(from!, (tos = new Map()));
    tos.set(to!, checked);
  }
  return checked;
}

function checkedPeriod(args: { from?: string | null; to?: string | null; period?: string | null }): Period {
  if (args.period != null) {
    if (args.from != null || args.to != null) {
      throw badInput(
        { zh: '请给出 period，或同时给出 from 和 to，二者不能同时使用。', en: 'Give either period or from and to, not both.' },
        { argument: 'period' },
      );
    }
    return parsePeriodShorthand(args.period);
  }
  if (args.from == null || args.to == null) {
    throw badInput(
      { zh: '请给出 from 和 to（日期），或 period，如 2026、2026Q3 或 202609。', en: 'Give from and to (dates), or a period such as 2026, 2026Q3 or 202609.' },
      { argument: 'from' },
    );
  }
  checkDateRange(args.from, args.to);
  // Ten years to the day: from 2016-12-07 the latest `to` is 2026-12-06 (from 2016-02-29, 2026-02-28).
  const [y0, m0, d0] = args.from.split('-').map(Number) as [number, number, number];
  const latest = iso(new Date(Date.UTC(y0 + 10, m0 - 1, d0 - 1)));
  if (args.to > latest) {
    throw badInput(
      {
        zh: `统计期间最长为十年：from 为 ${args.from} 时，to 最晚为 ${latest}。`,
        en: `A period may span at most ten years: from ${args.from}, to may be ${latest} at the latest.`,
      },
      { argument: 'to' },
    );
  }
  // Dates from a month's first day to a month's last are whole months, as `period` would give them: 环比 of
  // 2026-02-01..2026-02-28 is January, not the 28 days before.
  const [fy, fm, fd] = args.from.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = args.to.split('-').map(Number) as [number, number, number];
  const touches = ty * 12 + tm - (fy * 12 + fm) + 1;
  if (fd === 1 && td === lastDay(ty, tm)) return monthsPeriod(fy, fm, touches);
  if (fd === 1) return { from: args.from, to: args.to, touches };
  return { from: args.from, to: args.to };
}

/**
 * Two real dates (YYYY-MM-DD, years 1900–2100), `from` not after `to`, with no limit on the span between them: a
 * filter of records (the audit log's) rather than a statistics period.
 */
export function checkDateRange(from: string, to: string): void {
  for (const [argument, value] of [
    ['from', from],
    ['to', to],
  ] as const) {
    // The Date scalar checks these for GraphQL; a route's query parameters (reports) come here as they were typed.
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (!m || !isRealDate(Number(m[1]), Number(m[2]), Number(m[3]))) {
      throw badInput(
        {
          zh: `${argument}“${quote(value)}”不是真实存在的 YYYY-MM-DD 日期；请写成例如“2026-09-30”。`,
          en: `${argument} "${quote(value)}" is not a real date in the form YYYY-MM-DD; write e.g. "2026-09-30".`,
        },
        { argument },
      );
    }
    checkYear(Number(m[1]), argument);
  }
  if (from > to) {
    // The date in quotes, not in brackets: a Chinese message names `from` by its label (起始日期) and drops a bracketed
    // gloss after it (platform/argument-labels.ts), which would drop the date with it.
    throw badInput({ zh: `from“${from}”不能晚于截止日期 to“${to}”。`, en: `from (${from}) must not be after to (${to}).` }, { argument: 'from' });
  }
}

/** `date` moved back by `months` months, on the same day or the month's last when it has no such day (03-30 → 02-28). */
function monthsBefore(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const at = y * 12 + (m - 1) - months;
  const [by, bm] = [Math.floor(at / 12), (at % 12) + 1];
  return `${by}-${pad(bm)}-${pad(Math.min(d, lastDay(by, bm)))}`;
}

/**
 * The period just before: the previous month/quarter/year; for a window from
 * a month's first day (month-, quarter- or year-to-date) the same days of the
 * months before; otherwise as many days immediately before.
 */
export function previousPeriod(p: Period): Period {
  if (p.months) {
    const [y, m] = p.from.split('-').map(Number) as [number, number];
    const start = y * 12 + (m - 1) - p.months;
    return monthsPeriod(Math.floor(start / 12), (start % 12) + 1, p.months);
  }
  if (p.touches) return { from: monthsBefore(p.from, p.touches), to: monthsBefore(p.to, p.touches) };
  const days = Math.round((Date.parse(p.to) - Date.parse(p.from)) / 86_400_000) + 1;
  const to = new Date(Date.parse(p.from) - 86_400_000);
  return { from: iso(new Date(to.getTime() - (days - 1) * 86_400_000)), to: iso(to) };
}

/** The same period a year earlier (29 February becomes the 28th). */
export function yearAgo(p: Period): Period {
  const back = (d: string) => {
    const [y, m, day] = d.split('-').map(Number) as [number, number, number];
    return `${y - 1}-${pad(m)}-${pad(isRealDate(y - 1, m, day) ? day : lastDay(y - 1, m))}`;
  };
  if (p.months) {
    const [y, m] = p.from.split('-').map(Number) as [number, number];
    return monthsPeriod(y - 1, m, p.months);
  }
  return { from: back(p.from), to: back(p.to) };
}

/**
 * China Standard Time day boundaries of an inclusive date period. It may also
 * be one worked out from a period asked for (the one before it, the same a
 * year earlier, the 12 months before): of a period of 1900 that starts in 1899.
 */
export function periodBounds(from: string, to: string): [string, string] {
  checkYear(Number(from.slice(0, 4)), 'from', FIRST_YEAR - 1);
  checkYear(Number(to.slice(0, 4)), 'to', FIRST_YEAR - 1);
  const end = new Date(Date.parse(`${to}T00:00:00+08:00`) + 86_400_000).toISOString();
  return [new Date(Date.parse(`${from}T00:00:00+08:00`)).toISOString(), end];
}
