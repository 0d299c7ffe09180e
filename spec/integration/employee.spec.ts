/**
 * Acceptance: a database nobody designed around fbsync — Firebird's own EMPLOYEE example, built
 * from the isql script Debian ships in firebird3.0-examples (scripts/servers.sh installs it).
 * Ten tables with single and composite keys (text and numeric), domains with checks and
 * defaults, COMPUTED BY columns, text BLOBs, timestamps, money columns, two ARRAY columns, and
 * every text column in character set NONE. One command syncs it into an empty MySQL database,
 * every value compares equal, and a second run finds everything unchanged.
 */
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { expect } from 'chai';
import { createFirebirdDatabaseFromScript, mysqlForEachTest, type FirebirdFixture } from '../support/databases.js';
import { ensureBuilt, fbsync } from '../support/cli.js';
import { expectSameTable } from '../support/compare.js';

const SCRIPT = process.env.FBSYNC_EMPLOYEE_SQL ?? '/usr/share/doc/firebird3.0-common-doc/examples/employee.sql.gz';
const TABLES = ['COUNTRY', 'CUSTOMER', 'DEPARTMENT', 'EMPLOYEE', 'EMPLOYEE_PROJECT', 'JOB', 'PROJECT', 'PROJ_DEPT_BUDGET', 'SALARY_HISTORY', 'SALES'];
const ARRAYS = ['JOB.LANGUAGE_REQ', 'PROJ_DEPT_BUDGET.QUART_HEAD_CNT'];

describe('acceptance: the EMPLOYEE example database', function () {
  let fb: FirebirdFixture;
  const sync = (...args: string[]) => fbsync(['sync', '--all-tables', '--create-tables', '--json', ...args], { env: { FBSYNC_FROM: fb.uri, FBSYNC_TO: target.my.uri } });
  let rows: Record<string, number>;

  before(async function () {
    if (!existsSync(SCRIPT)) {
      // Debian's firebird3.0-examples package ships it; run scripts/servers.sh to install it.
      this.skip();
    }
    await ensureBuilt();
    const sql = SCRIPT.endsWith('.gz') ? gunzipSync(readFileSync(SCRIPT)).toString('latin1') : readFileSync(SCRIPT, 'latin1');
    fb = await createFirebirdDatabaseFromScript(sql);
    rows = {};
    for (const t of TABLES) rows[t] = Number((await fb.db.queryAsync<{ N: number }>(`SELECT COUNT(*) AS N FROM ${t}`))[0]!.N);
    expect(Object.values(rows).reduce((a, b) => a + b)).to.be.greaterThan(200);
  });
  after(async () => {
    await fb?.drop();
  });
  const target = mysqlForEachTest();

  async function expectAllCopied(noneCharset?: string): Promise<number> {
    let values = 0;
    for (const table of TABLES) {
      const exclude = ARRAYS.filter((a) => a.startsWith(`${table}.`)).map((a) => a.split('.')[1]!);
      const compared = await expectSameTable(fb, target.my, table, { exclude, noneCharset });
      expect(compared.rows, table).to.equal(rows[table]);
      values += compared.values;
    }
    return values;
  }

  it('names both ARRAY columns and how to leave them out', async function () {
    const run = await sync();
    expect(run.status).to.equal(1);
    for (const column of ARRAYS) expect(run.stderr).to.include(column);
    expect(run.stderr).to.include(`add ${ARRAYS.join(',')} to --exclude-columns`);
  });

  for (const noneCharset of [undefined, 'WIN1252']) {
    const how = noneCharset ? `its NONE text read as ${noneCharset} (--none-charset)` : 'its NONE text copied as bytes (the default)';
    it(`syncs with one command, ${how}: every value equal, then everything unchanged`, async function () {
      const args = ['--exclude-columns', ARRAYS.join(','), ...(noneCharset ? ['--none-charset', noneCharset] : [])];
      const first = await sync(...args);
      expect(first.stderr).to.equal('');
      expect(first.status).to.equal(0);
      const summary = JSON.parse(first.stdout);
      expect(summary.created).to.deep.equal(TABLES);
      expect(summary.skipped).to.deep.equal([]);
      for (const t of summary.tables) expect(t, t.table).to.include({ read: rows[t.table], inserted: rows[t.table] });
      expect(await expectAllCopied(noneCharset)).to.be.greaterThan(1500);
      const [[type]] = await target.my.rows(`SELECT COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'EMPLOYEE' AND COLUMN_NAME = 'LAST_NAME'`);
      expect(type).to.equal(noneCharset ? 'varchar(20)' : 'varbinary(20)');

      const second = JSON.parse((await sync(...args, '--delete', '--parallel-tables', '4')).stdout);
      expect(second.created).to.deep.equal([]);
      const total = Object.values(rows).reduce((a, b) => a + b);
      expect(second.total).to.include({ read: total, unchanged: total, inserted: 0, updated: 0, deleted: 0 });
    });
  }
});
