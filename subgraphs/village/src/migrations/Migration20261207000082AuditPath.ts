import { Migration } from '@mikro-orm/migrations';

/**
 * An audit entry names the GraphQL fields through which its records were read (`village.residents`,
 * `County.residents` through the county subgraph, `personByIdNumber`), so that an inspector asking who read a
 * resident's ID number learns by which path too. One request's reads of one record type through two paths are two
 * entries. Entries written before this, and a route's (an export's, an import's), have none.
 */
export class Migration20261207000082AuditPath extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table audit_log add column path text`);
  }
}
