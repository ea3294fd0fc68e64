import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import pg from 'pg';
import { SUBGRAPHS, type DatabaseSettings, type SubgraphName } from '../../platform/settings.ts';

/**
 * Creates, on a PostgreSQL server we administer (the embedded one, or a test
 * server), one database per subgraph and two roles:
 *  - `hub_owner` owns the databases and tables and runs migrations;
 *  - `hub_app` is what the services connect as: not an owner, no BYPASSRLS,
 *    only DML on the tables, so row-level security always applies to it.
 */
export interface RolePasswords {
  owner: string;
  app: string;
}

export function loadOrCreatePasswords(file: string): RolePasswords {
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as RolePasswords;
  const pw = { owner: randomBytes(18).toString('base64url'), app: randomBytes(18).toString('base64url') };
  writeFileSync(file, JSON.stringify(pw), { mode: 0o600 });
  return pw;
}

function withDatabase(url: string, database: string, user?: string, password?: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  if (user) {
    u.username = user;
    u.password = encodeURIComponent(password ?? '');
  }
  return u.toString();
}

export async function ensureDatabases(adminUrl: string, passwords: RolePasswords, prefix = 'hub_'): Promise<Record<SubgraphName, DatabaseSettings>> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
  try {
    for (const [role, pw] of [
      ['hub_owner', passwords.owner],
      ['hub_app', passwords.app],
    ] as const) {
      const exists = await admin.query('select 1 from pg_roles where rolname = $1', [role]);
      const verb = exists.rowCount ? 'alter' : 'create';
      await admin.query(`${verb} role ${role} with login nosuperuser nobypassrls nocreatedb nocreaterole password ${lit(pw)}`);
    }
    const out = {} as Record<SubgraphName, DatabaseSettings>;
    for (const name of SUBGRAPHS) {
      const db = `${prefix}${name}`;
      const exists = await admin.query('select 1 from pg_database where datname = $1', [db]);
      // Collation C, as the embedded database has it: the stores read a division's rows as the range [code, code || ':'),
      // which holds only in byte order (docs/ARCHITECTURE.md, "Conventions").
      if (!exists.rowCount) await admin.query(`create database ${db} owner hub_owner encoding 'UTF8' locale 'C' template template0`);
      const created = !exists.rowCount;
      const inDb = new pg.Client({ connectionString: withDatabase(adminUrl, db) });
      await inDb.connect();
      try {
        await inDb.query(`revoke all on database ${db} from public`);
        // Temporary tables: bulk imports stage each batch in one before upserting it.
        await inDb.query(`grant connect, temporary on database ${db} to hub_owner, hub_app`);
        await inDb.query(`alter schema public owner to hub_owner`);
        await inDb.query(`grant usage on schema public to hub_app`);
        await inDb.query(`alter default privileges for role hub_owner in schema public grant select, insert, update, delete on tables to hub_app`);
        await inDb.query(`alter default privileges for role hub_owner in schema public grant usage, select on sequences to hub_app`);
        // Once, when the database is made: from then on the migrations own the tables' grants, and take some back
        // (the audit log, a resident's history and the change feed are append-only for the services: no update or
        // delete). Granted again at every start, those would come back.
        if (created) {
          await inDb.query(`grant select, insert, update, delete on all tables in schema public to hub_app`);
          await inDb.query(`grant usage, select on all sequences in schema public to hub_app`);
        }
      } finally {
        await inDb.end();
      }
      out[name] = {
        url: withDatabase(adminUrl, db, 'hub_app', passwords.app),
        migrationUrl: withDatabase(adminUrl, db, 'hub_owner', passwords.owner),
      };
    }
    return out;
  } finally {
    await admin.end();
  }
}
