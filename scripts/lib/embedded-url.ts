import { join } from 'node:path';

/**
 * The services reach the embedded server through a Unix socket in its data
 * folder, not through 127.0.0.1: on loopback TCP, every write to PostgreSQL
 * also runs the receiving side's TCP work in the writer's process, and a
 * CPU profile of the village subgraph under unique dashboards put a fifth of
 * its samples in those writes. TCP stays open for tools and other clients. A socket's path has at most 107 bytes; a data folder
 * too deep for it leaves the services on TCP. The folder is the server's
 * own (mode 0700), so only its user and root can connect through it.
 */
export function embeddedUrl(password: string, port: number, pgDir: string, user = 'postgres', database = 'postgres'): string {
  const socket = socketFolder(pgDir, port);
  return `postgresql://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}${socket ? `?host=${encodeURIComponent(socket)}` : ''}`;
}

/** The folder of the embedded server's Unix socket (its data folder), or undefined when the socket's path would be too long. */
export const socketFolder = (pgDir: string, port: number): string | undefined =>
  Buffer.byteLength(join(pgDir, `.s.PGSQL.${port}`)) <= 100 ? pgDir : undefined;
