import { departmentName } from '../../../../domain/departments.ts';
import { divisionName } from '../../../../domain/divisions.ts';
import type { Caller } from '../../../../platform/caller.ts';
import type { DisputeStepRow } from '../store/dispute-step.ts';

/** The steps of 吹哨报到: a department called on, one answering, one taken back. */
const DISPATCH_ACTIONS = new Set(['DISPATCH', 'DEPARTMENT_ACKNOWLEDGE', 'DEPARTMENT_REPORT', 'WITHDRAW_DISPATCH']);

/**
 * A case's timeline as a county department's caller reads it: the case's own steps, and of 吹哨报到 only what concerns
 * its department (the 吹哨 that named it, its own 报到 and 反馈, a withdrawal from it). Another department's dispatch
 * is no business of its own (whom else the township called, their notes, whether they answered), as that dispatch is
 * NOT_FOUND to it by id and left out of `TownshipCase.dispatches`. A step that names its departments (a 吹哨 those it
 * calls, a withdrawal and a 报到 or 反馈 the one department) is kept when it names the caller's. A 报到 or 反馈 that
 * names none (sent by a township that did not tell the department's kind, and not matched to one by
 * …095DepartmentAnswers) is the department's own when its actor is the department's name (the township writes it so:
 * the name, then who in it took the step in full-width brackets). A 吹哨 or withdrawal naming no department is
 * withheld. Any other caller reads every step.
 */
export function stepsForCaller(caller: Caller, countyCode: string, steps: DisputeStepRow[]): DisputeStepRow[] {
  const own = caller.department;
  if (!own) return steps;
  const name = departmentName(divisionName(countyCode), own);
  return steps.filter((s) => {
    if (!DISPATCH_ACTIONS.has(s.action)) return true;
    if (s.departments?.length) return s.departments.includes(own);
    if (s.action === 'DEPARTMENT_ACKNOWLEDGE' || s.action === 'DEPARTMENT_REPORT') return s.actor === name || s.actor.startsWith(`${name}（`);
    return false;
  });
}
