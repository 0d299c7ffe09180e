/**
 * An independent, value-by-value check that a MySQL table holds exactly the rows of a Firebird
 * table. It shares no code with fbsync (its own metadata queries, its own paging, its own
 * canonical forms), so a bug in fbsync's reader or comparison cannot hide itself here.
 *
 * Both sides are read in primary-key order, in keyset pages inside one snapshot transaction
 * each, and merged like a sorted merge join: memory stays at two pages a side whatever the
 * table size. Values are compared in canonical text forms:
 *   NUMERIC/DECIMAL  exact decimal strings (node-firebird numericMode 'string'; mysql2 with
 *                    decimalNumbers false and bigNumberStrings), without redundant zeros
 *   TIMESTAMP/TIME   Firebird's own CAST(… AS VARCHAR) text against MySQL's DATETIME(n)/TIME(n)
 *                    string, trailing zeros of the fraction dropped; DATE likewise
 *   CHAR             trailing blanks removed on both sides
 *   other text       exactly
 * Text keys must order by code point on both sides (binary collations), as fbsync requires.
 *
 *   npx tsx bench/verify.ts --from URI --to URI --table TB_ESTOQUE [--target-table NAME] [--max-differences 10]
 *
 * URIs may also come from FBSYNC_FROM / FBSYNC_TO. Exit code 0: identical; 1: differences; 2: error.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Firebird from 'node-firebird';
import mysql from 'mysql2/promise';

export interface VerifyOptions {
  from: string;
  to: string;
  /** Firebird table name (exact, or matched case-insensitively). */
  table: string;
  /** MySQL table name; defaults to the Firebird one, matched case-insensitively. */
  targetTable?: string;
  /** Differences listed in detail; all of them are counted. Default 10. */
  maxDifferences?: number;
  /** Rows per keyset page on each side. Default 10,000. */
  pageSize?: number;
}

export interface Difference {
  kind: 'missing in MySQL' | 'extra in MySQL' | 'value';
  key: string;
  column?: string;
  firebird?: string;
  mysql?: string;
}

export interface VerifyResult {
  table: string;
  target: string;
  firebirdRows: number;
  mysqlRows: number;
  /** Rows present on both sides and compared column by column. */
  compared: number;
  identical: number;
  differingRows: number;
  missing: number;
  extra: number;
  /** Differing values per column. */
  byColumn: Record<string, number>;
  /** The first `maxDifferences` differences. */
  differences: Difference[];
  columns: string[];
  /** Firebird columns left out, and why. */
  notCompared: string[];
  elapsedMs: number;
}

type Kind = 'integer' | 'decimal' | 'float' | 'double' | 'boolean' | 'date' | 'time' | 'timestamp' | 'char' | 'text';

interface Column {
  name: string;
  kind: Kind;
  /** Firebird select expression. */
  select: string;
  /** The MySQL column of the same name. */
  mysqlName: string;
}

const MYSQL_VALUE_OPTIONS = {
  charset: 'utf8mb4',
  dateStrings: true,
  supportBigNumbers: true,
  bigNumberStrings: true,
  decimalNumbers: false,
} as const;

export async function verifyTable(options: VerifyOptions): Promise<VerifyResult> {
  const started = performance.now();
  const pageSize = options.pageSize ?? 10_000;
  const maxDifferences = options.maxDifferences ?? 10;
  const fb = await Firebird.attachAsync({
    ...Firebird.parseConnectionUri(options.from),
    encoding: 'UTF8',
    numericMode: 'string',
    blobAsText: true,
    lowercase_keys: false,
  });
  let my: mysql.Connection | undefined;
  try {
    my = await mysql.createConnection({ uri: options.to, ...MYSQL_VALUE_OPTIONS });
    const source = await firebirdTable(fb, options.table);
    const target = await mysqlTable(my, options.targetTable ?? source.name);
    const notCompared = [...source.notCompared];
    const columns: Column[] = [];
    for (const col of source.columns) {
      const match = target.columns.get(col.name.toLowerCase());
      if (match) columns.push({ ...col, mysqlName: match });
      else notCompared.push(`${col.name}: MySQL table ${target.name} has no such column`);
    }
    const keyIdx = source.key.map((k) => columns.findIndex((c) => c.name === k));
    if (keyIdx.length === 0 || keyIdx.some((i) => i < 0)) throw new Error(`Firebird table ${source.name} has no primary key present on both sides`);

    // Snapshots on both sides: each is read as of one instant, however long the check takes.
    const tx = await fb.transactionAsync({ isolation: Firebird.ISOLATION_REPEATABLE_READ, readOnly: true });
    await my.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
    try {
      const fbKeys = keyIdx.map((i) => quoteFirebird(columns[i]!.name));
      const fbParams = keyIdx.map((i) => firebirdParam(columns[i]!.kind));
      const myKeys = keyIdx.map((i) => quoteMysql(columns[i]!.mysqlName));
      const fbSql = `SELECT FIRST ${pageSize} ${columns.map((c) => c.select).join(', ')} FROM ${quoteFirebird(source.name)}`;
      const mySql = `SELECT ${columns.map((c) => mysqlSelect(c)).join(', ')} FROM ${quoteMysql(target.name)}`;
      const fbCursor = new PagedCursor(pageSize, keyIdx, (after) => {
        const where = after ? keyAfter(fbKeys, after, fbParams) : undefined;
        return tx.executeAsync<unknown[]>(`${fbSql}${where ? ` WHERE ${where.sql}` : ''} ORDER BY ${fbKeys.join(', ')}`, where?.params ?? []);
      });
      const myCursor = new PagedCursor(pageSize, keyIdx, async (after) => {
        const where = after ? keyAfter(myKeys, after) : undefined;
        const sql = `${mySql}${where ? ` WHERE ${where.sql}` : ''} ORDER BY ${myKeys.join(', ')} LIMIT ${pageSize}`;
        const [rows] = await my!.query({ sql, rowsAsArray: true }, where?.params ?? []);
        return rows as unknown as unknown[][];
      });
      const result = await mergeCompare(fbCursor, myCursor, columns, keyIdx, maxDifferences);
      return {
        table: source.name,
        target: target.name,
        ...result,
        columns: columns.map((c) => c.name),
        notCompared,
        elapsedMs: performance.now() - started,
      };
    } finally {
      await tx.rollbackAsync().catch(() => undefined);
      await my.query('ROLLBACK').catch(() => undefined);
    }
  } finally {
    await my?.end().catch(() => undefined);
    await fb.detachAsync().catch(() => undefined);
  }
}

type Tally = Pick<VerifyResult, 'firebirdRows' | 'mysqlRows' | 'compared' | 'identical' | 'differingRows' | 'missing' | 'extra' | 'byColumn' | 'differences'>;

async function mergeCompare(fbCursor: PagedCursor, myCursor: PagedCursor, columns: Column[], keyIdx: number[], maxDifferences: number): Promise<Tally> {
  const t: Tally = { firebirdRows: 0, mysqlRows: 0, compared: 0, identical: 0, differingRows: 0, missing: 0, extra: 0, byColumn: {}, differences: [] };
  const note = (d: Difference) => {
    if (t.differences.length < maxDifferences) t.differences.push(d);
  };
  const keyKinds = keyIdx.map((i) => columns[i]!.kind);
  const keyOf = (row: unknown[]) => keyIdx.map((i, n) => canonical(keyKinds[n]!, row[i]) ?? '');
  const describe = (row: unknown[]) => keyIdx.map((i) => `${columns[i]!.name}=${String(row[i])}`).join(', ');

  let a = await fbCursor.next();
  let b = await myCursor.next();
  while (a || b) {
    const order = !a ? 1 : !b ? -1 : compareKeys(keyKinds, keyOf(a), keyOf(b));
    if (order < 0) {
      t.firebirdRows++;
      t.missing++;
      note({ kind: 'missing in MySQL', key: describe(a!) });
      a = await fbCursor.next();
      continue;
    }
    if (order > 0) {
      t.mysqlRows++;
      t.extra++;
      note({ kind: 'extra in MySQL', key: describe(b!) });
      b = await myCursor.next();
      continue;
    }
    t.firebirdRows++;
    t.mysqlRows++;
    t.compared++;
    let same = true;
    for (let i = 0; i < columns.length; i++) {
      const col = columns[i]!;
      const fv = canonical(col.kind, a![i]);
      const mv = canonical(col.kind, b![i]);
      if (fv === mv) continue;
      same = false;
      t.byColumn[col.name] = (t.byColumn[col.name] ?? 0) + 1;
      note({ kind: 'value', key: describe(a!), column: col.name, firebird: show(fv), mysql: show(mv) });
    }
    if (same) t.identical++;
    else t.differingRows++;
    a = await fbCursor.next();
    b = await myCursor.next();
  }
  return t;
}

function show(v: string | null): string {
  return v === null ? 'NULL' : JSON.stringify(v);
}

/**
 * Rows of one side in key order, a keyset page at a time. The next page is requested as soon
 * as the current one arrives, so reading overlaps with comparing; at most two pages are held.
 */
class PagedCursor {
  readonly #pageSize: number;
  readonly #keyIdx: number[];
  readonly #fetch: (after: unknown[] | null) => Promise<unknown[][]>;
  #page: unknown[][] = [];
  #i = 0;
  #pending: Promise<unknown[][]> | null;

  constructor(pageSize: number, keyIdx: number[], fetch: (after: unknown[] | null) => Promise<unknown[][]>) {
    this.#pageSize = pageSize;
    this.#keyIdx = keyIdx;
    this.#fetch = fetch;
    this.#pending = fetch(null);
  }

  async next(): Promise<unknown[] | null> {
    while (this.#i >= this.#page.length) {
      if (!this.#pending) return null;
      this.#page = await this.#pending;
      this.#i = 0;
      const last = this.#page[this.#page.length - 1];
      // Raw key values go back as parameters: each server compares them in its own types.
      this.#pending = last && this.#page.length === this.#pageSize ? this.#fetch(this.#keyIdx.map((i) => last[i])) : null;
    }
    return this.#page[this.#i++]!;
  }
}

/**
 * `key > after` for a possibly composite key, with a leading range on the first column for the
 * index; `marks[i]` is how column i's value is passed (default `?`).
 */
function keyAfter(cols: string[], after: unknown[], marks: string[] = cols.map(() => '?')): { sql: string; params: unknown[] } {
  if (cols.length === 1) return { sql: `${cols[0]} > ${marks[0]}`, params: [after[0]] };
  const ors: string[] = [];
  const params: unknown[] = [after[0]];
  for (let i = 0; i < cols.length; i++) {
    ors.push(`(${[...cols.slice(0, i).map((c, j) => `${c} = ${marks[j]}`), `${cols[i]} > ${marks[i]}`].join(' AND ')})`);
    params.push(...after.slice(0, i + 1));
  }
  return { sql: `(${cols[0]} >= ${marks[0]} AND (${ors.join(' OR ')}))`, params };
}

/**
 * A Firebird key value goes back as read: temporal ones as the server's text, which the server
 * reads exactly (to a temporal parameter node-firebird would pass a JS Date without the
 * fraction of a second, and paging by such a key would never end).
 */
function firebirdParam(kind: Kind): string {
  if (kind === 'date') return 'CAST(CAST(? AS VARCHAR(10)) AS DATE)';
  if (kind === 'time') return 'CAST(CAST(? AS VARCHAR(13)) AS TIME)';
  return kind === 'timestamp' ? 'CAST(CAST(? AS VARCHAR(24)) AS TIMESTAMP)' : '?';
}

/**
 * A MySQL column as read: FLOAT and DOUBLE as text, since MariaDB prints a FLOAT with six digits
 * and mysql2 reads some doubles of 16-17 digits an ulp off (90.28571428571429 as …428).
 */
function mysqlSelect(c: Column): string {
  const q = quoteMysql(c.mysqlName);
  if (c.kind === 'float') return `CAST(CAST(${q} AS DOUBLE) AS CHAR)`;
  return c.kind === 'double' ? `CAST(${q} AS CHAR)` : q;
}

// ---- canonical forms -------------------------------------------------------------------------

/** The canonical text of a value of `kind`; null for SQL NULL. */
export function canonical(kind: Kind, v: unknown): string | null {
  if (v === null || v === undefined) return null;
  const text = Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
  switch (kind) {
    case 'integer':
    case 'decimal':
      return canonicalDecimal(text);
    case 'double':
      return String(Number(v));
    case 'float':
      return String(Math.fround(Number(v)));
    case 'boolean':
      return v === true || (v !== false && Number(v) !== 0) ? '1' : '0';
    case 'date':
      return text;
    case 'time':
    case 'timestamp':
      // DATETIME(4) and TIMESTAMP both show 4 fraction digits; other precisions differ only in zeros.
      return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
    case 'char':
      return text.replace(/ +$/, '');
    case 'text':
      return text;
  }
}

/** `-0012.3400` → `-12.34`, `-0.000` → `0`: one spelling per exact value. */
export function canonicalDecimal(s: string): string {
  let t = s.trim();
  let sign = '';
  if (t[0] === '-' || t[0] === '+') {
    sign = t[0] === '-' ? '-' : '';
    t = t.slice(1);
  }
  const [rawInt = '', rawFrac = ''] = t.split('.');
  const int = rawInt.replace(/^0+/, '') || '0';
  const frac = rawFrac.replace(/0+$/, '');
  if (int === '0' && !frac) return '0';
  return `${sign}${int}${frac ? `.${frac}` : ''}`;
}

function compareKeys(kinds: Kind[], a: string[], b: string[]): number {
  for (let i = 0; i < kinds.length; i++) {
    const k = kinds[i]!;
    const c = k === 'integer' || k === 'decimal' ? compareDecimal(a[i]!, b[i]!) : Buffer.compare(Buffer.from(a[i]!), Buffer.from(b[i]!));
    if (c !== 0) return c;
  }
  return 0;
}

/** Orders canonical decimal strings by value without going through a double. */
function compareDecimal(a: string, b: string): number {
  if (a === b) return 0;
  const negA = a.startsWith('-');
  const negB = b.startsWith('-');
  if (negA !== negB) return negA ? -1 : 1;
  const [ai = '', af = ''] = (negA ? a.slice(1) : a).split('.');
  const [bi = '', bf = ''] = (negB ? b.slice(1) : b).split('.');
  let c = ai.length !== bi.length ? ai.length - bi.length : ai < bi ? -1 : ai > bi ? 1 : 0;
  if (c === 0) {
    const w = Math.max(af.length, bf.length);
    const pa = af.padEnd(w, '0');
    const pb = bf.padEnd(w, '0');
    c = pa < pb ? -1 : pa > pb ? 1 : 0;
  }
  return negA ? -c : c;
}

// ---- schemas ---------------------------------------------------------------------------------

function quoteFirebird(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function quoteMysql(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

interface FirebirdSide {
  name: string;
  columns: Omit<Column, 'mysqlName'>[];
  key: string[];
  notCompared: string[];
}

async function firebirdTable(db: Firebird.Database, wanted: string): Promise<FirebirdSide> {
  const names = await db.queryAsync<{ NAME: string }>(
    `SELECT TRIM(RDB$RELATION_NAME) AS NAME FROM RDB$RELATIONS
      WHERE TRIM(RDB$RELATION_NAME) = ? OR UPPER(TRIM(RDB$RELATION_NAME)) = UPPER(?)`,
    [wanted, wanted],
  );
  const name = names.find((r) => r.NAME === wanted)?.NAME ?? (names.length === 1 ? names[0]!.NAME : undefined);
  if (!name) throw new Error(`Firebird table ${wanted} not found${names.length > 1 ? ' (several match; give the exact name)' : ''}`);
  const fields = await db.queryAsync<{ NAME: string; FTYPE: number; SUBTYPE: number | null; FSCALE: number | null }>(
    `SELECT TRIM(rf.RDB$FIELD_NAME) AS NAME, f.RDB$FIELD_TYPE AS FTYPE, f.RDB$FIELD_SUB_TYPE AS SUBTYPE, f.RDB$FIELD_SCALE AS FSCALE
       FROM RDB$RELATION_FIELDS rf JOIN RDB$FIELDS f ON f.RDB$FIELD_NAME = rf.RDB$FIELD_SOURCE
      WHERE rf.RDB$RELATION_NAME = ? ORDER BY rf.RDB$FIELD_POSITION`,
    [name],
  );
  const key = await db.queryAsync<{ NAME: string }>(
    `SELECT TRIM(s.RDB$FIELD_NAME) AS NAME
       FROM RDB$RELATION_CONSTRAINTS rc JOIN RDB$INDEX_SEGMENTS s ON s.RDB$INDEX_NAME = rc.RDB$INDEX_NAME
      WHERE rc.RDB$RELATION_NAME = ? AND rc.RDB$CONSTRAINT_TYPE = 'PRIMARY KEY' ORDER BY s.RDB$FIELD_POSITION`,
    [name],
  );
  const columns: FirebirdSide['columns'] = [];
  const notCompared: string[] = [];
  for (const f of fields) {
    const q = quoteFirebird(f.NAME);
    const scale = f.FSCALE ?? 0;
    const sub = f.SUBTYPE ?? 0;
    const add = (kind: Kind, select = q) => columns.push({ name: f.NAME, kind, select });
    switch (f.FTYPE) {
      case 7: // SMALLINT
      case 8: // INTEGER
      case 16: // BIGINT
        if (scale < 0 || sub === 1 || sub === 2) {
          // numericMode 'string' is exact only for 64-bit values; widen the narrow ones on the server.
          add('decimal', f.FTYPE === 16 ? q : `CAST(${q} AS NUMERIC(18,${-scale}))`);
        } else add('integer');
        break;
      case 10:
        add('float');
        break;
      case 27:
        add('double');
        break;
      case 23:
        add('boolean');
        break;
      case 12:
        add('date', `CAST(${q} AS VARCHAR(10))`);
        break;
      case 13:
        add('time', `CAST(${q} AS VARCHAR(13))`);
        break;
      case 35:
        add('timestamp', `CAST(${q} AS VARCHAR(24))`);
        break;
      case 14:
        add('char');
        break;
      case 37:
        add('text');
        break;
      case 261:
        if (sub === 1) add('text');
        else notCompared.push(`${f.NAME}: binary BLOB`);
        break;
      default:
        notCompared.push(`${f.NAME}: Firebird field type ${f.FTYPE}`);
    }
  }
  return { name, columns, key: key.map((k) => k.NAME), notCompared };
}

async function mysqlTable(conn: mysql.Connection, wanted: string): Promise<{ name: string; columns: Map<string, string> }> {
  const [rows] = await conn.query<mysql.RowDataPacket[]>(
    `SELECT TABLE_NAME AS t, COLUMN_NAME AS c FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = DATABASE() AND LOWER(TABLE_NAME) = LOWER(?) ORDER BY TABLE_NAME, ORDINAL_POSITION`,
    [wanted],
  );
  const tables = [...new Set(rows.map((r) => String(r.t)))];
  const name = tables.includes(wanted) ? wanted : tables.length === 1 ? tables[0] : undefined;
  if (!name) throw new Error(`MySQL table ${wanted} not found${tables.length > 1 ? ' (several match; give the exact name)' : ''}`);
  const columns = new Map<string, string>();
  for (const r of rows) if (String(r.t) === name) columns.set(String(r.c).toLowerCase(), String(r.c));
  return { name, columns };
}

// ---- report and command line -----------------------------------------------------------------

/** "verified: N rows identical", or a summary of the differences followed by the first ones. */
export function formatVerify(r: VerifyResult): string {
  const num = (n: number) => n.toLocaleString('en-US');
  const lines: string[] = [];
  const clean = r.differingRows === 0 && r.missing === 0 && r.extra === 0;
  if (clean) lines.push(`verified: ${num(r.compared)} rows identical (${r.table} → ${r.target}, ${r.columns.length} columns, ${(r.elapsedMs / 1000).toFixed(1)} s)`);
  else {
    lines.push(
      `verify: ${r.table} → ${r.target} DIFFERS: ${num(r.differingRows)} rows with different values, ${num(r.missing)} missing in MySQL, ` +
        `${num(r.extra)} extra in MySQL (Firebird ${num(r.firebirdRows)} rows, MySQL ${num(r.mysqlRows)}, ${num(r.identical)} identical)`,
    );
    const cols = Object.entries(r.byColumn);
    if (cols.length) lines.push(`  differing values by column: ${cols.map(([c, n]) => `${c} ${num(n)}`).join(', ')}`);
    lines.push(`  first ${r.differences.length}:`);
    for (const d of r.differences) {
      lines.push(d.kind === 'value' ? `    ${d.key}: ${d.column} Firebird ${d.firebird} ≠ MySQL ${d.mysql}` : `    ${d.key}: ${d.kind}`);
    }
  }
  for (const n of r.notCompared) lines.push(`  not compared: ${n}`);
  return lines.join('\n');
}

export function isIdentical(r: VerifyResult): boolean {
  return r.differingRows === 0 && r.missing === 0 && r.extra === 0;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      table: { type: 'string' },
      'target-table': { type: 'string' },
      'max-differences': { type: 'string', default: '10' },
      'page-size': { type: 'string', default: '10000' },
    },
    strict: true,
  });
  const from = values.from ?? process.env.FBSYNC_FROM;
  const to = values.to ?? process.env.FBSYNC_TO;
  if (!from || !to || !values.table) {
    process.stderr.write('usage: npx tsx bench/verify.ts --from FIREBIRD_URI --to MYSQL_URI --table NAME [--target-table NAME] [--max-differences N]\n');
    process.exitCode = 2;
    return;
  }
  const result = await verifyTable({
    from,
    to,
    table: values.table,
    targetTable: values['target-table'],
    maxDifferences: Number(values['max-differences']),
    pageSize: Number(values['page-size']),
  });
  process.stdout.write(`${formatVerify(result)}\n`);
  process.exitCode = isIdentical(result) ? 0 : 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main()
    .catch((err: unknown) => {
      // Passwords live in the URIs; never echo them back.
      const message = (err instanceof Error ? err.message : String(err)).replace(/\/\/([^:/@]+):[^@/]*@/g, '//$1:****@');
      process.stderr.write(`verify: ${message}\n`);
      process.exitCode = 2;
    })
    // node-firebird keeps the socket of a failed attach open, which would keep the process alive.
    .finally(() => process.exit());
}
