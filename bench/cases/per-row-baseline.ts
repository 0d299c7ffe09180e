/**
 * Row 3, the baseline: the original Go tool's approach, transcribed. It read the rows, then
 * started one goroutine per row, each sending its own INSERT, all at once. Here: one query
 * for the first `--rows` rows, then one promise per row (Promise.all over all of them, nothing
 * bounding how many are pending) on a mysql2 pool with default settings. Each INSERT is one
 * text-protocol round trip, already kinder than Go's default prepare/exec/close per row.
 */
import Firebird from 'node-firebird';
import mysql from 'mysql2/promise';
import { ESTOQUE_COLUMNS, ESTOQUE_SELECT_LIST, ESTOQUE_TABLE, FIREBIRD_READ_OPTIONS } from '../estoque.js';
import { runCase } from './child.js';

runCase(async ({ from, to, rows, table }) => {
  const started = performance.now();
  const db = await Firebird.attachAsync({ ...Firebird.parseConnectionUri(from), ...FIREBIRD_READ_OPTIONS });
  let source: unknown[][];
  try {
    source = await db.executeAsync<unknown[]>(`SELECT FIRST ${rows} ${ESTOQUE_SELECT_LIST} FROM "${ESTOQUE_TABLE}" ORDER BY "ID_ESTOQUE"`);
  } finally {
    await db.detachAsync();
  }
  const readMs = performance.now() - started;

  const pool = mysql.createPool(to);
  const sql = `INSERT INTO \`${table}\` (${ESTOQUE_COLUMNS.map((c) => `\`${c}\``).join(', ')}) VALUES (${ESTOQUE_COLUMNS.map(() => '?').join(', ')})`;
  let inserted = 0;
  try {
    await Promise.all(
      source.map(async (row) => {
        const [result] = await pool.query<mysql.ResultSetHeader>(sql, row);
        inserted += result.affectedRows;
      }),
    );
  } finally {
    await pool.end();
  }
  return { rows: inserted, elapsedMs: performance.now() - started, readMs };
});
