/**
 * The fbsync command as a user runs it: `node dist/bin/fbsync.js sync …`, built once from the
 * current sources, against a throwaway Firebird database with two tables and a fresh, empty
 * MySQL database for every test.
 */
import { expect } from 'chai';
import { ESTOQUE_FIREBIRD_DDL, ESTOQUE_MYSQL_DDL, estoqueInsertBlock } from '../../scripts/estoque.js';
import { createFirebirdDatabase, createMysqlDatabase, type FirebirdFixture, type MysqlFixture } from '../support/databases.js';
import { ensureBuilt, fbsync } from '../support/cli.js';

const ESTOQUE_ROWS = 1200;
const CLIENTES = [
  `INSERT INTO TB_CLIENTE VALUES (1, 'José da Silva', 'SP')`,
  `INSERT INTO TB_CLIENTE VALUES (2, 'Conceição Araújo', 'MG')`,
  `INSERT INTO TB_CLIENTE VALUES (3, 'Ângelo Müller', NULL)`,
];
const REPORT_FIELDS = ['read', 'inserted', 'updated', 'unchanged', 'deleted', 'rowsPerSecond', 'elapsedMs'] as const;

describe('fbsync sync (CLI)', function () {
  let fb: FirebirdFixture;
  let my: MysqlFixture;
  /** --from and --to for the fixtures. */
  const uris = () => ['--from', fb.uri, '--to', my.uri];

  before(async function () {
    await ensureBuilt();
    fb = await createFirebirdDatabase({ charset: 'WIN1252' });
    await fb.exec(
      ESTOQUE_FIREBIRD_DDL,
      estoqueInsertBlock(1, ESTOQUE_ROWS),
      'CREATE TABLE TB_CLIENTE (ID_CLIENTE INTEGER NOT NULL PRIMARY KEY, NOME VARCHAR(60) NOT NULL, UF CHAR(2))',
      ...CLIENTES,
    );
  });
  after(async () => {
    await fb?.drop();
  });
  beforeEach(async () => {
    my = await createMysqlDatabase();
    await my.exec(ESTOQUE_MYSQL_DDL, 'CREATE TABLE TB_CLIENTE (ID_CLIENTE INT NOT NULL PRIMARY KEY, NOME VARCHAR(60) NOT NULL, UF CHAR(2) NULL)');
  });
  afterEach(async () => {
    await my?.drop();
  });

  it('exits with code 0 and prints nothing on stderr when the sync succeeds', async function () {
    const run = await fbsync(['sync', ...uris(), '--tables', 'TB_CLIENTE']);
    expect(run.stderr).to.equal('');
    expect(run.status).to.equal(0);
    expect(await my.rows('SELECT ID_CLIENTE, NOME, UF FROM TB_CLIENTE ORDER BY ID_CLIENTE')).to.deep.equal([
      [1, 'José da Silva', 'SP'],
      [2, 'Conceição Araújo', 'MG'],
      [3, 'Ângelo Müller', null],
    ]);
  });

  it('prints a header and one summary row per table, then a total row', async function () {
    const run = await fbsync(['sync', ...uris(), '--tables', 'TB_ESTOQUE,TB_CLIENTE', '--page-size', '500']);
    expect(run.status).to.equal(0);
    const lines = run.stdout.trimEnd().split('\n');
    const cells = lines.map((l) => l.trim().split(/\s{2,}/));
    expect(cells.map((c) => c[0])).to.deep.equal(['table', 'TB_ESTOQUE', 'TB_CLIENTE', 'total (2 tables)']);
    expect(cells[0]).to.deep.equal(['table', 'read', 'inserted', 'updated', 'unchanged', 'deleted', 'rows/s', 'elapsed']);
    // read, inserted, updated, unchanged, deleted; thousands separated.
    expect(cells[1]!.slice(1, 6)).to.deep.equal(['1,200', '1,200', '0', '0', '0']);
    expect(cells[2]!.slice(1, 6)).to.deep.equal(['3', '3', '0', '0', '0']);
    expect(cells[3]!.slice(1, 6)).to.deep.equal(['1,203', '1,203', '0', '0', '0']);
    for (const row of cells.slice(1)) expect(row[7]).to.match(/^\d+\.\d s$/);
  });

  it('prints no total row for a single table', async function () {
    const run = await fbsync(['sync', ...uris(), '--tables', 'TB_CLIENTE']);
    expect(run.status).to.equal(0);
    const firstCells = run.stdout.trimEnd().split('\n').map((l) => l.split(/\s{2,}/)[0]);
    expect(firstCells).to.deep.equal(['table', 'TB_CLIENTE']);
  });

  it('with --json prints exactly one JSON document with the counts of every table', async function () {
    const run = await fbsync(['sync', ...uris(), '--tables', 'TB_ESTOQUE', '--tables', 'TB_CLIENTE', '--json']);
    expect(run.status).to.equal(0);
    const summary = JSON.parse(run.stdout); // the whole of stdout, nothing before or after
    expect(summary.tables.map((t: { table: string }) => t.table)).to.deep.equal(['TB_ESTOQUE', 'TB_CLIENTE']);
    for (const table of summary.tables) {
      for (const field of REPORT_FIELDS) expect(table[field], `${table.table}.${field}`).to.be.a('number');
    }
    expect(summary.tables[0]).to.include({ read: ESTOQUE_ROWS, inserted: ESTOQUE_ROWS, updated: 0, unchanged: 0, deleted: 0 });
    expect(summary.tables[1]).to.include({ read: 3, inserted: 3, updated: 0, unchanged: 0, deleted: 0 });
    expect(summary.total).to.include({ tables: 2, read: ESTOQUE_ROWS + 3, inserted: ESTOQUE_ROWS + 3 });
  });

  it('with --json reports a re-sync as all unchanged', async function () {
    await fbsync(['sync', ...uris(), '--tables', 'TB_ESTOQUE', '--json']);
    const run = await fbsync(['sync', ...uris(), '--tables', 'TB_ESTOQUE', '--json', '--delete']);
    expect(run.status).to.equal(0);
    expect(JSON.parse(run.stdout).tables[0]).to.include({ read: ESTOQUE_ROWS, inserted: 0, updated: 0, unchanged: ESTOQUE_ROWS, deleted: 0 });
  });

  it('reads the URIs from FBSYNC_FROM and FBSYNC_TO when --from and --to are not given', async function () {
    const run = await fbsync(['sync', '--tables', 'TB_CLIENTE', '--json'], { env: { FBSYNC_FROM: fb.uri, FBSYNC_TO: my.uri } });
    expect(run.stderr).to.equal('');
    expect(run.status).to.equal(0);
    expect(JSON.parse(run.stdout).tables[0]).to.include({ table: 'TB_CLIENTE', inserted: 3 });
    const [[count]] = await my.rows('SELECT COUNT(*) FROM TB_CLIENTE');
    expect(Number(count)).to.equal(3);
  });

  it('with --dry-run reports what it would do, says so, and writes nothing', async function () {
    const run = await fbsync(['sync', ...uris(), '--tables', 'TB_CLIENTE', '--dry-run']);
    expect(run.status).to.equal(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[1]!.split(/\s{2,}/).slice(0, 3)).to.deep.equal(['TB_CLIENTE', '3', '3']);
    expect(lines.at(-1)).to.equal('(dry run: nothing was written)');
    const [[count]] = await my.rows('SELECT COUNT(*) FROM TB_CLIENTE');
    expect(Number(count)).to.equal(0);
  });

  it('with --row-versions says when every row was compared and versions noted, and not once the notes are used', async function () {
    const args = ['sync', ...uris(), '--tables', 'TB_ESTOQUE', '--row-versions', '--page-size', '500'];
    const first = await fbsync(args);
    expect(first.stderr).to.equal('');
    expect(first.status).to.equal(0);
    expect(first.stdout).to.include('(TB_ESTOQUE: every row was compared, since no run noted versions before; versions were noted for the next run)');

    const second = await fbsync(args);
    expect(second.stderr).to.equal('');
    expect(second.status).to.equal(0);
    expect(second.stdout).to.not.include('every row was compared');
    const row = second.stdout.split('\n').find((l) => l.startsWith('TB_ESTOQUE'))!;
    // read, inserted, updated, unchanged, deleted
    expect(row.trim().split(/\s{2,}/).slice(1, 6)).to.deep.equal(['1,200', '0', '0', '1,200', '0']);
  });

  it('refuses a number option given a word, quoting the word, with exit code 2', async function () {
    const run = await fbsync(['sync', ...uris(), '--tables', 'TB_CLIENTE', '--retries', 'abc']);
    expect(run.status).to.equal(2);
    expect(run.stderr).to.equal('fbsync: --retries must be a whole number (0 or more), not abc\n');
  });

  it('names the flags where the library names its options (`sinceColumn`, `delete`), with exit code 2 for options that clash', async function () {
    const run = await fbsync(['sync', ...uris(), '--tables', 'TB_CLIENTE', '--since-column', 'ALTERADO_EM', '--delete']);
    expect(run.status).to.equal(2);
    expect(run.stderr).to.equal(
      'fbsync: --since-column reads only rows changed since the last run, so it cannot see deleted rows and does not go with --delete; run without --since-column when rows must be deleted (e.g. a weekly full sync with --delete)\n',
    );
  });

  it('names the flag in the hint of a failure that is no option error, with exit code 1', async function () {
    await my.exec('DROP TABLE TB_CLIENTE');
    const run = await fbsync(['sync', ...uris(), '--tables', 'TB_CLIENTE']);
    expect(run.status).to.equal(1);
    // (Not "let fbsync create it": the fixtures' password is "fbsync", and the output masks it.)
    expect(run.stderr).to.match(/^fbsync: MySQL table \S+\.TB_CLIENTE does not exist; .* create it with --create-tables\n$/);
  });
});
