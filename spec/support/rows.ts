/**
 * Reading both sides for comparison, and a row-by-row comparison whose failure names the first
 * differing row instead of dumping thousands.
 */
import { expect } from 'chai';
import type { FirebirdFixture, MysqlFixture } from './databases.js';

/**
 * Rows of a Firebird query as arrays, in select-list order. Read through the fixture's own
 * attachment (exact numerics as strings); select temporal columns as CAST(… AS VARCHAR(n)) to
 * get the server's own wall-clock text.
 */
export async function firebirdRows(fb: FirebirdFixture, sql: string, params: unknown[] = []): Promise<unknown[][]> {
  const rows = await fb.db.queryAsync<Record<string, unknown>>(sql, params as never);
  return rows.map((r) => Object.values(r).map((v) => (v === undefined ? null : v)));
}

/** Compares two lists of rows: same length, and each row deep-equal to its partner. */
export function expectSameRows(actual: readonly unknown[][], expected: readonly unknown[][], what = 'rows'): void {
  const n = Math.min(actual.length, expected.length);
  for (let i = 0; i < n; i++) {
    expect(actual[i], `${what}: row ${i} (key ${JSON.stringify(expected[i]![0])})`).to.deep.equal(expected[i]);
  }
  expect(actual.length, `${what}: number of rows`).to.equal(expected.length);
}

/**
 * Counts the rows every INSERT, UPDATE and DELETE statement touches in a MySQL table, through
 * BEFORE triggers feeding a side table. Unlike the server-wide Com_* and Handler_* counters this
 * is not disturbed by other sessions. An INSERT … ON DUPLICATE KEY UPDATE fires the INSERT
 * trigger for every row it is given, and the UPDATE trigger too for rows that already exist,
 * so even an upsert that changes nothing is counted.
 */
export interface WriteCounts {
  inserts: number;
  updates: number;
  deletes: number;
}

export async function watchWrites(my: MysqlFixture, table: string): Promise<() => Promise<WriteCounts>> {
  const side = `fbsync_spec_writes_${table}`;
  await my.exec(
    `CREATE TABLE \`${side}\` (op VARCHAR(6) PRIMARY KEY, n INT NOT NULL)`,
    `INSERT INTO \`${side}\` VALUES ('insert', 0), ('update', 0), ('delete', 0)`,
  );
  for (const op of ['insert', 'update', 'delete']) {
    await my.exec(
      `CREATE TRIGGER \`${side}_${op}\` BEFORE ${op.toUpperCase()} ON \`${table}\` FOR EACH ROW UPDATE \`${side}\` SET n = n + 1 WHERE op = '${op}'`,
    );
  }
  return async () => {
    const rows = await my.rows(`SELECT op, n FROM \`${side}\``);
    const n = Object.fromEntries(rows.map(([op, count]) => [op, Number(count)]));
    return { inserts: n.insert ?? 0, updates: n.update ?? 0, deletes: n.delete ?? 0 };
  };
}

/** TB_ESTOQUE as Firebird has it, in the form the target must match (timestamps as Firebird's text). */
export const ESTOQUE_SOURCE_SELECT = `SELECT ID_ESTOQUE, CODIGO, DESCRICAO, QUANTIDADE, PRECO_CUSTO, PRECO_VENDA,
  CAST(ATUALIZADO_EM AS VARCHAR(24)) AS ATUALIZADO_EM, ATIVO, OBSERVACAO FROM TB_ESTOQUE ORDER BY ID_ESTOQUE`;

/** TB_ESTOQUE as MySQL has it, columns in the order of ESTOQUE_SOURCE_SELECT. */
export const ESTOQUE_TARGET_SELECT = `SELECT ID_ESTOQUE, CODIGO, DESCRICAO, QUANTIDADE, PRECO_CUSTO, PRECO_VENDA,
  ATUALIZADO_EM, ATIVO, OBSERVACAO FROM TB_ESTOQUE ORDER BY ID_ESTOQUE`;
