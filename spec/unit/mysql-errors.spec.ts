import { expect } from 'chai';
import { FbsyncError } from '../../lib/core/errors.js';
import { classifyMysqlError, isConnectionBroken, isRowMysqlError, isTransientMysqlError, mysqlErrorInfo } from '../../lib/mysql/errors.js';
import { bookkeepingError } from '../../lib/mysql/retry.js';
import { DEFAULT_RETRY } from '../../lib/util/retry.js';

/** An error shaped as mysql2 makes one for an error packet from the server. */
function serverError(errno: number, code: string | undefined, message: string, sqlState = 'HY000'): Error {
  return Object.assign(new Error(message), { errno, code, sqlState, sqlMessage: message, fatal: false });
}

/** An error shaped as mysql2 makes one when the connection itself fails. */
function clientError(code: string | undefined, message: string, extra: object = {}): Error {
  return Object.assign(new Error(message), { code, fatal: true, ...extra });
}

describe('mysql errors', () => {
  describe('classifyMysqlError', () => {
    const transient: Array<[string, Error]> = [
      ['a deadlock', serverError(1213, 'ER_LOCK_DEADLOCK', 'Deadlock found when trying to get lock; try restarting transaction', '40001')],
      ['a lock wait timeout', serverError(1205, 'ER_LOCK_WAIT_TIMEOUT', 'Lock wait timeout exceeded; try restarting transaction')],
      ['too many connections', serverError(1040, 'ER_CON_COUNT_ERROR', 'Too many connections', '08004')],
      ['a server shutting down', serverError(1053, 'ER_SERVER_SHUTDOWN', 'Server shutdown in progress', '08S01')],
      ['a connection killed (MariaDB)', serverError(1927, undefined, 'Connection was killed', '70100')],
      ['a server gone away', serverError(2006, undefined, 'MySQL server has gone away')],
      ['a connection lost during a query', serverError(2013, undefined, 'Lost connection to MySQL server during query')],
      ['a lost connection', clientError('PROTOCOL_CONNECTION_LOST', 'Connection lost: The server closed the connection.')],
      ['a reset connection', clientError('ECONNRESET', 'read ECONNRESET', { errno: -104, syscall: 'read' })],
      ['a broken pipe', clientError('EPIPE', 'This socket has been ended by the other party', { errno: -32 })],
      ['a timeout', clientError('ETIMEDOUT', 'connect ETIMEDOUT')],
      ['a server restarting', clientError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:3306', { errno: -111 })],
      ['a closed connection reused', clientError(undefined, "Can't add new command when connection is in closed state")],
      ["MariaDB's 'Query was empty' of a statement killed while opening its table", serverError(1711, 'ER_ERROR_IN_UNKNOWN_TRIGGER_BODY', "Unknown trigger has an error in its body: 'Query was empty'")],
    ];
    for (const [what, err] of transient) {
      it(`calls ${what} transient`, () => {
        expect(classifyMysqlError(err)).to.equal('transient');
        expect(isTransientMysqlError(err)).to.equal(true);
        expect(isRowMysqlError(err)).to.equal(false);
      });
    }

    const row: Array<[string, Error]> = [
      ['a value too long', serverError(1406, 'ER_DATA_TOO_LONG', "Data too long for column 'DESCRICAO' at row 1", '22001')],
      ['a number out of range', serverError(1264, 'ER_WARN_DATA_OUT_OF_RANGE', "Out of range value for column 'QTD' at row 3", '22003')],
      ['an invalid date', serverError(1292, 'ER_TRUNCATED_WRONG_VALUE', "Incorrect datetime value: '0000-00-00' for column 'QUANDO' at row 1", '22007')],
      ['an incorrect value', serverError(1366, 'ER_TRUNCATED_WRONG_VALUE_FOR_FIELD', "Incorrect decimal value: 'x' for column 'P' at row 1")],
      ['a NULL in a NOT NULL column', serverError(1048, 'ER_BAD_NULL_ERROR', "Column 'NOME' cannot be null", '23000')],
      ['a missing parent row', serverError(1452, 'ER_NO_REFERENCED_ROW_2', 'Cannot add or update a child row: a foreign key constraint fails', '23000')],
      ['a row still referenced', serverError(1451, 'ER_ROW_IS_REFERENCED_2', 'Cannot delete or update a parent row: a foreign key constraint fails', '23000')],
      ['a duplicate on another unique index', serverError(1062, 'ER_DUP_ENTRY', "Duplicate entry 'x' for key 'uk'", '23000')],
      ['a CHECK constraint (MariaDB)', serverError(4025, 'ER_INNODB_AUTOEXTEND_SIZE_OUT_OF_RANGE', 'CONSTRAINT `c` failed for `db`.`t`', '23000')],
    ];
    for (const [what, err] of row) {
      it(`calls ${what} a row error`, () => {
        expect(classifyMysqlError(err)).to.equal('row');
        expect(isRowMysqlError(err)).to.equal(true);
        expect(isTransientMysqlError(err)).to.equal(false);
      });
    }

    const fatal: Array<[string, unknown]> = [
      ['a missing table', serverError(1146, 'ER_NO_SUCH_TABLE', "Table 'db.T' doesn't exist", '42S02')],
      ['a missing privilege', serverError(1142, 'ER_TABLEACCESS_DENIED_ERROR', 'INSERT command denied to user', '42000')],
      ['a wrong password on a new pooled connection', Object.assign(serverError(1045, 'ER_ACCESS_DENIED_ERROR', 'Access denied for user', '28000'), { fatal: true })],
      ['a syntax error', serverError(1064, 'ER_PARSE_ERROR', 'You have an error in your SQL syntax', '42000')],
      ['a query killed on purpose', serverError(1317, 'ER_QUERY_INTERRUPTED', 'Query execution was interrupted', '70100')],
      ['a plain Error', new Error('boom')],
      ['an unknown host', clientError('ENOTFOUND', 'getaddrinfo ENOTFOUND nohost')],
      ['not an error at all', 'a string'],
      ['nothing', undefined],
    ];
    for (const [what, err] of fatal) {
      it(`calls ${what} fatal`, () => {
        expect(classifyMysqlError(err)).to.equal('fatal');
      });
    }
  });

  describe('isConnectionBroken', () => {
    it('is true for errors mysql2 flags fatal', () => {
      expect(isConnectionBroken(clientError('PROTOCOL_CONNECTION_LOST', 'lost'))).to.equal(true);
      expect(isConnectionBroken(clientError(undefined, "Can't add new command when connection is in closed state"))).to.equal(true);
    });

    it('is true for a killed connection, which the server reports as an ordinary error', () => {
      expect(isConnectionBroken(serverError(1927, undefined, 'Connection was killed', '70100'))).to.equal(true);
      expect(isConnectionBroken(serverError(2013, undefined, 'Lost connection'))).to.equal(true);
    });

    it("is true after MariaDB's 'Query was empty' of a killed statement, false after a broken trigger's own error", () => {
      expect(isConnectionBroken(serverError(1711, undefined, "Unknown trigger has an error in its body: 'Query was empty'"))).to.equal(true);
      const broken = serverError(1711, undefined, "Unknown trigger has an error in its body: 'Unknown column 'x' in 'NEW''");
      expect(isConnectionBroken(broken)).to.equal(false);
      expect(classifyMysqlError(broken)).to.equal('fatal');
    });

    it('is false for errors after which the connection is fine', () => {
      expect(isConnectionBroken(serverError(1213, 'ER_LOCK_DEADLOCK', 'Deadlock'))).to.equal(false);
      expect(isConnectionBroken(serverError(1406, 'ER_DATA_TOO_LONG', 'Data too long'))).to.equal(false);
      expect(isConnectionBroken(new Error('boom'))).to.equal(false);
    });
  });

  describe('mysqlErrorInfo', () => {
    it("keeps the server's code, number, state and words", () => {
      const err = serverError(1406, 'ER_DATA_TOO_LONG', "Data too long for column 'DESCRICAO' at row 1", '22001');
      expect(mysqlErrorInfo(err, 'mariadb')).to.deep.equal({ code: 'ER_DATA_TOO_LONG', errno: 1406, sqlState: '22001', message: "Data too long for column 'DESCRICAO' at row 1" });
    });

    it('names MariaDB-only errors by their MariaDB name', () => {
      expect(mysqlErrorInfo(serverError(4025, 'ER_INNODB_AUTOEXTEND_SIZE_OUT_OF_RANGE', 'CONSTRAINT `c` failed'), 'mariadb').code).to.equal('ER_CONSTRAINT_FAILED');
      expect(mysqlErrorInfo(serverError(1927, undefined, 'Connection was killed'), 'mariadb').code).to.equal('ER_CONNECTION_KILLED');
      expect(mysqlErrorInfo(serverError(4025, 'ER_INNODB_AUTOEXTEND_SIZE_OUT_OF_RANGE', 'x'), 'mysql').code).to.equal('ER_INNODB_AUTOEXTEND_SIZE_OUT_OF_RANGE');
    });

    it('has no errno for a client-side error, and puts its message on one line', () => {
      const info = mysqlErrorInfo(clientError('ECONNRESET', 'read\n  ECONNRESET', { errno: -104 }));
      expect(info).to.deep.equal({ code: 'ECONNRESET', message: 'read ECONNRESET' });
    });

    it('copes with things that are not errors', () => {
      expect(mysqlErrorInfo('boom')).to.deep.equal({ message: 'boom' });
    });
  });

  describe('bookkeepingError', () => {
    it('names the table, what was being done and the attempts for an error that kept coming back', () => {
      const err = bookkeepingError('CHECKPOINT', 'writing to', 'shop.fbsync_version_sets', serverError(1205, 'ER_LOCK_WAIT_TIMEOUT', 'Lock wait timeout exceeded; try restarting transaction'));
      expect(err).to.be.instanceOf(FbsyncError);
      expect(err.code).to.equal('CHECKPOINT');
      expect(err.message).to.match(new RegExp(`^writing to shop\\.fbsync_version_sets failed ${DEFAULT_RETRY.attempts} times: Lock wait timeout exceeded`));
      expect(err.hint).to.include('another session holding locks on that table');
    });

    it('counts the attempts the store was given', () => {
      const err = bookkeepingError('CHECKPOINT', 'reading', 'shop.fbsync_checkpoints', serverError(1213, 'ER_LOCK_DEADLOCK', 'Deadlock found'), { retry: { attempts: 3 } });
      expect(err.message).to.match(/^reading shop\.fbsync_checkpoints failed 3 times: Deadlock found;/);
    });

    it('names the table and points at it for an error of its own', () => {
      const err = bookkeepingError('VERSIONS', 'reading', 'shop.fbsync_row_versions', serverError(1054, 'ER_BAD_FIELD_ERROR', "Unknown column 'entries' in 'field list'", '42S22'));
      expect(err.code).to.equal('VERSIONS');
      expect(err.message).to.match(/^reading shop\.fbsync_row_versions failed: Unknown column 'entries'/);
      expect(err.hint).to.include('still as fbsync created it');
    });

    it('passes an FbsyncError through as it is', () => {
      const original = new FbsyncError('OPTION', 'bad');
      expect(bookkeepingError('CHECKPOINT', 'reading', 'shop.t', original)).to.equal(original);
    });
  });
});
