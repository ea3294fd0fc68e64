import { chinaDay } from '../../domain/china-day.ts';

/** Numbers as the page shows them: Chinese grouping, rates as percentages. */
export const num = (n: number): string => n.toLocaleString('zh-CN');
export const pct = (r: number): string => `${(r * 100).toFixed(1)}%`;
const CLOCK = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
/** A point in time as China's wall clock reads it, whatever the browser's zone, in the one form the page uses (2026-09-30 20:00). */
export const wallClock = (at: string): string => CLOCK.format(new Date(at));
/** A rate, or a dash when there is nothing to count it over (no case reported, none resolved): 0% would say the opposite. */
export const rateOf = (r: number, base: number): string => (base ? pct(r) : '—');

/** 环比/同比 as a signed percentage change, or a dash when the earlier figure is 0. */
export function change(now: number, before: number): string {
  if (!before) return now ? '新增' : '—';
  const d = ((now - before) / before) * 100;
  return `${d > 0 ? '+' : ''}${d.toFixed(1)}%`;
}

/** A rate's change in percentage points. */
export const points = (now: number, before: number): string => {
  const d = (now - before) * 100;
  return `${d > 0 ? '+' : ''}${d.toFixed(1)} 个百分点`;
};

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Text from the hub, safe inside HTML. */
export const esc = (s: string | number): string => String(s).replace(/[&<>"']/g, (c) => ESC[c]!);

/** Today in China Standard Time (the hub's dates are CST). */
export const todayCst = (): string => chinaDay();

const DAY_MS = 86_400_000;

/**
 * 超期天数 of a case: the days since the deadline it missed, a day begun counted whole (超期 1 天 from its first
 * minute past the deadline). Shown only for a case the hub calls overdue, from the deadline it says the case missed (`Dispute.overdueSince`).
 */
export const daysPast = (deadline: string, now = Date.now()): number => Math.max(1, Math.ceil((now - Date.parse(deadline)) / DAY_MS));

/**
 * 超期天数 of a hazard: the days after the day of its 整改期限 (both China Standard Time days): one due yesterday is
 * 1 day overdue today, as `Hazard.overdue` counts it overdue from the day after.
 */
export const daysPastDay = (day: string, today = todayCst()): number => Math.max(1, Math.round((Date.parse(today) - Date.parse(day)) / DAY_MS));

/** The 12 months ending with this one, oldest first, as period shorthands (202612). */
export function lastTwelveMonths(today: string): string[] {
  const y = Number(today.slice(0, 4));
  const m = Number(today.slice(5, 7));
  return Array.from({ length: 12 }, (_, i) => {
    const k = y * 12 + (m - 1) - (11 - i);
    return `${Math.floor(k / 12)}${String((k % 12) + 1).padStart(2, '0')}`;
  });
}

/** The first and last day of a month shorthand (202609). */
export function monthRange(month: string): { from: string; to: string } {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(4, 6));
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { from: `${y}-${String(m).padStart(2, '0')}-01`, to: `${y}-${String(m).padStart(2, '0')}-${String(last).padStart(2, '0')}` };
}

export const monthLabel = (month: string): string => `${month.slice(0, 4)}年${Number(month.slice(4, 6))}月`;
