/**
 * Tables of the transactional outbox and the idempotent inbox (docs/ARCHITECTURE.md),
 * the same in every subgraph: a change and the event announcing it are
 * written in one transaction; a relay delivers events in order with retries;
 * a receiver applies each event id once, in the same transaction that records it.
 */
export const OUTBOX_TABLES = [
  `create table hub_outbox (
    id bigint generated always as identity primary key,
    event_id uuid not null unique,
    target text not null,
    type text not null,
    payload jsonb not null,
    created_at timestamptz not null default now(),
    attempts integer not null default 0,
    next_attempt_at timestamptz not null default now(),
    last_error text,
    delivered_at timestamptz
  )`,
  `create index hub_outbox_pending on hub_outbox (target, id) where delivered_at is null`,
  `create table hub_inbox (
    event_id uuid primary key,
    source text not null,
    type text not null,
    received_at timestamptz not null default now()
  )`,
];
