/**
 * The databases the bench works on. The Firebird fixtures are expensive (10M rows take minutes)
 * and are kept between runs: a fixture is only (re)created when it is missing or does not hold
 * the expected number of rows. The MySQL side is the bench's own database, `fbsync_bench`,
 * whose tables are emptied or replaced freely; nothing else on either server is touched.
 */
import { spawnSync } from 'node:child_process';
import Firebird from 'node-firebird';
import mysql from 'mysql2/promise';
import { closeFirebird, openFirebird } from '../lib/firebird/connect.js';
import { createEstoqueFirebird, createEstoqueMysql } from '../scripts/estoque.js';
import { ESTOQUE_TABLE } from './estoque.js';

export const BENCH_MYSQL_DATABASE = 'fbsync_bench';
/** fbsync's target: same name as the source table, as the CLI expects. */
export const TARGET_TABLE = ESTOQUE_TABLE;
/** Empty copies for the hand-written writers, so they never disturb fbsync's target. */
export const RAW_WRITE_TABLE = 'TB_ESTOQUE_RAW';
export const BASELINE_TABLE = 'TB_ESTOQUE_BASELINE';

/** `<dir URI>/fbsync_bench_<rows>.fdb` */
export function benchFirebirdUri(dirUri: string, rows: number): string {
  return `${dirUri.replace(/\/+$/, '')}/fbsync_bench_${rows}.fdb`;
}

/** Rows in TB_ESTOQUE, or undefined when the database or the table does not exist. */
export async function estoqueRowCount(uri: string): Promise<number | undefined> {
  const db = await openFirebird(uri).catch(() => undefined);
  if (!db) return undefined;
  try {
    const rows = await db.queryAsync<{ N: string | number }>(`SELECT COUNT(*) AS N FROM "${ESTOQUE_TABLE}"`);
    return Number(rows[0]!.N);
  } catch {
    return undefined;
  } finally {
    await closeFirebird(db);
  }
}

/**
 * Makes sure `uri` holds TB_ESTOQUE with exactly `rows` rows; with `fresh`, builds it anew
 * whatever it holds. Says whether it had to build it.
 */
export async function ensureEstoqueFirebird(uri: string, rows: number, log: (line: string) => void, options: { fresh?: boolean } = {}): Promise<'reused' | 'created'> {
  const count = await estoqueRowCount(uri);
  if (count === rows && !options.fresh) return 'reused';
  const found = count === undefined ? 'none' : `${count.toLocaleString('en-US')} rows`;
  log(`creating Firebird fixture with ${rows.toLocaleString('en-US')} rows (${options.fresh ? 'afresh, ' : ''}found ${found}) …`);
  const started = Date.now();
  await createEstoqueFirebird(uri, rows);
  log(`fixture created in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return 'created';
}

/**
 * Sweeps a fixture (`gfix -sweep`): every change set a bench applies leaves old record versions
 * behind, which later benches' reads would otherwise walk through and collect. (It was suspected
 * of a 4.8 → 5.5 CPU-second drift in Firebird's reads of the 1M-row fixture; the bench after the
 * first sweep showed the same drift on the untouched 10M-row fixture, so that was the machine.)
 * The password goes
 * in ISC_PASSWORD, not on gfix's command line. Without gfix (firebird3.0-utils) it says so and
 * goes on: the figures are then only less repeatable.
 */
export function sweepFirebird(uri: string, log: (line: string) => void): void {
  const { host = '127.0.0.1', port = 3050, database = '', user = 'SYSDBA', password = '' } = Firebird.parseConnectionUri(uri);
  const started = Date.now();
  const run = spawnSync('gfix', ['-sweep', `${host}/${port}:${database}`], {
    env: { ...process.env, ISC_USER: user, ISC_PASSWORD: password },
    encoding: 'utf8',
    timeout: 600_000,
  });
  if (run.error || run.status !== 0) {
    log(`could not sweep the fixture (${run.error?.message ?? run.stderr.trim()}); going on without`);
    return;
  }
  log(`fixture swept in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** `mysql://…/fbsync_bench` for a server URI `mysql://…:3306` (any path it has is replaced). */
export function benchMysqlUri(serverUri: string): string {
  const url = new URL(serverUri);
  url.pathname = `/${BENCH_MYSQL_DATABASE}`;
  return url.toString();
}

/** Creates `fbsync_bench` if missing, with a fresh empty TB_ESTOQUE and its two copies. */
export async function prepareBenchMysql(dbUri: string): Promise<void> {
  await createEstoqueMysql(dbUri);
  await withMysql(dbUri, async (conn) => {
    for (const copy of [RAW_WRITE_TABLE, BASELINE_TABLE]) {
      await conn.query(`DROP TABLE IF EXISTS \`${copy}\``);
      await conn.query(`CREATE TABLE \`${copy}\` LIKE \`${TARGET_TABLE}\``);
    }
  });
}

/** Empties a bench table before a run that must start from nothing. */
export async function emptyMysqlTable(dbUri: string, table: string): Promise<void> {
  await withMysql(dbUri, (conn) => conn.query(`TRUNCATE TABLE \`${table}\``));
}

export async function withMysql<T>(uri: string, work: (conn: mysql.Connection) => Promise<T>): Promise<T> {
  const conn = await mysql.createConnection({ uri, charset: 'utf8mb4' });
  try {
    return await work(conn);
  } finally {
    await conn.end();
  }
}

/** Server versions for the report header. */
export async function serverVersions(firebirdUri: string, mysqlUri: string): Promise<{ firebird: string; mysql: string }> {
  const db = await openFirebird(firebirdUri);
  let firebird = 'unknown';
  try {
    const rows = await db.queryAsync<{ V: string }>(`SELECT RDB$GET_CONTEXT('SYSTEM', 'ENGINE_VERSION') AS V FROM RDB$DATABASE`);
    firebird = String(rows[0]?.V ?? 'unknown');
  } finally {
    await closeFirebird(db);
  }
  const mysqlVersion = await withMysql(mysqlUri, async (conn) => {
    const [rows] = await conn.query<mysql.RowDataPacket[]>('SELECT VERSION() AS v');
    return String(rows[0]!.v);
  });
  return { firebird, mysql: mysqlVersion };
}

/**
 * Sets the --since-column watermark of the bench table, as a completed since-run would have
 * left it. Only right after a run that left the target equal to the source (row 6, verified).
 */
export async function seedWatermark(dbUri: string, table: string, stamp: string): Promise<void> {
  await withMysql(dbUri, async (conn) => {
    await conn.query(
      `CREATE TABLE IF NOT EXISTS fbsync_watermarks (
         table_name VARCHAR(255) NOT NULL PRIMARY KEY,
         after_key TEXT NOT NULL,
         updated_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3)
       ) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
    );
    await conn.query('REPLACE INTO fbsync_watermarks (table_name, after_key) VALUES (?, ?)', [table, JSON.stringify([stamp])]);
  });
}
