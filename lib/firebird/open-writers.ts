import type { FirebirdDatabase } from './connect.js';
import { readQuery } from './read.js';

/**
 * How far a `sinceColumn` watermark may go, as Firebird's monitoring tables tell it at one
 * moment: the transactions then open elsewhere may still stamp rows (with CURRENT_TIMESTAMP,
 * never earlier than their start) and commit after a snapshot that begins after this look.
 */
export type OpenWriters =
  | {
      sees: true;
      /** The server's time when it looked (CURRENT_TIMESTAMP, Firebird's own text). */
      now: string;
      /** The oldest transaction open elsewhere that may write (`before`: its start less the margin), or null. */
      oldest: { id: string; attachment: string; started: string; before: string } | null;
    }
  | {
      /** The user sees only its own attachment's transactions (not SYSDBA, the owner or RDB$ADMIN). */
      sees: false;
      now: string;
      user: string;
    };

/**
 * How far before an open transaction's start its stamps may lie. Both come from the server's
 * clock, but MON$TIMESTAMP counts tenths of a millisecond where CURRENT_TIMESTAMP is cut to the
 * millisecond; a second is ample and costs only a second of rows read again.
 */
export const START_MARGIN_SECONDS = 1;

/**
 * One statement, so CURRENT_TIMESTAMP and the monitoring snapshot (taken at the statement's
 * first look at MON$) belong together. Open transactions are listed whatever their MON$STATE:
 * 1 means a statement is running right now, and an open transaction between statements is 0
 * (idle), yet it may still write and commit. Read-only transactions (other snapshots, the
 * garbage collector) cannot stamp a row, and this attachment's own are the run's.
 */
const SQL = `
SELECT
  CAST(CURRENT_TIMESTAMP AS VARCHAR(24)) AS NOW_,
  CURRENT_USER AS USER_,
  CURRENT_ROLE AS ROLE_,
  (SELECT TRIM(MON$OWNER) FROM MON$DATABASE) AS OWNER_,
  (SELECT COUNT(*) FROM MON$ATTACHMENTS a WHERE a.MON$USER <> CURRENT_USER) AS OTHERS_,
  t.MON$TRANSACTION_ID AS TX_,
  t.MON$ATTACHMENT_ID AS ATT_,
  CAST(t.MON$TIMESTAMP AS VARCHAR(24)) AS STARTED_,
  CAST(DATEADD(SECOND, -${START_MARGIN_SECONDS}, t.MON$TIMESTAMP) AS VARCHAR(24)) AS BEFORE_
FROM RDB$DATABASE
LEFT JOIN (
  SELECT FIRST 1 MON$TRANSACTION_ID, MON$ATTACHMENT_ID, MON$TIMESTAMP FROM MON$TRANSACTIONS
  WHERE MON$READ_ONLY = 0 AND MON$ATTACHMENT_ID <> CURRENT_CONNECTION
  ORDER BY MON$TIMESTAMP
) t ON 1 = 1`;

/** Looks at the transactions open in the database now, on the run's attachment. */
export async function openWriters(db: FirebirdDatabase): Promise<OpenWriters> {
  // Its own read-only transaction that never waits (read.ts), like every catalog read.
  const [row] = await readQuery<Record<string, unknown>>(db, SQL);
  const text = (v: unknown) => (v === null || v === undefined ? '' : String(v).trim());
  const now = text(row!.NOW_);
  const user = text(row!.USER_);
  // Firebird 3 shows other attachments only to SYSDBA, the owner and RDB$ADMIN; a later server
  // may grant it otherwise (MONITOR_ANY_ATTACHMENT), which shows as another user's attachment.
  const privileged = user === 'SYSDBA' || user === text(row!.OWNER_) || text(row!.ROLE_) === 'RDB$ADMIN' || Number(row!.OTHERS_) > 0;
  if (!privileged) return { sees: false, now, user };
  const started = text(row!.STARTED_);
  return { sees: true, now, oldest: started ? { id: text(row!.TX_), attachment: text(row!.ATT_), started, before: text(row!.BEFORE_) } : null };
}
