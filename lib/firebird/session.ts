import type Firebird from 'node-firebird';
import { untilClosed, within, type FirebirdDatabase } from './connect.js';
import { isLostFirebirdConnection } from './errors.js';
import { readQuery } from './read.js';

/**
 * What one attachment holds for a scan. When its connection is lost, the session is marked dead
 * and left behind whole: a read still running on it can only fail, and cannot touch the
 * session that replaces it.
 */
export interface Session {
  db: FirebirdDatabase;
  tx?: Firebird.Transaction;
  /** Prepared statements by what they read (see FirebirdSource), reused on every page. */
  statements: Map<string, Firebird.Statement>;
  live: boolean;
}

export function newSession(db: FirebirdDatabase): Session {
  return { db, statements: new Map(), live: true };
}

/** The statement `which` of this session, prepared from `sql` the first time it is asked for. */
export async function prepareOnce(session: Session, which: string, sql: string): Promise<Firebird.Statement> {
  const cached = session.statements.get(which);
  if (cached) return cached;
  const statement = await session.tx!.newStatementAsync(sql);
  session.statements.set(which, statement);
  return statement;
}

/** How long the probe of a suspect attachment may go unanswered. */
const PROBE_TIMEOUT_MS = 10_000;

/** Whether an attachment fails a trivial query for a lost-connection reason (or stays silent). */
export async function isDead(session: Session): Promise<boolean> {
  try {
    await within(untilClosed(session.db, readQuery(session.db, 'SELECT 1 FROM RDB$DATABASE')), PROBE_TIMEOUT_MS);
    return false;
  } catch (err) {
    return isLostFirebirdConnection(err);
  }
}
