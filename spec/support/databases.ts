/**
 * Throwaway databases for the integration specs, on the servers named by
 *   FBSYNC_TEST_FIREBIRD  a Firebird URI whose path is a server-side directory for new databases
 *                         (default firebird://SYSDBA:masterkey@127.0.0.1:3050//var/lib/firebird/3.0/data)
 *   FBSYNC_TEST_MYSQL     a MySQL URI of a user that may CREATE and DROP databases
 *                         (default mysql://fbsync:fbsync@127.0.0.1:3306)
 * Each call makes a database with a random name; `drop()` removes it.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import Firebird from 'node-firebird';
import mysql from 'mysql2/promise';
import { openFirebird, type FirebirdDatabase } from '../../lib/firebird/connect.js';
import { ESTOQUE_FIREBIRD_DDL, ESTOQUE_MYSQL_DDL, estoqueInsertBlock } from '../../scripts/estoque.js';

export const FIREBIRD_BASE = process.env.FBSYNC_TEST_FIREBIRD ?? 'firebird://SYSDBA:masterkey@127.0.0.1:3050//var/lib/firebird/3.0/data';
export const MYSQL_BASE = process.env.FBSYNC_TEST_MYSQL ?? 'mysql://fbsync:fbsync@127.0.0.1:3306';

function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

export interface FirebirdFixture {
  uri: string;
  /** An attachment for setting up and inspecting the source (UTF8, exact numerics). */
  db: FirebirdDatabase;
  /** Runs statements in order, each committed. */
  exec(...sql: string[]): Promise<void>;
  drop(): Promise<void>;
}

export async function createFirebirdDatabase(options: { charset?: string } = {}): Promise<FirebirdFixture> {
  const base = FIREBIRD_BASE.replace(/\/+$/, '');
  const uri = `${base}/${uniqueName('fbsync_spec')}.fdb`;
  const created = await Firebird.createAsync({
    ...Firebird.parseConnectionUri(uri),
    encoding: 'UTF8',
    defaultCharset: options.charset ?? 'UTF8',
  });
  await created.detachAsync();
  const db = await openFirebird(uri);
  return {
    uri,
    db,
    async exec(...sql: string[]) {
      for (const s of sql) await db.queryAsync(s);
    },
    async drop() {
      await db.dropAsync().catch(() => undefined);
    },
  };
}

/**
 * A database built by an isql script (such as Firebird's own EMPLOYEE example), run by isql-fb
 * against the server of FBSYNC_TEST_FIREBIRD. The script's CREATE DATABASE statement is replaced
 * by one naming a throwaway database there.
 */
export async function createFirebirdDatabaseFromScript(script: string): Promise<FirebirdFixture> {
  const base = FIREBIRD_BASE.replace(/\/+$/, '');
  const uri = `${base}/${uniqueName('fbsync_spec')}.fdb`;
  const o = Firebird.parseConnectionUri(uri);
  const where = `${o.host ?? '127.0.0.1'}/${o.port ?? 3050}:${o.database}`;
  const quote = (s: string | undefined) => `'${String(s ?? '').replace(/'/g, "''")}'`;
  const create = `CREATE DATABASE ${quote(where)} USER ${quote(o.user)} PASSWORD ${quote(o.password)};`;
  const replaced = script.replace(/^\s*create\s+database\s+[^;]*;/im, create);
  if (replaced === script) throw new Error('the script has no CREATE DATABASE statement to replace');
  const run = spawnSync('isql-fb', ['-q', '-bail'], { input: replaced, encoding: 'utf8', timeout: 60_000 });
  if (run.error || run.status !== 0 || /Statement failed|error/i.test(run.stderr)) {
    throw new Error(`isql-fb failed (exit ${run.status}): ${run.error?.message ?? ''}${run.stderr.slice(0, 2000)}`);
  }
  const db = await openFirebird(uri);
  return {
    uri,
    db,
    async exec(...sql: string[]) {
      for (const s of sql) await db.queryAsync(s);
    },
    async drop() {
      await db.dropAsync().catch(() => undefined);
    },
  };
}

export interface MysqlFixture {
  uri: string;
  database: string;
  conn: mysql.Connection;
  /** Runs statements in order. */
  exec(...sql: string[]): Promise<void>;
  /** Rows as arrays, values in fbsync's canonical forms (dates and exact numbers as strings). */
  rows(sql: string, params?: unknown[]): Promise<unknown[][]>;
  drop(): Promise<void>;
}

export async function createMysqlDatabase(): Promise<MysqlFixture> {
  const database = uniqueName('fbsync_spec');
  const base = MYSQL_BASE.replace(/\/+$/, '');
  const conn = await mysql.createConnection({
    uri: base,
    charset: 'utf8mb4',
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
  });
  await conn.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4`);
  await conn.query(`USE \`${database}\``);
  return {
    uri: `${base}/${database}`,
    database,
    conn,
    async exec(...sql: string[]) {
      for (const s of sql) await conn.query(s);
    },
    async rows(sql: string, params: unknown[] = []) {
      const [rows] = await conn.query({ sql, rowsAsArray: true }, params);
      return rows as unknown as unknown[][];
    },
    async drop() {
      await conn.query(`DROP DATABASE IF EXISTS \`${database}\``).catch(() => undefined);
      await conn.end().catch(() => undefined);
    },
  };
}

/**
 * A MySQL database made afresh for every test of the suite this is called in (mocha's
 * beforeEach/afterEach), dropped after the test: `target.my` is the current test's.
 */
export function mysqlForEachTest(): { readonly my: MysqlFixture } {
  const target = {} as { my: MysqlFixture };
  beforeEach(async () => {
    target.my = await createMysqlDatabase();
  });
  afterEach(async () => {
    await target.my?.drop();
  });
  return target;
}

/**
 * The pair most specs start from: a WIN1252 Firebird database holding a TB_ESTOQUE of `rows`
 * generated rows, and a MySQL database with an empty TB_ESTOQUE of the matching design.
 */
export async function createEstoqueDatabases(rows: number): Promise<{ fb: FirebirdFixture; my: MysqlFixture }> {
  const fb = await createFirebirdDatabase({ charset: 'WIN1252' });
  await fb.exec(ESTOQUE_FIREBIRD_DDL, estoqueInsertBlock(1, rows));
  const my = await createMysqlDatabase();
  await my.exec(ESTOQUE_MYSQL_DDL);
  return { fb, my };
}

