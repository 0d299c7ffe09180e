import { expect } from 'chai';
import { FbsyncError } from '../../lib/core/errors.js';
import type { FirebirdColumn, FirebirdTable } from '../../lib/firebird/metadata.js';
import type { MysqlColumn, MysqlTable } from '../../lib/mysql/metadata.js';
import { lowerCaseNames } from '../../lib/sync/names.js';
import { planSource, planTable, tableDesign } from '../../lib/sync/plan.js';
import { checkExclusions, excludedColumns } from '../../lib/sync/exclusions.js';
import { checkRoundToTarget } from '../../lib/sync/round-to-target.js';

function fbColumn(name: string, type: string, shape: FirebirdColumn['shape'], more: Partial<FirebirdColumn> = {}): FirebirdColumn {
  return { name, type, kind: shape?.kind, shape, nullable: true, computed: false, select: `"${name}"`, param: '?', padded: false, blob: false, ...more };
}

const SOURCE: FirebirdTable = {
  name: 'TB_ITEM',
  key: ['ID', 'CODIGO'],
  columns: [
    fbColumn('ID', 'INTEGER', { kind: 'integer', bits: 32 }, { nullable: false }),
    fbColumn('CODIGO', 'VARCHAR(20) CHARACTER SET UTF8', { kind: 'text', length: 20, fixed: false, charset: 'UTF8' }, { nullable: false, domain: 'D_CODIGO' }),
    fbColumn('PRECO', 'NUMERIC(15,2)', { kind: 'decimal', precision: 15, scale: 2, digits: 19 }),
    fbColumn('TOTAL', 'NUMERIC(18,2)', { kind: 'decimal', precision: 18, scale: 2, digits: 19 }, { computed: true }),
    fbColumn('TAGS', 'ARRAY[1:3] OF VARCHAR(10)', undefined, { unsupported: 'ARRAY columns cannot be read through node-firebird' }),
  ],
};

function myColumn(name: string, columnType: string, more: Partial<MysqlColumn> = {}): MysqlColumn {
  const dataType = /^[a-z]+/.exec(columnType)![0];
  return { name, dataType, columnType, nullable: true, collation: null, charset: null, maxLength: null, precision: null, scale: null, fractionDigits: null, ...more };
}

function target(overrides: Record<string, Partial<MysqlColumn>> = {}): MysqlTable {
  const columns = [
    myColumn('id', 'int(11)', { nullable: false }),
    myColumn('codigo', 'varchar(20)', { nullable: false, collation: 'utf8mb4_bin', charset: 'utf8mb4', maxLength: 20 }),
    myColumn('preco', 'decimal(15,2)', { precision: 15, scale: 2 }),
    myColumn('total', 'decimal(19,2)', { precision: 19, scale: 2 }),
  ].map((c) => ({ ...c, ...(overrides[c.name] ?? {}) }));
  return { database: 'erp', name: 'tb_item', columns, uniqueKeys: [{ name: 'PRIMARY', columns: ['id', 'codigo'] }] };
}

const errorOf = (fn: () => unknown): FbsyncError => {
  try {
    fn();
  } catch (err) {
    if (err instanceof FbsyncError) return err;
    throw err;
  }
  throw new Error('expected an FbsyncError');
};

describe('planning', () => {
  describe('planSource', () => {
    it('refuses an ARRAY column, naming TABLE.COLUMN and the exclusion', () => {
      const err = errorOf(() => planSource(SOURCE));
      expect(err.code).to.equal('UNSUPPORTED_COLUMN');
      expect(err.message).to.equal(
        'cannot copy TB_ITEM.TAGS (ARRAY[1:3] OF VARCHAR(10)) faithfully: ARRAY columns cannot be read through node-firebird; exclude it: add TB_ITEM.TAGS to `excludeColumns`',
      );
      expect(err.options).to.deep.equal(['excludeColumns']);
    });

    it('maps names through a NameMapping and keeps the key order', () => {
      const plan = planSource(SOURCE, { excludeColumns: ['tags'], names: lowerCaseNames });
      expect(plan.target).to.equal('tb_item');
      expect(plan.columns.map((c) => c.target)).to.deep.equal(['id', 'codigo', 'preco', 'total']);
      expect(plan.key).to.deep.equal([0, 1]);
    });

    it('refuses two columns mapped to one MySQL name, and a mapping that gives no name', () => {
      expect(() => planSource(SOURCE, { excludeColumns: ['TAGS'], names: { column: (c) => (c === 'TOTAL' ? 'preco' : c) } }))
        .to.throw(FbsyncError, 'TB_ITEM.PRECO and TB_ITEM.TOTAL would both be MySQL column preco');
      expect(() => planSource(SOURCE, { excludeColumns: ['TAGS'], names: { table: () => '' } })).to.throw(FbsyncError, /gave "" for Firebird table TB_ITEM/);
    });

    it('refuses a table without a primary key, and a key column left out', () => {
      expect(errorOf(() => planSource({ ...SOURCE, key: [] })).code).to.equal('SOURCE_NO_KEY');
      expect(errorOf(() => planSource(SOURCE, { excludeColumns: ['TAGS', 'codigo'] })).code).to.equal('EXCLUDED_KEY');
    });

    it('designs the MySQL table with each column saying where it comes from', () => {
      const design = tableDesign(planSource(SOURCE, { excludeColumns: ['TAGS'] }));
      expect(design.columns.map((c) => c.comment)).to.deep.equal(['INTEGER', 'VARCHAR(20) CHARACTER SET UTF8, domain D_CODIGO', 'NUMERIC(15,2)', 'COMPUTED BY, NUMERIC(18,2)']);
    });
  });

  describe('planTable', () => {
    const options = { excludeColumns: ['TAGS'], names: lowerCaseNames };

    it('matches columns by mapped name and carries how to read and compare them', () => {
      const spec = planTable(SOURCE, target(), options);
      expect(spec.target).to.equal('tb_item');
      expect(spec.columns.map((c) => [c.source, c.target, c.kind])).to.deep.equal([
        ['ID', 'id', 'integer'], ['CODIGO', 'codigo', 'text'], ['PRECO', 'preco', 'decimal'], ['TOTAL', 'total', 'decimal'],
      ]);
      expect(spec.columns[1]!.firebird).to.deep.equal({ select: '"CODIGO"', padded: false, blob: false, param: '?' });
    });

    it('always refuses a column that would change values, listing every one', () => {
      const err = errorOf(() => planTable(SOURCE, target({ preco: { columnType: 'decimal(15,1)', scale: 1 }, codigo: { collation: 'utf8mb4_general_ci' } }), options));
      expect(err.code).to.equal('TARGET_COLUMN_TYPE');
      expect(err.message)
        .to.include('MySQL table erp.tb_item cannot hold TB_ITEM exactly: codigo varchar(20) is a key column with collation utf8mb4_general_ci')
        .and.include('; preco decimal(15,1) has 1 decimals, the source 2: MySQL would round (TB_ITEM.PRECO is NUMERIC(15,2))')
        .and.include('the schema command with `alter` prints the ALTER TABLE that would')
        .and.include('add TB_ITEM.CODIGO,TB_ITEM.PRECO to `excludeColumns`');
      expect(err.hint, 'the collation cannot be rounded; the decimals can').to.include('let fbsync round TB_ITEM.PRECO as MySQL stores it: `roundToTarget`');
      expect(err.options).to.deep.equal(['excludeColumns', 'alter', 'roundToTarget']);
    });

    it('refuses a column too small for some values only when strict (fbsync manages the schema)', () => {
      const small = target({ preco: { columnType: 'decimal(10,2)', precision: 10 } });
      expect(() => planTable(SOURCE, small, options)).to.not.throw();
      expect(() => planTable(SOURCE, small, { ...options, strict: true })).to.throw(FbsyncError, 'preco decimal(10,2) has 8 digits before the point, the source 13');
    });

    it('names a missing column and a missing unique key', () => {
      const missing = target();
      missing.columns = missing.columns.filter((c) => c.name !== 'total');
      expect(() => planTable(SOURCE, missing, options)).to.throw(FbsyncError, 'MySQL table erp.tb_item has no column total for TB_ITEM.TOTAL (NUMERIC(18,2))');
      expect(() => planTable(SOURCE, { ...target(), uniqueKeys: [{ name: 'UK_ID', columns: ['id'] }] }, options)).to.throw(FbsyncError, 'no PRIMARY KEY or UNIQUE index on (id, codigo)');
    });

    it('takes a UNIQUE index on the source key, in any column order and case, for the primary key', () => {
      const unique = { ...target(), uniqueKeys: [{ name: 'UK_ITEM', columns: ['CODIGO', 'ID'] }] };
      expect(planTable(SOURCE, unique, options).key).to.deep.equal([0, 1]);
    });

    it('takes other unique keys that hold the whole source key', () => {
      const wider = { ...target(), uniqueKeys: [{ name: 'PRIMARY', columns: ['id', 'codigo'] }, { name: 'UK_WIDER', columns: ['preco', 'codigo', 'id'] }] };
      expect(() => planTable(SOURCE, wider, options)).to.not.throw();
    });

    it('refuses a primary key on part of the source key, naming it and how to replace it', () => {
      const partial = { ...target(), uniqueKeys: [{ name: 'PRIMARY', columns: ['id'] }, { name: 'UK_ITEM', columns: ['id', 'codigo'] }] };
      const err = errorOf(() => planTable(SOURCE, partial, options));
      expect(err.code).to.equal('TARGET_OTHER_KEY');
      expect(err.message).to.match(
        /^MySQL table erp\.tb_item has PRIMARY KEY \(id\), which does not hold all of the source's primary key \(id, codigo\): an upsert would overwrite a target row of another key that shares those values, and two source rows would end as one; /,
      );
      expect(err.hint).to.equal('make the source\'s key the only unique one (ALTER TABLE tb_item DROP PRIMARY KEY, ADD PRIMARY KEY (`id`, `codigo`)), or sync into a table of its own');
    });

    it('refuses a UNIQUE index on other columns, naming each and the plain index to make of it', () => {
      const others = { ...target(), uniqueKeys: [{ name: 'PRIMARY', columns: ['id', 'codigo'] }, { name: 'UK_PRECO', columns: ['preco'] }, { name: 'UK_TOTAL', columns: ['total', 'id'] }] };
      const err = errorOf(() => planTable(SOURCE, others, options));
      expect(err.message).to.include('has UNIQUE index UK_PRECO (preco) and UNIQUE index UK_TOTAL (total, id), which do not hold');
      expect(err.hint).to.include('DROP INDEX `UK_PRECO`, ADD INDEX `UK_PRECO` (`preco`), DROP INDEX `UK_TOTAL`, ADD INDEX `UK_TOTAL` (`total`, `id`)');
    });

    it('says to replace the primary key when it is on other columns than the source key', () => {
      const err = errorOf(() => planTable(SOURCE, { ...target(), uniqueKeys: [{ name: 'PRIMARY', columns: ['id'] }] }, options));
      expect(err.code).to.equal('TARGET_NO_KEY');
      expect(err.hint).to.include('ALTER TABLE tb_item DROP PRIMARY KEY, ADD PRIMARY KEY (id, codigo)');
    });

    it('leaves alone columns only MySQL has when nullable, defaulted, auto-increment or generated', () => {
      const extra = target();
      extra.columns.push(
        myColumn('obs', 'varchar(100)'),
        myColumn('status', 'char(1)', { nullable: false, hasDefault: true }),
        myColumn('seq', 'bigint(20)', { nullable: false, autoIncrement: true }),
        myColumn('preco_total', 'decimal(17,2)', { nullable: false, generated: true }),
      );
      expect(planTable(SOURCE, extra, options).columns.map((c) => c.target)).to.deep.equal(['id', 'codigo', 'preco', 'total']);
    });

    it('refuses a NOT NULL column without a default that the source does not fill, naming it and the fixes', () => {
      const extra = target();
      extra.columns.push(myColumn('criado_por', 'varchar(30)', { nullable: false }));
      const err = errorOf(() => planTable(SOURCE, extra, options));
      expect(err.code).to.equal('TARGET_COLUMN_UNFILLED');
      expect(err.message).to.match(/^MySQL table erp\.tb_item has a column the source does not fill, NOT NULL and without a default: criado_por \(varchar\(30\) NOT NULL\); every insert would fail; /);
      expect(err.hint).to.equal(
        'give it a default (ALTER TABLE `tb_item` ALTER COLUMN `criado_por` SET DEFAULT …), make it nullable (ALTER TABLE `tb_item` MODIFY `criado_por` varchar(30) NULL), or fill it from a source column',
      );
    });

    it('refuses a NOT NULL column left without a source when its source column is excluded', () => {
      const err = errorOf(() => planTable(SOURCE, target({ preco: { nullable: false } }), { ...options, excludeColumns: ['TAGS', 'PRECO'] }));
      expect(err.message).to.include('preco (decimal(15,2) NOT NULL)');
    });
  });

  describe('roundToTarget', () => {
    const ADOPTED: FirebirdTable = {
      name: 'TB_VENDA',
      key: ['ID'],
      columns: [
        fbColumn('ID', 'NUMERIC(9,2)', { kind: 'decimal', precision: 9, scale: 2, digits: 10 }, { nullable: false }),
        fbColumn('QUANDO', 'TIMESTAMP', { kind: 'timestamp' }),
        fbColumn('VALOR', 'NUMERIC(15,4)', { kind: 'decimal', precision: 15, scale: 4, digits: 19 }),
        fbColumn('QTD', 'NUMERIC(9,2)', { kind: 'decimal', precision: 9, scale: 2, digits: 10 }),
      ],
    };
    const adopted = (key = 'decimal(9,2)'): MysqlTable => ({
      database: 'erp',
      name: 'TB_VENDA',
      columns: [
        myColumn('ID', key, { nullable: false, precision: 9, scale: /,2\)/.test(key) ? 2 : 0 }),
        myColumn('QUANDO', 'datetime', { fractionDigits: 0 }),
        myColumn('VALOR', 'decimal(15,2)', { precision: 15, scale: 2 }),
        myColumn('QTD', 'int(11)'),
      ],
      uniqueKeys: [{ name: 'PRIMARY', columns: ['ID'] }],
    });

    it('without it, refuses the narrower columns and names the option as the way out', () => {
      const err = errorOf(() => planTable(ADOPTED, adopted()));
      expect(err.code).to.equal('TARGET_COLUMN_TYPE');
      expect(err.message).to.include('QUANDO datetime keeps 0 digits of a second, the source 4: use DATETIME(4) (TB_VENDA.QUANDO is TIMESTAMP)');
      expect(err.hint).to.include('let fbsync round TB_VENDA.QUANDO, TB_VENDA.VALOR, TB_VENDA.QTD as MySQL stores them: `roundToTarget`');
      expect(err.options).to.include('roundToTarget');
    });

    it('with true, accepts them and plans each column rounded to the digits its MySQL column keeps', () => {
      const spec = planTable(ADOPTED, adopted(), { roundToTarget: true });
      expect(spec.columns.map((c) => [c.source, c.round])).to.deep.equal([['ID', undefined], ['QUANDO', 0], ['VALOR', 2], ['QTD', 0]]);
    });

    it('with a list, rounds only the columns listed (names case-insensitive) and refuses the rest', () => {
      const err = errorOf(() => planTable(ADOPTED, adopted(), { roundToTarget: ['quando', 'VALOR'] }));
      expect(err.message).to.include('QTD int(11) has no decimals').and.not.include('QUANDO datetime');
      const spec = planTable(ADOPTED, adopted(), { roundToTarget: ['quando', 'VALOR', 'QTD'] });
      expect(spec.columns.map((c) => c.round)).to.deep.equal([undefined, 0, 2, 0]);
    });

    it('refuses a value that is neither true, false nor a list of names, before connecting', () => {
      expect(() => checkRoundToTarget(['VALOR'])).to.not.throw();
      expect(() => checkRoundToTarget('VALOR')).to.throw(FbsyncError, '`roundToTarget` must be true, false or a list of source column names, not "VALOR"');
      expect(() => checkRoundToTarget([''])).to.throw(FbsyncError);
    });

    it('refuses a listed column the table lacks, naming table and column', () => {
      const err = errorOf(() => planTable(ADOPTED, adopted(), { roundToTarget: ['VALOR', 'PRECO'] }));
      expect(err.code).to.equal('OPTION');
      expect(err.message).to.equal('`roundToTarget` names TB_VENDA.PRECO, but Firebird table TB_VENDA has no column PRECO; check the spelling');
      expect(err.options).to.deep.equal(['roundToTarget']);
    });

    it('refuses a key column listed, even where it needs no rounding', () => {
      const err = errorOf(() => planTable(ADOPTED, adopted(), { roundToTarget: ['ID'] }));
      expect(err.code).to.equal('OPTION');
      expect(err.message).to.include('`roundToTarget` names TB_VENDA.ID, which is part of the primary key: fbsync never rounds a key column');
    });

    it('with true, still refuses a narrower key column, saying keys are never rounded', () => {
      const err = errorOf(() => planTable(ADOPTED, adopted('int(11)'), { roundToTarget: true }));
      expect(err.code).to.equal('TARGET_COLUMN_TYPE');
      expect(err.message).to.include('ID int(11) has no decimals, the source 2: MySQL would round, and fbsync never rounds a key column (TB_VENDA.ID is NUMERIC(9,2) NOT NULL)');
      expect(err.hint).to.not.include('roundToTarget');
      expect(err.options).to.deep.equal(['excludeColumns', 'alter']);
    });

    it('with createTables (strict), refuses a DECIMAL with no integer digit to spare for a carry', () => {
      const tight = adopted();
      tight.columns[2] = myColumn('VALOR', 'decimal(13,2)', { precision: 13, scale: 2 });
      expect(() => planTable(ADOPTED, tight, { roundToTarget: true })).to.not.throw();
      expect(() => planTable(ADOPTED, tight, { roundToTarget: true, strict: true })).to.throw(FbsyncError, 'may carry into one more');
    });
  });

  describe('--exclude-columns', () => {
    it('applies TABLE.COLUMN to its table and a bare COLUMN to every table', () => {
      expect(excludedColumns(['TB_ITEM.TAGS', 'OBS', 'TB_OUTRA.X'], 'tb_item')).to.deep.equal(['TAGS', 'OBS']);
    });

    it('refuses entries that name no column of the tables synced', () => {
      expect(() => checkExclusions(['TB_ITEM.TAGS', 'PRECO'], [SOURCE])).to.not.throw();
      expect(() => checkExclusions(['TB_ITEM.TAG'], [SOURCE])).to.throw(FbsyncError, 'Firebird table TB_ITEM has no column TAG');
      expect(() => checkExclusions(['NOPE'], [SOURCE])).to.throw(FbsyncError, 'no table synced has such a column');
      expect(() => checkExclusions(['TB_OUTRA.X'], [SOURCE]), 'a table not synced').to.not.throw();
    });
  });
});
