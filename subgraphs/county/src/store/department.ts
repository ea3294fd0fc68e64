import type { Db } from '../../../../platform/sql.ts';
import { Department, type DepartmentEntity } from '../entities.ts';

/** County departments (住建局, 公安局, 自然资源局, ...), read through their MikroORM entity (entities.ts). */
export const departments = {
  /** The departments of each county, by kind. */
  ofCounties: (db: Db, countyCodes: readonly string[]): Promise<DepartmentEntity[]> =>
    db.find(Department, { countyCode: { $in: [...countyCodes] } }, { orderBy: { kind: 'asc' } }),
};
