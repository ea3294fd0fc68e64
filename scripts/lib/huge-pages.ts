import pg from 'pg';

/**
 * Whether the server's shared buffers sit in huge pages, and how many 2 MB pages they would take. A PostgreSQL
 * backend maps each page of the shared buffers on first touch: with 4 KB pages, a connection's first province
 * report spent more in those page faults than in its sums (docs/ARCHITECTURE.md, "Supervision"). The server takes
 * huge pages when the kernel has them reserved (`huge_pages = try`, the default); reserving them is the host's
 * decision, so the hub only says how many.
 */
export async function hugePages(url: string): Promise<{ on: boolean; pages: number } | undefined> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { status, pages } = (
      await c.query<{ status: string; pages: string }>(
        `select current_setting('huge_pages_status') as status, current_setting('shared_memory_size_in_huge_pages') as pages`,
      )
    ).rows[0]!;
    return { on: status === 'on', pages: Number(pages) };
  } catch {
    // An external server before PostgreSQL 15 reports neither.
    return undefined;
  } finally {
    await c.end();
  }
}
