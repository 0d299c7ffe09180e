/**
 * Row 2, the sink ceiling: mysql2 alone upserts `--rows` TB_ESTOQUE rows, generated in memory,
 * into an empty copy of the table, 1,000 rows per `INSERT … VALUES ? ON DUPLICATE KEY UPDATE`,
 * on 4 connections at once (fbsync's defaults). Nothing is read from Firebird, so this is what
 * the target can absorb when the source costs nothing.
 */
import mysql from 'mysql2/promise';
import { estoqueRow, estoqueUpsertSql, type EstoqueRow } from '../estoque.js';
import { runCase } from './child.js';

const BATCH_ROWS = 1000;
const CONNECTIONS = 4;

runCase(async ({ to, rows, table }) => {
  const started = performance.now();
  const conns = await Promise.all(Array.from({ length: CONNECTIONS }, () => mysql.createConnection({ uri: to, charset: 'utf8mb4' })));
  const sql = estoqueUpsertSql(table);
  let next = 1;
  let written = 0;
  let affected = 0;
  // Each connection takes the next unwritten range as soon as its previous batch is done.
  const worker = async (conn: mysql.Connection) => {
    while (next <= rows) {
      const first = next;
      const last = Math.min(rows, first + BATCH_ROWS - 1);
      next = last + 1;
      const batch: EstoqueRow[] = [];
      for (let i = first; i <= last; i++) batch.push(estoqueRow(i));
      const [result] = await conn.query<mysql.ResultSetHeader>(sql, [batch]);
      written += batch.length;
      affected += result.affectedRows;
    }
  };
  try {
    await Promise.all(conns.map(worker));
  } finally {
    await Promise.all(conns.map((c) => c.end()));
  }
  return { rows: written, elapsedMs: performance.now() - started, affectedRows: affected };
});
