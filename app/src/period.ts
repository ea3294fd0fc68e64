/// <reference lib="dom" />
/**
 * The period the page's figures cover (统计期), chosen in the header's list, and the calendar it is reckoned by,
 * which moves on when a page left open passes midnight.
 */
import { esc, lastTwelveMonths, monthLabel, monthRange, todayCst } from './format.ts';
import { periodNote, periodSelect, reroute, unknownNotice } from './page.ts';

export interface Period {
  key: string;
  label: string;
  from: string;
  to: string;
}
/** Today in China; a tab left open past midnight moves on with it (followCalendar). */
export let today = todayCst();
/** The trend chart's twelve months (m0…m11), oldest first: this month, so far, and the eleven before it. */
export let months = lastTwelveMonths(today);
let thisMonth = months[11]!;
/**
 * 近12个月 covers the chart's twelve months, so its figures are the sum of the
 * chart's bars; as this month is only partly past, the label says it is in
 * (README "The analysis room").
 */
export const LAST_TWELVE = '近12个月（含本月）';
/** The trend chart, as its description for screen readers names it. */
export const TREND = `${LAST_TWELVE}受理、化解件数与化解率`;
/** A month as the page names it; this month is named as so far (至今). */
export const monthName = (m: string) => (m === thisMonth ? `${monthLabel(m)}（至今）` : monthLabel(m));
const QUARTER_ZH = ['一', '二', '三', '四'];
const pad2 = (n: number) => String(n).padStart(2, '0');
const lastDayOf = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/**
 * A year (2025), quarter (2026Q3) or month (202609) by the API's period shorthand, which is also its key in the list
 * and in the page's address (?period=2026Q3); one still running ends today and says so (至今). Null for no such
 * period, or one that has not begun.
 */
function shorthand(key: string): Period | null {
  const m = /^(\d{4})(?:Q([1-4])|(0[1-9]|1[0-2]))?$/.exec(key);
  if (!m) return null;
  const y = Number(m[1]);
  const [first, last] = m[2] ? [Number(m[2]) * 3 - 2, Number(m[2]) * 3] : m[3] ? [Number(m[3]), Number(m[3])] : [1, 12];
  const from = `${y}-${pad2(first)}-01`;
  const end = `${y}-${pad2(last)}-${pad2(lastDayOf(y, last))}`;
  if (y < 2000 || from > today) return null;
  const running = end >= today;
  const name = m[2] ? `${y}年第${QUARTER_ZH[Number(m[2]) - 1]}季度` : m[3] ? monthLabel(key) : `${y}年度`;
  return { key, label: running ? `${name}（至今）` : name, from, to: running ? today : end };
}

/** This quarter and the quarters before it back to the start of last year, newest first. */
function quarterKeys(): string[] {
  const y = Number(today.slice(0, 4));
  const q = Math.ceil(Number(today.slice(5, 7)) / 3);
  return Array.from({ length: q + 4 }, (_, i) => {
    const k = y * 4 + (q - 1) - i;
    return `${Math.floor(k / 4)}Q${(k % 4) + 1}`;
  });
}

/** The list's groups: 近12个月 and the years (this one so far, the last), the quarters, the chart's months. */
const groupsOf = (): { label: string; periods: Period[] }[] => {
  const y = Number(today.slice(0, 4));
  return [
    {
      label: '年度',
      periods: [{ key: 'last12', label: LAST_TWELVE, from: monthRange(months[0]!).from, to: today }, shorthand(String(y))!, shorthand(String(y - 1))!],
    },
    { label: '季度', periods: quarterKeys().map((k) => shorthand(k)!) },
    {
      label: '月份',
      periods: months
        .slice()
        .reverse()
        .map((m) => shorthand(m)!),
    },
  ];
};
let GROUPS = groupsOf();
let PERIODS = GROUPS.flatMap((g) => g.periods);
/**
 * Fills the period list. A period the address names that the list lacks (a month of two years ago, from a link a
 * colleague sent) is added at its head; a month no longer in it (kept from before a month's end) gives way to the
 * default.
 */
function fillPeriods(wanted: string | null): void {
  const extra = wanted && !PERIODS.some((p) => p.key === wanted) ? shorthand(wanted) : null;
  const groups = extra ? [{ label: '链接所指', periods: [extra] }, ...GROUPS] : GROUPS;
  PERIODS = groups.flatMap((g) => g.periods);
  periodSelect.innerHTML = groups
    .map((g) => `<optgroup label="${esc(g.label)}">${g.periods.map((p) => `<option value="${p.key}">${esc(p.label)}</option>`).join('')}</optgroup>`)
    .join('');
  periodSelect.value = PERIODS.some((p) => p.key === wanted) ? wanted! : 'last12';
  showPeriodInAddress();
}
/**
 * The address names the period shown (?period=2026Q3), so a link or bookmark opens the same figures; the address's
 * other settings (?pageSize=) stay as they are.
 */
function showPeriodInAddress(): void {
  const params = new URLSearchParams(location.search);
  if (periodSelect.value === 'last12') params.delete('period');
  else params.set('period', periodSelect.value);
  const search = params.size ? `?${params}` : '';
  if (location.search !== search) history.replaceState(history.state, '', `${location.pathname}${search}${location.hash}`);
}
const asked = new URLSearchParams(location.search).get('period');
fillPeriods(asked ?? sessionStorage.getItem('hub.period'));
// A period the address names that is none (2026Q5, a month not yet begun) gives way to the default, and the page says so.
if (asked && periodSelect.value !== asked) {
  periodNote.innerHTML = unknownNotice('统计期', asked, LAST_TWELVE);
  periodNote.hidden = false;
}
export const period = (): Period => PERIODS.find((p) => p.key === periodSelect.value) ?? PERIODS[0]!;
/**
 * 近12个月 and the years compare with a year ago only (同比): 近12个月's previous period is the year before, a year ago
 * itself, and 环比 of a year so far would set it against the last months of the year before, a season's swing.
 */
export const yearLong = (p: Period) => p.key === 'last12' || /^\d{4}$/.test(p.key);
let periodTimer: ReturnType<typeof setTimeout> | undefined;
periodSelect.addEventListener('change', () => {
  periodNote.hidden = true;
  sessionStorage.setItem('hub.period', periodSelect.value);
  showPeriodInAddress();
  // Arrow keys on a closed list change it once per press: the view follows where they stop.
  clearTimeout(periodTimer);
  periodTimer = setTimeout(reroute, 300);
});

/**
 * The trend's months: m0…m10 by period, and this month (m11) from its first day to today, so that its 环比 and 同比
 * compare the same days of last month and of this month a year ago, not whole months with a month only partly past.
 */
const monthVarsOf = () => ({
  ...(Object.fromEntries(months.slice(0, 11).map((m, i) => [`m${i}`, m])) as Record<`m${0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10}`, string>),
  thisMonthFrom: monthRange(thisMonth).from,
  today,
});
export let monthVars = monthVarsOf();

/** Whether China's day is no longer the one the page reckons by. */
export const dayChanged = (): boolean => todayCst() !== today;

/** A page left open past midnight (a duty room's wall screen) counts the new day, and past a month's end the new month. */
export function followCalendar(): void {
  const now = todayCst();
  if (now === today) return;
  today = now;
  months = lastTwelveMonths(today);
  thisMonth = months[11]!;
  GROUPS = groupsOf();
  PERIODS = GROUPS.flatMap((g) => g.periods);
  monthVars = monthVarsOf();
  fillPeriods(periodSelect.value);
}
/** A period change still waiting gives way to a route that reads the period itself. */
export function cancelPeriodChange(): void {
  clearTimeout(periodTimer);
}
