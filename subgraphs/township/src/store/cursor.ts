import { badInput } from '../../../../platform/errors.ts';

/**
 * Newest-first lists page on (time, id) (docs/ARCHITECTURE.md, "Conventions"):
 * the cursor holds `<ISO time>|<id>` of the page's last row, with all the
 * precision PostgreSQL keeps (microseconds, as now() writes them), and the
 * next page takes the rows with `(time, id) < (?, ?)`, so rows sharing a time
 * are never skipped.
 */
export function timeIdKey(at: Date | string, id: string | number): string {
  if (at instanceof Date) return `${at.toISOString()}|${id}`;
  // PostgreSQL's text form, `2026-11-12 12:12:12.123456+00`, made ISO 8601.
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?)(?:(Z)|([+-]\d{2}):?(\d{2})?)$/.exec(at);
  return `${m ? `${m[1]}T${m[2]}${m[3] ?? `${m[4]}:${m[5] ?? '00'}`}` : new Date(at).toISOString()}|${id}`;
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/;

/** The (time, id) a page starts after, from the decoded cursor; BAD_USER_INPUT when it is not one of ours. */
export function afterTimeId(after: string | undefined, id: RegExp): { at: string; id: string } | null {
  if (after === undefined) return null;
  const bar = after.lastIndexOf('|');
  const at = after.slice(0, Math.max(bar, 0));
  const key = after.slice(bar + 1);
  if (bar < 0 || !ISO.test(at) || Number.isNaN(Date.parse(at)) || !id.test(key)) {
    throw badInput('after: this is not a cursor returned by this field.', { argument: 'after' });
  }
  return { at, id: key };
}
