/**
 * The source keeps several fetches on the wire at once (see fetchRows). Here the link to a real
 * Firebird server is a proxy with a few milliseconds of delay, cut while the source's
 * connection waits for several answers: the page is read again on a new attachment, from its
 * first key, and the target ends equal to the source.
 */
import { expect } from 'chai';
import { abandonFirebird, closeFirebird, openFirebird, syncTable, type FirebirdDatabase, type Key, type Page, type RetryEvent } from '../../lib/index.js';
import { createEstoqueDatabases, type FirebirdFixture, type MysqlFixture } from '../support/databases.js';
import { LinkProxy } from '../support/link-proxy.js';
import { expectSameRows, firebirdRows, ESTOQUE_SOURCE_SELECT, ESTOQUE_TARGET_SELECT } from '../support/rows.js';

const QUICK_RETRY = { attempts: 8, baseMs: 20, maxMs: 300 };

/**
 * Requests a connection has sent and awaits the answers to (the driver's queue of callbacks,
 * less the placeholders of requests sent without a wait). A page sends one execute, then
 * fetches: three awaited means two fetches at least.
 */
function waiting(db: FirebirdDatabase): number {
  const queue = (db as unknown as { connection?: { _queue?: unknown[] } }).connection?._queue ?? [];
  return queue.filter((callback) => typeof callback === 'function').length;
}

describe('the Firebird link cut while several fetches are on the way', function () {
  this.timeout(120_000);
  const ROWS = 20_000;
  let fb: FirebirdFixture;
  let my: MysqlFixture;
  let proxy: LinkProxy;
  let uri: string;

  before(async function () {
    ({ fb, my } = await createEstoqueDatabases(ROWS));
    const url = new URL(fb.uri);
    proxy = await LinkProxy.start(url.hostname, Number(url.port || 3050), 5);
    url.port = String(proxy.port);
    uri = url.toString();
  });

  after(async () => {
    await proxy?.close();
    await fb?.drop();
    await my?.drop();
  });

  /** Cuts the link the first time `db` awaits `answers` answers at once; resolves with how many it awaited (0: never). */
  function cutWhenWaiting(db: FirebirdDatabase, answers: number, done: () => boolean): Promise<number> {
    return new Promise((resolve) => {
      const look = () => {
        const now = waiting(db);
        if (now >= answers) {
          proxy.cut();
          return resolve(now);
        }
        if (done()) return resolve(0);
        setImmediate(look);
      };
      look();
    });
  }

  it('attaches again, reads the page again from its first key, and leaves the target equal to the source', async function () {
    const db = await openFirebird(uri);
    let fresh: FirebirdDatabase | undefined;
    let finished = false;
    const retries: RetryEvent[] = [];
    const pages: { after: Key | null; rows: number; last?: Key }[] = [];
    try {
      const cut = cutWhenWaiting(db, 3, () => finished);
      const report = await syncTable({
        from: db,
        reconnect: async () => (fresh = await openFirebird(uri)),
        to: my.uri,
        table: 'TB_ESTOQUE',
        pageSize: 5000,
        retry: QUICK_RETRY,
        onRetry: (e) => retries.push(e),
        transforms: [
          (page: Page) => {
            const id = page.columns.indexOf('ID_ESTOQUE');
            const last = page.rows[page.rows.length - 1];
            pages.push({ after: page.after, rows: page.rows.length, last: last ? ([last[id]] as Key) : page.after ?? undefined });
            return page;
          },
        ],
      }).finally(() => (finished = true));
      expect(await cut, 'answers awaited when the link was cut').to.be.at.least(3);
      expect(retries.map((e) => [e.database, e.table, e.operation, e.attempt])).to.deep.equal([['firebird', 'TB_ESTOQUE', 'read', 1]]);
      expect(report).to.include({ read: ROWS, inserted: ROWS, updated: 0, deleted: 0, interrupted: false });
      // Every page starts right after the last key of the page before it: none lost, none twice.
      for (let i = 1; i < pages.length; i++) expect(pages[i]!.after, `page ${i}`).to.deep.equal(pages[i - 1]!.last);
      expect(pages.reduce((n, p) => n + p.rows, 0)).to.equal(ROWS);
      expectSameRows(await my.rows(ESTOQUE_TARGET_SELECT), await firebirdRows(fb, ESTOQUE_SOURCE_SELECT), 'TB_ESTOQUE');
    } finally {
      abandonFirebird(db);
      await closeFirebird(fresh);
    }
  });
});
