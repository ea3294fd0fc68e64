/// <reference lib="dom" />
/**
 * The period the page's figures cover (统计期), chosen in the header's list, and the calendar it is reckoned by,
 * which moves on when a page left open passes midnight.
 */
import { esc, lastTwelveMonths, monthLabel, monthRange, todayCst } from './format.ts';
import { periodSelect, reroute } from './page.ts';

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
const periodsOf = (): Period[] => [
  { key: 'last12', label: LAST_TWELVE, from: monthRange(months[0]!).from, to: today },
  { key: 'year', label: `${today.slice(0, 4)}年度`, from: `${today.slice(0, 4)}-01-01`, to: today },
  ...months
    .slice()
    .reverse()
    .map((m) => {
      const r = monthRange(m);
      return { key: m, label: monthName(m), from: r.from, to: r.to < today ? r.to : today };
    }),
];
let PERIODS = periodsOf();
/** Fills the period list; a month no longer in it (kept from before a month's end) gives way to the default. */
function fillPeriods(wanted: string | null): void {
  periodSelect.innerHTML = PERIODS.map((p) => `<option value="${p.key}">${esc(p.label)}</option>`).join('');
  periodSelect.value = PERIODS.some((p) => p.key === wanted) ? wanted! : 'last12';
}
fillPeriods(sessionStorage.getItem('hub.period'));
export const period = (): Period => PERIODS.find((p) => p.key === periodSelect.value) ?? PERIODS[0]!;
/**
 * 近12个月 and 年度 compare with a year ago only (同比): 近12个月's previous period is the year before, a year ago
 * itself, and 环比 of a year so far would set it against the last months of the year before, a season's swing.
 */
export const yearLong = (p: Period) => p.key === 'last12' || p.key === 'year';
let periodTimer: ReturnType<typeof setTimeout> | undefined;
periodSelect.addEventListener('change', () => {
  sessionStorage.setItem('hub.period', periodSelect.value);
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
  PERIODS = periodsOf();
  monthVars = monthVarsOf();
  fillPeriods(periodSelect.value);
}
/** A period change still waiting gives way to a route that reads the period itself. */
export function cancelPeriodChange(): void {
  clearTimeout(periodTimer);
}
