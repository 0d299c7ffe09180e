/**
 * What `fbsync schema --alter` prints for an existing MySQL table: the changes that make it hold
 * its Firebird source exactly, as fbsync would have created it, and nothing more.
 */
import { expect } from 'chai';
import type { FirebirdColumn, FirebirdTable } from '../../lib/firebird/metadata.js';
import type { MysqlColumn, MysqlTable } from '../../lib/mysql/metadata.js';
import { alterTableSql, tableChanges } from '../../lib/sync/alter-table.js';
import { formatAlterations } from '../../lib/sync/alter.js';
import { lowerCaseNames } from '../../lib/sync/names.js';
import { planSource } from '../../lib/sync/plan.js';
import type { ValueShape } from '../../lib/core/shape.js';

function fbColumn(name: string, type: string, shape: ValueShape, more: Partial<FirebirdColumn> = {}): FirebirdColumn {
  return { name, type, kind: shape.kind, shape, nullable: true, computed: false, select: `"${name}"`, param: '?', padded: false, blob: false, ...more };
}

const SOURCE: FirebirdTable = {
  name: 'TB_ITEM',
  key: ['ID', 'CODIGO'],
  columns: [
    fbColumn('ID', 'INTEGER', { kind: 'integer', bits: 32 }, { nullable: false }),
    fbColumn('CODIGO', 'VARCHAR(20) CHARACTER SET UTF8', { kind: 'text', length: 20, fixed: false, charset: 'UTF8' }, { nullable: false }),
    fbColumn('PRECO', 'NUMERIC(15,4)', { kind: 'decimal', precision: 15, scale: 4, digits: 19 }),
    fbColumn('QTD', 'BIGINT', { kind: 'bigint' }, { nullable: false }),
    fbColumn('NOME', 'VARCHAR(40) CHARACTER SET UTF8', { kind: 'text', length: 40, fixed: false, charset: 'UTF8' }),
    fbColumn('OBS', 'BLOB SUB_TYPE TEXT CHARACTER SET UTF8', { kind: 'text', fixed: false, charset: 'UTF8' }),
    fbColumn('CRIADO_EM', 'TIMESTAMP', { kind: 'timestamp' }),
    fbColumn('HORA', 'TIME', { kind: 'time' }),
    fbColumn('DIA', 'DATE', { kind: 'date' }),
  ],
};

/** A MySQL column as information_schema describes `type`. */
function myColumn(name: string, type: string, more: Partial<MysqlColumn> = {}): MysqlColumn {
  const m = /^([a-z]+)(?:\((\d+)(?:,(\d+))?\))?/.exec(type)!;
  const dataType = m[1]!;
  const n = m[2] === undefined ? null : Number(m[2]);
  const textual = ['char', 'varchar', 'tinytext', 'text', 'mediumtext', 'longtext'].includes(dataType);
  return {
    name,
    dataType,
    columnType: type,
    nullable: true,
    collation: textual ? 'utf8mb4_general_ci' : null,
    charset: textual ? 'utf8mb4' : null,
    maxLength: ['char', 'varchar', 'binary', 'varbinary'].includes(dataType) ? n : null,
    precision: dataType === 'decimal' ? n : null,
    scale: dataType === 'decimal' ? Number(m[3] ?? 0) : null,
    fractionDigits: ['time', 'datetime', 'timestamp'].includes(dataType) ? (n ?? 0) : null,
    ...more,
  };
}

/** The table fbsync would create for SOURCE (lower-case names), with `changes` made to some columns. */
function target(changes: Record<string, MysqlColumn | null> = {}, uniqueKeys = [{ name: 'PRIMARY', columns: ['id', 'codigo'] }]): MysqlTable {
  const exact = [
    myColumn('id', 'int(11)', { nullable: false }),
    myColumn('codigo', 'varchar(20)', { nullable: false, collation: 'utf8mb4_bin' }),
    myColumn('preco', 'decimal(19,4)'),
    myColumn('qtd', 'bigint(20)', { nullable: false }),
    myColumn('nome', 'varchar(40)'),
    myColumn('obs', 'longtext'),
    myColumn('criado_em', 'datetime(4)'),
    myColumn('hora', 'time(4)'),
    myColumn('dia', 'date'),
  ];
  const columns = exact.flatMap((c) => (c.name in changes ? (changes[c.name] ? [changes[c.name]!] : []) : [c]));
  return { database: 'erp', name: 'tb_item', columns, uniqueKeys };
}

const plan = planSource(SOURCE, { names: lowerCaseNames });
const changesOf = (t: MysqlTable) => tableChanges(plan, t);
const clausesOf = (t: MysqlTable) => changesOf(t).clauses;

describe('schema --alter: what makes an existing MySQL table exact', () => {
  it('changes nothing in a table as fbsync would create it', () => {
    expect(changesOf(target())).to.deep.equal({ reasons: [], clauses: [] });
  });

  describe('MODIFY COLUMN, to the type fbsync would create', () => {
    it('for a DATETIME or TIME keeping fewer digits of a second', () => {
      expect(clausesOf(target({ criado_em: myColumn('criado_em', 'datetime'), hora: myColumn('hora', 'time(3)') }))).to.deep.equal([
        'MODIFY COLUMN `criado_em` DATETIME(4)',
        'MODIFY COLUMN `hora` TIME(4)',
      ]);
    });

    it('for a TIMESTAMP, which MySQL shifts through the session time zone', () => {
      expect(clausesOf(target({ criado_em: myColumn('criado_em', 'timestamp(6)') }))).to.deep.equal(['MODIFY COLUMN `criado_em` DATETIME(6)']);
    });

    it('for a DECIMAL with fewer decimals, keeping its digits before the point where it has more', () => {
      expect(clausesOf(target({ preco: myColumn('preco', 'decimal(15,2)') }))).to.deep.equal(['MODIFY COLUMN `preco` DECIMAL(19,4)']);
      expect(clausesOf(target({ preco: myColumn('preco', 'decimal(32,2)') }))).to.deep.equal(['MODIFY COLUMN `preco` DECIMAL(34,4)']);
    });

    it('for a DECIMAL with fewer digits before the point', () => {
      expect(changesOf(target({ preco: myColumn('preco', 'decimal(12,4)') }))).to.deep.equal({
        reasons: ['preco decimal(12,4) has 8 digits before the point, the source 11 (TB_ITEM.PRECO is NUMERIC(15,4))'],
        clauses: ['MODIFY COLUMN `preco` DECIMAL(19,4)'],
      });
    });

    it('for an integer type too small, or unsigned', () => {
      expect(clausesOf(target({ qtd: myColumn('qtd', 'int(11)', { nullable: false }) }))).to.deep.equal(['MODIFY COLUMN `qtd` BIGINT NOT NULL']);
      expect(clausesOf(target({ id: myColumn('id', 'int(10) unsigned', { nullable: false }) }))).to.deep.equal(['MODIFY COLUMN `id` BIGINT NOT NULL']);
    });

    it('for shorter text, in utf8mb4', () => {
      expect(changesOf(target({ nome: myColumn('nome', 'varchar(10)') }))).to.deep.equal({
        reasons: ['nome varchar(10) utf8mb4 holds 10 characters, the source 40 characters (TB_ITEM.NOME is VARCHAR(40) CHARACTER SET UTF8)'],
        clauses: ['MODIFY COLUMN `nome` VARCHAR(40) CHARACTER SET utf8mb4'],
      });
    });

    it('for a narrower character set, keeping a longer length or a TEXT type', () => {
      const latin1 = { charset: 'latin1', collation: 'latin1_swedish_ci' };
      const changes = changesOf(target({ nome: myColumn('nome', 'varchar(100)', latin1), obs: myColumn('obs', 'longtext', latin1) }));
      expect(changes.reasons[0]).to.equal('nome varchar(100) latin1 is latin1, which cannot hold every UTF8 character; use utf8mb4 (TB_ITEM.NOME is VARCHAR(40) CHARACTER SET UTF8)');
      expect(changes.clauses).to.deep.equal(['MODIFY COLUMN `nome` VARCHAR(100) CHARACTER SET utf8mb4', 'MODIFY COLUMN `obs` LONGTEXT CHARACTER SET utf8mb4']);
      expect(clausesOf(target({ nome: myColumn('nome', 'text', latin1) }))).to.deep.equal(['MODIFY COLUMN `nome` TEXT CHARACTER SET utf8mb4']);
    });

    it('for a TEXT type too small for the source, to the type fbsync would create', () => {
      expect(clausesOf(target({ obs: myColumn('obs', 'mediumtext') }))).to.deep.equal(['MODIFY COLUMN `obs` LONGTEXT CHARACTER SET utf8mb4']);
      // TINYTEXT holds the 40 UTF8 characters of NOME (160 bytes), not the 100 of a longer one (400).
      expect(clausesOf(target({ nome: myColumn('nome', 'tinytext') }))).to.deep.equal([]);
      const longer = planSource({ ...SOURCE, columns: SOURCE.columns.map((c) => (c.name === 'NOME' ? { ...c, type: 'VARCHAR(100)', shape: { ...c.shape, length: 100 } as ValueShape } : c)) }, { names: lowerCaseNames });
      expect(tableChanges(longer, target({ nome: myColumn('nome', 'tinytext') })).clauses).to.deep.equal(['MODIFY COLUMN `nome` VARCHAR(100) CHARACTER SET utf8mb4']);
    });

    it('for bytes: a shorter VARBINARY, a BLOB type too small, BINARY (which pads) for varying bytes', () => {
      const source: FirebirdTable = {
        name: 'TB_ARQUIVO',
        key: ['ID'],
        columns: [
          fbColumn('ID', 'INTEGER', { kind: 'integer', bits: 32 }, { nullable: false }),
          fbColumn('HASH', 'VARCHAR(32) CHARACTER SET OCTETS', { kind: 'binary', length: 32, fixed: false }),
          fbColumn('DADOS', 'BLOB SUB_TYPE BINARY', { kind: 'binary', fixed: false }),
          fbColumn('UUID', 'VARCHAR(16) CHARACTER SET OCTETS', { kind: 'binary', length: 16, fixed: false }),
        ],
      };
      const table: MysqlTable = {
        database: 'erp',
        name: 'TB_ARQUIVO',
        columns: [myColumn('ID', 'int(11)', { nullable: false }), myColumn('HASH', 'varbinary(20)'), myColumn('DADOS', 'blob'), myColumn('UUID', 'binary(16)')],
        uniqueKeys: [{ name: 'PRIMARY', columns: ['ID'] }],
      };
      expect(tableChanges(planSource(source), table).clauses).to.deep.equal([
        'MODIFY COLUMN `HASH` VARBINARY(32)',
        'MODIFY COLUMN `DADOS` LONGBLOB',
        'MODIFY COLUMN `UUID` VARBINARY(16)',
      ]);
    });

    it('for a FLOAT where the source is DOUBLE PRECISION, a DOUBLE for a BIGINT', () => {
      const source: FirebirdTable = {
        name: 'TB_MEDIDA',
        key: ['ID'],
        columns: [
          fbColumn('ID', 'BIGINT', { kind: 'bigint' }, { nullable: false }),
          fbColumn('VALOR', 'DOUBLE PRECISION', { kind: 'double' }),
          fbColumn('CONTA', 'BIGINT', { kind: 'bigint' }),
        ],
      };
      const table: MysqlTable = {
        database: 'erp',
        name: 'TB_MEDIDA',
        columns: [myColumn('ID', 'bigint(20)', { nullable: false }), myColumn('VALOR', 'float'), myColumn('CONTA', 'double')],
        uniqueKeys: [{ name: 'PRIMARY', columns: ['ID'] }],
      };
      expect(tableChanges(planSource(source), table).clauses).to.deep.equal(['MODIFY COLUMN `VALOR` DOUBLE', 'MODIFY COLUMN `CONTA` BIGINT']);
    });

    it('for utf8mb3, which lacks the characters outside the BMP', () => {
      expect(clausesOf(target({ nome: myColumn('nome', 'varchar(40)', { charset: 'utf8mb3', collation: 'utf8mb3_general_ci' }) }))).to.deep.equal([
        'MODIFY COLUMN `nome` VARCHAR(40) CHARACTER SET utf8mb4',
      ]);
    });

    it('for a text key whose collation would merge keys differing in case, to utf8mb4_bin', () => {
      const changes = changesOf(target({ codigo: myColumn('codigo', 'varchar(20)', { nullable: false }) }));
      expect(changes.reasons).to.deep.equal([
        'codigo varchar(20) utf8mb4 is a key column with collation utf8mb4_general_ci, under which keys that differ only in case or accents collide: use utf8mb4_bin (TB_ITEM.CODIGO is VARCHAR(20) CHARACTER SET UTF8 NOT NULL)',
      ]);
      expect(changes.clauses).to.deep.equal(['MODIFY COLUMN `codigo` VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL']);
    });

    it('for a wrong type: text for a DATE, CHAR (which drops trailing blanks) for a VARCHAR', () => {
      expect(clausesOf(target({ dia: myColumn('dia', 'varchar(10)'), nome: myColumn('nome', 'char(50)') }))).to.deep.equal([
        'MODIFY COLUMN `nome` VARCHAR(50) CHARACTER SET utf8mb4',
        'MODIFY COLUMN `dia` DATE',
      ]);
    });

    it('for a NOT NULL column whose source allows NULL, making it nullable', () => {
      expect(clausesOf(target({ nome: myColumn('nome', 'varchar(40)', { nullable: false }) }))).to.deep.equal(['MODIFY COLUMN `nome` VARCHAR(40) CHARACTER SET utf8mb4']);
    });

    it('never for a nullable column whose source is NOT NULL, and keeps it nullable when changing it', () => {
      expect(clausesOf(target({ qtd: myColumn('qtd', 'bigint(20)') }))).to.deep.equal([]);
      expect(clausesOf(target({ qtd: myColumn('qtd', 'int(11)') }))).to.deep.equal(['MODIFY COLUMN `qtd` BIGINT']);
    });
  });

  describe('ADD COLUMN', () => {
    it('for a source column the table lacks, nullable so that the rows it has get NULL until a sync fills them', () => {
      expect(changesOf(target({ qtd: null, criado_em: null }))).to.deep.equal({
        reasons: ['qtd is missing (TB_ITEM.QTD is BIGINT NOT NULL)', 'criado_em is missing (TB_ITEM.CRIADO_EM is TIMESTAMP)'],
        clauses: ['ADD COLUMN `qtd` BIGINT', 'ADD COLUMN `criado_em` DATETIME(4)'],
      });
    });

    it('NOT NULL for a key column', () => {
      expect(clausesOf(target({ codigo: null }, [{ name: 'PRIMARY', columns: ['id'] }]))).to.deep.equal([
        'ADD COLUMN `codigo` VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL',
        'DROP PRIMARY KEY, ADD PRIMARY KEY (`id`, `codigo`)',
      ]);
    });

    it('not for a column left out, nor for the target\'s own columns', () => {
      const own = target();
      own.columns = [...own.columns.filter((c) => c.name !== 'obs'), myColumn('atualizado_por', 'varchar(30)', { nullable: false })];
      expect(tableChanges(planSource(SOURCE, { names: lowerCaseNames, excludeColumns: ['OBS'] }), own).clauses).to.deep.equal([]);
    });
  });

  describe('the `softDelete` column', () => {
    it('is added as a DATETIME that may be NULL when missing', () => {
      expect(tableChanges(plan, target(), { softDelete: 'apagado_em' })).to.deep.equal({
        reasons: ['apagado_em is missing (the `softDelete` column)'],
        clauses: ['ADD COLUMN `apagado_em` DATETIME NULL'],
      });
    });

    it('is made nullable when NOT NULL, and left alone when a nullable DATETIME', () => {
      const own = (column: MysqlColumn) => ({ ...target(), columns: [...target().columns, column] });
      expect(tableChanges(plan, own(myColumn('apagado_em', 'datetime', { nullable: false })), { softDelete: 'apagado_em' }).clauses).to.deep.equal(['MODIFY COLUMN `apagado_em` DATETIME NULL']);
      expect(tableChanges(plan, own(myColumn('apagado_em', 'datetime(3)')), { softDelete: 'apagado_em' }).clauses).to.deep.equal([]);
    });
  });

  describe('keys, as planning asks for them', () => {
    it('a PRIMARY KEY on the source\'s key where the table has none', () => {
      expect(changesOf(target({}, []))).to.deep.equal({
        reasons: ["no PRIMARY KEY or UNIQUE index on (id, codigo), the source's primary key"],
        clauses: ['ADD PRIMARY KEY (`id`, `codigo`)'],
      });
    });

    it('is content with a UNIQUE index on exactly the key', () => {
      expect(clausesOf(target({}, [{ name: 'uq_item', columns: ['codigo', 'id'] }]))).to.deep.equal([]);
    });

    it("replaces a PRIMARY KEY on other columns (an AUTO_INCREMENT id, say) with the source's, keeping its columns indexed", () => {
      const keys = [{ name: 'PRIMARY', columns: ['seq'] }, { name: 'uq_item', columns: ['id', 'codigo'] }];
      expect(changesOf(target({}, keys))).to.deep.equal({
        reasons: ["PRIMARY KEY (seq) does not hold all of the source's primary key (id, codigo)"],
        clauses: ['DROP PRIMARY KEY, ADD PRIMARY KEY (`id`, `codigo`), ADD INDEX (`seq`)'],
      });
    });

    it('replaces a PRIMARY KEY on more columns than the source\'s key', () => {
      expect(clausesOf(target({}, [{ name: 'PRIMARY', columns: ['id', 'codigo', 'dia'] }]))).to.deep.equal(['DROP PRIMARY KEY, ADD PRIMARY KEY (`id`, `codigo`), ADD INDEX (`id`, `codigo`, `dia`)']);
    });

    it('makes another UNIQUE index, on which an upsert would overwrite a row, a plain index of the same name', () => {
      expect(changesOf(target({}, [{ name: 'PRIMARY', columns: ['id', 'codigo'] }, { name: 'uq_nome', columns: ['nome'] }]))).to.deep.equal({
        reasons: ["UNIQUE index uq_nome (nome) does not hold all of the source's primary key (id, codigo)"],
        clauses: ['DROP INDEX `uq_nome`, ADD INDEX `uq_nome` (`nome`)'],
      });
    });
  });

  it('gives one ALTER TABLE: columns changed, then added, then keys', () => {
    const t = target({ preco: myColumn('preco', 'decimal(15,2)'), dia: null }, [{ name: 'PRIMARY', columns: ['id'] }]);
    const sql = alterTableSql(t.name, changesOf(t).clauses);
    expect(sql).to.equal('ALTER TABLE `tb_item`\n  MODIFY COLUMN `preco` DECIMAL(19,4),\n  ADD COLUMN `dia` DATE,\n  DROP PRIMARY KEY, ADD PRIMARY KEY (`id`, `codigo`)');
  });

  describe('formatAlterations', () => {
    it('prints each table with its reasons as comments, an exact table as one comment line, a missing one as its CREATE TABLE', () => {
      const script = formatAlterations({
        tables: [
          { table: 'TB_ITEM', target: 'tb_item', status: 'alter', reasons: ['preco decimal(15,2) has 2 decimals'], sql: 'ALTER TABLE `tb_item`\n  MODIFY COLUMN `preco` DECIMAL(19,4)' },
          { table: 'TB_OK', target: 'tb_ok', status: 'exact', reasons: [] },
          { table: 'TB_NEW', target: 'tb_new', status: 'create', reasons: ['does not exist'], sql: 'CREATE TABLE `tb_new` (…)' },
        ],
        skipped: [{ table: 'TB_LOG', reason: 'no primary key' }],
      });
      expect(script).to.equal(
        [
          '-- TB_ITEM -> tb_item: not exact\n--   preco decimal(15,2) has 2 decimals\nALTER TABLE `tb_item`\n  MODIFY COLUMN `preco` DECIMAL(19,4);',
          '-- TB_OK -> tb_ok: exact',
          '-- TB_NEW -> tb_new: does not exist; fbsync would create it so:\nCREATE TABLE `tb_new` (…);',
          '-- skipped TB_LOG: no primary key',
        ].join('\n\n'),
      );
    });
  });
});
