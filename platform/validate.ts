import { badInput, quote } from '../domain/errors.ts';
import { halfWidth } from '../domain/half-width.ts';

/**
 * Required free text: trimmed, not blank (`isBlank`: only spaces or invisible characters), 1–max characters counted as
 * people count them (an emoji or a rare character outside the basic plane is one, as in personName), else
 * BAD_USER_INPUT naming the field. A NUL character is refused too:
 * PostgreSQL cannot store one, and a file being imported that holds one is not text. So are other control characters
 * than the tab and line breaks, and a start as a spreadsheet formula's (`=`, `+`, `-`, `@`).
 */
export function text(value: unknown, field: string, max = 200): string {
  const s = stepNote(value, field, max);
  // Text goes into CSV exports that people open in spreadsheets, which run a cell starting so as a formula
  // (=HYPERLINK(…) sends the reader elsewhere). An export must re-import unchanged, so it cannot escape the cell:
  // such text is refused when written, by a form and a file row alike, as a name is.
  if (FORMULA_START.test(s)) {
    throw badInput(
      {
        zh: `${field}“${quote(s)}”不能以 = + - @ 开头：表格程序会把它当作公式。`,
        en: `${field} "${quote(s)}" must not start with = + - @: a spreadsheet would read it as a formula.`,
      },
      { argument: field, rule: 'formulaStart' },
    );
  }
  return s;
}

/**
 * A case step's note (a mediation record, an escalation's reason, a department's 反馈, a 督办 order): prose kept on
 * the case's timeline, which no file carries (exports and imports hold cases, not their steps). Desks write such
 * notes as lists ("- 已电话联系双方"), so a note may start as a formula does; otherwise it is checked as `text`.
 * An export that ever carries notes must make such a start harmless itself.
 */
/**
 * Text with each line break as one \n however it was typed (Windows' \r\n, an old Mac's \r): a spreadsheet saves a
 * cell's break as \n, so a \r\n kept would read as an edit each time the sheet came back.
 */
export const lineBreaksAsLf = (s: string): string => s.replace(/\r\n?/g, '\n');

export function stepNote(value: unknown, field: string, max = 2000): string {
  const s = keyText(typeof value === 'string' ? lineBreaksAsLf(value) : value, field, max);
  // A bell or a terminal escape (ESC[31m) is no part of what a person wrote, and garbles a terminal or a sheet showing it.
  if (CONTROL.test(s)) {
    throw badInput(
      { zh: `${field} 含有控制字符（如响铃、转义），无法保存。`, en: `${field} holds a control character (a bell, an escape, …), which is not stored.` },
      { argument: field, rule: 'controlCharacter' },
    );
  }
  return s;
}

const FORMULA_START = /^[=+\-@]/;
/** Control characters other than the tab and line breaks free text may hold. */
const CONTROL = /[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/**
 * Text that shows nothing: empty, or only whitespace (spaces of any width, line breaks), format characters (\p{Cf}: a
 * zero-width space or joiner, a BOM, a soft hyphen, …), other characters Unicode says to draw as nothing (Hangul
 * fillers, variation selectors) and the blank braille pattern. Such text saved as a summary or a note shows a blank
 * line; within visible text these characters are left as they are.
 */
const INVISIBLE_ONLY = /^[\s\p{Cf}\p{Default_Ignorable_Code_Point}\u2800]*$/u;
const isBlank = (s: string): boolean => INVISIBLE_ONLY.test(s);

/**
 * Refuses required text that is blank (`isBlank`): a value left out, as a file's empty cell is, so refused under the
 * rule a missing required value breaks, whichever kind of text it was meant to be (a note, a name).
 */
function refuseBlank(value: unknown, field: string): void {
  if (typeof value === 'string' && isBlank(value))
    throw badInput({ zh: `${field} 不能为空白。`, en: `${field} must not be blank.` }, { argument: field, rule: 'required' });
}

/** A client's own key (an idempotency key): checked as text, but never shown in a spreadsheet, so it may start with anything. */
export function keyText(value: unknown, field: string, max = 200): string {
  refuseBlank(value, field);
  const s = typeof value === 'string' ? value.trim() : '';
  if (!s || (s.length > max && [...s].length > max))
    throw badInput({ zh: `${field} 须为 1–${max} 个字符。`, en: `${field} must be 1–${max} characters.` }, { argument: field, rule: 'textLength' });
  if (s.includes('\u0000')) {
    throw badInput(
      { zh: `${field} 含有 NUL 字符（\\u0000），无法保存。`, en: `${field} holds a NUL character (\\u0000), which cannot be stored.` },
      { argument: field, rule: 'nulCharacter' },
    );
  }
  // Direction overrides make text read otherwise than it is stored (a name shown reversed in a list).
  if (BIDI_OVERRIDE.test(s)) {
    throw badInput(
      { zh: `${field} 含有改变文字方向的控制字符，无法保存。`, en: `${field} holds a text-direction override character, which is not stored.` },
      { argument: field, rule: 'directionOverride' },
    );
  }
  return s;
}

const BIDI_OVERRIDE = /[\u202a-\u202e\u2066-\u2069]/;

/**
 * A person's name (a resident, a party, grid staff, a mediator): 1–`max` characters counted as people count them
 * (a rare character outside the basic plane is one, not two), at least one letter, no control or invisible
 * formatting characters (a line break, a zero-width space), no emoji or other symbols (★, ☎: no name in the
 * household register holds one, so it is a slip or a nickname; nor ① or ²), and not starting as a spreadsheet formula does
 * (`=`, `+`, `-`, `@`): the name goes into exports that people open. 维吾尔族 names keep their middle dot (·).
 */
/**
 * The separator of a transliterated name (阿卜杜·热合曼) as the household register writes it, whichever look-alike an
 * input method typed (・ • ‧ ･ ﹒ ． ⋅ ∙), so the same person's name is one string, stored and searched alike.
 */
export const nameDots = (s: string): string => s.replace(/[\u30fb\u2022\u2027\uff65\ufe52\uff0e\u22c5\u2219]/g, '·');

export function personName(value: unknown, field: string, max = 50): string {
  refuseBlank(value, field);
  const s = typeof value === 'string' ? nameDots(value.trim()) : '';
  const chars = [...s].length;
  if (!s || chars > max)
    throw badInput({ zh: `${field} 须为 1–${max} 个字符。`, en: `${field} must be 1–${max} characters.` }, { argument: field, rule: 'textLength' });
  if (/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{So}\p{No}\p{Extended_Pictographic}]/u.test(s) || !/\p{L}/u.test(s) || FORMULA_START.test(s)) {
    throw badInput(
      {
        zh: `${field}“${quote(s)}”不像姓名：姓名须含文字，不能含换行、不可见字符、表情或符号，也不能以 = + - @ 开头。`,
        en: `${field} "${quote(s)}" is not a name: a name has letters, no line breaks, invisible characters, emoji or symbols, and does not start with = + - @.`,
      },
      { argument: field, rule: 'personName' },
    );
  }
  return s;
}

/** Optional free text: null when absent, and when sent empty or blank (what an empty box of a form sends; `isBlank`). */
export const optText = (v: unknown, field: string, max = 200): string | null =>
  v == null || (typeof v === 'string' && isBlank(v)) ? null : text(v, field, max);

/**
 * A list filter's text as a search box sends it: null when left out, empty or blank, since an emptied box means no
 * filter (refused, it would take the whole division's answer with it: a list is a non-null field).
 */
export const filterGiven = (v: string | null | undefined): string | null => (v == null || isBlank(v) ? null : v);

/** An optional case step's note (`stepNote`): null when left out or blank (`isBlank`). */
export const optStepNote = (v: unknown, field: string, max = 2000): string | null =>
  v == null || (typeof v === 'string' && isBlank(v)) ? null : stepNote(v, field, max);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A dispute id (UUID), lower-cased. */
export function disputeId(given: string, argument = 'id'): string {
  // Typed by a Chinese input method, its digits, letters and dashes may be full-width.
  const id = halfWidth(given);
  if (!UUID.test(id)) {
    // A desk knows a case by its 案件编号 (623021-2026-000123) and may paste it here: the message says how to get from
    // that number to the id (Dispute.id, a UUID) the mutations take.
    const number = caseNumberIn(given);
    throw badInput(
      number
        ? {
            zh: `${argument}“${quote(given)}”是案件编号，不是纠纷的系统编号（Dispute.id，如 7d32e7a6-91b8-461b-b4a9-ad5c1dd0c6ee）：请先在案件列表中以 filter: { caseNumber: "${number}" } 查到该案件的 id。`,
            en: `${argument} "${quote(given)}" is a case number, not a dispute id (Dispute.id, e.g. 7d32e7a6-91b8-461b-b4a9-ad5c1dd0c6ee): find the case's id first with filter: { caseNumber: "${number}" } on a case list.`,
          }
        : {
            zh: `${argument}“${quote(given)}”不是纠纷的系统编号（Dispute.id，如 7d32e7a6-91b8-461b-b4a9-ad5c1dd0c6ee）。`,
            en: `${argument} "${quote(given)}" is not a dispute id (Dispute.id, e.g. 7d32e7a6-91b8-461b-b4a9-ad5c1dd0c6ee).`,
          },
      { argument, rule: 'disputeId' },
    );
  }
  return id.toLowerCase();
}

/**
 * A list of values to keep (a filter's `status`, `tags`, a feed's `kinds`) given empty: refused rather than read as
 * "all", which is what leaving it out means, so that a filter a desk emptied (every status deselected) never widens
 * to every record and its counts. A write's list of what to change (`write`: tagPerson's tags) given empty is refused
 * too: it would change nothing yet answer as a change made.
 */
export function listGiven(values: readonly unknown[] | null | undefined, argument: string, use: 'filter' | 'write' = 'filter'): void {
  if (values?.length === 0) {
    throw badInput(
      use === 'filter'
        ? {
            zh: `${argument} 为空：空列表不表示“全部”，请至少选择一项；要读取全部，请不传此项。`,
            en: `${argument} is empty: an empty list does not mean "all"; name at least one value, or leave ${argument} out for all.`,
          }
        : {
            zh: `${argument} 为空：请至少给出一项要修改的值。`,
            en: `${argument} is empty: name at least one value to change.`,
          },
      { argument },
    );
  }
}

/** A case number as the county numbers its cases: 县代码-年份-六位序号 (623021-2026-000123); BAD_USER_INPUT otherwise. */
export function caseNumberOf(value: string, argument: string): string {
  const n = caseNumberIn(value);
  if (n === null) {
    const given = caseNumberWritten(value);
    throw badInput(
      {
        zh: `${argument} 应为案件编号（县代码-年份-六位序号，如 623021-2026-000123），收到的是“${quote(given)}”。`,
        en: `${argument} must be a case number (county code-year-six digits, e.g. 623021-2026-000123); got "${quote(given)}".`,
      },
      { argument, rule: 'caseNumberFormat' },
    );
  }
  return n;
}

// Typed with a Chinese input method: full-width digits and dashes (６２３０２１－２０２６－０００１２３) read the same.
const caseNumberWritten = (value: string): string => halfWidth(value.trim()).replace(/[—–]/g, '-');

/** The case number `value` is, as the county numbers its cases (`caseNumberOf`'s reading), or null when it is none. */
function caseNumberIn(value: string): string | null {
  const n = caseNumberWritten(value);
  return /^\d{6}-\d{4}-\d{6}$/.test(n) ? n : null;
}

/** The clock skew allowed between a caller's device and the hub when a time must not be later than another. */
export const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * When a dispute happened (occurredAt on a form, occurred_at in a file) is not in the future: five minutes of clock
 * skew between a caller's device and the hub are allowed.
 */
export function occurredNotInFuture(at: Date | null, argument: string, now = new Date()): void {
  if (at && at.getTime() > now.getTime() + CLOCK_SKEW_MS) {
    throw badInput({ zh: `${argument}（发生时间）不能晚于当前时间。`, en: `${argument} is in the future.` }, { argument, rule: 'occurredInFuture' });
  }
}
