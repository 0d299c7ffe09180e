import createDebug from 'debug';
import type { RunEnd, RunState, TableValues } from './run-state.js';

const debug = createDebug('fbsync:sync');

/** Where each target table's remembered source columns are kept, in the target database. */
export const SOURCE_COLUMNS_TABLE = 'fbsync_source_columns';

/** Bumped whenever what is remembered changes form; a memory of another form is no memory. */
const FORM = 1;

/** One source column as the last completed run copied it. */
export interface RememberedColumn {
  /** Firebird column name. */
  source: string;
  /** Firebird's declared type, ` NOT NULL` appended where the column is (`VARCHAR(40) NOT NULL`). */
  sourceType: string;
  /** The MySQL column it went to. */
  target: string;
  /**
   * Gone from Firebird and left out (`excludeColumns`): the MySQL column is the target's own now.
   * Remembered so that the exclusion keeps naming a known column, and dropping it from the
   * exclusions is refused again rather than forgotten.
   */
  kept?: boolean;
}

/** A column's declared type as remembered: the type, and NOT NULL where it is. */
export function declaredType(column: { type: string; nullable: boolean }): string {
  return `${column.type}${column.nullable ? '' : ' NOT NULL'}`;
}

/** The remembered columns of a target table; null when no completed run (of this fbsync) left any. */
export async function loadSourceColumns(store: TableValues, table: string): Promise<RememberedColumn[] | null> {
  const saved = await store.load(table);
  if (!saved || typeof saved[0] !== 'string') return null;
  try {
    const memory = JSON.parse(saved[0]) as { form?: number; columns?: unknown };
    if (memory.form !== FORM || !Array.isArray(memory.columns)) return null;
    return (memory.columns as Array<[string, string, string, number?]>).map(([source, sourceType, target, kept]) => ({ source, sourceType, target, ...(kept ? { kept: true } : {}) }));
  } catch {
    return null;
  }
}

function encode(columns: readonly RememberedColumn[]): string {
  return JSON.stringify({ form: FORM, columns: columns.map((c) => [c.source, c.sourceType, c.target, ...(c.kept ? [1] : [])]) });
}

/**
 * A table's source columns as run state: what the last completed run copied (`remembered`),
 * and what this run copies (`now`), which only a completed run leaves for the next — a run
 * that stops after altering the MySQL table leaves the old memory, so the next run sees the
 * change again and compares every row again. Nothing is written when nothing changed.
 */
export class SourceColumns implements RunState {
  readonly stages = [];
  readonly #store: TableValues | undefined;
  readonly #table: string;
  readonly #remembered: readonly RememberedColumn[] | null;
  readonly #now: readonly RememberedColumn[];

  /** `store`: undefined for a dry run, or a target where fbsync may not create its tables. */
  constructor(store: TableValues | undefined, table: string, remembered: readonly RememberedColumn[] | null, now: readonly RememberedColumn[]) {
    this.#store = store;
    this.#table = table;
    this.#remembered = remembered;
    this.#now = now;
  }

  committed(): void {}

  async end(run: RunEnd): Promise<void> {
    if (!run.finished || !this.#store) return;
    const text = encode(this.#now);
    if (this.#remembered && encode(this.#remembered) === text) return;
    debug('%s: remembering its source columns', this.#table);
    await this.#store.save(this.#table, [text]);
    await this.#store.flush();
  }
}
