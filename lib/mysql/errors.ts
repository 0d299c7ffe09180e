import type { ServerError } from '../core/rejected-row.js';
import type { Flavor } from './session.js';

/**
 * What an error from mysql2 means for the statement that got it:
 * - `transient`: the server or the network, not the data — a deadlock, a lock wait timeout, a
 *   lost or killed connection, a server restarting or out of connections. The same statement
 *   in a new transaction (on a new connection) can succeed, so it is retried.
 * - `row`: MySQL refuses a value of some row — too long, out of range, not a valid date in
 *   strict mode, NULL in a NOT NULL column, a foreign or unique key. Retrying cannot help, but
 *   the other rows of the statement are fine, so the sink finds the culprit and rejects it.
 * - `fatal`: anything else (a privilege, a missing table, a syntax error): the run stops.
 */
export type MysqlErrorClass = 'transient' | 'row' | 'fatal';

/** Server error numbers that say nothing about the data. */
const TRANSIENT_ERRNOS = new Set([
  1040, // ER_CON_COUNT_ERROR: too many connections
  1053, // ER_SERVER_SHUTDOWN: server shutdown in progress
  1158, // ER_NET_READ_ERROR
  1159, // ER_NET_READ_INTERRUPTED
  1160, // ER_NET_ERROR_ON_WRITE
  1161, // ER_NET_WRITE_INTERRUPTED
  1203, // ER_TOO_MANY_USER_CONNECTIONS: max_user_connections
  1205, // ER_LOCK_WAIT_TIMEOUT
  1213, // ER_LOCK_DEADLOCK
  1614, // ER_XA_RBDEADLOCK
  1637, // ER_TOO_MANY_CONCURRENT_TRXS
  1927, // ER_CONNECTION_KILLED (MariaDB): KILL CONNECTION while a statement ran
  2006, // CR_SERVER_GONE_ERROR: MySQL server has gone away
  2013, // CR_SERVER_LOST: lost connection to MySQL server during query
  4031, // ER_CLIENT_INTERACTION_TIMEOUT (MySQL 8): the server closed an idle connection
]);

/** mysql2's own codes for a connection that broke or could not be made. */
const TRANSIENT_CODES = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ECONNRESET',
  'ECONNREFUSED', // the server restarting; a wrong port fails earlier, when fbsync first connects
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
]);

/** Server error numbers that blame a value of a row. */
const ROW_ERRNOS = new Set([
  1048, // ER_BAD_NULL_ERROR: column cannot be null
  1062, // ER_DUP_ENTRY: on a UNIQUE index other than the key fbsync upserts by
  1216, // ER_NO_REFERENCED_ROW
  1217, // ER_ROW_IS_REFERENCED
  1264, // ER_WARN_DATA_OUT_OF_RANGE
  1265, // WARN_DATA_TRUNCATED: e.g. a value not in an ENUM, in strict mode
  1292, // ER_TRUNCATED_WRONG_VALUE: incorrect date/datetime value
  1300, // ER_INVALID_CHARACTER_STRING
  1366, // ER_TRUNCATED_WRONG_VALUE_FOR_FIELD: incorrect integer/decimal/string value
  1367, // ER_ILLEGAL_VALUE_FOR_TYPE
  1406, // ER_DATA_TOO_LONG
  1411, // ER_WRONG_VALUE_FOR_TYPE
  1451, // ER_ROW_IS_REFERENCED_2
  1452, // ER_NO_REFERENCED_ROW_2
  1690, // ER_DATA_OUT_OF_RANGE
  1916, // ER_DATA_OVERFLOW (MariaDB)
  1918, // ER_BAD_DATA (MariaDB)
  3819, // ER_CHECK_CONSTRAINT_VIOLATED (MySQL)
  4025, // ER_CONSTRAINT_FAILED (MariaDB: a CHECK constraint)
]);

/**
 * MariaDB numbers mysql2 has no name for (its table is MySQL's), or a MySQL name for
 * something else: 4025 is a DDL error on MySQL 8.
 */
const MARIADB_NAMES: Record<number, string> = {
  1916: 'ER_DATA_OVERFLOW',
  1918: 'ER_BAD_DATA',
  1927: 'ER_CONNECTION_KILLED',
  4025: 'ER_CONSTRAINT_FAILED',
};

interface DriverError {
  code?: unknown;
  errno?: unknown;
  sqlState?: unknown;
  sqlMessage?: unknown;
  message?: unknown;
  fatal?: unknown;
}

function fields(err: unknown): DriverError {
  return err && typeof err === 'object' ? (err as DriverError) : {};
}

/** A server error number, or undefined for a client-side error (mysql2 puts a negative errno on some of those). */
function serverErrno(e: DriverError): number | undefined {
  return typeof e.errno === 'number' && e.errno > 0 ? e.errno : undefined;
}

/**
 * 1711 "Unknown trigger has an error in its body: 'Query was empty'": what MariaDB 10.11 answers
 * an INSERT or LOAD DATA killed while it opens the table (no trigger involved). The faults
 * spec's KILL CONNECTION got it twice in many runs; once the connection still answered a ping
 * afterwards, so it is known by its text, not by the connection's fate. A trigger whose body
 * really is broken gets its own parse error in those quotes.
 */
function killedWhileOpening(e: DriverError, errno: number): boolean {
  return errno === 1711 && /'Query was empty'/.test(String(e.sqlMessage ?? e.message ?? ''));
}

export function classifyMysqlError(err: unknown): MysqlErrorClass {
  const e = fields(err);
  const errno = serverErrno(e);
  if (errno !== undefined) {
    if (TRANSIENT_ERRNOS.has(errno) || killedWhileOpening(e, errno)) return 'transient';
    if (ROW_ERRNOS.has(errno)) return 'row';
    return 'fatal';
  }
  if (typeof e.code === 'string') return TRANSIENT_CODES.has(e.code) ? 'transient' : 'fatal';
  // mysql2's "Can't add new command when connection is in closed state" and the like: no code,
  // flagged fatal, and what they mean is that the connection is gone.
  return e.fatal === true ? 'transient' : 'fatal';
}

export function isTransientMysqlError(err: unknown): boolean {
  return classifyMysqlError(err) === 'transient';
}

export function isRowMysqlError(err: unknown): boolean {
  return classifyMysqlError(err) === 'row';
}

/**
 * True when the connection that got this error cannot be used again: mysql2 flags such errors
 * `fatal`, but a server that kills or shuts down a connection first sends an ordinary error
 * packet, and a lost connection can surface as a bare socket error.
 */
export function isConnectionBroken(err: unknown): boolean {
  const e = fields(err);
  if (e.fatal === true) return true;
  const errno = serverErrno(e);
  if (errno !== undefined) return errno === 1927 || errno === 1053 || errno === 2006 || errno === 2013 || errno === 4031 || killedWhileOpening(e, errno);
  return typeof e.code === 'string' && TRANSIENT_CODES.has(e.code);
}

/** The server's verdict on a statement, as the reject file and messages show it. */
export type MysqlErrorInfo = ServerError;

export function mysqlErrorInfo(err: unknown, flavor?: Flavor): MysqlErrorInfo {
  const e = fields(err);
  const errno = serverErrno(e);
  const mariadbName = flavor === 'mariadb' && errno !== undefined ? MARIADB_NAMES[errno] : undefined;
  const code = mariadbName ?? (typeof e.code === 'string' ? e.code : undefined);
  const text = typeof e.sqlMessage === 'string' ? e.sqlMessage : typeof e.message === 'string' ? e.message : String(err);
  const info: MysqlErrorInfo = { message: text.replace(/\s+/g, ' ').trim() };
  if (code) info.code = code;
  if (errno !== undefined) info.errno = errno;
  if (typeof e.sqlState === 'string') info.sqlState = e.sqlState;
  return info;
}
