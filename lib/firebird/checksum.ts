import { keyAfter, keyRange } from '../core/keyset.js';
import { KEY_PART_PRIME, columnWeight, forwardPrime, reversedPrime, type Checksum } from '../core/row-hash.js';
import type { Key, TableSpec } from '../core/table.js';
import type { FirebirdDatabase } from './connect.js';
import { columnValue } from './convert.js';
import { firebirdKeyColumns, quoteFirebird } from './metadata.js';
import { READ_COMMITTED_NO_WAIT } from './read.js';

/**
 * `verify`'s side in Firebird: the checksum of a key range computed by the server (see
 * core/row-hash.ts for what it is), over each column as the sync reads it (its select
 * expression), so that only three numbers per range cross the network.
 */

/** A key range's bounds: keys above `after` up to `through` (inclusive); null is open. */
export interface KeySpan {
  after: Key | null;
  through: Key | null;
}

/** The SQL of a table's range checksum and of its range bounds; `hashed`: the columns in it. */
export interface ChecksumSql {
  /** `SELECT COUNT(*), SUM(forward), SUM(reversed) FROM …` for a WHERE clause put in place of `%WHERE%`. */
  sum: string;
  /** Key of the row `rows` rows after a key (`%WHERE%`): where a range ends. */
  bound: (rows: number) => string;
}

export function checksumSql(table: TableSpec, hashed: readonly boolean[]): ChecksumSql {
  const keySet = new Set(table.key);
  const column = (i: number) => hashOperand(table.columns[i]!);
  // The key's hash, forward and reversed: one part as it is, parts reduced and weighted.
  const keyHash = (wrap: (e: string) => string) =>
    table.key.length === 1 ? `HASH(${wrap(column(table.key[0]!))})` : table.key.map((k, n) => `${n + 1} * MOD(HASH(${wrap(column(k))}), ${KEY_PART_PRIME})`).join(' + ');
  // Each column's residue (NULL: its prime) times its weight, summed, XORed with the key's hash, reduced.
  // Written out in one expression per sum: a derived table would not make Firebird evaluate less.
  const rowTerm = (wrap: (e: string) => string, prime: (p: number) => number) => {
    const terms = table.columns.flatMap((c, i) => {
      if (keySet.has(i) || !hashed[i]) return [];
      const p = prime(i + 1);
      const w = columnWeight(i + 1);
      const residue = `MOD(HASH(${wrap(column(i))}), ${p})`;
      return [`${c.nullable ? `COALESCE(${residue}, ${p})` : residue}${w > 1 ? ` * ${w}` : ''}`];
    });
    return `MOD(BIN_XOR(${terms.length ? terms.join(' + ') : '0'}, ${keyHash(wrap)}), ${prime(0)})`;
  };
  const reverse = (e: string) => `REVERSE(${e})`;
  const plain = (e: string) => e;
  const sum = `SELECT COUNT(*) AS N, SUM(${rowTerm(plain, forwardPrime)}) AS F, SUM(${rowTerm(reverse, reversedPrime)}) AS R FROM ${quoteFirebird(table.source)} %WHERE%`;
  const keyCols = table.key.map((i, n) => `${table.columns[i]!.firebird.select} AS K${n}`).join(', ');
  const order = table.key.map((i) => quoteFirebird(table.columns[i]!.source)).join(', ');
  const bound = (rows: number) => `SELECT FIRST 1 SKIP ${rows - 1} ${keyCols} FROM ${quoteFirebird(table.source)} %WHERE% ORDER BY ${order}`;
  return { sum, bound };
}

/**
 * What HASH() is given for a column: its select expression, or for single-byte text read
 * through a cast to OCTETS the expression before the cast (HASH() and REVERSE() see the same
 * bytes without it, and a cast per use costs Firebird more than the hash).
 */
function hashOperand(column: TableSpec['columns'][number]): string {
  return column.firebird.uncast ?? column.firebird.select;
}

/** Reads checksums and range bounds of one table in one read-only transaction of its own. */
export class FirebirdChecksums {
  readonly #db: FirebirdDatabase;
  readonly #table: TableSpec;
  readonly #sql: ChecksumSql;
  #tx: Awaited<ReturnType<FirebirdDatabase['transactionAsync']>> | undefined;

  constructor(db: FirebirdDatabase, table: TableSpec, hashed: readonly boolean[]) {
    this.#db = db;
    this.#table = table;
    this.#sql = checksumSql(table, hashed);
  }

  async #query<T>(sql: string, params: unknown[]): Promise<T[]> {
    this.#tx ??= await this.#db.transactionAsync(READ_COMMITTED_NO_WAIT);
    return this.#tx.queryAsync<T>(sql, params);
  }

  /** The key `rows` rows after `after` (null: the table ends before). */
  async boundAfter(after: Key | null, rows: number): Promise<Key | null> {
    const where = after ? keyAfter(firebirdKeyColumns(this.#table), after) : undefined;
    const found = await this.#query<Record<string, unknown>>(this.#sql.bound(rows).replace('%WHERE%', where ? `WHERE ${where.sql}` : ''), where?.params ?? []);
    const row = found[0];
    if (!row) return null;
    return this.#table.key.map((i, n) => columnValue(this.#table.columns[i]!.firebird, row[`K${n}`]) as Key[number]);
  }

  async checksum(span: KeySpan): Promise<Checksum> {
    const where = keyRange(firebirdKeyColumns(this.#table), span.after, span.through);
    const found = await this.#query<{ N: number | string; F: string | number | null; R: string | number | null }>(
      this.#sql.sum.replace('%WHERE%', where ? `WHERE ${where.sql}` : ''),
      where?.params ?? [],
    );
    const row = found[0]!;
    return { rows: Number(row.N), forward: BigInt(row.F ?? 0), reversed: BigInt(row.R ?? 0) };
  }

  async close(): Promise<void> {
    const tx = this.#tx;
    this.#tx = undefined;
    await tx?.commitAsync();
  }
}
