import { inJurisdiction, type Caller } from '../../../../platform/caller.ts';
import { chinaDay } from '../../../../domain/china-day.ts';
import { halfWidth } from '../../../../domain/half-width.ts';
import { parseCitizenId, parsePhone } from '../../../../domain/citizen-id.ts';
import { parseCodeOfLevel } from '../../../../domain/codes.ts';
import { checkTagsForAge, hasAgeRule } from '../../../../domain/tags.ts';
import { badInput, quote } from '../../../../domain/errors.ts';
import { parseEthnicity } from '../../../../domain/ethnicity.ts';
import { saidOf } from '../../../../platform/language.ts';
import { parseFileDay, parseId } from '../../../../platform/scalars.ts';
import { schemaEnum, type SchemaEnum } from '../enums.ts';
import { personName, text } from '../../../../platform/validate.ts';
import type { Staged } from '../store/row-kinds.ts';
import { gridOutside, gridUnknown, idNumberRequired, required, ruleError, villageOfGrid, villageOutside, villageUnknown } from './rules.ts';

/**
 * The field rules of the registry's one write path (docs/ARCHITECTURE.md,
 * "One write path per kind"), one function per kind for forms and files
 * alike. A form's input and a file's line are both a record of values by
 * column (`grid_code`, `household_id`, …): a column absent from it is not
 * given and keeps its stored value; a given empty value (a file's empty cell,
 * a form's null) clears it, and a required one cannot be cleared. The
 * function checks each given value (format, enum, jurisdiction) and returns
 * the staged values by column and the fields given; the rules that need the
 * database run next, in SQL (store/registry-kinds.ts, store/resident-kind.ts).
 */
export type Fields = Readonly<Record<string, string | null>>;

export interface FieldContext {
  caller: Caller;
  /** Whether `code` is a grid the hub knows (a file: the grids of the caller's jurisdiction; a form: the one it names, looked up first). */
  knowsGrid(code: string): boolean;
  /** Whether `code` is a village the hub knows (a file: the villages of its grids; a form: the one it names, looked up first). */
  knowsVillage?(code: string): boolean;
  /** How the path names a column in messages: a file by the column itself, a form by its argument (`grid_code` → `gridCode`). */
  name(column: string): string;
  /**
   * A file: a rule a stored value may already break (tags by age) is left to
   * the database, which refuses the row only when it changes that value.
   */
  file?: boolean;
}

export interface FieldValues {
  values: Record<string, Staged>;
  /** The fields the record gives (the kind's flags). */
  given: Set<string>;
}

const RESIDENCY = schemaEnum('Residency');
const GENDER = schemaEnum('Gender');
const PERSON_TAGS = schemaEnum('PersonTag');
const HOUSE_USE = schemaEnum('HouseUse');
const SITE_KIND = schemaEnum('SiteKind');
const TEAM_KIND = schemaEnum('PatrolTeamKind');
const GRID_STAFF_ROLE = schemaEnum('GridStaffRole');
const COMMITTEE_KIND = schemaEnum('MediationCommitteeKind');
const RELATIONSHIP = schemaEnum('HouseholdRelationship');

const has = (f: Fields, c: string) => Object.hasOwn(f, c);

/** An enum's code, written as the code (upper or lower case) or by its own Chinese name (男, 流动人口), as a spreadsheet for people shows it. */
export function oneOf(value: string, allowed: SchemaEnum, field: string): string {
  const v = value.trim().toUpperCase();
  if (allowed.codes.includes(v)) return v;
  const named = allowed.codeOf(value.trim());
  if (named) return named;
  throw badInput(
    { zh: `${field}“${quote(value)}”不在 ${allowed.listed} 之中。`, en: `${field} "${quote(value)}" is not one of ${allowed.codes.join(', ')}.` },
    { argument: field, rule: 'enumValue' },
  );
}

const TRUE = ['TRUE', 'T', '1', 'YES', 'Y', '是', '专职'];
const FALSE = ['FALSE', 'F', '0', 'NO', 'N', '否', '兼职'];

/** A record's values and given fields, built column by column. */
class Row {
  readonly values: Record<string, Staged> = {};
  readonly given = new Set<string>();
  readonly f: Fields;
  readonly ctx: FieldContext;
  constructor(f: Fields, ctx: FieldContext) {
    this.f = f;
    this.ctx = ctx;
  }

  /** Whether the record gives `column`; marks `flag` given if so. */
  take(column: string, flag = column): boolean {
    if (!has(this.f, column)) return false;
    this.given.add(flag);
    return true;
  }

  /** A value that cannot be emptied: given as null is refused. */
  need(column: string): string | null {
    const v = this.f[column];
    if (has(this.f, column) && v == null) throw ruleError(required(column), { name: this.ctx.name(column) });
    return v ?? null;
  }

  /** Required free text. */
  text(column: string, max: number, flag = column): void {
    const v = this.need(column);
    if (this.take(column, flag)) this.values[column] = text(v, this.ctx.name(column), max);
  }

  /** A person's name (platform/validate.ts personName); `required` false lets it be cleared. */
  personName(column: string, max: number, required = true): void {
    const v = required ? this.need(column) : this.f[column];
    if (this.take(column)) this.values[column] = v == null ? null : personName(v, this.ctx.name(column), max);
  }

  /** Free text that may be cleared. */
  optText(column: string, max: number): void {
    const v = this.f[column];
    if (this.take(column)) this.values[column] = v == null ? null : text(v, this.ctx.name(column), max);
  }

  enum(column: string, allowed: SchemaEnum): void {
    const v = this.need(column);
    if (this.take(column)) this.values[column] = oneOf(v ?? '', allowed, this.ctx.name(column));
  }

  /** An enum that may be cleared. */
  optEnum(column: string, allowed: SchemaEnum): void {
    const v = this.f[column];
    if (this.take(column)) this.values[column] = v == null ? null : oneOf(v, allowed, this.ctx.name(column));
  }

  phone(column: string): void {
    const v = this.f[column];
    if (this.take(column)) this.values[column] = v == null ? null : parsePhone(v, this.ctx.name(column));
  }

  /** The record's id and the version it was read at (files: as exported; forms: the arguments). */
  keys(): void {
    if (this.f.id != null) this.values.id = parseId(this.f.id.trim(), this.ctx.name('id'));
    if (this.f.version != null) {
      const v = Number(this.f.version.trim());
      if (!Number.isSafeInteger(v) || v < 1 || v > 2_147_483_647) {
        const field = this.ctx.name('version');
        throw badInput(
          { zh: `${field}“${quote(this.f.version)}”不是版本号（正整数）。`, en: `${field} "${quote(this.f.version)}" is not a version (a positive integer).` },
          { argument: field, rule: 'versionFormat' },
        );
      }
      this.values.version = v;
    }
  }

  /** The grid: a code of the caller's jurisdiction that the hub knows; a given village must be the grid's. */
  grid(): void {
    const v = this.need('grid_code');
    if (!this.take('grid_code')) return;
    const name = this.ctx.name('grid_code');
    const raw = v ?? '';
    const known = this.ctx.knowsGrid(raw);
    const code = known ? raw : parseCodeOfLevel(raw.trim(), 'GRID', name);
    if (!inJurisdiction(this.ctx.caller, code)) throw ruleError(gridOutside(code, this.ctx.caller.jurisdiction), { name });
    if (!known && !this.ctx.knowsGrid(code)) throw ruleError(gridUnknown(code), { name });
    this.values.grid_code = code;
    // The export writes village_code beside grid_code: read-only, and it must agree.
    const village = this.f.village_code && halfWidth(this.f.village_code.trim());
    if (village && village !== code.slice(0, 12)) throw ruleError(villageOfGrid, { name: this.ctx.name('village_code') });
  }

  /** The village (a record kept by village, not grid): a code of the caller's jurisdiction that the hub knows. */
  village(): void {
    const v = this.need('village_code');
    if (!this.take('village_code')) return;
    const name = this.ctx.name('village_code');
    const code = parseCodeOfLevel((v ?? '').trim(), 'VILLAGE', name);
    if (!inJurisdiction(this.ctx.caller, code)) throw ruleError(villageOutside(code, this.ctx.caller.jurisdiction), { name });
    if (!this.ctx.knowsVillage?.(code)) throw ruleError(villageUnknown(code), { name });
    this.values.village_code = code;
  }

  /** Yes or no (full time 专职 or part time 兼职). */
  flag(column: string): void {
    const raw = this.f[column];
    if (!this.take(column)) return;
    const v = raw?.trim().toUpperCase();
    if (v == null) this.values[column] = null;
    else if (TRUE.includes(v)) this.values[column] = true;
    else if (FALSE.includes(v)) this.values[column] = false;
    else {
      const field = this.ctx.name(column);
      throw badInput(
        { zh: `${field}“${quote(raw)}”应为 true（专职）或 false（兼职）。`, en: `${field} "${quote(raw)}" must be true (full time) or false (part time).` },
        { argument: field, rule: 'flagValue' },
      );
    }
  }

  /** A reference by registry id (`<column>`, as exported and as forms give it) or by local key (`byKey`); `flag` is given if either is. */
  ref(column: string, flag: string, byKey?: { column: string; parse: (v: string, name: string) => string }): void {
    const id = this.f[column];
    if (this.take(column, flag) && id != null) this.values[column] = parseId(id.trim(), this.ctx.name(column));
    if (!byKey) return;
    const key = this.f[byKey.column];
    if (this.take(byKey.column, flag) && key != null) this.values[byKey.column] = byKey.parse(key, this.ctx.name(byKey.column));
  }

  done(): FieldValues {
    return { values: this.values, given: this.given };
  }
}

const localNumber = { column: '', parse: (v: string, name: string) => text(v, name, 50) };
const numberRef = (column: string) => ({ ...localNumber, column });
const idNumberRef = (column: string) => ({ column, parse: (v: string) => parseCitizenId(v, undefined, column).idNumber });

/**
 * Tags as one text: `A;B` (as the export writes them; `|` also separates),
 * or PostgreSQL's `{A,B}`. Each once, in the order given (as stored, so an
 * exported row is no change).
 */
export function splitTags(v: string): string[] {
  const s = v.trim();
  const inner = s.startsWith('{') && s.endsWith('}') ? s.slice(1, -1).replaceAll('"', '') : s;
  return [
    ...new Set(
      inner
        .split(s.startsWith('{') ? /[,;|]/ : /[;|]/)
        .map((t) => t.trim())
        .filter(Boolean),
    ),
  ];
}

/** A field's name with its Chinese gloss, unless the name (a Chinese header, 性别（gender）) already has one. */
const glossed = (name: string, zh: string): string => (name.includes('（') ? name : `${name}（${zh}）`);

/** The same day a year before `day` (YYYY-MM-DD); 29 February's is 28 February. */
export function yearBefore(day: string): string {
  const y = String(Number(day.slice(0, 4)) - 1).padStart(4, '0');
  const md = day.slice(5) === '02-29' ? '02-28' : day.slice(5);
  return `${y}-${md}`;
}

/**
 * 出生登记: a new resident without a citizen ID number is a newborn whose number is not issued yet, born at most a
 * year before today (China's day, up to and including the first birthday) and not in the future (personFields);
 * sex and birth date are then required, since nothing else gives them, and the number added later must agree with
 * them (correctIdNumber). Anyone older needs the number (idNumberRequired). The form and a file's row both ask this;
 * the form alone also registers an overseas resident without a number.
 */
export function newbornWithoutNumber(gender: string | null | undefined, birthDate: string | null | undefined, name: (column: string) => string): void {
  if (!birthDate || birthDate < yearBefore(chinaDay())) throw ruleError(idNumberRequired, { name: name('id_number') });
  if (!gender) {
    const [g, b] = [name('gender'), name('birth_date')];
    throw badInput(
      { zh: '没有公民身份号码时，须填写性别和出生日期。', en: `Without an ID number, ${g} and ${b} are required.` },
      { argument: name('id_number'), rule: 'newbornDetails' },
    );
  }
}

/**
 * 实有人口. The ID number is the resident's natural key; sex and birth date
 * follow from it (a given sex or birth date must agree). Tags are checked
 * against the age (KEY_YOUTH_* at 6–25), which needs the birth date.
 */
export function personFields(f: Fields, ctx: FieldContext): FieldValues {
  const r = new Row(f, ctx);
  r.keys();
  const id = f.id_number == null ? null : parseCitizenId(f.id_number, undefined, ctx.name('id_number'));
  r.values.id_number = id?.idNumber ?? null;
  const gender = f.gender == null ? null : oneOf(f.gender, GENDER, ctx.name('gender'));
  // Sex and birth date follow from the ID number: a row whose ID number was corrected and its sex or birth date
  // left as before is told to change or empty that column too.
  if (gender && id && gender !== id.gender) {
    const name = ctx.name('gender');
    throw badInput(
      {
        zh: `${glossed(name, '性别')}“${GENDER.names.get(gender) ?? gender}”与公民身份号码所示的“${GENDER.names.get(id.gender) ?? id.gender}”不符；性别由身份证号得出：请核对身份证号，或将此项留空。`,
        en: `${name} ${gender} disagrees with the ID number (${id.gender}); it follows from the ID number: check the number, or leave this empty.`,
      },
      { argument: name, rule: 'genderOfIdNumber' },
    );
  }
  const born = f.birth_date == null ? null : parseFileDay(f.birth_date, ctx.name('birth_date'));
  if (born && id && born !== id.birthDate) {
    const name = ctx.name('birth_date');
    throw badInput(
      {
        zh: `${glossed(name, '出生日期')} ${born} 与公民身份号码（${id.birthDate}）不符；出生日期由身份证号得出：请核对身份证号，或将此项留空。`,
        en: `${name} ${born} disagrees with the ID number (${id.birthDate}); it follows from the ID number: check the number, or leave this empty.`,
      },
      { argument: name, rule: 'birthDateOfIdNumber' },
    );
  }
  if (born && born > chinaDay()) {
    const name = ctx.name('birth_date');
    throw badInput({ zh: `${name}（出生日期）不能晚于今天。`, en: `${name} is in the future.` }, { argument: name, rule: 'birthDateInFuture' });
  }
  // A file's new row without a number is a newborn's (the form asks before, as it exempts overseas residents too).
  if (ctx.file && f.id == null && !id) newbornWithoutNumber(gender, born, (c) => ctx.name(c));
  r.values.gender = id?.gender ?? gender;
  r.values.birth_date = id?.birthDate ?? born;
  r.personName('name', 50);
  const ethnicity = r.need('ethnicity');
  if (r.take('ethnicity')) r.values.ethnicity = parseEthnicity(ethnicity ?? '', ctx.name('ethnicity'));
  r.phone('phone');
  r.enum('residency', RESIDENCY);
  if (r.take('tags')) {
    // Stored as the enum spells them (a file may write left_behind_child), so the age rules and every read see them.
    const tags = [...new Set((f.tags == null ? [] : splitTags(f.tags)).map((t) => oneOf(t, PERSON_TAGS, ctx.name('tags'))))];
    const birth = id?.birthDate ?? born;
    // Only some tags depend on the age (domain/tags.ts TAG_AGES).
    if (!tags.some(hasAgeRule)) {
      /* no age rule applies */
    } else if (birth) {
      try {
        checkTagsForAge(tags, birth);
      } catch (e) {
        if (!ctx.file || !(e instanceof Error)) throw e;
        r.values.tags_age = JSON.stringify(saidOf(e));
      }
    } else {
      const name = ctx.name('tags');
      const said = {
        zh: `${name}：这些标签须按年龄核对，请在该行给出 ${ctx.name('id_number')} 或 ${ctx.name('birth_date')}。`,
        en: `${name}: these tags are checked against the age; give ${ctx.name('id_number')} or ${ctx.name('birth_date')} on the row.`,
      };
      // A file's row that leaves its tags as they are needs no age (see tags_age).
      if (ctx.file) r.values.tags_age = JSON.stringify(said);
      else throw badInput(said, { argument: name, rule: 'tagsNeedAge' });
    }
    r.values.tags = tags;
  }
  r.grid();
  r.ref('household_id', 'household', numberRef('household_number'));
  r.ref('address_id', 'address', numberRef('address_number'));
  // 与户主关系: its rules need the household as written (store/resident-kind.ts: headTaken, headIsHead, relationshipWithoutHousehold).
  r.optEnum('relationship_to_head', RELATIONSHIP);
  return r.done();
}

/** The fields every village-keyed kind starts with: which record, its grid and its natural key (a local number or an external id). */
function keyed(f: Fields, ctx: FieldContext, key: 'number' | 'external_id'): Row {
  const r = new Row(f, ctx);
  r.keys();
  r.grid();
  if (key === 'number') r.text('number', 50);
  else r.optText('external_id', 64);
  return r;
}

/** 标准地址. */
export function addressFields(f: Fields, ctx: FieldContext): FieldValues {
  const r = keyed(f, ctx, 'number');
  r.text('text', 200);
  return r.done();
}

/**
 * 实有房屋: floor area above 0 and below 100,000 m², as kept: to the hundredth of a square metre (numeric(10, 2)), so
 * 0.001 is no area and 99999.999 is 100,000.
 */
export function houseFields(f: Fields, ctx: FieldContext): FieldValues {
  const r = keyed(f, ctx, 'number');
  r.enum('use', HOUSE_USE);
  if (r.take('area')) {
    const given = f.area == null ? null : Number(f.area.trim());
    const area = given == null ? null : Math.round(given * 100) / 100;
    if (area != null && !(area > 0 && area < 100_000)) {
      const name = ctx.name('area');
      throw badInput(
        {
          zh: `${name}（建筑面积）“${quote(f.area)}”应为大于 0 且小于 100000 的平方米数（保留两位小数）。`,
          en: `${name} "${quote(f.area)}" must be a number of square metres above 0 and below 100000 (to two decimal places).`,
        },
        { argument: name, rule: 'areaRange' },
      );
    }
    r.values.area = area;
  }
  r.ref('address_id', 'address', numberRef('address_number'));
  return r.done();
}

/** 户: its address, house, head (by registry id or ID number) and 十户联防 group. */
export function householdFields(f: Fields, ctx: FieldContext): FieldValues {
  const r = keyed(f, ctx, 'number');
  r.ref('address_id', 'address', numberRef('address_number'));
  r.ref('house_id', 'house', numberRef('house_number'));
  r.ref('head_id', 'head', idNumberRef('head_id_number'));
  r.ref('joint_defense_group_id', 'group');
  return r.done();
}

/** 重点场所. */
export function siteFields(f: Fields, ctx: FieldContext): FieldValues {
  const r = keyed(f, ctx, 'external_id');
  r.text('name', 100);
  r.enum('kind', SITE_KIND);
  r.optText('contact_name', 50);
  r.phone('contact_phone');
  r.ref('address_id', 'address', numberRef('address_number'));
  return r.done();
}

/** 十户联防组: its leader (联户长) by registry id or ID number. */
export function groupFields(f: Fields, ctx: FieldContext): FieldValues {
  const r = keyed(f, ctx, 'external_id');
  r.text('name', 100);
  r.ref('leader_id', 'leader', idNumberRef('leader_id_number'));
  return r.done();
}

/** 巡防队. */
export function teamFields(f: Fields, ctx: FieldContext): FieldValues {
  const r = keyed(f, ctx, 'external_id');
  r.text('name', 100);
  r.enum('kind', TEAM_KIND);
  // A file's members, read only: checked against the team's (membersReadOnly), never written.
  if (f.member_ids != null) r.values.member_ids = f.member_ids;
  return r.done();
}

/*
 * The forces (docs/ARCHITECTURE.md, "Maintaining the forces"): keyed by the
 * source system's id within their village (grid staff, committees) or
 * committee (mediators). A linked resident is named by registry id
 * (`person_id`) or ID number (`id_number`), both under the flag `person`;
 * the name may then be left out (the resident's is taken).
 */

const residentRef = (r: Row) => r.ref('person_id', 'person', idNumberRef('id_number'));

/** 网格力量 (1+3+N): grid, role, name, phone, linked resident. */
export function gridStaffFields(f: Fields, ctx: FieldContext): FieldValues {
  const r = new Row(f, ctx);
  r.keys();
  r.optText('external_id', 64);
  r.grid();
  r.enum('role', GRID_STAFF_ROLE);
  r.personName('name', 50, false);
  r.phone('phone');
  residentRef(r);
  return r.done();
}

/** 人民调解委员会: village, name, kind. */
export function committeeFields(f: Fields, ctx: FieldContext): FieldValues {
  const r = new Row(f, ctx);
  r.keys();
  r.optText('external_id', 64);
  r.village();
  r.text('name', 100);
  r.enum('kind', COMMITTEE_KIND);
  return r.done();
}

/** 人民调解员: committee, name, full or part time, phone, linked resident. */
export function mediatorFields(f: Fields, ctx: FieldContext): FieldValues {
  const r = new Row(f, ctx);
  r.keys();
  r.optText('external_id', 64);
  const committee = r.need('committee_id');
  if (r.take('committee_id') && committee != null) r.values.committee_id = parseId(committee.trim(), ctx.name('committee_id'));
  r.personName('name', 50, false);
  r.flag('full_time');
  r.phone('phone');
  residentRef(r);
  return r.done();
}
