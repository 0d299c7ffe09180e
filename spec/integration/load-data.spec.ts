/**
 * Rows new to the target go by LOAD DATA LOCAL INFILE (lib/mysql/load.ts); anything it would
 * warn about goes by the ordinary upsert. These specs drive the sink through a custom pipeline
 * to see how many rows it loaded.
 */
import { pipeline } from 'node:stream/promises';
import { expect } from 'chai';
import {
  openFirebird, closeFirebird, openMysql, planSync, firebirdSource, composeStages, diffStage, mysqlTargetReader,
  batchStage, batchBytesFor, mysqlSink, syncTable, type ChangeSet, type RejectedRow,
} from '../../lib/index.js';
import { createFirebirdDatabase, createMysqlDatabase, type FirebirdFixture, type MysqlFixture } from '../support/databases.js';
import { expectSameTable } from '../support/compare.js';

const ROWS = 1500;
/** Bytes 00 to FF, as hex. */
const EVERY_BYTE = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0').toUpperCase()).join('');
const PAGE = 500;
const BATCH = 250;

describe('new rows written with LOAD DATA', function () {
  this.timeout(60_000);
  let fb: FirebirdFixture;
  let my: MysqlFixture;

  before(async function () {
    fb = await createFirebirdDatabase();
    await fb.exec(
      `CREATE TABLE TB_NOTA (ID INTEGER NOT NULL PRIMARY KEY, TEXTO VARCHAR(60), VALOR NUMERIC(18,4), GRANDE BIGINT,
         ATIVO BOOLEAN, QUANDO TIMESTAMP, FOTO BLOB SUB_TYPE 0, OBS BLOB SUB_TYPE TEXT)`,
      `EXECUTE BLOCK AS DECLARE i INTEGER = 1; BEGIN WHILE (i <= ${ROWS}) DO BEGIN
         INSERT INTO TB_NOTA VALUES (:i, 'Nota ' || :i || ' açúcar', :i * 1.0001 - 50000, 9007199254740993 + :i,
           MOD(:i, 2) = 0, DATEADD(:i SECOND TO TIMESTAMP '2024-02-29 23:59:59.1234'), x'00090A0D5CFF', 'obs ' || :i);
         i = i + 1; END END`,
      // Every character a line or a field could be cut at, and values that look like NULL.
      `UPDATE TB_NOTA SET TEXTO = 'tab' || ASCII_CHAR(9) || 'nl' || ASCII_CHAR(10) || 'cr' || ASCII_CHAR(13) || 'bs\\ \\N',
         OBS = '\\N', FOTO = x'5C4E' WHERE ID = 7`,
      `UPDATE TB_NOTA SET TEXTO = '', OBS = '', FOTO = x'', VALOR = -99999999999999.9999, GRANDE = -9223372036854775808 WHERE ID = 8`,
      `UPDATE TB_NOTA SET TEXTO = NULL, VALOR = NULL, GRANDE = NULL, ATIVO = NULL, QUANDO = NULL, FOTO = NULL, OBS = NULL WHERE ID = 9`,
      // Every byte, then bytes that look like the start of UTF-8 characters cut short by a tab, a
      // backslash or a newline: MariaDB gets them unencoded (see BinaryFields).
      `UPDATE TB_NOTA SET FOTO = x'${EVERY_BYTE}C328E209C35CF09F980A' WHERE ID = 10`,
      `UPDATE TB_NOTA SET TEXTO = 'Long text for a narrow column ' || ID WHERE ID = 1200`,
      // Too long for VARCHAR(30) only by its trailing blanks, which MySQL cuts with a note, no error.
      `UPDATE TB_NOTA SET TEXTO = RPAD('blanks after this', 34) WHERE ID = 1300`,
    );
    my = await createMysqlDatabase();
  });
  after(async () => {
    await fb?.drop();
    await my?.drop();
  });
  beforeEach(async () => {
    await my.exec(
      'DROP TABLE IF EXISTS TB_NOTA',
      `CREATE TABLE TB_NOTA (ID INT PRIMARY KEY, TEXTO VARCHAR(60), VALOR DECIMAL(18,4), GRANDE BIGINT, ATIVO BOOLEAN,
         QUANDO DATETIME(4), FOTO LONGBLOB, OBS LONGTEXT) CHARACTER SET utf8mb4`,
    );
  });

  interface CopyOptions {
    loadData?: boolean;
    parallel?: number;
    maxErrors?: number;
    /** Runs between the diff and the batches, as another writer might. */
    meanwhile?: (changes: ChangeSet) => Promise<void>;
  }

  /** The source → diff → batch → sink pipeline; returns the rows the sink loaded and rejected. */
  async function copy(options: CopyOptions = {}): Promise<{ loaded: number; rejected: RejectedRow[] }> {
    const db = await openFirebird(fb.uri);
    const target = await openMysql(my.uri, { connections: 4 });
    const rejected: RejectedRow[] = [];
    try {
      const table = await planSync(db, target, { table: 'TB_NOTA' });
      const sink = mysqlSink({ target, table, parallel: options.parallel ?? 2, loadData: options.loadData, maxErrors: options.maxErrors, onReject: (r) => void rejected.push(r) });
      const meanwhile = options.meanwhile;
      await pipeline(
        firebirdSource({ db, table, pageSize: PAGE }),
        composeStages([
          diffStage({ table, readTarget: mysqlTargetReader(target, table) }),
          ...(meanwhile ? [async (changes: ChangeSet) => (await meanwhile(changes), changes)] : []),
          batchStage({ maxRows: BATCH, maxBytes: batchBytesFor(target.server.maxAllowedPacket) }),
        ]),
        sink,
      );
      return { loaded: sink.loaded, rejected };
    } finally {
      await target.end();
      await closeFirebird(db);
    }
  }

  it('loads every row of an empty table, each value exact: tabs, newlines, backslashes, \\N, NULLs, BLOBs', async function () {
    expect((await copy()).loaded).to.equal(ROWS);
    expect((await expectSameTable(fb, my, 'TB_NOTA')).rows).to.equal(ROWS);
    expect(await my.rows('SELECT HEX(FOTO) FROM TB_NOTA WHERE ID = 10')).to.deep.equal([[`${EVERY_BYTE}C328E209C35CF09F980A`]]);
    expect(await my.rows('SELECT TEXTO, OBS, HEX(FOTO) FROM TB_NOTA WHERE ID IN (7, 8, 9) ORDER BY ID')).to.deep.equal([
      ['tab\tnl\ncr\rbs\\ \\N', '\\N', '5C4E'],
      ['', '', ''],
      [null, null, null],
    ]);
  });

  it('leaves nothing for a second run to change', async function () {
    await copy();
    const report = await syncTable({ from: fb.uri, to: my.uri, table: 'TB_NOTA' });
    expect(report).to.include({ read: ROWS, inserted: 0, updated: 0, unchanged: ROWS });
  });

  it('writes the same rows by INSERT when told not to load', async function () {
    expect((await copy({ loadData: false })).loaded).to.equal(0);
    expect((await expectSameTable(fb, my, 'TB_NOTA')).rows).to.equal(ROWS);
  });

  it('upserts the page that updates a row, and loads the pages that only insert', async function () {
    await my.exec(`INSERT INTO TB_NOTA (ID, TEXTO) VALUES (5, 'old')`);
    expect((await copy()).loaded).to.equal(ROWS - PAGE);
    expect((await expectSameTable(fb, my, 'TB_NOTA')).rows).to.equal(ROWS);
  });

  it('upserts a batch whose row another writer inserted after the diff, then stops loading', async function () {
    let raced = false;
    const meanwhile = async (changes: ChangeSet) => {
      if (raced || changes.upserts.length === 0) return;
      raced = true;
      await my.exec(`INSERT INTO TB_NOTA (ID, TEXTO) VALUES (${Number(changes.upserts[0]![0])}, 'inserted meanwhile')`);
    };
    // One batch at a time, so that no later batch is loaded before the first one falls back.
    expect((await copy({ meanwhile, parallel: 1 })).loaded).to.equal(0);
    expect((await expectSameTable(fb, my, 'TB_NOTA')).rows).to.equal(ROWS);
  });

  it('rejects values longer than their column, trailing blanks counted, and loads every other row', async function () {
    await my.exec('ALTER TABLE TB_NOTA MODIFY TEXTO VARCHAR(30)');
    const { loaded, rejected } = await copy({ maxErrors: 2 });
    expect(rejected.map((r) => [r.key.ID, r.error.message]).sort((a, b) => Number(a[0]) - Number(b[0]))).to.deep.equal([
      [1200, "Data too long for column 'TEXTO': 34 characters, the column holds 30"],
      [1300, "Data too long for column 'TEXTO': 34 characters, the column holds 30"],
    ]);
    expect(rejected[0]!.error).to.include({ code: 'ER_DATA_TOO_LONG', errno: 1406 });
    expect(loaded).to.equal(ROWS - 2);
    const [[count, missing]] = await my.rows('SELECT COUNT(*), SUM(ID IN (1200, 1300)) FROM TB_NOTA');
    expect([count, missing]).to.deep.equal([String(ROWS - 2), '0']);
  });

  it('is not used when the server does not allow it (local_infile off)', async function () {
    await my.exec('SET GLOBAL local_infile = 0');
    try {
      const target = await openMysql(my.uri);
      expect(target.server.localInfile).to.equal(false);
      await target.end();
      expect((await copy()).loaded).to.equal(0);
    } finally {
      await my.exec('SET GLOBAL local_infile = 1');
    }
    expect((await expectSameTable(fb, my, 'TB_NOTA')).rows).to.equal(ROWS);
  });
});
