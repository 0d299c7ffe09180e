import type mysql from 'mysql2/promise';
import createDebug from 'debug';
import { CheckpointStore } from './checkpoint-store.js';
import { decodeList } from '../core/version-codec.js';
import { FbsyncError, describeCause } from '../core/errors.js';
import type { MysqlTarget } from './connect.js';
import { quoteMysql } from './metadata.js';
import { retryBookkeeping, type MysqlRetryOptions } from './retry.js';
import { compareKeys } from '../core/keyset.js';
import type { Key } from '../core/table.js';
import type { ValueKind } from '../core/values.js';
import type { VersionList } from '../core/version-list.js';

const debug = createDebug('fbsync:versions');

/** The record versions a run copied, one row per source page, in the target database. */
export const ROW_VERSIONS_TABLE = 'fbsync_row_versions';
/** Which set of notes in ROW_VERSIONS_TABLE is complete and valid, per target table. */
export const VERSION_SETS_TABLE = 'fbsync_version_sets';

/** The notes of one completed run. */
export interface VersionSet {
  generation: string;
  /** What the notes hold for: source database, columns and how they are read (see versionFingerprint). */
  fingerprint: string;
  /** Rows the target table held when the run ended: fewer or more now means someone else wrote. */
  targetRows: number;
  /**
   * Keys the notes hold (null in notes that did not count them). Fewer than `targetRows` means
   * the target keeps rows the source had lost (a run without delete leaves them), which a run
   * with delete can find only by comparing every row: the notes do not name them.
   */
  notedRows: number | null;
}

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
  #writing: Promise<void> = Promise.resolve();
  #writeError: unknown;

  private constructor(target: MysqlTarget, table: string, sets: CheckpointStore, retry: MysqlRetryOptions) {
    this.#target = target;
    this.#table = table;
    this.#sets = sets;
    this.#retry = retry;
  }

  /** The store of one target table, its tables created when missing (unless read only). */
  static async open(target: MysqlTarget, table: string, options: { readOnly: boolean; retry?: MysqlRetryOptions }): Promise<VersionStore> {
    const retry = options.retry ?? {};
    // Read only, the sets table may be missing: its load() then finds no notes.
    const sets = options.readOnly ? new CheckpointStore(target, VERSION_SETS_TABLE, retry) : await CheckpointStore.open(target, { required: true, table: VERSION_SETS_TABLE, retry });
    const store = new VersionStore(target, table, sets!, retry);
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

  /** Rows in the target table now. */
  async targetRows(): Promise<number> {
    const count = () => this.#target.pool.query<mysql.RowDataPacket[]>(`SELECT COUNT(*) AS n FROM ${quoteMysql(this.#table)}`);
    const [rows] = await this.#query(count, 'read', 'counting the rows of', this.#table);
    return Number(rows[0]!.n);
  }

  /** Reads the notes of `generation` back in key order, one page of the run that wrote them at a time. */
  reader(generation: string, kinds: readonly ValueKind[]): NotedVersions {
    return new NotedVersions(async (afterSeq) => {
      const [rows] = await this.#query(
        () =>
          this.#target.pool.query<mysql.RowDataPacket[]>(
            `SELECT seq, entries FROM ${quoteMysql(ROW_VERSIONS_TABLE)} WHERE table_name = ? AND generation = ? AND seq > ? ORDER BY seq LIMIT 1`,
            [this.#table, generation, afterSeq],
          ),
        'read',
        'reading',
      );
      const row = rows[0];
      return row ? { seq: Number(row.seq), list: decodeList(row.entries as Buffer) } : undefined;
    }, kinds);
  }

  /** Queues the notes of one page (encodeList's form); writes go one at a time, in order. */
  write(generation: string, seq: number, entries: Buffer): void {
    this.#writing = this.#writing.then(async () => {
      if (this.#writeError) return;
      try {
        await this.#query(
          () =>
            this.#target.pool.query(
              `INSERT INTO ${quoteMysql(ROW_VERSIONS_TABLE)} (table_name, generation, seq, entries) VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE entries = VALUES(entries)`,
              [this.#table, generation, seq, entries],
            ),
          'upsert',
        );
      } catch (err) {
        this.#writeError = err;
      }
    });
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

/** A place in the notes (NotedVersions.mark). */
export interface NotesMark {
  readonly seq: number;
  readonly list: VersionList;
  readonly pos: number;
  readonly exhausted: boolean;
}

/**
 * A cursor over the notes of one generation. Pages of the current run rarely line up with the
 * pages that wrote the notes, so it hands out notes by key (everything up to a key), loading
 * the next stored page only when needed: memory stays at one stored page.
 */
export class NotedVersions {
  readonly #load: (afterSeq: number) => Promise<{ seq: number; list: VersionList } | undefined>;
  readonly #kinds: readonly ValueKind[];
  #seq = -1;
  #list: VersionList = { keys: [], versions: [] };
  #pos = 0;
  #exhausted = false;

  constructor(load: (afterSeq: number) => Promise<{ seq: number; list: VersionList } | undefined>, kinds: readonly ValueKind[]) {
    this.#load = load;
    this.#kinds = kinds;
  }

  /** Where the cursor is, for `rewind`: the stored page in hand and the place in it. */
  mark(): NotesMark {
    return { seq: this.#seq, list: this.#list, pos: this.#pos, exhausted: this.#exhausted };
  }

  /** Back to a mark, for a page that is read again: its notes are handed out again. */
  rewind(mark: NotesMark): void {
    this.#seq = mark.seq;
    this.#list = mark.list;
    this.#pos = mark.pos;
    this.#exhausted = mark.exhausted;
  }

  /** The notes for keys up to `through` (inclusive) not handed out yet; with null, all the rest. */
  async through(through: Key | null): Promise<VersionList> {
    return (await this.throughAtMost(through, Number.POSITIVE_INFINITY))!;
  }

  /**
   * As `through`, unless more than `limit` notes lie there: then they are passed over without
   * being kept, and the answer is undefined. A range the source lost millions of rows from
   * would otherwise hold millions of notes at once.
   */
  async throughAtMost(through: Key | null, limit: number): Promise<VersionList | undefined> {
    let out: VersionList | undefined = { keys: [], versions: [] };
    for (;;) {
      while (this.#pos < this.#list.keys.length) {
        const key = this.#list.keys[this.#pos]!;
        if (through && compareKeys(this.#kinds, key, through) > 0) return out;
        if (out && out.keys.length >= limit) out = undefined;
        out?.keys.push(key);
        out?.versions.push(this.#list.versions[this.#pos]!);
        this.#pos++;
      }
      if (this.#exhausted) return out;
      const next = await this.#load(this.#seq);
      if (!next) {
        this.#exhausted = true;
        return out;
      }
      this.#seq = next.seq;
      this.#list = next.list;
      this.#pos = 0;
    }
  }
}
