import { DEPARTMENT_NAMES } from '../domain/departments.ts';
import { centreName, divisionName } from '../domain/divisions.ts';
import { scopeNamed } from '../domain/labels.ts';
import { forbidden, type Said } from '../domain/errors.ts';
import { covers } from './jurisdiction.ts';

/**
 * Who is asking (docs/ARCHITECTURE.md): a subject, a display name, a jurisdiction (a
 * division code of any length; the caller sees that division and everything
 * under it; `*` is the whole country, platform/jurisdiction.ts) and scopes.
 */
export const SCOPES = ['read', 'write', 'pii', 'report', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export interface Caller {
  subject: string;
  name: string;
  jurisdiction: string;
  scopes: ReadonlySet<Scope>;
  /**
   * A county department's caller (吹哨报到): the department's kind (domain/departments.ts,
   * e.g. NATURAL_RESOURCES); the jurisdiction is then its county. Such a caller
   * sees its department's dispatches and acknowledges and reports them itself.
   */
  department?: string;
}

export function hasScope(caller: Caller, scope: Scope): boolean {
  return caller.scopes.has(scope);
}

/** True when `code` (of whatever level) lies inside the caller's jurisdiction. */
export function inJurisdiction(caller: Caller, code: string): boolean {
  return covers(caller.jurisdiction, code);
}

/**
 * Where a record lies, as a jurisdiction is checked against it: its grid when it has one, else its village. A
 * grid's caller (a 网格员's token) holds its grid's records, which their village's code alone would never show.
 */
export const placeOf = (r: { villageCode: string; gridCode?: string | null }): string => r.gridCode ?? r.villageCode;

/** True when the record lies inside the caller's jurisdiction (`placeOf`). */
export function holdsRecord(caller: Caller, r: { villageCode: string; gridCode?: string | null }): boolean {
  return covers(caller.jurisdiction, placeOf(r));
}

/** The kinds of records access errors name (`what`), as a Chinese message names them. */
const RECORDS_ZH: Record<string, string> = {
  registry: '登记',
  resident: '实有人口',
  household: '户',
  house: '实有房屋',
  address: '标准地址',
  site: '重点场所',
  'grid staff': '网格员',
  'joint-defense group': '十户联防组',
  'patrol team': '巡防队',
  patrol: '巡逻',
  hazard: '隐患',
  dispute: '矛盾纠纷',
  dispatch: '吹哨',
  'mediation committee': '调委会',
  'change-feed': '变更流',
};

/** Division `code` outside the caller's jurisdiction. */
const outsideJurisdiction = (caller: Caller, code: string): Said => ({
  zh: `区划 ${code} 不在您的辖区（${caller.jurisdiction || '无'}）内。`,
  en: `Division ${code} is outside your jurisdiction (${caller.jurisdiction || 'none'}).`,
});

/**
 * What a county department's caller reads: its dispatches (departmentInbox) and the cases they carry, by the id its
 * dispatches name. The registry, the forces, a division's lists, exports and the change feed are the centres' and the
 * villages', whatever scopes the department's token carries: a 自然资源局 called on for one boundary case does not
 * browse the county's residents or its other cases.
 */
const DEPARTMENT_READS: ReadonlySet<string> = new Set(['dispatch', 'dispute']);

/** Why a department's caller may not read `what` (a record kind, or a division's list of them); undefined for any other caller. */
export function departmentReadRefusal(caller: Caller, what: string, list = false, whatZh = RECORDS_ZH[what] ?? what): Said | undefined {
  if (!caller.department || (!list && DEPARTMENT_READS.has(what))) return undefined;
  const name = DEPARTMENT_NAMES.get(caller.department) ?? caller.department;
  // A township's dispatches are its 综治中心's work, read there and at the county; a village never calls a department.
  const dispatches = what === 'dispatch';
  return {
    zh: `县直部门只读取派给本部门的吹哨任务及其案件（departmentInbox）；${whatZh}${list ? '列表' : '记录'}由${dispatches ? '乡镇、县综治中心' : '综治中心、村（社区）'}读取。当前调用方是${name}（${caller.department}）。`,
    en: `A county department reads the dispatches sent to it and their cases (departmentInbox); ${list ? 'lists of ' : ''}${what} records are ${dispatches ? "the township's and the county's 综治中心's" : "the 综治中心's and the villages'"}. This caller is the ${caller.department} department.`,
  };
}

/** Record reads need `read` (a report-only caller sees statistics and names, never records); a department reads only its own. */
export function requireRecordAccess(caller: Caller, what: string): void {
  if (!caller.scopes.has('read')) {
    const scopes = [...caller.scopes].join(', ');
    throw forbidden(
      {
        zh: `读取${RECORDS_ZH[what] ?? what}记录需要${scopeNamed('read')}权限；当前调用方的权限为：${[...caller.scopes].map(scopeNamed).join('、') || '无'}。`,
        en: `Reading ${what} records needs the "read" scope; this caller has ${scopes || 'no scopes'}.`,
      },
      { scope: 'read' },
    );
  }
  const refused = departmentReadRefusal(caller, what);
  if (refused) throw forbidden(refused, { department: caller.department });
}

/** A division's lists or figures: it must lie inside the caller's jurisdiction. */
export function requireDivisionAccess(caller: Caller, code: string): void {
  if (!inJurisdiction(caller, code)) {
    throw forbidden(outsideJurisdiction(caller, code), { jurisdiction: caller.jurisdiction });
  }
}

/**
 * A division's reference data (a county's departments) for callers of the division, above it or within it: a
 * township's or a village's caller reads its own county's, not another county's.
 */
export function requireRelatedDivision(caller: Caller, code: string): void {
  if (!inJurisdiction(caller, code) && !covers(code, caller.jurisdiction)) {
    throw forbidden(outsideJurisdiction(caller, code), { jurisdiction: caller.jurisdiction });
  }
}

/** Statistics need `read` or `report` (aggregates only) and a division inside the jurisdiction. */
export function requireStatsAccess(caller: Caller, code: string): void {
  if (!hasScope(caller, 'read') && !hasScope(caller, 'report')) {
    throw forbidden(
      { zh: `统计数据需要${scopeNamed('report')}或${scopeNamed('read')}权限。`, en: 'Statistics need the "report" or "read" scope.' },
      { scope: 'report' },
    );
  }
  requireDivisionAccess(caller, code);
}

/**
 * Whether special-population counts (Population.byTag) of division `code` are withheld from the caller: a report-only
 * caller (`report` without `read`, a provincial reporting tool) reads them of a township and above only. Below it a
 * village's or grid's count of 1 or 2 points at a person (the one 社区矫正 resident of a grid of thirty households),
 * and a threshold with "<3" markers would not hide it: the township's exact count less its villages' shown ones gives
 * back the sum of the hidden ones (docs/ARCHITECTURE.md, "Special-population counts"). Callers with `read` see the
 * people themselves and so their counts.
 */
export function withholdsTagsFrom(caller: Caller, code: string, soleVillage = false): boolean {
  // A township of one village (a 街道 of one 社区, a farm or a development zone) counts exactly that village's people:
  // shown, it would give back the village's withheld figure (`soleVillage`).
  return !hasScope(caller, 'read') && (code.length > 9 || (code.length === 9 && soleVillage));
}

/** Record lists under a division: the caller needs `read` and the division must be inside their jurisdiction. */
export function requireListAccess(caller: Caller, code: string, what: string): void {
  requireRecordAccess(caller, what);
  const refused = departmentReadRefusal(caller, what, true);
  if (refused) throw forbidden(refused, { department: caller.department });
  requireDivisionAccess(caller, code);
}

/** A county as a message names it: 临潭县 (623021), or the code alone when the directory does not know it. */
const countyZh = (code: string) => {
  const name = divisionName(code);
  return name ? `${name}（${code}）` : `县 ${code}`;
};

/**
 * A department's own step or inbox: only the caller of that department (kind) in
 * that county; everyone else gets FORBIDDEN naming who may.
 */
export function requireDepartment(caller: Caller, what: Said, kind?: string, countyCode?: string): { kind: string; countyCode: string } {
  const countyOf = caller.jurisdiction;
  if (!caller.department) {
    throw forbidden(
      {
        zh: `${what.zh}仅限县直部门调用方（令牌须带 department 声明）；当前调用方不属于任何部门。`,
        en: `${what.en} is for county department callers only (a token with a department claim); this caller has none.`,
      },
      { department: null },
    );
  }
  if ((kind !== undefined && caller.department !== kind) || (countyCode !== undefined && countyOf !== countyCode)) {
    const wanted = kind ?? caller.department;
    throw forbidden(
      {
        zh: `${what.zh}仅限${countyZh(countyCode ?? countyOf)}的${DEPARTMENT_NAMES.get(wanted) ?? wanted}（${wanted}）办理；当前调用方是${countyZh(countyOf)}的${DEPARTMENT_NAMES.get(caller.department) ?? caller.department}（${caller.department}）。`,
        en: `${what.en} is for the ${wanted} department of county ${countyCode ?? countyOf}; this caller is the ${caller.department} department of county ${countyOf}.`,
      },
      { department: caller.department },
    );
  }
  return { kind: caller.department, countyCode: countyOf };
}

/**
 * Why a department's caller may not make a change, or undefined for any
 * other caller: a county department (吹哨报到) is called on by a 综治中心
 * and answers through its dispatches (报到 and 反馈) only; it takes no case
 * desk's step, reports no case, orders no 督办, sets no target and changes
 * or imports no registry record, wherever its jurisdiction reaches.
 */
export function departmentRefusal(caller: Caller): Said | undefined {
  if (!caller.department) return undefined;
  const name = DEPARTMENT_NAMES.get(caller.department) ?? caller.department;
  return {
    zh: `县直部门只办理派给本部门的吹哨任务（报到、反馈）；案件和登记由综治中心、村（社区）办理。当前调用方是${name}（${caller.department}）。`,
    en: `A county department acts only on the dispatches sent to it (acknowledge, report); cases and the registry are the 综治中心's and the villages'. This caller is the ${caller.department} department.`,
  };
}

/** The mutations a department's caller may send: its own 报到 and 反馈. */
const DEPARTMENT_MUTATIONS: ReadonlySet<string> = new Set(['acknowledgeDispatch', 'reportDispatch']);

type MutationFn = (parent: unknown, args: unknown, ctx: { caller: Caller }, info: unknown) => unknown;

/**
 * A subgraph's mutations with the department refusal (departmentRefusal,
 * FORBIDDEN) in front of every one a department may not send, whatever
 * scopes its token carries (admin too): the one place GraphQL refuses them,
 * so a mutation added later refuses departments without anyone remembering to.
 */
export function departmentsRefused<M extends object>(mutations: M): M {
  const guarded = Object.entries(mutations).map(([name, fn]: [string, unknown]) => {
    if (DEPARTMENT_MUTATIONS.has(name) || typeof fn !== 'function') return [name, fn];
    const resolve = fn as MutationFn;
    const wrapped: MutationFn = (parent, args, ctx, info) => {
      const refused = departmentRefusal(ctx.caller);
      if (refused) throw forbidden(refused, { department: ctx.caller.department });
      return resolve(parent, args, ctx, info);
    };
    return [name, wrapped];
  });
  return Object.fromEntries(guarded) as M;
}

/**
 * The `write` scope, asked before a write reads the record it names: a caller without it (a report-only tool) is refused
 * alike whether the record exists, so that trying ids tells it nothing of the records it may not read.
 */
export function requireWriteScope(caller: Caller): void {
  if (!caller.scopes.has('write'))
    throw forbidden({ zh: `修改记录需要${scopeNamed('write')}权限。`, en: 'Changing records needs the "write" scope.' }, { scope: 'write' });
}

export function requireWrite(caller: Caller, code: string, argument?: string): void {
  requireWriteScope(caller);
  if (!inJurisdiction(caller, code)) {
    // The argument that named the place, where the caller gave it (a form's gridCode), as other refusals name theirs.
    throw forbidden(outsideJurisdiction(caller, code), { jurisdiction: caller.jurisdiction, ...(argument ? { argument } : {}) });
  }
}

/**
 * A case at the township or county is handled by that level's 综治中心 (or a level above it). A caller below it (a
 * village's or grid's token on a township case, a township's on a county case) reads the case it sent up, and is told
 * whose desk the step is rather than that the level lies outside its jurisdiction.
 */
export function requireCentreDesk(caller: Caller, centreCode: string, argument = 'disputeId'): void {
  if (caller.jurisdiction.length > centreCode.length && caller.jurisdiction.startsWith(centreCode)) {
    const level =
      centreCode.length === 9 ? { zh: '乡镇级', en: 'township', below: '村（社区）和网格' } : { zh: '县级', en: 'county', below: '乡镇、村（社区）和网格' };
    throw forbidden(
      {
        zh: `${level.zh}案件由${centreName(centreCode)}（${centreCode}）办理；${level.below}的令牌可以查看，不能办理。`,
        en: `A ${level.en} case is handled by its ${level.en}'s centre (${centreCode}); a token of a level below may read it, not act on it.`,
      },
      { argument, jurisdiction: caller.jurisdiction, centre: centreCode },
    );
  }
  requireWrite(caller, centreCode);
}
