/**
 * TLS options in the MySQL URI reach mysql2: asked for TLS, a server without it is refused
 * instead of being talked to in the clear.
 */
import { expect } from 'chai';
import { openMysql, FbsyncError } from '../../lib/index.js';
import { createMysqlDatabase, type MysqlFixture } from '../support/databases.js';

describe('MySQL TLS settings in the URI', () => {
  let my: MysqlFixture;
  before(async () => {
    my = await createMysqlDatabase();
  });
  after(async () => {
    await my?.drop();
  });

  it('are passed through: requiring TLS from a server without it fails the connection', async function () {
    const [[haveSsl]] = await my.rows("SELECT @@have_ssl");
    if (haveSsl === 'YES') this.skip(); // this server speaks TLS, so the refusal cannot be shown
    const uri = `${my.uri}?ssl=${encodeURIComponent('{"rejectUnauthorized":true}')}`;
    let error: unknown;
    await openMysql(uri).then((t) => t.end(), (err) => (error = err));
    expect(error).to.be.instanceOf(FbsyncError);
    expect((error as Error).message).to.match(/secure connection|SSL|TLS/i);
  });
});
