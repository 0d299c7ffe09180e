import type { Value } from './values.js';

/** The server's verdict on a statement, as the reject file and messages show it. */
export interface ServerError {
  /** The driver's name (`ER_DATA_TOO_LONG`) or client code (`ECONNRESET`), when there is one. */
  code?: string;
  /** The server's error number (1406), for server errors. */
  errno?: number;
  sqlState?: string;
  message: string;
}

/** A source row MySQL refused for good, and why. */
export interface RejectedRow {
  /** Firebird table. */
  table: string;
  /** MySQL table. */
  target: string;
  /** The row's primary key, by MySQL column name. */
  key: Record<string, Value>;
  /** Every value fbsync tried to write, by MySQL column name. */
  values: Record<string, Value>;
  /** What the server said (`errno` 1406, `message` "Data too long for column 'X' at row 1"). */
  error: ServerError;
}

/** Receives each rejected row; the sink waits for a returned promise before it goes on. */
export type RejectHandler = (reject: RejectedRow) => void | Promise<void>;

