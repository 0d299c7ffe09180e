/**
 * The part of fbsync's node-firebird patch (scripts/patch-node-firebird.mjs) that decides to
 * wait for more bytes: it must say "incomplete" for every cut of a real fetch reply, and never for
 * a whole one, or the connection would wait forever. Replies are captured from the server as the
 * driver sees them (after wire decryption), for a row of every type Firebird 3 has.
 */
import { expect } from 'chai';
import { createRequire } from 'node:module';
import Firebird from 'node-firebird';
import { createFirebirdDatabase, type FirebirdFixture } from '../support/databases.js';
import { createTipos } from '../support/every-type.js';

const require = createRequire(import.meta.url);
const Connection = require('node-firebird/lib/wire/connection.js') as {
  fbsyncFetchReplyIncomplete?: (buffer: Buffer, pos: number, statement: unknown) => boolean;
};

/** The driver's reader of received bytes, looked up by the connection at every data event. */
const serialize = require('node-firebird/lib/wire/serialize.js') as { XdrReader: new (buffer: Buffer) => object };

describe('node-firebird patch: waiting for the rest of a fetch reply', function () {
  this.timeout(60_000);
  let fb: FirebirdFixture;
  const incomplete = Connection.fbsyncFetchReplyIncomplete!;

  before(async function () {
    fb = await createFirebirdDatabase({ charset: 'UTF8' });
    await createTipos(fb);
  });
  after(async () => {
    await fb?.drop();
  });

  /** The bytes of one fetch reply of `sql`, and the statement it belongs to. */
  async function reply(sql: string, rows: number): Promise<{ bytes: Buffer; statement: unknown }> {
    const tx = await fb.db.transactionAsync({ isolation: Firebird.ISOLATION_REPEATABLE_READ, readOnly: true });
    try {
      const statement = await tx.newStatementAsync(sql);
      await statement.executeAsync(tx, []);
      // Nothing else is in flight on the attachment, so the last buffer the driver reads during
      // the fetch is the reply, whole (pieces that came first are read again joined to the rest).
      const Reader = serialize.XdrReader;
      let last: Buffer | undefined;
      serialize.XdrReader = class extends Reader {
        constructor(buffer: Buffer) {
          super(buffer);
          last = Buffer.from(buffer);
        }
      };
      let fetched: { data?: unknown[] };
      try {
        fetched = (await statement.fetchAsync(tx, rows)) as { data?: unknown[] };
      } finally {
        serialize.XdrReader = Reader;
      }
      expect(fetched.data ?? []).to.have.length.greaterThan(0);
      await statement.closeAsync();
      return { bytes: last!, statement };
    } finally {
      await tx.rollbackAsync();
    }
  }

  it('is part of the installed driver', () => {
    expect(incomplete).to.be.a('function');
  });

  for (const [what, sql] of [
    ['every column of TB_TIPOS as stored (NULLs, CHAR and VARCHAR in six sets, BLOB ids, BOOLEAN, dates and times, numbers)', 'SELECT * FROM TB_TIPOS ORDER BY ID'],
    ['text as bytes and temporal values as text, as fbsync selects them', `SELECT ID, CAST(VC_1252 AS VARCHAR(30) CHARACTER SET OCTETS), CAST(TS AS VARCHAR(24)), TRIM(TRAILING FROM CH_UTF8) FROM TB_TIPOS ORDER BY ID`],
  ] as const) {
    it(`says every cut of a reply is incomplete, and the whole reply not: ${what}`, async () => {
      const { bytes, statement } = await reply(sql, 1000);
      expect(bytes.length).to.be.greaterThan(200);
      expect(incomplete(bytes, 0, statement), 'whole reply').to.equal(false);
      expect(incomplete(Buffer.concat([bytes, Buffer.from([0, 0, 0, 9, 1, 2])]), 0, statement), 'reply and the start of another').to.equal(false);
      const wrong: number[] = [];
      for (let cut = 1; cut < bytes.length; cut++) if (!incomplete(bytes.subarray(0, cut), 0, statement)) wrong.push(cut);
      expect(wrong, `cuts of ${bytes.length} bytes taken for whole`).to.deep.equal([]);
    });
  }

  it('reads a reply that starts further into the buffer', async () => {
    const { bytes, statement } = await reply('SELECT ID, VC_UTF8, BI FROM TB_TIPOS ORDER BY ID', 1000);
    const behind = Buffer.concat([Buffer.alloc(8, 7), bytes]);
    expect(incomplete(behind, 8, statement)).to.equal(false);
    expect(incomplete(behind.subarray(0, behind.length - 1), 8, statement)).to.equal(true);
  });

  it('leaves anything but a fetch reply to the decoder', async () => {
    const { statement } = await reply('SELECT ID FROM TB_TIPOS', 10);
    const response = Buffer.alloc(16);
    response.writeInt32BE(9, 0); // op_response
    expect(incomplete(response.subarray(0, 6), 0, statement)).to.equal(false);
  });
});
