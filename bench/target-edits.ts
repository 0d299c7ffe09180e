/**
 * Edits made in MySQL behind fbsync's back, for the "verify after 1 % of target rows were
 * edited" row: a random set of keys gets PRECO_VENDA + 0.0001 (one unit in the last place).
 * Each run's edits are undone before the next run's, and after the row, so the rows after it
 * start from a target equal to the source.
 */
import type mysql from 'mysql2/promise';
import { withMysql } from './fixtures.js';
import { TARGET_TABLE } from './fixtures.js';

let edited: number[] = [];

async function shift(conn: mysql.Connection, keys: readonly number[], by: string): Promise<void> {
  for (let i = 0; i < keys.length; i += 1000) {
    await conn.query(`UPDATE \`${TARGET_TABLE}\` SET PRECO_VENDA = PRECO_VENDA ${by} 0.0001 WHERE ID_ESTOQUE IN (?)`, [keys.slice(i, i + 1000)]);
  }
}

/** Undoes the last edits, then edits `fraction` of the target's rows at random; returns their keys, ascending. */
export async function editTargetRows(uri: string, fraction: number): Promise<number[]> {
  return withMysql(uri, async (conn) => {
    await shift(conn, edited, '-');
    const [rows] = await conn.query<mysql.RowDataPacket[]>(`SELECT ID_ESTOQUE FROM \`${TARGET_TABLE}\``);
    const all = rows.map((r) => Number(r.ID_ESTOQUE));
    const wanted = Math.round(all.length * fraction);
    const picked = new Set<number>();
    while (picked.size < wanted) picked.add(all[Math.floor(Math.random() * all.length)]!);
    edited = [...picked].sort((a, b) => a - b);
    await shift(conn, edited, '+');
    return edited;
  });
}

/** Undoes the last edits. */
export async function undoTargetEdits(uri: string): Promise<void> {
  await withMysql(uri, (conn) => shift(conn, edited, '-'));
  edited = [];
}
