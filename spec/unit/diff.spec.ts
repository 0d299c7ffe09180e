import { expect } from 'chai';
import { FbsyncError } from '../../lib/core/errors.js';
import type { Page } from '../../lib/core/page.js';
import { diffPage, diffStage, targetRange, TARGET_READ_ROWS, type DiffOptions } from '../../lib/stages/diff.js';
import { addCounts, zeroCounts, type ChangeSet, type TargetRange } from '../../lib/core/change-set.js';
import type { Key, Row, TableSpec } from '../../lib/core/table.js';
import type { ValueKind } from '../../lib/core/values.js';

/** A TableSpec with the given columns (same name on both sides) and key column indexes. */
function tableSpec(columns: Array<[name: string, kind: ValueKind]>, key: number[] = [0], name = 'T'): TableSpec {
  return {
    source: name,
    target: name.toLowerCase(),
    columns: columns.map(([col, kind]) => ({
      source: col,
      target: col.toLowerCase(),
      kind,
      sourceType: kind.toUpperCase(),
      nullable: true,
      firebird: { select: `"${col}"`, padded: false, blob: false },
    })),
    key,
  };
}

function page(rows: Row[], after: Key | null = null, final = false, seq = 0): Page {
  return { table: 'T', seq, columns: [], rows, after, final };
}

/**
 * A page read by record version: `probed` are the keys of every source row in its range (with
 * made-up versions), `rows` only the ones read in full, `gone` the noted keys the source lost.
 */
function pickedPage(probed: number[], rows: Row[], gone: number[], after: Key | null = null, final = false): Page {
  return { ...page(rows, after, final), versions: { keys: probed.map((k) => [k]), versions: probed.map((k) => String(1000 + k)) }, gone: gone.map((k) => [k]) };
}

// ID INTEGER PRIMARY KEY, NAME VARCHAR, PRICE NUMERIC
const items = tableSpec([
  ['ID', 'integer'],
  ['NAME', 'text'],
  ['PRICE', 'decimal'],
]);

// (STORE, SKU) primary key, QTY
const stock = tableSpec(
  [
    ['STORE', 'integer'],
    ['SKU', 'text'],
    ['QTY', 'integer'],
  ],
  [0, 1],
  'STOCK',
);

describe('diff stage', () => {
  describe('counts', () => {
    it('zeroCounts is all zeros', () => {
      expect(zeroCounts()).to.deep.equal({ read: 0, inserted: 0, updated: 0, unchanged: 0, deleted: 0 });
    });

    it('addCounts adds field by field into its first argument', () => {
      const into = { read: 1, inserted: 2, updated: 3, unchanged: 4, deleted: 5 };
      const out = addCounts(into, { read: 10, inserted: 20, updated: 30, unchanged: 40, deleted: 50 });
      expect(out).to.equal(into);
      expect(into).to.deep.equal({ read: 11, inserted: 22, updated: 33, unchanged: 44, deleted: 55 });
    });
  });

  describe('diffPage', () => {
    it('inserts source rows the target lacks', () => {
      const rows: Row[] = [
        [1, 'apple', '1.50'],
        [2, 'pear', '2.00'],
      ];
      const changes = diffPage(items, page(rows, null, false, 7), []);
      expect(changes).to.deep.equal({
        table: 'T',
        seq: 7,
        through: [2],
        final: false,
        upserts: rows,
        deletes: [],
        counts: { read: 2, inserted: 2, updated: 0, unchanged: 0, deleted: 0 },
      });
    });

    it('updates rows whose non-key columns differ', () => {
      const changes = diffPage(items, page([[1, 'apple', '1.75']]), [[1, 'apple', '1.50']]);
      expect(changes.upserts).to.deep.equal([[1, 'apple', '1.75']]);
      expect(changes.counts).to.deep.equal({ read: 1, inserted: 0, updated: 1, unchanged: 0, deleted: 0 });
    });

    it('leaves rows alone that are the same value in every column', () => {
      // '1.50' and '1.5' are the same NUMERIC; the key 1 read back as '1' is the same INTEGER.
      const changes = diffPage(items, page([[1, 'apple', '1.50']]), [['1', 'apple', '1.5']]);
      expect(changes.upserts).to.deep.equal([]);
      expect(changes.counts).to.deep.equal({ read: 1, inserted: 0, updated: 0, unchanged: 1, deleted: 0 });
    });

    it('treats a NULL that became a value, and the reverse, as an update', () => {
      const changes = diffPage(items, page([[1, null, '1'], [2, 'b', '2']]), [[1, 'a', '1'], [2, null, '2']]);
      expect(changes.upserts).to.deep.equal([[1, null, '1'], [2, 'b', '2']]);
      expect(changes.counts.updated).to.equal(2);
    });

    it('classifies a mixed page and keeps upserts in source (key) order', () => {
      const source: Row[] = [
        [1, 'same', '1'],
        [2, 'new', '2'],
        [3, 'changed', '3.01'],
        [4, 'same too', '4.0'],
      ];
      const target: Row[] = [
        [1, 'same', '1.000'],
        [3, 'changed', '3'],
        [4, 'same too', '4'],
      ];
      const changes = diffPage(items, page(source), target);
      expect(changes.upserts).to.deep.equal([
        [2, 'new', '2'],
        [3, 'changed', '3.01'],
      ]);
      expect(changes.counts).to.deep.equal({ read: 4, inserted: 1, updated: 1, unchanged: 2, deleted: 0 });
    });

    it('does not delete without the delete option, even when the target has extra rows', () => {
      const changes = diffPage(items, page([[2, 'b', '2']]), [[1, 'a', '1'], [2, 'b', '2'], [3, 'c', '3']]);
      expect(changes.deletes).to.deep.equal([]);
      expect(changes.counts.deleted).to.equal(0);
    });

    it('names the source table in the ChangeSet', () => {
      expect(diffPage(stock, page([]), []).table).to.equal('STOCK');
    });

    describe('with delete', () => {
      it('deletes target keys between source keys of the page', () => {
        const source: Row[] = [
          [1, 'a', '1'],
          [3, 'c', '3'],
        ];
        const target: Row[] = [
          [1, 'a', '1'],
          [2, 'orphan', '2'],
          [3, 'c', '3'],
        ];
        const changes = diffPage(items, page(source), target, { delete: true });
        expect(changes.deletes).to.deep.equal([[2]]);
        expect(changes.counts).to.deep.equal({ read: 2, inserted: 0, updated: 0, unchanged: 2, deleted: 1 });
      });

      it('on the first page deletes target keys below the first source key', () => {
        const changes = diffPage(items, page([[5, 'e', '5']]), [[-3, 'x', '0'], [0, 'y', '0'], [5, 'e', '5']], { delete: true });
        expect(changes.deletes).to.deep.equal([[-3], [0]]);
      });

      it('on the final page deletes target keys above the last source key', () => {
        const changes = diffPage(items, page([[5, 'e', '5']], [4], true), [[5, 'e', '5'], [6, 'f', '6'], [100, 'z', '0']], { delete: true });
        expect(changes.deletes).to.deep.equal([[6], [100]]);
        expect(changes.counts.deleted).to.equal(2);
      });

      it('on a single final page deletes orphans below the first and above the last source key', () => {
        const source: Row[] = [
          [10, 'j', '10'],
          [20, 't', '20'],
        ];
        const target: Row[] = [
          [1, 'below', '1'],
          [10, 'j', '10'],
          [15, 'between', '15'],
          [20, 't', '20'],
          [30, 'above', '30'],
        ];
        const changes = diffPage(items, page(source, null, true), target, { delete: true });
        expect(changes.deletes).to.deep.equal([[1], [15], [30]]);
        expect(changes.counts).to.deep.equal({ read: 2, inserted: 0, updated: 0, unchanged: 2, deleted: 3 });
      });

      it('on an empty final page deletes every target row above `after`', () => {
        const changes = diffPage(items, page([], [10], true), [[11, 'a', '1'], [12, 'b', '2']], { delete: true });
        expect(changes.upserts).to.deep.equal([]);
        expect(changes.deletes).to.deep.equal([[11], [12]]);
        expect(changes.counts).to.deep.equal({ read: 0, inserted: 0, updated: 0, unchanged: 0, deleted: 2 });
      });

      it('on an empty source (empty first and final page) deletes everything', () => {
        const changes = diffPage(items, page([], null, true), [[1, 'a', '1'], [2, 'b', '2']], { delete: true });
        expect(changes.deletes).to.deep.equal([[1], [2]]);
      });

      it('inserts, updates and deletes in one page', () => {
        const changes = diffPage(
          items,
          page([[1, 'a', '1'], [2, 'b2', '2'], [4, 'd', '4']], null, true),
          [[2, 'b', '2'], [3, 'c', '3']],
          { delete: true },
        );
        expect(changes.upserts).to.deep.equal([[1, 'a', '1'], [2, 'b2', '2'], [4, 'd', '4']]);
        expect(changes.deletes).to.deep.equal([[3]]);
        expect(changes.counts).to.deep.equal({ read: 3, inserted: 2, updated: 1, unchanged: 0, deleted: 1 });
      });

      it('throws KEY_ORDER when a target row lies at or below `after`', () => {
        // The target returned key 10 for a page asked for keys > 10: its key order differs.
        const range: TargetRange = { after: [10], from: null, through: [20] };
        let error: unknown;
        try {
          diffPage(items, page([[15, 'o', '15'], [20, 't', '20']], [10]), [[10, 'x', '0'], [15, 'o', '15']], { delete: true, range });
        } catch (err) {
          error = err;
        }
        expect(error).to.be.instanceOf(FbsyncError);
        expect((error as FbsyncError).code).to.equal('KEY_ORDER');
        expect((error as FbsyncError).message).to.include('T(ID=10)');
        expect((error as FbsyncError).hint).to.match(/binary collation/);
      });

      it('throws KEY_ORDER when a target row lies above `through`', () => {
        const range: TargetRange = { after: null, from: null, through: [20] };
        expect(() => diffPage(items, page([[20, 't', '20']]), [[25, 'x', '0']], { delete: true, range }))
          .to.throw(FbsyncError)
          .with.property('code', 'KEY_ORDER');
      });

      it('throws KEY_ORDER when a target row lies below `from`', () => {
        const range: TargetRange = { after: null, from: [5], through: [9] };
        expect(() => diffPage(items, page([[5, 'a', '1'], [9, 'b', '2']]), [[4, 'x', '0']], { delete: true, range }))
          .to.throw(FbsyncError)
          .with.property('code', 'KEY_ORDER');
      });

      it('computes the range itself when none is given (text key misordered by a case-insensitive collation)', () => {
        const codes = tableSpec([['CODE', 'text'], ['V', 'integer']]);
        // A non-final page asked for 'B' < key <= 'Y'; a _ci collation also returned 'a', which sorts above 'Y' in code points.
        expect(() => diffPage(codes, page([['C', 1], ['Y', 2]], ['B']), [['C', 1], ['a', 0]], { delete: true }))
          .to.throw(FbsyncError)
          .with.property('code', 'KEY_ORDER');
      });
    });

    describe('a page picked by record version', () => {
      it('counts the rows not read in full as read and unchanged', () => {
        // Keys 1-6 probed; only 2 (changed) and 5 (new) were read in full.
        const changes = diffPage(items, pickedPage([1, 2, 3, 4, 5, 6], [[2, 'b2', '2'], [5, 'e', '5']], []), [[2, 'b', '2']]);
        expect(changes.upserts).to.deep.equal([[2, 'b2', '2'], [5, 'e', '5']]);
        expect(changes.counts).to.deep.equal({ read: 6, inserted: 1, updated: 1, unchanged: 4, deleted: 0 });
      });

      it('still counts a row read in full whose values did not change as unchanged', () => {
        // Written again in Firebird with the same values: a new version, nothing to do.
        const changes = diffPage(items, pickedPage([1, 2, 3], [[2, 'b', '2.0']], []), [[2, 'b', '2']]);
        expect(changes.upserts).to.deep.equal([]);
        expect(changes.counts).to.deep.equal({ read: 3, inserted: 0, updated: 0, unchanged: 3, deleted: 0 });
      });

      it('is all unchanged when no row was read in full', () => {
        const changes = diffPage(items, pickedPage([10, 20, 30], [], [], [5]), [], { delete: true });
        expect(changes).to.deep.include({ upserts: [], deletes: [], counts: { read: 3, inserted: 0, updated: 0, unchanged: 3, deleted: 0 } });
      });

      it('with delete deletes only the gone keys the target has', () => {
        // Gone: 3 (still in the target) and 7 (never copied, or deleted already): only 3 goes.
        const range: TargetRange = { after: null, from: null, through: null, keys: [[2], [3], [7]] };
        const changes = diffPage(items, pickedPage([1, 2, 4], [[2, 'b2', '2']], [3, 7]), [[2, 'b', '2'], [3, 'c', '3']], { delete: true, range });
        expect(changes.deletes).to.deep.equal([[3]]);
        expect(changes.upserts).to.deep.equal([[2, 'b2', '2']]);
        expect(changes.counts).to.deep.equal({ read: 3, inserted: 0, updated: 1, unchanged: 2, deleted: 1 });
      });

      it('without delete leaves gone keys alone', () => {
        const changes = diffPage(items, pickedPage([1, 2], [], [3]), [[3, 'c', '3']]);
        expect(changes.deletes).to.deep.equal([]);
        expect(changes.counts.deleted).to.equal(0);
      });

      it('ends at the last probed key, not at the last row read in full', () => {
        const changes = diffPage(items, pickedPage([1, 2, 3, 4], [[2, 'b', '2']], []), []);
        expect(changes.through).to.deep.equal([4]);
        expect(diffPage(items, pickedPage([7, 8], [], []), []).through, 'no row read in full').to.deep.equal([8]);
      });

      it('ends at null for an empty final page, and still deletes the keys gone past the last one', () => {
        const range: TargetRange = { after: null, from: null, through: null, keys: [[11], [12]] };
        const changes = diffPage(items, pickedPage([], [], [11, 12], [10], true), [[11, 'k', '1'], [12, 'l', '2']], { delete: true, range });
        expect(changes.through).to.equal(null);
        expect(changes.final).to.equal(true);
        expect(changes.deletes).to.deep.equal([[11], [12]]);
        expect(changes.counts).to.deep.equal({ read: 0, inserted: 0, updated: 0, unchanged: 0, deleted: 2 });
      });
    });

    describe('composite keys', () => {
      it('matches rows on every key column', () => {
        const source: Row[] = [
          [1, 'A-1', 5],
          [1, 'A-2', 7],
          [2, 'A-1', 9],
        ];
        const target: Row[] = [
          [1, 'A-1', 5],
          [1, 'A-2', 6],
        ];
        const changes = diffPage(stock, page(source), target);
        expect(changes.upserts).to.deep.equal([
          [1, 'A-2', 7],
          [2, 'A-1', 9],
        ]);
        expect(changes.counts).to.deep.equal({ read: 3, inserted: 1, updated: 1, unchanged: 1, deleted: 0 });
      });

      it('deletes composite keys the source lacks, as key arrays in key order', () => {
        const changes = diffPage(stock, page([[1, 'A-1', 5]], null, true), [[1, 'A-1', 5], [1, 'A-3', 1], [2, 'A-1', 2]], { delete: true });
        expect(changes.deletes).to.deep.equal([
          [1, 'A-3'],
          [2, 'A-1'],
        ]);
      });

      it('builds delete keys in key order even when the key columns are not first in the row', () => {
        // Columns (QTY, SKU, STORE) with primary key (STORE, SKU).
        const reordered = tableSpec([['QTY', 'integer'], ['SKU', 'text'], ['STORE', 'integer']], [2, 1]);
        const changes = diffPage(reordered, page([], null, true), [[3, 'X', 9]], { delete: true });
        expect(changes.deletes).to.deep.equal([[9, 'X']]);
      });

      it('throws KEY_ORDER for a composite key outside the range', () => {
        const range: TargetRange = { after: [1, 'B'], from: null, through: [2, 'A'] };
        expect(() => diffPage(stock, page([[1, 'C', 1], [2, 'A', 1]], [1, 'B']), [[1, 'A', 1]], { delete: true, range }))
          .to.throw(FbsyncError)
          .with.property('code', 'KEY_ORDER');
      });
      it('tells apart keys whose text contains the separator character', () => {
        const pair = tableSpec([['K1', 'text'], ['K2', 'text'], ['V', 'integer']], [0, 1]);
        const changes = diffPage(pair, page([['a\u0001b', 'c', 1]], null, true), [['a', 'b\u0001c', 1]], { delete: true });
        expect(changes.upserts).to.deep.equal([['a\u0001b', 'c', 1]]);
        expect(changes.deletes).to.deep.equal([['a', 'b\u0001c']]);
      });
    });
  });

  describe('targetRange', () => {
    const rows: Row[] = [
      [10, 'a', '1'],
      [20, 'b', '2'],
    ];

    describe('without deletes', () => {
      it('is exactly the keys of the page on the first page', () => {
        expect(targetRange(items, page(rows, null), false)).to.deep.equal({ after: null, from: [10], through: [20] });
      });

      it('is exactly the keys of the page on a middle page', () => {
        expect(targetRange(items, page(rows, [5]), false)).to.deep.equal({ after: null, from: [10], through: [20] });
      });

      it('is exactly the keys of the page on the final page', () => {
        expect(targetRange(items, page(rows, [5], true), false)).to.deep.equal({ after: null, from: [10], through: [20] });
      });

      it('is undefined for an empty page: there is nothing to read', () => {
        expect(targetRange(items, page([], [5], true), false)).to.equal(undefined);
      });
    });

    describe('with deletes', () => {
      it('reaches down to the lowest key on the first page', () => {
        expect(targetRange(items, page(rows, null), true)).to.deep.equal({ after: null, from: null, through: [20] });
      });

      it('starts right after the previous page on a middle page', () => {
        expect(targetRange(items, page(rows, [5]), true)).to.deep.equal({ after: [5], from: null, through: [20] });
      });

      it('is open above on the final page', () => {
        expect(targetRange(items, page(rows, [5], true), true)).to.deep.equal({ after: [5], from: null, through: null });
      });

      it('is everything above `after` on an empty final page', () => {
        expect(targetRange(items, page([], [20], true), true)).to.deep.equal({ after: [20], from: null, through: null });
      });

      it('is the whole table when the only page is empty', () => {
        expect(targetRange(items, page([], null, true), true)).to.deep.equal({ after: null, from: null, through: null });
      });
    });

    it('uses composite keys as bounds', () => {
      const source: Row[] = [
        [1, 'A', 1],
        [3, 'C', 1],
      ];
      expect(targetRange(stock, page(source, [0, 'Z']), false)).to.deep.equal({ after: null, from: [1, 'A'], through: [3, 'C'] });
      expect(targetRange(stock, page(source, [0, 'Z']), true)).to.deep.equal({ after: [0, 'Z'], from: null, through: [3, 'C'] });
    });
  });

  describe('diffStage', () => {
    /** Every change set the stage makes of one page. */
    async function changeSetsOf(stage: ReturnType<typeof diffStage>, p: Page): Promise<ChangeSet[]> {
      const out: ChangeSet[] = [];
      for await (const changes of stage(p)) out.push(changes);
      return out;
    }

    /** The stage, for pages it answers with exactly one change set. */
    function oneChangeSet(options: DiffOptions): (p: Page) => Promise<ChangeSet> {
      const stage = diffStage(options);
      return async (p: Page) => {
        const all = await changeSetsOf(stage, p);
        expect(all, 'change sets of the page').to.have.length(1);
        return all[0]!;
      };
    }

    function fakeReader(rows: Row[]) {
      const calls: TargetRange[] = [];
      const read = async (range: TargetRange) => {
        calls.push(range);
        return rows;
      };
      return { read, calls };
    }

    it('reads the page’s own key range from the target and diffs against it', async () => {
      const reader = fakeReader([[10, 'a', '1']]);
      const stage = oneChangeSet({ table: items, readTarget: reader.read });
      const changes = await stage(page([[10, 'a', '1'], [20, 'b', '2']], [5]));
      expect(reader.calls).to.deep.equal([{ after: null, from: [10], through: [20] }]);
      expect(changes.upserts).to.deep.equal([[20, 'b', '2']]);
      expect(changes.counts).to.deep.equal({ read: 2, inserted: 1, updated: 0, unchanged: 1, deleted: 0 });
    });

    it('with delete reads from `after` up to the last key on a middle page', async () => {
      const reader = fakeReader([[7, 'orphan', '0'], [10, 'a', '1']]);
      const stage = oneChangeSet({ table: items, readTarget: reader.read, delete: true });
      const changes = await stage(page([[10, 'a', '1'], [20, 'b', '2']], [5]));
      expect(reader.calls).to.deep.equal([{ after: [5], from: null, through: [20] }]);
      expect(changes.deletes).to.deep.equal([[7]]);
    });

    it('with delete reads everything above `after` on the final page', async () => {
      const reader = fakeReader([[30, 'z', '0']]);
      const stage = oneChangeSet({ table: items, readTarget: reader.read, delete: true });
      const changes = await stage(page([[20, 'b', '2']], [10], true));
      expect(reader.calls).to.deep.equal([{ after: [10], from: null, through: null }]);
      expect(changes.deletes).to.deep.equal([[30]]);
    });

    it('with delete still reads the target for an empty final page', async () => {
      const reader = fakeReader([[11, 'x', '0']]);
      const stage = oneChangeSet({ table: items, readTarget: reader.read, delete: true });
      const changes = await stage(page([], [10], true));
      expect(reader.calls).to.deep.equal([{ after: [10], from: null, through: null }]);
      expect(changes.deletes).to.deep.equal([[11]]);
    });

    it('never calls the reader for an empty page without delete', async () => {
      const reader = fakeReader([[1, 'never', '0']]);
      const stage = oneChangeSet({ table: items, readTarget: reader.read });
      const changes = await stage(page([], [10], true));
      expect(reader.calls).to.deep.equal([]);
      expect(changes).to.deep.equal({ table: 'T', seq: 0, through: null, final: true, upserts: [], deletes: [], counts: zeroCounts() });
    });

    it('passes composite key ranges to the reader', async () => {
      const reader = fakeReader([]);
      const stage = oneChangeSet({ table: stock, readTarget: reader.read, delete: true });
      await stage(page([[1, 'A', 1], [1, 'B', 2]], [0, 'Z']));
      expect(reader.calls).to.deep.equal([{ after: [0, 'Z'], from: null, through: [1, 'B'] }]);
    });

    it('rejects with KEY_ORDER when the reader returns a row outside the range', async () => {
      const stage = oneChangeSet({ table: items, readTarget: async () => [[99, 'x', '0']], delete: true });
      let error: unknown;
      await stage(page([[10, 'a', '1']], [5])).catch((err) => (error = err));
      expect(error).to.be.instanceOf(FbsyncError);
      expect((error as FbsyncError).code).to.equal('KEY_ORDER');
    });

    it('reads the target rows of an unordered page (keys not in code point order) by its keys, not their range', async () => {
      const reader = fakeReader([[3, 'c', '3'], [10, 'j', '10']]);
      const stage = oneChangeSet({ table: items, readTarget: reader.read });
      const unordered: Page = { ...page([[10, 'J', '10'], [3, 'c', '3'], [7, 'g', '7']]), unordered: true };
      const changes = await stage(unordered);
      expect(reader.calls).to.deep.equal([{ after: null, from: null, through: null, keys: [[10], [3], [7]] }]);
      expect(changes.counts).to.deep.equal({ read: 3, inserted: 1, updated: 1, unchanged: 1, deleted: 0 });
    });

    describe('with a page picked by record version', () => {
      it('reads the target by the keys read in full, not by their range', async () => {
        const reader = fakeReader([[2, 'b', '2']]);
        const stage = oneChangeSet({ table: items, readTarget: reader.read });
        const changes = await stage(pickedPage([1, 2, 3, 4, 5], [[2, 'b2', '2'], [5, 'e', '5']], [4]));
        expect(reader.calls).to.deep.equal([{ after: null, from: null, through: null, keys: [[2], [5]] }]);
        expect(changes.counts).to.deep.equal({ read: 5, inserted: 1, updated: 1, unchanged: 3, deleted: 0 });
      });

      it('with delete also asks for the gone keys, and deletes those the target returns', async () => {
        const reader = fakeReader([[2, 'b', '2'], [4, 'd', '4']]);
        const stage = oneChangeSet({ table: items, readTarget: reader.read, delete: true });
        const changes = await stage(pickedPage([1, 2, 3], [[2, 'b2', '2']], [4, 6], [0]));
        expect(reader.calls).to.deep.equal([{ after: null, from: null, through: null, keys: [[2], [4], [6]] }]);
        expect(changes.deletes).to.deep.equal([[4]]);
        expect(changes.through).to.deep.equal([3]);
        expect(changes.counts).to.deep.equal({ read: 3, inserted: 0, updated: 1, unchanged: 2, deleted: 1 });
      });

      it('never calls the reader when no row was read in full and no key is gone', async () => {
        const reader = fakeReader([[1, 'never', '0']]);
        const stage = oneChangeSet({ table: items, readTarget: reader.read, delete: true });
        const changes = await stage(pickedPage([1, 2, 3], [], [], null, true));
        expect(reader.calls).to.deep.equal([]);
        expect(changes.counts).to.deep.equal({ read: 3, inserted: 0, updated: 0, unchanged: 3, deleted: 0 });
      });

      it('without delete does not ask for gone keys', async () => {
        const reader = fakeReader([]);
        const stage = oneChangeSet({ table: items, readTarget: reader.read });
        await stage(pickedPage([1, 2], [], [3], null, true));
        expect(reader.calls).to.deep.equal([]);
      });
    });

    describe('with a key range holding more target rows than one read', () => {
      /** A target of the given keys (NAME 't<key>', PRICE '1'), read as MySQL would: in key order, up to a limit. */
      function bigTarget(keys: number[]) {
        const rows: Row[] = keys.map((k) => [k, `t${k}`, '1']);
        const calls: Array<{ range: TargetRange; limit: number | undefined; returned: number }> = [];
        const read = async (range: TargetRange, limit?: number) => {
          const after = range.after?.[0] as number | undefined;
          const from = range.from?.[0] as number | undefined;
          const through = range.through?.[0] as number | undefined;
          const inRange = rows.filter(([k]) => (after === undefined || (k as number) > after) && (from === undefined || (k as number) >= from) && (through === undefined || (k as number) <= through));
          const out = limit === undefined ? inRange : inRange.slice(0, limit);
          calls.push({ range, limit, returned: out.length });
          return out;
        };
        return { read, calls };
      }

      const keys = (n: number, from = 1) => Array.from({ length: n }, (_, i) => from + i);

      it('reads it in slices of TARGET_READ_ROWS, each after the last key read', async () => {
        const reader = bigTarget(keys(25_000));
        await changeSetsOf(diffStage({ table: items, readTarget: reader.read, delete: true }), page([], [0], true));
        expect(reader.calls.map((c) => [c.range.after, c.limit, c.returned])).to.deep.equal([
          [[0], TARGET_READ_ROWS, 10_000],
          [[10_000], TARGET_READ_ROWS, 10_000],
          [[20_000], TARGET_READ_ROWS, 5_000],
        ]);
      });

      it('reads it in slices as small as targetReadRows says (tables with BLOBs), sending deletes on in sets as large as ever', async () => {
        const reader = bigTarget(keys(25_000));
        const sets = await changeSetsOf(diffStage({ table: items, readTarget: reader.read, delete: true, targetReadRows: 64 }), page([[3, 't3', '1']], [0], true));
        expect(reader.calls.every((c) => c.limit === 64)).to.equal(true);
        expect(reader.calls).to.have.length(Math.ceil(25_000 / 64));
        expect(sets.map((c) => c.deletes.length)).to.deep.equal([10_047, 10_048, 4_904]);
        expect(sets.reduce((n, c) => n + c.counts.deleted, 0)).to.equal(24_999);
      });

      it('sends the deletes on as they fill up, marked more, and ends with the page’s upserts and counts', async () => {
        const reader = bigTarget(keys(25_000));
        const source: Row[] = [[5, 't5', '1'], [15_000, 'changed', '1'], [30_000, 'new', '1']];
        const sets = await changeSetsOf(diffStage({ table: items, readTarget: reader.read, delete: true }), page(source, [0], true, 7));
        expect(sets.map((c) => [c.more ?? false, c.deletes.length, c.upserts.length, c.final, c.seq])).to.deep.equal([
          [true, 19_998, 0, false, 7],
          [false, 5_000, 2, true, 7],
        ]);
        expect(sets.every((c) => c.through?.[0] === 30_000), 'every change set names the page’s last key').to.equal(true);
        expect(sets[1]!.upserts).to.deep.equal([[15_000, 'changed', '1'], [30_000, 'new', '1']]);
        expect(sets[1]!.counts).to.deep.equal({ read: 3, inserted: 1, updated: 1, unchanged: 1, deleted: 5_000 });
        expect(sets.reduce((n, c) => n + c.counts.deleted, 0)).to.equal(24_998);
        const deleted = sets.flatMap((c) => c.deletes.map((k) => k[0]));
        expect(new Set(deleted).size).to.equal(24_998);
        expect(deleted).to.not.include.members([5, 15_000]);
      });

      it('without delete reads the page’s own range in slices too, deleting nothing', async () => {
        const reader = bigTarget(keys(30_000));
        const source: Row[] = [[1, 'changed', '1'], [29_999, 't29999', '1']];
        const sets = await changeSetsOf(diffStage({ table: items, readTarget: reader.read }), page(source, [0]));
        expect(reader.calls.map((c) => c.returned)).to.deep.equal([10_000, 10_000, 9_999]);
        expect(sets).to.have.length(1);
        expect(sets[0]!.upserts).to.deep.equal([[1, 'changed', '1']]);
        expect(sets[0]!.counts).to.deep.equal({ read: 2, inserted: 0, updated: 1, unchanged: 1, deleted: 0 });
      });
    });

    it('passes a reader failure through', async () => {
      const stage = oneChangeSet({ table: items, readTarget: async () => Promise.reject(new Error('connection lost')) });
      let error: unknown;
      await stage(page([[1, 'a', '1']])).catch((err) => (error = err));
      expect((error as Error).message).to.equal('connection lost');
    });
  });
});
