/**
 * `verifyTable` / `fbsync verify` against real servers: a target synced by fbsync verifies
 * identical; every kind of edit made in MySQL afterwards (a value of any column type changed,
 * a row deleted, a row added) is found with exactly its key; values a sync would leave as they
 * are (CHAR padding, a finer DATETIME, more decimals) count as equal.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { repairTables, syncTable, syncTables, verifyTable, type FbsyncError, type Key, type VerifyOptions, type VerifyReport } from '../../lib/index.js';
import { createEstoqueDatabases, createFirebirdDatabase, createMysqlDatabase, type FirebirdFixture, type MysqlFixture } from '../support/databases.js';
import { ensureBuilt, fbsync, scratchDir } from '../support/cli.js';
import { createTipos } from '../support/every-type.js';

/** The keys of a report, by kind. */
const keysOf = (report: VerifyReport) => report.keys!;

describe('verify', function () {
  this.timeout(300_000);

  describe('the every-type table, edited in MySQL one column at a time', function () {
    let fb: FirebirdFixture;
    let my: MysqlFixture;
    let columns: string[];
    const verify = (options: Partial<VerifyOptions> = {}) => verifyTable({ from: fb.uri, to: my.uri, table: 'TB_TIPOS', collectKeys: true, ...options });

    before(async () => {
      fb = await createFirebirdDatabase({ charset: 'UTF8' });
      await createTipos(fb);
      my = await createMysqlDatabase();
      await syncTables({ from: fb.uri, to: my.uri, tables: ['TB_TIPOS'], createTables: true });
      // A copy to edit from and restore from, server-side, so no value goes through JS on the way.
      await my.exec('CREATE TABLE SNAP AS SELECT * FROM TB_TIPOS');
      columns = (await my.rows("SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'TB_TIPOS' AND COLUMN_NAME <> 'ID' ORDER BY ORDINAL_POSITION")).map((r) => String(r[0]));
    });
    after(async () => {
      await my?.drop();
      await fb?.drop();
    });

    it('reports the table as synced identical', async () => {
      const report = await verify();
      expect(report.identical, JSON.stringify(report.counts)).to.equal(true);
      expect(report.counts).to.deep.equal({ same: 10, missing: 0, extra: 0, differ: 0 });
    });

    it('proves every other type equal by checksum alone, comparing no row', async () => {
      // BT_1252's 1 MB value (row 10) is here too: Firebird's HASH of its stored bytes is how the
      // driver's lost BLOB segments were found (docs/driver-patch.md).
      const report = await verify({ excludeColumns: ['FL', 'DP'] });
      expect(report.unhashed).to.deep.equal([]);
      expect(report.ranges).to.deep.equal({ checksummed: 1, compared: 0 });
      expect(report.identical).to.equal(true);
    });

    it('says which columns it compares by value rather than by checksum (FLOAT, DOUBLE PRECISION)', async () => {
      const report = await verify();
      expect(report.unhashed.map((u) => u.column)).to.deep.equal(['FL', 'DP']);
    });

    const COLUMNS = ['SI', 'I', 'BI', 'N184', 'N41', 'N92', 'D182', 'FL', 'DP', 'BO', 'DT', 'TM', 'TS', 'CH_NONE', 'VC_NONE', 'CH_OCT', 'VC_OCT', 'CH_ASCII', 'VC_ASCII', 'CH_1252', 'VC_1252', 'CH_8859', 'VC_8859', 'CH_UTF8', 'VC_UTF8', 'BT_NONE', 'BT_OCT', 'BT_ASCII', 'BT_1252', 'BT_8859', 'BT_UTF8', 'BB', 'VALOR', 'NOME', 'DOBRO', 'ROTULO'];
    for (const column of COLUMNS) {
      it(`finds a row whose ${column} was changed in MySQL, by its key alone`, async () => {
        expect(columns).to.include(column);
        const values = await my.rows(`SELECT ID, \`${column}\` FROM SNAP ORDER BY ID`);
        const text = (v: unknown) => (v === null ? null : Buffer.isBuffer(v) ? v.toString('hex') : String(v));
        // The row to edit: the first with a value; its new value another row's, or NULL.
        const edited = values.find((r) => r[1] !== null)!;
        const other = values.find((r) => r[1] !== null && text(r[1]) !== text(edited[1]));
        const set = other ? `t.\`${column}\` = (SELECT s.\`${column}\` FROM SNAP s WHERE s.ID = ${Number(other[0])})` : `t.\`${column}\` = NULL`;
        await my.exec(`UPDATE TB_TIPOS t SET ${set} WHERE t.ID = ${Number(edited[0])}`);
        try {
          const report = await verify();
          expect(keysOf(report)).to.deep.equal({ missing: [], extra: [], differ: [[Number(edited[0])]] });
        } finally {
          await my.exec(`UPDATE TB_TIPOS t JOIN SNAP s ON s.ID = t.ID SET t.\`${column}\` = s.\`${column}\``);
        }
      });
    }

    it('repairs a row with every column edited, BLOBs included: a second verify finds the table identical', async () => {
      const set = columns.map((c) => `t.\`${c}\` = (SELECT s.\`${c}\` FROM SNAP s WHERE s.ID = 2)`).join(', ');
      await my.exec(`UPDATE TB_TIPOS t SET ${set} WHERE t.ID = 1`);
      const report = await repairTables({ from: fb.uri, to: my.uri, tables: ['TB_TIPOS'] });
      expect(report.tables[0]!.found.counts).to.include({ differ: 1, missing: 0, extra: 0 });
      expect(report.tables[0]!.repair).to.include({ updated: 1, inserted: 0, deleted: 0 });
      expect(report.tables[0]!.after!.identical).to.equal(true);
    });
  });

  describe('a table of a few thousand rows', function () {
    let fb: FirebirdFixture;
    let my: MysqlFixture;
    const verify = () => verifyTable({ from: fb.uri, to: my.uri, table: 'TB_ESTOQUE', collectKeys: true, rangeRows: 500, exactRows: 20 });

    beforeEach(async () => {
      ({ fb, my } = await createEstoqueDatabases(3000));
      await syncTable({ from: fb.uri, to: my.uri, table: 'TB_ESTOQUE' });
    });
    afterEach(async () => {
      await my?.drop();
      await fb?.drop();
    });

    it('finds rows deleted from MySQL as missing', async () => {
      await my.exec('DELETE FROM TB_ESTOQUE WHERE ID_ESTOQUE IN (1, 17, 1500, 3000)');
      expect(keysOf(await verify())).to.deep.equal({ missing: [[1], [17], [1500], [3000]], extra: [], differ: [] });
    });

    it('finds rows only MySQL has as extra, before the first key, between keys and past the last', async () => {
      await my.exec("INSERT INTO TB_ESTOQUE SELECT ID_ESTOQUE + 5000, CODIGO, DESCRICAO, QUANTIDADE, PRECO_CUSTO, PRECO_VENDA, ATUALIZADO_EM, ATIVO, OBSERVACAO FROM TB_ESTOQUE WHERE ID_ESTOQUE = 1");
      await my.exec('DELETE FROM TB_ESTOQUE WHERE ID_ESTOQUE = 700');
      await my.exec("INSERT INTO TB_ESTOQUE SELECT 700, CODIGO, DESCRICAO, QUANTIDADE, PRECO_CUSTO, PRECO_VENDA, ATUALIZADO_EM, ATIVO, OBSERVACAO FROM TB_ESTOQUE WHERE ID_ESTOQUE = 2");
      await my.exec("INSERT INTO TB_ESTOQUE SELECT -3, CODIGO, DESCRICAO, QUANTIDADE, PRECO_CUSTO, PRECO_VENDA, ATUALIZADO_EM, ATIVO, OBSERVACAO FROM TB_ESTOQUE WHERE ID_ESTOQUE = 2");
      // 700 now holds row 2's values: a difference, not an extra row.
      expect(keysOf(await verify())).to.deep.equal({ missing: [], extra: [[-3], [5001]], differ: [[700]] });
    });

    it('finds values edited in MySQL, one character or one unit in the last place', async () => {
      await my.exec("UPDATE TB_ESTOQUE SET DESCRICAO = CONCAT(DESCRICAO, '.') WHERE ID_ESTOQUE = 42");
      await my.exec('UPDATE TB_ESTOQUE SET PRECO_CUSTO = PRECO_CUSTO + 0.0001 WHERE ID_ESTOQUE = 2999');
      await my.exec("UPDATE TB_ESTOQUE SET ATUALIZADO_EM = ATUALIZADO_EM + INTERVAL 100 MICROSECOND WHERE ID_ESTOQUE = 1234");
      expect(keysOf(await verify())).to.deep.equal({ missing: [], extra: [], differ: [[42], [1234], [2999]] });
    });

    it('finds values whose PJW hashes collide (`aq` and `ba`) by the reversed hash', async () => {
      await fb.exec("UPDATE TB_ESTOQUE SET CODIGO = 'aq' WHERE ID_ESTOQUE = 10");
      await syncTable({ from: fb.uri, to: my.uri, table: 'TB_ESTOQUE' });
      await my.exec("UPDATE TB_ESTOQUE SET CODIGO = 'ba' WHERE ID_ESTOQUE = 10");
      expect(keysOf(await verify())).to.deep.equal({ missing: [], extra: [], differ: [[10]] });
    });

    it('repairs missing, extra and edited rows (with delete): a second verify finds the table identical', async () => {
      await my.exec('DELETE FROM TB_ESTOQUE WHERE ID_ESTOQUE IN (1, 1500)', "UPDATE TB_ESTOQUE SET DESCRICAO = CONCAT(DESCRICAO, '.') WHERE ID_ESTOQUE = 42");
      await my.exec("INSERT INTO TB_ESTOQUE SELECT 9000, CODIGO, DESCRICAO, QUANTIDADE, PRECO_CUSTO, PRECO_VENDA, ATUALIZADO_EM, ATIVO, OBSERVACAO FROM TB_ESTOQUE WHERE ID_ESTOQUE = 2");
      const report = await repairTables({ from: fb.uri, to: my.uri, tables: ['TB_ESTOQUE'], delete: true, rangeRows: 500, exactRows: 20 });
      expect(report.tables[0]!.repair).to.include({ inserted: 2, updated: 1, deleted: 1 });
      expect(report.identical).to.equal(true);
      expect((await verify()).identical).to.equal(true);
    });

    it('checksums ranges that agree and compares only the ones that do not', async () => {
      await my.exec("UPDATE TB_ESTOQUE SET OBSERVACAO = NULL WHERE ID_ESTOQUE = 2000");
      const report = await verify();
      expect(report.counts).to.deep.equal({ same: 2999, missing: 0, extra: 0, differ: 1 });
      expect(report.ranges.checksummed).to.be.greaterThan(6);
      expect(report.ranges.compared).to.equal(1);
    });
  });

  describe('a composite text key', function () {
    let fb: FirebirdFixture;
    let my: MysqlFixture;
    beforeEach(async () => {
      fb = await createFirebirdDatabase({ charset: 'UTF8' });
      my = await createMysqlDatabase();
      const rows = ['A', 'B', 'Ç'].flatMap((loja) => Array.from({ length: 40 }, (_, i) => `INSERT INTO ITENS VALUES ('${loja}', 'c${String(i).padStart(2, '0')}', 'item ${loja} ${i}')`));
      await fb.exec('CREATE TABLE ITENS (LOJA VARCHAR(4) NOT NULL, COD VARCHAR(10) NOT NULL, NOME VARCHAR(30), PRIMARY KEY (LOJA, COD))', ...rows);
      await syncTables({ from: fb.uri, to: my.uri, tables: ['ITENS'], createTables: true });
    });
    afterEach(async () => {
      await my?.drop();
      await fb?.drop();
    });

    it('finds each edit by both parts of its key', async () => {
      await my.exec("DELETE FROM ITENS WHERE LOJA = 'B' AND COD = 'c07'");
      await my.exec("INSERT INTO ITENS VALUES ('B', 'c07x', 'extra')");
      await my.exec("UPDATE ITENS SET NOME = 'outro' WHERE LOJA = 'Ç' AND COD = 'c39'");
      const report = await verifyTable({ from: fb.uri, to: my.uri, table: 'ITENS', collectKeys: true, rangeRows: 25 });
      expect(report.keys).to.deep.equal({ missing: [['B', 'c07']], extra: [['B', 'c07x']], differ: [['Ç', 'c39']] });
    });

    it('repairs them by both parts of the key: a second verify finds the table identical', async () => {
      await my.exec("DELETE FROM ITENS WHERE LOJA = 'B' AND COD = 'c07'", "INSERT INTO ITENS VALUES ('B', 'c07x', 'extra')", "UPDATE ITENS SET NOME = 'outro' WHERE LOJA = 'Ç' AND COD = 'c39'");
      const report = await repairTables({ from: fb.uri, to: my.uri, tables: ['ITENS'], delete: true, rangeRows: 25 });
      expect(report.tables[0]!.repair).to.include({ inserted: 1, updated: 1, deleted: 1 });
      expect(report.tables[0]!.after!.identical).to.equal(true);
    });
  });

  describe('an empty table', function () {
    let fb: FirebirdFixture;
    let my: MysqlFixture;
    beforeEach(async () => {
      fb = await createFirebirdDatabase({ charset: 'UTF8' });
      my = await createMysqlDatabase();
      await fb.exec('CREATE TABLE VAZIA (ID INTEGER NOT NULL PRIMARY KEY, NOME VARCHAR(10))');
      await syncTables({ from: fb.uri, to: my.uri, tables: ['VAZIA'], createTables: true });
    });
    afterEach(async () => {
      await my?.drop();
      await fb?.drop();
    });

    it('is identical to an empty target', async () => {
      const report = await verifyTable({ from: fb.uri, to: my.uri, table: 'VAZIA' });
      expect(report.identical).to.equal(true);
      expect(report.counts).to.deep.equal({ same: 0, missing: 0, extra: 0, differ: 0 });
    });

    it('finds every row of a target that is not empty as extra', async () => {
      await my.exec("INSERT INTO VAZIA VALUES (1, 'a'), (2, NULL)");
      const report = await verifyTable({ from: fb.uri, to: my.uri, table: 'VAZIA', collectKeys: true });
      expect(report.keys).to.deep.equal({ missing: [], extra: [[1], [2]], differ: [] });
    });

    it('repairs that target only under a delete guard that lets every row go', async () => {
      await my.exec("INSERT INTO VAZIA VALUES (1, 'a'), (2, NULL)");
      const refused = await repairTables({ from: fb.uri, to: my.uri, tables: ['VAZIA'], delete: true }).then(() => undefined, (e: unknown) => e as FbsyncError);
      expect(refused?.code).to.equal('DELETE_GUARD');
      expect(await my.rows('SELECT COUNT(*) FROM VAZIA')).to.deep.equal([['2']]);
      const report = await repairTables({ from: fb.uri, to: my.uri, tables: ['VAZIA'], delete: true, maxDelete: '100%' });
      expect(report.tables[0]!.after!.identical).to.equal(true);
    });
  });

  describe('values a sync would leave unchanged', function () {
    let fb: FirebirdFixture;
    let my: MysqlFixture;
    beforeEach(async () => {
      fb = await createFirebirdDatabase({ charset: 'UTF8' });
      my = await createMysqlDatabase();
      await fb.exec(
        'CREATE TABLE EXATO (ID INTEGER NOT NULL PRIMARY KEY, SIGLA CHAR(6), QUANDO TIMESTAMP, HORA TIME, VALOR NUMERIC(9,2), GRANDE NUMERIC(18,4))',
        "INSERT INTO EXATO VALUES (1, 'ab', '2024-01-02 03:04:05.1234', '10:20:30.5', 1.50, -0.0001)",
        "INSERT INTO EXATO VALUES (2, '', '2024-01-02 03:04:05', '00:00:00', 0, 922337203685477.5807)",
      );
      // Made by hand, wider than fbsync would make it: a CHAR that MySQL pads, six digits of a second, more decimals.
      await my.exec(
        'CREATE TABLE EXATO (ID INT NOT NULL PRIMARY KEY, SIGLA CHAR(10), QUANDO DATETIME(6), HORA TIME(6), VALOR DECIMAL(12,4), GRANDE DECIMAL(30,8))',
        "INSERT INTO EXATO VALUES (1, 'ab', '2024-01-02 03:04:05.123400', '10:20:30.500000', 1.5000, -0.00010000)",
        "INSERT INTO EXATO VALUES (2, '', '2024-01-02 03:04:05.000000', '00:00:00', 0.0000, 922337203685477.58070000)",
      );
    });
    afterEach(async () => {
      await my?.drop();
      await fb?.drop();
    });

    it('counts padded CHAR, finer timestamps and more decimals as equal, as a re-sync would', async () => {
      const report = await verifyTable({ from: fb.uri, to: my.uri, table: 'EXATO' });
      expect(report.counts).to.deep.equal({ same: 2, missing: 0, extra: 0, differ: 0 });
      const resync = await syncTable({ from: fb.uri, to: my.uri, table: 'EXATO', dryRun: true });
      expect(resync.unchanged).to.equal(2);
    });

    it('still finds a digit beyond the source\'s own (1/100,000 s, a fifth decimal)', async () => {
      await my.exec("UPDATE EXATO SET QUANDO = '2024-01-02 03:04:05.123410' WHERE ID = 1", "UPDATE EXATO SET GRANDE = 922337203685477.58071 WHERE ID = 2");
      const report = await verifyTable({ from: fb.uri, to: my.uri, table: 'EXATO', collectKeys: true });
      expect(report.keys).to.deep.equal({ missing: [], extra: [], differ: [[1], [2]] });
    });
  });

  describe('fbsync verify', function () {
    let fb: FirebirdFixture;
    let my: MysqlFixture;
    before(() => ensureBuilt());
    beforeEach(async () => {
      ({ fb, my } = await createEstoqueDatabases(300));
      await syncTable({ from: fb.uri, to: my.uri, table: 'TB_ESTOQUE' });
    });
    afterEach(async () => {
      await my?.drop();
      await fb?.drop();
    });
    const cli = (...args: string[]) => fbsync(['verify', '--from', fb.uri, '--to', my.uri, '--tables', 'TB_ESTOQUE', ...args]);

    it('exits 0 and says identical when the target is', async () => {
      const run = await cli();
      expect(run.status, run.stderr).to.equal(0);
      expect(run.stdout.trim()).to.equal('TB_ESTOQUE: identical, 300 rows');
    });

    it('exits 6 and prints the counts and the first 20 keys when rows differ', async () => {
      await my.exec('DELETE FROM TB_ESTOQUE WHERE ID_ESTOQUE <= 25');
      const run = await cli();
      expect(run.status, run.stderr).to.equal(6);
      const lines = run.stdout.trim().split('\n');
      expect(lines[0]).to.equal('TB_ESTOQUE: 25 missing, 0 extra, 0 differ, 275 rows the same');
      expect(lines.slice(1, 3)).to.deep.equal(['  missing [1]', '  missing [2]']);
      expect(lines).to.have.length(22);
      expect(lines[21]).to.equal('  … 5 more (all of them with --json or --keys FILE)');
    });

    it('writes every key to --keys FILE as JSON lines', async () => {
      await my.exec('DELETE FROM TB_ESTOQUE WHERE ID_ESTOQUE <= 25', "UPDATE TB_ESTOQUE SET ATIVO = 'X' WHERE ID_ESTOQUE = 300");
      const file = join(scratchDir(), 'keys.jsonl');
      const run = await cli('--keys', file);
      expect(run.status, run.stderr).to.equal(6);
      const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { table: string; kind: string; key: Key });
      expect(lines).to.have.length(26);
      expect(lines[0]).to.deep.equal({ table: 'TB_ESTOQUE', kind: 'missing', key: [1] });
      expect(lines.at(-1)).to.deep.equal({ table: 'TB_ESTOQUE', kind: 'differ', key: [300] });
    });

    it('verifies every table with a primary key with --all-tables', async () => {
      const run = await fbsync(['verify', '--from', fb.uri, '--to', my.uri, '--all-tables']);
      expect(run.status, run.stderr).to.equal(0);
      expect(run.stdout.trim()).to.equal('TB_ESTOQUE: identical, 300 rows');
    });

    it('takes its tables from a job file with --job', async () => {
      const file = join(scratchDir(), 'job.yaml');
      writeFileSync(file, `from: ${fb.uri}\nto: ${my.uri}\ntables:\n  - TB_ESTOQUE\n`);
      await my.exec("UPDATE TB_ESTOQUE SET CODIGO = 'x' WHERE ID_ESTOQUE = 9");
      const run = await fbsync(['verify', '--job', file]);
      expect(run.status, run.stderr).to.equal(6);
      expect(run.stdout).to.include('  differ  [9]');
    });

    it('prints the report with every key in --json', async () => {
      await my.exec('DELETE FROM TB_ESTOQUE WHERE ID_ESTOQUE = 7');
      const run = await cli('--json');
      expect(run.status, run.stderr).to.equal(6);
      const report = JSON.parse(run.stdout) as { identical: boolean; tables: VerifyReport[] };
      expect(report.identical).to.equal(false);
      expect(report.tables[0]!.keys).to.deep.equal({ missing: [[7]], extra: [], differ: [] });
    });
  });
});
