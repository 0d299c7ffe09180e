import { expect } from 'chai';
import type { FirebirdColumn, FirebirdTable } from '../../lib/firebird/metadata.js';
import type { MysqlColumn, MysqlTable } from '../../lib/mysql/metadata.js';
import { checkExclusions } from '../../lib/sync/exclusions.js';
import { REFUSED_CODES } from '../../lib/sync/outcome.js';
import { alterStatements, movesRefusal, sourceMoves } from '../../lib/sync/source-moves.js';
import { planTable } from '../../lib/sync/plan.js';
import { versionFingerprint } from '../../lib/state/row-versions.js';
import { SourceColumns, loadSourceColumns, type RememberedColumn } from '../../lib/state/source-columns.js';
import type { TableValues } from '../../lib/state/run-state.js';
import type { Key } from '../../lib/core/table.js';

function fbColumn(name: string, type: string, shape: NonNullable<FirebirdColumn['shape']>, more: Partial<FirebirdColumn> = {}): FirebirdColumn {
  return { name, type, kind: shape.kind, shape, nullable: true, computed: false, select: `"${name}"`, param: '?', padded: false, blob: false, ...more };
}

const ID = fbColumn('ID', 'INTEGER', { kind: 'integer', bits: 32 }, { nullable: false });
const NOME40 = fbColumn('NOME', 'VARCHAR(40) CHARACTER SET UTF8', { kind: 'text', length: 40, fixed: false, charset: 'UTF8' });
const NOME80 = fbColumn('NOME', 'VARCHAR(80) CHARACTER SET UTF8', { kind: 'text', length: 80, fixed: false, charset: 'UTF8' });
const PRECO9 = fbColumn('PRECO', 'NUMERIC(9,2)', { kind: 'decimal', precision: 9, scale: 2, digits: 10 });
const PRECO18 = fbColumn('PRECO', 'NUMERIC(18,2)', { kind: 'decimal', precision: 18, scale: 2, digits: 19 });
const OBS = fbColumn('OBS', 'VARCHAR(200) CHARACTER SET UTF8', { kind: 'text', length: 200, fixed: false, charset: 'UTF8' });

const source = (...columns: FirebirdColumn[]): FirebirdTable => ({ name: 'TB_PRODUTO', key: ['ID'], columns });

function myColumn(name: string, columnType: string, more: Partial<MysqlColumn> = {}): MysqlColumn {
  const dataType = /^[a-z]+/.exec(columnType)![0];
  return { name, dataType, columnType, nullable: true, collation: null, charset: null, maxLength: null, precision: null, scale: null, fractionDigits: null, ...more };
}

/** The MySQL table the first run created: NOME varchar(40), PRECO decimal(10,2), and the web application's own column. */
function target(...more: MysqlColumn[]): MysqlTable {
  return {
    database: 'erp',
    name: 'TB_PRODUTO',
    columns: [
      myColumn('ID', 'int(11)', { nullable: false }),
      myColumn('NOME', 'varchar(40)', { charset: 'utf8mb4', collation: 'utf8mb4_general_ci', maxLength: 40 }),
      myColumn('PRECO', 'decimal(10,2)', { precision: 10, scale: 2 }),
      myColumn('web_views', 'int(11)'),
      ...more,
    ],
    uniqueKeys: [{ name: 'PRIMARY', columns: ['ID'] }],
  };
}

/** What the first run remembers. */
const FIRST: RememberedColumn[] = [
  { source: 'ID', sourceType: 'INTEGER NOT NULL', target: 'ID' },
  { source: 'NOME', sourceType: 'VARCHAR(40) CHARACTER SET UTF8', target: 'NOME' },
  { source: 'PRECO', sourceType: 'NUMERIC(9,2)', target: 'PRECO' },
];

describe('when the source schema moves', () => {
  describe('sourceMoves', () => {
    it('finds nothing to do when the source is as remembered, the MySQL-only column left alone', () => {
      const moves = sourceMoves(source(ID, NOME40, PRECO9), target(), FIRST);
      expect(moves).to.deep.include({ add: [], modify: [], gone: [], changes: [] });
      expect(moves.now).to.deep.equal(FIRST);
    });

    it('adds a column Firebird gained, in the mapped type, and says it is new', () => {
      const moves = sourceMoves(source(ID, NOME40, PRECO9, OBS), target(), FIRST);
      expect(alterStatements(moves)).to.deep.equal(['ALTER TABLE `TB_PRODUTO` ADD COLUMN `OBS` VARCHAR(200) CHARACTER SET utf8mb4']);
      expect(moves.changes).to.deep.equal(['OBS is new']);
    });

    it('adds a column the MySQL table lacks even with no memory, which then tells of no change', () => {
      const moves = sourceMoves(source(ID, NOME40, PRECO9, OBS), target(), null);
      expect(moves.add.map((a) => a.source)).to.deep.equal(['OBS']);
      expect(moves.changes).to.deep.equal([]);
    });

    it('changes a VARCHAR and a NUMERIC Firebird widened since, which the MySQL columns no longer hold', () => {
      const moves = sourceMoves(source(ID, NOME80, PRECO18), target(), FIRST);
      expect(alterStatements(moves)).to.deep.equal([
        'ALTER TABLE `TB_PRODUTO` MODIFY COLUMN `NOME` VARCHAR(80) CHARACTER SET utf8mb4',
        'ALTER TABLE `TB_PRODUTO` MODIFY COLUMN `PRECO` DECIMAL(19,2)',
      ]);
      expect(moves.changes).to.deep.equal(['NOME was VARCHAR(40) CHARACTER SET UTF8, is VARCHAR(80) CHARACTER SET UTF8', 'PRECO was NUMERIC(9,2), is NUMERIC(18,2)']);
    });

    it('leaves a narrower column alone when the source did not change it (an adopted table)', () => {
      const remembered = FIRST.map((c) => (c.source === 'NOME' ? { ...c, sourceType: NOME80.type } : c));
      const moves = sourceMoves(source(ID, NOME80, PRECO9), target(), remembered);
      expect(alterStatements(moves)).to.deep.equal([]);
      expect(moves.changes).to.deep.equal([]);
    });

    it('leaves a narrower column alone when there is no memory to say the source widened it', () => {
      expect(alterStatements(sourceMoves(source(ID, NOME80, PRECO9), target(), null))).to.deep.equal([]);
    });

    it('notes a widening the MySQL column still holds as a change, with nothing to alter', () => {
      const moves = sourceMoves(source(ID, NOME40, PRECO9), target(), FIRST.map((c) => (c.source === 'NOME' ? { ...c, sourceType: 'VARCHAR(20) CHARACTER SET UTF8' } : c)));
      expect(alterStatements(moves)).to.deep.equal([]);
      expect(moves.changes).to.have.length(1);
    });

    it('counts a column that became nullable as a change of its declared type', () => {
      const moves = sourceMoves(source({ ...ID, nullable: true }, NOME40, PRECO9), target(), FIRST);
      expect(moves.changes).to.deep.equal(['ID was INTEGER NOT NULL, is INTEGER']);
    });

    it('finds a column Firebird dropped whose MySQL column is still there', () => {
      const moves = sourceMoves(source(ID, NOME40), target(), FIRST);
      expect(moves.gone).to.deep.equal([{ source: 'PRECO', target: 'PRECO' }]);
      expect(moves.changes).to.deep.equal(['PRECO was dropped']);
    });

    it('keeps a dropped column that is excluded as the target own, and remembers it as kept', () => {
      const moves = sourceMoves(source(ID, NOME40), target(), FIRST, { excludeColumns: ['PRECO'] });
      expect(moves.gone).to.deep.equal([]);
      expect(moves.now.at(-1)).to.deep.equal({ source: 'PRECO', sourceType: 'NUMERIC(9,2)', target: 'PRECO', kept: true });
    });

    it('refuses a kept column again once its exclusion is taken away', () => {
      const kept = [...FIRST.slice(0, 2), { ...FIRST[2]!, kept: true }];
      expect(sourceMoves(source(ID, NOME40), target(), kept, { excludeColumns: ['PRECO'] }).changes).to.deep.equal([]);
      expect(sourceMoves(source(ID, NOME40), target(), kept).gone).to.deep.equal([{ source: 'PRECO', target: 'PRECO' }]);
    });

    it('finds nothing to refuse when the dropped column is gone from MySQL too', () => {
      const mysql = target();
      mysql.columns = mysql.columns.filter((c) => c.name !== 'PRECO');
      expect(sourceMoves(source(ID, NOME40), mysql, FIRST).gone).to.deep.equal([]);
    });
  });

  describe('movesRefusal', () => {
    it('refuses a dropped column, naming both sides, with the DROP and the exclusion as ways out', () => {
      const moves = sourceMoves(source(ID, NOME40), target(), FIRST);
      const err = movesRefusal('TB_PRODUTO', target(), moves, { createTables: true, remembered: true })!;
      expect(err.code).to.equal('SOURCE_MOVED');
      expect(err.message).to.contain('Firebird table TB_PRODUTO no longer has column PRECO (MySQL column PRECO)').and.contain('MySQL table erp.TB_PRODUTO still has it');
      expect(err.message).to.contain('ALTER TABLE `TB_PRODUTO` DROP COLUMN `PRECO`').and.contain('add TB_PRODUTO.PRECO to `excludeColumns`');
    });

    it('refuses a widened column without `createTables`, with the MODIFY statement', () => {
      const err = movesRefusal('TB_PRODUTO', target(), sourceMoves(source(ID, NOME80, PRECO9), target(), FIRST), { remembered: true })!;
      expect(err.code).to.equal('SOURCE_MOVED');
      expect(err.message).to.contain('TB_PRODUTO.NOME is VARCHAR(80) CHARACTER SET UTF8 now (VARCHAR(40) CHARACTER SET UTF8 when last synced)');
      expect(err.message).to.contain('run ALTER TABLE `TB_PRODUTO` MODIFY COLUMN `NOME` VARCHAR(80) CHARACTER SET utf8mb4');
      expect(err.options).to.deep.equal(['excludeColumns', 'createTables']);
    });

    it('refuses a missing column with no memory as TARGET_COLUMN_MISSING, with the ADD statement', () => {
      const err = movesRefusal('TB_PRODUTO', target(), sourceMoves(source(ID, NOME40, PRECO9, OBS), target(), null), { remembered: false })!;
      expect(err.code).to.equal('TARGET_COLUMN_MISSING');
      expect(err.message).to.contain('MySQL table erp.TB_PRODUTO has no column OBS for TB_PRODUTO.OBS (VARCHAR(200) CHARACTER SET UTF8)');
      expect(err.message).to.contain('ALTER TABLE `TB_PRODUTO` ADD COLUMN `OBS` VARCHAR(200) CHARACTER SET utf8mb4');
    });

    it('lets `createTables` alter what the source gained or widened', () => {
      expect(movesRefusal('TB_PRODUTO', target(), sourceMoves(source(ID, NOME80, PRECO18, OBS), target(), FIRST), { createTables: true, remembered: true })).to.equal(undefined);
    });

    it('makes the table refused (exit 3), not the run failed', () => {
      expect(REFUSED_CODES).to.include.members(['SOURCE_MOVED', 'TARGET_COLUMN_MISSING']);
    });
  });

  describe('planTable with columns about to be altered', () => {
    it('plans a column the table will gain, without the check that would refuse it', () => {
      const table = planTable(source(ID, NOME40, PRECO9, OBS), target(), { altered: ['OBS'] });
      expect(table.columns.map((c) => c.target)).to.deep.equal(['ID', 'NOME', 'PRECO', 'OBS']);
    });

    it('records the MySQL column type, so that notes of versions taken against another are not trusted', () => {
      const before = planTable(source(ID, NOME80, PRECO9), target());
      const wider = target();
      wider.columns[1] = { ...wider.columns[1]!, columnType: 'varchar(80)', maxLength: 80 };
      const after = planTable(source(ID, NOME80, PRECO9), wider);
      expect(before.columns[1]!.targetType).to.equal('varchar(40)');
      expect(versionFingerprint(['db'], before)).not.to.equal(versionFingerprint(['db'], after));
    });

    it('fingerprints the declared source type too', () => {
      const a = planTable(source(ID, NOME40, PRECO9), target());
      const b = planTable(source(ID, NOME40, { ...PRECO9, type: 'NUMERIC(8,2)' }), target());
      expect(versionFingerprint(['db'], a)).not.to.equal(versionFingerprint(['db'], b));
    });
  });

  describe('excludeColumns', () => {
    it('may name a column Firebird dropped since the last run', () => {
      expect(() => checkExclusions(['TB_PRODUTO.PRECO'], [source(ID, NOME40)], new Map([['TB_PRODUTO', ['PRECO']]]))).not.to.throw();
      expect(() => checkExclusions(['TB_PRODUTO.PRECO'], [source(ID, NOME40)])).to.throw('Firebird table TB_PRODUTO has no column PRECO');
    });
  });

  describe('SourceColumns (the memory)', () => {
    class Values implements TableValues {
      saved = new Map<string, Key>();
      writes = 0;
      async load(table: string) {
        return this.saved.get(table) ?? null;
      }
      async save(table: string, value: Key) {
        this.writes++;
        this.saved.set(table, value);
      }
      async clear(table: string) {
        this.saved.delete(table);
      }
      async flush() {}
    }
    const end = { pagesDone: 1, key: null, wrote: true, rejected: 0, counts: { read: 0, inserted: 0, updated: 0, unchanged: 0, deleted: 0 } };

    it('is left by a completed run and read back as it was', async () => {
      const store = new Values();
      await new SourceColumns(store, 'TB_PRODUTO', null, FIRST).end({ ...end, finished: true });
      expect(await loadSourceColumns(store, 'TB_PRODUTO')).to.deep.equal(FIRST);
    });

    it('is not left by a run that did not complete, so the next one sees the change again', async () => {
      const store = new Values();
      await new SourceColumns(store, 'TB_PRODUTO', FIRST, [...FIRST, { source: 'OBS', sourceType: 'VARCHAR(200)', target: 'OBS' }]).end({ ...end, finished: false });
      expect(store.writes).to.equal(0);
    });

    it('is not written again when nothing changed', async () => {
      const store = new Values();
      await new SourceColumns(store, 'TB_PRODUTO', FIRST, FIRST).end({ ...end, finished: true });
      expect(store.writes).to.equal(0);
    });

    it('reads as none when it is of another form', async () => {
      const store = new Values();
      store.saved.set('TB_PRODUTO', [JSON.stringify({ form: 99, columns: [] })]);
      expect(await loadSourceColumns(store, 'TB_PRODUTO')).to.equal(null);
    });
  });
});
