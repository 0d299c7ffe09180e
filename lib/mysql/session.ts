/** Which server fbsync writes to: statements and error numbers differ between the two. */
export type Flavor = 'mariadb' | 'mysql';

/**
 * The sql_mode of fbsync's MySQL sessions: the server's own, with STRICT_ALL_TABLES added, so
 * that a value a column cannot store is refused instead of truncated, clipped or rounded to a
 * "warning"; and without the two modes that would change values on the way:
 * NO_BACKSLASH_ESCAPES (mysql2 escapes a backslash in a string literal as \\, which that mode
 * would store twice) and PAD_CHAR_TO_FULL_LENGTH (CHAR values would read back padded).
 */
export function sessionSqlMode(serverMode: string): string {
  const modes = serverMode
    .split(',')
    .map((m) => m.trim().toUpperCase())
    .filter((m) => m && m !== 'NO_BACKSLASH_ESCAPES' && m !== 'PAD_CHAR_TO_FULL_LENGTH');
  if (!modes.includes('STRICT_ALL_TABLES')) modes.push('STRICT_ALL_TABLES');
  return modes.join(',');
}
