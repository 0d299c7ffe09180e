import Firebird from 'node-firebird';
import type { FirebirdDatabase } from './connect.js';

/**
 * A transaction that reads without ever waiting: read committed with rec_version (a row's last
 * committed version; node-firebird names that ISOLATION_READ_UNCOMMITTED, but Firebird has no
 * dirty reads), read-only and nowait. node-firebird's own default, and its
 * ISOLATION_READ_COMMITTED(_READ_ONLY), is no_rec_version with wait: a read that meets a row
 * another transaction changed and has not committed waits for that transaction — an ERP's
 * forgotten session, or a DDL statement left uncommitted in isql, for hours. Read-only and read
 * committed, Firebird starts it pre-committed: it holds back no garbage collection.
 */
export const READ_COMMITTED_NO_WAIT = { isolation: Firebird.ISOLATION_READ_UNCOMMITTED, readOnly: true, wait: false };

/** A query (catalog, metadata) in its own READ_COMMITTED_NO_WAIT transaction. */
export async function readQuery<T>(db: FirebirdDatabase, sql: string, params: unknown[] = []): Promise<T[]> {
  const tx = await db.transactionAsync(READ_COMMITTED_NO_WAIT);
  let rows: T[];
  try {
    rows = await tx.queryAsync<T>(sql, params);
  } catch (err) {
    // Not awaited: after a lost connection the server ends the transaction, and a request
    // sent on a closed connection is never answered.
    tx.rollbackAsync().catch(() => undefined);
    throw err;
  }
  await tx.commitAsync();
  return rows;
}
