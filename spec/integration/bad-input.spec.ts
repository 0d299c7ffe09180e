/**
 * What the fbsync command does when something is wrong: it exits non-zero, says so in exactly
 * one line on stderr that names the object at fault, and never prints a password, not even
 * with the debug log on (DEBUG=fbsync:*). The URIs carry distinctive passwords (of throwaway
 * users) so that any leak, in any spelling of the URI, shows.
 */
import { expect } from 'chai';
import { closeFirebird, openFirebird } from '../../lib/index.js';
import { ESTOQUE_FIREBIRD_DDL, ESTOQUE_MYSQL_DDL, estoqueInsertBlock } from '../../scripts/estoque.js';
import { createFirebirdDatabase, createMysqlDatabase, type FirebirdFixture, type MysqlFixture } from '../support/databases.js';
import { ensureBuilt, fbsync, type CliResult } from '../support/cli.js';
import { SECRET_PASSWORD, createFirebirdUser, createMysqlUser, withPassword, type SpecUser } from '../support/users.js';

const WRONG_PASSWORD = 'Wr0ngS3cretPW';
/** Not percent-encoded, as people do type them: a URL parser ends the user info at the first / ? or #. */
const UNENCODED_PASSWORD = 'Sup3r#S3cret/Pa55?w0rd';
/** None of these may appear, whole or in part. */
const SECRETS = [SECRET_PASSWORD, WRONG_PASSWORD, ...UNENCODED_PASSWORD.split(/[#/?]/)];

const ESTOQUE_ROWS = 600;
const BATCH_ROWS = 50;
/** Several pages, so the sink fails while the source is still reading (the teardown that once hung). */
const PAGE_ROWS = 120;

/** The batches the rows are written in: pages of PAGE_ROWS keys, each split into BATCH_ROWS runs. */
function batchRuns(): Array<[first: number, last: number]> {
  const runs: Array<[number, number]> = [];
  for (let page = 1; page <= ESTOQUE_ROWS; page += PAGE_ROWS) {
    const end = Math.min(page + PAGE_ROWS - 1, ESTOQUE_ROWS);
    for (let first = page; first <= end; first += BATCH_ROWS) runs.push([first, Math.min(first + BATCH_ROWS - 1, end)]);
  }
  return runs;
}
/** The one source row MySQL rejects: its DESCRICAO does not fit the target's VARCHAR(40). */
const REJECTED_ID = 437;

/** Points a URI at a port where nothing listens. */
function unreachable(uri: string): string {
  return uri.replace(/@[^/@]+\//, '@127.0.0.1:1/');
}

function expectNoSecrets(run: CliResult): void {
  for (const secret of SECRETS) {
    for (const form of new Set([secret, encodeURIComponent(secret)])) {
      expect(run.stdout, 'stdout').not.to.include(form);
      expect(run.stderr, 'stderr').not.to.include(form);
    }
  }
}

/**
 * Runs fbsync expecting a failure; returns its single stderr line. A failure before any table
 * ran prints nothing on stdout; a table that failed once rows moved (or that its own run
 * refused, such as one lacking a source column) is in the summary there, with the same message.
 */
async function failure(args: string[]): Promise<string> {
  const run = await fbsync(args);
  expect(run.status, `exit code (stderr: ${run.stderr})`).to.be.a('number').and.not.equal(0);
  expect(run.stderr, 'stderr: one line').to.match(/^fbsync: [^\n]+\n$/);
  const message = run.stderr.trim();
  if (run.stdout !== '') {
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[1], 'the failed table in the summary').to.match(/\s(failed|refused)$/);
    expect(lines.map((l) => l.replace(/^\S+ (failed|refused): /, 'fbsync: ')), 'its message below the summary').to.include(message);
  }
  expectNoSecrets(run);
  return message;
}

/**
 * The same failure with the debug log on: still non-zero, the same last line, no password
 * anywhere. A URI that cannot even be parsed fails before anything is logged.
 */
async function failureWithDebugLog(args: string[], message: string, logged: boolean): Promise<void> {
  const run = await fbsync(args, { env: { DEBUG: 'fbsync:*' } });
  expect(run.status, 'exit code').to.be.a('number').and.not.equal(0);
  const lines = run.stderr.trimEnd().split('\n');
  if (logged) expect(lines.length, 'the debug log was on').to.be.greaterThan(1);
  expect(lines.at(-1)).to.equal(message);
  expectNoSecrets(run);
}

/** Both of the above; returns the message of the run without the debug log. */
async function failsCleanly(args: string[], { logged = true } = {}): Promise<string> {
  const message = await failure(args);
  await failureWithDebugLog(args, message, logged);
  return message;
}

describe('bad input', function () {
  let fb: FirebirdFixture;
  let my: MysqlFixture;
  let fbUser: SpecUser;
  let myUser: SpecUser;
  const sync = (tables: string, from = fbUser.uri, to = myUser.uri, ...more: string[]) => ['sync', '--from', from, '--to', to, '--tables', tables, ...more];

  before(async function () {
    await ensureBuilt();
    fb = await createFirebirdDatabase({ charset: 'WIN1252' });
    await fb.exec(
      ESTOQUE_FIREBIRD_DDL,
      estoqueInsertBlock(1, ESTOQUE_ROWS),
      `UPDATE TB_ESTOQUE SET DESCRICAO = 'Descrição longa demais para a coluna do destino, com acentuação' WHERE ID_ESTOQUE = ${REJECTED_ID}`,
      'CREATE TABLE TB_UF (SIGLA CHAR(2) NOT NULL PRIMARY KEY, NOME VARCHAR(30) NOT NULL)',
      `INSERT INTO TB_UF VALUES ('SP', 'São Paulo')`,
      `INSERT INTO TB_UF VALUES ('PA', 'Pará')`,
      'CREATE TABLE TB_LOG (QUANDO TIMESTAMP NOT NULL, MENSAGEM VARCHAR(200))',
      'CREATE TABLE TB_SO_NA_ORIGEM (ID INTEGER NOT NULL PRIMARY KEY)',
      'CREATE TABLE TB_CLIENTE (ID_CLIENTE INTEGER NOT NULL PRIMARY KEY, NOME VARCHAR(60) NOT NULL, EMAIL VARCHAR(100))',
      'CREATE TABLE TB_PEDIDO (ID_PEDIDO INTEGER NOT NULL PRIMARY KEY, TOTAL NUMERIC(15,2) NOT NULL)',
      'CREATE TABLE TB_MARCA (ID_MARCA INTEGER NOT NULL PRIMARY KEY, NOME VARCHAR(30) NOT NULL)',
      `INSERT INTO TB_MARCA VALUES (1, 'Camil')`,
      'CREATE TABLE TB_ITEM (ID_PEDIDO INTEGER NOT NULL, ITEM SMALLINT NOT NULL, QTD NUMERIC(18,4), PRIMARY KEY (ID_PEDIDO, ITEM))',
      'INSERT INTO TB_ITEM VALUES (1, 1, 1)',
      'INSERT INTO TB_ITEM VALUES (1, 2, 2)',
      // Left out of the spec user's grants below.
      'CREATE TABLE TB_RESTRITA (ID INTEGER NOT NULL PRIMARY KEY)',
    );
    fbUser = await createFirebirdUser(fb, ['TB_ESTOQUE', 'TB_UF', 'TB_LOG', 'TB_SO_NA_ORIGEM', 'TB_CLIENTE', 'TB_PEDIDO', 'TB_MARCA', 'TB_ITEM']);

    my = await createMysqlDatabase();
    await my.exec(
      ESTOQUE_MYSQL_DDL.replace('DESCRICAO     VARCHAR(100)', 'DESCRICAO     VARCHAR(40)'),
      'CREATE TABLE TB_UF (SIGLA CHAR(2) NOT NULL PRIMARY KEY, NOME VARCHAR(30) NOT NULL)',
      'CREATE TABLE TB_LOG (QUANDO DATETIME(4) NOT NULL, MENSAGEM VARCHAR(200))',
      'CREATE TABLE TB_CLIENTE (ID_CLIENTE INT NOT NULL PRIMARY KEY, NOME VARCHAR(60) NOT NULL)',
      // An index on the key, but not a unique one: upserts would only ever append.
      'CREATE TABLE TB_PEDIDO (ID_PEDIDO INT NOT NULL, TOTAL DECIMAL(15,2) NOT NULL, KEY (ID_PEDIDO))',
      // Brands 2 and 3 are gone from the source; a MySQL-only table still refers to brand 3.
      'CREATE TABLE TB_MARCA (ID_MARCA INT NOT NULL PRIMARY KEY, NOME VARCHAR(30) NOT NULL) ENGINE=InnoDB',
      `INSERT INTO TB_MARCA VALUES (1, 'Camil'), (2, 'Pilão'), (3, 'União')`,
      'CREATE TABLE TB_PRODUTO_WEB (ID INT PRIMARY KEY, ID_MARCA INT NOT NULL, FOREIGN KEY (ID_MARCA) REFERENCES TB_MARCA (ID_MARCA)) ENGINE=InnoDB',
      'INSERT INTO TB_PRODUTO_WEB VALUES (1, 3)',
      // A unique index on the source key, but a primary key on part of it: the second item of
      // an order would overwrite the first.
      'CREATE TABLE TB_ITEM (ID_PEDIDO INT NOT NULL PRIMARY KEY, ITEM SMALLINT NOT NULL, QTD DECIMAL(18,4), UNIQUE KEY UK_ITEM (ID_PEDIDO, ITEM))',
      'CREATE TABLE TB_RESTRITA (ID INT NOT NULL PRIMARY KEY)',
    );
    const [[descricao]] = await my.rows(`SELECT CHARACTER_MAXIMUM_LENGTH FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'TB_ESTOQUE' AND COLUMN_NAME = 'DESCRICAO'`);
    expect(Number(descricao), 'the narrower target column').to.equal(40);
    myUser = await createMysqlUser(my);
  });

  after(async () => {
    await fbUser?.drop();
    await myUser?.drop();
    await fb?.drop();
    await my?.drop();
  });

  describe('connecting', function () {
    it('a wrong Firebird password names the user and the server', async function () {
      const message = await failsCleanly(sync('TB_UF', withPassword(fbUser.uri, WRONG_PASSWORD)));
      expect(message).to.include('Firebird').and.include('127.0.0.1:3050').and.include(fbUser.name).and.include('password');
    });

    it('a wrong MySQL password names the user and the server', async function () {
      const message = await failsCleanly(sync('TB_UF', fbUser.uri, withPassword(myUser.uri, WRONG_PASSWORD)));
      expect(message).to.include('MySQL').and.include('127.0.0.1:3306').and.include(myUser.name).and.include('password');
    });

    it('a Firebird URI whose password has an unencoded # / or ? is refused without showing the password', async function () {
      const uri = fbUser.uri.replace(`:${SECRET_PASSWORD}@`, `:${UNENCODED_PASSWORD}@`);
      const message = await failsCleanly(sync('TB_UF', uri), { logged: false });
      expect(message).to.include(`cannot parse the Firebird URI firebird://${fbUser.name}:****@127.0.0.1:3050/`);
    });

    it('a MySQL URI whose password has an unencoded # / or ? is refused without showing the password', async function () {
      const uri = myUser.uri.replace(`:${SECRET_PASSWORD}@`, `:${UNENCODED_PASSWORD}@`);
      const message = await failsCleanly(sync('TB_UF', fbUser.uri, uri), { logged: false });
      expect(message).to.include(`mysql://${myUser.name}:****@127.0.0.1:3306/${my.database}`);
    });

    it('a Firebird URI turning off the wire encryption the server requires says so, and how to fix it', async function () {
      // Firebird 3's default (WireCrypt = Required); a server configured otherwise just attaches.
      const plain = await openFirebird(`${fbUser.uri}?wireCrypt=0`).catch(() => undefined);
      if (plain) {
        await closeFirebird(plain);
        this.skip();
      }
      const message = await failsCleanly(sync('TB_UF', `${fbUser.uri}?wireCrypt=0`));
      expect(message).to.include('Firebird at 127.0.0.1:3050').and.include('wire encryption').and.include('leave wireCrypt=0 out');
    });

    it('an unreachable Firebird server names the host and port', async function () {
      const message = await failsCleanly(sync('TB_UF', unreachable(fbUser.uri)));
      expect(message).to.include('Firebird').and.include('127.0.0.1:1 ');
    });

    it('an unreachable MySQL server names the host and port', async function () {
      const message = await failsCleanly(sync('TB_UF', fbUser.uri, unreachable(myUser.uri)));
      expect(message).to.include('MySQL').and.include('127.0.0.1:1 ');
    });
  });

  describe('planning, before any row moves', function () {
    it('a missing source table is named', async function () {
      const message = await failsCleanly(sync('TB_FANTASMA'));
      expect(message).to.include('Firebird table "TB_FANTASMA" does not exist');
    });

    it('a source table without a primary key is named', async function () {
      const message = await failsCleanly(sync('TB_LOG'));
      expect(message).to.include('Firebird table TB_LOG has no primary key');
    });

    it('a missing target table is named, with its database', async function () {
      const message = await failsCleanly(sync('TB_SO_NA_ORIGEM'));
      expect(message).to.include(`MySQL table ${my.database}.TB_SO_NA_ORIGEM does not exist`);
    });

    it('a source column the target lacks is named', async function () {
      const message = await failsCleanly(sync('TB_CLIENTE'));
      expect(message).to.include(`MySQL table ${my.database}.TB_CLIENTE has no column EMAIL`).and.include('TB_CLIENTE.EMAIL');
    });

    it('a target without a primary or unique key on the source key is named, with the key', async function () {
      const message = await failsCleanly(sync('TB_PEDIDO'));
      expect(message).to.include(`MySQL table ${my.database}.TB_PEDIDO has no PRIMARY KEY or UNIQUE index on (ID_PEDIDO)`);
    });

    it('a target whose primary key holds only part of the source key is refused, naming both, and nothing is written', async function () {
      const message = await failsCleanly(sync('TB_ITEM'));
      expect(message).to.include(`MySQL table ${my.database}.TB_ITEM has PRIMARY KEY (ID_PEDIDO), which does not hold all of the source's primary key (ID_PEDIDO, ITEM)`);
      expect(message).to.include('DROP PRIMARY KEY, ADD PRIMARY KEY (`ID_PEDIDO`, `ITEM`)');
      const [[count]] = await my.rows('SELECT COUNT(*) FROM TB_ITEM');
      expect(Number(count)).to.equal(0);
    });

    it('a table the Firebird user may not read is named with the GRANT, before any table is written', async function () {
      const message = await failsCleanly(sync('TB_UF,TB_RESTRITA'));
      expect(message).to.include(`Firebird user ${fbUser.name} may not read table TB_RESTRITA`);
      expect(message).to.include(`GRANT SELECT ON "TB_RESTRITA" TO USER ${fbUser.name}`);
      const [[count]] = await my.rows('SELECT COUNT(*) FROM TB_UF');
      expect(Number(count)).to.equal(0);
    });

    it('a bad table anywhere in --tables stops the run before any table is written', async function () {
      const message = await failure(sync('TB_UF,TB_FANTASMA'));
      expect(message).to.include('TB_FANTASMA');
      const [[count]] = await my.rows('SELECT COUNT(*) FROM TB_UF');
      expect(Number(count)).to.equal(0);
    });
  });

  describe('a delete MySQL refuses', function () {
    it('fails naming the table and the keys of the batch, and deletes none of them', async function () {
      // Two of three rows go: past the default guard, which is not what this is about.
      const message = await failsCleanly(sync('TB_MARCA', fbUser.uri, myUser.uri, '--delete', '--max-delete', '100%'));
      expect(message)
        .to.include(`deleting 2 rows (TB_MARCA(ID_MARCA=2) … TB_MARCA(ID_MARCA=3)) to MySQL table ${my.database}.TB_MARCA failed`)
        .and.include('foreign key');
      expect(await my.rows('SELECT ID_MARCA FROM TB_MARCA ORDER BY ID_MARCA')).to.deep.equal([[1], [2], [3]]);
    });
  });

  describe('a row MySQL rejects', function () {
    // A named reject file: the default one is named after the time, and both runs of
    // failsCleanly must print the same message.
    const args = () => sync('TB_ESTOQUE', fbUser.uri, myUser.uri, '--reject-file', 'rejects.jsonl', '--batch-rows', String(BATCH_ROWS), '--page-size', String(PAGE_ROWS), '--parallel', '3');
    beforeEach(async function () {
      const [[mode]] = await my.rows('SELECT @@GLOBAL.sql_mode');
      if (!/STRICT_(TRANS|ALL)_TABLES/.test(String(mode))) this.skip(); // only strict mode rejects instead of truncating
      await my.exec('TRUNCATE TABLE TB_ESTOQUE');
    });

    it("fails naming the table, the rejected row and MySQL's reason, and says how to go on", async function () {
      const message = await failsCleanly(args());
      expect(message)
        .to.include(`MySQL table ${my.database}.TB_ESTOQUE rejected the row TB_ESTOQUE(ID_ESTOQUE=${REJECTED_ID}): Data too long for column 'DESCRICAO'`)
        .and.include('the other rows of its batch were written')
        .and.include('by raising --max-errors');
    });

    it('lets the source end its snapshot before detaching: no failed detach, no Firebird retry', async function () {
      // Pages of 10 rows: the source is still reading when the sink fails.
      const run = await fbsync(args().map((a) => (a === String(PAGE_ROWS) ? '10' : a)), { env: { DEBUG: 'fbsync:*' } });
      expect(run.status).to.equal(1);
      expect(run.stderr).to.include('rejected the row TB_ESTOQUE(ID_ESTOQUE=437)');
      expect(run.stderr).not.to.include('detach failed');
      expect(run.stderr).not.to.include('Firebird read of TB_ESTOQUE failed');
    });

    it("writes every other row of the rejected row's batch, and leaves other batches whole or absent", async function () {
      await failure(args());
      const ids = new Set((await my.rows('SELECT ID_ESTOQUE FROM TB_ESTOQUE')).map(([id]) => id as number));
      expect(ids.has(REJECTED_ID), 'the rejected row').to.equal(false);
      // Rows go out in key order, a batch never spans two pages, so every batch is a run of
      // consecutive keys. The rejected row's run is split until the row is found, and the rest of
      // it written; every other run is one transaction: there completely or not at all.
      for (const [first, last] of batchRuns()) {
        const keys = Array.from({ length: last - first + 1 }, (_, i) => first + i);
        if (REJECTED_ID >= first && REJECTED_ID <= last) {
          expect(keys.filter((id) => id !== REJECTED_ID && !ids.has(id)), `missing from the rejected row's batch ${first}…${last}`).to.deep.equal([]);
        } else {
          expect(new Set(keys.map((id) => ids.has(id))).size, `batch ${first}…${last}`).to.equal(1);
        }
      }
    });
  });
});
