import { expect } from 'chai';
import { keysWithin, RowBudget, sliceVersions } from '../../lib/firebird/row-budget.js';
import type { ColumnSpec, TableSpec } from '../../lib/core/table.js';

function table(blob: boolean): TableSpec {
  const column = (name: string, b: boolean): ColumnSpec => ({ source: name, target: name, kind: b ? 'binary' : 'integer', sourceType: b ? 'BLOB SUB_TYPE BINARY' : 'INTEGER', nullable: b, firebird: { select: `"${name}"`, padded: false, blob: b } });
  return { source: 'T', target: 'T', columns: [column('ID', false), ...(blob ? [column('FOTO', true)] : [])], key: [0] };
}

const list = (...keys: number[]) => ({ keys: keys.map((k) => [k]), versions: keys.map(String) });

describe('row budget of pages picked by version', () => {
  it('never holds back a table without BLOB columns', () => {
    const budget = new RowBudget(table(false), 1000);
    budget.measured([[1]]);
    expect(budget.rows).to.equal(Infinity);
  });

  it('lets the first page of a table with BLOBs read 16 rows, then as many as the last rows’ width fits', () => {
    const budget = new RowBudget(table(true), 1024 * 1024);
    expect(budget.rows).to.equal(16);
    budget.measured([[1, Buffer.alloc(65536)], [2, Buffer.alloc(65536)]]);
    expect(budget.rows).to.equal(7); // binary counted as hex: 131 KB a row
    budget.measured([]);
    expect(budget.rows).to.equal(7);
  });

  it('keeps the keys through the last row that fits, or all of them when they fit', () => {
    const kinds = ['integer' as const];
    const probe = list(1, 2, 3, 5, 8, 13, 21);
    expect(keysWithin(kinds, probe, { changed: [[2], [5], [13]] }, 2)).to.equal(4);
    expect(keysWithin(kinds, probe, { changed: [[2], [5], [13]] }, 3)).to.equal(undefined);
    expect(keysWithin(kinds, probe, { changed: probe.keys, whole: true }, 3)).to.equal(3);
    expect(sliceVersions(probe, 4)).to.deep.equal(list(8, 13, 21));
  });
});
