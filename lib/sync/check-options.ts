import { FbsyncError } from '../core/errors.js';
import { DEFAULT_MAX_ERRORS } from '../mysql/sink.js';
import { DEFAULT_SINCE_OVERLAP_SECONDS } from '../state/watermark.js';
import { retryOptions } from '../util/retry.js';
import { checkMaxDelete } from '../stages/delete-guard.js';
import type { SyncOptions } from './options.js';
import { checkRoundToTarget } from './round-to-target.js';
import { checkKeys } from './listed-keys.js';

/** Refuses bad numbers before connecting to anything. */
export function checkOptions(options: SyncOptions): void {
  const maxErrors = options.maxErrors ?? DEFAULT_MAX_ERRORS;
  if (!Number.isInteger(maxErrors) || maxErrors < 0) {
    throw new FbsyncError('OPTION', `\`maxErrors\` must be an integer ≥ 0, not ${maxErrors}`, { options: ['maxErrors'], value: maxErrors });
  }
  const overlap = options.sinceOverlapSeconds ?? DEFAULT_SINCE_OVERLAP_SECONDS;
  if (!Number.isInteger(overlap) || overlap < 0) {
    throw new FbsyncError('OPTION', `\`sinceOverlapSeconds\` must be a whole number of seconds ≥ 0, not ${overlap}`, { options: ['sinceOverlapSeconds'], value: overlap });
  }
  if (options.sinceColumn !== undefined && options.rowVersions) {
    throw new FbsyncError('OPTION', '`sinceColumn` and `rowVersions` are two ways of finding changed rows; use one', {
      hint: '`rowVersions` also sees deleted rows; `sinceColumn` needs no notes in the target',
      options: ['sinceColumn', 'rowVersions'],
    });
  }
  if (options.sinceColumn !== undefined && options.delete) {
    throw new FbsyncError('OPTION', '`sinceColumn` reads only rows changed since the last run, so it cannot see deleted rows and does not go with `delete`', {
      hint: 'run without `sinceColumn` when rows must be deleted (e.g. a weekly full sync with `delete`)',
      options: ['sinceColumn', 'delete'],
    });
  }
  checkKeys(options);
  checkMaxDelete(options.maxDelete);
  checkRoundToTarget(options.roundToTarget);
  if (options.wait !== undefined && !(typeof options.wait === 'number' && Number.isFinite(options.wait) && options.wait >= 0)) {
    throw new FbsyncError('OPTION', `\`wait\` must be a number of seconds ≥ 0, not ${options.wait}`, { options: ['wait'], value: options.wait });
  }
  if (options.softDelete !== undefined && !options.delete) {
    throw new FbsyncError('OPTION', '`softDelete` says how to delete rows the source no longer has, and goes with `delete`', {
      hint: 'add `delete`, or leave `softDelete` out',
      options: ['softDelete', 'delete'],
      value: options.softDelete,
    });
  }
  if (options.softDelete !== undefined && (typeof options.softDelete !== 'string' || options.softDelete.trim() === '')) {
    throw new FbsyncError('OPTION', '`softDelete` must name a DATETIME column of the target', { options: ['softDelete'], value: options.softDelete });
  }
  try {
    retryOptions(options.retry);
  } catch (err) {
    throw new FbsyncError('OPTION', (err as Error).message, { options: ['retry'] });
  }
}
