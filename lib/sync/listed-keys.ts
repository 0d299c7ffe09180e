import type { ChangeSet } from '../core/change-set.js';
import { FbsyncError } from '../core/errors.js';
import type { Page } from '../core/page.js';
import type { SyncOptions } from './options.js';
import type { ListedKeysReport } from './sync-report.js';

/*
 * A sync of listed keys (SyncOptions.keys), as `verify` with `repair` runs it: only the rows of
 * those keys are read from Firebird, compared with the same target rows, and what differs is
 * written. What a run keeps between runs does not go with a partial read, and is refused here.
 */

/** Refuses, before connecting, the options a run of listed keys cannot honour. */
export function checkKeys(options: SyncOptions): void {
  if (options.keys === undefined) return;
  const refuse = (option: keyof SyncOptions, why: string, hint: string) => {
    if (options[option] !== undefined && options[option] !== false) throw new FbsyncError('OPTION', `\`keys\` cannot go with \`${option}\`: ${why}`, { hint, options: ['keys', option] });
  };
  refuse('resume', 'a run of listed keys keeps no checkpoint (its keys follow no key order a checkpoint could mark), so there is nothing to resume from', 'run the same keys again: rows already written are found equal and left alone');
  refuse('sinceColumn', 'the rows are chosen by the keys, not by a watermark, and a partial read cannot move the watermark', 'leave `sinceColumn` out: the listed rows are read whatever their stamps');
  refuse(
    'rowVersions',
    "the notes of versions describe the whole table and a read of some keys cannot renew them; the notes are left as they are, which stays safe: a listed row written is the source's row, so its note is either still right or stale, and a stale note only makes the next `rowVersions` run read that row again",
    'leave `rowVersions` out of the run of listed keys; the next `rowVersions` run uses the notes as before',
  );
}

/**
 * Counts what a run of listed keys sees. The diff of listed keys always looks up the target rows
 * of keys the source lacks (Page.gone); `changes` lets their deletes through only with `delete`
 * (then under the delete guard, which comes after it), and otherwise counts them as `extra`.
 */
export class ListedKeys {
  readonly #delete: boolean;
  #listed = 0;
  #extra = 0;

  constructor(options: Pick<SyncOptions, 'delete'>) {
    this.#delete = Boolean(options.delete);
  }

  /** A page stage, before the diff: counts the keys of the page. */
  readonly pages = (page: Page): Page => {
    this.#listed += page.rows.length + (page.gone?.length ?? 0);
    return page;
  };

  /** A change-set stage, right after the diff: without `delete`, deletes become `extra`. */
  readonly changes = (changes: ChangeSet): ChangeSet => {
    if (this.#delete || changes.deletes.length === 0) return changes;
    this.#extra += changes.deletes.length;
    return { ...changes, deletes: [], counts: { ...changes.counts, deleted: 0 } };
  };

  report(): ListedKeysReport {
    return { listed: this.#listed, extra: this.#extra };
  }
}
