/**
 * The quickstart demo: builds a Firebird database with a 100,000-row TB_ESTOQUE (WIN1252,
 * accented Portuguese text), an empty TB_ESTOQUE in MariaDB, and syncs one into the other
 * with the fbsync command, twice: a full load, then a re-sync that finds nothing to do.
 *
 *   FBSYNC_FROM  Firebird URI of the demo database (default: fbsync_demo.fdb on 127.0.0.1)
 *   FBSYNC_TO    MySQL URI of the demo database    (default: fbsync_demo on 127.0.0.1)
 *   DEMO_ROWS    rows to create (default 100000)
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { maskUri } from '../lib/util/redact.js';
import { createEstoqueFirebird, createEstoqueMysql } from './estoque.js';

const from = process.env.FBSYNC_FROM ?? 'firebird://SYSDBA:masterkey@127.0.0.1:3050//var/lib/firebird/3.0/data/fbsync_demo.fdb';
const to = process.env.FBSYNC_TO ?? 'mysql://fbsync:fbsync@127.0.0.1:3306/fbsync_demo';
const rows = Number(process.env.DEMO_ROWS ?? 100_000);
const bin = fileURLToPath(new URL('../dist/bin/fbsync.js', import.meta.url));

console.log(`Creating TB_ESTOQUE with ${rows.toLocaleString('en-US')} rows in ${maskUri(from)}`);
await createEstoqueFirebird(from, rows);
console.log(`Creating an empty TB_ESTOQUE in ${maskUri(to)}`);
await createEstoqueMysql(to);

// The URIs go through the environment, as docs/security.md#passwords recommends, so no password is in argv.
const env = { ...process.env, FBSYNC_FROM: from, FBSYNC_TO: to };
for (const title of ['Full load into the empty table:', 'Re-sync, nothing changed:']) {
  console.log(`\n${title}\n$ fbsync sync --tables TB_ESTOQUE --delete`);
  const run = spawnSync(process.execPath, [bin, 'sync', '--tables', 'TB_ESTOQUE', '--delete'], { env, stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
}
