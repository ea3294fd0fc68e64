/**
 * Row-level security by jurisdiction (docs/ARCHITECTURE.md), shared by every
 * subgraph's migrations. Each request sets `hub.jurisdiction` for its
 * transactions (MikroORM session context); a row is visible when its
 * division code lies under that code. Without the setting, or with an empty
 * one, nothing is visible (fail closed); the whole country is the explicit
 * value `*`.
 * Policies apply to every role but the tables' owner, which runs migrations
 * and bulk loads; the services connect as a role that owns nothing.
 */
export const JURISDICTION_FUNCTION = `
  create or replace function hub_in_jurisdiction(code text) returns boolean
  language sql stable as $$
    select case coalesce(current_setting('hub.jurisdiction', true), '')
      -- fails closed: a connection that set no jurisdiction (or an empty one) sees nothing
      when '' then false
      -- the whole country, only ever set for a caller an operator made national (see platform/caller.ts)
      when '*' then true
      else code like current_setting('hub.jurisdiction', true) || '%'
        -- a grid-level caller still sees the village-level rows of its village (committees, teams)
        or (length(current_setting('hub.jurisdiction', true)) > length(code) and current_setting('hub.jurisdiction', true) like code || '%')
    end
  $$`;

/** SQL enabling RLS on a table, keyed on one of its division-code columns. */
export function jurisdictionPolicy(table: string, column: string): string[] {
  return [
    `alter table ${table} enable row level security`,
    `create policy ${table}_jurisdiction on ${table} using (hub_in_jurisdiction(${column})) with check (hub_in_jurisdiction(${column}))`,
  ];
}

/**
 * An append-only audit table: inserts only (no update, delete or truncate,
 * for anyone, the owner included), readable by jurisdiction of the caller
 * who made the entry.
 */
export function appendOnly(table: string): string[] {
  return [
    `create or replace function hub_append_only() returns trigger language plpgsql as $$
       begin raise exception '% is append-only: entries are never changed or removed', tg_table_name; end $$`,
    `create trigger ${table}_append_only before update or delete or truncate on ${table} for each statement execute function hub_append_only()`,
  ];
}
