import { badInput } from './errors.ts';

/** Required free text: trimmed, 1–max characters, else BAD_USER_INPUT naming the field. */
export function text(value: unknown, field: string, max = 200): string {
  const s = typeof value === 'string' ? value.trim() : '';
  if (!s || s.length > max) throw badInput(`${field} must be 1–${max} characters.`, { argument: field });
  return s;
}

/** Optional free text: null when absent. */
export const optText = (v: unknown, field: string, max = 200): string | null => (v == null ? null : text(v, field, max));

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A dispute id (UUID), lower-cased. */
export function disputeId(id: string, argument = 'id'): string {
  if (!UUID.test(id)) throw badInput(`${argument} "${id}" is not a dispute id.`, { argument });
  return id.toLowerCase();
}
