/**
 * The adoption path of docs/adopting.md, end to end, on the table a new user brings: TB_ESTOQUE
 * as a home-grown copy job left it in MySQL — lower-case names, DATETIME and DATETIME(3) for
 * TIMESTAMPs, two decimals for a NUMERIC(15,4), latin1 text, and a column the web shop added.
 * Refused as it is; adopted with `--names lower --round-to-target` (the one row latin1 cannot
 * hold rejected, the rest synced, the web shop's column untouched); re-synced writing nothing;
 * then made exact with `schema --alter` and synced without the option.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { createFirebirdDatabase, createMysqlDatabase, type FirebirdFixture, type MysqlFixture } from '../support/databases.js';
import { ensureBuilt, fbsync, scratchDir } from '../support/cli.js';
import { mariadb } from '../support/mysql-client.js';
import { watchWrites } from '../support/rows.js';

const FIREBIRD = [
  `CREATE TABLE TB_ESTOQUE (
     ID_ESTOQUE INTEGER NOT NULL PRIMARY KEY,
     DS_PRODUTO VARCHAR(60),
     DT_ATUALIZACAO TIMESTAMP,
     DT_CONTAGEM TIMESTAMP,
     VL_CUSTO NUMERIC(15,4),
     QT_ESTOQUE NUMERIC(15,3))`,
  "INSERT INTO TB_ESTOQUE VALUES (1, 'Café torrado 500 g', '2024-03-01 10:20:30.1234', '2024-03-01 10:20:30.1234', 12.3456, 10.5)",
  "INSERT INTO TB_ESTOQUE VALUES (2, 'Preço 5 €', '2024-12-31 23:59:59.9999', '2024-12-31 23:59:59.9999', 0.0050, 0)",
  "INSERT INTO TB_ESTOQUE VALUES (3, 'Łódź', '2024-06-15 08:00:00.0001', NULL, -12.3450, 1.25)",
  'INSERT INTO TB_ESTOQUE VALUES (4, NULL, NULL, NULL, NULL, NULL)',
];

/** The table as the old copy job made it, with one row it copied and the web shop's note on it. */
const MYSQL = [
  `CREATE TABLE tb_estoque (
     id_estoque INT NOT NULL PRIMARY KEY,
     ds_produto VARCHAR(60) NULL,
     dt_atualizacao DATETIME NULL,
     dt_contagem DATETIME(3) NULL,
     vl_custo DECIMAL(15,2) NULL,
     qt_estoque DECIMAL(15,3) NULL,
     obs_web VARCHAR(200) NULL
   ) ENGINE=InnoDB DEFAULT CHARSET=latin1`,
  "INSERT INTO tb_estoque VALUES (1, 'Cafe torrado 500 g', '2024-03-01 10:20:30', '2024-03-01 10:20:30.123', 12.35, 10.5, 'destaque na home')",
];

const SELECT = 'SELECT id_estoque, ds_produto, dt_atualizacao, dt_contagem, vl_custo, qt_estoque, obs_web FROM tb_estoque ORDER BY id_estoque';

/** What the adopted table holds: fractions of a second cut, decimals rounded half away from zero, Łódź rejected. */
const ADOPTED = [
  [1, 'Café torrado 500 g', '2024-03-01 10:20:30', '2024-03-01 10:20:30.123', '12.35', '10.500', 'destaque na home'],
  [2, 'Preço 5 €', '2024-12-31 23:59:59', '2024-12-31 23:59:59.999', '0.01', '0.000', null],
  [4, null, null, null, null, null, null],
];

describe('adopting an existing MySQL table, step by step (docs/adopting.md)', function () {
  this.timeout(120_000);
  let fb: FirebirdFixture;
  let my: MysqlFixture;
  const rejectFile = () => join(scratchDir(), `${my.database}-adopt.jsonl`);
  const sync = (...more: string[]) =>
    fbsync(['sync', '--from', fb.uri, '--to', my.uri, '--tables', 'TB_ESTOQUE', '--progress', 'none', '--max-errors', '5', '--reject-file', rejectFile(), '--json', ...more]);
  const adopt = () => sync('--names', 'lower', '--round-to-target');

  before(() => ensureBuilt());
  beforeEach(async () => {
    fb = await createFirebirdDatabase();
    my = await createMysqlDatabase();
    await fb.exec(...FIREBIRD);
    await my.exec(...MYSQL);
  });
  afterEach(async () => {
    await fb?.drop();
    await my?.drop();
  });

  it('refuses the table as it is, naming the MySQL and the Firebird columns and --round-to-target, and writes nothing', async () => {
    const run = await sync('--names', 'lower');
    expect(run.status, run.stderr).to.equal(1);
    expect(run.stderr)
      .to.include('dt_atualizacao datetime keeps 0 digits of a second, the source 4: use DATETIME(4) (TB_ESTOQUE.DT_ATUALIZACAO is TIMESTAMP)')
      .and.include('vl_custo decimal(15,2) has 2 decimals, the source 4: MySQL would round (TB_ESTOQUE.VL_CUSTO is NUMERIC(15,4))')
      .and.include('--round-to-target')
      .and.include('--alter');
    expect(await my.rows(SELECT)).to.deep.equal([[1, 'Cafe torrado 500 g', '2024-03-01 10:20:30', '2024-03-01 10:20:30.123', '12.35', '10.500', 'destaque na home']]);
  });

  it('with --names lower --round-to-target syncs every row latin1 can hold as MySQL keeps it, and leaves the web shop column alone', async () => {
    const run = await adopt();
    expect(run.status, run.stderr).to.equal(4);
    // The rejected row counts in `inserted` too, as the diff classified it (docs/faults.md#rejected-rows).
    expect(JSON.parse(run.stdout).tables[0]).to.include({ table: 'TB_ESTOQUE', read: 4, inserted: 3, updated: 1, rejected: 1, outcome: 'rejected' });
    expect(await my.rows(SELECT)).to.deep.equal(ADOPTED);
  });

  it('rejects the row with a character latin1 lacks into the reject file, with its key (by MySQL column name) and why', async () => {
    await adopt();
    const lines = readFileSync(rejectFile(), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { table: string; key: object; error: { message: string } });
    expect(lines.map((l) => [l.table, l.key])).to.deep.equal([['TB_ESTOQUE', { id_estoque: 3 }]]);
    expect(lines[0]!.error.message).to.include("character set latin1 has no U+0141 'Ł'");
  });

  it('a re-sync after adopting writes nothing', async () => {
    await adopt();
    const writes = await watchWrites(my, 'tb_estoque');
    const again = await adopt();
    expect(JSON.parse(again.stdout).tables[0]).to.include({ updated: 0, unchanged: 3, rejected: 1 });
    expect(await writes()).to.deep.equal({ inserts: 0, updates: 0, deletes: 0 });
    expect(await my.rows(SELECT)).to.deep.equal(ADOPTED);
  });

  it("schema --alter's statements, applied with the mysql client, make the table exact: a plain sync then copies every value, Łódź included", async () => {
    const alter = await fbsync(['schema', '--alter', '--from', fb.uri, '--to', my.uri, '--tables', 'TB_ESTOQUE', '--names', 'lower']);
    expect(alter.status, alter.stderr).to.equal(0);
    expect(alter.stdout).to.include('ALTER TABLE `tb_estoque`');
    mariadb(my.database, alter.stdout);
    const again = await fbsync(['schema', '--alter', '--from', fb.uri, '--to', my.uri, '--tables', 'TB_ESTOQUE', '--names', 'lower']);
    expect(again.stdout.trim()).to.equal('-- TB_ESTOQUE -> tb_estoque: exact');

    const run = await sync('--names', 'lower');
    expect(run.status, run.stderr).to.equal(0);
    expect(await my.rows(SELECT)).to.deep.equal([
      [1, 'Café torrado 500 g', '2024-03-01 10:20:30.1234', '2024-03-01 10:20:30.1234', '12.3456', '10.500', 'destaque na home'],
      [2, 'Preço 5 €', '2024-12-31 23:59:59.9999', '2024-12-31 23:59:59.9999', '0.0050', '0.000', null],
      [3, 'Łódź', '2024-06-15 08:00:00.0001', null, '-12.3450', '1.250', null],
      [4, null, null, null, null, null, null],
    ]);
  });
});
