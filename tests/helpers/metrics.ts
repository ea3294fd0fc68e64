import { expect } from 'vitest';

/** The Prometheus text of the service whose GraphQL endpoint is `graphqlUrl` (its /metrics). */
export async function scrape(graphqlUrl: string): Promise<string> {
  const res = await fetch(new URL('/metrics', graphqlUrl));
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  return res.text();
}

/** The value of the first sample line that starts with `prefix` (name and labels), or undefined. */
export function sample(text: string, prefix: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(prefix));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** The runs again of `service`'s write transactions a concurrent write aborted with `sqlstate` (0 before the first). */
export const reruns = (text: string, sqlstate: string, service = 'village'): number =>
  sample(text, `hub_write_transaction_reruns_total{service="${service}",sqlstate="${sqlstate}"}`) ?? 0;
