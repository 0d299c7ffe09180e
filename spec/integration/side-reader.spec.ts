/**
 * With a version pick, the rows picked are read on a side attachment while the snapshot's own
 * attachment probes the next page (lib/firebird/side-reader.ts). These specs drive the source
 * with a pick of their own, so they choose the rows read and what happens meanwhile.
 */
import { expect } from 'chai';
import Firebird from 'node-firebird';
import {
  abandonFirebird, closeFirebird, firebirdSource, openFirebird, openMysql, planSync,
  type FirebirdDatabase, type MysqlTarget, type Row, type TableSpec, type VersionPick,
} from '../../lib/index.js';
import { createFirebirdDatabase, createMysqlDatabase, type FirebirdFixture, type MysqlFixture } from '../support/databases.js';

const ROWS = 1200;
const PAGE = 500;

describe('rows picked by version, read on a side attachment', function () {
  this.timeout(60_000);
  let fb: FirebirdFixture;
  let my: MysqlFixture;
  let db: FirebirdDatabase;
  let target: MysqlTarget;
  let table: TableSpec;

  before(async function () {
    fb = await createFirebirdDatabase();
    await fb.exec(
      'CREATE TABLE TB_ITEM (ID INTEGER NOT NULL PRIMARY KEY, NOME VARCHAR(40) NOT NULL, FOTO BLOB SUB_TYPE 0, OBS BLOB SUB_TYPE TEXT)',
      `EXECUTE BLOCK AS DECLARE i INTEGER = 1; BEGIN WHILE (i <= ${ROWS}) DO BEGIN
         INSERT INTO TB_ITEM VALUES (:i, 'Item ' || :i, x'00FF', 'obs ' || :i); i = i + 1; END END`,
    );
    my = await createMysqlDatabase();
    await my.exec('CREATE TABLE TB_ITEM (ID INT PRIMARY KEY, NOME VARCHAR(40) NOT NULL, FOTO LONGBLOB, OBS LONGTEXT) CHARACTER SET utf8mb4');
    db = await openFirebird(fb.uri);
    target = await openMysql(my.uri);
    table = await planSync(db, target, { table: 'TB_ITEM' });
  });
  after(async () => {
    await closeFirebird(db);
    await target?.end();
    await fb?.drop();
    await my?.drop();
  });

  /** A row as the fixture inserted it. */
  function original(id: number): unknown[] {
    return [id, `Item ${id}`, Buffer.from([0x00, 0xff]), `obs ${id}`];
  }

  interface ReadOptions {
    /** Keys the pick asks for, on whatever page they fall. */
    keys: number[];
    /** Runs once, in the first pick: after the snapshot began, before any row is read by key. */
    meanwhile?: () => Promise<void>;
    /** Instead of attaching a side attachment to the fixture's database. */
    attachSide?: () => Promise<FirebirdDatabase>;
    /** Runs in every pick after the first, with the side attachments opened so far. */
    later?: (sides: FirebirdDatabase[]) => void;
  }

  /** Reads the whole table with a pick of `keys`; returns the rows read and the side attachments opened. */
  async function readPicked(options: ReadOptions): Promise<{ rows: Row[]; sides: FirebirdDatabase[]; detached: number }> {
    const sides: FirebirdDatabase[] = [];
    let detached = 0;
    let picks = 0;
    const pick: VersionPick = async (probe) => {
      if (picks++ === 0) await options.meanwhile?.();
      else options.later?.(sides);
      return { changed: probe.keys.filter((k) => options.keys.includes(k[0] as number)), gone: [] };
    };
    const attachSide =
      options.attachSide ??
      (async () => {
        const side = await openFirebird(fb.uri);
        const detach = side.detachAsync.bind(side);
        side.detachAsync = async () => {
          detached++;
          return detach();
        };
        sides.push(side);
        return side;
      });
    const rows: Row[] = [];
    for await (const page of firebirdSource({ db, table, pageSize: PAGE, versions: { pick }, attachSide })) rows.push(...page.rows);
    return { rows, sides, detached };
  }

  it('reads the rows asked for, BLOBs included, on one side attachment it detaches at the end', async function () {
    const keys = [1, 499, 500, 501, 1000, 1200];
    const { rows, sides, detached } = await readPicked({ keys });
    expect(rows).to.deep.equal(keys.map(original));
    expect(sides).to.have.length(1);
    expect(detached).to.equal(1);
  });

  it('reads a row updated after the snapshot began as the snapshot has it', async function () {
    const { rows } = await readPicked({
      keys: [2, 502],
      meanwhile: () => fb.exec("UPDATE TB_ITEM SET NOME = 'changed', OBS = 'changed' WHERE ID IN (2, 502)"),
    });
    expect(rows).to.deep.equal([original(2), original(502)]);
    await fb.exec("UPDATE TB_ITEM SET NOME = 'Item ' || ID, OBS = 'obs ' || ID WHERE ID IN (2, 502)");
  });

  it('reads a row deleted after the snapshot began as the snapshot has it', async function () {
    const { rows } = await readPicked({ keys: [3, 503], meanwhile: () => fb.exec('DELETE FROM TB_ITEM WHERE ID IN (3, 503)') });
    expect(rows).to.deep.equal([original(3), original(503)]);
    await fb.exec("INSERT INTO TB_ITEM VALUES (3, 'Item 3', x'00FF', 'obs 3')", "INSERT INTO TB_ITEM VALUES (503, 'Item 503', x'00FF', 'obs 503')");
  });

  it('does not wait for a row another transaction is updating: it reads the committed row', async function () {
    const writer = await fb.db.transactionAsync({ isolation: Firebird.ISOLATION_READ_COMMITTED });
    try {
      await writer.queryAsync("UPDATE TB_ITEM SET NOME = 'not yet' WHERE ID IN (6, 506)", []);
      const read = readPicked({ keys: [6, 506] });
      const stuck = new Promise((resolve) => setTimeout(resolve, 10_000, 'still waiting after 10 s'));
      const outcome = await Promise.race([read, stuck]);
      expect(outcome).to.not.be.a('string');
      expect((outcome as Awaited<typeof read>).rows).to.deep.equal([original(6), original(506)]);
    } finally {
      await writer.rollbackAsync();
    }
  });

  it('reads on the snapshot attachment alone when no side attachment can be opened', async function () {
    const keys = [4, 504, 1004];
    const { rows } = await readPicked({ keys, attachSide: () => Promise.reject(new Error('no more attachments')) });
    expect(rows).to.deep.equal(keys.map(original));
  });

  it('goes on on the snapshot attachment when the side attachment is lost mid-read', async function () {
    const keys = [5, 505, 1005];
    const { rows, sides } = await readPicked({ keys, later: (opened) => opened.forEach((side) => abandonFirebird(side)) });
    expect(sides).to.have.length(1);
    expect(rows).to.deep.equal(keys.map(original));
  });
});
