/** The county departments a township's 吹哨 calls on (kind, name suffix), shared reference data. */
export const DEPARTMENTS: readonly (readonly [string, string])[] = [
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
];
export const DEPARTMENT_NAMES = new Map(DEPARTMENTS);

/** Whether `kind` names a county department (e.g. NATURAL_RESOURCES). */
export function isDepartmentKind(kind: string): boolean {
  return DEPARTMENT_NAMES.has(kind);
}

/**
 * A county department's name, as `county.departments` lists it and dispatches
 * name it: the county's name and the department's suffix (临潭县 +
 * 自然资源局 = 临潭县自然资源局).
 */
export function departmentName(countyName: string, kind: string): string {
  const suffix = DEPARTMENT_NAMES.get(kind);
  if (suffix === undefined) throw new Error(`Unknown department kind ${kind}.`);
  return `${countyName}${suffix}`;
}
