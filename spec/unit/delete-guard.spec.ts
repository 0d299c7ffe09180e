import { expect } from 'chai';
import { FbsyncError } from '../../lib/core/errors.js';
import { zeroCounts, type ChangeSet } from '../../lib/core/change-set.js';
import type { Key } from '../../lib/core/table.js';
import { checkMaxDelete, deleteGuardStage, deleteGuardWhenCounted, deleteLimit, refuseByCounts, type DeleteGuard, type GuardedTable } from '../../lib/stages/delete-guard.js';
import { statementsFor } from '../../lib/mysql/dialect.js';
import { diffPage } from '../../lib/stages/diff.js';
import type { TableSpec } from '../../lib/core/table.js';

const ITEMS: GuardedTable = { source: 'ITEMS', target: 'db.ITEMS', targetRows: 1000 };

function changes(deletes: number, seq = 0): ChangeSet {
  const keys: Key[] = Array.from({ length: deletes }, (_, i) => [i]);
  return { table: 'ITEMS', seq, through: null, final: false, upserts: [], deletes: keys, counts: { ...zeroCounts(), deleted: deletes } };
}

describe('the guard on deletes', () => {
  describe('maxDelete values', () => {
    it('takes a whole count ≥ 0 and a percentage from 0% to 100%', () => {
      for (const ok of [undefined, 0, 500, '0%', '10%', '12.5%', '100%']) expect(() => checkMaxDelete(ok), String(ok)).not.to.throw();
    });

    it('refuses anything else as an OPTION error naming maxDelete', () => {
      for (const bad of [-1, 1.5, Number.NaN, '101%', '%', '10', 'ten', '-5%', null]) {
        expect(() => checkMaxDelete(bad), String(bad)).to.throw(FbsyncError, '`maxDelete` must be');
      }
    });
  });

  describe('deleteLimit', () => {
    it('is half of the target’s rows by default, rounded down, and says so', () => {
      expect(deleteLimit(undefined, 1001)).to.deep.equal({ rows: 500, text: '50% of 1,001 rows = 500 by default', explicit: false });
    });

    it('is a count as given, whatever the target holds', () => {
      expect(deleteLimit(7, 1_000_000)).to.deep.equal({ rows: 7, text: '7', explicit: true });
    });

    it('is a share of the target’s rows, rounded down', () => {
      expect(deleteLimit('10%', 1234)).to.include({ rows: 123, text: '10% of 1,234 rows = 123', explicit: true });
      expect(deleteLimit('100%', 5).rows).to.equal(5);
      expect(deleteLimit('0%', 5).rows).to.equal(0);
    });
  });

  describe('refuseByCounts', () => {
    it('refuses an empty source over a non-empty target in words of its own', () => {
      const err = refuseByCounts(ITEMS, 0, deleteLimit(undefined, 1000));
      expect(err?.code).to.equal('DELETE_GUARD');
      expect(err?.message).to.contain('Firebird table ITEMS has no rows while MySQL table db.ITEMS has 1,000');
    });

    it('refuses when the target has more rows over the source than the limit', () => {
      const err = refuseByCounts(ITEMS, 400, deleteLimit(undefined, 1000));
      expect(err?.message).to.contain('would delete at least 600 of the 1,000 rows').and.contain('(50% of 1,000 rows = 500 by default)');
      expect(err?.options).to.deep.equal(['maxDelete', 'from']);
    });

    it('lets through what the counts cannot tell', () => {
      expect(refuseByCounts(ITEMS, 500, deleteLimit(undefined, 1000))).to.equal(undefined);
      expect(refuseByCounts(ITEMS, 5000, deleteLimit(0, 1000))).to.equal(undefined);
      expect(refuseByCounts(ITEMS, 0, deleteLimit('100%', 1000))).to.equal(undefined);
    });
  });

  describe('deleteGuardStage', () => {
    it('passes change sets on while their deletes add up to the limit', () => {
      const guard = deleteGuardStage(ITEMS, deleteLimit(10, 1000));
      const sets = [changes(4), changes(0, 1), changes(6, 2)];
      for (const set of sets) expect(guard(set)).to.equal(set);
    });

    it('throws at the change set that would pass it, saying how many were passed on before', () => {
      const guard = deleteGuardStage(ITEMS, deleteLimit(10, 1000));
      guard(changes(8));
      expect(() => guard(changes(3, 1))).to.throw(FbsyncError, 'more than 10 of the 1,000 rows of MySQL table db.ITEMS (11 found so far)').with.property('code', 'DELETE_GUARD');
    });

    it('says nothing was deleted when the first deletes found pass it', () => {
      const guard = deleteGuardStage(ITEMS, deleteLimit(0, 1000));
      expect(() => guard(changes(1))).to.throw(FbsyncError, 'nothing was deleted');
    });
  });
});

describe('softDelete in the diff and the statements', () => {
  const table: TableSpec = {
    source: 'ITEMS',
    target: 'items',
    columns: [
      { source: 'ID', target: 'id', kind: 'integer', sourceType: 'INTEGER', nullable: false, firebird: { select: '"ID"', padded: false, blob: false } },
      { source: 'NAME', target: 'name', kind: 'text', sourceType: 'VARCHAR(20)', nullable: true, firebird: { select: '"NAME"', padded: false, blob: false } },
    ],
    key: [0],
    softDelete: 'deleted_at',
  };
  const page = { table: 'ITEMS', seq: 0, columns: [], rows: [[1, 'a'], [2, 'b']], after: null, final: true };

  it('deletes a target row the source lacks only if it is not marked yet', () => {
    const found = diffPage(table, page, [[1, 'a', null], [2, 'b', null], [3, 'c', null], [4, 'd', '2025-01-01 00:00:00']], { delete: true });
    expect(found.deletes).to.deep.equal([[3]]);
    expect(found.counts).to.include({ unchanged: 2, deleted: 1 });
  });

  it('writes a marked row the source has again, with unchanged values too', () => {
    const found = diffPage(table, page, [[1, 'a', '2025-01-01 00:00:00'], [2, 'b', null]], { delete: true });
    expect(found.upserts).to.deep.equal([[1, 'a']]);
    expect(found.counts).to.include({ updated: 1, unchanged: 1 });
  });

  it('marks instead of deleting, and clears the mark on every upsert', () => {
    const sql = statementsFor(table, { flavor: 'mariadb', version: '10.11.6' });
    expect(sql.delete).to.equal('UPDATE `items` SET `deleted_at` = ? WHERE `id` IN (?) AND `deleted_at` IS NULL');
    expect(sql.upsert).to.match(/ON DUPLICATE KEY UPDATE `name` = VALUES\(`name`\), `deleted_at` = NULL$/);
  });
});

describe('deleteGuardWhenCounted', () => {
  it('holds the first change set until the counts are in, then checks every one at once', async () => {
    let release!: (guard: DeleteGuard | undefined) => void;
    const stage = deleteGuardWhenCounted(new Promise((resolve) => (release = resolve)));
    let passed = false;
    const first = Promise.resolve(stage(changes(1))).then(() => (passed = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(passed).to.equal(false);
    release({ table: { source: 'T', target: 'db.T', targetRows: 10 }, limit: { rows: 2, text: '2', explicit: true } });
    await first;
    expect(() => stage(changes(2))).to.throw(FbsyncError).with.property('code', 'DELETE_GUARD');
  });

  it('lets change sets with nothing to write go on while the counts run', () => {
    const stage = deleteGuardWhenCounted(new Promise(() => undefined));
    const nothing = changes(0);
    expect(stage(nothing)).to.equal(nothing);
  });

  it('lets the first change set meet a refusal by counts, so nothing is batched', async () => {
    const refusal = new FbsyncError('DELETE_GUARD', 'refused by counts');
    const stage = deleteGuardWhenCounted(Promise.reject(refusal));
    await Promise.resolve(stage(changes(1))).then(
      () => expect.fail('the change set went on'),
      (err: unknown) => expect(err).to.equal(refusal),
    );
  });
});
