/**
 * A small two-column table, ITEMS (ID, NAME), on both sides, for the specs of deletes: the
 * rows each side holds are set by their keys, so that a spec says exactly which rows differ.
 */
import type { FirebirdFixture, MysqlFixture } from './databases.js';

export const ITEMS_FIREBIRD_DDL = 'CREATE TABLE ITEMS (ID INTEGER NOT NULL PRIMARY KEY, NAME VARCHAR(20))';
export const ITEMS_MYSQL_DDL = 'CREATE TABLE ITEMS (ID INT NOT NULL PRIMARY KEY, NAME VARCHAR(20))';

/** Whole numbers from `from` through `to`. */
export function ids(from: number, to: number, step = 1): number[] {
  const out: number[] = [];
  for (let i = from; i <= to; i += step) out.push(i);
  return out;
}

/** Inserts rows with these keys (NAME 'item N') into the Firebird ITEMS, in one statement. */
export async function sourceItems(fb: FirebirdFixture, keys: readonly number[]): Promise<void> {
  if (keys.length === 0) return;
  const inserts = keys.map((k) => `INSERT INTO ITEMS VALUES (${k}, 'item ${k}');`).join(' ');
  await fb.exec(`EXECUTE BLOCK AS BEGIN ${inserts} END`);
}

/** Inserts rows with these keys (NAME 'item N') into the MySQL ITEMS. */
export async function targetItems(my: MysqlFixture, keys: readonly number[]): Promise<void> {
  if (keys.length === 0) return;
  await my.exec(`INSERT INTO ITEMS (ID, NAME) VALUES ${keys.map((k) => `(${k}, 'item ${k}')`).join(', ')}`);
}

/** The keys the MySQL ITEMS holds, in order. */
export async function targetKeys(my: MysqlFixture): Promise<number[]> {
  return (await my.rows('SELECT ID FROM ITEMS ORDER BY ID')).map(([id]) => Number(id));
}
