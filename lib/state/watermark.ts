import createDebug from 'debug';
import { FbsyncError } from '../core/errors.js';
import type { Page } from '../core/page.js';
import type { TableSpec } from '../core/table.js';
import type { RunEnd, RunState, TableValues } from './run-state.js';

const debug = createDebug('fbsync:sync');

/** Where each table's watermark is kept, in the target database (same layout as the checkpoints). */
export const WATERMARK_TABLE = 'fbsync_watermarks';

/**
 * How far before the last watermark a run starts reading again. Transactions open during the
 * last run already hold its watermark back (sync/since-limit.ts); the overlap covers what that
 * cannot see: other attachments, for a user who is not SYSDBA or the owner, and stamps from a
 * client's clock. Re-reading a minute costs little, since unchanged rows are only compared.
 */
export const DEFAULT_SINCE_OVERLAP_SECONDS = 60;

/** The column a table's changes are found by. */
export interface SinceColumn {
  /** Index in TableSpec.columns. */
  index: number;
  name: string;
  kind: 'date' | 'timestamp';
  nullable: boolean;
}

/** Finds the column and checks it can serve: a DATE or TIMESTAMP that is copied. */
export function sinceColumn(table: TableSpec, name: string): SinceColumn {
  let index = table.columns.findIndex((c) => c.source === name);
  if (index < 0) index = table.columns.findIndex((c) => c.source.toUpperCase() === name.toUpperCase());
  const column = table.columns[index];
  if (!column) {
    throw new FbsyncError('SINCE_COLUMN', `Firebird table ${table.source} has no column ${name} to find changed rows by (\`sinceColumn\`)`, {
      options: ['sinceColumn'],
      value: name,
      hint: 'name a TIMESTAMP or DATE column the application sets on every insert and update (and do not exclude it)',
    });
  }
  if (column.kind !== 'timestamp' && column.kind !== 'date') {
    throw new FbsyncError('SINCE_COLUMN', `column ${table.source}.${column.source} is ${column.sourceType}, not a TIMESTAMP or DATE, so it cannot say which rows changed (\`sinceColumn\`)`, {
      options: ['sinceColumn'],
      value: name,
      hint: 'name a TIMESTAMP or DATE column the application sets on every insert and update',
    });
  }
  return { index, name: column.source, kind: column.kind, nullable: column.nullable };
}

/**
 * Keeps the latest stamp among the rows read, which becomes the next run's watermark. Stamps
 * arrive as Firebird's own text (`2026-11-26 01:37:17.4490`, `2026-11-26`), whose order as
 * text is their order in time.
 */
export class WatermarkTracker {
  readonly #index: number;
  #latest: string | null;

  constructor(column: SinceColumn, start: string | null) {
    this.#index = column.index;
    this.#latest = start;
  }

  readonly see = (page: Page): Page => {
    for (const row of page.rows) {
      const v = row[this.#index];
      if (typeof v === 'string' && (this.#latest === null || v > this.#latest)) this.#latest = v;
    }
    return page;
  };

  get latest(): string | null {
    return this.#latest;
  }
}

/**
 * A stamp the watermark a run leaves may not pass: rows stamped from it on may still be
 * committed after the run's snapshot (see sync/since-limit.ts).
 */
export interface WatermarkLimit {
  /** Firebird's text of a TIMESTAMP. */
  before: string;
  /** What sets it, said in the report when it holds the watermark back. */
  by: string;
  /** Said in the report whatever the run leaves (e.g. that other transactions cannot be seen). */
  note?: string;
}

/** What the report says of the watermark. */
export interface WatermarkReport {
  column: string;
  /** The watermark this run read from; null: everything was read. */
  from: string | null;
  /** The one it leaves for the next run. */
  next: string | null;
  /** Why `next` is earlier than the latest stamp the run saw. */
  heldBackBy?: string;
  note?: string;
}

/**
 * The watermark of `sinceColumn` as run state: the stamp the last completed run saw, from which
 * this run reads (less the overlap), and the latest stamp this run sees, which only a completed
 * run leaves for the next (an interrupted one has not seen every change).
 */
export class Watermark implements RunState {
  readonly column: SinceColumn;
  /** The watermark this run reads from; null: the first run, which reads everything. */
  readonly from: string | null;
  readonly overlapSeconds: number;
  readonly stages: ReadonlyArray<(page: Page) => Page>;
  readonly #tracker: WatermarkTracker;
  readonly #store: TableValues;
  readonly #table: string;
  readonly #keep: boolean;
  #finished = false;
  #limit: WatermarkLimit | undefined;

  private constructor(store: TableValues, table: string, column: SinceColumn, from: string | null, overlapSeconds: number, keep: boolean) {
    this.#store = store;
    this.#table = table;
    this.column = column;
    this.from = from;
    this.overlapSeconds = overlapSeconds;
    this.#tracker = new WatermarkTracker(column, from);
    this.stages = [this.#tracker.see];
    this.#keep = keep;
  }

  /** `keep`: false for a dry run, which reads the watermark and leaves it as it is. */
  /** `column`: see sinceColumn. `readAll`: read every row whatever the watermark (the source's columns changed since it was left). */
  static async open(options: { store: TableValues; table: TableSpec; column: SinceColumn; overlapSeconds: number; keep: boolean; readAll?: boolean }): Promise<Watermark> {
    const { column } = options;
    const from = options.readAll ? null : ((((await options.store.load(options.table.target)) ?? [])[0] as string | undefined) ?? null);
    if (from) debug('%s: rows with %s from %s, less %d s', options.table.source, column.name, from, options.overlapSeconds);
    return new Watermark(options.store, options.table.target, column, from, options.overlapSeconds, options.keep);
  }

  /**
   * Sets the stamp the watermark left may not pass; taken before the run's snapshot begins.
   * It may lie before `from` (a transaction open since before the last run): the watermark
   * then moves back, and the next run reads more.
   */
  limit(limit: WatermarkLimit): void {
    this.#limit = limit;
  }

  committed(): void {}

  async end(run: RunEnd): Promise<void> {
    this.#finished = run.finished;
    const { next } = this.#next();
    if (run.finished && this.#keep && next && next !== this.from) await this.#store.save(this.#table, [next]);
  }

  /** The latest stamp seen, held back to the limit. A DATE column's limit is its day. */
  #next(): { next: string | null; heldBackBy?: string } {
    const latest = this.#tracker.latest;
    if (!latest || !this.#limit) return { next: latest };
    const limit = this.column.kind === 'date' ? this.#limit.before.slice(0, 10) : this.#limit.before;
    return limit < latest ? { next: limit, heldBackBy: this.#limit.by } : { next: latest };
  }

  /** What the report says: the watermark read from and the one left for the next run. */
  report(): WatermarkReport {
    const next = this.#finished ? this.#next() : { next: this.from };
    return {
      column: this.column.name,
      from: this.from,
      ...next,
      ...(this.#limit?.note ? { note: this.#limit.note } : {}),
    };
  }
}
