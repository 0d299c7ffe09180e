import { FbsyncError, describeCause } from '../core/errors.js';
import { describeKey, type Key, type TableSpec } from '../core/table.js';
import { isTransientMysqlError } from './errors.js';

/**
 * A batch the sink could not write, as the run reports it: what and which keys, the MySQL table,
 * and whether the server kept failing with an error that usually passes (every attempt used) or
 * refused it outright. Either way the batch was rolled back and the batches before it stay.
 */
export function batchError(kind: 'upsert' | 'delete', keys: readonly Key[], err: unknown, at: { table: TableSpec; database: string; attempts: number }): FbsyncError {
  const what = `${kind === 'upsert' ? 'writing' : 'deleting'} ${keys.length} ${keys.length === 1 ? 'row' : 'rows'}`;
  const range = `${describeKey(at.table, keys[0]!)} … ${describeKey(at.table, keys[keys.length - 1]!)}`;
  const where = `MySQL table ${at.database}.${at.table.target}`;
  if (isTransientMysqlError(err)) {
    // withRetry only gives up on a transient error once every attempt has failed.
    return new FbsyncError('TARGET_WRITE', `${what} (${range}) to ${where} failed ${at.attempts} times: ${describeCause(err)}`, {
      hint: 'the server kept failing with an error that usually passes (lost connection, deadlock, lock wait timeout); that batch was rolled back and batches committed before it stay; check the server and run again, or allow more attempts with `retry.attempts`',
      options: ['retry.attempts'],
      cause: err,
    });
  }
  return new FbsyncError('TARGET_WRITE', `${what} (${range}) to ${where} failed: ${describeCause(err)}`, {
    hint: 'that batch was rolled back; batches committed before it stay',
    cause: err,
  });
}
