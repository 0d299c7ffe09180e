import { expect } from 'chai';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FbsyncError } from '../../lib/core/errors.js';
import type { Page } from '../../lib/core/page.js';
import { composeStages } from '../../lib/stages/compose.js';
import { keepingRows } from '../../lib/stages/keep-rows.js';
import { mapRows } from '../../lib/stages/map-rows.js';
import type { Row, TableSpec } from '../../lib/core/table.js';

// ID INTEGER PRIMARY KEY, NAME VARCHAR
const items: TableSpec = {
  source: 'TB_ITEM',
  target: 'tb_item',
  columns: (['ID', 'NAME'] as const).map((col, i) => ({
    source: col,
    target: col.toLowerCase(),
    kind: i === 0 ? 'integer' : 'text',
    sourceType: i === 0 ? 'INTEGER' : 'VARCHAR',
    nullable: i !== 0,
    firebird: { select: `"${col}"`, padded: false, blob: false },
  })),
  key: [0],
};

function page(rows: Row[], seq = 0): Page {
  return { table: 'TB_ITEM', seq, columns: ['ID', 'NAME'], rows, after: null, final: false };
}

type Stage = (page: Page) => Page | Promise<Page>;

/** The pages that come out of `stages` for `pages`, through stream-chain as a sync runs them. */
async function run(stages: unknown[], pages: Page[]): Promise<Page[]> {
  const out: Page[] = [];
  await pipeline(Readable.from(pages), composeStages(stages), async (source: AsyncIterable<Page>) => {
    for await (const p of source) out.push(p);
  });
  return out;
}

async function failure(stages: unknown[], pages: Page[]): Promise<FbsyncError> {
  const err = await run(stages, pages).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).to.be.instanceOf(FbsyncError);
  return err as FbsyncError;
}

describe('keeping rows through transforms', () => {
  const two = () => page([
    [1, 'a'],
    [2, 'b'],
  ]);

  it('adds nothing when there are no transforms', () => {
    expect(keepingRows(items, [])).to.deep.equal([]);
  });

  it('hands on pages whose values a transform changed', async () => {
    const upper = mapRows((row) => ({ ...row, NAME: String(row.NAME).toUpperCase() }));
    const out = await run(keepingRows(items, [upper]), [two(), page([[3, 'c']], 1)]);
    expect(out.map((p) => p.rows)).to.deep.equal([
      [
        [1, 'A'],
        [2, 'B'],
      ],
      [[3, 'C']],
    ]);
  });

  it('lets an async transform through', async () => {
    const later: Stage = async (p) => ({ ...p, rows: p.rows.map((r) => [r[0]!, 'x']) });
    const out = await run(keepingRows(items, [later]), [two()]);
    expect(out[0]!.rows).to.deep.equal([
      [1, 'x'],
      [2, 'x'],
    ]);
  });

  it('stops a transform that leaves a row out, naming the table and the counts', async () => {
    const filter: Stage = (p) => ({ ...p, rows: p.rows.filter((r) => r[0] !== 2) });
    const err = await failure(keepingRows(items, [filter]), [two()]);
    expect(err.code).to.equal('TRANSFORM');
    expect(err.message).to.include('TB_ITEM').and.include('a page of 2 rows came out with 1');
    expect(err.hint).to.include('every row');
  });

  it('stops a transform that adds a row', async () => {
    const add: Stage = (p) => ({ ...p, rows: [...p.rows, [3, 'c']] });
    const err = await failure(keepingRows(items, [add]), [two()]);
    expect(err.message).to.include('a page of 2 rows came out with 3');
  });

  it('stops a transform that changes a key, naming the row', async () => {
    const rekey = mapRows((row) => ({ ...row, ID: Number(row.ID) * 10 }));
    const err = await failure(keepingRows(items, [rekey]), [two()]);
    expect(err.message).to.include('TB_ITEM(ID=1) came out as TB_ITEM(ID=10)');
  });

  it('stops a transform that reorders rows', async () => {
    const reverse: Stage = (p) => ({ ...p, rows: [...p.rows].reverse() });
    const err = await failure(keepingRows(items, [reverse]), [two()]);
    expect(err.message).to.include('TB_ITEM(ID=1) came out as TB_ITEM(ID=2)');
  });

  it('stops a transform that hands on a page it made up', async () => {
    const invent: Stage = (p) => ({ ...p, seq: p.seq + 100 });
    const err = await failure(keepingRows(items, [invent]), [two()]);
    expect(err.message).to.include('did not read (seq 100)');
  });
});
