import { createHash } from 'node:crypto';
import { divisionName, shortVillageName } from '../../../domain/divisions.ts';
import { periodBounds, previousPeriod, type Period } from '../../../domain/periods.ts';
import type { Said } from '../../../domain/errors.ts';
import type { Language } from '../../../platform/language.ts';
import type { RiskThresholds } from '../../../platform/settings.ts';
import type { Db } from '../../../platform/sql.ts';
import { riskSignals, type RiskCase, type RiskSignalRow } from './store/risk-signals.ts';

/**
 * Early warnings (苗头预警, docs/ARCHITECTURE.md "Early warnings"): the
 * store's rows of each kind made into signals with a stable id, a severity
 * and a plain-language explanation in both languages. The rules of each
 * kind and their thresholds are in store/risk-signals.ts and HUB_RISK_*.
 */

export const RISK_KINDS = [
  'REPEATED_DISPUTES',
  'DISPUTE_SURGE',
  'MASS_OR_TWICE_ESCALATED',
  'OVERDUE_CLUSTER',
  'SPECIAL_POPULATION_PARTY',
  'UNDERSTAFFED_RISING',
] as const;
export type RiskKind = (typeof RISK_KINDS)[number];

/** Severities in ascending order (the schema's RiskSeverity). */
export const SEVERITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];

export type RiskFactKind =
  | 'SAME_PARTIES'
  | 'SAME_HOUSEHOLD'
  | 'SAME_ADDRESS'
  | 'MONTH_DISPUTES'
  | 'BASELINE_MONTHLY'
  | 'MASS_DISPUTES'
  | 'TWICE_ESCALATED'
  | 'OVERDUE_CASES'
  | 'VILLAGES'
  | 'SPECIAL_POPULATION_CASES'
  | 'PERIOD_DISPUTES'
  | 'PREVIOUS_DISPUTES'
  | 'GRIDS'
  | 'GRIDS_NOT_FULLY_STAFFED';

export interface RiskFactItem {
  kind: RiskFactKind;
  value: number;
  /** The cases counted; empty for callers without `read`. */
  cases: RiskCase[];
}

export interface RiskSignalItem {
  id: string;
  kind: RiskKind;
  severity: Severity;
  division: { code: string; name: string; level: 'VILLAGE' | 'TOWNSHIP' };
  villageCode: string | null;
  townshipCode: string;
  from: string;
  to: string;
  facts: RiskFactItem[];
  explanation: Said;
}

const FACT_KINDS: ReadonlySet<string> = new Set<RiskFactKind>([
  'SAME_PARTIES',
  'SAME_HOUSEHOLD',
  'SAME_ADDRESS',
  'MONTH_DISPUTES',
  'BASELINE_MONTHLY',
  'MASS_DISPUTES',
  'TWICE_ESCALATED',
  'OVERDUE_CASES',
  'VILLAGES',
  'SPECIAL_POPULATION_CASES',
  'PERIOD_DISPUTES',
  'PREVIOUS_DISPUTES',
  'GRIDS',
  'GRIDS_NOT_FULLY_STAFFED',
]);
const isFactKind = (k: string): k is RiskFactKind => FACT_KINDS.has(k);

/** What one signal says, from its facts: a figure by fact kind (0 when absent). */
const figure = (facts: readonly RiskFactItem[], kind: RiskFactKind) => facts.find((f) => f.kind === kind)?.value ?? 0;

const REPEAT_BASIS: Record<string, Said> = {
  SAME_PARTIES: { zh: '同一当事人之间', en: 'between the same parties' },
  SAME_HOUSEHOLD: { zh: '涉及同一户', en: 'involving the same household' },
  SAME_ADDRESS: { zh: '涉及同一地址', en: 'involving the same address' },
};

/**
 * Severity and explanation of a row of `kind` (thresholds as the statement used them); `grid`: the signal is told of
 * one grid, named by `name`; `dated`: the explanation may name the days of its cases (callers who read the cases).
 */
function judge(
  kind: RiskKind,
  row: RiskSignalRow,
  facts: readonly RiskFactItem[],
  name: string,
  t: RiskThresholds,
  grid: boolean,
  dated: boolean,
): { severity: Severity; explanation: Said } {
  const n = (k: RiskFactKind) => figure(facts, k);
  switch (kind) {
    case 'REPEATED_DISPUTES': {
      const basis = facts[0]!.kind;
      const count = facts[0]!.value;
      const how = REPEAT_BASIS[basis] ?? REPEAT_BASIS.SAME_PARTIES!;
      // Several reports on one day are said as that day, not as a range from it to itself. Without the cases (a
      // report-only caller) no day is said: a village and the day its parties came twice name the case and them.
      const when = !dated
        ? null
        : row.fromDay === row.toDay
          ? { zh: `均在 ${row.fromDay}`, en: `all on ${row.fromDay}` }
          : { zh: `${row.fromDay} 至 ${row.toDay}`, en: `${row.fromDay} to ${row.toDay}` };
      return {
        severity: count >= 3 ? 'HIGH' : 'MEDIUM',
        explanation: {
          zh: `${name}${how.zh}在 ${t.repeatDays} 天内反复发生 ${count} 起纠纷${when ? `（${when.zh}）` : ''}，矛盾可能尚未真正化解，有激化风险，建议回访当事人并重点跟踪。`,
          en: `${name}: ${count} disputes ${how.en} within ${t.repeatDays} days${when ? ` (${when.en})` : ''}. The conflict may not really be settled and could escalate; visit the parties again and follow it closely.`,
        },
      };
    }
    case 'DISPUTE_SURGE': {
      const month = n('MONTH_DISPUTES');
      const base = n('BASELINE_MONTHLY');
      return {
        severity: row.grade >= 2 ? 'HIGH' : 'MEDIUM',
        explanation: {
          zh: `${name}在 ${row.fromDay.slice(0, 7)} 受理纠纷 ${month} 起，而此前 12 个月平均每月 ${base} 起，明显高于本村常态（阈值：${t.surgeFactor} 倍且不少于 ${t.surgeMin} 起），建议排查原因。`,
          en: `${name} had ${month} disputes in ${row.fromDay.slice(0, 7)}, against an average of ${base} a month over the 12 months before: well above its usual level (threshold: ${t.surgeFactor} times and at least ${t.surgeMin}). Look into the cause.`,
        },
      };
    }
    case 'MASS_OR_TWICE_ESCALATED': {
      const mass = n('MASS_DISPUTES');
      const twice = n('TWICE_ESCALATED');
      return {
        severity: row.grade >= 3 ? 'CRITICAL' : row.grade >= 2 ? 'HIGH' : 'MEDIUM',
        explanation: {
          // Only the kinds that are there: a count of 0 named beside the other read as if it were a finding.
          zh: `${name}本期有${[mass ? `群体性纠纷 ${mass} 起` : '', twice ? `经乡镇再上报至县的纠纷 ${twice} 起` : ''].filter(Boolean).join('、')}，${
            mass && twice ? '影响面大或久调未决' : mass ? '影响面大' : '久调未决'
          }，需领导关注、提级调处。`,
          en: `${name} has ${[
            mass ? `${mass} mass-scale dispute${mass === 1 ? '' : 's'}` : '',
            twice ? `${twice} case${twice === 1 ? '' : 's'} escalated twice (village to township to county)` : '',
          ]
            .filter(Boolean)
            .join(
              ' and ',
            )} in the period: ${mass && twice ? 'wide in reach or long unresolved' : mass ? 'wide in reach' : 'long unresolved'}; they need leaders' attention.`,
        },
      };
    }
    case 'OVERDUE_CLUSTER': {
      const overdue = n('OVERDUE_CASES');
      const villages = n('VILLAGES');
      return {
        severity: overdue >= 2 * t.overdueMin ? 'HIGH' : 'MEDIUM',
        explanation: {
          zh: `${name}有 ${overdue} 起本期纠纷已超期未办（涉及 ${villages} 个村/社区，阈值 ${t.overdueMin} 起），超期案件集中，建议督办。`,
          en: `${name} has ${overdue} disputes of the period past their deadline (in ${villages} village${villages === 1 ? '' : 's'}; threshold ${t.overdueMin}): a cluster of overdue cases that calls for supervision.`,
        },
      };
    }
    case 'SPECIAL_POPULATION_PARTY': {
      const cases = n('SPECIAL_POPULATION_CASES');
      return {
        severity: row.grade >= 3 ? 'HIGH' : row.grade >= 2 ? 'MEDIUM' : 'LOW',
        explanation: {
          zh: `${name}本期有 ${cases} 起纠纷的当事人属于特殊人群关爱或管控对象，需专人跟进，防止矛盾激化。`,
          en: `${name} has ${cases} dispute${cases === 1 ? '' : 's'} in the period with a party under special-population care; assign someone to follow up so the conflict does not escalate.`,
        },
      };
    }
    case 'UNDERSTAFFED_RISING': {
      const now = n('PERIOD_DISPUTES');
      const before = n('PREVIOUS_DISPUTES');
      const short = n('GRIDS_NOT_FULLY_STAFFED');
      const grids = n('GRIDS');
      if (grid) {
        return {
          severity: 'HIGH',
          explanation: {
            zh: `${name}本期纠纷 ${now} 起，较上期 ${before} 起上升，而本网格未配齐“1+3+N”力量，建议补齐网格力量。`,
            en: `${name} has ${now} disputes in the period, up from ${before} in the period before, while the grid lacks the full 1+3+N staffing. Fill its posts.`,
          },
        };
      }
      return {
        severity: row.grade >= 2 ? 'HIGH' : 'MEDIUM',
        explanation: {
          zh: `${name}本期纠纷 ${now} 起，较上期 ${before} 起上升，而 ${grids} 个网格中有 ${short} 个未配齐“1+3+N”力量，建议补齐网格力量。`,
          en: `${name} has ${now} disputes in the period, up from ${before} in the period before, while ${short} of its ${grids} grid${grids === 1 ? '' : 's'} ${short === 1 ? 'lacks' : 'lack'} the full 1+3+N staffing. Fill the grids' posts.`,
        },
      };
    }
  }
}

/** What a caller may see of the signals. */
export interface RiskViewer {
  /** Case numbers and cases (callers with `read`); report-only callers get the figures alone. */
  records: boolean;
}

/**
 * The kinds told of one grid: those whose facts are cases (and staffing) of the grid. A surge is a village's month
 * against the village's own baseline, figures a grid worker does not read; an overdue cluster is a township's.
 */
/** The kinds whose `from` and `to` are the days of their cases (the others': a month, or the period asked). */
const CASE_DAYS: ReadonlySet<RiskKind> = new Set(['REPEATED_DISPUTES', 'MASS_OR_TWICE_ESCALATED', 'OVERDUE_CLUSTER', 'SPECIAL_POPULATION_PARTY']);
const GRID_KINDS: ReadonlySet<RiskKind> = new Set(['REPEATED_DISPUTES', 'MASS_OR_TWICE_ESCALATED', 'SPECIAL_POPULATION_PARTY', 'UNDERSTAFFED_RISING']);

/**
 * The signals of `kinds` under `within` for `period`, in the list's order:
 * severity (highest first), kind, division code, id. One statement per kind.
 * Under a grid (`within` of 15 digits, named `gridName`) only GRID_KINDS, cut to
 * the grid (store/risk-signals.ts); each is about the grid's village and named
 * as the grid.
 */
export async function findRiskSignals(
  db: Db,
  within: string,
  period: Period,
  kinds: readonly RiskKind[],
  viewer: RiskViewer,
  t: RiskThresholds,
  gridName?: string,
): Promise<RiskSignalItem[]> {
  const grid = within.length === 15;
  const [start, end] = periodBounds(period.from, period.to);
  const scope = { within, start, end };
  const previous = previousPeriod(period);
  const out: RiskSignalItem[] = [];
  for (const kind of kinds) {
    // An overdue cluster is a township's: under a village there is none to tell.
    if (kind === 'OVERDUE_CLUSTER' && within.length > 9) continue;
    if (grid && !GRID_KINDS.has(kind)) continue;
    let found: RiskSignalRow[];
    switch (kind) {
      case 'REPEATED_DISPUTES':
        found = await riskSignals.repeated(db, scope, t);
        break;
      case 'DISPUTE_SURGE':
        found = await riskSignals.surge(db, scope, t);
        break;
      case 'MASS_OR_TWICE_ESCALATED':
        found = await riskSignals.massOrTwice(db, scope);
        break;
      case 'OVERDUE_CLUSTER':
        found = await riskSignals.overdue(db, scope, t);
        break;
      case 'SPECIAL_POPULATION_PARTY':
        found = await riskSignals.specialPopulation(db, scope);
        break;
      case 'UNDERSTAFFED_RISING':
        found = await riskSignals.understaffed(db, scope, t, periodBounds(previous.from, previous.to)[0], [period.from, period.to]);
        break;
    }
    for (const row of found) {
      const township = row.divisionCode.length === 9;
      // A signal's division by its name (a repeated-disputes signal reads none: its cases' village, from the directory).
      const name = row.villageName ?? (divisionName(row.divisionCode) || row.divisionCode);
      const facts: RiskFactItem[] = row.facts.flatMap((f) =>
        isFactKind(f.kind) ? [{ kind: f.kind, value: f.value, cases: viewer.records ? (f.cases ?? []) : [] }] : [],
      );
      const { severity, explanation } = judge(
        kind,
        row,
        facts,
        grid ? (gridName ?? within) : township ? name : shortVillageName(name),
        t,
        grid,
        viewer.records,
      );
      // A signal that spans its cases' days, told without the cases, spans the period asked instead: a village (or a
      // township) and the day of its one mass dispute, or of its first overdue case, name the case.
      const [from, to] = CASE_DAYS.has(kind) && !viewer.records ? [period.from, period.to] : [row.fromDay, row.toDay];
      out.push({
        // A grid's signal counts the grid's facts alone: an id of its own, apart from its village's.
        id: createHash('sha256')
          .update(`${kind}|${grid ? within : row.divisionCode}|${row.basis}`)
          .digest('base64url')
          .slice(0, 22),
        kind,
        severity,
        division: { code: row.divisionCode, name, level: township ? 'TOWNSHIP' : 'VILLAGE' },
        villageCode: township ? null : row.divisionCode,
        townshipCode: row.divisionCode.slice(0, 9),
        from,
        to,
        facts,
        explanation,
      });
    }
  }
  const rank = (s: RiskSignalItem) => SEVERITIES.indexOf(s.severity);
  return out.sort(
    (a, b) =>
      rank(b) - rank(a) ||
      RISK_KINDS.indexOf(a.kind) - RISK_KINDS.indexOf(b.kind) ||
      a.division.code.localeCompare(b.division.code) ||
      a.from.localeCompare(b.from) ||
      a.id.localeCompare(b.id),
  );
}

/** The explanation in the request's language. */
export const explain = (s: RiskSignalItem, language: Language): string => s.explanation[language];
