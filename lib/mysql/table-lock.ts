import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import type mysql from 'mysql2/promise';
import createDebug from 'debug';
import { FbsyncError, describeCause } from '../core/errors.js';
import type { MysqlTarget } from './connect.js';

const debug = createDebug('fbsync:lock');

/**
 * One run per target table at a time: a MariaDB/MySQL named lock (GET_LOCK), taken on a
 * connection of its own that the run holds until it ends. The lock belongs to that connection,
 * so the server lets it go when the connection closes or dies — a run that crashed or was
 * killed with kill -9 never leaves a stale lock behind.
 *
 * Who holds a lock is in the table fbsync_locks: the holder writes its host, pid and start time
 * there under its connection id, and a run refused reads the row of the connection that
 * IS_USED_LOCK names. A row left by a run long gone names a connection that no longer holds the
 * lock, so it is never read as the holder.
 */
export const LOCKS_TABLE = 'fbsync_locks';

/** Lock names are at most 64 characters (MariaDB and MySQL alike). */
const MAX_LOCK_NAME = 64;

/** The longest wait_timeout a server takes: the held connection is idle for the whole run, and must not be closed for it. */
const IDLE_FOR_THE_RUN_SECONDS = 31_536_000;

/** Who holds a table's lock, as the holder recorded it. */
export interface LockHolder {
  /** The holder's MySQL connection id. */
  connection: number;
  host?: string;
  pid?: number;
  /** ISO 8601, UTC. */
  startedAt?: string;
}

/**
 * The lock's name for a MySQL table: `fbsync:<database>.<table>`, in lower case (a false
 * conflict between two spellings of one name costs a wait; a missed one would cost rows), or
 * `fbsync:` and a SHA-1 of that when it is longer than a lock name may be.
 */
export function tableLockName(database: string, table: string): string {
  const name = `fbsync:${database}.${table}`.toLowerCase();
  return name.length <= MAX_LOCK_NAME ? name : `fbsync:${createHash('sha1').update(name).digest('hex')}`;
}

/** A table's lock, held until `release`. */
export class TableLock {
  readonly name: string;
  readonly #conn: mysql.Connection;

  private constructor(name: string, conn: mysql.Connection) {
    this.name = name;
    this.#conn = conn;
  }

  /**
   * Takes the lock of `table` in the target's database, waiting up to `waitSeconds` (default 0:
   * not at all) for a run that holds it. A table still held then throws TABLE_BUSY, naming the
   * run that holds it; nothing of the table has been read or written. `signal` ends the wait
   * early (KILL QUERY on the GET_LOCK that waits, and its connection closed), with TABLE_BUSY too.
   */
  static async take(target: MysqlTarget, table: string, options: { waitSeconds?: number; startedAt?: Date; signal?: AbortSignal } = {}): Promise<TableLock> {
    const name = tableLockName(target.server.database, table);
    const where = `${target.server.database}.${table}`;
    const conn = await target.connect();
    // An idle connection that errors (killed, server gone) would otherwise crash the process.
    conn.on('error', (err: unknown) => debug('lock connection of %s: %s', where, describeCause(err)));
    let stop = () => undefined as void;
    const stopped = new Promise<'stopped'>((resolve) => (stop = () => resolve('stopped')));
    options.signal?.addEventListener('abort', stop, { once: true });
    // A run already stopped does not wait (the listener above would never be told).
    const waitSeconds = options.signal?.aborted ? 0 : (options.waitSeconds ?? 0);
    try {
      await conn.query(`SET SESSION wait_timeout = ${IDLE_FOR_THE_RUN_SECONDS}`);
      const asked = conn.query<mysql.RowDataPacket[]>('SELECT GET_LOCK(?, ?) AS got, CONNECTION_ID() AS id', [name, waitSeconds]);
      const answer = await Promise.race([asked, stopped]);
      if (answer === 'stopped') {
        asked.catch(() => undefined);
        // The server would otherwise go on waiting (and then hold the lock) for a closed connection.
        await target.pool.query(`KILL QUERY ${Number(conn.threadId)}`).catch((err: unknown) => debug('KILL QUERY: %s', describeCause(err)));
        throw busyError(where, -1, await holderOf(target, name));
      }
      const { got, id } = answer[0][0]!;
      if (got === null) throw new Error(`GET_LOCK(${name}) failed`);
      if (Number(got) !== 1) throw busyError(where, waitSeconds, await holderOf(target, name));
      debug('%s locked as %s on connection %d', where, name, id);
      await record(target, name, table, { connection: Number(id), host: hostname(), pid: process.pid, startedAt: (options.startedAt ?? new Date()).toISOString() });
      return new TableLock(name, conn);
    } catch (err) {
      conn.destroy();
      throw err;
    } finally {
      options.signal?.removeEventListener('abort', stop);
    }
  }

  /** Lets the lock go, by closing its connection. */
  async release(): Promise<void> {
    try {
      await this.#conn.end();
    } catch (err) {
      // Closed anyway: the server drops the lock with the connection.
      debug('closing the lock connection of %s: %s', this.name, describeCause(err));
      this.#conn.destroy();
    }
  }
}

/**
 * Notes who holds the lock, for a run refused to name. Only a courtesy: a target where fbsync
 * may not create its table still gets the lock, and a refusal there names the connection only.
 */
async function record(target: MysqlTarget, name: string, table: string, holder: Required<LockHolder>): Promise<void> {
  try {
    await target.pool.query(
      `CREATE TABLE IF NOT EXISTS ${LOCKS_TABLE} (
        lock_name VARCHAR(64) NOT NULL PRIMARY KEY,
        table_name VARCHAR(255) NOT NULL,
        connection_id BIGINT UNSIGNED NOT NULL,
        host VARCHAR(255) NOT NULL,
        pid INT UNSIGNED NOT NULL,
        started_at VARCHAR(32) NOT NULL
      ) COMMENT 'fbsync: who holds each table lock (the lock itself is GET_LOCK)'`,
    );
    await target.pool.query(`REPLACE INTO ${LOCKS_TABLE} (lock_name, table_name, connection_id, host, pid, started_at) VALUES (?, ?, ?, ?, ?, ?)`, [
      name,
      table,
      holder.connection,
      holder.host,
      holder.pid,
      holder.startedAt,
    ]);
  } catch (err) {
    debug('cannot note the holder of %s: %s', name, describeCause(err));
  }
}

/** How long a refused run looks for the holder's note, which the holder writes just after it took the lock. */
const NOTE_WAIT_MS = 2_000;

/** The run holding a lock, if it still does; what it noted about itself, if it could. */
async function holderOf(target: MysqlTarget, name: string): Promise<LockHolder | undefined> {
  const [used] = await target.pool.query<mysql.RowDataPacket[]>('SELECT IS_USED_LOCK(?) AS id', [name]);
  const id = used[0]?.id;
  if (id === null || id === undefined) return undefined;
  const connection = Number(id);
  const deadline = Date.now() + NOTE_WAIT_MS;
  for (;;) {
    let rows: mysql.RowDataPacket[] = [];
    try {
      [rows] = await target.pool.query<mysql.RowDataPacket[]>(`SELECT host, pid, started_at FROM ${LOCKS_TABLE} WHERE lock_name = ? AND connection_id = ?`, [name, connection]);
    } catch {
      // No such table yet: the holder has not noted itself (or may not).
    }
    const row = rows[0];
    if (row) return { connection, host: String(row.host), pid: Number(row.pid), startedAt: String(row.started_at) };
    if (Date.now() >= deadline) return { connection };
    await new Promise((r) => setTimeout(r, 100));
  }
}

function busyError(where: string, waitSeconds: number, holder: LockHolder | undefined): FbsyncError {
  const who = !holder
    ? 'another run (which has just let it go)'
    : holder.host !== undefined
      ? `another run (host ${holder.host}, pid ${holder.pid}, started ${holder.startedAt}; MySQL connection ${holder.connection})`
      : `another run (MySQL connection ${holder.connection})`;
  // -1: the run was stopped while it waited.
  const waited = waitSeconds < 0 ? ' (the run was stopped while it waited)' : waitSeconds > 0 ? ` after waiting ${waitSeconds} s` : '';
  return new FbsyncError('TABLE_BUSY', `MySQL table ${where} is being synced by ${who}; nothing of it was read or written${waited}`, {
    hint: 'run again once that run is done, or wait for it with `wait`',
    options: ['wait'],
  });
}
