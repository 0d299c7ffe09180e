/**
 * Every Firebird type fbsync copies, at its edges, synced by the fbsync command into tables it
 * creates (--create-tables) and compared value by value with the source read on its own
 * (spec/support/compare.ts). The same copy is made with the process in three time zones and
 * with the MySQL session in two others: none of them may shift a DATE, TIME or TIMESTAMP.
 */
import { expect } from 'chai';
import { openMysql, syncTable } from '../../lib/index.js';
import { createFirebirdDatabase, createMysqlDatabase, mysqlForEachTest, type FirebirdFixture, type MysqlFixture } from '../support/databases.js';
import { ensureBuilt, fbsync } from '../support/cli.js';
import { expectSameTable } from '../support/compare.js';
import { NUMERICOS_ROWS, NUMERIC_COLUMNS, TIPOS_BLOBS, TIPOS_ROWS, createNumericos, createTipos } from '../support/every-type.js';

const TABLES = ['TB_TIPOS', 'TB_NUMERICOS'];
const ZONES = ['UTC', 'America/Sao_Paulo', 'Asia/Kolkata'];

describe('every Firebird type, exactly', function () {
  let fb: FirebirdFixture;

  function sync(tz: string, my: MysqlFixture, ...args: string[]) {
    return fbsync(['sync', '--tables', TABLES.join(','), '--create-tables', '--json', ...args], {
      env: { TZ: tz, FBSYNC_FROM: fb.uri, FBSYNC_TO: my.uri },
      timeoutMs: 120_000,
    });
  }

  before(async function () {
    // The premise of the time-zone runs: this machine's zone data knows São Paulo's DST gap.
    const hour = new Intl.DateTimeFormat('en-US', { timeZone: 'America/Sao_Paulo', hour: 'numeric', hourCycle: 'h23' });
    expect(Number(hour.format(Date.UTC(2018, 10, 4, 3, 0)))).to.equal(1);
    await ensureBuilt();
    fb = await createFirebirdDatabase({ charset: 'UTF8' });
    await createTipos(fb);
    await createNumericos(fb);
  });
  after(async () => {
    await fb?.drop();
  });

  for (const tz of ZONES) {
    describe(`synced with TZ=${tz}`, function () {
      let my: MysqlFixture;
      let first: { status: number | null; stdout: string; stderr: string };

      before(async function () {
        my = await createMysqlDatabase();
        first = await sync(tz, my);
      });
      after(async () => {
        await my?.drop();
      });

      it('creates both tables and inserts every row', function () {
        expect(first.stderr).to.equal('');
        expect(first.status).to.equal(0);
        const summary = JSON.parse(first.stdout);
        expect(summary.created).to.deep.equal(TABLES);
        expect(summary.tables[0]).to.include({ table: 'TB_TIPOS', read: TIPOS_ROWS, inserted: TIPOS_ROWS });
        expect(summary.tables[1]).to.include({ table: 'TB_NUMERICOS', read: NUMERICOS_ROWS, inserted: NUMERICOS_ROWS });
      });

      it('copies every value of every type exactly, NULLs, padding, multi-byte text and MB-sized BLOBs included', async function () {
        const compared = await expectSameTable(fb, my, 'TB_TIPOS');
        expect(compared.rows).to.equal(TIPOS_ROWS);
      });

      it('holds in MySQL exactly the BLOBs the spec inserted, text and bytes, MB-sized ones whole', async function () {
        expect(TIPOS_BLOBS.length).to.be.greaterThan(20);
        for (const { id, column, value } of TIPOS_BLOBS) {
          const [[held]] = await my.rows(`SELECT ${column} FROM TB_TIPOS WHERE ID = ?`, [id]);
          const what = `TB_TIPOS.${column} of row ${id}`;
          if (Buffer.isBuffer(value)) expect(Buffer.isBuffer(held) && held.equals(value), what).to.equal(true);
          else expect(Buffer.isBuffer(held) ? held.toString('utf8') : held, what).to.equal(value);
        }
      });

      it('copies NUMERIC and DECIMAL of every precision and scale, to the limits of their storage', async function () {
        const compared = await expectSameTable(fb, my, 'TB_NUMERICOS');
        expect(compared.values).to.equal(NUMERICOS_ROWS * (NUMERIC_COLUMNS.length + 1));
      });

      it('finds every row unchanged when synced again', async function () {
        const run = await sync(tz, my, '--delete');
        expect(run.stderr).to.equal('');
        const summary = JSON.parse(run.stdout);
        expect(summary.created).to.deep.equal([]);
        expect(summary.total).to.include({ read: TIPOS_ROWS + NUMERICOS_ROWS, inserted: 0, updated: 0, deleted: 0, unchanged: TIPOS_ROWS + NUMERICOS_ROWS });
      });
    });
  }

  describe('with the MySQL session in a far time zone', function () {
    let my: MysqlFixture;
    before(async function () {
      my = await createMysqlDatabase();
      expect((await sync('UTC', my)).status).to.equal(0);
      await my.exec('TRUNCATE TABLE TB_TIPOS', 'TRUNCATE TABLE TB_NUMERICOS');
    });
    after(async () => {
      await my?.drop();
    });

    for (const zone of ['+05:45', '-09:30']) {
      it(`copies the same values with time_zone = '${zone}', and a UTC session then finds them unchanged`, async function () {
        const target = await openMysql(my.uri, { connections: 5 });
        target.pool.pool.on('connection', (conn) => conn.query(`SET time_zone = '${zone}'`));
        try {
          for (const table of TABLES) {
            const report = await syncTable({ from: fb.uri, to: target, table, delete: true });
            expect(report.read).to.be.greaterThan(0);
          }
          const [[[sessionZone]]] = (await target.pool.query({ sql: 'SELECT @@SESSION.time_zone', rowsAsArray: true })) as unknown as [[[string]]];
          expect(sessionZone).to.equal(zone);
        } finally {
          await target.end();
        }
        await expectSameTable(fb, my, 'TB_TIPOS');
        const again = JSON.parse((await sync('UTC', my, '--delete')).stdout);
        expect(again.total).to.include({ inserted: 0, updated: 0, deleted: 0 });
      });
    }
  });

  describe('the MySQL columns it creates', function () {
    let my: MysqlFixture;
    let types: Map<string, string>;
    before(async function () {
      my = await createMysqlDatabase();
      expect((await sync('UTC', my, '--dry-run')).status).to.equal(0);
      expect(await my.rows('SHOW TABLES'), 'a dry run creates nothing').to.deep.equal([]);
      expect((await sync('UTC', my)).status).to.equal(0);
      const rows = (await my.rows(
        `SELECT CONCAT(TABLE_NAME, '.', COLUMN_NAME), CONCAT(COLUMN_TYPE, IF(IS_NULLABLE = 'NO', ' not null', ''), IF(COLLATION_NAME LIKE '%_bin', ' bin', ''))
           FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()`,
      )) as [string, string][];
      types = new Map(rows);
    });
    after(async () => {
      await my?.drop();
    });

    it('maps each Firebird type to the MySQL type documented in docs/types.md', function () {
      const expected: Record<string, string> = {
        ID: 'int(11) not null', SI: 'smallint(6)', I: 'int(11)', BI: 'bigint(20)',
        // Sized to the storage: NUMERIC(4,1) is a SMALLINT holding up to 3276.7.
        N184: 'decimal(19,4)', N41: 'decimal(5,1)', N92: 'decimal(10,2)', D182: 'decimal(19,2)',
        FL: 'float', DP: 'double', BO: 'tinyint(1)', DT: 'date', TM: 'time(4)', TS: 'datetime(4)',
        CH_NONE: 'varbinary(6)', VC_NONE: 'varbinary(12)', CH_OCT: 'binary(4)', VC_OCT: 'varbinary(12)',
        CH_ASCII: 'char(6)', VC_ASCII: 'varchar(20)', CH_1252: 'char(6)', VC_1252: 'varchar(30)', CH_8859: 'char(6)',
        VC_8859: 'varchar(30)', CH_UTF8: 'char(6)', VC_UTF8: 'varchar(30)',
        BT_NONE: 'longblob', BT_OCT: 'longblob', BT_ASCII: 'longtext', BT_1252: 'longtext', BT_8859: 'longtext', BT_UTF8: 'longtext', BB: 'longblob',
        VALOR: 'decimal(19,2)', NOME: 'varchar(30)', DOBRO: 'bigint(20)', ROTULO: 'varchar(43)',
      };
      for (const [column, type] of Object.entries(expected)) expect(types.get(`TB_TIPOS.${column}`), column).to.equal(type);
    });
  });

  describe('CHARACTER SET NONE', function () {
    // WIN1252 bytes, as a legacy application would have written them; keys in an order where
    // bytes and code points agree, and page boundaries between non-ASCII keys.
    const KEYS = ['A', 'Ação', 'Z', 'a', 'Ã', 'Öl', 'ß', 'é', 'ÿ'];
    const hex = (s: string) => `x'${Buffer.from(s, 'latin1').toString('hex')}'`;
    let none: FirebirdFixture;
    const run = (...args: string[]) =>
      fbsync(['sync', '--tables', 'TB_LEGADO', '--create-tables', '--page-size', '2', '--json', ...args], { env: { FBSYNC_FROM: none.uri, FBSYNC_TO: target.my.uri } });

    before(async function () {
      none = await createFirebirdDatabase({ charset: 'NONE' });
      await none.exec(
        'CREATE TABLE TB_LEGADO (CODIGO VARCHAR(10) NOT NULL PRIMARY KEY, SIGLA CHAR(4), DESCRICAO BLOB SUB_TYPE TEXT)',
        ...KEYS.map((k, i) => `INSERT INTO TB_LEGADO VALUES (${hex(k)}, ${hex(k.slice(0, 2))}, ${hex(`${k}: preço `)} || x'80' || ${hex(` ${i}`)})`),
      );
    });
    after(async () => {
      await none?.drop();
    });
    const target = mysqlForEachTest();

    it('is copied as the bytes it holds by default, into VARBINARY and LONGBLOB', async function () {
      const result = await run();
      expect(result.stderr).to.equal('');
      expect(JSON.parse(result.stdout).tables[0]).to.include({ read: KEYS.length, inserted: KEYS.length });
      await expectSameTable(none, target.my, 'TB_LEGADO');
      const [[codigo]] = await target.my.rows(`SELECT CODIGO FROM TB_LEGADO WHERE CODIGO = X'e9'`);
      expect(codigo).to.deep.equal(Buffer.from([0xe9]));
      expect(JSON.parse((await run('--delete')).stdout).tables[0]).to.include({ unchanged: KEYS.length });
    });

    it('is read as text in the character set --none-charset names, keys paged through exactly', async function () {
      const result = await run('--none-charset', 'win1252');
      expect(result.stderr).to.equal('');
      expect(JSON.parse(result.stdout).tables[0]).to.include({ read: KEYS.length, inserted: KEYS.length });
      await expectSameTable(none, target.my, 'TB_LEGADO', { noneCharset: 'WIN1252' });
      expect((await target.my.rows('SELECT CODIGO FROM TB_LEGADO ORDER BY CODIGO')).map(([c]) => c)).to.deep.equal(KEYS);
      const [[descricao]] = await target.my.rows(`SELECT DESCRICAO FROM TB_LEGADO WHERE CODIGO = 'Ação'`);
      expect(descricao).to.equal(`Ação: preço € ${KEYS.indexOf('Ação')}`);
      expect(JSON.parse((await run('--none-charset', 'WIN1252', '--delete')).stdout).tables[0]).to.include({ unchanged: KEYS.length });
    });

    it('fails, naming the table, when its bytes are not valid in the character set named', async function () {
      const result = await run('--none-charset', 'UTF8');
      expect(result.status).to.equal(1);
      expect(result.stderr).to.match(/^fbsync: .*TB_LEGADO.*Malformed string/);
    });

    it('refuses a --none-charset that is no Firebird character set', async function () {
      const result = await run('--none-charset', 'LATIN9X');
      expect(result.status).to.equal(2);
      expect(result.stderr).to.include('"LATIN9X" is not a Firebird character set');
    });
  });
});
