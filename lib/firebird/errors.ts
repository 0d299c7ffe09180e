import { FbsyncError, describeCause } from '../core/errors.js';

/**
 * Firebird status codes that say the attachment is gone rather than that the statement was
 * wrong: the same read on a new attachment can succeed.
 */
const CONNECTION_LOST_GDSCODES = new Set([
  335544528, // shutdown: the database was shut down
  335544721, // network_error: unable to complete network request
  335544726, // net_read_err: error reading data from the connection
  335544727, // net_write_err: error writing data to the connection
  335544741, // lost_db_connection: connection lost to database
  335544856, // att_shutdown: connection shutdown (DELETE FROM MON$ATTACHMENTS, server stopping)
]);

/** Socket errors node-firebird passes on as they are, and fbsync's own for a connection out of step. */
const CONNECTION_LOST_CODES = new Set([
  'FBSYNC_OUT_OF_STEP','ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN']);

/**
 * True when a Firebird operation failed because its connection was lost or killed: worth a new
 * attachment and another try. A wrong statement, a missing table or a refused login is not.
 */
export function isLostFirebirdConnection(err: unknown): boolean {
  // fbsync's own errors (a failed attach, say) keep the driver's error as their cause.
  if (err instanceof FbsyncError) return isLostFirebirdConnection(err.cause);
  const e = (err ?? {}) as { gdscode?: unknown; code?: unknown };
  if (typeof e.gdscode === 'number') return CONNECTION_LOST_GDSCODES.has(e.gdscode);
  if (typeof e.code === 'string' && CONNECTION_LOST_CODES.has(e.code)) return true;
  // The driver's own words when the socket closed under a request it had queued.
  return /connection to firebird server was lost|connection is closed|connection shutdown/i.test(describeCause(err));
}

/** The driver's own words for a connection that closed under it, for the same case seen by fbsync. */
export function lostConnectionError(): Error {
  return Object.assign(new Error('Connection to Firebird server was lost.'), { code: 'ECONNRESET' });
}

/**
 * A reply that does not answer the request it was paired with: the driver's queue of requests
 * is out of step with the server, and nothing more on that connection can be trusted.
 */
export function outOfStepError(): Error {
  return Object.assign(new Error('Firebird answered a fetch with something other than rows; the connection is out of step'), { code: 'FBSYNC_OUT_OF_STEP' });
}

/** A Firebird error as retry events show it. */
export interface FirebirdErrorInfo {
  /** The server's status code (335544856), for server errors. */
  gdscode?: number;
  /** The socket's error code (`ECONNRESET`), for network errors. */
  code?: string;
  message: string;
}

export function firebirdErrorInfo(err: unknown): FirebirdErrorInfo {
  const e = (err ?? {}) as { gdscode?: unknown; code?: unknown };
  const info: FirebirdErrorInfo = { message: describeCause(err) };
  if (typeof e.gdscode === 'number') info.gdscode = e.gdscode;
  if (typeof e.code === 'string') info.code = e.code;
  return info;
}
