/**
 * `npm run bench:blobs -- [--runs K] [--rows N] [--photos M]`
 *
 * BLOB tables, which the main bench's TB_ESTOQUE has none of. Two fixtures, built once and
 * reused: TB_ANEXOS, N rows (default 50,000) of an ERP's short notes — a WIN1252 text BLOB of
 * about 60 bytes (NULL in 1 row of 10, 40 KB in 1 of 1,000), a UTF8 one of about 20 and a
 * binary one of 192 bytes in 2 rows of 3 — and TB_FOTOS, M rows (default 1,000) of a 262,144-byte
 * photo stored in 16-byte segments. For each, K runs (median printed) of:
 *   1. node-firebird alone, every BLOB read the driver's way (cases/blob-read.ts): the baseline;
 *   2. fbsync full load into an empty table (--create-tables);
 *   3. fbsync re-sync with nothing changed (--delete).
 * Each run is a child process of its own; its peak RSS is its own. Progress goes to stderr, the
 * table to stdout. Servers as for `npm run bench` (FBSYNC_BENCH_FIREBIRD, FBSYNC_BENCH_MYSQL).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Firebird from 'node-firebird';
import { openFirebird, closeFirebird } from '../lib/firebird/connect.js';
import { ensureBuilt } from './build.js';
import { withMysql } from './fixtures.js';
import { measure } from './measure.js';
import { shebangFlags } from './suite.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const log = (line: string) => process.stderr.write(`[bench:blobs] ${line}\n`);
const FIREBIRD_DIR = process.env.FBSYNC_BENCH_FIREBIRD ?? 'firebird://SYSDBA:masterkey@127.0.0.1:3050//var/lib/firebird/3.0/data';
const MYSQL_SERVER = process.env.FBSYNC_BENCH_MYSQL ?? 'mysql://fbsync:fbsync@127.0.0.1:3306';
const MYSQL_DATABASE = 'fbsync_bench_blobs';

interface Fixture {
  table: string;
  rows: number;
  create: string;
  fill: string;
}

function fixtures(rows: number, photos: number): Fixture[] {
  return [
    {
      table: 'TB_ANEXOS',
      rows,
      create: `CREATE TABLE TB_ANEXOS (ID INTEGER NOT NULL PRIMARY KEY, CODIGO VARCHAR(20) CHARACTER SET WIN1252,
        OBS BLOB SUB_TYPE TEXT CHARACTER SET WIN1252, NOTA BLOB SUB_TYPE TEXT CHARACTER SET UTF8, IMG BLOB SUB_TYPE BINARY)`,
      fill: `EXECUTE BLOCK AS DECLARE I INTEGER = 1; DECLARE J INTEGER = 0;
        DECLARE L BLOB SUB_TYPE TEXT CHARACTER SET WIN1252 = ''; BEGIN
        WHILE (J < 1000) DO BEGIN L = :L || 'ção xyz ção xyz ção xyz ção xyz ção xyz '; J = :J + 1; END
        WHILE (I <= ${rows}) DO BEGIN
          INSERT INTO TB_ANEXOS VALUES (:I, 'C' || :I,
            CASE WHEN MOD(:I, 10) = 0 THEN NULL WHEN MOD(:I, 1000) = 1 THEN :L
                 ELSE 'Observação nº ' || :I || ' — açúcar, feijão e café; entregar até às 18h' END,
            CASE WHEN MOD(:I, 7) = 0 THEN NULL ELSE 'Nota ' || :I || ' 日本 ✓' END,
            CASE WHEN MOD(:I, 3) = 0 THEN NULL ELSE ${Array(12).fill('GEN_UUID()').join(' || ')} END);
          I = I + 1;
        END END`,
    },
    {
      table: 'TB_FOTOS',
      rows: photos,
      create: 'CREATE TABLE TB_FOTOS (ID INTEGER NOT NULL PRIMARY KEY, NOME VARCHAR(40), FOTO BLOB SUB_TYPE BINARY)',
      // 16 random bytes doubled 14 times: 262,144 bytes, which the concatenations leave in 16-byte segments.
      fill: `EXECUTE BLOCK AS DECLARE I INTEGER = 1; DECLARE J INTEGER; DECLARE B BLOB SUB_TYPE BINARY; BEGIN
        WHILE (I <= ${photos}) DO BEGIN
          B = GEN_UUID(); J = 0;
          WHILE (J < 14) DO BEGIN B = B || B; J = J + 1; END
          INSERT INTO TB_FOTOS VALUES (:I, 'Foto ' || :I, :B); I = I + 1;
        END END`,
    },
  ];
}

/** The fixture's database, created and filled unless it holds its table with the right row count. */
async function ensureFixture(f: Fixture): Promise<string> {
  const uri = `${FIREBIRD_DIR.replace(/\/+$/, '')}/fbsync_bench_${f.table.toLowerCase()}_${f.rows}.fdb`;
  const db = await openFirebird(uri).catch(() => undefined);
  if (db) {
    const count = await db.queryAsync<{ N: number }>(`SELECT COUNT(*) AS N FROM ${f.table}`).catch(() => undefined);
    await closeFirebird(db);
    if (count && Number(count[0]!.N) === f.rows) return uri;
    throw new Error(`${uri.replace(/:[^:@/]*@/, ':****@')} exists without ${f.rows} rows in ${f.table}: drop it (gfix/isql) or pick another --rows`);
  }
  log(`creating ${f.table} with ${f.rows.toLocaleString('en-US')} rows …`);
  const created = await Firebird.createAsync({ ...Firebird.parseConnectionUri(uri), encoding: 'UTF8', defaultCharset: 'UTF8' });
  try {
    await created.queryAsync(f.create);
    await created.queryAsync(f.fill);
  } finally {
    await created.detachAsync();
  }
  return uri;
}

interface Row {
  table: string;
  label: string;
  rows: number;
  mb: number;
  elapsedMs: number[];
  rssMb: number[];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, rows: { type: 'string', default: '50000' }, photos: { type: 'string', default: '1000' } } });
  const count = (name: string, given: string | undefined) => {
    const n = Number(given);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, not ${JSON.stringify(given)}`);
    return n;
  };
  const [runs, rows, photos] = [count('runs', values.runs), count('rows', values.rows), count('photos', values.photos)];
  ensureBuilt(ROOT, log);
  const mysqlUri = `${MYSQL_SERVER.replace(/\/+$/, '')}/${MYSQL_DATABASE}`;
  await withMysql(MYSQL_SERVER, (conn) => conn.query(`CREATE DATABASE IF NOT EXISTS \`${MYSQL_DATABASE}\` CHARACTER SET utf8mb4`));
  const env: NodeJS.ProcessEnv = { ...process.env, FBSYNC_TO: mysqlUri };
  for (const name of ['DEBUG', 'NODE_OPTIONS']) delete env[name];
  const bin = join(ROOT, 'dist', 'bin', 'fbsync.js');
  const table: Row[] = [];

  for (const f of fixtures(rows, photos)) {
    const from = await ensureFixture(f);
    const childEnv = { ...env, FBSYNC_FROM: from };
    const cases = [
      { label: 'node-firebird alone, BLOBs the driver’s way', args: ['--import', 'tsx', join(ROOT, 'bench', 'cases', 'blob-read.ts'), '--table', f.table], fbsync: false, fresh: false },
      { label: 'fbsync full load (--create-tables)', args: [...shebangFlags(bin), bin, 'sync', '--tables', f.table, '--create-tables', '--json'], fbsync: true, fresh: true },
      { label: 'fbsync re-sync, nothing changed (--delete)', args: [...shebangFlags(bin), bin, 'sync', '--tables', f.table, '--delete', '--json'], fbsync: true, fresh: false },
    ];
    for (const c of cases) {
      const row: Row = { table: f.table, label: c.label, rows: f.rows, mb: 0, elapsedMs: [], rssMb: [] };
      for (let run = 1; run <= runs; run++) {
        if (c.fresh) await withMysql(mysqlUri, (conn) => conn.query(`DROP TABLE IF EXISTS \`${f.table}\``));
        log(`${f.table}: ${c.label}, run ${run}/${runs} …`);
        const m = await measure(process.execPath, c.args, { cwd: ROOT, env: childEnv, timeoutMs: 30 * 60_000 });
        if (m.exitCode !== 0) throw new Error(`${c.label} failed (exit ${m.exitCode}):\n${m.stderr}`);
        const out = JSON.parse(m.stdout) as { rows?: number; elapsedMs: number; bytes?: number; tables?: { read: number; elapsedMs: number }[] };
        const rows = c.fbsync ? out.tables![0]!.read : out.rows!;
        if (rows !== f.rows) throw new Error(`${c.label} read ${rows} rows, not ${f.rows}`);
        row.elapsedMs.push(c.fbsync ? out.tables![0]!.elapsedMs : out.elapsedMs);
        row.rssMb.push((m.peakRssKb ?? 0) / 1000);
        if (out.bytes) row.mb = out.bytes / 1e6;
      }
      table.push(row);
    }
  }

  const mbOf = new Map(table.filter((r) => r.mb > 0).map((r) => [r.table, r.mb]));
  const lines = [
    ['table', 'case', 'rows', 'MB', 'elapsed', 'rows/s', 'MB/s', 'peak RSS', 'runs (s)'],
    ...table.map((r) => {
      const s = median(r.elapsedMs) / 1000;
      const mb = mbOf.get(r.table) ?? 0;
      return [r.table, r.label, r.rows.toLocaleString('en-US'), mb.toFixed(1), `${s.toFixed(2)} s`, Math.round(r.rows / s).toLocaleString('en-US'), (mb / s).toFixed(1), `${Math.max(...r.rssMb).toFixed(0)} MB`, r.elapsedMs.map((e) => (e / 1000).toFixed(2)).join(' ')];
    }),
  ];
  const widths = lines[0]!.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  process.stdout.write(`fbsync BLOB bench: median of ${runs} runs; MB = the BLOB and other values' bytes as read; peak RSS = the highest of the runs\n`);
  for (const l of lines) process.stdout.write(`${l.map((c, i) => (i >= 2 && i <= 7 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ')}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:blobs: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
