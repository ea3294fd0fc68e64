import { Migration } from '@mikro-orm/migrations';

/**
 * Every county of the directory lists the departments its townships' 吹哨
 * can call on (domain/departments.ts), as the directory load now writes them
 * (store/department.ts `addDirectory`): a county already loaded gets each one
 * it lacks, named as dispatches name it; a row already there is kept. The
 * list is written out here, since a migration's data must not change with
 * the code after it.
 */
const DEPARTMENTS = [
  ['HOUSING', '住房和城乡建设局'],
  ['POLICE', '公安局'],
  ['NATURAL_RESOURCES', '自然资源局'],
  ['CIVIL_AFFAIRS', '民政局'],
  ['COURT', '人民法院'],
  ['JUSTICE', '司法局'],
  ['HUMAN_RESOURCES', '人力资源和社会保障局'],
  ['AGRICULTURE', '农业农村局'],
  ['FORESTRY_GRASSLAND', '林业和草原局'],
  ['ECOLOGY_ENVIRONMENT', '生态环境局'],
  ['HEALTH', '卫生健康局'],
  ['TRANSPORT', '交通运输局'],
  ['EDUCATION', '教育局'],
  ['MARKET_REGULATION', '市场监督管理局'],
  ['EMERGENCY', '应急管理局'],
  ['PETITIONS', '信访局'],
] as const;

export class Migration20261204000008DirectoryDepartments extends Migration {
  override async up(): Promise<void> {
    const values = DEPARTMENTS.map(([kind, suffix]) => `('${kind}', '${suffix}')`).join(', ');
    this.addSql(
      `insert into department (county_code, kind, name)
         select c.code, d.kind, c.name || d.suffix from county c cross join (values ${values}) as d(kind, suffix)
         on conflict (county_code, kind) do nothing`,
    );
  }
}
