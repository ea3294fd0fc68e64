import { badInput, quote } from './errors.ts';
import { halfWidth } from './half-width.ts';

/**
 * National statistical division codes (统计用区划代码). A code's prefix is its
 * ancestry, so `623021200201` (a village) lies in township `623021200`,
 * county `623021`, prefecture `6230` and province `62`. Grids extend their
 * village's code by a 3-digit sequence.
 */
export type DivisionLevel = 'PROVINCE' | 'PREFECTURE' | 'COUNTY' | 'TOWNSHIP' | 'VILLAGE' | 'GRID';

export const LEVEL_BY_LENGTH: Readonly<Record<number, DivisionLevel>> = {
  2: 'PROVINCE',
  4: 'PREFECTURE',
  6: 'COUNTY',
  9: 'TOWNSHIP',
  12: 'VILLAGE',
  15: 'GRID',
};

export const LENGTH_BY_LEVEL: Readonly<Record<DivisionLevel, number>> = {
  PROVINCE: 2,
  PREFECTURE: 4,
  COUNTY: 6,
  TOWNSHIP: 9,
  VILLAGE: 12,
  GRID: 15,
};

const CODE_HELP_ZH =
  '区划代码只含数字，长度为 2 位（省）、4 位（市/州）、6 位（县/区）、9 位（乡/镇/街道）、12 位（村/社区）或 15 位（网格），如临潭县为“623021”';
const LEVEL_ZH: Readonly<Record<DivisionLevel, string>> = {
  PROVINCE: '省级',
  PREFECTURE: '市（州）级',
  COUNTY: '县级',
  TOWNSHIP: '乡镇级',
  VILLAGE: '村（社区）级',
  GRID: '网格',
};

const CODE_HELP =
  'a division code is digits only, 2 (province 省), 4 (prefecture 市/州), 6 (county 县/区), ' +
  '9 (township 乡/镇/街道), 12 (village 村/社区) or 15 (grid 网格) long, e.g. "623021" for 临潭县';

export function levelOf(code: string): DivisionLevel | undefined {
  return /^\d+$/.test(code) ? LEVEL_BY_LENGTH[code.length] : undefined;
}

/** Validates any division code (used for `within:` scopes); throws BAD_USER_INPUT explaining the format. */
export function parseDivisionCode(value: string, argument = 'code', allowed?: readonly DivisionLevel[]): string {
  // Full-width digits, as a Chinese input method types them, are the digits they stand for.
  const code = typeof value === 'string' ? halfWidth(value.trim()) : '';
  const level = levelOf(code);
  if (!level || (allowed && !allowed.includes(level))) {
    const expected = allowed
      ? `${argument} must be a ${allowed.map((l) => `${LENGTH_BY_LEVEL[l]}-digit ${l.toLowerCase()}`).join(' or ')} code`
      : `${argument} is not a division code`;
    const kinds = allowed?.map((l) => `${LENGTH_BY_LEVEL[l]} 位${LEVEL_ZH[l]}代码`);
    // 2 位省级代码、4 位市（州）级代码或 6 位县级代码: a space before each number, as everywhere in the hub's Chinese.
    const expectedZh = kinds
      ? `${argument} 应为 ${kinds.length > 1 ? `${kinds.slice(0, -1).join('、')}或 ${kinds.at(-1)}` : kinds[0]}`
      : `${argument} 不是区划代码`;
    // A well-formed code of another level (a grid's where a village's belongs) is named as what it is; the help on what
    // a code looks like is for a value that is none.
    const said = level
      ? {
          zh: `${expectedZh}，收到的是 ${LENGTH_BY_LEVEL[level]} 位${LEVEL_ZH[level]}代码“${quote(value)}”。`,
          en: `${expected}; got the ${LENGTH_BY_LEVEL[level]}-digit ${level.toLowerCase()} code "${quote(value)}".`,
        }
      : { zh: `${expectedZh}，收到的是“${quote(value)}”。（${CODE_HELP_ZH}）`, en: `${expected}; got "${quote(value)}". (${CODE_HELP})` };
    throw badInput(said, { argument, value: quote(value), rule: 'divisionCode' });
  }
  return code;
}

/** Validates a code of exactly one level, e.g. `county(code:)` takes 6 digits. */
export function parseCodeOfLevel(value: string, level: DivisionLevel, argument = 'code'): string {
  return parseDivisionCode(value, argument, [level]);
}

/** The code of the ancestor at `level`, or undefined when the code is above that level. */
export function ancestorCode(code: string, level: DivisionLevel): string | undefined {
  const len = LENGTH_BY_LEVEL[level];
  return code.length >= len ? code.slice(0, len) : undefined;
}

/**
 * Township kind from the 3-digit segment: 001–099 街道 (subdistrict),
 * 100–199 镇 (town), 200–399 乡 (township), 400+ other units (farms, zones).
 */
export function townshipKind(code: string): 'SUBDISTRICT' | 'TOWN' | 'TOWNSHIP' | 'OTHER' {
  const seg = Number(code.slice(6, 9));
  if (seg < 100) return 'SUBDISTRICT';
  if (seg < 200) return 'TOWN';
  if (seg < 400) return 'TOWNSHIP';
  return 'OTHER';
}

/** Village kind from the 3-digit segment: 001–199 社区 (community), 200–399 村 (village), 400+ other. */
export function villageKind(code: string): 'COMMUNITY' | 'VILLAGE' | 'OTHER' {
  const seg = Number(code.slice(9, 12));
  if (seg < 200) return 'COMMUNITY';
  if (seg < 400) return 'VILLAGE';
  return 'OTHER';
}
