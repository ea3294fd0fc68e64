import { createServer } from 'node:net';

/**
 * The ports of `wanted` something already listens on (at `host`), checked before the start path starts anything: a
 * hub left running, or another program, had shown as a raw EADDRINUSE after the database and migrations. Port 0
 * (a free port of the system's choosing) is never taken.
 */
export async function portsTaken(wanted: readonly (readonly [string, number])[], host: string): Promise<(readonly [string, number])[]> {
  const taken: (readonly [string, number])[] = [];
  for (const [name, port] of wanted) {
    if (port === 0) continue;
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(true)));
    });
    if (!free) taken.push([name, port]);
  }
  return taken;
}
