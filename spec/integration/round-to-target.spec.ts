/**
 * `roundToTarget` (--round-to-target) against real servers: a MySQL table made by hand, as an
 * earlier copy job left it, keeps fewer digits than Firebird — DATETIME and DATETIME(3) for
 * TIMESTAMP, TIME for TIME, DECIMAL(15,2) for NUMERIC(15,4), INT for NUMERIC(9,2). Without the
 * option the table is refused and nothing written; with it, fbsync writes the values as MySQL
 * stores them and compares at that precision, so a re-sync writes nothing.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { syncTable, type SyncOptions, type SyncReport } from '../../lib/index.js';
import { createFirebirdDatabase, createMysqlDatabase, type FirebirdFixture, type MysqlFixture } from '../support/databases.js';
import { ensureBuilt, fbsync, scratchDir } from '../support/cli.js';
import { watchWrites } from '../support/rows.js';

const FIREBIRD_DDL = `CREATE TABLE VENDAS (
  ID INTEGER NOT NULL PRIMARY KEY,
  QUANDO TIMESTAMP,
  QUANDO_MS TIMESTAMP,
  HORA TIME,
  VALOR NUMERIC(15,4),
  QTD NUMERIC(9,2))`;

/** The table as an older copy job made it. */
const MYSQL_DDL = `CREATE TABLE VENDAS (
  ID INT NOT NULL PRIMARY KEY,
  QUANDO DATETIME NULL,
  QUANDO_MS DATETIME(3) NULL,
  HORA TIME NULL,
  VALOR DECIMAL(15,2) NULL,
  QTD INT NULL)`;

const SOURCE_ROWS = [
  "INSERT INTO VENDAS VALUES (1, '2024-12-31 23:59:59.9999', '2024-12-31 23:59:59.9999', '23:59:59.9999', 12.3450, 12.50)",
  "INSERT INTO VENDAS VALUES (2, '2024-01-01 00:00:00.0005', '2024-01-01 00:00:00.0005', '00:00:00.5000', -12.3450, -12.50)",
  'INSERT INTO VENDAS VALUES (3, NULL, NULL, NULL, NULL, NULL)',
  "INSERT INTO VENDAS VALUES (4, '2024-06-15 10:20:30.1234', '2024-06-15 10:20:30.1234', '10:20:30.1234', 0.0049, 0.49)",
];

/** What MySQL holds after a full load: fractions of a second cut, decimals rounded half away from zero. */
const ROUNDED = [
  [1, '2024-12-31 23:59:59', '2024-12-31 23:59:59.999', '23:59:59', '12.35', 13],
  [2, '2024-01-01 00:00:00', '2024-01-01 00:00:00.000', '00:00:00', '-12.35', -13],
  [3, null, null, null, null, null],
  [4, '2024-06-15 10:20:30', '2024-06-15 10:20:30.123', '10:20:30', '0.00', 0],
];

describe('narrower target columns, rounded on purpose (roundToTarget)', function () {
  this.timeout(120_000);
  let fb: FirebirdFixture;
  let my: MysqlFixture;

  before(() => ensureBuilt());
  beforeEach(async () => {
    fb = await createFirebirdDatabase();
    my = await createMysqlDatabase();
    await fb.exec(FIREBIRD_DDL, ...SOURCE_ROWS);
    await my.exec(MYSQL_DDL);
  });
  afterEach(async () => {
    await fb?.drop();
    await my?.drop();
  });

  const sync = (options: Partial<SyncOptions> = {}): Promise<SyncReport> => syncTable({ from: fb.uri, to: my.uri, table: 'VENDAS', roundToTarget: true, ...options });
  const target = () => my.rows('SELECT ID, QUANDO, QUANDO_MS, HORA, VALOR, QTD FROM VENDAS ORDER BY ID');
  const cli = (...args: string[]) => fbsync(['sync', '--from', fb.uri, '--to', my.uri, '--progress', 'none', ...args]);

  it('without the option refuses the table, naming each column and --round-to-target, and writes nothing', async () => {
    const run = await cli('--tables', 'VENDAS');
    // A schema that cannot hold the source is a failure of planning, before any table ran (docs/command.md#exit-status).
    expect(run.status, run.stderr).to.equal(1);
    expect(run.stderr)
      .to.include('QUANDO datetime keeps 0 digits of a second, the source 4: use DATETIME(4) (VENDAS.QUANDO is TIMESTAMP)')
      .and.include('QUANDO_MS datetime(3) keeps 3 digits of a second')
      .and.include('HORA time keeps 0 digits of a second')
      .and.include('VALOR decimal(15,2) has 2 decimals, the source 4: MySQL would round')
      .and.include('QTD int(11) has no decimals, the source 2')
      .and.include('round VENDAS.QUANDO, VENDAS.QUANDO_MS, VENDAS.HORA, VENDAS.VALOR, VENDAS.QTD as MySQL stores them: --round-to-target');
    expect(run.stderr).to.not.include('`roundToTarget`');
    expect(await target()).to.deep.equal([]);
  });

  it('fbsync check names --round-to-target too', async () => {
    const without = await fbsync(['check', '--from', fb.uri, '--to', my.uri, '--tables', 'VENDAS']);
    expect(without.status).to.equal(1);
    expect(without.stdout).to.match(/^VENDAS: MySQL table \S+ cannot hold VENDAS exactly: .*--round-to-target/);
  });

  it('fbsync check --round-to-target finds the table fine', async () => {
    const withIt = await fbsync(['check', '--from', fb.uri, '--to', my.uri, '--tables', 'VENDAS', '--round-to-target']);
    expect(withIt.status, withIt.stdout + withIt.stderr).to.equal(0);
    expect(withIt.stdout).to.equal('VENDAS -> VENDAS: ok\n');
  });

  it('with the option loads every row as MySQL holds it: fractions of a second cut, decimals rounded half away from zero', async () => {
    expect(await sync()).to.include({ read: 4, inserted: 4, updated: 0, rejected: 0 });
    expect(await target()).to.deep.equal(ROUNDED);
  });

  it('a re-sync after the full load finds every row unchanged and writes nothing', async () => {
    await sync();
    const writes = await watchWrites(my, 'VENDAS');
    expect(await sync()).to.include({ read: 4, inserted: 0, updated: 0, unchanged: 4, deleted: 0 });
    expect(await writes()).to.deep.equal({ inserts: 0, updates: 0, deletes: 0 });
  });

  it('writes nothing for a source change beyond the precision MySQL keeps', async () => {
    await sync();
    await fb.exec("UPDATE VENDAS SET QUANDO = '2024-12-31 23:59:59.1', QUANDO_MS = '2024-12-31 23:59:59.9991', HORA = '23:59:59.0001', VALOR = 12.3549, QTD = 13.49 WHERE ID = 1");
    const writes = await watchWrites(my, 'VENDAS');
    expect(await sync()).to.include({ updated: 0, unchanged: 4 });
    expect(await writes()).to.deep.equal({ inserts: 0, updates: 0, deletes: 0 });
    expect(await target()).to.deep.equal(ROUNDED);
  });

  it('writes a source change within the precision MySQL keeps, rounded', async () => {
    await sync();
    await fb.exec("UPDATE VENDAS SET QUANDO_MS = '2024-12-31 23:59:59.9985', VALOR = 12.3550 WHERE ID = 1");
    expect(await sync()).to.include({ updated: 1, unchanged: 3 });
    expect((await target())[0]).to.deep.equal([1, '2024-12-31 23:59:59', '2024-12-31 23:59:59.998', '23:59:59', '12.36', 13]);
  });

  it('with rowVersions, a re-sync after the full load writes nothing either', async () => {
    expect(await sync({ rowVersions: true })).to.include({ inserted: 4 });
    const writes = await watchWrites(my, 'VENDAS');
    const again = await sync({ rowVersions: true });
    expect(again).to.include({ inserted: 0, updated: 0, unchanged: 4 });
    expect(again.versions?.mode, 'read by version').to.equal('compared');
    expect(await writes()).to.deep.equal({ inserts: 0, updates: 0, deletes: 0 });
  });

  it('rejects a row whose rounding carries past the column’s digits, and syncs the rest', async () => {
    await my.exec('ALTER TABLE VENDAS MODIFY VALOR DECIMAL(13,2) NULL');
    await fb.exec('INSERT INTO VENDAS VALUES (5, NULL, NULL, NULL, 99999999999.9951, NULL)');
    const rejected: string[] = [];
    const report = await sync({ maxErrors: 1, onReject: (r) => void rejected.push(r.error.message) });
    expect(report).to.include({ read: 5, rejected: 1 });
    expect(rejected).to.have.length(1);
    expect(rejected[0]).to.match(/out of range/i);
    expect((await target()).map((r) => r[0])).to.deep.equal([1, 2, 3, 4]);
  });

  describe('per column, in a job file', () => {
    const job = (columns: string) => {
      const file = join(scratchDir(), `round-${Date.now()}-${Math.random().toString(36).slice(2)}.yaml`);
      writeFileSync(file, `tables:\n  - name: VENDAS\n    roundToTarget: [${columns}]\n`);
      return file;
    };

    it('rounds the columns listed for the table, and still refuses one left off the list', async () => {
      const run = await cli('--job', job('QUANDO, QUANDO_MS, HORA, VALOR'));
      expect(run.status, run.stderr).to.equal(1);
      expect(run.stderr).to.include('QTD int(11) has no decimals').and.include('round VENDAS.QTD as MySQL stores it: --round-to-target');
      expect(run.stderr).to.not.include('QUANDO datetime keeps');
      expect(await target()).to.deep.equal([]);
    });

    it('syncs once every narrower column is listed, as the option for the whole table does', async () => {
      const run = await cli('--job', job('quando, quando_ms, hora, valor, qtd'));
      expect(run.status, run.stdout + run.stderr).to.equal(0);
      expect(await target()).to.deep.equal(ROUNDED);
    });

    it('refuses a listed column the table lacks, naming table and column', async () => {
      const run = await cli('--job', job('QUANDO, PRECO'));
      expect(run.status).to.equal(2);
      expect(run.stderr).to.include('--round-to-target names VENDAS.PRECO, but Firebird table VENDAS has no column PRECO');
    });
  });
});
