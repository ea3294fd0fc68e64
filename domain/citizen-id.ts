import { chinaDay } from './china-day.ts';
import { badInput, quote } from './errors.ts';
import { readDivisions } from './divisions.ts';
import { halfWidth } from './half-width.ts';

/**
 * Citizen ID numbers (居民身份证号码, GB 11643-1999): 6-digit address code,
 * 8-digit birth date (YYYYMMDD), 3-digit sequence whose parity is the sex
 * (odd male, even female), and a check character: the sum of the first 17
 * digits times the weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, mod 11,
 * mapped onto "10X98765432".
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

export function checkCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * WEIGHTS[i]!;
  return CHECK[sum % 11]!;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function isRealDate(y: number, m: number, d: number): boolean {
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d) || y < 1 || m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (m === 2 && leap ? 29 : MONTH_DAYS[m - 1]!);
}

/**
 * The province codes (the address code's first two digits) of the division
 * directory (统计用区划代码, domain/divisions.ts): 11 北京市 … 65 新疆维吾尔自治区.
 * Read once, on the first ID number checked.
 */
let provinces: ReadonlySet<string> | undefined;
function provinceCodes(): ReadonlySet<string> {
  provinces ??= new Set(readDivisions('provinces', ['1', '2', '3', '4', '5', '6', '7', '8', '9']).map((p) => p.code));
  return provinces;
}

export interface ParsedCitizenId {
  idNumber: string;
  addressCode: string;
  birthDate: string; // YYYY-MM-DD
  gender: 'MALE' | 'FEMALE';
}

/**
 * A cell a spreadsheet was made to keep as text, as registers of ID numbers and phones are kept so that the program
 * does not turn them into numbers: with a leading apostrophe ('623021…) or as a formula giving the text
 * (="623021…", which a CSV saved for Excel carries literally). What is inside is the value; anything else is as given,
 * trimmed.
 */
export function spreadsheetText(raw: string): string {
  const v = raw.trim();
  const formula = /^=\s*"([^"]*)"$/.exec(v);
  return formula ? formula[1]!.trim() : v.replace(/^['’]/, '');
}

/**
 * Validates an ID number and says which rule it broke, naming it as the
 * caller knows it (`name`: a form's idNumber, a file's id_number). `asOf`
 * (default today) bounds the birth date (no one is born in the future or
 * before 1900).
 */
export function parseCitizenId(raw: string, asOf?: Date, name = 'idNumber'): ParsedCitizenId {
  // Full-width digits and Ｘ, as a Chinese input method types them (６２３０２１…Ｘ), are the same number, as a phone's
  // are; so is one written in groups (623021 19570408 375X), and one a spreadsheet kept as text (spreadsheetText).
  const id = spreadsheetText(halfWidth(raw))
    .replace(/[\s\u3000]+/g, '')
    .toUpperCase();
  const quoted = quote(raw);
  // `rule` names the broken rule for a program (idNumberCheckCharacter); the sentences say it for people.
  const fail = (rule: string, en: string, zh: string) =>
    badInput(
      { zh: `${name}“${quoted}”不是有效的公民身份号码：${zh}。`, en: `${name} "${quoted}" is not a valid citizen ID number: ${en}.` },
      { argument: name, rule },
    );
  if (id.includes('*')) throw masked(raw, name);
  // A spreadsheet that took the column for numbers shows an ID number as 6.23021E+17 and keeps only 15 digits of it:
  // the number is lost, and the cell must be typed again as text.
  if (/^\d(\.\d+)?E\+?\d+$/.test(id)) {
    throw fail(
      'idNumberAsNumber',
      'a spreadsheet turned it into a number (scientific notation) and lost its last digits; set the column to text and type the number again',
      '表格程序把它当成了数字（科学计数法），末几位已丢失；请把该列设为文本格式后重新填写',
    );
  }
  if (id.length !== 18) throw fail('idNumberLength', `it must be 18 characters long, not ${id.length}`, `应为 18 位，实际为 ${id.length} 位`);
  if (!/^\d{17}[\dX]$/.test(id))
    throw fail('idNumberCharacters', 'the first 17 characters must be digits and the last a digit or X', '前 17 位应为数字，最后一位应为数字或 X');
  const addressCode = id.slice(0, 6);
  if (!/^[1-9]\d[0-9]{4}$/.test(addressCode) || addressCode.endsWith('0000')) {
    throw fail('idNumberAddressCode', `its address code ${addressCode} is not a county-level division code`, `地址码 ${addressCode} 不是县级区划代码`);
  }
  if (!provinceCodes().has(addressCode.slice(0, 2))) {
    throw fail(
      'idNumberProvince',
      `its address code ${addressCode} names no province (no province has code ${addressCode.slice(0, 2)})`,
      `地址码 ${addressCode} 不属于任何省级行政区（没有代码为 ${addressCode.slice(0, 2)} 的省份）`,
    );
  }
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  if (!isRealDate(y, m, d))
    throw fail('idNumberBirthDate', `its birth date ${id.slice(6, 14)} is not a real date`, `出生日期 ${id.slice(6, 14)} 不是真实存在的日期`);
  const birthDate = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  if (y < 1900 || birthDate > chinaDay(asOf ?? Date.now())) {
    throw fail('idNumberBirthDate', `its birth date ${birthDate} is out of range`, `出生日期 ${birthDate} 超出合理范围`);
  }
  const expected = checkCharacter(id.slice(0, 17));
  if (id[17] !== expected) {
    // A spreadsheet keeps 15 significant digits of a number: the ID number comes back with its last three as 000.
    const rounded = id.endsWith('000');
    throw fail(
      'idNumberCheckCharacter',
      `its check character is ${id[17]} but the first 17 digits give ${expected}${rounded ? '; ending in 000, it may have been rounded by a spreadsheet that took the column for numbers (set it to text and type the number again)' : ''}`,
      `校验码为 ${id[17]}，但按前 17 位计算应为 ${expected}${rounded ? '；末三位为 000，可能被表格程序当作数字截断了（请把该列设为文本格式后重新填写）' : ''}`,
    );
  }
  return { idNumber: id, addressCode, birthDate, gender: Number(id[16]) % 2 === 1 ? 'MALE' : 'FEMALE' };
}

/** Builds a valid ID number (demo data and tests). `seq` is 0–999; its parity must match the sex. */
export function makeCitizenId(addressCode: string, birthDate: string, seq: number): string {
  const first17 = `${addressCode}${birthDate.replaceAll('-', '')}${String(seq).padStart(3, '0')}`;
  return first17 + checkCharacter(first17);
}

/** The first birth day of `nthCitizenId`'s numbers, and how many days they run over (80 years). */
const NTH_FIRST = Date.UTC(1940, 0, 1);
const NTH_DAYS = 80 * 365;

/**
 * The n-th of a run of distinct valid ID numbers under one address code (generated residents, benchmarks): n picks a
 * birth day from 1940 on and, every 80 years of days, the next pair of sequence numbers, whose parity is the sex. No
 * two n (with either sex) give the same number, for n below 500 × 80 × 365 (sequence numbers run to 999).
 */
export function nthCitizenId(addressCode: string, n: number, male: boolean): { idNumber: string; birthDate: string } {
  const birthDate = new Date(NTH_FIRST + (n % NTH_DAYS) * 86_400_000).toISOString().slice(0, 10);
  return { idNumber: makeCitizenId(addressCode, birthDate, Math.floor(n / NTH_DAYS) * 2 + (male ? 1 : 0)), birthDate };
}

/**
 * 623021************: the address code kept, everything after it hidden. A
 * caller without `pii` reads the birth date and the sex beside the number;
 * with the sequence and check character shown as well (the usual
 * 623021********123X), those give the whole number back.
 */
export function maskIdNumber(id: string | null | undefined): string | null {
  if (!id) return null;
  return id.length === 18 ? `${id.slice(0, 6)}${'*'.repeat(12)}` : '*'.repeat(id.length);
}

/** 138****5678. */
export function maskPhone(phone: string | null | undefined): string | null {
  if (!phone) return null;
  return phone.length >= 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : '*'.repeat(phone.length);
}

/**
 * A phone as people write it, reduced to its digits: full-width digits and
 * plus sign made ASCII; spaces, dashes, dots and brackets dropped; a +86 / 0086
 * country code dropped (a landline written after it regains its trunk 0).
 */
export function phoneDigits(raw: string): string {
  let p = spreadsheetText(halfWidth(raw)).replace(/[\s\-–—.·()]/g, '');
  const intl = /^(?:\+|00)86(\d{9,12})$/.exec(p) ?? /^86(1[3-9]\d{9})$/.exec(p);
  if (intl) p = /^[01]/.test(intl[1]!) ? intl[1]! : `0${intl[1]}`;
  return p;
}

/** Mainland mobile (1 + 10 digits) or a landline with its area code, normalised by `phoneDigits`. */
export function parsePhone(raw: string, name = 'phone'): string {
  // A form's emptied field sends "": no number, not a malformed one. A file's empty cell never comes here (it is null).
  if (raw.trim() === '') {
    throw badInput(
      {
        zh: `${name} 不能为空白：没有号码时请不传该字段，要清除已登记的号码请传 null。`,
        en: `${name} must not be blank: leave it out when there is no number, or send null to clear a recorded one.`,
      },
      { argument: name, rule: 'required' },
    );
  }
  if (raw.includes('*')) throw masked(raw, name);
  if (/^\s*\d(\.\d+)?E\+?\d+\s*$/i.test(raw)) {
    throw badInput(
      {
        zh: `${name}“${quote(raw)}”被表格程序当成了数字（科学计数法），号码已丢失：请把该列设为文本格式后重新填写。`,
        en: `${name} "${quote(raw)}" was turned into a number (scientific notation) by a spreadsheet and lost: set the column to text and type the number again.`,
      },
      { argument: name, rule: 'phoneAsNumber' },
    );
  }
  const p = phoneDigits(raw);
  if (!MOBILE.test(p) && !LANDLINE.test(p)) {
    const why = LANDLINE.test(`0${p}`)
      ? // A landline whose trunk 0 a spreadsheet dropped, reading the column as a number (0941 2037872 → 9412037872).
        {
          hint: {
            zh: `开头的 0 可能被表格程序去掉了（把该列当成了数字）：是否为 0${p}？请把该列设为文本格式后重新填写。`,
            en: ` Its leading 0 was probably dropped by a spreadsheet that read the column as a number: is it 0${p}? Set the column to text and type it again.`,
          },
          rule: 'phoneLeadingZero',
        }
      : LOCAL_FROM_0_OR_1.test(p)
        ? {
            hint: {
              zh: `区号后的本地号码须以 2–9 开头（0 开头是长途，1 开头是特服号码）。`,
              en: ` The local number after the area code starts with 2–9 (0 begins a long-distance call, 1 a special service).`,
            },
            rule: 'phoneFormat',
          }
        : { hint: { zh: '', en: '' }, rule: 'phoneFormat' };
    throw badInput(
      {
        zh: `${name}“${quote(raw)}”既不是大陆手机号码（13–19 开头的 11 位数字），也不是带区号的固定电话。${why.hint.zh}`,
        en: `${name} "${quote(raw)}" is not a mainland mobile (11 digits starting 13–19) or landline with area code.${why.hint.en}`,
      },
      { argument: name, rule: why.rule },
    );
  }
  return p;
}

const MOBILE = /^1[3-9]\d{9}$/;
/**
 * A landline: area code 010 or 02x (three digits) or 03xx–09xx (four), then a local number of 7 or 8 digits that
 * starts with 2–9 (0 begins a long-distance call and 1 the special services).
 */
const LANDLINE = /^0(?:10|2\d|[3-9]\d{2})[2-9]\d{6,7}$/;
const LOCAL_FROM_0_OR_1 = /^0(?:10|2\d|[3-9]\d{2})[01]\d{6,7}$/;

/**
 * A value as an export without the `pii` scope shows it (623021********375X, 185****5284): the file was exported
 * masked, and importing it would write the mask. Said so, with what to do, rather than as a malformed number.
 */
function masked(raw: string, name: string) {
  return badInput(
    {
      zh: `${name}“${quote(raw)}”是脱敏后的号码（没有个人信息 pii 权限时看到的形式），不是完整号码：请填写完整号码；来自导出文件的，请用有 pii 权限的账号重新导出，或从文件中删去此列。`,
      en: `${name} "${quote(raw)}" is masked (as shown without the pii scope), not a whole number: give the whole number; in a file from an export, export again with pii or drop the column.`,
    },
    { argument: name, rule: 'maskedValue' },
  );
}
