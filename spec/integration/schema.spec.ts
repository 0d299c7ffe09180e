/**
 * Whole databases: `fbsync schema` and `fbsync sync --all-tables --create-tables` against a
 * multi-table ERP schema (spec/support/erp.ts) with domains, composite keys, computed columns,
 * BLOBs and an ARRAY column, into an empty MySQL database; every table compared value by value.
 */
import { expect } from 'chai';
import { lowerCaseNames, syncTables } from '../../lib/index.js';
import { createFirebirdDatabase, mysqlForEachTest, type FirebirdFixture } from '../support/databases.js';
import { ensureBuilt, fbsync } from '../support/cli.js';
import { expectSameTable } from '../support/compare.js';
import { ERP_ARRAY_COLUMN, ERP_DDL, ERP_FILL, ERP_ROWS, ERP_SKIPPED, ERP_TABLES } from '../support/erp.js';

const EXCLUDE = ['--exclude-columns', ERP_ARRAY_COLUMN];
const TOTAL_ROWS = Object.values(ERP_ROWS).reduce((a, b) => a + b, 0);

describe('whole databases', function () {
  let fb: FirebirdFixture;
  const env = () => ({ FBSYNC_FROM: fb.uri, FBSYNC_TO: target.my.uri });
  const sync = (...args: string[]) => fbsync(['sync', '--all-tables', '--create-tables', '--page-size', '97', ...args], { env: env() });
  const tablesIn = async () => (await target.my.rows('SHOW TABLES')).map(([t]) => t as string).filter((t) => !t.startsWith('fbsync_')).sort();

  async function expectEverythingCopied(): Promise<number> {
    let values = 0;
    for (const table of ERP_TABLES) {
      const compared = await expectSameTable(fb, target.my, table, { exclude: ['TAGS'] });
      expect(compared.rows, table).to.equal(ERP_ROWS[table as keyof typeof ERP_ROWS]);
      values += compared.values;
    }
    return values;
  }

  before(async function () {
    await ensureBuilt();
    fb = await createFirebirdDatabase({ charset: 'UTF8' });
    await fb.exec(...ERP_DDL, ...ERP_FILL);
    const [{ N: produtos }] = await fb.db.queryAsync<{ N: number }>('SELECT COUNT(*) AS N FROM TB_TABELA_PRECO');
    expect(Number(produtos), 'the fixture').to.equal(ERP_ROWS.TB_TABELA_PRECO);
  });
  after(async () => {
    await fb?.drop();
  });
  const target = mysqlForEachTest();

  describe('fbsync schema', function () {
    it('refuses the ARRAY column, naming TABLE.COLUMN and how to leave it out', async function () {
      const run = await fbsync(['schema', '--all-tables'], { env: env() });
      expect(run.status).to.equal(1);
      expect(run.stdout).to.equal('');
      expect(run.stderr).to.match(/^fbsync: [^\n]+\n$/);
      expect(run.stderr).to.include(`cannot copy ${ERP_ARRAY_COLUMN} (ARRAY[1:3] OF VARCHAR(10)`).and.include(`add ${ERP_ARRAY_COLUMN} to --exclude-columns`);
    });

    it('prints the MySQL DDL of every table with a key: mapped types, NOT NULL, primary key, utf8mb4', async function () {
      const run = await fbsync(['schema', '--all-tables', ...EXCLUDE], { env: env() });
      expect(run.stderr).to.equal('');
      expect(run.status).to.equal(0);
      const ddl = run.stdout;
      expect(ddl.match(/^CREATE TABLE /gm)).to.have.length(ERP_TABLES.length);
      expect(ddl).to.include('CREATE TABLE `TB_PEDIDO_ITEM` (');
      expect(ddl).to.include('  `ID_PEDIDO` BIGINT NOT NULL, -- BIGINT');
      expect(ddl).to.include('  `QTD` DECIMAL(19,3) NOT NULL, -- NUMERIC(15,3), domain D_QTD');
      expect(ddl).to.include('  `SUBTOTAL` DECIMAL(19,5), -- COMPUTED BY, NUMERIC(18,5)');
      expect(ddl).to.include('  PRIMARY KEY (`ID_PEDIDO`, `ITEM`)');
      // A text key compares by code point: 'açúcar', 'Açúcar' and 'AÇÚCAR' are three products.
      expect(ddl).to.include('  `CODIGO` VARCHAR(20) COLLATE utf8mb4_bin NOT NULL, -- VARCHAR(20) CHARACTER SET UTF8, domain D_CODIGO');
      expect(ddl).to.include('  `OBS` LONGTEXT, -- BLOB SUB_TYPE TEXT CHARACTER SET WIN1252');
      expect(ddl).to.include('  `FOTO` LONGBLOB, -- BLOB SUB_TYPE BINARY');
      expect(ddl).to.include('  `CRIADO_EM` DATETIME(4), -- TIMESTAMP');
      expect(ddl).to.include('  `HORA` TIME(4), -- TIME');
      expect(ddl).to.not.include('TAGS');
      expect(ddl).to.include(') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 ROW_FORMAT=DYNAMIC;');
      expect(ddl).to.include('-- skipped TB_LOG: no primary key').and.include('-- skipped TB_TEMP: global temporary table');
      expect(ddl).to.not.include('VW_PEDIDO_TOTAL');
      // What it prints is what it runs: the statements create the tables.
      await target.my.exec(...ddl.split(';\n').map((s) => s.trim()).filter((s) => s.startsWith('CREATE')));
      expect(await tablesIn()).to.deep.equal(ERP_TABLES);
    });
  });

  describe('fbsync sync --all-tables --create-tables', function () {
    it('fails on the ARRAY column, naming it, before creating or writing anything', async function () {
      const run = await sync();
      expect(run.status).to.equal(1);
      expect(run.stderr).to.include(`cannot copy ${ERP_ARRAY_COLUMN}`).and.include(`add ${ERP_ARRAY_COLUMN} to --exclude-columns`);
      expect(await tablesIn()).to.deep.equal([]);
    });

    it('with the ARRAY column left out, syncs the whole schema exactly, in parallel, then finds it unchanged', async function () {
      const run = await sync(...EXCLUDE, '--parallel-tables', '3', '--json');
      expect(run.stderr).to.equal('');
      expect(run.status).to.equal(0);
      const summary = JSON.parse(run.stdout);
      expect(summary.tables.map((t: { table: string }) => t.table)).to.deep.equal(ERP_TABLES);
      for (const t of summary.tables) expect(t, t.table).to.include({ read: ERP_ROWS[t.table as keyof typeof ERP_ROWS], inserted: ERP_ROWS[t.table as keyof typeof ERP_ROWS] });
      expect(summary.total).to.include({ tables: ERP_TABLES.length, read: TOTAL_ROWS, inserted: TOTAL_ROWS });
      expect(summary.created).to.deep.equal(ERP_TABLES);
      expect(summary.skipped).to.deep.equal(ERP_SKIPPED);
      expect(await tablesIn()).to.deep.equal(ERP_TABLES);
      expect(await expectEverythingCopied()).to.be.greaterThan(25_000);

      const again = await sync(...EXCLUDE, '--parallel-tables', '2', '--delete', '--json');
      const resync = JSON.parse(again.stdout);
      expect(resync.created).to.deep.equal([]);
      expect(resync.total).to.include({ read: TOTAL_ROWS, unchanged: TOTAL_ROWS, inserted: 0, updated: 0, deleted: 0 });
    });

    it('prints one row per table, a total, and the tables created and skipped', async function () {
      const run = await sync(...EXCLUDE, '--parallel-tables', '5');
      expect(run.status).to.equal(0);
      const lines = run.stdout.trimEnd().split('\n');
      expect(lines.map((l) => l.split(/\s{2,}/)[0])).to.deep.equal([
        'table', ...ERP_TABLES, `total (${ERP_TABLES.length} tables)`,
        `created in MySQL: ${ERP_TABLES.join(', ')}`,
        `skipped: ${ERP_SKIPPED.map((s) => `${s.table} (${s.reason})`).join(', ')}`,
      ]);
    });

    it('with --dry-run creates nothing and reports what it would create and insert', async function () {
      const run = await sync(...EXCLUDE, '--dry-run', '--json');
      expect(run.stderr).to.equal('');
      const summary = JSON.parse(run.stdout);
      expect(summary.created).to.deep.equal(ERP_TABLES);
      expect(summary.total).to.include({ read: TOTAL_ROWS, inserted: TOTAL_ROWS, dryRun: true });
      expect(await tablesIn()).to.deep.equal([]);
    });

    it('creates only the missing tables and syncs into the existing ones', async function () {
      await target.my.exec('CREATE TABLE TB_CLIENTE (ID_CLIENTE INT PRIMARY KEY, NOME VARCHAR(60) NOT NULL, UF CHAR(2), LIMITE DECIMAL(15,2), ATIVO CHAR(1), OBS LONGTEXT, CRIADO_EM DATETIME(4), NOME_UF VARCHAR(70))');
      const summary = JSON.parse((await sync(...EXCLUDE, '--json')).stdout);
      expect(summary.created).to.deep.equal(ERP_TABLES.filter((t) => t !== 'TB_CLIENTE'));
      await expectEverythingCopied();
    });

    it('reports existing columns too small for the source before writing a row, all at once', async function () {
      await target.my.exec(
        'CREATE TABLE TB_CLIENTE (ID_CLIENTE INT PRIMARY KEY, NOME VARCHAR(40) NOT NULL, UF CHAR(2), LIMITE DECIMAL(15,1), ATIVO CHAR(1), OBS LONGTEXT, CRIADO_EM DATETIME(4), NOME_UF VARCHAR(70))',
      );
      const run = await sync(...EXCLUDE);
      expect(run.status).to.equal(1);
      expect(run.stderr).to.match(/^fbsync: [^\n]+\n$/);
      expect(run.stderr)
        // (The database name is not checked: it contains "fbsync", the password, which output masks.)
        .to.include('.TB_CLIENTE cannot hold TB_CLIENTE exactly')
        .and.include('NOME varchar(40) holds 40 characters, the source 60 characters')
        .and.include('LIMITE decimal(15,1) has 1 decimals, the source 2: MySQL would round')
        .and.include('add TB_CLIENTE.NOME,TB_CLIENTE.LIMITE to --exclude-columns');
      expect(await tablesIn(), 'nothing created either').to.deep.equal(['TB_CLIENTE']);
      expect(await target.my.rows('SELECT COUNT(*) FROM TB_CLIENTE')).to.deep.equal([['0']]);
    });

    it('without --create-tables, still refuses a column that would change values (fewer fractional digits)', async function () {
      await target.my.exec('CREATE TABLE TB_PEDIDO (ID_PEDIDO BIGINT PRIMARY KEY, ID_CLIENTE INT NOT NULL, EMITIDO DATE NOT NULL, HORA TIME, TOTAL DECIMAL(15,2), NOTA TEXT, ANO SMALLINT)');
      const run = await fbsync(['sync', '--tables', 'TB_PEDIDO'], { env: env() });
      expect(run.status).to.equal(1);
      expect(run.stderr).to.include('HORA time keeps 0 digits of a second, the source 4: use TIME(4)');
    });

    it('refuses a misspelt --exclude-columns entry rather than exclude nothing', async function () {
      const run = await sync('--exclude-columns', 'TB_PRODUTO.TAG');
      expect(run.status).to.equal(2);
      expect(run.stderr).to.include('--exclude-columns names TB_PRODUTO.TAG, but Firebird table TB_PRODUTO has no column TAG');
    });
  });

  describe('syncTables with a name mapping', function () {
    it('creates lower-case tables and columns and syncs into them exactly', async function () {
      const options = { from: fb.uri, to: target.my.uri, allTables: true, createTables: true, excludeColumns: [ERP_ARRAY_COLUMN], names: lowerCaseNames, parallelTables: 2 };
      const summary = await syncTables(options);
      expect(summary.created).to.deep.equal(ERP_TABLES.map((t) => t.toLowerCase()));
      expect(summary.tables.map((t) => t.target)).to.deep.equal(ERP_TABLES.map((t) => t.toLowerCase()));
      const [[column]] = await target.my.rows(`SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'tb_pedido_item' AND ORDINAL_POSITION = 1`);
      expect(column).to.equal('id_pedido');
      for (const table of ERP_TABLES) {
        await expectSameTable(fb, target.my, table, { target: table.toLowerCase(), column: (c) => c.toLowerCase(), exclude: ['TAGS'] });
      }
      const again = await syncTables(options);
      expect(again.total).to.include({ read: TOTAL_ROWS, unchanged: TOTAL_ROWS });
    });
  });
});
