import { badInput } from '../../../../platform/errors.ts';

/**
 * Newest-first lists page on (time, id) (docs/ARCHITECTURE.md, "Conventions"):
 * the cursor holds `<ISO time>|<id>` of the page's last row, and the next page
 * takes the rows with `(time, id) < (?, ?)`, so rows sharing a time are never
 * skipped. Times are written with millisecond precision, as the cursor keeps them.
 */
export const timeIdKey = (at: Date | string, id: string | number): string => `${new Date(at).toISOString()}|${id}`;

/** The (time, id) a page starts after, from the decoded cursor; BAD_USER_INPUT when it is not one of ours. */
export function afterTimeId(after: string | undefined, id: RegExp): { at: Date; id: string } | null {
  if (after === undefined) return null;
  const bar = after.lastIndexOf('|');
  const at = new Date(bar > 0 ? after.slice(0, bar) : '');
  const key = after.slice(bar + 1);
  if (Number.isNaN(at.getTime()) || !id.test(key)) throw badInput('after: this is not a cursor returned by this field.', { argument: 'after' });
  return { at, id: key };
}
