import Firebird from 'node-firebird';
import createDebug from 'debug';
import { FbsyncError, describeCause } from '../core/errors.js';
import { maskUri, passwordOf, redact } from '../util/redact.js';
import { lostConnectionError } from './errors.js';
import { driverPatchStatus } from './driver-patch.js';
import { cutWhenSilent, type SilentSocket } from '../util/silence.js';

const debug = createDebug('fbsync:firebird');

export type FirebirdDatabase = Firebird.Database;

/**
 * Options fbsync always sets, whatever the URI says: text arrives as UTF-8 (the server
 * transliterates WIN1252, ISO8859_1, … for us), exact numerics arrive as strings, and text
 * BLOBs as strings. BLOBs too long to come inside the row (lib/firebird/select-list.ts) are read
 * 64 KiB a round trip, not the driver's default 1 KiB.
 */
const REQUIRED: Partial<Firebird.Options> = {
  encoding: 'UTF8',
  numericMode: 'string',
  blobAsText: true,
  lowercase_keys: false,
  blobReadChunkSize: 65535,
};

export function firebirdOptions(uri: string): Firebird.Options {
  let parsed: Firebird.Options;
  try {
    parsed = Firebird.parseConnectionUri(uri);
  } catch (err) {
    // The driver's message quotes the URI whole, password included.
    const cause = redact(describeCause(err), [passwordOf(uri)]);
    throw new FbsyncError('FIREBIRD_URI', `cannot parse the Firebird URI ${maskUri(uri)}: ${cause}`, {
      hint: 'write it as firebird://user:password@host:port//absolute/path/database.fdb',
    });
  }
  return {
    blobReadChunkSize: 65535,
    statementCacheSize: 8,
    connectTimeout: 10_000,
    ...parsed,
    ...REQUIRED,
  };
}

export interface FirebirdConnectOptions {
  /**
   * How long a request may go without a byte from the server (ms) before the connection is
   * given up for lost, which the source retries on a new attachment: a link that goes silent
   * without a reset would otherwise be waited on for hours. Default 10 min, well above the
   * time Firebird may take to find the first rows of a filtered page.
   */
  silenceMs?: number;
}

/**
 * Attaches to a Firebird database and turns the driver's failures into messages a user can act
 * on. node-firebird leaves the socket of a failed attach open (the process then never exits),
 * so a failed attach closes its connection itself.
 */
export async function openFirebird(uri: string, connect: FirebirdConnectOptions = {}): Promise<FirebirdDatabase> {
  const options = firebirdOptions(uri);
  const where = maskUri(uri);
  debug('attaching to %s', where);
  let connection: { _socket?: NodeJS.EventEmitter | null } | undefined;
  const attach = new Promise<FirebirdDatabase>((resolve, reject) => {
    Firebird.attach(options, (err, db) => (err ? reject(err) : resolve(db)));
    connection = Firebird.connection as typeof connection;
    // The driver does not always answer an attach whose connection goes away half-way (an
    // attachment killed while it logs in): the close, or a long silence, ends the wait.
    connection?._socket?.once('close', () => reject(lostConnectionError()));
  });
  try {
    const db = await within(attach, ATTACH_TIMEOUT_MS);
    watchSilence(connection, connect.silenceMs ?? DEFAULT_SILENCE_MS);
    return db;
  } catch (err) {
    // An attach that still succeeds after all is let go as well: nobody will use it.
    attach.then(() => abandon(connection), () => undefined);
    abandon(connection);
    throw firebirdConnectError(err, where, options);
  }
}

const DEFAULT_SILENCE_MS = 10 * 60_000;

/** An attachment's connection as cutWhenSilent sees it: its socket, and the requests awaiting answers. */
function watchSilence(connection: unknown, ms: number): void {
  const cnx = connection as { _socket?: SilentSocket | null; _queue?: unknown[] } | undefined;
  const socket = cnx?._socket;
  // After a reconnect of the driver's own, the connection has another socket: this one is done.
  cutWhenSilent(socket, ms, () => Boolean(cnx?._queue?.length) && cnx?._socket === socket, () => {
    debug('nothing from the Firebird server for %d s while %d requests waited; giving the connection up', ms / 1000, cnx?._queue?.length ?? 0);
    return new Error(`the Firebird server sent nothing for ${ms / 1000} s`);
  });
}

/** How long an attach may go unanswered. */
const ATTACH_TIMEOUT_MS = 60_000;

/**
 * Closes the socket of a connection whose attach failed. Marked as detached first, or the
 * driver's close handler schedules a reconnect that keeps the process alive.
 */
function abandon(connection: unknown): void {
  const cnx = connection as { _isDetach?: boolean; _retry_connection_id?: ReturnType<typeof setTimeout>; _socket?: { destroy(): void } | null } | undefined;
  if (!cnx) return;
  cnx._isDetach = true;
  clearTimeout(cnx._retry_connection_id);
  try {
    cnx._socket?.destroy();
  } catch {
    /* already closed */
  }
}

/**
 * Lets go of an attachment whose connection was lost. The driver would otherwise reattach the
 * same Database in the background — an attachment nobody tracks, whose timer keeps the
 * process alive — while fbsync has already opened a fresh one to carry on with.
 */
export function abandonFirebird(db: FirebirdDatabase): void {
  abandon((db as { connection?: unknown }).connection);
}

/** `work`, or a lost-connection error after `ms` without an answer. */
export async function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const silence = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(Object.assign(lostConnectionError(), { message: `Firebird did not answer within ${ms / 1000} s` })), ms);
  });
  try {
    return await Promise.race([work, silence]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `work`, or a lost-connection error as soon as the connection of `db` closes, whichever comes
 * first. node-firebird fails the requests it has queued when the socket closes, but a request
 * sent after that goes to a dead socket and is never answered; this turns that hang into an
 * error that can be retried. The close listener lives only as long as `work`, so nothing
 * (such as a page of rows) stays reachable from the socket afterwards.
 */
export function untilClosed<T>(db: FirebirdDatabase, work: Promise<T>): Promise<T> {
  const cnx = (db as { connection?: { _socket?: NodeJS.EventEmitter | null; _isClosed?: boolean } }).connection;
  const socket = cnx?._socket;
  if (!socket || cnx._isClosed) {
    work.catch(() => undefined); // abandoned: its failure, if any, is not news
    return Promise.reject(lostConnectionError());
  }
  return new Promise<T>((resolve, reject) => {
    const lost = () => reject(lostConnectionError());
    socket.once('close', lost);
    work.then(
      (value) => {
        socket.removeListener('close', lost);
        resolve(value);
      },
      (err: unknown) => {
        socket.removeListener('close', lost);
        reject(err);
      },
    );
  });
}

/**
 * node-firebird 2.17.1 unpatched refuses the right password of about one Firebird 3 user in 16
 * (by the salt the server drew for it); fbsync's driver patch fixes that (driver-patch.ts).
 */
function loginHint(): string {
  const check = 'check the user and password in the Firebird URI';
  if (driverPatchStatus().patched) return check;
  return `${check}; if they are right, this node-firebird lacks fbsync's patch and fails to log in about 1 Firebird 3 user in 16 (see the warning on the driver): patch it, or set the same password again with ALTER USER … PASSWORD`;
}

export function firebirdConnectError(err: unknown, where: string, options: Firebird.Options): FbsyncError {
  const cause = describeCause(err);
  const code = (err as { gdscode?: number; code?: string } | undefined) ?? {};
  const host = `${options.host ?? '127.0.0.1'}:${options.port ?? 3050}`;
  if (code.gdscode === 335544472 || /user name and password are not defined/i.test(cause)) {
    return new FbsyncError('FIREBIRD_LOGIN', `Firebird at ${host} rejected user ${options.user ?? 'SYSDBA'} or its password (${where})`, {
      hint: loginHint(),
      cause: err,
    });
  }
  if (code.gdscode === 335544344 || /I\/O error|Error while trying to open file/i.test(cause)) {
    return new FbsyncError('FIREBIRD_DATABASE', `Firebird at ${host} cannot open database ${options.database} (${where}): ${cause}`, {
      hint: 'check the database path (an absolute path on the server, after a double slash) or alias',
      cause: err,
    });
  }
  if (code.gdscode === 335545064 || /Incompatible wire encryption levels/i.test(cause)) {
    return new FbsyncError('FIREBIRD_WIRE_CRYPT', `Firebird at ${host} and fbsync ask for different wire encryption (${where}): ${cause}`, {
      hint: 'Firebird 3 requires it by default (WireCrypt = Required in firebird.conf): leave wireCrypt=0 out of the Firebird URI, or allow unencrypted attachments on the server with WireCrypt = Enabled',
      cause: err,
    });
  }
  if (code.code === 'ECONNREFUSED' || code.code === 'ENOTFOUND' || code.code === 'ETIMEDOUT' || code.code === 'EHOSTUNREACH') {
    return new FbsyncError('FIREBIRD_UNREACHABLE', `cannot reach the Firebird server at ${host} (${code.code})`, {
      hint: 'check that the server runs and the host and port in the Firebird URI are right',
      cause: err,
    });
  }
  return new FbsyncError('FIREBIRD_CONNECT', `cannot attach to Firebird database ${where}: ${cause}`, { cause: err });
}

export async function closeFirebird(db: FirebirdDatabase | undefined): Promise<void> {
  if (!db) return;
  try {
    await db.detachAsync();
  } catch (err) {
    debug('detach failed: %s', describeCause(err));
    // A connection that was lost has the driver's re-attach timer pending, which would keep
    // the process alive (and attach again, for nobody).
    abandonFirebird(db);
  }
}
