/**
 * MysqlTarget.withConnection, which every statement of the sink runs through, against a real
 * MariaDB: what it makes of a statement error on a connection the server has just killed.
 */
import { expect } from 'chai';
import { isTransientMysqlError, openMysql, type MysqlTarget } from '../../lib/index.js';
import { createMysqlDatabase, type MysqlFixture } from '../support/databases.js';

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
