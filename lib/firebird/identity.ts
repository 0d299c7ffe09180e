import type { FirebirdDatabase } from './connect.js';
import { readQuery } from './read.js';

/**
 * What tells one Firebird database from another: its file name and creation time. A restored
 * copy has a new creation time (and transaction numbers that start again), so notes of record
 * versions taken from the original mean nothing there.
 */
export async function databaseIdentity(db: FirebirdDatabase): Promise<[name: string | undefined, created: string | undefined]> {
  const [row] = await readQuery<{ NAME: string; CREATED: string }>(
    db,
    'SELECT MON$DATABASE_NAME AS NAME, CAST(MON$CREATION_DATE AS VARCHAR(30)) AS CREATED FROM MON$DATABASE',
    [],
  );
  return [row?.NAME?.trim(), row?.CREATED];
}
