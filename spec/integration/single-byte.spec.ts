/**
 * Text in WIN1252 and ISO8859_1 columns crosses the wire as its stored bytes and is decoded by
 * fbsync (lib/firebird/single-byte.ts), not transliterated by the server. The server stays the
 * oracle: for every byte, the copy must hold the character Firebird itself makes of it.
 */
import { expect } from 'chai';
import { createFirebirdDatabase, mysqlForEachTest, type FirebirdFixture } from '../support/databases.js';
import { ensureBuilt, fbsync } from '../support/cli.js';
import { expectSameTable } from '../support/compare.js';

const hex = (bytes: number[]) => `x'${Buffer.from(bytes).toString('hex')}'`;
/** Text keys in an order where the bytes and the code points agree, paged two by two. */
const KEYS = ['A', 'Ação', 'Z', 'a', 'Ã', 'Öl', 'ß', 'é', 'ÿ'];

describe('text in single-byte character sets, decoded by fbsync', function () {
  this.timeout(120_000);
  let fb: FirebirdFixture;
  const run = (...args: string[]) =>
    fbsync(['sync', '--tables', 'TB_BYTES,TB_CHAVES', '--create-tables', '--page-size', '2', '--json', ...args], { env: { FBSYNC_FROM: fb.uri, FBSYNC_TO: target.my.uri } });

  before(async function () {
    await ensureBuilt();
    fb = await createFirebirdDatabase({ charset: 'WIN1252' });
    const bytes = Array.from({ length: 256 }, (_, i) => i);
    await fb.exec(
      `CREATE TABLE TB_BYTES (ID INTEGER NOT NULL PRIMARY KEY, W VARCHAR(3) CHARACTER SET WIN1252,
         L VARCHAR(3) CHARACTER SET ISO8859_1, WC CHAR(3) CHARACTER SET WIN1252, LC CHAR(3) CHARACTER SET ISO8859_1)`,
      // Every byte, between two ASCII letters.
      ...bytes.map((b) => {
        const v = (set: string) => `CAST(${hex([0x41, b, 0x7a])} AS VARCHAR(3) CHARACTER SET ${set})`;
        return `INSERT INTO TB_BYTES VALUES (${b}, ${v('WIN1252')}, ${v('ISO8859_1')}, ${v('WIN1252')}, ${v('ISO8859_1')})`;
      }),
      `INSERT INTO TB_BYTES (ID, W, L, WC, LC) VALUES (1000, '', '', '', '')`,
      `INSERT INTO TB_BYTES (ID) VALUES (1001)`,
      `INSERT INTO TB_BYTES (ID, W, WC) VALUES (1002, '€ ', 'é')`,
      'CREATE TABLE TB_CHAVES (CODIGO VARCHAR(10) CHARACTER SET WIN1252 NOT NULL PRIMARY KEY, SIGLA CHAR(4) CHARACTER SET WIN1252)',
      ...KEYS.map((k) => `INSERT INTO TB_CHAVES VALUES ('${k}', '${k.slice(0, 2)}')`),
    );
  });
  after(async () => {
    await fb?.drop();
  });
  const target = mysqlForEachTest();

  it('gives every byte the character Firebird itself makes of it', async function () {
    const result = await run();
    expect(result.stderr).to.equal('');
    // The server's transliteration over the fixture's UTF8 attachment is the expected value.
    const expected = await fb.db.queryAsync<{ ID: number; W: string | null; L: string | null; WC: string | null; LC: string | null }>(
      'SELECT ID, W, L, TRIM(TRAILING FROM WC) AS WC, TRIM(TRAILING FROM LC) AS LC FROM TB_BYTES ORDER BY ID',
    );
    const copied = await target.my.rows('SELECT ID, W, L, WC, LC FROM TB_BYTES ORDER BY ID');
    expect(copied).to.have.length(259);
    expect(copied).to.deep.equal(expected.map((r) => [r.ID, r.W, r.L, r.WC, r.LC]));
  });

  it('turns WIN1252 0x80-0x9F into their characters, the five undefined bytes into U+0000, and leaves ISO8859_1 bytes as code points', async function () {
    await run();
    const at = async (byte: number) => (await target.my.rows('SELECT W, L FROM TB_BYTES WHERE ID = ?', [byte]))[0];
    expect(await at(0x80)).to.deep.equal(['A€z', 'A\u0080z']);
    expect(await at(0x9f)).to.deep.equal(['AŸz', 'A\u009fz']);
    expect(await at(0x81)).to.deep.equal(['A\u0000z', 'A\u0081z']);
    expect(await at(0xe9)).to.deep.equal(['Aéz', 'Aéz']);
    expect(await at(0x41)).to.deep.equal(['AAz', 'AAz']);
    expect((await target.my.rows('SELECT W, WC FROM TB_BYTES WHERE ID = 1002'))[0]).to.deep.equal(['€ ', 'é']);
  });

  it('pages through text keys read as bytes, and finds nothing changed on a re-sync', async function () {
    expect(JSON.parse((await run()).stdout).tables.map((t: { inserted: number }) => t.inserted)).to.deep.equal([259, KEYS.length]);
    await expectSameTable(fb, target.my, 'TB_BYTES');
    await expectSameTable(fb, target.my, 'TB_CHAVES');
    expect((await target.my.rows('SELECT CODIGO, SIGLA FROM TB_CHAVES ORDER BY CODIGO')).map(([c, s]) => [c, s])).to.deep.equal(KEYS.map((k) => [k, k.slice(0, 2)]));
    const again = JSON.parse((await run('--delete')).stdout).tables;
    expect(again.map((t: { unchanged: number; deleted: number }) => [t.unchanged, t.deleted])).to.deep.equal([[259, 0], [KEYS.length, 0]]);
  });

  it('probes text keys read as bytes with --row-versions, and re-syncs them by version', async function () {
    await run('--row-versions');
    await fb.exec(`UPDATE TB_CHAVES SET SIGLA = 'Ñu' WHERE CODIGO = 'Öl'`);
    try {
      const tables = JSON.parse((await run('--row-versions', '--delete')).stdout).tables;
      expect(tables[1]).to.include({ updated: 1, unchanged: KEYS.length - 1, deleted: 0 });
      expect(tables[1].versions).to.include({ mode: 'compared' });
      expect(await target.my.rows(`SELECT SIGLA FROM TB_CHAVES WHERE CODIGO = 'Öl'`)).to.deep.equal([['Ñu']]);
    } finally {
      await fb.exec(`UPDATE TB_CHAVES SET SIGLA = 'Öl' WHERE CODIGO = 'Öl'`);
    }
  });
});
