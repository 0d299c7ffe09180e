import { expect } from 'chai';
import { pjw64 } from '../../lib/core/row-hash.js';
import { columnHash } from '../../lib/core/hash-text.js';
import { hashText } from '../../lib/core/row-hash.js';
import type { ColumnSpec } from '../../lib/core/table.js';

/** Values Firebird 3's HASH() gave for these texts (isql, over the UTF8 connection or the column's bytes). */
describe('pjw64: Firebird 3 HASH() in JS', () => {
  it('gives Firebird\'s values for short text', () => {
    expect(pjw64('ab')).to.equal(1650n);
    expect(pjw64('TRUE')).to.equal(366485n);
    expect(pjw64('2024-01-02 03:04:05.1234')).to.equal(302706977962853716n);
  });

  it('collides where PJW does (`ab` and `bR`), which is why a reversed hash goes with it', () => {
    expect(pjw64('bR')).to.equal(pjw64('ab'));
    expect(pjw64('bR', true)).to.not.equal(pjw64('ab', true));
  });

  it('keeps the top bits a signed shift leaves, as Firebird does on long text', () => {
    const bytes = Buffer.from('Café torrado União nº 2', 'latin1');
    expect(pjw64(bytes, false, { kind: 'bytes' })).to.equal(7459344160175172258n);
    expect(pjw64(Buffer.from('2023-01-01 00:00:13.0010'), true, { kind: 'bytes' })).to.equal(3734364212420814834n);
  });

  it('reverses UTF-8 text by characters, as REVERSE() does', () => {
    const text = 'Observação 1 — estoque mínimo, preço em €';
    expect(pjw64(text)).to.equal(485790947044200156n);
    expect(pjw64(text, true)).to.equal(2847297689523328703n);
  });
});

describe('columnHash: the text Firebird hashes, from a MySQL value', () => {
  const column = (c: Partial<ColumnSpec>) => ({ source: 'C', target: 'C', sourceType: '', nullable: true, firebird: { select: 'C', padded: false, blob: false }, ...c }) as ColumnSpec;
  const text = (c: ColumnSpec, v: string | number) => {
    const plan = columnHash(c);
    if (typeof plan === 'string') throw new Error(plan);
    return plan.text(v);
  };

  it('writes a NUMERIC with exactly its scale, whatever scale MySQL keeps', () => {
    const n = column({ kind: 'decimal', shape: { kind: 'decimal', precision: 9, scale: 2, digits: 9 } });
    expect([text(n, '1.5000'), text(n, '-0.5'), text(n, '12'), text(n, '1.50')]).to.deep.equal(['1.50', '-0.50', '12.00', '1.50']);
    expect(text(n, '1.505')).to.equal(undefined);
  });

  it('writes times with four digits of a second, and refuses a finer one', () => {
    const ts = column({ kind: 'timestamp', shape: { kind: 'timestamp' } });
    expect(text(ts, '2024-01-02 03:04:05.123400')).to.equal('2024-01-02 03:04:05.1234');
    expect(text(ts, '2024-01-02 03:04:05')).to.equal('2024-01-02 03:04:05.0000');
    expect(text(ts, '2024-01-02 03:04:05.12341')).to.equal(undefined);
  });

  it('encodes WIN1252 text as its bytes, and refuses a character WIN1252 lacks', () => {
    const c = column({ kind: 'text', shape: { kind: 'text', length: 10, fixed: false, charset: 'WIN1252' } });
    const plan = columnHash(c);
    if (typeof plan === 'string') throw new Error(plan);
    expect(hashText('€', plan.encoding, false)).to.equal(true);
    expect(pjw64('€', false, plan.encoding)).to.equal(0x80n);
    expect(hashText('中', plan.encoding, false)).to.equal(false);
  });

  it('leaves floating-point columns to be compared by value', () => {
    expect(columnHash(column({ kind: 'double', shape: { kind: 'double' } }))).to.be.a('string');
  });
});
