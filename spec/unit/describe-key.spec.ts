import { expect } from 'chai';
import { describeKey, type ColumnSpec, type TableSpec } from '../../lib/core/table.js';
import type { ValueKind } from '../../lib/core/values.js';

function column(source: string, kind: ValueKind): ColumnSpec {
  return { source, target: source, kind, sourceType: kind, nullable: false, firebird: { select: `"${source}"`, padded: false, blob: false } };
}

function table(...columns: ColumnSpec[]): TableSpec {
  return { source: 'TB_ITEM', target: 'TB_ITEM', columns, key: columns.map((_, i) => i) };
}

describe('describeKey (keys in messages)', () => {
  it('shows numbers bare, also BIGINT and NUMERIC keys that travel as exact strings', () => {
    const t = table(column('ID', 'integer'), column('LOTE', 'bigint'), column('SERIE', 'decimal'));
    expect(describeKey(t, [7, '9007199254740993', '12.5000'])).to.equal('TB_ITEM(ID=7, LOTE=9007199254740993, SERIE=12.5000)');
  });

  it('quotes text, and shows bytes as hex', () => {
    const t = table(column('CODIGO', 'text'), column('HASH', 'binary'));
    expect(describeKey(t, ['A "1"', Buffer.from([0, 255])])).to.equal('TB_ITEM(CODIGO="A \\"1\\"", HASH=0x00ff)');
  });
});
