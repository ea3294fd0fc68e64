import { Migration } from '@mikro-orm/migrations';

/**
 * The lookup quota (docs/ARCHITECTURE.md, "Lookup quota"): how many lookups of
 * a person by full ID number or phone each caller made in the current minute
 * and the current day (Beijing time). The service role spends a caller's
 * quota through `hub_take_lookups` and can neither read nor reset the table.
 */
export class Migration20261205000043LookupQuota extends Migration {
  override async up(): Promise<void> {
    for (const sql of [
      `create table lookup_quota (
         subject text not null,
         span text not null check (span in ('MINUTE', 'DAY')),
         starts timestamptz not null,
         used integer not null check (used >= 0),
         primary key (subject, span))`,
      `do $$ begin if exists (select 1 from pg_roles where rolname = 'hub_app') then
         revoke all on lookup_quota from hub_app;
       end if; end $$`,
      // Empty when the caller may make `n` more lookups now (they are counted); otherwise the windows they would
      // overrun, with the quota and the seconds until that window starts again (nothing is counted).
      `create function hub_take_lookups(who text, n integer, per_minute integer, per_day integer)
         returns table (exceeded text, quota integer, retry_after integer)
         language plpgsql security definer set search_path = public as $$
        declare
          minute_starts timestamptz := date_trunc('minute', now());
          day_starts timestamptz := date_trunc('day', now(), 'Asia/Shanghai');
          in_minute integer;
          in_day integer;
        begin
          -- Both rows exist and are locked before they are read (a window that has passed starts again at 0), so a
          -- caller's concurrent requests spend the quota one after the other until their transactions end.
          insert into lookup_quota as q (subject, span, starts, used)
          values (who, 'MINUTE', minute_starts, 0), (who, 'DAY', day_starts, 0)
          on conflict (subject, span) do update
             set used = case when q.starts = excluded.starts then q.used else 0 end, starts = excluded.starts;
          select q.used into in_minute from lookup_quota q where q.subject = who and q.span = 'MINUTE';
          select q.used into in_day from lookup_quota q where q.subject = who and q.span = 'DAY';
          if in_minute + n <= per_minute and in_day + n <= per_day then
            update lookup_quota q set used = q.used + n where q.subject = who;
            return;
          end if;
          if in_minute + n > per_minute then
            return query select 'MINUTE', per_minute, ceil(extract(epoch from minute_starts + interval '1 minute' - now()))::integer;
          end if;
          if in_day + n > per_day then
            return query select 'DAY', per_day, ceil(extract(epoch from day_starts + interval '1 day' - now()))::integer;
          end if;
        end $$`,
    ])
      this.addSql(sql);
  }
}
