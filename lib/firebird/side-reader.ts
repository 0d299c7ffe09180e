import type Firebird from 'node-firebird';
import createDebug from 'debug';
import { describeCause } from '../core/errors.js';
import { compareKeys } from '../core/keyset.js';
import type { Key } from '../core/table.js';
import type { ValueKind } from '../core/values.js';
import type { VersionList } from '../core/version-list.js';
import { abandonFirebird, closeFirebird, untilClosed, within, type FirebirdDatabase } from './connect.js';
import { FetchSize, FIRST_FETCH_ROWS, fetchAll } from './rows.js';
import { READ_COMMITTED_NO_WAIT } from './read.js';

const debug = createDebug('fbsync:source');

/**
 * A second attachment for reading rows by key while the snapshot's own attachment probes the
 * next page. A re-sync by record version spends most of its time in those probes, and one
 * attachment answers one request at a time, so reads by key used to wait behind them.
 *
 * Firebird 3 cannot share a snapshot between attachments, so this one reads committed rows,
 * each with its record version, and the caller keeps a row only if its version is the one the
 * probe saw in the snapshot. That is exact: a record version is the number of the transaction
 * that wrote it, a version the snapshot saw was committed before the snapshot began, and a
 * committed transaction writes nothing more. Rows changed or deleted since the snapshot began
 * are read again on the snapshot's attachment.
 *
 * The side attachment is a speed-up and never a reason to fail: when it cannot be attached or
 * stops answering, `read` says so (undefined) and the caller reads on its own attachment.
 */
export class SideReader {
  readonly #attach: () => Promise<FirebirdDatabase>;
  readonly #table: string;
  readonly #fetch = new FetchSize(FIRST_FETCH_ROWS);
  #session: Promise<SideSession | undefined> | undefined;
  #off = false;

  constructor(attach: () => Promise<FirebirdDatabase>, table: string) {
    this.#attach = attach;
    this.#table = table;
  }

  /**
   * The rows of a query (rows by key, with the record version as the last column), or undefined
   * if the side attachment is not usable. Each query is prepared once.
   */
  async read(sql: string, params: unknown[]): Promise<unknown[][] | undefined> {
    if (this.#off) return undefined;
    const session = await (this.#session ??= this.#open());
    if (!session || this.#off) return undefined;
    try {
      let statement = session.statements.get(sql);
      if (!statement) {
        statement = await untilClosed(session.db, session.tx.newStatementAsync(sql));
        session.statements.set(sql, statement);
      }
      return await untilClosed(session.db, fetchAll(session.tx, statement, params, this.#fetch));
    } catch (err) {
      this.giveUp(err);
      return undefined;
    }
  }

  /** Run `work` on what `read` returned (a BLOB read, say); on failure the side is given up. */
  async use<T>(work: () => Promise<T>): Promise<T | undefined> {
    try {
      return await work();
    } catch (err) {
      this.giveUp(err);
      return undefined;
    }
  }

  /** Stops using the side attachment; the one that failed is let go without asking it. */
  giveUp(err: unknown): void {
    if (this.#off) return;
    this.#off = true;
    debug('%s: reading on the snapshot attachment alone from now on: %s', this.#table, describeCause(err));
    this.#session?.then((s) => s && abandonFirebird(s.db));
    this.#session = undefined;
  }

  /** Ends the side transaction and detaches. */
  async close(): Promise<void> {
    const session = this.#session;
    this.#off = true;
    this.#session = undefined;
    const s = await session;
    if (!s) return;
    try {
      const end = async () => {
        for (const statement of s.statements.values()) await statement.dropAsync();
        await s.tx.commitAsync();
      };
      await within(untilClosed(s.db, end()), CLOSE_TIMEOUT_MS);
      await within(closeFirebird(s.db), CLOSE_TIMEOUT_MS);
    } catch (err) {
      debug('%s: closing the side attachment failed: %s', this.#table, describeCause(err));
      abandonFirebird(s.db);
    }
  }

  async #open(): Promise<SideSession | undefined> {
    let db: FirebirdDatabase | undefined;
    try {
      db = await this.#attach();
      // Never waits for a row another transaction is changing, and however long the run,
      // holds back no garbage collection (see READ_COMMITTED_NO_WAIT).
      const tx = await untilClosed(db, db.transactionAsync(READ_COMMITTED_NO_WAIT));
      debug('%s: a side attachment reads rows by key', this.#table);
      return { db, tx, statements: new Map() };
    } catch (err) {
      this.#off = true;
      debug('%s: no side attachment, rows by key are read on the snapshot attachment: %s', this.#table, describeCause(err));
      if (db) abandonFirebird(db);
      return undefined;
    }
  }
}

/**
 * Of the rows read on the side attachment for the keys `changed` (a subset of the probe's keys,
 * in key order), the ones that are as the snapshot has them: their record version is the one
 * the probe saw. `rest`: the keys to read in the snapshot — rows written or deleted since it
 * began, and any the side read did not return.
 */
export function asInSnapshot<R>(kinds: readonly ValueKind[], probe: VersionList, changed: readonly Key[], read: Array<{ row: R; key: Key; version: string }>): { kept: R[]; rest: Key[] } {
  const sorted = [...read].sort((a, b) => compareKeys(kinds, a.key, b.key));
  const kept: R[] = [];
  const rest: Key[] = [];
  // All three in key order: one walk pairs each key with its probed version and its row.
  let p = 0;
  let r = 0;
  for (const key of changed) {
    while (p < probe.keys.length && compareKeys(kinds, probe.keys[p]!, key) < 0) p++;
    while (r < sorted.length && compareKeys(kinds, sorted[r]!.key, key) < 0) r++;
    const probed = p < probe.keys.length && compareKeys(kinds, probe.keys[p]!, key) === 0;
    const found = r < sorted.length && compareKeys(kinds, sorted[r]!.key, key) === 0;
    if (probed && found && sorted[r]!.version === probe.versions[p]) kept.push(sorted[r]!.row);
    else rest.push(key);
  }
  return { kept, rest };
}

interface SideSession {
  db: FirebirdDatabase;
  tx: Firebird.Transaction;
  statements: Map<string, Firebird.Statement>;
}

/** How long ending the side transaction and detaching may take before the socket is dropped. */
const CLOSE_TIMEOUT_MS = 10_000;
