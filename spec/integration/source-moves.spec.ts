/**
 * When the source schema moves, against the real servers: a table synced once with
 * createTables, then changed in Firebird — a column added (one with a DEFAULT that rows read
 * without being rewritten, so neither their record versions nor their stamps change), a VARCHAR
 * and a NUMERIC widened and filled with values only the wider types hold — and synced again.
 */
import { expect } from 'chai';
import type { Page } from '../../lib/core/page.js';
import { syncTable } from '../../lib/sync/sync-table.js';
import { syncTables } from '../../lib/sync/sync-tables.js';
import { checkTables } from '../../lib/sync/check-tables.js';
import type { SyncTablesOptions } from '../../lib/sync/options.js';
import { ensureBuilt, fbsync } from '../support/cli.js';
import { createFirebirdDatabase, createMysqlDatabase, type FirebirdFixture, type MysqlFixture } from '../support/databases.js';
import { expectSameRows, firebirdRows } from '../support/rows.js';

const ROWS = 300;

const FIREBIRD = [
  'CREATE TABLE TB_PRODUTO (ID INTEGER NOT NULL PRIMARY KEY, NOME VARCHAR(40) NOT NULL, PRECO NUMERIC(9,2), ALTERADO_EM TIMESTAMP NOT NULL)',
  // Stamps a second apart, all long ago: a run by `sinceColumn` after the first reads one row.
  `EXECUTE BLOCK AS DECLARE i INTEGER = 1; BEGIN
     WHILE (i <= ${ROWS}) DO BEGIN
       INSERT INTO TB_PRODUTO VALUES (:i, 'Produto ' || :i, :i * 1.25, DATEADD(:i SECOND TO TIMESTAMP '2020-01-01 00:00:00'));
       i = i + 1;
     END
   END`,
];

/** What changes in Firebird between the two runs; the UPDATEs leave the stamps as they were. */
const MOVES = [
  'ALTER TABLE TB_PRODUTO ADD OBS VARCHAR(200)',
  'ALTER TABLE TB_PRODUTO ADD ATIVO SMALLINT DEFAULT 1 NOT NULL',
  'ALTER TABLE TB_PRODUTO ALTER COLUMN NOME TYPE VARCHAR(80)',
  'ALTER TABLE TB_PRODUTO ALTER COLUMN PRECO TYPE NUMERIC(18,2)',
  `UPDATE TB_PRODUTO SET OBS = 'observação ' || ID WHERE MOD(ID, 5) = 0`,
  `UPDATE TB_PRODUTO SET NOME = NOME || ', agora com um nome mais longo que quarenta letras' WHERE MOD(ID, 7) = 0`,
  'UPDATE TB_PRODUTO SET PRECO = 1234567890123.45 WHERE MOD(ID, 11) = 0',
];

const SOURCE_SELECT = 'SELECT ID, NOME, PRECO, OBS, ATIVO FROM TB_PRODUTO ORDER BY ID';
const STATEMENTS = [
  'ALTER TABLE `TB_PRODUTO` ADD COLUMN `OBS` VARCHAR(200) CHARACTER SET utf8mb4',
  'ALTER TABLE `TB_PRODUTO` ADD COLUMN `ATIVO` SMALLINT NOT NULL',
  'ALTER TABLE `TB_PRODUTO` MODIFY COLUMN `NOME` VARCHAR(80) CHARACTER SET utf8mb4 NOT NULL',
  'ALTER TABLE `TB_PRODUTO` MODIFY COLUMN `PRECO` DECIMAL(19,2)',
];

describe('when the source schema moves', function () {
  let fb: FirebirdFixture;
  let my: MysqlFixture;
  const base = (): SyncTablesOptions => ({ from: fb.uri, to: my.uri, tables: ['TB_PRODUTO'] });
  const columnTypes = async () => Object.fromEntries((await my.rows("SELECT COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'TB_PRODUTO'")).map(([n, t]) => [n, t]));
  const expectExact = async () => expectSameRows(await my.rows(SOURCE_SELECT), await firebirdRows(fb, SOURCE_SELECT), 'TB_PRODUTO');

  /** A first run (with `first`'s options too), the web application's own column, then the source moves. */
  async function syncedThenMoved(first: Partial<SyncTablesOptions> = {}, moves: readonly string[] = MOVES): Promise<void> {
    fb = await createFirebirdDatabase();
    my = await createMysqlDatabase();
    await fb.exec(...FIREBIRD);
    const report = await syncTables({ ...base(), createTables: true, ...first });
    expect(report.outcome).to.equal('synced');
    await my.exec('ALTER TABLE TB_PRODUTO ADD COLUMN web_views INT NULL', 'UPDATE TB_PRODUTO SET web_views = ID * 10');
    await fb.exec(...moves);
  }

  before(ensureBuilt);

  afterEach(async () => {
    await fb?.drop();
    await my?.drop();
  });

  it('remembers the source columns of a completed run in the target', async function () {
    await syncedThenMoved({}, []);
    const [[memory]] = await my.rows("SELECT after_key FROM fbsync_source_columns WHERE table_name = 'TB_PRODUTO'");
    const columns = JSON.parse(JSON.parse(String(memory))[0]).columns;
    expect(columns).to.deep.equal([
      ['ID', 'INTEGER NOT NULL', 'ID'],
      ['NOME', 'VARCHAR(40) CHARACTER SET UTF8 NOT NULL', 'NOME'],
      ['PRECO', 'NUMERIC(9,2)', 'PRECO'],
      ['ALTERADO_EM', 'TIMESTAMP NOT NULL', 'ALTERADO_EM'],
    ]);
  });

  it('with createTables, adds the new columns and widens the changed ones, and every row arrives exact', async function () {
    await syncedThenMoved();
    const summary = await syncTables({ ...base(), createTables: true });
    expect(summary.outcome).to.equal('synced');
    expect(summary.tables[0]!.sourceChanged!.altered).to.deep.equal(STATEMENTS);
    expect(summary.tables[0]).to.include({ read: ROWS, updated: ROWS });
    expect(await columnTypes()).to.include({ NOME: 'varchar(80)', PRECO: 'decimal(19,2)', OBS: 'varchar(200)', ATIVO: 'smallint(6)', web_views: 'int(11)' });
    await expectExact();
    expect(await my.rows('SELECT SUM(web_views) FROM TB_PRODUTO')).to.deep.equal([[String((ROWS * (ROWS + 1) * 10) / 2)]]);
  });

  it('with rowVersions, does not trust the notes of the run before the change: every row is compared once', async function () {
    await syncedThenMoved({ rowVersions: true });
    const summary = await syncTables({ ...base(), createTables: true, rowVersions: true });
    // The notes' fingerprint holds each column's declared type on both sides, so it says so first.
    expect(summary.tables[0]!.versions).to.deep.equal({ mode: 'noted', reason: 'the notes were taken from another Firebird database, for other columns or by another version of fbsync' });
    expect(summary.tables[0]!.read).to.equal(ROWS);
    await expectExact();
    const again = await syncTables({ ...base(), createTables: true, rowVersions: true });
    expect(again.tables[0]!.versions).to.deep.equal({ mode: 'compared' });
    expect(again.tables[0]).to.include({ inserted: 0, updated: 0 });
  });

  it('with sinceColumn, reads every row once after the change, though their stamps are old', async function () {
    const since = { sinceColumn: 'ALTERADO_EM', sinceOverlapSeconds: 0 };
    await syncedThenMoved(since);
    const summary = await syncTables({ ...base(), createTables: true, ...since });
    expect(summary.tables[0]).to.include({ read: ROWS });
    expect(summary.tables[0]!.since!.from).to.equal(null);
    await expectExact();
    const again = await syncTables({ ...base(), createTables: true, ...since });
    expect(again.tables[0]!.read).to.equal(1);
  });

  it('without createTables, refuses the table with the ALTER statements (exit 3) and writes nothing', async function () {
    await syncedThenMoved();
    const before = await my.rows('SELECT * FROM TB_PRODUTO ORDER BY ID');
    const types = await columnTypes();
    const run = await fbsync(['sync', '--from', fb.uri, '--to', my.uri, '--tables', 'TB_PRODUTO']);
    expect(run.status, run.stderr).to.equal(3);
    expect(run.stdout).to.contain('TB_PRODUTO refused: ');
    for (const sql of STATEMENTS) expect(run.stdout).to.contain(sql);
    expect(run.stdout).to.contain('--create-tables');
    expect(await columnTypes()).to.deep.equal(types);
    expect(await my.rows('SELECT * FROM TB_PRODUTO ORDER BY ID')).to.deep.equal(before);
  });

  it('runs once the refusal statements are applied by hand with the mysql client', async function () {
    await syncedThenMoved();
    const refused = await fbsync(['sync', '--from', fb.uri, '--to', my.uri, '--tables', 'TB_PRODUTO']);
    const statements = refused.stdout.match(/ALTER TABLE `TB_PRODUTO` (?:ADD|MODIFY) COLUMN .*?(?=; ALTER TABLE| \(or have them run)/g);
    expect(statements).to.deep.equal(STATEMENTS);
    await my.exec(...statements!);
    const run = await fbsync(['sync', '--from', fb.uri, '--to', my.uri, '--tables', 'TB_PRODUTO']);
    expect(run.status, run.stderr).to.equal(0);
    await expectExact();
  });

  it('checkTables names the table its run would refuse, with the same message', async function () {
    await syncedThenMoved();
    const check = await checkTables(base());
    expect(check.tables[0]!.problem!.code).to.equal('SOURCE_MOVED');
    for (const sql of STATEMENTS) expect(check.tables[0]!.problem!.message).to.contain(sql);
    const withCreate = (await checkTables({ ...base(), createTables: true })).tables[0]!;
    expect(withCreate.problem).to.equal(undefined);
    expect(withCreate.alter).to.deep.equal(STATEMENTS);
  });

  it('in a dry run, says what it would alter and alters nothing', async function () {
    await syncedThenMoved();
    const types = await columnTypes();
    const summary = await syncTables({ ...base(), createTables: true, dryRun: true });
    expect(summary.tables[0]!.sourceChanged!.altered).to.deep.equal(STATEMENTS);
    // Every row gains ATIVO = 1, which the columns to add would hold.
    expect(summary.tables[0]).to.include({ read: ROWS, updated: ROWS, dryRun: true });
    expect(await columnTypes()).to.deep.equal(types);
  });

  it('refuses a column dropped in Firebird, naming both sides, and drops nothing in MySQL', async function () {
    await syncedThenMoved({}, ['ALTER TABLE TB_PRODUTO DROP PRECO']);
    const summary = await syncTables({ ...base(), createTables: true });
    expect(summary.tables[0]).to.include({ outcome: 'refused' });
    expect(summary.tables[0]!.error!.code).to.equal('SOURCE_MOVED');
    expect(summary.tables[0]!.error!.message).to.contain('Firebird table TB_PRODUTO no longer has column PRECO (MySQL column PRECO)');
    expect(summary.tables[0]!.error!.message).to.contain('ALTER TABLE `TB_PRODUTO` DROP COLUMN `PRECO`').and.contain('add TB_PRODUTO.PRECO to `excludeColumns`');
    expect(await columnTypes()).to.have.property('PRECO');
  });

  it('keeps a dropped column as the target own once it is excluded, run after run', async function () {
    await syncedThenMoved({}, ['ALTER TABLE TB_PRODUTO DROP PRECO', `UPDATE TB_PRODUTO SET NOME = 'novo' WHERE ID = 1`]);
    const options = { ...base(), createTables: true, excludeColumns: ['TB_PRODUTO.PRECO'] };
    expect((await syncTables(options)).outcome).to.equal('synced');
    expect((await syncTables(options)).outcome).to.equal('synced');
    expect(await my.rows('SELECT NOME, PRECO FROM TB_PRODUTO WHERE ID = 1')).to.deep.equal([['novo', '1.25']]);
    // Taking the exclusion away refuses it again: the memory kept it as the target's own.
    expect((await syncTables({ ...base(), createTables: true })).outcome).to.equal('refused');
  });

  it('compares every row on the next run when a run fails after the ALTER, even one asked to resume', async function () {
    await syncedThenMoved();
    let pages = 0;
    const failing = (page: Page) => {
      if (++pages === 4) throw new Error('a transform that fails on the fourth page');
      return page;
    };
    const options = { from: fb.uri, to: my.uri, table: 'TB_PRODUTO', createTables: true, pageSize: 50, batchRows: 50, parallel: 1 };
    const failed = await syncTable({ ...options, transforms: [failing] }).then(
      () => undefined,
      (err: Error) => err,
    );
    expect(failed?.message).to.contain('fourth page');
    expect(await columnTypes()).to.include({ ATIVO: 'smallint(6)' });
    // The failed run got somewhere, and left a checkpoint a resume would otherwise start after.
    expect(await my.rows("SELECT COUNT(*) FROM fbsync_checkpoints WHERE table_name = 'TB_PRODUTO'")).to.deep.equal([['1']]);
    const report = await syncTable({ ...options, resume: true });
    expect(report.resumedAfter).to.equal(null);
    expect(report.read).to.equal(ROWS);
    await expectExact();
  });
});
