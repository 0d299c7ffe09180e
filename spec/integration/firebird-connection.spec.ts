/**
 * The Firebird attachments fbsync opens, against a real server reached through a proxy that can
 * go silent: a request that hears nothing is failed as a lost connection (which the source
 * retries on a new attachment), and an attachment with nothing asked of it is left alone.
 */
import { expect } from 'chai';
import { abandonFirebird, closeFirebird, isLostFirebirdConnection, openFirebird, type FirebirdDatabase } from '../../lib/index.js';
import { readQuery } from '../../lib/firebird/read.js';
import { createFirebirdDatabase, type FirebirdFixture } from '../support/databases.js';
import { FreezingProxy } from '../support/freezing-proxy.js';

describe('a Firebird connection that goes silent', function () {
  let fb: FirebirdFixture;
  let proxy: FreezingProxy;
  let db: FirebirdDatabase | undefined;

  before(async () => {
    fb = await createFirebirdDatabase();
  });
  after(async () => {
    await fb?.drop();
  });
  beforeEach(async () => {
    const url = new URL(fb.uri);
    proxy = await FreezingProxy.start(url.hostname, Number(url.port || 3050));
    url.port = String(proxy.port);
    db = await openFirebird(url.toString(), { silenceMs: 1000 });
  });
  afterEach(async () => {
    await proxy?.close();
    if (db) abandonFirebird(db);
  });

  it('fails a request that hears nothing for silenceMs as a lost connection', async function () {
    expect(await readQuery(db!, 'SELECT 1 AS N FROM RDB$DATABASE')).to.deep.equal([{ N: 1 }]);
    proxy.freeze();
    const started = Date.now();
    const err = await readQuery(db!, 'SELECT 2 AS N FROM RDB$DATABASE').then(
      () => expect.fail('the request should have failed'),
      (e: unknown) => e,
    );
    expect(Date.now() - started, 'ms until it gave up').to.be.within(900, 5000);
    expect(isLostFirebirdConnection(err), String(err)).to.equal(true);
    expect((err as Error).message).to.equal('the Firebird server sent nothing for 1 s');
  });

  it('leaves an attachment with nothing asked of it alone for longer than that', async function () {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await readQuery(db!, 'SELECT 3 AS N FROM RDB$DATABASE')).to.deep.equal([{ N: 3 }]);
    await closeFirebird(db);
    db = undefined;
  });
});
