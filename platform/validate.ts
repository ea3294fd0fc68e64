import { badInput } from '../domain/errors.ts';

/**
 * Required free text: trimmed, 1–max characters, else BAD_USER_INPUT naming the field. A NUL character is
 * refused too: PostgreSQL cannot store one, and a file being imported that holds one is not text.
 */
export function text(value: unknown, field: string, max = 200): string {
  const s = typeof value === 'string' ? value.trim() : '';
  if (!s || s.length > max) throw badInput({ zh: `${field} 须为 1–${max} 个字符。`, en: `${field} must be 1–${max} characters.` }, { argument: field });
  if (s.includes('\u0000')) {
    throw badInput(
      { zh: `${field} 含有 NUL 字符（\\u0000），无法保存。`, en: `${field} holds a NUL character (\\u0000), which cannot be stored.` },
      { argument: field },
    );
  }
  return s;
}

/** Optional free text: null when absent. */
export const optText = (v: unknown, field: string, max = 200): string | null => (v == null ? null : text(v, field, max));

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A dispute id (UUID), lower-cased. */
export function disputeId(id: string, argument = 'id'): string {
  if (!UUID.test(id)) throw badInput({ zh: `${argument}“${id}”不是纠纷编号。`, en: `${argument} "${id}" is not a dispute id.` }, { argument });
  return id.toLowerCase();
}
