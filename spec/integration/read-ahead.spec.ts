/**
 * The diff with its target reads started ahead (lib/stages/read-ahead.ts), against a real MySQL
 * table: it finds exactly what the diff reading in turn finds, holds no more than its depth of
 * reads ahead, and a row another client changes in MySQL after its range was read ahead is the
 * next run's, as a row changed right after an in-turn read always was.
 */
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { expect } from 'chai';
import { composeStages, diffStage, mysqlTargetReader, openMysql, readAheadStages, type ChangeSet, type Page, type TargetReader } from '../../lib/index.js';
import type { Key, Row, TableSpec } from '../../lib/core/table.js';
import type { MysqlTarget } from '../../lib/mysql/connect.js';
import { createMysqlDatabase, type MysqlFixture } from '../support/databases.js';

const table: TableSpec = {
  source: 'T',
  target: 'T',
  columns: [
    { source: 'ID', target: 'ID', kind: 'integer', sourceType: 'INTEGER', nullable: false, firebird: { select: '"ID"', padded: false, blob: false } },
    { source: 'NAME', target: 'NAME', kind: 'text', sourceType: 'VARCHAR(20)', nullable: true, firebird: { select: '"NAME"', padded: false, blob: false } },
  ],
  key: [0],
};

/** Pages of the source rows `ids` (NAME 'n<id>'), `size` a page, the last one final. */
function pages(ids: number[], size: number): Page[] {
  const out: Page[] = [];
  for (let i = 0; i < ids.length; i += size) {
    const rows: Row[] = ids.slice(i, i + size).map((id) => [id, `n${id}`]);
    out.push({ table: 'T', seq: out.length, columns: ['ID', 'NAME'], rows, after: i === 0 ? null : [ids[i - 1]!], final: i + size >= ids.length });
  }
  return out;
}

/** Runs pages through stages and collects the change sets. */
async function changeSets(input: Page[], stages: unknown[]): Promise<ChangeSet[]> {
  const out: ChangeSet[] = [];
  await pipeline(
    Readable.from(input),
    composeStages(stages),
    new Writable({
      objectMode: true,
      write(changes: ChangeSet, _encoding, callback) {
        out.push(changes);
        callback();
      },
    }),
  );
  return out;
}

const ids = (keys: Key[]) => keys.map((k) => k[0]);
const upserted = (sets: ChangeSet[]) => sets.flatMap((c) => c.upserts.map((r) => r[0]));
const deleted = (sets: ChangeSet[]) => sets.flatMap((c) => ids(c.deletes));

describe('target reads started ahead of the diff', () => {
  let my: MysqlFixture;
  let target: MysqlTarget;

  beforeEach(async () => {
    my = await createMysqlDatabase();
    await my.exec('CREATE TABLE T (ID INT PRIMARY KEY, NAME VARCHAR(20))');
    target = await openMysql(my.uri, { connections: 3 });
  });
  afterEach(async () => {
    await target?.end();
    await my?.drop();
  });

  /** Target rows 1..n named as the source names them, but for `differ` (named 'old'). */
  async function fill(n: number, differ: number[] = []): Promise<void> {
    const values = Array.from({ length: n }, (_, i) => [i + 1, differ.includes(i + 1) ? 'old' : `n${i + 1}`]);
    await my.conn.query('INSERT INTO T (ID, NAME) VALUES ?', [values]);
  }

  it('finds what the diff reading in turn finds: deletes between pages, ranges larger than one read', async () => {
    await fill(60, [3, 22, 41]);
    // The source lost 9-14 (between two pages), 30-49 but for 41 (a range of 20 target rows
    // holding one source row: read 4 rows at a time below) and everything past 55.
    const source = [...Array.from({ length: 60 }, (_, i) => i + 1)].filter((id) => !(id >= 9 && id <= 14) && !(id >= 30 && id <= 49 && id !== 41) && id <= 55);
    const options = { table, readTarget: mysqlTargetReader(target, table), delete: true, targetReadRows: 4 };
    const inTurn = await changeSets(pages(source, 2), [diffStage(options)]);
    const ahead = await changeSets(pages(source, 2), readAheadStages(options));
    expect(ahead).to.deep.equal(inTurn);
    expect(upserted(ahead)).to.deep.equal([3, 22, 41]);
    const gone = [9, 10, 11, 12, 13, 14, ...Array.from({ length: 20 }, (_, i) => 30 + i).filter((id) => id !== 41), 56, 57, 58, 59, 60];
    expect(deleted(ahead)).to.deep.equal(gone);
  });

  it('reads the next pages while one is diffed, never more than its depth ahead', async () => {
    await fill(40);
    const started: number[] = [];
    const diffed: number[] = [];
    // Which page a read is for: the first key past its `after`.
    const read: TargetReader = async (range, limit) => {
      started.push(range.after ? Number(range.after[0]) + 1 : 1);
      return mysqlTargetReader(target, table)(range, limit);
    };
    const input = pages(Array.from({ length: 40 }, (_, i) => i + 1), 4);
    let aheadWhenDiffed: number[] = [];
    const sets = await changeSets(input, [
      ...readAheadStages({ table, readTarget: read, delete: true }, 2),
      async (changes: ChangeSet) => {
        diffed.push(changes.seq);
        // Reads started by the time this page's change set is out, past this page's own.
        aheadWhenDiffed = [...aheadWhenDiffed, started.length - diffed.length];
        // A diff slower than a read: the read-ahead has all the time it wants.
        await new Promise((resolve) => setTimeout(resolve, 20));
        return changes;
      },
    ]);
    expect(sets.map((c) => c.seq)).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(started, 'one read a page, in key order').to.deep.equal([1, 5, 9, 13, 17, 21, 25, 29, 33, 37]);
    expect(Math.max(...aheadWhenDiffed), 'reads ahead of the page diffed').to.equal(2);
    expect(aheadWhenDiffed.slice(-2), 'the last pages have fewer to read ahead').to.deep.equal([1, 0]);
  });

  it('leaves a row changed in MySQL after its range was read ahead to the next run, as after a read in turn', async () => {
    await fill(30);
    const input = () => pages(Array.from({ length: 30 }, (_, i) => i + 1), 10);
    const reader = mysqlTargetReader(target, table);
    let writesDone = false;
    // Another client writes right after the read of the last page's range (21-30) came back,
    // while the diff is still on the first page.
    const read: TargetReader = async (range, limit) => {
      const rows = await reader(range, limit);
      if (range.after?.[0] === 20 && !writesDone) {
        writesDone = true;
        await my.exec("UPDATE T SET NAME = 'theirs' WHERE ID = 25", 'DELETE FROM T WHERE ID = 27');
      }
      return rows;
    };
    const first = await changeSets(input(), readAheadStages({ table, readTarget: read, delete: true }, 2));
    expect(writesDone).to.equal(true);
    expect(upserted(first), 'the range was read before the writes').to.deep.equal([]);
    // The next run reads the range again and puts the source's rows back.
    const next = await changeSets(input(), readAheadStages({ table, readTarget: reader, delete: true }, 2));
    expect(upserted(next)).to.deep.equal([25, 27]);
    expect(next.reduce((n, c) => n + c.counts.updated, 0)).to.equal(1);
    expect(next.reduce((n, c) => n + c.counts.inserted, 0)).to.equal(1);
  });
});
