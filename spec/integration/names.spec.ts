/**
 * Adopting a MySQL schema made by hand, as most people switching to fbsync have one: lower-case
 * names, the table renamed, a column renamed. `--names lower` covers the case; a job file's
 * `target` and `columns` the renames. Synced, re-synced (nothing written), and the planning
 * errors that name both the Firebird and the MySQL names.
 */
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ESTOQUE_FIREBIRD_DDL, estoqueInsertBlock } from '../../scripts/estoque.js';
import { expectSameTable } from '../support/compare.js';
import { createFirebirdDatabase, createMysqlDatabase, type FirebirdFixture, type MysqlFixture } from '../support/databases.js';
import { ensureBuilt, fbsync } from '../support/cli.js';
import { lowerCaseNames, mysqlSchema } from '../../lib/index.js';

const ROWS = 300;

/** TB_ESTOQUE as a home-grown copy made it: lower case, with `table` for its name and `updated` for ATUALIZADO_EM. */
const handMade = (table: string, updated = 'atualizado_em') => `CREATE TABLE ${table} (
  id_estoque   INT NOT NULL PRIMARY KEY,
  codigo       VARCHAR(20) NOT NULL,
  descricao    VARCHAR(100) NOT NULL,
  quantidade   DECIMAL(15,3) NOT NULL,
  preco_custo  DECIMAL(15,4) NOT NULL,
  preco_venda  DECIMAL(15,4) NOT NULL,
  ${updated}   DATETIME(4) NOT NULL,
  ativo        CHAR(1) NOT NULL,
  observacao   VARCHAR(200) NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`;

/** The adopted table in a job file: renamed, one column renamed, the rest lower case. */
const JOB = `from: \${FB_URI}
to: \${MY_URI}
defaults:
  names: lower
tables:
  - name: TB_ESTOQUE
    target: estoque
    columns:
      ATUALIZADO_EM: updated_at
`;

describe('names: adopting a lower-case MySQL schema', function () {
  let fb: FirebirdFixture;
  let my: MysqlFixture;
  const dir = mkdtempSync(join(tmpdir(), 'fbsync-names-'));
  let n = 0;
  const jobFile = (text: string) => {
    const file = join(dir, `job-${++n}.yaml`);
    writeFileSync(file, text);
    return file;
  };
  const env = () => ({ FB_URI: fb.uri, MY_URI: my.uri });
  const uris = () => ['--from', fb.uri, '--to', my.uri];
  const lower = (name: string) => name.toLowerCase();

  before(async function () {
    await ensureBuilt();
    fb = await createFirebirdDatabase({ charset: 'WIN1252' });
    await fb.exec(ESTOQUE_FIREBIRD_DDL, estoqueInsertBlock(1, ROWS), ESTOQUE_FIREBIRD_DDL.replace('TB_ESTOQUE', 'TB_ESTOQUE_2'));
  });
  after(async () => {
    await fb?.drop();
  });
  beforeEach(async () => {
    my = await createMysqlDatabase();
  });
  afterEach(async () => {
    await my?.drop();
  });

  it('--names lower syncs into a hand-made lower-case table, every value in its lower-case column', async function () {
    await my.exec(handMade('tb_estoque'));
    const r = await fbsync(['sync', ...uris(), '--tables', 'TB_ESTOQUE', '--names', 'lower', '--json']);
    expect(r.status, r.stderr).to.equal(0);
    expect(JSON.parse(r.stdout).tables[0]).to.include({ table: 'TB_ESTOQUE', target: 'tb_estoque', inserted: ROWS });
    await expectSameTable(fb, my, 'TB_ESTOQUE', { target: 'tb_estoque', column: lower });
  });

  it('--names lower with --create-tables creates the table and its columns in lower case', async function () {
    const r = await fbsync(['sync', ...uris(), '--tables', 'TB_ESTOQUE', '--names', 'lower', '--create-tables']);
    expect(r.status, r.stderr).to.equal(0);
    const columns = await my.rows("SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE 'tb%' ORDER BY ORDINAL_POSITION");
    expect(columns.map((c) => c.join('.'))).to.deep.equal(
      ['id_estoque', 'codigo', 'descricao', 'quantidade', 'preco_custo', 'preco_venda', 'atualizado_em', 'ativo', 'observacao'].map((c) => `tb_estoque.${c}`),
    );
  });

  it('a job file syncs into the renamed table, the renamed column filled from its Firebird column', async function () {
    await my.exec(handMade('estoque', 'updated_at'));
    const r = await fbsync(['sync', '--job', jobFile(JOB), '--json'], { env: env() });
    expect(r.status, r.stderr).to.equal(0);
    expect(JSON.parse(r.stdout).tables[0]).to.include({ table: 'TB_ESTOQUE', target: 'estoque', inserted: ROWS });
    await expectSameTable(fb, my, 'TB_ESTOQUE', { target: 'estoque', column: (c) => (c === 'ATUALIZADO_EM' ? 'updated_at' : lower(c)) });
  });

  it('a re-sync of the adopted table writes nothing', async function () {
    await my.exec(handMade('estoque', 'updated_at'));
    const first = await fbsync(['sync', '--job', jobFile(JOB)], { env: env() });
    expect(first.status, first.stderr).to.equal(0);
    const again = await fbsync(['sync', '--job', jobFile(JOB), '--delete', '--json'], { env: env() });
    expect(again.status, again.stderr).to.equal(0);
    expect(JSON.parse(again.stdout).tables[0]).to.include({ read: ROWS, inserted: 0, updated: 0, deleted: 0, unchanged: ROWS });
  });

  it('fbsync check plans the job file against the adopted table', async function () {
    await my.exec(handMade('estoque', 'updated_at'));
    const r = await fbsync(['check', '--job', jobFile(JOB)], { env: env() });
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.equal('TB_ESTOQUE -> estoque: ok\n');
  });

  it('fbsync schema --alter finds the adopted table exact, comparing the columns the job file maps', async function () {
    await my.exec(handMade('estoque', 'updated_at'));
    const r = await fbsync(['schema', '--alter', '--job', jobFile(JOB)], { env: env() });
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.equal('-- TB_ESTOQUE -> estoque: exact\n');
  });

  it('--names on the command line overrides the job file\'s names, and leaving it out keeps them', async function () {
    const job = jobFile(`${JOB.split('tables:')[0]}  createTables: true\ntables: [TB_ESTOQUE]\n`);
    const kept = await fbsync(['check', '--job', job], { env: env() });
    const overridden = await fbsync(['check', '--job', job, '--names', 'as-is'], { env: env() });
    expect([kept.stdout, overridden.stdout]).to.deep.equal(['TB_ESTOQUE -> tb_estoque: ok (would be created)\n', 'TB_ESTOQUE -> TB_ESTOQUE: ok (would be created)\n']);
  });

  it('a MySQL column missing under its mapped name is named with its Firebird column', async function () {
    await my.exec(handMade('estoque', 'dt_atualizacao'));
    const r = await fbsync(['check', '--job', jobFile(JOB)], { env: env() });
    expect(r.status).to.equal(1);
    expect(r.stdout).to.include(`TB_ESTOQUE: MySQL table ${my.database}.estoque has no column updated_at for TB_ESTOQUE.ATUALIZADO_EM (TIMESTAMP)`);
  });

  it('a MySQL table missing under its mapped name is named with its Firebird table', async function () {
    const r = await fbsync(['sync', '--job', jobFile(JOB)], { env: env() });
    expect(r.status).to.equal(1);
    expect(r.stderr).to.match(new RegExp(`^fbsync: MySQL table ${my.database}\\.estoque \\(for TB_ESTOQUE\\) does not exist; .*map TB_ESTOQUE to the table it goes to \\(--names, a table's \`target\`\\)`));
  });

  it('a `columns` entry for a column the Firebird table lacks is refused, naming the table, the column and the fix', async function () {
    await my.exec(handMade('estoque', 'updated_at'));
    const r = await fbsync(['sync', '--job', jobFile(JOB.replace('ATUALIZADO_EM:', 'ALTERADO_EM:'))], { env: env() });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/^fbsync: `columns` of TB_ESTOQUE names ALTERADO_EM, but Firebird table TB_ESTOQUE has no such column; check the spelling \(its columns: ID_ESTOQUE, CODIGO, .*\), or leave the entry out\n$/);
    expect(await my.rows('SELECT COUNT(*) FROM estoque')).to.deep.equal([['0']]);
  });

  it('two tables going to one MySQL table are refused before anything is written', async function () {
    const job = `${JOB.split('tables:')[0]}  createTables: true\ntables:\n  - name: TB_ESTOQUE\n    target: tb_estoque_2\n  - TB_ESTOQUE_2\n`;
    const r = await fbsync(['sync', '--job', jobFile(job)], { env: env() });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.equal("fbsync: Firebird tables TB_ESTOQUE and TB_ESTOQUE_2 would both go to MySQL table tb_estoque_2; give each a MySQL table of its own (a table's `target`, or --names)\n");
    expect(await my.rows('SHOW TABLES')).to.deep.equal([]);
  });

  it('fbsync schema --names lower prints the table and its columns in lower case', async function () {
    const r = await fbsync(['schema', '--from', fb.uri, '--tables', 'TB_ESTOQUE', '--names', 'lower']);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^CREATE TABLE `tb_estoque` \(\n {2}`id_estoque` INT NOT NULL/);
    expect(r.stdout).to.include('`atualizado_em` DATETIME(4) NOT NULL').and.include('PRIMARY KEY (`id_estoque`)');
    expect(r.stdout).not.to.match(/`[A-Z_]+`/);
  });

  it('mysqlSchema designs a job\'s table as sync would create it: its target, its own column names', async function () {
    const schema = await mysqlSchema({ from: fb.uri, names: lowerCaseNames, tables: [{ name: 'TB_ESTOQUE', target: 'estoque', columns: { ATUALIZADO_EM: 'updated_at' } }] });
    expect(schema.tables.map((t) => [t.table, t.target])).to.deep.equal([['TB_ESTOQUE', 'estoque']]);
    expect(schema.tables[0]!.sql).to.match(/^CREATE TABLE `estoque` /).and.include('`updated_at` DATETIME(4) NOT NULL');
  });
});
