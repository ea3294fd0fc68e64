import type { PoolClient } from 'pg';
import { DEPARTMENTS, departmentName } from '../../../../domain/departments.ts';
import { command, type Db } from '../../../../platform/sql.ts';
import { Department, type DepartmentEntity } from '../entities.ts';

const addDirectory = command(
  'department.addDirectory',
  `insert into department (county_code, kind, name)
     select county, kind, name from unnest($1::text[], $2::text[], $3::text[]) as d(county, kind, name)
     on conflict (county_code, kind) do nothing`,
);

/** County departments (住建局, 公安局, 自然资源局, ...), read through their MikroORM entity (entities.ts). */
export const departments = {
  /** The departments of each county, by kind. */
  ofCounties: (db: Db, countyCodes: readonly string[]): Promise<DepartmentEntity[]> =>
    db.find(Department, { countyCode: { $in: [...countyCodes] } }, { orderBy: { kind: 'asc' } }),
  /**
   * Every department a 吹哨 can call on in each county of the directory
   * (domain/departments.ts), named as dispatches name them; one already
   * there is kept as it is (in the directory load's transaction).
   */
  addDirectory: async (client: PoolClient, list: readonly { code: string; name: string }[]): Promise<void> => {
    const rows = list.flatMap((c) => DEPARTMENTS.map(([kind]) => [c.code, kind, departmentName(c.name, kind)] as const));
    await client.query(addDirectory.text, [rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2])]);
  },
};
