/**
 * The MySQL connections fbsync opens, against a real MariaDB: what MysqlTarget.withConnection,
 * which every statement of the sink runs through, makes of a statement error on a connection
 * the server has just killed; sessions that commit what they write whatever the server's
 * default; and a connection whose server goes silent.
 */
import { expect } from 'chai';
import { isTransientMysqlError, openMysql, syncTable, type MysqlTarget } from '../../lib/index.js';
import { createEstoqueDatabases, createMysqlDatabase, type FirebirdFixture, type MysqlFixture } from '../support/databases.js';
import { FreezingProxy } from '../support/freezing-proxy.js';

/**
 * The error MariaDB sent when a connection was killed while its INSERT was opening the table
 * (seen in the faults spec), before the connection closed.
 */
function triggerLoadError(): Error {
  return triggerError("Unknown trigger has an error in its body: 'Query was empty'");
}

const BROKEN_TRIGGER = "Unknown trigger has an error in its body: 'You have an error in your SQL syntax near 'SET NEW.x' at line 1'";

/** A 1711 error with another text in its quotes: a trigger whose body really is broken. */
function triggerError(message: string): Error {
  return Object.assign(new Error(message), { errno: 1711, code: 'ER_ERROR_IN_UNKNOWN_TRIGGER_BODY', sqlMessage: message });
}

describe('a MySQL statement that fails with an error of its own', function () {
  let my: MysqlFixture;
  let target: MysqlTarget;

  beforeEach(async () => {
    my = await createMysqlDatabase();
    target = await openMysql(my.uri, { connections: 2 });
  });
  afterEach(async () => {
    await target?.end();
    await my?.drop();
  });

  it('is taken for a lost connection, which is retried, when the server killed the connection', async function () {
    const err = await target
      .withConnection(async (conn) => {
        await my.exec(`KILL CONNECTION ${conn.threadId}`);
        throw triggerError(BROKEN_TRIGGER);
      })
      .then(
        () => expect.fail('withConnection should have failed'),
        (e: unknown) => e as Error,
      );
    expect(isTransientMysqlError(err)).to.equal(true);
    expect(err.message).to.include('the connection was lost').and.include('You have an error in your SQL syntax');
    // The pool hands out a working connection next.
    const [rows] = await target.pool.query('SELECT 1 AS one');
    expect(rows).to.deep.equal([{ one: 1 }]);
  });

  it('stays what it was when the connection still answers', async function () {
    const err = await target
      .withConnection(async () => {
        throw triggerError(BROKEN_TRIGGER);
      })
      .then(
        () => expect.fail('withConnection should have failed'),
        (e: unknown) => e as Error & { errno?: number },
      );
    expect(err.errno).to.equal(1711);
    expect(isTransientMysqlError(err)).to.equal(false);
  });

  it("is retried when it is MariaDB's 'Query was empty' of a statement killed while opening its table, even if the connection still answers", async function () {
    const err = await target
      .withConnection(async () => {
        throw triggerLoadError();
      })
      .then(
        () => expect.fail('withConnection should have failed'),
        (e: unknown) => e as Error & { errno?: number },
      );
    expect(err.errno).to.equal(1711);
    expect(isTransientMysqlError(err)).to.equal(true);
  });
});

describe('a MySQL server whose sessions start without autocommit', function () {
  const ROWS = 1200;
  let fb: FirebirdFixture;
  let my: MysqlFixture;

  before(async () => {
    ({ fb, my } = await createEstoqueDatabases(ROWS));
    // As `autocommit = 0` in the server's configuration would; for connections opened from now on.
    await my.exec('SET GLOBAL autocommit = 0');
  });
  after(async () => {
    await my?.exec('SET GLOBAL autocommit = 1');
    await fb?.drop();
    await my?.drop();
  });

  it('gets sessions that autocommit from openMysql', async function () {
    const target = await openMysql(my.uri, { connections: 1 });
    try {
      const [rows] = await target.pool.query('SELECT @@SESSION.autocommit AS autocommit');
      expect(rows).to.deep.equal([{ autocommit: '1' }]); // a BIGINT, read as text (bigNumberStrings)
    } finally {
      await target.end();
    }
  });

  it('keeps every row, checkpoint and record-version note a sync wrote', async function () {
    const report = await syncTable({ from: fb.uri, to: my.uri, table: 'TB_ESTOQUE', rowVersions: true, pageSize: 500 });
    expect(report.inserted).to.equal(ROWS);
    // Read on the fixture's own connection, which sees only what was committed.
    expect(await my.rows('SELECT COUNT(*) FROM TB_ESTOQUE')).to.deep.equal([[String(ROWS)]]);
    expect(await my.rows('SELECT table_name FROM fbsync_version_sets')).to.deep.equal([['TB_ESTOQUE']]);
    expect(await my.rows('SELECT COUNT(*) FROM fbsync_row_versions WHERE table_name = ?', ['TB_ESTOQUE'])).to.deep.equal([['3']]);
  });
});

describe('a MySQL connection that goes silent', function () {
  let my: MysqlFixture;
  let proxy: FreezingProxy;
  let target: MysqlTarget;

  beforeEach(async () => {
    my = await createMysqlDatabase();
    const url = new URL(my.uri);
    proxy = await FreezingProxy.start(url.hostname, Number(url.port || 3306));
    url.host = `127.0.0.1:${proxy.port}`;
    target = await openMysql(url.toString(), { connections: 1, silenceMs: 1000 });
  });
  afterEach(async () => {
    await proxy?.close();
    await target?.end();
    await my?.drop();
  });

  it('fails a statement that hears nothing for silenceMs as a lost connection, which is retried', async function () {
    await target.withConnection((conn) => conn.query('SELECT 1'));
    proxy.freeze();
    const started = Date.now();
    const err = await target.withConnection((conn) => conn.query('SELECT 2')).then(
      () => expect.fail('the statement should have failed'),
      (e: unknown) => e,
    );
    expect(Date.now() - started, 'ms until it gave up').to.be.within(900, 5000);
    expect((err as Error).message).to.equal('the MySQL server sent nothing for 1 s while a statement ran');
    expect(isTransientMysqlError(err)).to.equal(true);
    // The next statement gets a new connection, which answers once the link does.
    proxy.thaw();
    const [rows] = await target.withConnection((conn) => conn.query('SELECT 3 AS n'));
    expect(rows).to.deep.equal([{ n: 3 }]);
  });

  it('leaves a connection idle in the pool for longer than that alone', async function () {
    const first = await target.withConnection(async (conn) => conn.threadId);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const [rows] = await target.withConnection((conn) => conn.query('SELECT CONNECTION_ID() AS id'));
    expect(rows).to.deep.equal([{ id: first }]);
  });
});
