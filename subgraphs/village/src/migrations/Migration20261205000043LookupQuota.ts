import { Migration } from '@mikro-orm/migrations';

/**
 * The lookup quota (docs/ARCHITECTURE.md, "Lookup quota"): how many lookups of
 * a person by full ID number or phone each caller made in the current minute
 * and the current day (Beijing time). The service role spends a caller's
 * quota through `hub_take_lookups` and can neither read nor lower it.
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
      // TAKE: empty when the caller may make `n` more lookups now (they are counted); otherwise the windows they would
      // overrun, with the quota and the seconds until that window starts again (nothing is counted). CHECK: the same
      // for one more lookup, counting nothing. COUNT: counts `n` whatever the quota (rows of a file whose batch was let
      // through by a CHECK: what they revealed was revealed). The windows follow the clock, not the transaction's start
      // (a batch may have waited for the one before it).
      `create function hub_take_lookups(who text, n integer, per_minute integer, per_day integer, mode text default 'TAKE')
         returns table (exceeded text, quota integer, retry_after integer)
         language plpgsql security definer set search_path = public as $$
        declare
          at timestamptz := clock_timestamp();
          minute_starts timestamptz := date_trunc('minute', at);
          day_starts timestamptz := date_trunc('day', at, 'Asia/Shanghai');
          in_minute integer;
          in_day integer;
        begin
          if n is null or n < 0 or mode is null or mode not in ('TAKE', 'CHECK', 'COUNT') then
            raise exception 'hub_take_lookups: n must be 0 or more and mode TAKE, CHECK or COUNT' using errcode = 'invalid_parameter_value';
          end if;
          -- A counter lost in a crash costs nothing: the commit of a statement of its own need not wait for the disk.
          perform set_config('synchronous_commit', 'off', true);
          if mode = 'CHECK' then
            select coalesce(max(q.used) filter (where q.span = 'MINUTE' and q.starts = minute_starts), 0),
                   coalesce(max(q.used) filter (where q.span = 'DAY' and q.starts = day_starts), 0)
              into in_minute, in_day from lookup_quota q where q.subject = who;
            in_minute := in_minute + 1;
            in_day := in_day + 1;
          else
            -- One statement counts the lookups in both windows (a window that has passed starts again, and one never
            -- goes back to an earlier one) and locks the caller's two rows until the transaction ends, so concurrent
            -- requests of one caller count one after the other.
            with counted as (
              insert into lookup_quota as q (subject, span, starts, used)
              values (who, 'MINUTE', minute_starts, n), (who, 'DAY', day_starts, n)
              on conflict (subject, span) do update
                 set used = case when excluded.starts > q.starts then 0 else q.used end + excluded.used,
                     starts = greatest(q.starts, excluded.starts)
              returning q.span, q.used)
            select max(c.used) filter (where c.span = 'MINUTE'), max(c.used) filter (where c.span = 'DAY') into in_minute, in_day from counted c;
            if mode = 'COUNT' or (in_minute <= per_minute and in_day <= per_day) then
              return;
            end if;
            -- Refused, so not counted: the caller's next lookup in the window is judged on what it really spent.
            update lookup_quota q set used = q.used - n where q.subject = who;
          end if;
          if in_minute > per_minute then
            return query select 'MINUTE', per_minute, ceil(extract(epoch from minute_starts + interval '1 minute' - at))::integer;
          end if;
          if in_day > per_day then
            return query select 'DAY', per_day, ceil(extract(epoch from day_starts + interval '24 hours' - at))::integer;
          end if;
        end $$`,
    ])
      this.addSql(sql);
  }
}
