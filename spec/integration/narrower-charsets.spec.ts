/**
 * Adopting MySQL tables made before fbsync: text columns in a character set narrower than the
 * source's (latin1, latin2, ascii, …) and columns only MySQL has. The character tables of
 * lib/mysql/charsets.ts are checked here against the server itself, byte by byte and for every
 * character of the Basic Multilingual Plane.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { openFirebird, closeFirebird, openMysql, planSync, firebirdSource, composeStages, diffStage, mysqlTargetReader, batchStage, batchBytesFor, mysqlSink } from '../../lib/index.js';
import { byteCharacters, TABLE_CHARSETS } from '../../lib/mysql/charsets.js';
import { ensureBuilt, fbsync, scratchDir } from '../support/cli.js';
import { createFirebirdDatabase, createMysqlDatabase, type FirebirdFixture, type MysqlFixture } from '../support/databases.js';

describe('adopting MySQL tables narrower than the source', function () {
  this.timeout(120_000);

  describe('the character tables agree with MariaDB', () => {
    let my: MysqlFixture;
    before(async () => {
      my = await createMysqlDatabase();
    });
    after(async () => {
      await my?.drop();
    });

    for (const charset of TABLE_CHARSETS) {
      it(`${charset}: each of the 256 bytes stored in a column reads back as the character the table gives it ('?' where none)`, async () => {
        const table = byteCharacters(charset)!;
        await my.exec('DROP TABLE IF EXISTS bytes', `CREATE TABLE bytes (b INT PRIMARY KEY, v VARCHAR(1) CHARACTER SET ${charset})`);
        const values = table.map((_, b) => `(${b}, CONVERT(x'${b.toString(16).padStart(2, '0')}' USING ${charset}))`);
        await my.exec(`INSERT INTO bytes VALUES ${values.join(', ')}`);
        const read = (await my.rows('SELECT v FROM bytes ORDER BY b')).map((r) => r[0]);
        expect(read).to.deep.equal(table.map((code) => (code === undefined ? '?' : String.fromCharCode(code))));
      });

      it(`${charset}: MariaDB converts to it exactly the characters of the table, each to its byte`, async () => {
        const byByte = byteCharacters(charset)!;
        const expected = new Map<number, number>();
        byByte.forEach((code, b) => code !== undefined && expected.set(code, b));
        const wrong: string[] = [];
        for (let from = 0; from < 0x10000; from += 4096) {
          const codes = Array.from({ length: 4096 }, (_, i) => from + i).filter((c) => c < 0xd800 || c > 0xdfff);
          const [[hex]] = (await my.rows(`SELECT HEX(CONVERT(? USING ${charset}))`, [String.fromCharCode(...codes)])) as [[string]];
          codes.forEach((code, i) => {
            const byte = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
            const held = byte !== 0x3f || code === 0x3f;
            if (held !== expected.has(code) || (held && expected.get(code) !== byte)) wrong.push(`U+${code.toString(16)}→${byte.toString(16)}`);
          });
        }
        expect(wrong).to.deep.equal([]);
        expect(await my.rows(`SELECT HEX(CONVERT(? USING ${charset}))`, ['😀'])).to.deep.equal([['3F']]);
      });
    }

    it("refuses, in fbsync's strict session, a character a column lacks (error 1366) rather than writing '?'", async () => {
      await my.exec('DROP TABLE IF EXISTS greek', 'CREATE TABLE greek (id INT PRIMARY KEY, v VARCHAR(10) CHARACTER SET greek)');
      const target = await openMysql(my.uri);
      try {
        const errno = await target.pool.query('INSERT INTO greek VALUES (1, ?)', ['Łódź']).then(() => 'written', (err: { errno?: number }) => err.errno);
        expect(errno).to.equal(1366);
      } finally {
        await target.end();
      }
      expect(await my.rows('SELECT COUNT(*) FROM greek')).to.deep.equal([['0']]);
    });
  });

  describe('a hand-made target with latin1, latin2 and ascii text', () => {
    let fb: FirebirdFixture;
    let my: MysqlFixture;
    const rejectFile = () => join(scratchDir(), `${my.database}.jsonl`);
    const sync = (...more: string[]) =>
      fbsync(['sync', '--from', fb.uri, '--to', my.uri, '--tables', 'TB_CLIENTE', '--max-errors', '10', '--reject-file', rejectFile(), '--json', ...more]);

    before(async () => {
      await ensureBuilt();
      fb = await createFirebirdDatabase();
      await fb.exec(
        'CREATE TABLE TB_CLIENTE (ID INTEGER NOT NULL PRIMARY KEY, NOME VARCHAR(40), CIDADE VARCHAR(40), CODIGO VARCHAR(10), NOTA VARCHAR(40))',
        `INSERT INTO TB_CLIENTE VALUES (1, 'José', 'Praha', 'A-1', 'ok')`,
        // Ł is in latin2, not in latin1 (Windows-1252).
        `INSERT INTO TB_CLIENTE VALUES (2, 'Łukasz', 'Łódź', 'A-2', 'ok')`,
        // MySQL's latin1 is Windows-1252: € is its byte 0x80.
        `INSERT INTO TB_CLIENTE VALUES (3, 'Preço 5 €', 'Brno', 'A-3', 'ok')`,
        // latin2 (ISO-8859-2) has no €.
        `INSERT INTO TB_CLIENTE VALUES (4, 'Zoë', 'Cena 5 €', 'A-4', 'ok')`,
        `INSERT INTO TB_CLIENTE VALUES (5, 'Ana', 'Kraków', 'Ç-5', 'ok')`,
        `INSERT INTO TB_CLIENTE VALUES (6, 'Eva', 'Plzeň', 'A-6', 'Ωμέγα')`,
        `INSERT INTO TB_CLIENTE VALUES (7, 'Ivo', 'Brno', 'A-7', 'Łódź')`,
      );
    });
    after(async () => {
      await fb?.drop();
    });
    beforeEach(async () => {
      my = await createMysqlDatabase();
      // NOTA is greek, a set fbsync has no table of: MariaDB judges its values.
      await my.exec(
        `CREATE TABLE TB_CLIENTE (ID INT NOT NULL PRIMARY KEY, NOME VARCHAR(40) CHARACTER SET latin1, CIDADE VARCHAR(40) CHARACTER SET latin2,
           CODIGO VARCHAR(10) CHARACTER SET ascii, NOTA VARCHAR(40) CHARACTER SET greek) CHARACTER SET latin1`,
      );
    });
    afterEach(async () => {
      await my?.drop();
    });

    const rejects = () =>
      readFileSync(rejectFile(), 'utf8')
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as { table: string; key: { ID: number }; error: { errno: number; message: string } });

    it('syncs the rows every column holds and exits with status 4 (rejected)', async () => {
      const run = await sync();
      expect(run.status, run.stderr).to.equal(4);
      expect(JSON.parse(run.stdout).tables[0]).to.include({ read: 7, rejected: 4, outcome: 'rejected' });
      expect(await my.rows('SELECT ID, NOME, CIDADE, CODIGO, NOTA FROM TB_CLIENTE ORDER BY ID')).to.deep.equal([
        [1, 'José', 'Praha', 'A-1', 'ok'],
        [3, 'Preço 5 €', 'Brno', 'A-3', 'ok'],
        [6, 'Eva', 'Plzeň', 'A-6', 'Ωμέγα'],
      ]);
    });

    it('writes each rejected row to the reject file with its key and why: table, column, character and set', async () => {
      await sync();
      const lines = rejects().sort((a, b) => a.key.ID - b.key.ID);
      expect(lines.map((l) => [l.table, l.key, l.error.message])).to.deep.equal([
        ['TB_CLIENTE', { ID: 2 }, "Incorrect string value for column TB_CLIENTE.NOME: character set latin1 has no U+0141 'Ł'"],
        ['TB_CLIENTE', { ID: 4 }, "Incorrect string value for column TB_CLIENTE.CIDADE: character set latin2 has no U+20AC '€'"],
        ['TB_CLIENTE', { ID: 5 }, "Incorrect string value for column TB_CLIENTE.CODIGO: character set ascii has no U+00C7 'Ç'"],
        ['TB_CLIENTE', { ID: 7 }, lines[3]!.error.message],
      ]);
    });

    it("rejects a character MariaDB finds missing in a set fbsync has no table of (1366), never writing '?'", async () => {
      await sync();
      const greek = rejects().find((l) => l.key.ID === 7)!;
      expect(greek.error.errno).to.equal(1366);
      expect(greek.error.message).to.match(/^Incorrect string value: '\\xC5\\x81.*' for column .*NOTA/);
      expect(await my.rows(`SELECT COUNT(*) FROM TB_CLIENTE WHERE NOTA LIKE '%?%' OR NOME LIKE '%?%' OR CIDADE LIKE '%?%' OR CODIGO LIKE '%?%'`)).to.deep.equal([['0']]);
    });

    it('keeps € in the latin1 column, stored as its byte 0x80', async () => {
      await sync();
      expect(await my.rows('SELECT NOME, HEX(NOME) FROM TB_CLIENTE WHERE ID = 3')).to.deep.equal([['Preço 5 €', '507265E76F20352080']]);
    });

    it('finds every row it wrote unchanged on a second run, and writes nothing', async () => {
      await sync();
      const before = await my.rows('SELECT * FROM TB_CLIENTE ORDER BY ID');
      const again = await sync();
      // The rows written compare equal as read back from latin1, latin2, ascii and greek; the
      // rejected ones, new to the target still, are tried and rejected again.
      expect(JSON.parse(again.stdout).tables[0]).to.include({ read: 7, inserted: 4, updated: 0, unchanged: 3, rejected: 4 });
      expect(await my.rows('SELECT * FROM TB_CLIENTE ORDER BY ID')).to.deep.equal(before);
    });

    it('takes the narrower columns with createTables as well', async () => {
      const run = await sync('--create-tables');
      expect(run.status, run.stderr).to.equal(4);
      expect(JSON.parse(run.stdout).tables[0]).to.include({ read: 7, rejected: 4 });
      expect(await my.rows('SELECT ID FROM TB_CLIENTE ORDER BY ID')).to.deep.equal([[1], [3], [6]]);
    });
  });

  describe('columns only MySQL has', () => {
    let fb: FirebirdFixture;
    let my: MysqlFixture;
    const sync = (...more: string[]) => fbsync(['sync', '--from', fb.uri, '--to', my.uri, '--tables', 'TB_PRODUTO', '--json', ...more]);
    const ROWS = 600;
    const extras = (id: number) => my.rows('SELECT NOME, OBS_WEB, STATUS, SEQ > 0, NOME_MAIUSC, APAGADO FROM TB_PRODUTO WHERE ID = ?', [id]);

    before(async () => {
      await ensureBuilt();
      fb = await createFirebirdDatabase();
      await fb.exec('CREATE TABLE TB_PRODUTO (ID INTEGER NOT NULL PRIMARY KEY, NOME VARCHAR(40))');
    });
    after(async () => {
      await fb?.drop();
    });
    beforeEach(async () => {
      await fb.exec(
        'DELETE FROM TB_PRODUTO',
        `EXECUTE BLOCK AS DECLARE i INTEGER = 1; BEGIN WHILE (i <= ${ROWS}) DO BEGIN INSERT INTO TB_PRODUTO VALUES (:i, 'produto ' || :i); i = i + 1; END END`,
      );
      my = await createMysqlDatabase();
      // The hand edits below must not hold row locks: a spec run meanwhile may have set GLOBAL autocommit = 0.
      await my.exec('SET SESSION autocommit = 1');
      await my.exec(
        `CREATE TABLE TB_PRODUTO (ID INT NOT NULL PRIMARY KEY, NOME VARCHAR(40),
           OBS_WEB VARCHAR(100) NULL, STATUS CHAR(1) NOT NULL DEFAULT 'A', SEQ INT NOT NULL AUTO_INCREMENT,
           NOME_MAIUSC VARCHAR(40) AS (UPPER(NOME)) VIRTUAL, APAGADO DATETIME NULL, KEY (SEQ))`,
      );
    });
    afterEach(async () => {
      await my?.drop();
    });

    /** The source → diff → batch → sink pipeline, as the sync runs it; returns the rows the sink loaded. */
    async function loadedRows(): Promise<number> {
      const db = await openFirebird(fb.uri);
      const target = await openMysql(my.uri, { connections: 2 });
      try {
        const table = await planSync(db, target, { table: 'TB_PRODUTO' });
        const sink = mysqlSink({ target, table, parallel: 2 });
        await pipeline(
          firebirdSource({ db, table, pageSize: 200 }),
          composeStages([diffStage({ table, readTarget: mysqlTargetReader(target, table) }), batchStage({ maxRows: 100, maxBytes: batchBytesFor(target.server.maxAllowedPacket) })]),
          sink,
        );
        return sink.loaded;
      } finally {
        await target.end();
        await closeFirebird(db);
      }
    }

    it('gives them their defaults on a full load, which goes by LOAD DATA (the columns named)', async () => {
      expect(await loadedRows()).to.equal(ROWS);
      expect(await extras(1)).to.deep.equal([['produto 1', null, 'A', 1, 'PRODUTO 1', null]]);
      expect(await my.rows('SELECT COUNT(DISTINCT SEQ), SUM(STATUS = \'A\') FROM TB_PRODUTO')).to.deep.equal([[String(ROWS), String(ROWS)]]);
    });

    it('keeps their values when the source updates the row', async () => {
      await sync();
      await my.exec(`UPDATE TB_PRODUTO SET OBS_WEB = 'destaque', STATUS = 'B' WHERE ID = 1`);
      const [[seq]] = await my.rows('SELECT SEQ FROM TB_PRODUTO WHERE ID = 1');
      await fb.exec(`UPDATE TB_PRODUTO SET NOME = 'produto um' WHERE ID = 1`);
      const run = await sync();
      expect(JSON.parse(run.stdout).tables[0]).to.include({ updated: 1, inserted: 0 });
      expect(await extras(1)).to.deep.equal([['produto um', 'destaque', 'B', 1, 'PRODUTO UM', null]]);
      expect(await my.rows('SELECT SEQ FROM TB_PRODUTO WHERE ID = 1')).to.deep.equal([[seq]]);
    });

    it('keeps their values on a re-sync, which writes nothing', async () => {
      await sync();
      await my.exec(`UPDATE TB_PRODUTO SET OBS_WEB = 'destaque', STATUS = 'B' WHERE ID = 2`);
      const run = await sync();
      expect(JSON.parse(run.stdout).tables[0]).to.include({ inserted: 0, updated: 0, unchanged: ROWS });
      expect(await extras(2)).to.deep.equal([['produto 2', 'destaque', 'B', 1, 'PRODUTO 2', null]]);
    });

    it('keeps them alongside a soft-delete column, which marks the row the source lost', async () => {
      await sync();
      await my.exec(`UPDATE TB_PRODUTO SET OBS_WEB = 'destaque' WHERE ID = 3`);
      await fb.exec('DELETE FROM TB_PRODUTO WHERE ID = 3');
      const run = await sync('--delete', '--soft-delete', 'APAGADO');
      expect(run.status, run.stderr).to.equal(0);
      const [[nome, obs, status, seq, upper, apagado]] = await extras(3);
      expect([nome, obs, status, seq, upper]).to.deep.equal(['produto 3', 'destaque', 'A', 1, 'PRODUTO 3']);
      expect(apagado).to.be.a('string');
    });

    it('refuses a NOT NULL column without a default, naming table, column and the fixes, and writes nothing', async () => {
      await my.exec('ALTER TABLE TB_PRODUTO ADD COLUMN CRIADO_POR VARCHAR(30) NOT NULL');
      const run = await sync();
      expect(run.status).to.equal(1);
      expect(run.stderr).to.include(`MySQL table ${my.database}.TB_PRODUTO has a column the source does not fill, NOT NULL and without a default: CRIADO_POR (varchar(30) NOT NULL)`);
      expect(run.stderr).to.include('give it a default (ALTER TABLE `TB_PRODUTO` ALTER COLUMN `CRIADO_POR` SET DEFAULT …)');
      expect(await my.rows('SELECT COUNT(*) FROM TB_PRODUTO')).to.deep.equal([['0']]);
    });
  });
});
