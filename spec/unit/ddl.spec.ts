import { expect } from 'chai';
import { FbsyncError } from '../../lib/core/errors.js';
import {
  INNODB_ROW_BYTES, MYSQL_ROW_BYTES, addColumnSql, columnDefinitionSql, createTableSql, modifyColumnSql, decimalBytes, mysqlColumnTypes, mysqlType, type DdlColumn, type TableDesign,
} from '../../lib/mysql/ddl.js';
import type { ValueShape } from '../../lib/core/shape.js';

const text = (length: number | undefined, options: { fixed?: boolean; charset?: string } = {}): ValueShape => ({
  kind: 'text', length, fixed: Boolean(options.fixed), charset: options.charset ?? 'UTF8',
});
const id: DdlColumn = { name: 'ID', shape: { kind: 'integer', bits: 32 }, nullable: false };
const table = (...columns: DdlColumn[]): TableDesign => ({ name: 'T', columns: [id, ...columns], key: [0] });
const column = (name: string, shape: ValueShape, nullable = true): DdlColumn => ({ name, shape, nullable });

describe('MySQL DDL', () => {
  describe('mysqlType', () => {
    it('maps numbers, booleans and times to the types that hold them exactly', () => {
      expect(mysqlType({ kind: 'integer', bits: 16 })).to.equal('SMALLINT');
      expect(mysqlType({ kind: 'integer', bits: 32 })).to.equal('INT');
      expect(mysqlType({ kind: 'bigint' })).to.equal('BIGINT');
      expect(mysqlType({ kind: 'float' })).to.equal('FLOAT');
      expect(mysqlType({ kind: 'double' })).to.equal('DOUBLE');
      expect(mysqlType({ kind: 'boolean' })).to.equal('BOOLEAN');
      expect(mysqlType({ kind: 'date' })).to.equal('DATE');
      expect(mysqlType({ kind: 'time' })).to.equal('TIME(4)');
      expect(mysqlType({ kind: 'timestamp' })).to.equal('DATETIME(4)');
    });

    it("sizes DECIMAL to the digits of Firebird's storage, not the declared precision", () => {
      // NUMERIC(4,1) is a SMALLINT: up to 3276.7. NUMERIC(9,2) an INTEGER: 21474836.47.
      expect(mysqlType({ kind: 'decimal', precision: 4, scale: 1, digits: 5 })).to.equal('DECIMAL(5,1)');
      expect(mysqlType({ kind: 'decimal', precision: 9, scale: 2, digits: 10 })).to.equal('DECIMAL(10,2)');
      // NUMERIC(18,4) is a BIGINT: 922337203685477.5807, 19 digits.
      expect(mysqlType({ kind: 'decimal', precision: 18, scale: 4, digits: 19 })).to.equal('DECIMAL(19,4)');
      expect(mysqlType({ kind: 'decimal', precision: 18, scale: 18, digits: 19 })).to.equal('DECIMAL(19,18)');
      expect(mysqlType({ kind: 'decimal', precision: 1, scale: 0, digits: 5 })).to.equal('DECIMAL(5,0)');
    });

    it('maps text to CHAR up to 255, else VARCHAR, BLOBs to LONGTEXT; a key gets a binary collation', () => {
      expect(mysqlType(text(10, { fixed: true }))).to.equal('CHAR(10)');
      expect(mysqlType(text(255, { fixed: true }))).to.equal('CHAR(255)');
      expect(mysqlType(text(256, { fixed: true }))).to.equal('VARCHAR(256)');
      expect(mysqlType(text(100))).to.equal('VARCHAR(100)');
      expect(mysqlType(text(undefined))).to.equal('LONGTEXT');
      expect(mysqlType(text(20), { key: true })).to.equal('VARCHAR(20) COLLATE utf8mb4_bin');
      expect(mysqlType(text(3, { fixed: true }), { key: true })).to.equal('CHAR(3) COLLATE utf8mb4_bin');
    });

    it('turns text too long for a VARCHAR into the smallest TEXT type that holds it in UTF-8', () => {
      // 16,384 characters are 65,536 bytes in utf8mb4: no VARCHAR takes them.
      expect(mysqlType(text(16_383))).to.equal('VARCHAR(16383)');
      expect(mysqlType(text(16_384))).to.equal('MEDIUMTEXT');
      // WIN1252 characters take at most 3 bytes: 20,000 of them fit a TEXT's 65,535? No: 60,000 do.
      expect(mysqlType(text(20_000, { charset: 'WIN1252' }))).to.equal('TEXT');
      expect(mysqlType(text(32_765, { charset: 'ASCII' }))).to.equal('TEXT');
    });

    it('maps bytes to BINARY(n) when every value has n bytes, else VARBINARY, BLOBs to LONGBLOB', () => {
      expect(mysqlType({ kind: 'binary', length: 16, fixed: true })).to.equal('BINARY(16)');
      expect(mysqlType({ kind: 'binary', length: 16, fixed: false })).to.equal('VARBINARY(16)');
      expect(mysqlType({ kind: 'binary', length: 300, fixed: true })).to.equal('VARBINARY(300)');
      expect(mysqlType({ kind: 'binary', fixed: false })).to.equal('LONGBLOB');
      expect(mysqlType({ kind: 'binary', length: 70_000, fixed: false })).to.equal('MEDIUMBLOB');
    });
  });

  describe('rows too wide for MySQL', () => {
    it("leaves a row within both limits alone", () => {
      expect(mysqlColumnTypes(table(column('A', text(60)), column('B', text(1000))))).to.deep.equal(['INT', 'VARCHAR(60)', 'VARCHAR(1000)']);
    });

    it("turns the widest non-key columns into TEXT until the row fits MySQL's 65,535 bytes", () => {
      // Four VARCHAR(5000) take 80,000 bytes in utf8mb4; three fit.
      const types = mysqlColumnTypes(table(...[1, 2, 3, 4].map((i) => column(`V${i}`, text(5000)))));
      expect(types.filter((t) => t === 'TEXT')).to.have.length(1);
      expect(types.filter((t) => t === 'VARCHAR(5000)')).to.have.length(3);
    });

    it("turns short columns into TEXT until the inline part fits InnoDB's half page", () => {
      // 40 VARCHAR(60) are 241 inline bytes each: MariaDB refuses 34 of them in one table.
      const types = mysqlColumnTypes(table(...Array.from({ length: 40 }, (_, i) => column(`V${i}`, text(60)))));
      const inline = types.filter((t) => t === 'VARCHAR(60)').length;
      expect(inline).to.be.within(28, 33);
      expect(types.filter((t) => t === 'TEXT')).to.have.length(40 - inline);
      expect(INNODB_ROW_BYTES).to.be.lessThan(MYSQL_ROW_BYTES);
    });

    it('never turns a key column into TEXT', () => {
      const design: TableDesign = {
        name: 'T',
        columns: [column('K', text(700), false), ...Array.from({ length: 40 }, (_, i) => column(`V${i}`, text(60)))],
        key: [0],
      };
      expect(mysqlColumnTypes(design)[0]).to.equal('VARCHAR(700) COLLATE utf8mb4_bin');
    });

    it('refuses a table that does not fit even with every text column as TEXT', () => {
      const design = table(...Array.from({ length: 1100 }, (_, i) => column(`N${i}`, { kind: 'bigint' })));
      expect(() => mysqlColumnTypes(design)).to.throw(FbsyncError, /cannot hold a row of its 1101 columns/).with.property('code', 'TARGET_ROW_TOO_WIDE');
    });

    it("refuses a key longer than InnoDB's 3072 bytes, naming the key", () => {
      const design: TableDesign = { name: 'T', columns: [column('A', text(500), false), column('B', text(300), false)], key: [0, 1] };
      expect(() => mysqlColumnTypes(design)).to.throw(FbsyncError, /primary key \(A, B\) of MySQL table T would take 3200 bytes/).with.property('code', 'TARGET_KEY_TOO_LONG');
    });
  });

  describe('createTableSql', () => {
    it('writes one column per line with NOT NULL and its origin, the primary key, InnoDB and utf8mb4', () => {
      const sql = createTableSql({
        name: 'TB_ITEM',
        columns: [
          { name: 'ID_PEDIDO', shape: { kind: 'bigint' }, nullable: false, comment: 'BIGINT' },
          { name: 'CODIGO', shape: text(20), nullable: false, comment: 'VARCHAR(20) CHARACTER SET UTF8, domain D_CODIGO' },
          { name: 'weird `name`', shape: { kind: 'decimal', precision: 15, scale: 2, digits: 19 }, nullable: true },
        ],
        key: [0, 1],
      });
      expect(sql).to.equal(
        [
          'CREATE TABLE `TB_ITEM` (',
          '  `ID_PEDIDO` BIGINT NOT NULL, -- BIGINT',
          '  `CODIGO` VARCHAR(20) COLLATE utf8mb4_bin NOT NULL, -- VARCHAR(20) CHARACTER SET UTF8, domain D_CODIGO',
          '  `weird ``name``` DECIMAL(19,2),',
          '  PRIMARY KEY (`ID_PEDIDO`, `CODIGO`)',
          ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 ROW_FORMAT=DYNAMIC',
        ].join('\n'),
      );
    });

    it('keeps a comment on its line', () => {
      const sql = createTableSql({ name: 'T', columns: [{ ...id, comment: 'two\nlines' }], key: [0] });
      expect(sql).to.include('`ID` INT NOT NULL, -- two lines\n');
    });
  });

  describe('decimalBytes', () => {
    it('counts 4 bytes per 9 digits on each side of the point, fewer for the rest', () => {
      expect(decimalBytes(19, 4)).to.equal(9); // 15 digits: 4 + 3; 4 digits: 2
      expect(decimalBytes(5, 1)).to.equal(3); // 4 digits: 2; 1 digit: 1
      expect(decimalBytes(18, 9)).to.equal(8);
      expect(decimalBytes(10, 0)).to.equal(5);
    });
  });

  describe('ALTER statements', () => {
    it('spells out utf8mb4 for text, before a key column\'s binary collation', () => {
      expect(columnDefinitionSql(column('NAME', text(40)))).to.equal('`NAME` VARCHAR(40) CHARACTER SET utf8mb4');
      expect(columnDefinitionSql(column('CODE', text(10), false), { key: true })).to.equal('`CODE` VARCHAR(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL');
    });

    it('adds and modifies one column in the type fbsync would create', () => {
      expect(addColumnSql('tb_estoque', column('QT_MINIMA', { kind: 'decimal', precision: 15, scale: 4, digits: 18 }))).to.equal('ALTER TABLE `tb_estoque` ADD COLUMN `QT_MINIMA` DECIMAL(18,4)');
      expect(modifyColumnSql('tb_estoque', column('DT', { kind: 'timestamp' }, false))).to.equal('ALTER TABLE `tb_estoque` MODIFY COLUMN `DT` DATETIME(4) NOT NULL');
    });
  });
});
