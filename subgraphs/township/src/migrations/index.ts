import { Migration20261121000000SeedLog } from '../../../shared/seed-log.ts';
import { Migration20261121000001 } from './Migration20261121000001.ts';
import { Migration20261121000002Forces } from './Migration20261121000002Forces.ts';

/** Every migration of the township database, oldest first. */
export const migrations = [Migration20261121000000SeedLog, Migration20261121000001, Migration20261121000002Forces];
