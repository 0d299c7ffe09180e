import createDebug from 'debug';
import { FbsyncError } from '../core/errors.js';
import { columnHash } from '../core/hash-text.js';
import { compareKeys, keyThrough } from '../core/keyset.js';
import type { Page } from '../core/page.js';
import { rowHasher, sameChecksum, type Checksum, type RowHasher } from '../core/row-hash.js';
import { keyKinds, keyOf, type Key, type Row, type TableSpec } from '../core/table.js';
import { canonicalString } from '../core/values.js';
import { FirebirdChecksums, type KeySpan } from '../firebird/checksum.js';
import { closeFirebird, openFirebird, type FirebirdDatabase } from '../firebird/connect.js';
import { firebirdKeyColumns } from '../firebird/metadata.js';
import { FirebirdSource } from '../firebird/source.js';
import { openMysql, type MysqlTarget } from '../mysql/connect.js';
import { mysqlTargetReader } from '../mysql/reader.js';
import { diffPage } from '../stages/diff.js';
import type { TargetReader } from '../core/change-set.js';
import { planSync } from './plan-sync.js';
import type { Difference, DifferenceKind, VerifyOptions, VerifyReport } from './verify-options.js';

const debug = createDebug('fbsync:verify');

export const DEFAULT_RANGE_ROWS = 10_000;
export const DEFAULT_EXACT_ROWS = 1_000;

/**
 * Proves a MySQL table equal to its Firebird table, or finds the rows that are not, writing
 * nothing (docs/verify.md). The key space is walked in ranges of `rangeRows` source rows; for
 * each, Firebird computes a checksum in SQL while fbsync reads the target rows as the sync's
 * reader does and computes the same checksum over them. Ranges that agree are done; one that
 * does not is halved while only one half disagrees (a few rows changed), and then read on both
 * sides and compared by the sync's own diff, which names the keys.
 */
export async function verifyTable(options: VerifyOptions): Promise<VerifyReport> {
  const started = Date.now();
  const db = typeof options.from === 'string' ? await openFirebird(options.from) : options.from;
  let target: MysqlTarget | undefined;
  try {
    target = typeof options.to === 'string' ? await openMysql(options.to, { connections: 2 }) : options.to;
    const table = await planSync(db, target, { table: options.table, targetTable: options.targetTable, excludeColumns: options.excludeColumns, names: options.names, columns: options.columns, noneCharset: options.noneCharset, roundToTarget: options.roundToTarget });
    const run = new TableVerify(db, target, table, options);
    try {
      await run.walk();
    } finally {
      await run.close();
    }
    return { ...run.report(), elapsedMs: Date.now() - started };
  } finally {
    if (typeof options.to === 'string') await target?.end();
    if (typeof options.from === 'string') await closeFirebird(db);
  }
}

/** One table's verify under way: its ranges, counts and keys found. */
class TableVerify {
  readonly #db: FirebirdDatabase;
  readonly #table: TableSpec;
  readonly #options: VerifyOptions;
  readonly #hasher: RowHasher;
  readonly #checksums: FirebirdChecksums;
  readonly #read: TargetReader;
  readonly #rangeRows: number;
  readonly #exactRows: number;
  readonly #counts = { same: 0, missing: 0, extra: 0, differ: 0 };
  readonly #ranges = { checksummed: 0, compared: 0 };
  readonly #keys?: Record<DifferenceKind, Key[]>;
  /** The last range that disagreed had its differences spread out: the next one is not halved first. */
  #spread = false;

  constructor(db: FirebirdDatabase, target: MysqlTarget, table: TableSpec, options: VerifyOptions) {
    this.#db = db;
    this.#table = table;
    this.#options = options;
    this.#rangeRows = positive(options.rangeRows ?? DEFAULT_RANGE_ROWS, 'rangeRows');
    this.#exactRows = positive(options.exactRows ?? DEFAULT_EXACT_ROWS, 'exactRows');
    this.#hasher = rowHasher(table, columnHash);
    const unhashed = new Set(this.#hasher.unhashable.map((u) => u.column));
    this.#checksums = new FirebirdChecksums(db, table, table.columns.map((c) => !unhashed.has(c.source)));
    this.#read = mysqlTargetReader(target, table, { retry: options.retry, signal: options.signal });
    if (options.collectKeys) this.#keys = { missing: [], extra: [], differ: [] };
  }

  /** Every range of the table, from the first key to past the last. */
  async walk(): Promise<void> {
    let after: Key | null = null;
    let nextBound = this.#checksums.boundAfter(null, this.#rangeRows);
    for (;;) {
      if (this.#options.signal?.aborted) throw this.#options.signal.reason;
      const through = await nextBound;
      const span: KeySpan = { after, through };
      // Firebird's checksum and the next range's bound queue on its attachment while MySQL reads.
      // Where differences are spread out, the range is compared without one: it would differ.
      const source = this.#spread ? undefined : this.#checksums.checksum(span);
      if (through) nextBound = this.#checksums.boundAfter(through, this.#rangeRows);
      const limit = 4 * this.#rangeRows;
      const rows = await this.#read({ after, from: null, through }, limit);
      const complete = rows.length < limit;
      // Hashed while Firebird still computes its side.
      const mine = source && complete && this.#hasher.unhashable.length === 0 ? this.#sum(rows) : undefined;
      if (source) await this.#range(span, await source, complete ? rows : undefined, mine);
      else this.#spread = (await this.#compare(span, complete ? rows : undefined)) > 1;
      if (!through) break;
      after = through;
    }
  }

  /** One range: done if the checksums agree, else narrowed down and compared row by row. */
  async #range(span: KeySpan, source: Checksum, rows: Row[] | undefined, mine?: Checksum): Promise<void> {
    this.#ranges.checksummed++;
    if (rows && this.#hasher.unhashable.length === 0 && sameChecksum(source, mine ?? this.#sum(rows))) {
      this.#counts.same += source.rows;
      return;
    }
    // After a range whose differences were spread out (many rows edited), halving the next
    // would most likely only add checksums before the same comparison.
    if (!rows || this.#hasher.unhashable.length > 0 || source.rows <= this.#exactRows || this.#spread) {
      const found = await this.#compare(span, rows);
      if (this.#spread) this.#spread = found > 1;
      return;
    }
    // Halve by the source's middle key; go on into the one half that disagrees, but when both
    // do, the differences are spread out and reading the range whole is cheaper.
    const middle = await this.#checksums.boundAfter(span.after, Math.ceil(source.rows / 2));
    if (!middle || (span.through && compareKeys(keyKinds(this.#table), middle, span.through) >= 0)) {
      await this.#compare(span, rows);
      return;
    }
    const kinds = keyKinds(this.#table);
    const cut = rows.findIndex((row) => compareKeys(kinds, keyOf(this.#table, row), middle) > 0);
    const lower = cut < 0 ? rows : rows.slice(0, cut);
    const upper = cut < 0 ? [] : rows.slice(cut);
    const halves = [
      { span: { after: span.after, through: middle }, rows: lower },
      { span: { after: middle, through: span.through }, rows: upper },
    ];
    const sums = await Promise.all(halves.map((h) => this.#checksums.checksum(h.span)));
    const wrong = halves.flatMap((h, i) => (sameChecksum(sums[i]!, this.#sum(h.rows)) ? [] : [{ ...h, source: sums[i]! }]));
    if (wrong.length > 1) {
      await this.#compare(span, rows);
      this.#spread = true;
      return;
    }
    for (const h of halves) if (!wrong.some((w) => w.span === h.span)) this.#counts.same += sums[halves.indexOf(h)]!.rows;
    for (const w of wrong) await this.#range(w.span, w.source, w.rows);
  }

  #sum(rows: readonly Row[]): Checksum {
    return this.#hasher.sum(rows) ?? { rows: -1, forward: 0n, reversed: 0n };
  }

  /** Both sides' rows of a range, compared by the sync's diff; `rows`: the target's, when read whole. */
  async #compare(span: KeySpan, rows: Row[] | undefined): Promise<number> {
    this.#ranges.compared++;
    const source = await this.#sourceRows(span);
    const target = rows ?? (await this.#read({ after: span.after, from: null, through: span.through }));
    const page: Page = { table: this.#table.source, seq: 0, columns: this.#table.columns.map((c) => c.source), rows: source, after: span.after, final: span.through === null };
    const changes = diffPage(this.#table, page, target, { delete: true, range: { after: span.after, from: null, through: span.through } });
    const inTarget = new Set(target.map((row) => this.#keyString(keyOf(this.#table, row))));
    for (const row of changes.upserts) {
      const key = keyOf(this.#table, row);
      this.#found(inTarget.has(this.#keyString(key)) ? 'differ' : 'missing', key);
    }
    for (const key of changes.deletes) this.#found('extra', key);
    this.#counts.same += changes.counts.unchanged;
    debug('%s: compared %j … %j: %o', this.#table.source, span.after, span.through, changes.counts);
    return changes.upserts.length + changes.deletes.length;
  }

  #keyString(key: Key): string {
    const kinds = keyKinds(this.#table);
    return JSON.stringify(key.map((v, i) => canonicalString(kinds[i]!, v)));
  }

  /** The source rows of a range, read as the sync reads them. */
  async #sourceRows(span: KeySpan): Promise<Row[]> {
    const where = span.through ? keyThrough(firebirdKeyColumns(this.#table), span.through) : undefined;
    const source = new FirebirdSource({ db: this.#db, table: this.#table, pageSize: this.#rangeRows, after: span.after, where, readAhead: 1 });
    const rows: Row[] = [];
    for await (const page of source as AsyncIterable<Page>) for (const row of page.rows) rows.push(row);
    return rows;
  }

  #found(kind: DifferenceKind, key: Key): void {
    this.#counts[kind]++;
    this.#keys?.[kind].push(key);
    const difference: Difference = { table: this.#table.source, kind, key };
    this.#options.onDifference?.(difference);
  }

  report(): Omit<VerifyReport, 'elapsedMs'> {
    const c = this.#counts;
    return {
      table: this.#table.source,
      target: this.#table.target,
      identical: c.missing + c.extra + c.differ === 0,
      counts: { ...c },
      ranges: { ...this.#ranges },
      unhashed: this.#hasher.unhashable,
      ...(this.#keys ? { keys: this.#keys } : {}),
    };
  }

  async close(): Promise<void> {
    await this.#checksums.close();
  }
}

function positive(n: number, option: string): number {
  if (!Number.isInteger(n) || n < 1) throw new FbsyncError('OPTION', `\`${option}\` must be a positive integer, not ${n}`, { options: [option], value: n });
  return n;
}
