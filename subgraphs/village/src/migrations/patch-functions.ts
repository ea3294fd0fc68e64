/**
 * A `do` block that replaces `from` with `to` in the definition of every function of the schema whose body holds
 * `from`, and stops the migration unless exactly `expected` did: a definition that no longer reads as expected
 * fails loudly rather than leave the figures computed the old way (…52DeclinedCases, …56MissedDeadline).
 */
export function replaceInFunctions(from: string, to: string, expected: number): string {
  const quoted = (s: string) => `'${s.replaceAll("'", "''")}'`;
  return `do $$
        declare f record; n integer := 0;
        begin
          for f in select p.oid from pg_proc p join pg_namespace s on s.oid = p.pronamespace
                    where s.nspname = current_schema() and strpos(p.prosrc, ${quoted(from)}) > 0 loop
            execute replace(pg_get_functiondef(f.oid), ${quoted(from)}, ${quoted(to)});
            n := n + 1;
          end loop;
          if n <> ${expected} then
            raise exception 'expected ${expected} function(s) reading % (found %)', ${quoted(from)}, n;
          end if;
        end $$`;
}
