/**
 * `repairTables` (verify --repair) against real servers: a copy edited in MySQL behind fbsync's
 * back — a row changed, a row deleted, a row added — is verified, only the rows found are
 * written, and the table is verified again.
 */
import { expect } from 'chai';
import { ESTOQUE_FIREBIRD_DDL, ESTOQUE_MYSQL_DDL, estoqueInsertBlock } from '../../scripts/estoque.js';
import { MAX_REPAIR_KEYS, repairTables, syncTable, type FbsyncError } from '../../lib/index.js';
import { createFirebirdDatabase, createMysqlDatabase, type FirebirdFixture, type MysqlFixture } from '../support/databases.js';
import { watchWrites } from '../support/rows.js';
import { ensureBuilt, fbsync, scratchDir } from '../support/cli.js';
import { join } from 'node:path';

const ROWS = 500;

describe('verify --repair (repairTables)', function () {
  this.timeout(120_000);
  let fb: FirebirdFixture;
  let my: MysqlFixture;

  before(async () => {
    fb = await createFirebirdDatabase({ charset: 'WIN1252' });
    await fb.exec(ESTOQUE_FIREBIRD_DDL, estoqueInsertBlock(1, ROWS));
  });
  after(async () => {
    await fb?.drop();
  });
  beforeEach(async () => {
    my = await createMysqlDatabase();
    await my.exec(ESTOQUE_MYSQL_DDL);
    await syncTable({ from: fb.uri, to: my.uri, table: 'TB_ESTOQUE' });
    // Edits made in MySQL by something other than fbsync.
    await my.exec(
      "UPDATE TB_ESTOQUE SET DESCRICAO = 'editado à mão' WHERE ID_ESTOQUE = 7",
      'DELETE FROM TB_ESTOQUE WHERE ID_ESTOQUE = 250',
      "INSERT INTO TB_ESTOQUE SELECT 9999, CODIGO, DESCRICAO, QUANTIDADE, PRECO_CUSTO, PRECO_VENDA, ATUALIZADO_EM, ATIVO, OBSERVACAO FROM TB_ESTOQUE WHERE ID_ESTOQUE = 1",
    );
  });
  afterEach(async () => {
    await my?.drop();
  });

  const repair = (options: { delete?: boolean; dryRun?: boolean } = {}) => repairTables({ from: fb.uri, to: my.uri, tables: ['TB_ESTOQUE'], ...options });

  it('finds the changed, the deleted and the added row by key', async () => {
    const report = await repair({ delete: true });
    expect(report.tables[0]!.found.counts).to.deep.equal({ same: ROWS - 2, missing: 1, extra: 1, differ: 1 });
  });

  it('writes only those rows, and with delete removes the added one: verified identical again', async () => {
    const writes = await watchWrites(my, 'TB_ESTOQUE');
    const report = await repair({ delete: true });
    // An upsert that updates fires the insert trigger first: 2 inserts are the missing row and the changed one.
    expect(await writes()).to.deep.equal({ inserts: 2, updates: 1, deletes: 1 });
    expect(report.tables[0]!.after!.identical).to.equal(true);
    expect(report.identical).to.equal(true);
    expect(await my.rows('SELECT DESCRICAO <> ? FROM TB_ESTOQUE WHERE ID_ESTOQUE = 7', ['editado à mão'])).to.deep.equal([[1]]);
  });

  it('without delete leaves the row only MySQL has, and says the table still differs', async () => {
    const report = await repair();
    expect(report.tables[0]!.after!.counts).to.include({ missing: 0, differ: 0, extra: 1 });
    expect(report.identical).to.equal(false);
    expect(await my.rows('SELECT COUNT(*) FROM TB_ESTOQUE WHERE ID_ESTOQUE = 9999')).to.deep.equal([['1']]);
  });

  it('in a dry run writes nothing', async () => {
    const writes = await watchWrites(my, 'TB_ESTOQUE');
    const report = await repair({ delete: true, dryRun: true });
    expect(await writes()).to.deep.equal({ inserts: 0, updates: 0, deletes: 0 });
    expect(report.tables[0]!.repair).to.include({ inserted: 1, updated: 1, deleted: 1 });
  });

  it('refuses a table with more differences than it takes by key, naming the count and the fix, and writes nothing', async () => {
    const writes = await watchWrites(my, 'TB_ESTOQUE');
    const err = await repairTables({ from: fb.uri, to: my.uri, tables: ['TB_ESTOQUE'], delete: true, maxKeys: 2 }).then(() => undefined, (e: unknown) => e as FbsyncError);
    expect(err?.code).to.equal('REPAIR_TOO_MANY');
    expect(err?.message).to.include('3 rows of TB_ESTOQUE differ from TB_ESTOQUE, more than the 2 a repair takes by key');
    expect(err?.hint).to.include('sync the table instead');
    expect(await writes()).to.deep.equal({ inserts: 0, updates: 0, deletes: 0 });
    expect(MAX_REPAIR_KEYS, 'the default').to.equal(100_000);
  });

  describe('on the command line', () => {
    before(() => ensureBuilt());
    const cli = (...args: string[]) => fbsync(['verify', '--from', fb.uri, '--to', my.uri, '--tables', 'TB_ESTOQUE', '--reject-file', join(scratchDir(), `${my.database}.jsonl`), ...args]);

    it('--repair --delete prints what it found and wrote, verifies again, and exits 0', async () => {
      const run = await cli('--repair', '--delete');
      expect(run.status, run.stderr).to.equal(0);
      expect(run.stdout).to.include('TB_ESTOQUE: 1 missing, 1 extra, 1 differ').and.include('  repaired: 1 inserted, 1 updated, 1 deleted').and.include('  verified again: identical');
    });

    it('--repair without --delete exits 6: the row only MySQL has is still there', async () => {
      const run = await cli('--repair');
      expect(run.status, run.stderr).to.equal(6);
      expect(run.stdout).to.include('  repaired: 1 inserted, 1 updated, 0 deleted').and.include('  verified again: 0 missing, 1 extra, 0 differ');
    });

    it('refuses --delete without --repair, before connecting (exit 2)', async () => {
      const run = await fbsync(['verify', '--from', fb.uri, '--to', my.uri, '--tables', 'TB_ESTOQUE', '--delete']);
      expect(run.status).to.equal(2);
      expect(run.stderr).to.include('--delete goes with --repair');
    });
  });
});
