import { Migration20261121000000SeedLog } from '../../../../platform/seed-log.ts';
import { Migration20261121000001 } from './Migration20261121000001.ts';
import { Migration20261121000002Forces } from './Migration20261121000002Forces.ts';
import { Migration20261121000003Cases } from './Migration20261121000003Cases.ts';
import { Migration20261201000004CaseEngine } from './Migration20261201000004CaseEngine.ts';
import { Migration20261201000005FailClosed } from './Migration20261201000005FailClosed.ts';
import { Migration20261204000006DispatchAgain } from './Migration20261204000006DispatchAgain.ts';
import { Migration20261204000007DispatchWithdrawn } from './Migration20261204000007DispatchWithdrawn.ts';
import { Migration20261205000008DispatchCounty } from './Migration20261205000008DispatchCounty.ts';
import { Migration20261205000009LastStep } from './Migration20261205000009LastStep.ts';
import { Migration20261206000010DirectoryChanged } from './Migration20261206000010DirectoryChanged.ts';
import { Migration20261207000011CaseNumberIndex } from './Migration20261207000011CaseNumberIndex.ts';
import { Migration20261207000012CaseAccepted } from './Migration20261207000012CaseAccepted.ts';

/** Every migration of the township database, oldest first. */
export const migrations = [
  Migration20261121000000SeedLog,
  Migration20261121000001,
  Migration20261121000002Forces,
  Migration20261121000003Cases,
  Migration20261201000004CaseEngine,
  Migration20261201000005FailClosed,
  Migration20261204000006DispatchAgain,
  Migration20261204000007DispatchWithdrawn,
  Migration20261205000008DispatchCounty,
  Migration20261205000009LastStep,
  Migration20261206000010DirectoryChanged,
  Migration20261207000011CaseNumberIndex,
  Migration20261207000012CaseAccepted,
];
