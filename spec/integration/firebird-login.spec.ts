/**
 * Logging in to Firebird 3 (SRP). The server gives every user a random salt and sends it as hex
 * without leading zeros, so about one user in 16 has a 63-digit salt; node-firebird 2.17.1 then
 * read the server's key from the wrong offset and that user could never log in. fbsync's driver
 * patch reads it where it lies (docs/driver-patch.md).
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { closeFirebird, openFirebird } from '../../lib/index.js';
import { createFirebirdDatabase, type FirebirdFixture } from '../support/databases.js';
import { withCredentials } from '../support/users.js';

/** Users made at once: without the fix, all of them log in only 4.5 % of the time ((15/16)^48). */
const USERS = 48;

describe('a Firebird login', function () {
  let fb: FirebirdFixture;
  const made: string[] = [];

  before(async () => {
    fb = await createFirebirdDatabase();
  });
  after(async () => {
    for (const name of made) await fb.exec(`DROP USER ${name}`).catch(() => undefined);
    await fb?.drop();
  });

  it(`succeeds for every user, whatever salt the server chose (${USERS} new users)`, async () => {
    const failed: string[] = [];
    for (let i = 0; i < USERS; i++) {
      const name = `FBSYNC_LOGIN_${randomBytes(4).toString('hex').toUpperCase()}`;
      await fb.exec(`CREATE USER ${name} PASSWORD 'Login${i}pw'`);
      made.push(name);
      try {
        await closeFirebird(await openFirebird(withCredentials(fb.uri, name, `Login${i}pw`)));
      } catch (err) {
        failed.push(`${name}: ${(err as Error).message}`);
      }
    }
    expect(failed).to.deep.equal([]);
  });
});
