/**
 * The MySQL connections fbsync opens, against a real MariaDB: what MysqlTarget.withConnection,
 * which every statement of the sink runs through, makes of a statement error on a connection
 * the server has just killed; and sessions that commit what they write whatever the server's
 * default.
 */
import { expect } from 'chai';
import { isTransientMysqlError, openMysql, syncTable, type MysqlTarget } from '../../lib/index.js';
import { createEstoqueDatabases, createMysqlDatabase, type FirebirdFixture, type MysqlFixture } from '../support/databases.js';

/**
 * The error MariaDB sent once when a connection was killed while its INSERT was loading the
 * table's trigger (seen in the faults spec), before the connection closed.
 */
function triggerLoadError(): Error {
  const message = "Unknown trigger has an error in its body: 'Query was empty'";
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
        throw triggerLoadError();
      })
      .then(
        () => expect.fail('withConnection should have failed'),
        (e: unknown) => e as Error,
      );
    expect(isTransientMysqlError(err)).to.equal(true);
    expect(err.message).to.include('the connection was lost').and.include("'Query was empty'");
    // The pool hands out a working connection next.
    const [rows] = await target.pool.query('SELECT 1 AS one');
    expect(rows).to.deep.equal([{ one: 1 }]);
  });

  it('stays what it was when the connection still answers', async function () {
    const err = await target
      .withConnection(async () => {
        throw triggerLoadError();
      })
      .then(
        () => expect.fail('withConnection should have failed'),
        (e: unknown) => e as Error & { errno?: number },
      );
    expect(err.errno).to.equal(1711);
    expect(isTransientMysqlError(err)).to.equal(false);
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
