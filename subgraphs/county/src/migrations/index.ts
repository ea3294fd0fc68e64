import { Migration20261121000000SeedLog } from '../../../../platform/seed-log.ts';
import { Migration20261121000001 } from './Migration20261121000001.ts';
import { Migration20261121000002Departments } from './Migration20261121000002Departments.ts';
import { Migration20261121000003Cases } from './Migration20261121000003Cases.ts';
import { Migration20261121000004Targets } from './Migration20261121000004Targets.ts';
import { Migration20261201000005CaseEngine } from './Migration20261201000005CaseEngine.ts';
import { Migration20261201000006FailClosed } from './Migration20261201000006FailClosed.ts';
import { Migration20261201000007DivisionTargets } from './Migration20261201000007DivisionTargets.ts';
import { Migration20261204000008DirectoryDepartments } from './Migration20261204000008DirectoryDepartments.ts';
import { Migration20261205000009LastStep } from './Migration20261205000009LastStep.ts';
import { Migration20261206000010DirectoryChanged } from './Migration20261206000010DirectoryChanged.ts';
import { Migration20261207000011CaseAccepted } from './Migration20261207000011CaseAccepted.ts';

/** Every migration of the county database, oldest first. */
export const migrations = [
  Migration20261121000000SeedLog,
  Migration20261121000001,
  Migration20261121000002Departments,
  Migration20261121000003Cases,
  Migration20261121000004Targets,
  Migration20261201000005CaseEngine,
  Migration20261201000006FailClosed,
  Migration20261201000007DivisionTargets,
  Migration20261204000008DirectoryDepartments,
  Migration20261205000009LastStep,
  Migration20261206000010DirectoryChanged,
  Migration20261207000011CaseAccepted,
];
