/** The flags more than one command takes, defined once. */

export const JOB = { type: 'string', describe: 'a job file (YAML or JSON, docs/jobs.md); the flags given override it' } as const;
export const FROM = { type: 'string', describe: 'Firebird URI firebird://user:pass@host:port//path.fdb (or FBSYNC_FROM)' } as const;
export const TO = { type: 'string', describe: 'MySQL URI mysql://user:pass@host:port/database (or FBSYNC_TO)' } as const;
export const ALL_TABLES = { type: 'boolean', default: false, describe: 'every table with a primary key (instead of --tables)' } as const;
export const EXCLUDE_COLUMNS = { type: 'string', array: true, describe: 'source columns to leave out: TABLE.COLUMN,…' } as const;
export const NONE_CHARSET = { type: 'string', describe: 'read CHARACTER SET NONE text as this set (e.g. WIN1252); default: copy its bytes' } as const;
export const ROUND_TO_TARGET = {
  type: 'boolean',
  default: false,
  describe: 'accept existing MySQL columns with fewer decimals or digits of a second than the source; write and compare values as MySQL stores them',
} as const;
