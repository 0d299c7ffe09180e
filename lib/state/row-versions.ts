import { createHash, randomUUID } from 'node:crypto';
import createDebug from 'debug';
import type { Page, VersionPick } from '../core/page.js';
import { sameKey } from '../core/keyset.js';
import { TARGET_READ_ROWS } from '../stages/diff.js';
import { keyKinds, type Key, type TableSpec } from '../core/table.js';
import type { ValueKind } from '../core/values.js';
import { compareVersions, type NotesLoader, type VersionList, type VersionSet } from '../core/version-list.js';
import { encodeList } from '../core/version-codec.js';
import { NotedVersions, type NotesMark } from './noted-versions.js';
import type { Progress, RunEnd, RunState } from './run-state.js';

const debug = createDebug('fbsync:versions');

/** How a run used record versions, for the report. */
export interface VersionsReport {
  /**
   * `compared`: rows were read only where their version changed since the last run;
   * `noted`: every row was read and compared, and versions were noted for the next run.
   */
  mode: 'compared' | 'noted';
  /** Why the notes of the last run could not be used (with `noted`). */
  reason?: string;
}

/** Bumped whenever codec.ts changes what it writes. */
const NOTES_FORM = 2;

/**
 * A source database and table shape the notes hold for. Notes taken from another database (or
 * a restored copy, whose transaction numbers start again) or for other columns mean nothing;
 * a column's declared type on either side is part of it, so that a column widened since (and
 * the rows that now hold values the old type could not) is compared on every row once.
 * `database` is what tells the source database apart (firebird/identity.ts). The notes' form is
 * in it too, so that an fbsync keeping them in another form (one before codec.ts's compact
 * form, after a downgrade) compares every row once instead of failing on them.
 */
export function versionFingerprint(database: readonly unknown[], table: TableSpec): string {
  const shape = {
    database,
    table: table.source,
    // A rounded column's digits too (`roundToTarget`): they change what is written.
    columns: table.columns.map((c) => [c.source, c.target, c.kind, c.firebird.select, c.sourceType, c.targetType ?? null, ...(c.round === undefined ? [] : [c.round])]),
    key: table.key,
    notes: NOTES_FORM,
  };
  return createHash('sha256').update(JSON.stringify(shape)).digest('hex');
}

/** Where the notes of one target table are kept (mysql/version-store.ts keeps them in the target). */
export interface VersionNotes {
  /** The valid notes, if a completed run left some. */
  current(): Promise<VersionSet | null>;
  /** Rows in the target table now. */
  targetRows(): Promise<number>;
  /** Reads the notes of `generation` back, a stored page at a time. */
  pages(generation: string): NotesLoader;
  /** Queues the notes of one page (version-codec's form); written in order. */
  write(generation: string, seq: number, entries: Buffer): void;
  /** Waits for the queued writes; throws the first that failed. */
  flush(): Promise<void>;
  /** Makes `set` the valid notes and drops every other generation. */
  commit(set: VersionSet): Promise<void>;
  /** Drops the notes of generations other than `keep`. */
  dropOthers(keep: string | null): Promise<void>;
}

/**
 * Record versions for one table's run (`rowVersions`): uses the notes of the last completed
 * run to read only rows whose version changed, and notes this run's versions, page by page as
 * pages commit, for the next one. A run whose notes are missing or cannot be trusted reads and
 * compares every row, and notes versions as it goes.
 */
export class RowVersions implements RunState {
  /** Final once the first page was picked: notes that looked usable can turn out not to be (see open). */
  report: VersionsReport;
  readonly #store: VersionNotes;
  readonly #table: TableSpec;
  readonly #kinds: readonly ValueKind[];
  readonly #fingerprint: string;
  readonly #generation = `${Date.now()}-${randomUUID().slice(0, 8)}`;
  readonly #noted: NotedVersions | undefined;
  readonly #writes: boolean;
  /**
   * Versions of pages read but not yet committed, by page seq; kept encoded, since a page's keys
   * and versions as arrays would weigh far more while they wait.
   */
  readonly #pending = new Map<number, { entries: Buffer; keys: number }>();
  #written = 0;
  /** Rows the target table had when the run started (counted while the source starts). */
  readonly #startRows: Promise<number>;
  /** Why the notes cannot be used after all, once the count is in: undefined when they can. */
  readonly #countVerdict: Promise<string | undefined>;
  /** Keys in the notes written so far. */
  #notedRows = 0;
  /** Where the notes stood before the page last picked, to hand them out again if that page is read again. */
  #last: { after: Key | null; mark: NotesMark } | undefined;

  private constructor(
    store: VersionNotes,
    table: TableSpec,
    fingerprint: string,
    startRows: Promise<number>,
    countVerdict: Promise<string | undefined>,
    noted: NotedVersions | undefined,
    report: VersionsReport,
    writes: boolean,
  ) {
    this.#store = store;
    this.#startRows = startRows;
    this.#countVerdict = countVerdict;
    this.#table = table;
    this.#kinds = keyKinds(table);
    this.#fingerprint = fingerprint;
    this.#noted = noted;
    this.report = report;
    this.#writes = writes;
  }

  /** `database`: the source database's identity (see versionFingerprint). */
  /** `distrust`: why the notes are not to be used whatever they say (the source's columns changed since the last run). */
  static async open(store: VersionNotes, database: Promise<readonly unknown[]>, table: TableSpec, options: { dryRun: boolean; delete: boolean; distrust?: string }): Promise<RowVersions> {
    // Counting the target's rows scans the table (0.1 s a million rows), so it is not waited for
    // here: the source starts meanwhile, and the first page waits for it before it is picked.
    const rows = store.targetRows();
    rows.catch(() => undefined);
    const fingerprint = versionFingerprint(await database, table);
    const set = await store.current();
    const reason = unusable(set, fingerprint, options.delete) ?? options.distrust;
    if (!options.dryRun) await store.dropOthers(set?.generation ?? null);
    if (reason) {
      debug('%s: comparing every row: %s', table.source, reason);
      await rows;
      return new RowVersions(store, table, fingerprint, rows, Promise.resolve(undefined), undefined, { mode: 'noted', reason }, !options.dryRun);
    }
    const verdict = rows.then((n) => countDiffers(n, set!));
    verdict.catch(() => undefined);
    debug('%s: reading rows whose version changed since generation %s', table.source, set!.generation);
    return new RowVersions(store, table, fingerprint, rows, verdict, new NotedVersions(store.pages(set!.generation), keyKinds(table)), { mode: 'compared' }, !options.dryRun);
  }

  /** What the source is given: collect versions, and with usable notes, pick rows by them. */
  get source(): { pick?: VersionPick } {
    return this.#noted ? { pick: (probe, after, final) => this.#pick(probe, after, final) } : {};
  }

  async #pick(probe: VersionList, after: Key | null, final: boolean): ReturnType<VersionPick> {
    const reason = await this.#countVerdict;
    if (reason) {
      // Something else added or removed target rows: every row is read and each page compared
      // in full, as without notes, and this run's versions are noted for the next.
      if (this.report.mode === 'compared') debug('%s: comparing every row: %s', this.#table.source, reason);
      this.report = { mode: 'noted', reason };
      return { changed: probe.keys, gone: [], whole: true };
    }
    const noted = this.#noted!;
    // The same page read again (after a lost connection): its notes go back first.
    if (this.#last && sameKey(this.#kinds, this.#last.after, after)) noted.rewind(this.#last.mark);
    this.#last = { after, mark: noted.mark() };
    const limit = Math.max(TARGET_READ_ROWS, 2 * probe.keys.length);
    const taken = await noted.throughAtMost(final ? null : (probe.keys[probe.keys.length - 1] ?? null), limit);
    if (!taken) {
      // Far more rows noted than the page has: the source lost most of this range. Its rows are
      // read in full and the diff compares the range slice by slice, deletes included.
      debug('%s: %d rows, more than %d noted in their range: the page is compared in full', this.#table.source, probe.keys.length, limit);
      return { changed: probe.keys, gone: [], whole: true };
    }
    const verdict = compareVersions(this.#kinds, probe, taken);
    debug('%s: %d rows, %d changed, %d gone', this.#table.source, probe.keys.length, verdict.changed.length, verdict.gone.length);
    return verdict;
  }

  /** A pipeline stage: keeps each page's versions until its batches commit. */
  readonly see = (page: Page): Page => {
    if (this.#writes && page.versions) this.#pending.set(page.seq, { entries: encodeList(page.versions), keys: page.versions.keys.length });
    return page;
  };

  readonly stages = [this.see];

  /** Writes the notes of every page before `pagesDone` (all their batches committed). */
  committed({ pagesDone }: Pick<Progress, 'pagesDone'>): void {
    for (; this.#written < pagesDone; this.#written++) {
      const notes = this.#pending.get(this.#written);
      this.#pending.delete(this.#written);
      if (!notes) continue;
      this.#store.write(this.#generation, this.#written, notes.entries);
      this.#notedRows += notes.keys;
    }
  }

  /**
   * After a completed run: its notes become the valid ones. Not when MySQL refused rows: the
   * notes would say those rows are in the target; the last valid notes stay, and the refused
   * rows are read again next time since their versions differ from those notes (or they are new).
   */
  async end(run: RunEnd): Promise<void> {
    if (run.finished) await this.#finish(run.pagesDone, run.rejected, run.counts);
    else await this.#settle();
  }

  async #finish(pages: number, rejected: number, written: { inserted: number; deleted: number }): Promise<void> {
    if (!this.#writes) return;
    this.committed({ pagesDone: pages });
    if (rejected > 0) {
      await this.#store.flush();
      debug('%s: %d rows refused; the notes of this run are not kept', this.#table.source, rejected);
      return;
    }
    // Counted rather than asked of MySQL (a COUNT(*) of a large table takes a while): should
    // another writer have added or removed rows meanwhile, the next run finds the count off and
    // compares every row, which is the safe side.
    const targetRows = (await this.#startRows) + written.inserted - written.deleted;
    const set: VersionSet = { generation: this.#generation, fingerprint: this.#fingerprint, targetRows, notedRows: this.#notedRows };
    await this.#store.commit(set);
  }

  /** After a run that failed or stopped early: waits for notes already sent, keeps the last valid set. */
  async #settle(): Promise<void> {
    await this.#store.flush().catch((err) => debug('%s: %s', this.#table.source, (err as Error).message));
  }
}

/** Why a set of notes cannot be trusted for this run, or undefined when it can, as far as is known before the target's rows are counted. */
function unusable(set: VersionSet | null, fingerprint: string, withDelete: boolean): string | undefined {
  if (!set) return 'no run noted versions before';
  if (set.fingerprint !== fingerprint) return 'the notes were taken from another Firebird database, for other columns or by another version of fbsync';
  // Deletes are found as keys the notes hold and the source lacks: target rows the notes never
  // held (left by a run without delete) would stay for good.
  if (withDelete && set.notedRows !== set.targetRows) {
    const noted = set.notedRows === null ? 'an unknown number' : set.notedRows.toLocaleString('en-US');
    return `the notes hold ${noted} of the ${set.targetRows.toLocaleString('en-US')} target rows (a run without delete left rows the source no longer has)`;
  }
  return undefined;
}

/** Rows added or removed by something else since the notes were taken: they no longer describe the target. */
function countDiffers(rows: number, set: VersionSet): string | undefined {
  if (rows !== set.targetRows) return `the target table has ${rows.toLocaleString('en-US')} rows, ${set.targetRows.toLocaleString('en-US')} when the last run ended`;
  return undefined;
}
