import type mysql from 'mysql2/promise';
import createDebug from 'debug';
import { CheckpointStore } from './checkpoint-store.js';
import { decodeList } from '../core/version-codec.js';
import { FbsyncError, describeCause } from '../core/errors.js';
import type { MysqlTarget } from './connect.js';
import { quoteMysql } from './metadata.js';
import { retryBookkeeping, type MysqlRetryOptions } from './retry.js';
import type { NotesLoader, VersionSet } from '../core/version-list.js';

const debug = createDebug('fbsync:versions');

/** The record versions a run copied, one row per source page, in the target database. */
export const ROW_VERSIONS_TABLE = 'fbsync_row_versions';
/** Which set of notes in ROW_VERSIONS_TABLE is complete and valid, per target table. */
export const VERSION_SETS_TABLE = 'fbsync_version_sets';

/** Stored pages of notes one SELECT reads back (a few hundred KB: a page's notes are a few bytes a row). */
export const NOTES_PAGES_PER_READ = 8;

/** The most bytes of notes one INSERT carries (less with a small `max_allowed_packet`). */
export const NOTES_STATEMENT_BYTES = 1024 * 1024;

/**
 * Record versions kept in the target: each run writes a new generation of notes, page by page
 * as its pages commit, and only a completed run makes its generation the valid one. Notes are
 * small (a key and a number per row, a few bytes: see codec.ts), so keeping them costs the
 * target far less than the rows themselves.
 */
export class VersionStore {
  readonly #target: MysqlTarget;
  readonly #table: string;
  readonly #sets: CheckpointStore;
  readonly #retry: MysqlRetryOptions;
  /** The table's soft-delete column: rows marked in it do not count as the target's. */
  #softDelete: string | undefined;
  #writing: Promise<void> = Promise.resolve();
  #writeError: unknown;
  /** Notes queued and not yet sent: one INSERT takes all of them (see write). */
  readonly #queued: Array<[table: string, generation: string, seq: number, entries: Buffer]> = [];

  private constructor(target: MysqlTarget, table: string, sets: CheckpointStore, retry: MysqlRetryOptions) {
    this.#target = target;
    this.#table = table;
    this.#sets = sets;
    this.#retry = retry;
  }

  /** The store of one target table, its tables created when missing (unless read only). */
  static async open(target: MysqlTarget, table: string, options: { readOnly: boolean; retry?: MysqlRetryOptions; softDelete?: string }): Promise<VersionStore> {
    const retry = options.retry ?? {};
    // Read only, the sets table may be missing: its load() then finds no notes.
    const sets = options.readOnly ? new CheckpointStore(target, VERSION_SETS_TABLE, retry) : await CheckpointStore.open(target, { required: true, table: VERSION_SETS_TABLE, retry });
    const store = new VersionStore(target, table, sets!, retry);
    store.#softDelete = options.softDelete;
    if (!options.readOnly) {
      await store.#query(
        () =>
          target.pool.query(
            `CREATE TABLE IF NOT EXISTS ${quoteMysql(ROW_VERSIONS_TABLE)} (
               table_name VARCHAR(255) NOT NULL,
               generation VARCHAR(40) NOT NULL,
               seq INT NOT NULL,
               entries LONGBLOB NOT NULL,
               PRIMARY KEY (table_name, generation, seq)
             ) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
          ),
        'create',
      ).catch((err) => {
        throw new FbsyncError('VERSIONS', `cannot create the table ${target.server.database}.${ROW_VERSIONS_TABLE}: ${describeCause(err)}`, {
          hint: 'grant the MySQL user CREATE on the target database, or sync without `rowVersions`',
          options: ['rowVersions'],
          cause: err,
        });
      });
    }
    return store;
  }

  /** The valid notes for this table, if a completed run left some. */
  async current(): Promise<VersionSet | null> {
    const saved = await this.#sets.load(this.#table);
    if (!saved) return null;
    const [generation, fingerprint, targetRows, notedRows] = saved as [string, string, number, number | undefined];
    return { generation, fingerprint, targetRows, notedRows: notedRows ?? null };
  }

  /** Rows in the target table now; with a soft-delete column, those not marked (the ones the source has). */
  async targetRows(): Promise<number> {
    const live = this.#softDelete === undefined ? '' : ` WHERE ${quoteMysql(this.#softDelete)} IS NULL`;
    const count = () => this.#target.pool.query<mysql.RowDataPacket[]>(`SELECT COUNT(*) AS n FROM ${quoteMysql(this.#table)}${live}`);
    const [rows] = await this.#query(count, 'read', 'counting the rows of', this.#table);
    return Number(rows[0]!.n);
  }

  /**
   * Reads the notes of `generation` back in key order, one page of the run that wrote them at a
   * time, NOTES_PAGES_PER_READ of them a statement: the source's pages come faster than one
   * round trip each over a slow link, and a read per stored page would set their pace.
   */
  pages(generation: string): NotesLoader {
    // The stored pages after `after`, as the last statement found them (still encoded).
    let read: { after: number; rows: Array<{ seq: number; entries: Buffer }>; complete: boolean } | undefined;
    return async (afterSeq) => {
      if (read && afterSeq >= read.after) {
        const next = read.rows.find((row) => row.seq > afterSeq);
        if (next) return { seq: next.seq, list: decodeList(next.entries) };
        if (read.complete) return undefined;
      }
      const [rows] = await this.#query(
        () =>
          this.#target.pool.query<mysql.RowDataPacket[]>(
            `SELECT seq, entries FROM ${quoteMysql(ROW_VERSIONS_TABLE)} WHERE table_name = ? AND generation = ? AND seq > ? ORDER BY seq LIMIT ${NOTES_PAGES_PER_READ}`,
            [this.#table, generation, afterSeq],
          ),
        'read',
        'reading',
      );
      read = { after: afterSeq, rows: rows.map((row) => ({ seq: Number(row.seq), entries: row.entries as Buffer })), complete: rows.length < NOTES_PAGES_PER_READ };
      const first = read.rows[0];
      return first ? { seq: first.seq, list: decodeList(first.entries) } : undefined;
    };
  }

  /**
   * Queues the notes of one page (encodeList's form). One INSERT is in flight at a time, and it
   * takes every page queued meanwhile (up to NOTES_STATEMENT_BYTES): pages commit faster than a
   * round trip over a slow link, and a statement a page would make the notes lag ever further
   * behind the run and its end wait for them.
   */
  write(generation: string, seq: number, entries: Buffer): void {
    this.#queued.push([this.#table, generation, seq, entries]);
    // A statement already queued takes this page too.
    if (this.#queued.length > 1) return;
    this.#writing = this.#writing.then(() => this.#writeQueued());
  }

  /** Sends the queued notes, as many pages a statement as fit. */
  async #writeQueued(): Promise<void> {
    while (this.#queued.length > 0) {
      let bytes = 0;
      let n = 0;
      while (n < this.#queued.length && (n === 0 || bytes + this.#queued[n]![3].length <= this.#statementBytes())) bytes += this.#queued[n++]![3].length;
      const rows = this.#queued.splice(0, n);
      if (this.#writeError) continue;
      try {
        await this.#query(
          () =>
            this.#target.pool.query(
              `INSERT INTO ${quoteMysql(ROW_VERSIONS_TABLE)} (table_name, generation, seq, entries) VALUES ? ON DUPLICATE KEY UPDATE entries = VALUES(entries)`,
              [rows],
            ),
          'upsert',
        );
      } catch (err) {
        this.#writeError = err;
      }
    }
  }

  /** The most bytes of notes one statement carries: well inside the server's packet limit. */
  #statementBytes(): number {
    return Math.min(NOTES_STATEMENT_BYTES, Math.floor(this.#target.server.maxAllowedPacket / 4));
  }

  /** Waits for the queued writes; throws the first that failed. */
  async flush(): Promise<void> {
    await this.#writing;
    if (this.#writeError) {
      const err = this.#writeError;
      throw new FbsyncError('VERSIONS', `writing record versions to ${this.#target.server.database}.${ROW_VERSIONS_TABLE} failed: ${describeCause(err)}`, {
        hint: 'the rows themselves were written; the next run compares every row again',
        cause: err,
      });
    }
  }

  /** Makes `set` the valid notes, then drops every other generation of this table. */
  async commit(set: VersionSet): Promise<void> {
    await this.flush();
    await this.#sets.save(this.#table, [set.generation, set.fingerprint, set.targetRows, set.notedRows]);
    await this.dropOthers(set.generation);
    debug('%s: generation %s is now valid (%d target rows)', this.#table, set.generation, set.targetRows);
  }

  /** Drops notes of generations other than `keep` (left by runs that did not complete). */
  async dropOthers(keep: string | null): Promise<void> {
    await this.#query(
      () => this.#target.pool.query(`DELETE FROM ${quoteMysql(ROW_VERSIONS_TABLE)} WHERE table_name = ? AND generation <> ?`, [this.#table, keep ?? '']),
      'delete',
      'deleting from',
    );
  }

  /** A statement on `table`, retried; with `doing`, a lasting error names the table. */
  #query<T>(fn: () => Promise<T>, operation: 'read' | 'upsert' | 'delete' | 'create', doing?: string, table = ROW_VERSIONS_TABLE): Promise<T> {
    const { database, flavor } = this.#target.server;
    return retryBookkeeping(fn, { code: 'VERSIONS', database, table, operation: operation === 'create' ? 'read' : operation, flavor }, this.#retry, doing);
  }
}
