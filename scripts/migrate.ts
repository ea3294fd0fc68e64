/** Applies every subgraph's pending migrations (as the owner role), then exits. */
import { settingsOrExit } from '../platform/settings.ts';
import { migrateAll, prepareDatabases } from './lib/setup.ts';

const settings = settingsOrExit();
const databases = await prepareDatabases(settings);
try {
  const applied = await migrateAll(databases.dbs);
  for (const [name, list] of Object.entries(applied)) console.log(`${name}: ${list.length ? list.join(', ') : 'up to date'}`);
} finally {
  await databases.stop();
}
