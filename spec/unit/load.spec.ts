import { expect } from 'chai';
import { loadField, loadStatementFor } from '../../lib/mysql/load.js';
import type { ColumnSpec, TableSpec } from '../../lib/core/table.js';
import type { ValueKind } from '../../lib/core/values.js';

function column(name: string, kind: ValueKind): ColumnSpec {
  return { source: name, target: name, kind, sourceType: kind, nullable: true, firebird: { select: `"${name}"`, padded: false, blob: false } };
}

const TABLE: TableSpec = {
  source: 'TB_PRODUTO',
  target: 'tb_produto',
  columns: [column('ID', 'integer'), column('NOME', 'text'), column('FOTO', 'binary'), column('ATIVO', 'boolean')],
  key: [0],
};

describe('LOAD DATA lines', () => {
  describe('loadField', () => {
    it('writes NULL as \\N and the text "\\N" so that it stays text', () => {
      expect(loadField(null, false)).to.equal('\\N');
      expect(loadField('\\N', false)).to.equal('\\\\N');
    });

    it('escapes the characters that would end a field or a line, and backslash and NUL', () => {
      expect(loadField('a\tb\nc\\d\re\0f', false)).to.equal('a\\tb\\nc\\\\d\\re\\0f');
    });

    it('leaves every other character as it is, multi-byte text included', () => {
      expect(loadField('Açúcar  "refinado" 1kg, 12½%; ✓ 😀', false)).to.equal('Açúcar  "refinado" 1kg, 12½%; ✓ 😀');
      expect(loadField('', false)).to.equal('');
    });

    it('keeps exact numbers given as strings digit for digit', () => {
      expect(loadField('-12345678901234.5678', false)).to.equal('-12345678901234.5678');
      expect(loadField('9223372036854775807', false)).to.equal('9223372036854775807');
    });

    it('writes numbers as JavaScript prints them and booleans as 1 and 0', () => {
      expect(loadField(0.1, false)).to.equal('0.1');
      expect(loadField(-1.5e300, false)).to.equal('-1.5e+300');
      expect([loadField(true, false), loadField(false, false)]).to.deep.equal(['1', '0']);
    });

    it('writes binary columns as hex, which the statement turns back into bytes', () => {
      expect(loadField(Buffer.from([0, 9, 10, 92, 255]), true)).to.equal('00090a5cff');
      expect(loadField(Buffer.alloc(0), true)).to.equal('');
    });

    it('has no field for what the lines cannot carry, so the batch goes by INSERT', () => {
      expect(loadField(Number.NaN, false)).to.equal(undefined);
      expect(loadField(Number.POSITIVE_INFINITY, false)).to.equal(undefined);
      expect(loadField(Buffer.from('x'), false)).to.equal(undefined);
      expect(loadField('78', true)).to.equal(undefined);
    });
  });

  describe('loadStatementFor', () => {
    it('names every column, binary ones through a variable and UNHEX', () => {
      expect(loadStatementFor(TABLE).sql).to.equal(
        "LOAD DATA LOCAL INFILE 'fbsync-rows' INTO TABLE `tb_produto` CHARACTER SET utf8mb4 " +
          "FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (`ID`, `NOME`, @b2, `ATIVO`) SET `FOTO` = UNHEX(@b2)",
      );
    });

    it('turns rows into one UTF-8 line each, fields separated by tabs', () => {
      const lines = loadStatementFor(TABLE).lines([
        [1, 'Café', Buffer.from([1, 2]), true],
        [2, null, null, false],
      ]);
      expect(lines?.toString('utf8')).to.equal('1\tCafé\t0102\t1\n2\t\\N\t\\N\t0\n');
    });

    it('writes batches whose lines are longer than the last batch had, whole', () => {
      const load = loadStatementFor(TABLE);
      load.lines([[1, 'a', null, true]]);
      const rows = Array.from({ length: 500 }, (_, i) => [i, `${'😀'.repeat(i % 7)}ç€${'x'.repeat(i)}`, Buffer.from([i & 255]), i % 2 === 0]);
      const expected = rows.map((r) => `${r[0]}\t${r[1]}\t${(r[2] as Buffer).toString('hex')}\t${r[3] ? 1 : 0}\n`).join('');
      expect(load.lines(rows)?.toString('utf8')).to.equal(expected);
    });

    it('names binary columns themselves when their bytes go raw (MariaDB)', () => {
      expect(loadStatementFor(TABLE, 'raw').sql).to.equal(
        "LOAD DATA LOCAL INFILE 'fbsync-rows' INTO TABLE `tb_produto` CHARACTER SET utf8mb4 " +
          "FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (`ID`, `NOME`, `FOTO`, `ATIVO`)",
      );
    });

    it('writes raw binary bytes as they are, but for a backslash and a letter in place of \\, tab, newline, CR and NUL', () => {
      const foto = Buffer.from([0x00, 0x41, 0x09, 0x0a, 0x0d, 0x5c, 0xff, 0xc3, 0x28, 0xe2, 0x82]);
      const lines = loadStatementFor(TABLE, 'raw').lines([[1, 'a', foto, true], [2, 'b', Buffer.alloc(0), false], [3, 'c', null, true]]);
      const expected = Buffer.concat([
        Buffer.from('1\ta\t'),
        Buffer.from([0x5c, 0x30, 0x41, 0x5c, 0x74, 0x5c, 0x6e, 0x5c, 0x72, 0x5c, 0x5c, 0xff, 0xc3, 0x28, 0xe2, 0x82]),
        Buffer.from('\t1\n2\tb\t\t0\n3\tc\t\\N\t1\n'),
      ]);
      expect(lines?.equals(expected)).to.equal(true);
    });

    it('writes text fields exactly as node writes the escaped text as UTF-8, surrogates and all', () => {
      const texts = ['', 'plain', 'a\tb\nc\\d\re\0f', '\\N', 'Açúcar nº 5 — €', '\u07ff\u0800\uffff', '😀x😀', '\ud800', 'x\udc00y', 'z\ud83d', '\ud83d\ud83d\ude00'];
      const rows = texts.map((t, i) => [i, t, null, true]);
      const expected = texts.map((t, i) => `${i}\t${loadField(t, false)!}\t\\N\t1\n`).join('');
      expect(loadStatementFor(TABLE).lines(rows)?.equals(Buffer.from(expected, 'utf8'))).to.equal(true);
    });

    it('has no lines for rows with a value it cannot carry', () => {
      expect(loadStatementFor(TABLE).lines([[1, 'ok', null, true], [2, 'x', null, Number.NaN]])).to.equal(undefined);
    });
  });
});
