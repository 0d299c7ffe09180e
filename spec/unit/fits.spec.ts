import { expect } from 'chai';
import { misfit, isBinaryCollation, narrower, roundedDigits, tooLong, type SourceSide } from '../../lib/mysql/fits.js';
import { mysqlColumnTypes, type TableDesign } from '../../lib/mysql/ddl.js';
import type { MysqlColumn } from '../../lib/mysql/metadata.js';
import type { ValueShape } from '../../lib/core/shape.js';

/** A MySQL column as information_schema would describe the type written in `type`. */
function mysqlColumn(type: string, options: { nullable?: boolean; collation?: string; charset?: string } = {}): MysqlColumn {
  const lower = type.toLowerCase();
  const m = /^([a-z]+)(?:\((\d+)(?:,(\d+))?\))?/.exec(lower)!;
  const dataType = m[1] === 'boolean' ? 'tinyint' : m[1]!;
  const n = m[2] === undefined ? null : Number(m[2]);
  const textual = ['char', 'varchar', 'tinytext', 'text', 'mediumtext', 'longtext'].includes(dataType);
  return {
    name: 'C',
    dataType,
    columnType: lower.replace(/ collate \S+/, ''),
    nullable: options.nullable ?? true,
    collation: textual ? (options.collation ?? (/collate (\S+)/.exec(lower)?.[1] ?? 'utf8mb4_general_ci')) : null,
    charset: textual ? (options.charset ?? 'utf8mb4') : null,
    maxLength: ['char', 'varchar', 'binary', 'varbinary'].includes(dataType) ? n : null,
    precision: dataType === 'decimal' ? (n ?? 10) : null,
    scale: dataType === 'decimal' ? Number(m[3] ?? 0) : null,
    fractionDigits: ['time', 'datetime', 'timestamp'].includes(dataType) ? (n ?? 0) : null,
  };
}

const src = (shape: ValueShape, options: Partial<Omit<SourceSide, 'shape'>> = {}): SourceSide => ({ shape, nullable: options.nullable ?? true, key: options.key ?? false });
const text = (length: number | undefined, fixed = false, charset = 'UTF8'): ValueShape => ({ kind: 'text', length, fixed, charset });
const severity = (source: SourceSide, type: string, options?: Parameters<typeof mysqlColumn>[1]) => misfit(source, mysqlColumn(type, options))?.severity;

describe('does an existing MySQL column hold the source?', () => {
  it('every type fbsync creates holds its source, key or not, NULL or not', () => {
    const shapes: ValueShape[] = [
      { kind: 'integer', bits: 16 }, { kind: 'integer', bits: 32 }, { kind: 'bigint' },
      { kind: 'decimal', precision: 4, scale: 1, digits: 5 }, { kind: 'decimal', precision: 18, scale: 18, digits: 19 }, { kind: 'decimal', precision: 9, scale: 0, digits: 10 },
      { kind: 'float' }, { kind: 'double' }, { kind: 'boolean' }, { kind: 'date' }, { kind: 'time' }, { kind: 'timestamp' },
      text(1, true), text(255, true), text(300, true), text(100), text(16_383), text(16_384), text(undefined), text(30_000, false, 'WIN1252'),
      { kind: 'binary', length: 16, fixed: true }, { kind: 'binary', length: 16, fixed: false }, { kind: 'binary', fixed: false },
    ];
    // A MySQL key holds at most 3072 bytes, and no BLOB.
    const keyable = (shape: ValueShape) =>
      shape.kind === 'text' ? shape.length !== undefined && shape.length * 4 <= 3072 : shape.kind === 'binary' ? shape.length !== undefined && shape.length <= 3072 : true;
    for (const shape of shapes) {
      for (const key of keyable(shape) ? [false, true] : [false]) {
        const design: TableDesign = { name: 'T', columns: [{ name: 'ID', shape: { kind: 'bigint' }, nullable: false }, { name: 'C', shape, nullable: !key }], key: [key ? 1 : 0] };
        const type = mysqlColumnTypes(design)[1];
        expect(misfit(src(shape, { key, nullable: !key }), mysqlColumn(type!, { nullable: !key })), `${JSON.stringify(shape)} key=${key} in ${type}`).to.equal(undefined);
      }
    }
  });

  describe('refused always: MySQL would store or read back something else', () => {
    it('fewer decimals (MySQL rounds), which fbsync could round itself (roundable)', () => {
      expect(misfit(src({ kind: 'decimal', precision: 15, scale: 4, digits: 19 }), mysqlColumn('decimal(15,2)'))).to.deep.equal({
        severity: 'type', reason: 'has 2 decimals, the source 4: MySQL would round', roundable: true,
      });
      expect(severity(src({ kind: 'decimal', precision: 9, scale: 2, digits: 10 }), 'int(11)')).to.equal('type');
    });

    it('fewer fractional digits of a second, and TIMESTAMP, which goes through the session time zone', () => {
      expect(severity(src({ kind: 'timestamp' }), 'datetime')).to.equal('type');
      expect(severity(src({ kind: 'timestamp' }), 'datetime(3)')).to.equal('type');
      expect(severity(src({ kind: 'timestamp' }), 'datetime(6)')).to.equal(undefined);
      expect(misfit(src({ kind: 'timestamp' }), mysqlColumn('timestamp(4)'))?.reason).to.include('session time zone');
      expect(severity(src({ kind: 'time' }), 'time')).to.equal('type');
      expect(severity(src({ kind: 'date' }), 'datetime')).to.equal('type');
    });

    it('CHAR for a VARCHAR, whose trailing blanks MySQL would drop', () => {
      expect(severity(src(text(10)), 'char(10)')).to.equal('type');
      expect(severity(src(text(10, true)), 'char(10)')).to.equal(undefined);
      expect(severity(src(text(10, true)), 'varchar(10)')).to.equal(undefined);
    });

    it('a text key under a collation that merges case or accents', () => {
      expect(misfit(src(text(20), { key: true }), mysqlColumn('varchar(20)'))?.reason).to.include('utf8mb4_general_ci').and.include('use utf8mb4_bin');
      expect(severity(src(text(20), { key: true }), 'varchar(20) collate utf8mb4_bin')).to.equal(undefined);
      expect(severity(src(text(20)), 'varchar(20)'), 'not a key: any collation').to.equal(undefined);
      expect(isBinaryCollation('utf8mb4_0900_bin')).to.equal(true);
      expect(isBinaryCollation('binary')).to.equal(true);
      expect(isBinaryCollation('utf8mb4_unicode_ci')).to.equal(false);
    });

    it('a float for a double, a double for a BIGINT, text for a number', () => {
      expect(severity(src({ kind: 'double' }), 'float')).to.equal('type');
      expect(severity(src({ kind: 'float' }), 'double')).to.equal(undefined);
      expect(severity(src({ kind: 'bigint' }), 'double')).to.equal('type');
      expect(severity(src({ kind: 'integer', bits: 32 }), 'double')).to.equal(undefined);
      expect(severity(src({ kind: 'integer', bits: 32 }), 'varchar(20)')).to.equal('type');
    });

    it('BINARY for bytes of varying length (it pads with zero bytes)', () => {
      expect(severity(src({ kind: 'binary', length: 4, fixed: false }), 'binary(4)')).to.equal('type');
      expect(severity(src({ kind: 'binary', length: 4, fixed: true }), 'binary(8)')).to.equal('type');
      expect(severity(src({ kind: 'binary', length: 4, fixed: true }), 'varbinary(4)')).to.equal(undefined);
      expect(severity(src({ kind: 'binary', length: 4, fixed: false }), 'varchar(4)')).to.equal('type');
    });
  });

  describe('with roundToTarget: fewer decimals or digits of a second, rounded by fbsync', () => {
    const rounded = (shape: ValueShape): SourceSide => ({ ...src(shape), round: true });
    const numeric = (precision: number, scale: number): ValueShape => ({ kind: 'decimal', precision, scale, digits: 19 });

    it('names what each narrower column keeps: decimals, 0 for an integer column, digits of a second', () => {
      expect(roundedDigits(numeric(15, 4), mysqlColumn('decimal(15,2)'))).to.equal(2);
      expect(roundedDigits(numeric(9, 2), mysqlColumn('int(11)'))).to.equal(0);
      expect(roundedDigits({ kind: 'timestamp' }, mysqlColumn('datetime'))).to.equal(0);
      expect(roundedDigits({ kind: 'timestamp' }, mysqlColumn('datetime(3)'))).to.equal(3);
      expect(roundedDigits({ kind: 'time' }, mysqlColumn('time(2)'))).to.equal(2);
    });

    it('names nothing for a column that needs no rounding, or that rounding cannot make right', () => {
      expect(roundedDigits(numeric(15, 2), mysqlColumn('decimal(15,2)'))).to.equal(undefined);
      expect(roundedDigits(numeric(9, 0), mysqlColumn('int(11)'))).to.equal(undefined);
      expect(roundedDigits({ kind: 'timestamp' }, mysqlColumn('datetime(4)'))).to.equal(undefined);
      expect(roundedDigits({ kind: 'timestamp' }, mysqlColumn('timestamp')), 'time zones, not precision').to.equal(undefined);
      expect(roundedDigits({ kind: 'double' }, mysqlColumn('float'))).to.equal(undefined);
    });

    it('accepts the column once fbsync rounds, where the integer digits have room for a carry', () => {
      expect(misfit(rounded(numeric(15, 4)), mysqlColumn('decimal(15,2)'))).to.equal(undefined);
      expect(misfit(rounded(numeric(9, 2)), mysqlColumn('int(11)'))).to.equal(undefined);
      expect(misfit(rounded({ kind: 'timestamp' }), mysqlColumn('datetime'))).to.equal(undefined);
      expect(misfit(rounded({ kind: 'time' }), mysqlColumn('time'))).to.equal(undefined);
    });

    it('counts a carry (99.995 → 100.00) as a size misfit where the column has no digit to spare', () => {
      expect(misfit(rounded(numeric(15, 4)), mysqlColumn('decimal(13,2)'))).to.deep.equal({
        severity: 'size', reason: "has 11 digits before the point, and the source's 11 rounded to 2 decimals may carry into one more",
      });
      expect(severity(rounded(numeric(11, 2)), 'int(11)')).to.equal('size');
      expect(severity(rounded(numeric(9, 2)), 'int(10) unsigned')).to.equal('size');
    });

    it('still refuses a TIMESTAMP column and other types', () => {
      expect(severity(rounded({ kind: 'timestamp' }), 'timestamp')).to.equal('type');
      expect(misfit(rounded({ kind: 'timestamp' }), mysqlColumn('timestamp'))?.roundable).to.equal(undefined);
      expect(severity(rounded(numeric(9, 2)), 'double')).to.equal('type');
    });
  });

  describe('refused when fbsync manages the schema: some values would not fit, and MySQL refuses those rows', () => {
    it('shorter text, with the numbers in the reason', () => {
      expect(misfit(src(text(100)), mysqlColumn('varchar(40)'))).to.deep.equal({ severity: 'size', reason: 'holds 40 characters, the source 100 characters' });
      expect(severity(src(text(20_000)), 'text')).to.equal('size');
      expect(severity(src(text(16_000)), 'text')).to.equal(undefined);
      expect(severity(src(text(undefined)), 'text'), 'a BLOB can outgrow a TEXT').to.equal('size');
      expect(severity(src(text(undefined)), 'longtext')).to.equal(undefined);
      expect(severity(src(text(undefined)), 'varchar(5000)')).to.equal('size');
    });

    it('fewer digits before the point, smaller or unsigned integers', () => {
      expect(misfit(src({ kind: 'decimal', precision: 15, scale: 2, digits: 19 }), mysqlColumn('decimal(12,2)'))?.reason).to.equal('has 10 digits before the point, the source 13');
      expect(severity(src({ kind: 'decimal', precision: 15, scale: 2, digits: 19 }), 'decimal(15,2)'), 'the declared precision suffices').to.equal(undefined);
      expect(severity(src({ kind: 'integer', bits: 32 }), 'smallint(6)')).to.equal('size');
      expect(severity(src({ kind: 'integer', bits: 16 }), 'int(10) unsigned')).to.equal('size');
      expect(severity(src({ kind: 'bigint' }), 'decimal(18,0)')).to.equal('size');
      expect(severity(src({ kind: 'bigint' }), 'decimal(19,0)')).to.equal(undefined);
    });

    it('NOT NULL where the source allows NULL', () => {
      expect(misfit(src({ kind: 'date' }), mysqlColumn('date', { nullable: false }))).to.deep.equal({ severity: 'size', reason: 'is NOT NULL, and the source allows NULL' });
      expect(severity(src({ kind: 'date' }, { nullable: false }), 'date')).to.equal(undefined);
    });

  });

  describe('accepted on purpose: a narrower character set (values it cannot hold become rejected rows)', () => {
    it('takes latin1, cp1250, latin2, ascii, utf8mb3 or another set for any source, with or without createTables', () => {
      for (const charset of ['latin1', 'cp1250', 'latin2', 'ascii', 'utf8mb3', 'greek']) {
        expect(severity(src(text(10, false, 'UTF8')), 'varchar(10)', { charset }), charset).to.equal(undefined);
      }
    });

    it('takes a key column in a set fbsync checks, with a binary collation', () => {
      expect(severity(src(text(10, false, 'UTF8'), { key: true }), 'varchar(10)', { charset: 'latin1', collation: 'latin1_bin' })).to.equal(undefined);
      expect(severity(src(text(10, false, 'UTF8'), { key: true }), 'varchar(10)', { charset: 'cp1250', collation: 'cp1250_bin' })).to.equal(undefined);
    });

    it('refuses a key column in a set fbsync has no table of, whose byte order it cannot match', () => {
      expect(misfit(src(text(10, false, 'UTF8'), { key: true }), mysqlColumn('varchar(10)', { charset: 'greek', collation: 'greek_bin' }))).to.deep.equal({
        severity: 'type',
        reason: 'is a key column in greek, which fbsync cannot check keys against: use utf8mb4 with utf8mb4_bin',
      });
    });
  });
});

describe('columns narrower than their source', () => {
  it('holds the character count of a CHAR or VARCHAR target narrower than the source text', () => {
    expect(narrower(text(60), mysqlColumn('varchar(30)'))).to.deep.equal({ maxChars: 30 });
    expect(narrower(text(10, true), mysqlColumn('char(4)'))).to.deep.equal({ maxChars: 4 });
    expect(narrower(text(undefined), mysqlColumn('varchar(255)'))).to.deep.equal({ maxChars: 255 });
  });

  it('names the character set of a text column that lacks some source characters, TEXT types too', () => {
    expect(narrower(text(60), mysqlColumn('varchar(60)', { charset: 'latin1' }))).to.deep.equal({ narrowCharset: 'latin1' });
    expect(narrower(text(60), mysqlColumn('varchar(30)', { charset: 'cp1250' }))).to.deep.equal({ maxChars: 30, narrowCharset: 'cp1250' });
    expect(narrower(text(undefined), mysqlColumn('longtext', { charset: 'ascii' }))).to.deep.equal({ narrowCharset: 'ascii' });
  });

  it('names no character set that holds every source character', () => {
    expect(narrower(text(60, false, 'WIN1252'), mysqlColumn('varchar(60)', { charset: 'latin1' }))).to.deep.equal({});
    expect(narrower(text(60, false, 'ASCII'), mysqlColumn('varchar(60)', { charset: 'latin2' }))).to.deep.equal({});
    expect(narrower(text(60, false, 'WIN1252'), mysqlColumn('varchar(60)', { charset: 'utf8mb3' }))).to.deep.equal({});
  });

  it('holds nothing where the target is as wide, a TEXT type, or not text at all', () => {
    expect(narrower(text(30), mysqlColumn('varchar(30)'))).to.deep.equal({});
    expect(narrower(text(60), mysqlColumn('text'))).to.deep.equal({});
    expect(narrower({ kind: 'integer', bits: 32 }, mysqlColumn('int(11)'))).to.deep.equal({});
  });

  it('finds the first value longer than its column, trailing blanks counted', () => {
    const columns = [{ target: 'ID' }, { target: 'CODIGO', maxChars: 5 }, { target: 'NOME', maxChars: 3 }];
    expect(tooLong(columns, [1, 'A-1  ', 'abc'])).to.equal(undefined);
    expect(tooLong(columns, [1, 'A-1   ', 'abc'])).to.deep.equal({ column: 'CODIGO', chars: 6, max: 5 });
    expect(tooLong(columns, [1, null, 'abcd'])).to.deep.equal({ column: 'NOME', chars: 4, max: 3 });
  });

  it('counts characters, not UTF-16 units: an emoji is one', () => {
    const columns = [{ target: 'NOME', maxChars: 3 }];
    expect(tooLong(columns, ['a😀b'])).to.equal(undefined);
    expect(tooLong(columns, ['a😀bc'])).to.deep.equal({ column: 'NOME', chars: 4, max: 3 });
  });
});
