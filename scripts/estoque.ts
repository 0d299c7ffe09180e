/**
 * The TB_ESTOQUE dataset used by the demo, the specs and the bench: a Brazilian retailer's
 * stock table in a WIN1252 database, with accented Portuguese text, money columns, negative
 * quantities, timestamps with milliseconds, a CHAR flag and a nullable note.
 */
import Firebird from 'node-firebird';
import mysql from 'mysql2/promise';
import { openFirebird } from '../lib/firebird/connect.js';

export const ESTOQUE_FIREBIRD_DDL = `CREATE TABLE TB_ESTOQUE (
  ID_ESTOQUE    INTEGER NOT NULL PRIMARY KEY,
  CODIGO        VARCHAR(20) NOT NULL,
  DESCRICAO     VARCHAR(100) CHARACTER SET WIN1252 NOT NULL,
  QUANTIDADE    NUMERIC(15,3) NOT NULL,
  PRECO_CUSTO   NUMERIC(15,4) NOT NULL,
  PRECO_VENDA   NUMERIC(15,4) NOT NULL,
  ATUALIZADO_EM TIMESTAMP NOT NULL,
  ATIVO         CHAR(1) NOT NULL,
  OBSERVACAO    VARCHAR(200)
)`;

export const ESTOQUE_MYSQL_DDL = `CREATE TABLE TB_ESTOQUE (
  ID_ESTOQUE    INT NOT NULL PRIMARY KEY,
  CODIGO        VARCHAR(20) NOT NULL,
  DESCRICAO     VARCHAR(100) NOT NULL,
  QUANTIDADE    DECIMAL(15,3) NOT NULL,
  PRECO_CUSTO   DECIMAL(15,4) NOT NULL,
  PRECO_VENDA   DECIMAL(15,4) NOT NULL,
  ATUALIZADO_EM DATETIME(4) NOT NULL,
  ATIVO         CHAR(1) NOT NULL,
  OBSERVACAO    VARCHAR(200) NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`;

const PRODUTOS = ['Açúcar cristal', 'Feijão carioca', 'Café torrado', 'Pão francês', 'Maçã gala', 'Limão tahiti', 'Óleo de soja', 'Arroz agulhinha', 'Sabão em pó', 'Macarrão espaguete'];
const MARCAS = ['União', 'Camil', 'Pilão', 'Seleção', 'Nutrição', 'São João', 'Coração', 'Ypê', 'Tio João', 'Renê'];

function decode(expr: string, values: string[]): string {
  return `DECODE(${expr}, ${values.map((v, i) => `${i}, '${v.replace(/'/g, "''")}'`).join(', ')})`;
}

/** Inserts rows `from`..`to` (inclusive) on the server, in one EXECUTE BLOCK. */
export function estoqueInsertBlock(from: number, to: number): string {
  return `EXECUTE BLOCK AS
DECLARE i INTEGER = ${from};
BEGIN
  WHILE (i <= ${to}) DO
  BEGIN
    INSERT INTO TB_ESTOQUE VALUES (
      :i,
      'SKU-' || LPAD(:i, 8, '0'),
      ${decode('MOD(:i, 10)', PRODUTOS)} || ' ' || ${decode('MOD(:i / 10, 10)', MARCAS)} || ' nº ' || :i,
      IIF(MOD(:i, 97) = 0, -1, 1) * MOD(:i * 7919, 100000000) * 0.001,
      MOD(:i * 104729, 10000000) * 0.0001,
      MOD(:i * 104729, 10000000) * 0.000135,
      DATEADD(MOD(:i, 1000) MILLISECOND TO DATEADD(MOD(:i * 13, 94608000) SECOND TO TIMESTAMP '2023-01-01 00:00:00')),
      IIF(MOD(:i, 10) = 0, 'N', 'S'),
      IIF(MOD(:i, 3) = 0, NULL, 'Observação ' || :i || ' — estoque mínimo, preço em €')
    );
    i = i + 1;
  END
END`;
}

/** Creates (or replaces) a Firebird database holding TB_ESTOQUE with `rows` rows. */
export async function createEstoqueFirebird(uri: string, rows: number): Promise<void> {
  const options = { ...Firebird.parseConnectionUri(uri), encoding: 'UTF8' as const, defaultCharset: 'WIN1252' };
  await dropFirebirdIfExists(uri);
  const db = await Firebird.createAsync(options);
  try {
    await db.queryAsync(ESTOQUE_FIREBIRD_DDL);
    const chunk = 200_000;
    for (let start = 1; start <= rows; start += chunk) {
      await db.queryAsync(estoqueInsertBlock(start, Math.min(rows, start + chunk - 1)));
    }
  } finally {
    await db.detachAsync();
  }
}

/** Drops a Firebird database if it exists (node-firebird's own drop leaks a socket when it does not). */
export async function dropFirebirdIfExists(uri: string): Promise<void> {
  const db = await openFirebird(uri).catch(() => undefined);
  await db?.dropAsync();
}

/** Creates the MySQL database of `uri` if missing and an empty TB_ESTOQUE in it (replacing any). */
export async function createEstoqueMysql(uri: string): Promise<void> {
  const url = new URL(uri);
  const database = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/';
  const conn = await mysql.createConnection({ uri: url.toString() });
  try {
    await conn.query(`CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4`);
    await conn.query(`USE \`${database}\``);
    await conn.query('DROP TABLE IF EXISTS TB_ESTOQUE');
    await conn.query(ESTOQUE_MYSQL_DDL);
  } finally {
    await conn.end();
  }
}
