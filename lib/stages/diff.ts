import createDebug from 'debug';
import { FbsyncError } from '../core/errors.js';
import { compareKeys } from '../core/keyset.js';
import type { Page } from '../core/page.js';
import { describeKey, keyKinds, keyOf, type Key, type Row, type TableSpec } from '../core/table.js';
import { addCounts, zeroCounts, type ChangeSet, type Counts, type TargetRange, type TargetReader } from '../core/change-set.js';
import { canonicalString, sameValue } from '../core/values.js';

const debug = createDebug('fbsync:diff');

/**
 * Target rows read at once for a page's key range: twice the page's rows, and no fewer than
 * this. A range holding more is read on after the last key read.
 */
export const TARGET_READ_ROWS = 10_000;

/**
 * The same for a table with BLOB columns, whose pages end at a few MB (PAGE_BYTES): 10,000 rows
 * of 262 KB photos the source lost would be 2.6 GB read at once.
 */
export const BLOB_TARGET_READ_ROWS = 64;

export interface DiffOptions {
  table: TableSpec;
  readTarget: TargetReader;
  /** Also delete target rows the source lacks. */
  delete?: boolean;
  /**
   * Pages hold scattered keys (a filtered source, such as `sinceColumn`): the target is read
   * by the page's keys rather than by the key range they span. Cannot go with `delete`.
   */
  sparse?: boolean;
  /**
   * Fewest target rows read at once for a key range (see TARGET_READ_ROWS); a table with BLOBs
   * wants far fewer, since a range whose rows the source lost is read whole, BLOBs and all.
   */
  targetReadRows?: number;
  /**
   * The page's first target read (firstRead), when it was started ahead of the diff (see
   * lib/stages/read-ahead.ts); undefined: the diff reads it now.
   */
  startedRead?: (page: Page) => Promise<Row[]> | undefined;
}

/** A target read: a key range (with `limit`, its first rows) or listed keys (TargetRange.keys). */
export interface TargetRead {
  range: TargetRange;
  limit?: number;
}

/**
 * The first target read the diff of `page` makes, or undefined when it reads nothing. A key
 * range is read `limit` rows at a time; the keys of a page read by key (picked by version,
 * sparse, unordered) are read at once: as many as the page (and the notes of one page).
 */
export function firstRead(options: Pick<DiffOptions, 'table' | 'delete' | 'sparse' | 'targetReadRows'>, page: Page): TargetRead | undefined {
  const { table } = options;
  const withDeletes = Boolean(options.delete);
  // A page picked by version holds scattered rows, and the keys it lost are known by name.
  // An unordered page (see Page) comes only without deletes: its keys are all there is to read.
  const range = page.gone ? keysOf(table, page, withDeletes ? page.gone : []) : options.sparse || page.unordered ? keysOf(table, page) : targetRange(table, page, withDeletes);
  if (!range || range.keys) return range && { range };
  return { range, limit: Math.max(options.targetReadRows ?? TARGET_READ_ROWS, 2 * page.rows.length) };
}

/**
 * Which target rows a page must see. Without deletes only the page's own keys matter. With
 * deletes the ranges of consecutive pages tile the whole key space: the first reaches down to
 * the lowest key, the final one up past the highest, so no orphan escapes between pages.
 */
export function targetRange(table: TableSpec, page: Page, withDeletes: boolean): TargetRange | undefined {
  const first = page.rows[0];
  const last = page.rows[page.rows.length - 1];
  if (!withDeletes) {
    if (!first || !last) return undefined;
    return { after: null, from: keyOf(table, first), through: keyOf(table, last) };
  }
  return { after: page.after, from: null, through: page.final || !last ? null : keyOf(table, last) };
}

/** The page's own keys, and `also` (keys the source lost, to be found for deletes). */
function keysOf(table: TableSpec, page: Page, also: readonly Key[] = []): TargetRange | undefined {
  if (page.rows.length === 0 && also.length === 0) return undefined;
  return { after: null, from: null, through: null, keys: [...page.rows.map((row) => keyOf(table, row)), ...also] };
}

/**
 * Classifies a page's rows against the target rows of the same key range. Pure: the target
 * rows are passed in, so this is where the rules live and what the unit specs exercise.
 */
export function diffPage(table: TableSpec, page: Page, target: readonly Row[], options: { delete?: boolean; range?: TargetRange } = {}): ChangeSet {
  const range = options.range ?? (options.delete ? targetRange(table, page, true) : undefined);
  const compared = compareRows(table, page.rows, target, Boolean(options.delete), range);
  return changeSet(table, page, compared);
}

/** What compareRows finds: the counts of rows compared, without `read`. */
interface Compared {
  upserts: Row[];
  deletes: Key[];
  counts: Counts;
}

/** The page's change set from what its rows were found to be. */
function changeSet(table: TableSpec, page: Page, compared: Compared): ChangeSet {
  // Rows picked by record version: the rest of the page's range kept its versions, so is unchanged.
  const covered = page.versions?.keys.length ?? page.rows.length;
  const counts = { ...compared.counts, read: covered, unchanged: compared.counts.unchanged + covered - page.rows.length };
  return { table: table.source, seq: page.seq, through: pageThrough(table, page), final: page.final, upserts: compared.upserts, deletes: compared.deletes, counts };
}

/** Key of the page's last source row (or version), null for an empty page. */
function pageThrough(table: TableSpec, page: Page): Key | null {
  const last = page.rows[page.rows.length - 1];
  return page.versions ? (page.versions.keys[page.versions.keys.length - 1] ?? null) : last ? keyOf(table, last) : null;
}

/** Source rows against the target rows of the same key range (`range`: what was read, for deletes). */
function compareRows(table: TableSpec, rows: readonly Row[], target: readonly Row[], withDeletes: boolean, range: TargetRange | undefined): Compared {
  const kinds = keyKinds(table);
  // JSON keeps composite keys apart whatever characters their text parts contain.
  const keyString = (key: Key) => (key.length === 1 ? canonicalString(kinds[0]!, key[0]!) : JSON.stringify(key.map((v, i) => canonicalString(kinds[i]!, v))));
  const existing = new Map<string, Row>();
  for (const row of target) existing.set(keyString(keyOf(table, row)), row);

  const keySet = new Set(table.key);
  const compared = table.columns.map((c, i) => ({ kind: c.kind, i })).filter(({ i }) => !keySet.has(i));
  // With `softDelete`, a target row's last value says whether it is marked deleted (non-null).
  const soft = table.softDelete === undefined ? -1 : table.columns.length;
  const counts = zeroCounts();
  const upserts: Row[] = [];
  for (const row of rows) {
    // Nothing left in the target to match (an empty table, rows appended past its end): the
    // rest are inserts, and their keys need not be spelled out.
    const k = existing.size > 0 ? keyString(keyOf(table, row)) : undefined;
    const old = k === undefined ? undefined : existing.get(k);
    if (k === undefined || !old) {
      counts.inserted++;
      upserts.push(row);
      continue;
    }
    existing.delete(k);
    // A row marked deleted that the source has again is written, which clears the mark.
    let same = soft < 0 || old[soft] == null;
    if (same) for (const { kind, i } of compared) {
      if (!sameValue(kind, row[i]!, old[i]!)) {
        same = false;
        break;
      }
    }
    if (same) counts.unchanged++;
    else {
      counts.updated++;
      upserts.push(row);
    }
  }

  const deletes: Key[] = [];
  if (withDeletes) {
    for (const row of existing.values()) {
      const key = keyOf(table, row);
      assertInRange(table, kinds, key, range);
      // Marked deleted by an earlier run: nothing to do, nothing to count.
      if (soft >= 0 && row[soft] != null) continue;
      deletes.push(key);
    }
    counts.deleted = deletes.length;
  }
  return { upserts, deletes, counts };
}

/**
 * A target row outside the range it was fetched for means MySQL orders the key differently
 * from Firebird (typically a case-insensitive collation on a text key). Deleting on that basis
 * could delete rows the source has, so the sync stops instead.
 */
function assertInRange(table: TableSpec, kinds: ReturnType<typeof keyKinds>, key: Key, range: TargetRange | undefined): void {
  if (!range) return;
  const below = (range.after && compareKeys(kinds, key, range.after) <= 0) || (range.from && compareKeys(kinds, key, range.from) < 0);
  const above = range.through && compareKeys(kinds, key, range.through) > 0;
  if (below || above) {
    const cols = table.key.map((i) => table.columns[i]!.target).join(', ');
    throw new FbsyncError('KEY_ORDER', `MySQL table ${table.target} orders its key (${cols}) differently from Firebird: ${describeKey(table, key)} came back outside the range asked for`, {
      hint: 'give the key columns a binary collation (e.g. utf8mb4_bin), or sync without `delete`',
      options: ['delete'],
    });
  }
}

/**
 * The diff as a pipeline stage: an async generator from a Page to its ChangeSet — one, unless
 * the page's target range holds more rows than one read (see ChangeSet.more).
 */
export function diffStage(options: DiffOptions): (page: Page) => AsyncGenerator<ChangeSet> {
  const { table, readTarget } = options;
  const withDeletes = Boolean(options.delete);
  if (withDeletes && options.sparse) throw new FbsyncError('OPTION', '`sparse` cannot go with `delete`: a diff of scattered keys cannot find deleted rows', { options: ['sparse', 'delete'] });
  return async function* (page: Page) {
    const read = firstRead(options, page);
    const started = read && options.startedRead?.(page);
    const readFirst = () => started ?? readTarget(read!.range, read!.limit);
    if (!read || read.limit === undefined) {
      const changes = diffPage(table, page, read ? await readFirst() : [], { delete: withDeletes, range: read?.range });
      debug('%s: %o', table.source, changes.counts);
      yield changes;
      return;
    }
    const { range, limit } = read;
    // Keys are small: deletes go on in as large sets as ever, however few rows a read holds.
    const flushDeletes = Math.max(TARGET_READ_ROWS, limit);
    const kinds = keyKinds(table);
    const found: Compared = { upserts: [], deletes: [], counts: zeroCounts() };
    // The target range in slices of `limit` rows, each compared with the page's rows up to its
    // last key: a slice holds every target row of its key span, since slices follow the key.
    let slice: TargetRange = range;
    let next = 0;
    for (let reads = 0; ; reads++) {
      const target = reads === 0 ? await readFirst() : await readTarget(slice, limit);
      const end = target.length < limit ? null : keyOf(table, target[target.length - 1]!);
      const first = next;
      while (next < page.rows.length && (!end || compareKeys(kinds, keyOf(table, page.rows[next]!), end) <= 0)) next++;
      const part = compareRows(table, page.rows.slice(first, next), target, withDeletes, { ...slice, through: end ?? range.through });
      // Loops, not push(...): a spread of a large page's rows can exceed the engine's argument limit.
      for (const row of part.upserts) found.upserts.push(row);
      for (const key of part.deletes) found.deletes.push(key);
      addCounts(found.counts, part.counts);
      if (!end) break;
      if (found.deletes.length >= flushDeletes) {
        debug('%s: page %d: %d deletes so far, more target rows to read', table.source, page.seq, found.deletes.length);
        yield { table: table.source, seq: page.seq, through: pageThrough(table, page), final: false, more: true, upserts: [], deletes: found.deletes, counts: { ...zeroCounts(), deleted: found.deletes.length } };
        found.deletes = [];
        found.counts.deleted = 0;
      }
      slice = { after: end, from: null, through: range.through };
    }
    const changes = changeSet(table, page, found);
    debug('%s: %o', table.source, changes.counts);
    yield changes;
  };
}
