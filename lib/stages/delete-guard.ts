import { FbsyncError } from '../core/errors.js';
import type { ChangeSet } from '../core/change-set.js';

/*
 * The guard on deletes (`maxDelete`): a run with `delete` may not delete more than a limit of a
 * table's target rows. Pure rules here; lib/sync/streams.ts counts the rows and wires the stage.
 * See docs/deletes.md for what is guaranteed.
 */

/** A limit on deletes: a number of rows, or a percentage of the target's rows (`'10%'`). */
export type MaxDelete = number | `${number}%`;

/**
 * Without `maxDelete`, a run may delete at most half of a non-empty target's rows. A nightly
 * sync deletes a few rows (cancelled orders, merged customers); half the table gone in one
 * night is a wrong source database, a table emptied or truncated by mistake, or a source
 * reading through a filter — and a target restored from backup costs far more than a run
 * refused once and re-run with `maxDelete: '100%'`.
 */
export const DEFAULT_MAX_DELETE: MaxDelete = '50%';

/** The most rows a table's run may delete, and how to say it. */
export interface DeleteLimit {
  rows: number;
  /** `500`, `10% of 2,000 rows = 200`; with `by default` when no `maxDelete` was given. */
  text: string;
  /** The limit came from `maxDelete`, not the default. */
  explicit: boolean;
}

/** What the guard is about: one table, and the rows on both sides when the run began. */
export interface GuardedTable {
  /** Firebird table name. */
  source: string;
  /** MySQL table, as `database.table`. */
  target: string;
  /** Rows in the target (with `softDelete`: those not marked deleted). */
  targetRows: number;
}

const PERCENT = /^(\d+(?:\.\d+)?)%$/;

/** Refuses a `maxDelete` that is neither a whole count ≥ 0 nor a percentage from 0% to 100%. */
export function checkMaxDelete(value: unknown): asserts value is MaxDelete | undefined {
  if (value === undefined) return;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return;
  const percent = typeof value === 'string' ? PERCENT.exec(value.trim()) : null;
  if (percent && Number(percent[1]) <= 100) return;
  throw new FbsyncError('OPTION', `\`maxDelete\` must be a whole number of rows ≥ 0 (500) or a percentage of the target's rows from 0% to 100% ('10%'), not ${JSON.stringify(value)}`, {
    options: ['maxDelete'],
    value,
  });
}

/** The limit for a target of `targetRows` rows: `maxDelete`, else DEFAULT_MAX_DELETE. A share rounds down. */
export function deleteLimit(maxDelete: MaxDelete | undefined, targetRows: number): DeleteLimit {
  const limit = maxDelete ?? DEFAULT_MAX_DELETE;
  const explicit = maxDelete !== undefined;
  const suffix = explicit ? '' : ' by default';
  if (typeof limit === 'number') return { rows: limit, text: `${count(limit)}${suffix}`, explicit };
  const share = Number(PERCENT.exec(limit.trim())![1]);
  const rows = Math.floor((targetRows * share) / 100);
  return { rows, text: `${share}% of ${count(targetRows)} ${targetRows === 1 ? 'row' : 'rows'} = ${count(rows)}${suffix}`, explicit };
}

/**
 * The refusal the row counts alone justify, before anything is written: the source has no rows
 * while the target has some (unless `maxDelete` explicitly allows that many), or the target has
 * more rows over the source's than the limit allows — the run would delete at least that many.
 */
export function refuseByCounts(table: GuardedTable, sourceRows: number, limit: DeleteLimit): FbsyncError | undefined {
  const atLeast = table.targetRows - sourceRows;
  if (atLeast <= limit.rows) return undefined;
  if (sourceRows === 0) {
    return new FbsyncError('DELETE_GUARD', `Firebird table ${table.source} has no rows while MySQL table ${table.target} has ${count(table.targetRows)}: deleting them all passes \`maxDelete\` (${limit.text}), so nothing was written to ${table.target}`, {
      hint: "check that `from` is the right database and that the table was not emptied by mistake; if it was emptied on purpose, allow it with `maxDelete` ('100%')",
      options: ['maxDelete', 'from'],
    });
  }
  return new FbsyncError(
    'DELETE_GUARD',
    `syncing Firebird table ${table.source} (${count(sourceRows)} rows) would delete at least ${count(atLeast)} of the ${count(table.targetRows)} rows of MySQL table ${table.target}, more than \`maxDelete\` allows (${limit.text}), so nothing was written to ${table.target}`,
    { hint: "if those deletes are right, allow them with a higher `maxDelete` (a count, or a share such as '100%'); otherwise check that `from` is the right database", options: ['maxDelete', 'from'] },
  );
}

/**
 * The running guard, a stage between the diff and the batcher: counts the deletes the diff finds
 * and fails the run at the first change set that would take them past the limit, before that
 * change set is batched. Deletes of earlier change sets (all within the limit) may have been
 * written; none past the limit ever are.
 */
export function deleteGuardStage(table: GuardedTable, limit: DeleteLimit): (changes: ChangeSet) => ChangeSet {
  let found = 0;
  return (changes: ChangeSet) => {
    const before = found;
    found += changes.deletes.length;
    if (found > limit.rows) {
      const done = before === 0 ? 'nothing was deleted' : `the ${count(before)} ${before === 1 ? 'row' : 'rows'} found before ${before === 1 ? 'was' : 'were'} deleted (or ${before === 1 ? 'is' : 'are'} being), none past the limit`;
      throw new FbsyncError(
        'DELETE_GUARD',
        `syncing Firebird table ${table.source} would delete more than ${count(limit.rows)} of the ${count(table.targetRows)} rows of MySQL table ${table.target} (${count(found)} found so far), more than \`maxDelete\` allows (${limit.text}): the table stopped there, and ${done}`,
        { hint: "if those deletes are right, allow them with a higher `maxDelete` (a count, or a share such as '100%'); otherwise check that `from` is the right database", options: ['maxDelete', 'from'] },
      );
    }
    return changes;
  };
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** A guarded table and its limit, once the rows were counted. */
export interface DeleteGuard {
  table: GuardedTable;
  limit: DeleteLimit;
}

/**
 * deleteGuardStage once the counts are in: `verdict` is the guard (undefined: no limit can be
 * passed), or a refusal by counts. The counts run beside the run's first pages; the first change
 * set with anything to write waits for them (those with nothing to write, as in a re-sync that
 * finds nothing changed, go on), and every one after is checked at once. Since nothing to write
 * reaches the batcher before the verdict, a refusal by counts still comes before any write.
 */
export function deleteGuardWhenCounted(verdict: Promise<DeleteGuard | undefined>): (changes: ChangeSet) => ChangeSet | Promise<ChangeSet> {
  let check: ((changes: ChangeSet) => ChangeSet) | undefined;
  return (changes) => {
    if (check) return check(changes);
    if (changes.upserts.length === 0 && changes.deletes.length === 0) return changes;
    return verdict.then((guard) => {
      check = guard ? deleteGuardStage(guard.table, guard.limit) : (c) => c;
      return check(changes);
    });
  };
}
