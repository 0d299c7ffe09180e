/**
 * Throwaway database users with distinctive passwords, for specs that check a password never
 * reaches the output: "fbsync" or "masterkey" also occur in names and messages, a password
 * like Sup3rS3cretPW occurs nowhere unless it leaked.
 */
import { randomBytes } from 'node:crypto';
import type { FirebirdFixture, MysqlFixture } from './databases.js';

export const SECRET_PASSWORD = 'Sup3rS3cretPW';

/** Replaces the user and password of a URI, leaving host, port and path exactly as they were. */
export function withCredentials(uri: string, user: string, password: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@(.*)$/i.exec(uri);
  if (!m) throw new Error(`no credentials in ${uri}`);
  return `${m[1]}${encodeURIComponent(user)}:${encodeURIComponent(password)}@${m[2]}`;
}

/** Replaces only the password of a URI. */
export function withPassword(uri: string, password: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^:@/]*):[^@/]*@(.*)$/i.exec(uri);
  if (!m) throw new Error(`no password in ${uri}`);
  return `${m[1]}${m[2]}:${encodeURIComponent(password)}@${m[3]}`;
}

export interface SpecUser {
  name: string;
  /** The fixture's URI, logged in as this user. */
  uri: string;
  drop(): Promise<void>;
}

/**
 * A Firebird user (users are server-wide, in the security database) who may read the given
 * tables of the fixture's database.
 */
export async function createFirebirdUser(fb: FirebirdFixture, tables: readonly string[], password = SECRET_PASSWORD): Promise<SpecUser> {
  const name = `FBSYNC_SPEC_${randomBytes(4).toString('hex').toUpperCase()}`;
  await fb.exec(`CREATE USER ${name} PASSWORD '${password}'`);
  for (const t of tables) await fb.exec(`GRANT SELECT ON ${t} TO USER ${name}`);
  return { name, uri: withCredentials(fb.uri, name, password), drop: () => fb.exec(`DROP USER ${name}`).then(() => undefined, () => undefined) };
}

/**
 * A MySQL user who may read and write the fixture's database. GRANT needs GRANT OPTION, which
 * the fixture's user may lack (scripts/servers.sh grants ALL PRIVILEGES without it); having ALL
 * PRIVILEGES it can then write the privilege row itself, which is what GRANT would do.
 */
export async function createMysqlUser(my: MysqlFixture, password = SECRET_PASSWORD): Promise<SpecUser> {
  const name = `fbsync_spec_${randomBytes(4).toString('hex')}`;
  await my.exec(`CREATE USER '${name}'@'%' IDENTIFIED BY '${password}'`);
  try {
    await my.exec(`GRANT SELECT, INSERT, UPDATE, DELETE ON \`${my.database}\`.* TO '${name}'@'%'`);
  } catch {
    await my.conn.query(
      `INSERT INTO mysql.db (Host, Db, User, Select_priv, Insert_priv, Update_priv, Delete_priv) VALUES ('%', ?, ?, 'Y', 'Y', 'Y', 'Y')`,
      [my.database, name],
    );
    await my.exec('FLUSH PRIVILEGES');
  }
  return {
    name,
    uri: withCredentials(my.uri, name, password),
    async drop() {
      await my.exec(`DROP USER IF EXISTS '${name}'@'%'`).catch(() => undefined);
    },
  };
}
