/**
 * The packed version probe of lib/firebird/probe.ts against a real Firebird: the keys and
 * record versions it reports, page by page, are exactly those a plain SELECT finds, whatever
 * runs of keys and versions the table holds.
 */
import { expect } from 'chai';
import Firebird from 'node-firebird';
import { keyAfter } from '../../lib/core/keyset.js';
import { firebirdKeyColumns } from '../../lib/firebird/metadata.js';
import { probeSql, probeVersions } from '../../lib/firebird/probe.js';
import { FetchSize, fetchAll } from '../../lib/firebird/rows.js';
import type { Key, TableSpec } from '../../lib/core/table.js';
import type { VersionList } from '../../lib/core/version-list.js';
import { createFirebirdDatabase, type FirebirdFixture } from '../support/databases.js';

const TABLE: TableSpec = {
  source: 'T',
  target: 'T',
  columns: [
    { source: 'ID', target: 'ID', kind: 'integer', sourceType: 'INTEGER', nullable: false, firebird: { select: '"ID"', padded: false, blob: false } },
    { source: 'X', target: 'X', kind: 'integer', sourceType: 'INTEGER', nullable: true, firebird: { select: '"X"', padded: false, blob: false } },
  ],
  key: [0],
};

describe('packed version probe', function () {
  let fb: FirebirdFixture;

  before(async () => {
    fb = await createFirebirdDatabase();
    // Each statement commits on its own: rows written together share a record version.
    await fb.exec(
      'CREATE TABLE T (ID INTEGER NOT NULL PRIMARY KEY, X INTEGER)',
      'EXECUTE BLOCK AS DECLARE i INTEGER = 1; BEGIN WHILE (i <= 60) DO BEGIN INSERT INTO T VALUES (:i, :i); i = i + 1; END END',
      'UPDATE T SET X = 0 WHERE ID BETWEEN 10 AND 12',
      'UPDATE T SET X = 0 WHERE ID = 20',
      'UPDATE T SET X = 1 WHERE ID = 21',
      'DELETE FROM T WHERE ID IN (30, 31, 45)',
      'INSERT INTO T VALUES (100, 0)',
      'INSERT INTO T VALUES (101, 0)',
      'INSERT INTO T VALUES (-2147483648, 0)',
      'INSERT INTO T VALUES (2147483647, 0)',
      'INSERT INTO T VALUES (2147483646, 0)',
    );
  });
  after(async () => {
    await fb?.drop();
  });

  /** Every page of `pageSize` keys the probe reports, joined, in one snapshot. */
  async function probeAll(pageSize: number, runs = true): Promise<{ list: VersionList; pages: number }> {
    const tx = await fb.db.transactionAsync({ isolation: Firebird.ISOLATION_REPEATABLE_READ, readOnly: true });
    const list: VersionList = { keys: [], versions: [] };
    let pages = 0;
    try {
      let after: Key | null = null;
      for (;;) {
        const predicate = after ? keyAfter(firebirdKeyColumns(TABLE), after) : undefined;
        const statement = await tx.newStatementAsync(probeSql(TABLE, pageSize, predicate?.sql, runs));
        const page = probeVersions(TABLE, await fetchAll(tx, statement, predicate?.params ?? [], new FetchSize(1000)), () => undefined);
        await statement.dropAsync();
        pages++;
        list.keys.push(...page.keys);
        list.versions.push(...page.versions);
        if (page.keys.length < pageSize) break;
        after = page.keys[page.keys.length - 1]!;
      }
    } finally {
      await tx.commitAsync();
    }
    return { list, pages };
  }

  async function selected(): Promise<VersionList> {
    const rows = (await fb.db.queryAsync('SELECT ID, RDB$RECORD_VERSION AS V FROM T ORDER BY ID')) as unknown as Array<{ ID: number; V: number | string }>;
    return { keys: rows.map((r) => [r.ID]), versions: rows.map((r) => String(r.V)) };
  }

  it('reports every key and version a plain SELECT finds, across runs, gaps and the INTEGER extremes', async () => {
    const expected = await selected();
    expect(expected.keys).to.have.length(62);
    expect(new Set(expected.versions).size, 'distinct versions').to.be.greaterThan(5);
    expect((await probeAll(1000)).list).to.deep.equal(expected);
  });

  it('ends and starts runs at page boundaries, pages of 7 keys as of 1000', async () => {
    const { list, pages } = await probeAll(7);
    expect(pages).to.equal(9);
    expect(list).to.deep.equal(await selected());
  });

  it('reports the same probed row by row, without gathering runs', async () => {
    const expected = await selected();
    expect((await probeAll(1000, false)).list).to.deep.equal(expected);
    expect((await probeAll(7, false)).list).to.deep.equal(expected);
  });
});
