/** China Standard Time: UTC+8 all year (no daylight saving since 1991). */
export const CHINA_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

// Worked out once a day rather than for every ID number of a bulk import.
let today = { day: '', until: 0 };

/**
 * The calendar day in China of an instant (now by default), YYYY-MM-DD: the
 * day a grid worker, a birth certificate and a period of statistics mean. A
 * day taken from UTC is the previous one until 08:00 in China.
 */
export function chinaDay(at: Date | number = Date.now()): string {
  const ms = typeof at === 'number' ? at : at.getTime();
  if (typeof at === 'number' && ms >= today.until - DAY_MS && ms < today.until) return today.day;
  const day = new Date(ms + CHINA_OFFSET_MS).toISOString().slice(0, 10);
  if (typeof at === 'number') today = { day, until: ms - ((ms + CHINA_OFFSET_MS) % DAY_MS) + DAY_MS };
  return day;
}
