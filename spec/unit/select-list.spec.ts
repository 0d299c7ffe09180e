import { expect } from 'chai';
import { inlineBlobBytes, inlineReads, selectList, takeInline } from '../../lib/firebird/select-list.js';
import type { ColumnSpec } from '../../lib/core/table.js';

function column(name: string, inline?: ColumnSpec['firebird']['inline']): ColumnSpec {
  return { source: name, target: name, kind: inline ? 'text' : 'integer', sourceType: '', nullable: true, firebird: { select: `"${name}"`, padded: false, blob: false, ...(inline ? { inline } : {}) } };
}

describe('select list of whole rows', () => {
  it('is the columns’ own selects when no column is a BLOB', () => {
    expect(selectList([column('ID'), column('QTD')])).to.equal('"ID", "QTD"');
    expect(inlineReads([column('ID'), column('QTD')])).to.deep.equal([]);
  });

  it('reads a BLOB inline up to the limit and whole only past it, the inline read after the columns', () => {
    const n = inlineBlobBytes(1);
    expect(selectList([column('ID'), column('OBS', { of: '"OBS"', decode: 'WIN1252' }), column('QTD')])).to.equal(
      `"ID", CASE WHEN NOT OCTET_LENGTH("OBS") <= ${n} THEN "OBS" END, "QTD", CASE WHEN OCTET_LENGTH("OBS") <= ${n} THEN CAST("OBS" AS VARCHAR(${n}) CHARACTER SET OCTETS) END`,
    );
  });

  it('reads a BLOB the server transliterates as VARCHAR in its own set, a quarter of the bytes inline', () => {
    const n = inlineBlobBytes(1);
    expect(selectList([column('ID'), column('OBS', { of: '"OBS"', transliterate: 'WIN1251' })])).to.equal(
      `"ID", CASE WHEN NOT OCTET_LENGTH("OBS") <= ${n / 4} THEN "OBS" END, CASE WHEN OCTET_LENGTH("OBS") <= ${n / 4} THEN CAST("OBS" AS VARCHAR(${n / 4}) CHARACTER SET WIN1251) END`,
    );
    const row: unknown[] = [1, null, 'Привет'];
    takeInline(inlineReads([column('ID'), column('OBS', { of: '"OBS"', transliterate: 'WIN1251' })]), row);
    expect(row).to.deep.equal([1, 'Привет']);
  });

  it('gives each BLOB column up to 8 KiB, splitting 16 KiB between more, never under 1 KiB', () => {
    expect([1, 2, 3, 4, 16, 40].map(inlineBlobBytes)).to.deep.equal([8192, 8192, 5461, 4096, 1024, 1024]);
  });

  it('moves inline values into their columns, decoded, and keeps what was selected after them', () => {
    const columns = [column('ID'), column('W', { of: '"W"', decode: 'WIN1252' }), column('U', { of: '"U"', decode: 'UTF8' }), column('B', { of: '"B"' })];
    const reads = inlineReads(columns);
    expect(reads.map((r) => r.at)).to.deep.equal([4, 5, 6]);
    const version = '42';
    const row: unknown[] = [1, null, null, null, Buffer.from([0x80, 0xe7]), Buffer.from('é', 'utf8'), Buffer.from([0, 255]), version];
    takeInline(reads, row);
    expect(row).to.deep.equal([1, '€ç', 'é', Buffer.from([0, 255]), version]);
  });

  it('leaves a value that came the long way (or NULL) where it is', () => {
    const columns = [column('ID'), column('W', { of: '"W"', decode: 'WIN1252' }), column('X', { of: '"X"', decode: 'UTF8' })];
    const row: unknown[] = [1, 'long text', null, null, null];
    takeInline(inlineReads(columns), row);
    expect(row).to.deep.equal([1, 'long text', null]);
  });
});
