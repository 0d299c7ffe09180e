import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { expect } from 'chai';
import chain from 'stream-chain';
import { Batcher, batchBytesFor, batchStage, DEFAULT_BATCH_ROWS } from '../../lib/stages/batch.js';
import { type Batch } from '../../lib/core/batch.js';
import { columnMaxBytes, rowBytes, rowMaxBytes, valueBytes } from '../../lib/core/row-bytes.js';
import type { ValueShape } from '../../lib/core/shape.js';
import type { ValueKind } from '../../lib/core/values.js';
import { zeroCounts, type ChangeSet } from '../../lib/core/change-set.js';
import type { ColumnSpec, Key, Row } from '../../lib/core/table.js';

const KiB = 1024;
const MiB = 1024 * 1024;

let nextSeq = 0;

/** The changes of one page; pages are numbered in the order they are made. */
function changes(upserts: Row[], deletes: Key[] = [], table = 'T', seq = nextSeq++, updated = 0): ChangeSet {
  const through = upserts.length ? [upserts[upserts.length - 1]![0]!] : null;
  const counts = { ...zeroCounts(), inserted: upserts.length - updated, updated, deleted: deletes.length };
  return { table, seq, through, final: false, upserts, deletes, counts };
}

/** What every batch of a page carries besides its rows. */
function pageOf(c: ChangeSet, pageBatches: number) {
  return { table: c.table, seq: c.seq, through: c.through, pageBatches };
}

/** A row [id, text] whose estimated size is exactly `bytes` (4 + 24 for the number + text + 3). */
function sized(id: number, bytes: number): Row {
  return [id, 'x'.repeat(bytes - 31)];
}

const ids = (batch: Batch) => (batch.kind === 'upsert' ? batch.rows : batch.keys).map((r) => r[0]);

async function runStage(stage: ReturnType<typeof batchStage>, input: ChangeSet[]): Promise<Batch[]> {
  const out: Batch[] = [];
  const collect = new Writable({
    objectMode: true,
    write(batch: Batch, _enc, cb) {
      out.push(batch);
      cb();
    },
  });
  await pipeline(Readable.from(input), chain([stage]), collect);
  return out;
}

describe('batch stage', () => {
  describe('size estimates', () => {
    it('counts NULL, numbers and booleans at their widest SQL spelling', () => {
      expect(valueBytes(null)).to.equal(5);
      expect(valueBytes(123)).to.equal(24);
      expect(valueBytes(true)).to.equal(6);
    });

    it('counts a string as its UTF-8 bytes plus quotes and a comma', () => {
      expect(valueBytes('abc')).to.equal(6);
      expect(valueBytes('é€')).to.equal(2 + 3 + 3);
      expect(valueBytes('\u{1F600}')).to.equal(4 + 3);
      expect(valueBytes('a'.repeat(100))).to.equal(103);
      expect(valueBytes('é'.repeat(100))).to.equal(203);
    });

    it('bounds a column by its declared shape, above the estimate of the longest value it can hold', () => {
      const col = (shape: ValueShape): ColumnSpec => ({ source: 'C', target: 'C', kind: shape.kind === 'bigint' ? 'bigint' : (shape.kind as ValueKind), sourceType: '', nullable: true, shape, firebird: { select: 'C', padded: false, blob: false } });
      const text = col({ kind: 'text', length: 3, fixed: false, charset: 'UTF8' });
      expect(columnMaxBytes(text)).to.be.at.least(valueBytes('😀😀😀'));
      expect(columnMaxBytes(col({ kind: 'text', length: 3, fixed: false, charset: 'WIN1252' }))).to.be.at.least(valueBytes('€€€'));
      expect(columnMaxBytes(col({ kind: 'binary', length: 4, fixed: true }))).to.equal(valueBytes(Buffer.alloc(4)));
      expect(columnMaxBytes(col({ kind: 'decimal', precision: 18, scale: 4, digits: 19 }))).to.be.at.least(valueBytes('-922337203685477.5807'));
      expect(columnMaxBytes(col({ kind: 'decimal', precision: 38, scale: 2, digits: 38 }))).to.be.at.least(valueBytes(`-${'9'.repeat(36)}.99`));
      expect(columnMaxBytes(col({ kind: 'bigint' }))).to.be.at.least(valueBytes('-9223372036854775808'));
      expect(columnMaxBytes(col({ kind: 'timestamp' }))).to.be.at.least(valueBytes('2023-01-01 00:00:00.0000'));
      expect(columnMaxBytes(col({ kind: 'double' }))).to.be.at.least(valueBytes(-1.7976931348623157e308));
      expect(columnMaxBytes(col({ kind: 'text', fixed: false, charset: 'UTF8' }))).to.equal(undefined);
      expect(rowMaxBytes([text, col({ kind: 'integer', bits: 32 })])).to.equal(4 + 15 + 24);
      expect(rowMaxBytes([text, col({ kind: 'binary', fixed: false })])).to.equal(undefined);
    });

    it('counts a Buffer as hex plus X\'\' and a comma', () => {
      expect(valueBytes(Buffer.from([1, 2, 3]))).to.equal(10);
    });

    it('counts a row as its values plus parentheses and separator', () => {
      expect(rowBytes([1, 'abc', null])).to.equal(4 + 24 + 6 + 5);
      expect(rowBytes(sized(1, 100))).to.equal(100);
    });
  });

  describe('batchBytesFor', () => {
    it('for the common 16 MiB max_allowed_packet stays between 1 MiB and 8 MiB', () => {
      const bytes = batchBytesFor(16 * MiB);
      expect(bytes).to.be.at.least(1 * MiB);
      expect(bytes).to.be.at.most(8 * MiB);
      expect(bytes).to.equal(Math.floor((16 * MiB - 64 * KiB) / 2));
    });

    it('leaves room for escaping: at most half the packet', () => {
      for (const packet of [1 * MiB, 4 * MiB, 16 * MiB]) {
        expect(batchBytesFor(packet) * 2, String(packet)).to.be.at.most(packet);
      }
    });

    it('is capped at 8 MiB for huge packets', () => {
      expect(batchBytesFor(1024 * MiB)).to.equal(8 * MiB);
    });

    it('is at least 16 KiB for a tiny packet', () => {
      expect(batchBytesFor(1024)).to.equal(16 * KiB);
      expect(batchBytesFor(64 * KiB)).to.equal(16 * KiB);
    });
  });

  describe('Batcher', () => {
    it('rejects bounds below 1', () => {
      expect(() => new Batcher({ maxRows: 0, maxBytes: 100 })).to.throw(RangeError, /maxRows/);
      expect(() => new Batcher({ maxRows: 10, maxBytes: 0 })).to.throw(RangeError, /maxBytes/);
      expect(() => new Batcher({ maxRows: Number.NaN, maxBytes: 100 })).to.throw(RangeError, /maxRows/);
    });

    it('splits a page by maxRows', () => {
      const batcher = new Batcher({ maxRows: 2, maxBytes: MiB });
      const out = batcher.add(changes([[1], [2], [3], [4], [5]]));
      expect(out.map(ids)).to.deep.equal([[1, 2], [3, 4], [5]]);
      expect(out.every((b) => b.kind === 'upsert' && b.table === 'T')).to.equal(true);
    });

    it('never mixes pages: each page ends its own last batch', () => {
      const batcher = new Batcher({ maxRows: 3, maxBytes: MiB });
      const first = changes([[1], [2]]);
      const second = changes([[3], [4]]);
      expect(batcher.add(first)).to.deep.equal([{ kind: 'upsert', rows: [[1], [2]], fresh: true, bytes: 2 * rowBytes([1]), ...pageOf(first, 1) }]);
      expect(batcher.add(second).map(ids)).to.deep.equal([[3, 4]]);
      expect(batcher.flush()).to.deep.equal([]);
    });

    it('numbers the batches of a page diffed in several change sets: Infinity until its last one, which carries the total', () => {
      const batcher = new Batcher({ maxRows: 2, maxBytes: MiB });
      const seq = nextSeq++;
      const first = batcher.add({ ...changes([], [[1], [2], [3]], 'T', seq), more: true });
      const last = batcher.add(changes([[9]], [[4]], 'T', seq));
      expect(first.map((b) => [b.kind, b.pageBatches])).to.deep.equal([['delete', Infinity], ['delete', Infinity]]);
      expect(last.map((b) => [b.kind, b.pageBatches])).to.deep.equal([['upsert', 4], ['delete', 4]]);
    });

    it('ends a page diffed in several change sets with an empty batch carrying the total when nothing is left to write', () => {
      const batcher = new Batcher({ maxRows: 10, maxBytes: MiB });
      const seq = nextSeq++;
      batcher.add({ ...changes([], [[1], [2]], 'T', seq), more: true });
      const last = batcher.add(changes([], [], 'T', seq));
      expect(last.map((b) => [b.kind, b.kind === 'upsert' ? b.rows.length : -1, b.pageBatches])).to.deep.equal([['upsert', 0, 2]]);
    });

    it('tells every batch how many batches its page has', () => {
      const batcher = new Batcher({ maxRows: 2, maxBytes: MiB });
      const page = changes([[1], [2], [3]], [[9]]);
      const out = batcher.add(page);
      expect(out.map((b) => [b.kind, b.seq, b.pageBatches])).to.deep.equal([
        ['upsert', page.seq, 3],
        ['upsert', page.seq, 3],
        ['delete', page.seq, 3],
      ]);
      expect(out.every((b) => b.through?.[0] === 3)).to.equal(true);
    });

    it('splits by maxBytes, never exceeding the bound', () => {
      const batcher = new Batcher({ maxRows: 1000, maxBytes: 250 });
      const out = batcher.add(changes([sized(1, 100), sized(2, 100), sized(3, 100), sized(4, 100), sized(5, 100)]));
      expect(out.map(ids)).to.deep.equal([[1, 2], [3, 4], [5]]);
      expect(out.map((b) => b.bytes)).to.deep.equal([200, 200, 100]);
    });

    it('fills a batch up to exactly maxBytes', () => {
      const batcher = new Batcher({ maxRows: 1000, maxBytes: 300 });
      const out = batcher.add(changes([sized(1, 100), sized(2, 100), sized(3, 100), sized(4, 100)]));
      expect(out.map(ids)).to.deep.equal([[1, 2, 3], [4]]);
      expect(out[0]!.bytes).to.equal(300);
    });

    it('does not size rows one by one when maxRows rows of the most a row can take fit in maxBytes', () => {
      const batcher = new Batcher({ maxRows: 2, maxBytes: 300, maxRowBytes: 150 });
      // Rows far past their bound would split by bytes if they were sized: they are not.
      const out = batcher.add(changes([sized(1, 290), sized(2, 290), sized(3, 290)], [[7], [8], [9]]));
      expect(out.map(ids)).to.deep.equal([[1, 2], [3], [7, 8], [9]]);
      expect(out.map((b) => b.bytes)).to.deep.equal([300, 150, 300, 150]);
    });

    it('sizes every row when maxRows rows of the most a row can take would not fit', () => {
      const batcher = new Batcher({ maxRows: 1000, maxBytes: 250, maxRowBytes: 150 });
      const out = batcher.add(changes([sized(1, 100), sized(2, 100), sized(3, 100)]));
      expect(out.map(ids)).to.deep.equal([[1, 2], [3]]);
      expect(out.map((b) => b.bytes)).to.deep.equal([200, 100]);
    });

    it('sends a single row larger than maxBytes alone', () => {
      const batcher = new Batcher({ maxRows: 1000, maxBytes: 250 });
      const out = batcher.add(changes([sized(1, 100), sized(2, 1000), sized(3, 100)]));
      expect(out.map(ids)).to.deep.equal([[1], [2], [3]]);
      expect(out.map((b) => b.bytes)).to.deep.equal([100, 1000, 100]);
    });

    it('batches deletes separately from upserts, upserts first', () => {
      const batcher = new Batcher({ maxRows: 10, maxBytes: MiB });
      const page = changes([[1, 'a'], [2, 'b']], [[7], [8]]);
      expect(batcher.add(page)).to.deep.equal([
        { kind: 'upsert', rows: [[1, 'a'], [2, 'b']], fresh: true, bytes: rowBytes([1, 'a']) + rowBytes([2, 'b']), ...pageOf(page, 2) },
        { kind: 'delete', keys: [[7], [8]], bytes: 2 * rowBytes([7]), ...pageOf(page, 2) },
      ]);
    });

    it('splits deletes by maxRows on their own count', () => {
      const batcher = new Batcher({ maxRows: 2, maxBytes: MiB });
      const out = batcher.add(changes([[1, 'a']], [[7], [8], [9]]));
      expect(out.map((b) => [b.kind, ...ids(b)])).to.deep.equal([
        ['upsert', 1],
        ['delete', 7, 8],
        ['delete', 9],
      ]);
    });

    it('splits deletes by maxBytes', () => {
      // A composite key [number, 'xx…'] of 100 estimated bytes.
      const batcher = new Batcher({ maxRows: 1000, maxBytes: 250 });
      const out = batcher.add(changes([], [sized(1, 100), sized(2, 100), sized(3, 100)]));
      expect(out.map((b) => [b.kind, ...ids(b)])).to.deep.equal([
        ['delete', 1, 2],
        ['delete', 3],
      ]);
    });

    it('flush has nothing to return, since no page is held back', () => {
      const batcher = new Batcher({ maxRows: 10, maxBytes: MiB });
      batcher.add(changes([[1]], [[2]]));
      expect(batcher.flush()).to.deep.equal([]);
      expect(new Batcher({ maxRows: 10, maxBytes: MiB }).flush()).to.deep.equal([]);
    });

    it('marks a page without changes with one empty batch', () => {
      const batcher = new Batcher({ maxRows: 1, maxBytes: MiB });
      const page = changes([]);
      expect(batcher.add(page)).to.deep.equal([{ kind: 'upsert', rows: [], fresh: true, bytes: 0, ...pageOf(page, 1) }]);
    });

    it('marks the batches of a page that updates no row as fresh: all inserts, which the sink may LOAD', () => {
      const batcher = new Batcher({ maxRows: 2, maxBytes: MiB });
      const out = batcher.add(changes([[1], [2], [3]]));
      expect(out.map((b) => b.kind === 'upsert' && b.fresh)).to.deep.equal([true, true]);
    });

    it('marks every upsert batch of a page that updates a row as not fresh, even a batch of inserts only', () => {
      const batcher = new Batcher({ maxRows: 2, maxBytes: MiB });
      const out = batcher.add(changes([[1], [2], [3]], [], 'T', nextSeq++, 1));
      expect(out.map((b) => b.kind === 'upsert' && b.fresh)).to.deep.equal([false, false]);
    });

    it('labels batches with the table of the changes', () => {
      const batcher = new Batcher({ maxRows: 10, maxBytes: MiB });
      expect(batcher.add(changes([[1]], [], 'TB_ESTOQUE'))[0]!.table).to.equal('TB_ESTOQUE');
    });

    it('the default batch size is 4000 rows', () => {
      expect(DEFAULT_BATCH_ROWS).to.equal(4000);
    });
  });

  describe('batchStage in a stream-chain pipeline', () => {
    it('turns ChangeSets into batches in page order', async () => {
      const out = await runStage(batchStage({ maxRows: 2, maxBytes: MiB }), [
        changes([[1], [2], [3]]),
        changes([[4]], [[10], [11], [12]]),
        changes([[5]]),
      ]);
      expect(out.map((b) => [b.kind, ...ids(b)])).to.deep.equal([
        ['upsert', 1, 2],
        ['upsert', 3],
        ['upsert', 4],
        ['delete', 10, 11],
        ['delete', 12],
        ['upsert', 5],
      ]);
    });

    it('respects the byte bound in the pipeline', async () => {
      const out = await runStage(batchStage({ maxRows: 1000, maxBytes: 250 }), [changes([sized(1, 100), sized(2, 100)]), changes([sized(3, 100)])]);
      expect(out.map(ids)).to.deep.equal([[1, 2], [3]]);
      expect(out.every((b) => b.bytes <= 250)).to.equal(true);
    });

    it('emits nothing for no input', async () => {
      expect(await runStage(batchStage({ maxRows: 2, maxBytes: MiB }), [])).to.deep.equal([]);
    });

    it('composes after other stages', async () => {
      const out: Batch[] = [];
      const collect = new Writable({
        objectMode: true,
        write(batch: Batch, _enc, cb) {
          out.push(batch);
          cb();
        },
      });
      const toChanges = (ids: number[]) => changes(ids.map((id) => [id]));
      await pipeline(Readable.from([[1, 2], [3]]), chain([toChanges, batchStage({ maxRows: 10, maxBytes: MiB })]), collect);
      expect(out.map((b) => [b.kind, ...ids(b)])).to.deep.equal([
        ['upsert', 1, 2],
        ['upsert', 3],
      ]);
    });
  });
});
