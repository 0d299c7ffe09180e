/**
 * Identifiers that try to break out of their quotes. Every table and column name reaches SQL
 * quoted for its dialect (double quotes in Firebird, backticks in MySQL), so names full of
 * quotes, backticks, semicolons and comment markers are just names.
 */
import { expect } from 'chai';
import { syncTable } from '../../lib/index.js';
import { createFirebirdDatabase, createMysqlDatabase, type FirebirdFixture, type MysqlFixture } from '../support/databases.js';

const TABLE = 'Pe"di`do; DROP TABLE victim; --';
const KEY = "id'); DELETE FROM victim; --";
const VALUE = 'va`lor?"; DROP TABLE victim #';

const fbQuote = (name: string) => `"${name.replace(/"/g, '""')}"`;
const myQuote = (name: string) => `\`${name.replace(/`/g, '``')}\``;

describe('hostile identifiers', () => {
  let fb: FirebirdFixture;
  let my: MysqlFixture;

  beforeEach(async () => {
    fb = await createFirebirdDatabase();
    my = await createMysqlDatabase();
    await fb.exec(
      `CREATE TABLE ${fbQuote(TABLE)} (${fbQuote(KEY)} INTEGER NOT NULL PRIMARY KEY, ${fbQuote(VALUE)} VARCHAR(20))`,
      `INSERT INTO ${fbQuote(TABLE)} VALUES (1, 'um')`,
      `INSERT INTO ${fbQuote(TABLE)} VALUES (2, 'dois')`,
      'CREATE TABLE VICTIM (ID INTEGER NOT NULL PRIMARY KEY)',
      'INSERT INTO VICTIM VALUES (1)',
    );
    await my.exec(
      `CREATE TABLE ${myQuote(TABLE)} (${myQuote(KEY)} INT NOT NULL PRIMARY KEY, ${myQuote(VALUE)} VARCHAR(20))`,
      `INSERT INTO ${myQuote(TABLE)} VALUES (2, 'velho'), (3, 'órfão')`,
      'CREATE TABLE victim (id INT PRIMARY KEY)',
      'INSERT INTO victim VALUES (1)',
    );
  });
  afterEach(async () => {
    await fb?.drop();
    await my?.drop();
  });

  it('inserts, updates and deletes rows of a table whose names hold quotes, backticks and semicolons', async () => {
    const report = await syncTable({ from: fb.uri, to: my.uri, table: TABLE, delete: true });
    expect(report).to.include({ read: 2, inserted: 1, updated: 1, deleted: 1 });
    expect(await my.rows(`SELECT * FROM ${myQuote(TABLE)} ORDER BY 1`)).to.deep.equal([
      [1, 'um'],
      [2, 'dois'],
    ]);
  });

  it('leaves the tables the names mention alone on both sides', async () => {
    await syncTable({ from: fb.uri, to: my.uri, table: TABLE, delete: true });
    expect(await my.rows('SELECT * FROM victim')).to.deep.equal([[1]]);
    const rows = await fb.db.queryAsync<{ ID: number }>('SELECT ID FROM VICTIM');
    expect(rows.map((r) => r.ID)).to.deep.equal([1]);
  });
});
