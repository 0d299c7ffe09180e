/**
 * Names: how Firebird tables and columns become MySQL ones (a name case for the run, a table's
 * own `target` and `columns`), what is refused, and planning errors that name both sides.
 */
import { expect } from 'chai';
import { FbsyncError } from '../../lib/core/errors.js';
import type { FirebirdColumn, FirebirdTable } from '../../lib/firebird/metadata.js';
import type { MysqlColumn, MysqlTable } from '../../lib/mysql/metadata.js';
import { asIsNames, lowerCaseNames, namesFor, upperCaseNames, withColumns } from '../../lib/sync/names.js';
import { planSource, planTable } from '../../lib/sync/plan.js';
import { sharedTargetError, type PreparedTable } from '../../lib/sync/prepare-tables.js';
import { JobFileError, parseJob } from '../../lib/index.js';
import { commandMessage } from '../../bin/messages.js';

function fbColumn(name: string, type: string, shape: FirebirdColumn['shape'], nullable = true): FirebirdColumn {
  return { name, type, kind: shape?.kind, shape, nullable, computed: false, select: `"${name}"`, param: '?', padded: false, blob: false };
}

const ESTOQUE: FirebirdTable = {
  name: 'TB_ESTOQUE',
  key: ['ID_PRODUTO'],
  columns: [
    fbColumn('ID_PRODUTO', 'INTEGER', { kind: 'integer', bits: 32 }, false),
    fbColumn('QT_ESTOQUE', 'NUMERIC(15,2)', { kind: 'decimal', precision: 15, scale: 2, digits: 19 }),
    fbColumn('DT_ATUALIZACAO', 'TIMESTAMP', { kind: 'timestamp' }),
    fbColumn('OBS', 'VARCHAR(40)', { kind: 'text', length: 40, fixed: false, charset: 'UTF8' }),
  ],
};

function myColumn(name: string, columnType: string, more: Partial<MysqlColumn> = {}): MysqlColumn {
  const dataType = /^[a-z]+/.exec(columnType)![0];
  return { name, dataType, columnType, nullable: true, collation: null, charset: null, maxLength: null, precision: null, scale: null, fractionDigits: null, ...more };
}

/** The adopted MySQL table: lower-case names, another table name, one column renamed. */
function estoque(columns = ['id_produto', 'qt_estoque', 'updated_at', 'obs']): MysqlTable {
  const all: Record<string, MysqlColumn> = {
    id_produto: myColumn('id_produto', 'int(11)', { nullable: false }),
    qt_estoque: myColumn('qt_estoque', 'decimal(15,2)', { precision: 15, scale: 2 }),
    updated_at: myColumn('updated_at', 'datetime(4)', { fractionDigits: 4 }),
    dt_atualizacao: myColumn('dt_atualizacao', 'datetime(4)', { fractionDigits: 4 }),
    obs: myColumn('obs', 'varchar(40)', { charset: 'utf8mb4', collation: 'utf8mb4_bin', maxLength: 40 }),
  };
  return { database: 'shop', name: 'estoque', columns: columns.map((c) => all[c]!), uniqueKeys: [{ name: 'PRIMARY', columns: ['id_produto'] }] };
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

describe('names', () => {
  describe('name cases', () => {
    it('lower, upper and as-is map table and column names', () => {
      expect([lowerCaseNames, upperCaseNames, asIsNames].map((n) => planSource({ ...ESTOQUE, name: 'Tb_Estoque' }, { names: n }).target)).to.deep.equal(['tb_estoque', 'TB_ESTOQUE', 'Tb_Estoque']);
      expect(planSource(ESTOQUE, { names: namesFor('lower') }).columns.map((c) => c.target)).to.deep.equal(['id_produto', 'qt_estoque', 'dt_atualizacao', 'obs']);
    });

    it('namesFor gives the mapping of each case a command line or job file may name', () => {
      expect(namesFor('lower')).to.equal(lowerCaseNames);
      expect(namesFor('upper')).to.equal(upperCaseNames);
      expect(namesFor('as-is')).to.equal(asIsNames);
    });
  });

  describe("a table's own column names (`columns`)", () => {
    it('name the columns they list and leave the others to the name case', () => {
      const plan = planSource(ESTOQUE, { names: lowerCaseNames, columns: { DT_ATUALIZACAO: 'updated_at' } });
      expect(plan.columns.map((c) => [c.source.name, c.target])).to.deep.equal([
        ['ID_PRODUTO', 'id_produto'], ['QT_ESTOQUE', 'qt_estoque'], ['DT_ATUALIZACAO', 'updated_at'], ['OBS', 'obs'],
      ]);
    });

    it('match a Firebird column as spelt, else case-insensitively', () => {
      const names = withColumns(undefined, { dt_atualizacao: 'updated_at' });
      expect(names.column!('DT_ATUALIZACAO', 'TB_ESTOQUE')).to.equal('updated_at');
      expect(names.column!('OBS', 'TB_ESTOQUE')).to.equal('OBS');
    });

    it('plan the table against MySQL columns of those names', () => {
      const spec = planTable(ESTOQUE, estoque(), { names: lowerCaseNames, targetTable: 'estoque', columns: { DT_ATUALIZACAO: 'updated_at' } });
      expect(spec.columns.map((c) => c.target)).to.deep.equal(['id_produto', 'qt_estoque', 'updated_at', 'obs']);
    });

    it('refuse an entry for a column the Firebird table lacks, naming the table, the column and its columns', () => {
      const err = errorOf(() => planSource(ESTOQUE, { columns: { DT_ALTERACAO: 'updated_at' } }));
      expect(err.code).to.equal('OPTION');
      expect(err.message).to.equal(
        '`columns` of TB_ESTOQUE names DT_ALTERACAO, but Firebird table TB_ESTOQUE has no such column; check the spelling (its columns: ID_PRODUTO, QT_ESTOQUE, DT_ATUALIZACAO, OBS), or leave the entry out',
      );
    });

    it('refuse an entry for a column left out by `excludeColumns`', () => {
      const err = errorOf(() => planSource(ESTOQUE, { excludeColumns: ['obs'], columns: { OBS: 'notes' } }));
      expect(err.message).to.equal('`columns` of TB_ESTOQUE names OBS, which `excludeColumns` leaves out; either copy TB_ESTOQUE.OBS (leave it out of `excludeColumns`) or leave its `columns` entry out');
      expect(err.options).to.deep.equal(['columns', 'excludeColumns']);
    });

    it('refuse two columns mapped to one MySQL name, naming both and the fix', () => {
      const err = errorOf(() => planSource(ESTOQUE, { names: lowerCaseNames, columns: { OBS: 'QT_ESTOQUE' } }));
      expect(err.code).to.equal('NAME_MAPPING');
      expect(err.message).to.equal(
        "TB_ESTOQUE.QT_ESTOQUE and TB_ESTOQUE.OBS would both be MySQL column QT_ESTOQUE; map one of them to another name in the table's `columns`, or leave one out with `excludeColumns`",
      );
    });

    it('refuse two entries for one column', () => {
      expect(() => planSource(ESTOQUE, { columns: { OBS: 'a', obs: 'b' } })).to.throw(FbsyncError, '`columns` of TB_ESTOQUE names OBS twice (OBS and obs)');
    });

    it('refuse an entry that gives no usable MySQL name', () => {
      expect(() => planSource(ESTOQUE, { columns: { OBS: 'x'.repeat(65) } })).to.throw(FbsyncError, /the name mapping gave "x{65}" for Firebird column TB_ESTOQUE.OBS/);
    });
  });

  describe('planning errors name the source and the target where they differ', () => {
    const options = { names: lowerCaseNames, targetTable: 'estoque', columns: { DT_ATUALIZACAO: 'updated_at' } };

    it('a missing column: the MySQL column and the Firebird one, and the fixes', () => {
      const err = errorOf(() => planTable(ESTOQUE, estoque(['id_produto', 'qt_estoque', 'obs']), options));
      expect(err.message).to.equal(
        'MySQL table shop.estoque has no column updated_at for TB_ESTOQUE.DT_ATUALIZACAO (TIMESTAMP); add it (ALTER TABLE `estoque` ADD COLUMN `updated_at` DATETIME(4)), map DT_ATUALIZACAO to a column the table has in `columns`, or exclude it: add TB_ESTOQUE.DT_ATUALIZACAO to `excludeColumns`',
      );
    });

    it('a column that cannot hold the values: both columns', () => {
      const narrow = estoque();
      narrow.columns[1] = myColumn('qt_estoque', 'decimal(15,1)', { precision: 15, scale: 1 });
      expect(() => planTable(ESTOQUE, narrow, options)).to.throw(FbsyncError, /^MySQL table shop\.estoque cannot hold TB_ESTOQUE exactly: qt_estoque decimal\(15,1\) .*\(TB_ESTOQUE\.QT_ESTOQUE is NUMERIC\(15,2\)\)/);
    });

    it('a missing unique key: the MySQL key columns and the Firebird ones', () => {
      const keyless = { ...estoque(), uniqueKeys: [] };
      expect(() => planTable(ESTOQUE, keyless, options)).to.throw(FbsyncError, "MySQL table shop.estoque has no PRIMARY KEY or UNIQUE index on (id_produto), for TB_ESTOQUE's primary key (ID_PRODUTO)");
    });

    it('the same errors say "the source\'s primary key" when the names are the same', () => {
      const keyless = { ...estoque(), uniqueKeys: [] };
      const upper = { ...ESTOQUE, key: ['id_produto'], columns: ESTOQUE.columns.map((c) => ({ ...c, name: c.name.toLowerCase() })) };
      expect(() => planTable(upper, keyless, { targetTable: 'estoque', columns: { dt_atualizacao: 'updated_at' } })).to.throw(FbsyncError, "on (id_produto), the source's primary key;");
    });

    it('the command names the options of these errors by their flags', () => {
      const err = errorOf(() => planSource(ESTOQUE, { names: lowerCaseNames, columns: { OBS: 'qt_estoque' } }));
      expect(commandMessage(err)).to.include("in the table's `columns`, or leave one out with --exclude-columns");
    });
  });

  describe('tables of a run', () => {
    const prepared = (source: string, target: string): PreparedTable => ({ source, target, excludeColumns: [], job: {} });

    it('two going to one MySQL table are refused, naming both', () => {
      const err = sharedTargetError(prepared('TB_ESTOQUE_2', 'Estoque'), [prepared('TB_PRODUTO', 'produto'), prepared('TB_ESTOQUE', 'estoque')]);
      expect(err?.message).to.equal("Firebird tables TB_ESTOQUE and TB_ESTOQUE_2 would both go to MySQL table Estoque; give each a MySQL table of its own (a table's `target`, or `names`)");
    });

    it('each going to its own MySQL table pass', () => {
      expect(sharedTargetError(prepared('TB_ESTOQUE', 'estoque'), [prepared('TB_PRODUTO', 'produto')])).to.equal(undefined);
    });
  });

  describe('in a job file', () => {
    it('`defaults.names` chooses the name case', () => {
      const job = parseJob('defaults:\n  names: lower\ntables: [TB_ESTOQUE]\n', 'job.yaml', {});
      expect(job.options.names).to.equal(lowerCaseNames);
    });

    it("a table's `columns` maps its Firebird columns to MySQL columns", () => {
      const job = parseJob('tables:\n  - name: TB_ESTOQUE\n    target: estoque\n    columns:\n      DT_ATUALIZACAO: updated_at\n', 'job.yaml', {});
      expect(job.options.tables).to.deep.equal([{ name: 'TB_ESTOQUE', target: 'estoque', columns: { DT_ATUALIZACAO: 'updated_at' } }]);
    });

    const faultOf = (text: string): JobFileError => {
      try {
        parseJob(text, 'job.yaml', {});
      } catch (err) {
        if (err instanceof JobFileError) return err;
        throw err;
      }
      throw new Error('the job file was accepted');
    };

    it('a name case it does not know is refused, with the ones it does', () => {
      expect(faultOf('defaults:\n  names: lowercase\n').message).to.equal('job.yaml:2: defaults.names: a string "lowercase" is not allowed; allowed: lower, upper, as-is');
    });

    it('`names` at the top level is refused, saying it goes under defaults', () => {
      expect(faultOf('names: lower\n').message).to.match(/^job\.yaml:1: names: unknown key; `names` goes under `defaults`; allowed here: from, to, /);
    });

    it('`columns` that is not a mapping of names is refused', () => {
      expect(faultOf('tables:\n  - name: TB_ESTOQUE\n    columns: [DT_ATUALIZACAO]\n').message).to.equal(
        'job.yaml:3: tables[0].columns: a list is not allowed; allowed: a mapping of Firebird column to MySQL column, such as DT_ATUALIZACAO: updated_at',
      );
    });
  });
});
