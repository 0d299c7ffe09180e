import mysql from 'mysql2/promise';
import createDebug from 'debug';
import { FbsyncError, describeCause } from '../core/errors.js';
import { maskUri } from '../util/redact.js';
import { sessionSqlMode, type Flavor } from './session.js';
import { classifyMysqlError, isConnectionBroken } from './errors.js';
import { cutWhenSilent, type SilentSocket } from '../util/silence.js';

const debug = createDebug('fbsync:mysql');

export type { Flavor };

/** What fbsync needs to know about the target server before it writes a byte. */
export interface ServerInfo {
  flavor: Flavor;
  version: string;
  database: string;
  maxAllowedPacket: number;
  maxConnections: number;
  /** The server accepts LOAD DATA LOCAL INFILE (`local_infile`). */
  localInfile: boolean;
}

export interface MysqlOptions {
  /** Connections wanted; capped below the server's max_connections. Default 4. */
  connections?: number;
  /** Close connections idle this long (ms). Default 60 s. */
  idleTimeoutMs?: number;
  /** Replace a connection once it is this old (ms), when it is next released. Default 30 min. */
  maxLifetimeMs?: number;
  /**
   * How long a statement may go without a byte from the server (ms) before its connection is
   * given up for lost, and the statement retried like one on a killed connection: a link that
   * goes silent without a reset (a firewall dropping a session, a frozen VM) would otherwise be
   * waited on for hours. Default 10 min, or the server's innodb_lock_wait_timeout plus a minute
   * where that is longer, so that a statement waiting for a row lock is never cut short.
   */
  silenceMs?: number;
}

const DEFAULT_SILENCE_MS = 10 * 60_000;

/**
 * Settings that make mysql2 hand back values in fbsync's canonical forms: exact numbers and
 * DATETIMEs as strings (no JS double, no Date in the process time zone), text as utf8mb4.
 */
const VALUE_OPTIONS = {
  charset: 'utf8mb4',
  dateStrings: true,
  supportBigNumbers: true,
  bigNumberStrings: true,
  decimalNumbers: false,
  multipleStatements: false,
  connectTimeout: 10_000,
} as const;

/** A pool of connections to the target database plus the facts about its server. */
export class MysqlTarget {
  readonly pool: mysql.Pool;
  readonly server: ServerInfo;
  readonly where: string;
  readonly #maxLifetimeMs: number;
  readonly #born = new WeakMap<object, number>();
  readonly #connect: (() => Promise<mysql.Connection>) | undefined;

  constructor(pool: mysql.Pool, server: ServerInfo, where: string, maxLifetimeMs: number, silenceMs = DEFAULT_SILENCE_MS, connect?: () => Promise<mysql.Connection>) {
    this.pool = pool;
    this.#connect = connect;
    this.server = server;
    this.where = where;
    this.#maxLifetimeMs = maxLifetimeMs;
    pool.pool.on('connection', (conn) => {
      this.#born.set(conn, Date.now());
      watchSilence(conn, silenceMs);
      // mysql2 listens for one 'error' on a pooled connection (to drop it from the pool); a
      // connection killed or cut while idle can emit a second one, which unheard would crash
      // the process. The statement that finds the connection dead gets the error anyway.
      conn.on('error', (err: unknown) => debug('connection %s: %s', conn.threadId ?? '?', describeCause(err)));
    });
  }

  /**
   * Runs `work` on a pooled connection. A connection past its lifetime, or one that broke (lost,
   * killed, reset), is destroyed rather than returned, so the next caller gets a fresh one.
   */
  async withConnection<T>(work: (conn: mysql.PoolConnection) => Promise<T>): Promise<T> {
    const conn = await this.pool.getConnection();
    let healthy = true;
    try {
      return await work(conn);
    } catch (err) {
      healthy = !isConnectionBroken(err);
      // A connection killed while its statement was still setting up can answer with an error
      // of that step before it closes (MariaDB's 1711 'Query was empty', see errors.ts, is
      // known by its text). Not an error of the statement: if the connection no longer
      // answers, the statement is retried like any killed one.
      if (healthy && classifyMysqlError(err) === 'fatal' && !(await answers(conn))) {
        healthy = false;
        throw killedWith(err);
      }
      throw err;
    } finally {
      const born = this.#born.get(conn.connection) ?? Date.now();
      if (!healthy || Date.now() - born > this.#maxLifetimeMs) conn.destroy();
      else conn.release();
    }
  }

  /**
   * A connection of its own, outside the pool, that the caller ends: for what must live exactly
   * as long as one connection (a table's lock, lib/mysql/table-lock.ts).
   */
  connect(): Promise<mysql.Connection> {
    if (!this.#connect) throw new Error(`no way to open a further connection to ${this.where}`);
    return this.#connect();
  }

  async end(): Promise<void> {
    try {
      await this.pool.end();
    } catch (err) {
      debug('pool end failed: %s', describeCause(err));
    }
  }
}

/** A pooled connection as cutWhenSilent sees it: its socket, and the statement it runs, if any. */
function watchSilence(conn: unknown, ms: number): void {
  const c = conn as { stream?: SilentSocket; _command?: unknown; threadId?: number | null };
  cutWhenSilent(c.stream, ms, () => Boolean(c._command), () => {
    debug('connection %s: nothing from the server for %d s while a statement ran; giving it up', c.threadId ?? '?', ms / 1000);
    return new Error(`the MySQL server sent nothing for ${ms / 1000} s while a statement ran`);
  });
}

/** How long a connection may take to answer a ping before it is given up for dead. */
const PING_TIMEOUT_MS = 5_000;

/** Whether the connection still answers (after a statement failed on it). */
async function answers(conn: mysql.PoolConnection): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const silence = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS)));
  try {
    return await Promise.race([conn.ping().then(() => true as const), silence]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** A statement's error on a connection that turned out to be gone: a lost connection, retried as one. */
function killedWith(err: unknown): Error {
  return Object.assign(new Error(`the connection was lost; before it went, the server said: ${describeCause(err)}`), { code: 'PROTOCOL_CONNECTION_LOST', fatal: true, cause: err });
}

export async function openMysql(uri: string, options: MysqlOptions = {}): Promise<MysqlTarget> {
  const where = maskUri(uri);
  const probe = await connectOnce(uri, where);
  let server: ServerInfo;
  let sqlMode: string;
  let autocommit: boolean;
  let lockWaitMs = 0;
  try {
    const [rows] = await probe.query<mysql.RowDataPacket[]>(
      'SELECT VERSION() AS version, DATABASE() AS db, @@max_allowed_packet AS packet, @@max_connections AS maxc, @@local_infile AS loadable, @@SESSION.sql_mode AS mode, @@SESSION.autocommit AS autocommit, @@innodb_lock_wait_timeout AS lockwait',
    );
    const r = rows[0]!;
    sqlMode = String(r.mode ?? '');
    autocommit = Number(r.autocommit) === 1;
    lockWaitMs = Number(r.lockwait) * 1000 || 0;
    if (!r.db) {
      throw new FbsyncError('MYSQL_NO_DATABASE', `the MySQL URI ${where} names no database`, {
        hint: 'add it to the path: mysql://user:password@host:3306/database',
      });
    }
    server = {
      flavor: /mariadb/i.test(String(r.version)) ? 'mariadb' : 'mysql',
      version: String(r.version),
      database: String(r.db),
      maxAllowedPacket: Number(r.packet),
      maxConnections: Number(r.maxc),
      localInfile: Number(r.loadable) === 1,
    };
  } finally {
    await probe.end().catch(() => undefined);
  }
  const wanted = Math.max(1, options.connections ?? 4);
  // Leave room for other clients (and for our own probe or an admin) below max_connections.
  const limit = Math.max(1, Math.min(wanted, server.maxConnections - 2));
  if (limit < wanted) debug('connections capped at %d by max_connections=%d', limit, server.maxConnections);
  debug('%s: %s %s, max_allowed_packet=%d, pool of %d', where, server.flavor, server.version, server.maxAllowedPacket, limit);
  const pool = mysql.createPool({
    uri,
    ...VALUE_OPTIONS,
    connectionLimit: limit,
    maxIdle: limit,
    idleTimeout: options.idleTimeoutMs ?? 60_000,
    waitForConnections: true,
    queueLimit: 0,
  });
  const mode = sessionSqlMode(sqlMode);
  const settings: string[] = [];
  if (mode !== sqlMode) settings.push(`sql_mode = ${mysql.escape(mode)}`);
  // Checkpoints and notes are single statements that count on committing by themselves, and
  // diff reads on seeing what other connections committed: sessions that start without
  // autocommit (autocommit=0 in the server's configuration, or an init_connect) would keep the
  // writes in a transaction never committed and the reads in a snapshot never renewed.
  if (!autocommit) settings.push('autocommit = 1');
  if (settings.length > 0) {
    const set = `SET SESSION ${settings.join(', ')}`;
    debug('sessions run with %s', set);
    // Queued on each new connection before anything the pool hands it out for.
    pool.pool.on('connection', (conn) => conn.query(set, (err: unknown) => err && debug('setting up the session failed: %s', describeCause(err))));
  }
  const silenceMs = options.silenceMs ?? Math.max(DEFAULT_SILENCE_MS, lockWaitMs + 60_000);
  return new MysqlTarget(pool, server, where, options.maxLifetimeMs ?? 30 * 60_000, silenceMs, () => connectOnce(uri, where));
}

async function connectOnce(uri: string, where: string): Promise<mysql.Connection> {
  try {
    return await mysql.createConnection({ uri, ...VALUE_OPTIONS });
  } catch (err) {
    throw mysqlConnectError(err, where);
  }
}

export function mysqlConnectError(err: unknown, where: string): FbsyncError {
  const e = (err ?? {}) as { code?: string; errno?: number };
  let url: URL | undefined;
  try {
    url = new URL(where);
  } catch {
    /* unparsable: reported below with the masked text */
  }
  const host = url ? `${url.hostname}:${url.port || 3306}` : where;
  switch (e.code) {
    case 'ER_ACCESS_DENIED_ERROR':
    case 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR':
      return new FbsyncError('MYSQL_LOGIN', `MySQL at ${host} rejected user ${decodeURIComponent(url?.username ?? '')} or its password (${where})`, {
        hint: 'check the user and password in the MySQL URI',
        cause: err,
      });
    case 'ER_BAD_DB_ERROR':
      return new FbsyncError('MYSQL_DATABASE', `MySQL database ${url?.pathname.slice(1) ?? ''} does not exist on ${host}`, {
        hint: 'create it first (CREATE DATABASE …) or fix the path in the MySQL URI',
        cause: err,
      });
    case 'ER_DBACCESS_DENIED_ERROR':
      return new FbsyncError('MYSQL_DATABASE', `MySQL user may not use database ${url?.pathname.slice(1) ?? ''} on ${host}`, {
        hint: 'GRANT the user access to it',
        cause: err,
      });
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
      return new FbsyncError('MYSQL_UNREACHABLE', `cannot reach the MySQL server at ${host} (${e.code})`, {
        hint: 'check that the server runs and the host and port in the MySQL URI are right',
        cause: err,
      });
    default:
      return new FbsyncError('MYSQL_CONNECT', `cannot connect to MySQL ${where}: ${describeCause(err)}`, { cause: err });
  }
}
