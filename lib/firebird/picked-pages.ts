import createDebug from 'debug';
import { outOfStepError } from './errors.js';
import { compareKeys, keyAfter, keyOneOf, keyRange, sameKey } from '../core/keyset.js';
import { keyKinds, keyOf, type Key, type Row, type TableSpec } from '../core/table.js';
import type { ValueKind } from '../core/values.js';
import type { VersionList } from '../core/version-list.js';
import { untilClosed, within, type FirebirdDatabase } from './connect.js';
import { keyChecker, rowConverter, type RowConverter } from './convert.js';
import { firebirdKeyColumns, quoteFirebird } from './metadata.js';
import type { VersionPick } from '../core/page.js';
import { RECORD_VERSION, RUNS_PAY, packsProbe, probeSql, probeVersions, runsIn } from './probe.js';
import { FetchSize, FIRST_FETCH_ROWS, fetchAll } from './rows.js';
import { joinVersions, keysWithin, RowBudget, sliceVersions } from './row-budget.js';
import { selectList } from './select-list.js';
import { prepareOnce, type Session } from './session.js';
import { SideReader, asInSnapshot } from './side-reader.js';

const debug = createDebug('fbsync:source');

export interface PickedPagesOptions {
  table: TableSpec;
  pageSize: number;
  /**
   * Bytes of rows a page should hold at most, for tables with BLOB columns: a probe's keys are
   * then delivered over several pages, as many keys a page as rows of the width last read fit.
   * Default PAGE_BYTES.
   */
  pageBytes?: number;
  pick: VersionPick;
  /** Opens a side attachment for the rows picked (see SideReader); without it they are read in the snapshot. */
  attachSide?: () => Promise<FirebirdDatabase>;
}

/** What one page read by version yields, for the source to deliver. */
export interface PickedPage {
  rows: Row[];
  final: boolean;
  versions: VersionList;
  /** Keys noted before that the page's range no longer has; undefined when the page is diffed by range. */
  gone?: Key[];
}

/** Pages of keys a probe reads: each probe is a round trip the pages wait for. */
export const PAGES_A_PROBE = 4;

/** Rows of a probe's first fetch: keys and versions are a few bytes a row, unless packed. */
const PROBE_FIRST_FETCH_ROWS = 1000;

/**
 * Keys per statement when rows are read by key: one prepared statement serves every chunk (a
 * short chunk repeats its last key), and Firebird's limit of 1,500 values in an IN list and of
 * 64 KB of parameters stay far away.
 */
export const KEYS_PER_READ = 200;

/**
 * Pages of a table read by record version, for FirebirdSource: a page first reads only the keys
 * and versions of its rows (the probe, a few bytes a row), then in full only the rows `pick`
 * asks for, by key, in the same snapshot — or, when it asks for the whole page, all of them by
 * one range scan. Rows the last run copied at the same version are never read.
 *
 * The probe of the next page goes out as soon as a page's probe is in, so Firebird works on it
 * while this page is picked; the rows picked are read on the side attachment meanwhile, when
 * there is one.
 */
export class PickedPages {
  readonly #table: TableSpec;
  readonly #pageSize: number;
  readonly #pick: VersionPick;
  readonly #columns: { sql: string; param: string }[];
  readonly #kinds: readonly ValueKind[];
  readonly #byKeySql: (selectList: string, where: string) => string;
  readonly #selectList: string;
  readonly #orderBy: string;
  /** Rows read by key or range are converted without a key-order check: the probe checked the keys. */
  readonly #convert: RowConverter;
  /** Whether the table's probe is packed (see packsProbe), which is where runs can be gathered. */
  readonly #packed: boolean;
  readonly #fetch = { byKey: new FetchSize(FIRST_FETCH_ROWS), range: new FetchSize(FIRST_FETCH_ROWS), probe: new FetchSize(PROBE_FIRST_FETCH_ROWS) };
  readonly #side?: SideReader;
  /** Whether the next probe gathers runs of keys (see probeSql): while the pages have them. */
  #runs = true;
  /** The probe of the next page, sent while the current one was being picked. */
  #ahead: { session: Session; after: Key | null; versions: Promise<VersionList> } | undefined;
  /** Rows a page may read in full (tables with BLOB columns). */
  readonly #budget: RowBudget;
  /** Keys of a probe that did not fit in the page before, for the pages after it. */
  #leftover: { session: Session; after: Key; versions: VersionList; final: boolean } | undefined;

  constructor(options: PickedPagesOptions) {
    const table = options.table;
    this.#table = table;
    this.#pageSize = options.pageSize;
    this.#budget = new RowBudget(table, options.pageBytes);
    this.#pick = options.pick;
    this.#columns = firebirdKeyColumns(table);
    this.#kinds = keyKinds(table);
    this.#orderBy = this.#columns.map((c) => c.sql).join(', ');
    this.#selectList = selectList(table.columns);
    this.#convert = rowConverter(table, { after: null, keyOrder: 'unchecked' });
    this.#packed = packsProbe(table);
    // Read unordered: ORDER BY would make Firebird walk the whole key index instead of looking the keys up.
    this.#byKeySql = (selectList, where) => `SELECT ${selectList} FROM ${quoteFirebird(table.source)} WHERE ${where}`;
    if (options.attachSide) this.#side = new SideReader(options.attachSide, table.source);
  }

  /** The page after `after`, read in the snapshot transaction of `session`. */
  async read(session: Session, after: Key | null): Promise<PickedPage> {
    const probed = await this.#probed(session, after);
    let versions = probed.versions;
    let final = probed.final;
    let verdict = await this.#pick(versions, after, final);
    // Rows with large BLOBs: when more are to be read than fit in pageBytes, the page ends at the
    // last of those that fit and the rest of the probe's keys make the pages after it. Picked
    // again for the shorter page, the notes go back first (same `after`) and are taken only
    // through its last key, as when a page is read again.
    const cut = keysWithin(this.#kinds, versions, verdict, this.#budget.rows);
    if (cut !== undefined) {
      const later = this.#leftover;
      const rest = sliceVersions(versions, cut);
      this.#leftover = { session, after: versions.keys[cut - 1]!, versions: later ? joinVersions(rest, later.versions) : rest, final: later ? later.final : final };
      versions = sliceVersions(versions, 0, cut);
      final = false;
      verdict = await this.#pick(versions, after, false);
    }
    const { changed, gone, whole } = verdict;
    const rows = whole ? await this.#readRange(session, after, versions) : await this.#readPicked(session, versions, changed);
    // Every picked row is in the probe, in the same snapshot; one missing means the read went wrong.
    if (rows.length !== changed.length) throw outOfStepError();
    this.#budget.measured(rows);
    // Without `gone`, the diff reads the page's key range rather than its keys.
    return { rows, final, versions, gone: whole ? undefined : gone };
  }

  /**
   * A page's keys and versions from `after` on: what is left of the last probe (which reads
   * PAGES_A_PROBE pages of keys), or a probe's. The probe after a fresh probe's keys goes out at once: Firebird works on it
   * while these are picked and read here (their by-key reads queue behind it on the connection).
   */
  async #probed(session: Session, after: Key | null): Promise<{ versions: VersionList; final: boolean }> {
    const probed = await this.#probedKeys(session, after);
    const size = this.#pageSize;
    if (probed.versions.keys.length < size) return probed;
    const page = sliceVersions(probed.versions, 0, size);
    const rest = sliceVersions(probed.versions, size);
    // A final probe ending in a full page is still followed by an empty final page.
    if (rest.keys.length > 0 || probed.final) this.#leftover = { session, after: page.keys[size - 1]!, versions: rest, final: probed.final };
    return { versions: page, final: false };
  }

  async #probedKeys(session: Session, after: Key | null): Promise<{ versions: VersionList; final: boolean }> {
    const left = this.#leftover;
    this.#leftover = undefined;
    if (left && left.session === session && sameKey(this.#kinds, left.after, after)) return left;
    const ahead = this.#ahead;
    this.#ahead = undefined;
    const usable = ahead && ahead.session === session && sameKey(this.#kinds, ahead.after, after);
    // A probe still running on this connection must finish before its statement runs again.
    if (ahead && !usable && ahead.session === session) await ahead.versions.catch(() => undefined);
    const versions = await (usable ? ahead.versions : this.#probe(session, after));
    const final = versions.keys.length < this.#pageSize * PAGES_A_PROBE;
    if (!final) {
      const last = versions.keys[versions.keys.length - 1]!;
      const next = this.#probe(session, last);
      next.catch(() => undefined);
      this.#ahead = { session, after: last, versions: next };
    }
    return { versions, final };
  }

  /** The rows of `changed`, by key: on the side attachment where it can, the rest in the snapshot. */
  async #readPicked(session: Session, versions: VersionList, changed: Key[]): Promise<Row[]> {
    const aside = this.#side && changed.length > 0 ? await this.#readAside(this.#side, versions, changed) : undefined;
    const rest = aside ? aside.rest : changed;
    const rows: Row[] = [];
    for (const chunk of keyChunks(rest)) {
      const byKey = keyOneOf(this.#columns, chunk);
      const statement = await prepareOnce(session, 'by-key', this.#byKeySql(this.#selectList, byKey.sql));
      for (const row of await fetchAll(session.tx!, statement, byKey.params, this.#fetch.byKey, this.#convert)) rows.push(row as Row);
    }
    for (const row of aside?.rows ?? []) rows.push(row);
    const kinds = this.#kinds;
    rows.sort((a, b) => compareKeys(kinds, keyOf(this.#table, a), keyOf(this.#table, b)));
    return rows;
  }

  /**
   * Every row of the page, `after` to its last key, in key order, in the snapshot: for a page
   * read whole (see VersionPick), one range scan costs Firebird far less than its rows looked
   * up by key (docs/performance.md#measurements-behind-the-design).
   */
  async #readRange(session: Session, after: Key | null, versions: VersionList): Promise<Row[]> {
    const last = versions.keys[versions.keys.length - 1];
    if (!last) return [];
    const range = keyRange(this.#columns, after, last)!;
    const sql = `SELECT ${this.#selectList} FROM ${quoteFirebird(this.#table.source)} WHERE ${range.sql} ORDER BY ${this.#orderBy}`;
    const statement = await prepareOnce(session, after ? 'range' : 'range-first', sql);
    return (await fetchAll(session.tx!, statement, range.params, this.#fetch.range, this.#convert)) as Row[];
  }

  /**
   * Waits for a probe sent ahead (at most `ms`) and forgets it: rolling back or committing under
   * a running fetch hangs the driver.
   */
  async settle(ms: number): Promise<void> {
    if (this.#ahead) await within(this.#ahead.versions, ms).catch(() => undefined);
    this.#ahead = undefined;
  }

  /** Forgets a probe sent ahead on an attachment that was lost: its answer will never come. */
  forget(): void {
    this.#ahead = undefined;
    this.#leftover = undefined;
  }

  /** Detaches the side attachment, if one was opened. */
  async close(): Promise<void> {
    await this.#side?.close();
  }

  /**
   * Reads `changed` on the side attachment and keeps the rows whose record version is the one
   * the probe saw; `rest` are the keys to read in the snapshot (changed or deleted since it
   * began). Undefined when the side attachment cannot be used: then all are read in the snapshot.
   */
  async #readAside(side: SideReader, probe: VersionList, changed: Key[]): Promise<{ rows: Row[]; rest: Key[] } | undefined> {
    const raw: unknown[][] = [];
    for (const chunk of keyChunks(changed)) {
      const byKey = keyOneOf(this.#columns, chunk);
      const got = await side.read(this.#byKeySql(`${this.#selectList}, ${RECORD_VERSION}`, byKey.sql), byKey.params);
      if (!got) return undefined;
      for (const row of got) raw.push(row);
    }
    const versions = raw.map((row) => String(row.pop()));
    // BLOBs are read through the side transaction too.
    const rows = await side.use(async () => (await this.#convert(raw)) as Row[]);
    if (!rows) return undefined;
    const read = rows.map((row, i) => ({ row, key: keyOf(this.#table, row), version: versions[i]! }));
    const { kept, rest } = asInSnapshot(this.#kinds, probe, changed, read);
    if (rest.length > 0) debug('%s: %d of %d rows changed since the snapshot began: read in the snapshot', this.#table.source, rest.length, changed.length);
    return { rows: kept, rest };
  }

  /** Keys and versions of the page after `after`. */
  #probe(session: Session, after: Key | null): Promise<VersionList> {
    const predicate = after ? keyAfter(this.#columns, after) : undefined;
    const runs = this.#runs;
    const work = async () => {
      const which = `${predicate ? 'probe-next' : 'probe-first'}${runs ? '-runs' : ''}`;
      const statement = await prepareOnce(session, which, probeSql(this.#table, this.#pageSize * PAGES_A_PROBE, predicate?.sql, runs));
      const raw = await fetchAll(session.tx!, statement, predicate?.params ?? [], this.#fetch.probe);
      // Record versions are compared in key order: a key out of order fails the read.
      const list = probeVersions(this.#table, raw, keyChecker(this.#table, after, 'required'));
      // The next page gathers runs if this one holds them, however it was probed.
      if (this.#packed && list.keys.length > 0) this.#runs = list.keys.length / runsIn(list) >= RUNS_PAY;
      return list;
    };
    // Sent ahead and awaited outside the source's race against the close, so raced here too.
    return untilClosed(session.db, work());
  }
}

/** Keys in chunks of KEYS_PER_READ, a short last chunk filled up by repeating its last key. */
export function* keyChunks(keys: readonly Key[]): Generator<Key[]> {
  for (let i = 0; i < keys.length; i += KEYS_PER_READ) {
    const chunk = keys.slice(i, i + KEYS_PER_READ);
    while (chunk.length < KEYS_PER_READ) chunk.push(chunk[chunk.length - 1]!);
    yield chunk;
  }
}
