import { EventEmitter } from 'node:events';
import { expect } from 'chai';
import { untilClosed, type FirebirdDatabase } from '../../lib/firebird/connect.js';
import { FbsyncError } from '../../lib/core/errors.js';
import { firebirdErrorInfo, isLostFirebirdConnection, lostConnectionError, outOfStepError } from '../../lib/firebird/errors.js';

const serverError = (gdscode: number, message: string) => Object.assign(new Error(message), { gdscode });

describe('Firebird errors', function () {
  describe('isLostFirebirdConnection', function () {
    it('says yes to an attachment shut down by an administrator (DELETE FROM MON$ATTACHMENTS)', () => {
      expect(isLostFirebirdConnection(serverError(335544856, 'Connection shutdown'))).to.equal(true);
    });

    it('says yes to network errors reported by the server and to socket errors', () => {
      expect(isLostFirebirdConnection(serverError(335544726, 'Error reading data from the connection'))).to.equal(true);
      expect(isLostFirebirdConnection(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).to.equal(true);
    });

    it("says yes to the driver's words for a closed socket, and to fbsync's own lost and out-of-step errors", () => {
      expect(isLostFirebirdConnection(new Error('Connection is closed.'))).to.equal(true);
      expect(isLostFirebirdConnection(lostConnectionError())).to.equal(true);
      expect(isLostFirebirdConnection(outOfStepError())).to.equal(true);
    });

    it('says no to errors about the statement, the table or the login', () => {
      expect(isLostFirebirdConnection(serverError(335544569, 'Dynamic SQL Error'))).to.equal(false);
      expect(isLostFirebirdConnection(serverError(335544580, 'Table unknown'))).to.equal(false);
      expect(isLostFirebirdConnection(serverError(335544472, 'Your user name and password are not defined'))).to.equal(false);
    });

    it("looks through an FbsyncError to its cause: an unreachable server is worth another try, a refused login is not", () => {
      const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3050'), { code: 'ECONNREFUSED' });
      expect(isLostFirebirdConnection(new FbsyncError('FIREBIRD_UNREACHABLE', 'cannot reach', { cause: refused }))).to.equal(true);
      const login = serverError(335544472, 'Your user name and password are not defined');
      expect(isLostFirebirdConnection(new FbsyncError('FIREBIRD_LOGIN', 'rejected', { cause: login }))).to.equal(false);
    });
  });

  describe('firebirdErrorInfo', function () {
    it('keeps the status code, the socket code and the message on one line', () => {
      expect(firebirdErrorInfo(serverError(335544856, 'Connection\n  shutdown'))).to.deep.equal({ gdscode: 335544856, message: 'Connection shutdown' });
      expect(firebirdErrorInfo(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).to.deep.equal({ code: 'ECONNRESET', message: 'read ECONNRESET' });
    });
  });

  describe('untilClosed', function () {
    function fakeDb(closed = false) {
      const socket = new EventEmitter();
      return { socket, db: { connection: { _socket: socket, _isClosed: closed } } as unknown as FirebirdDatabase };
    }

    it("gives the work's result and leaves no listener on the socket (nothing stays reachable from it)", async () => {
      const { socket, db } = fakeDb();
      expect(await untilClosed(db, Promise.resolve(['a page']))).to.deep.equal(['a page']);
      await untilClosed(db, Promise.reject(new Error('no such table'))).catch(() => undefined);
      expect(socket.listenerCount('close')).to.equal(0);
    });

    it('fails with a lost-connection error when the socket closes before the work answers', async () => {
      const { socket, db } = fakeDb();
      const waiting = untilClosed(db, new Promise(() => {}));
      socket.emit('close');
      const err = await waiting.catch((e: unknown) => e);
      expect(isLostFirebirdConnection(err)).to.equal(true);
    });

    it('fails at once on a connection already closed', async () => {
      const { db } = fakeDb(true);
      const err = await untilClosed(db, new Promise(() => {})).catch((e: unknown) => e);
      expect((err as Error).message).to.equal('Connection to Firebird server was lost.');
    });
  });
});
