import type { flows } from '../core/typed-streams.js';
import { Readable } from 'node:stream';
import Firebird from 'node-firebird';
import createDebug from 'debug';
import { FbsyncError, describeCause } from '../core/errors.js';
import { retryOptions, type RetryOptions } from '../util/retry.js';
import { keyOf, type Key, type Row, type TableSpec } from '../core/table.js';
import { abandonFirebird, untilClosed, within, type FirebirdDatabase } from './connect.js';
import { isDead, newSession, type Session } from './session.js';
import { isLostFirebirdConnection, lostConnectionError } from './errors.js';
import { againIfLost, type FirebirdRetryEvent } from './retry.js';
import type { VersionList } from '../core/version-list.js';
import type { Page } from '../core/page.js';
import { PickedPages } from './picked-pages.js';
import { KeysetPages } from './keyset-pages.js';
import { ListedPages } from './listed-pages.js';
import type { FirebirdSourceOptions } from './source-options.js';

const debug = createDebug('fbsync:source');

export type { FirebirdSourceOptions } from './source-options.js';

export const DEFAULT_PAGE_SIZE = 10_000;

/**
 * A Readable of keyset pages over one table. Every page is read inside one read-only snapshot
 * transaction, so the whole copy is one point-in-time image however long it takes, and the
 * source is never written. Pages follow the primary key (`WHERE key > last ORDER BY key`), so
 * reading page n costs the same as page 1: there is no OFFSET to skip over.
 *
 * If the connection is lost and a `reconnect` was given, the page under way is read again on a
 * new attachment, in a new snapshot, from the last key delivered.
 */
export class FirebirdSource extends Readable {
  /** It gives pages (see core/typed-streams.ts). */
  declare readonly [flows]?: { out: Page };

  readonly #table: TableSpec;
  readonly #names: readonly string[];
  #after: Key | null;
  /** How pages are read: by version pick, or in full by keyset. */
  readonly #picked?: PickedPages;
  readonly #keyset?: KeysetPages;
  readonly #listed?: ListedPages;
  /** The current attachment; undefined between losing one and attaching again. */
  #session: Session | undefined;
  #reading = false;
  /** The page read under way: teardown waits for it, since rolling back under a running fetch hangs the driver. */
  #pending: Promise<unknown> = Promise.resolve();
  #done = false;
  #seq = 0;
  readonly #signal?: AbortSignal;
  readonly #reconnect?: () => Promise<FirebirdDatabase>;
  readonly #retry: Required<RetryOptions>;
  readonly #onRetry?: (event: FirebirdRetryEvent) => void;
  /** Ends a pause before a retry when the stream is torn down. */
  readonly #teardown = new AbortController();

  constructor(options: FirebirdSourceOptions) {
    super({ objectMode: true, highWaterMark: options.readAhead ?? 2 });
    if (!Number.isInteger(options.pageSize) || options.pageSize < 1) {
      throw new FbsyncError('OPTION', `\`pageSize\` must be a positive integer, not ${options.pageSize}`, { options: ['pageSize'], value: options.pageSize });
    }
    // 0 would end every page at its first fetch, NaN never: neither is a bound.
    if (options.pageBytes !== undefined && !(Number.isInteger(options.pageBytes) && options.pageBytes >= 1)) {
      throw new FbsyncError('OPTION', `\`pageBytes\` must be a positive integer, not ${options.pageBytes}`, { options: ['pageBytes'], value: options.pageBytes });
    }
    this.#session = newSession(options.db);
    this.#table = options.table;
    this.#after = options.after ?? null;
    if (options.versions && options.where) throw new FbsyncError('OPTION', 'record versions (`versions`) cannot go with a filtered source (`where`)', { options: ['versions', 'where'] });
    this.#signal = options.signal;
    this.#reconnect = options.reconnect;
    this.#retry = retryOptions(options.retry);
    this.#onRetry = options.onRetry;
    this.#names = options.table.columns.map((c) => c.source);
    const { table, pageSize } = options;
    const pick = options.versions?.pick;
    if (options.keys) {
      if (pick || options.where || options.after) throw new FbsyncError('OPTION', 'a source read by `keys` reads neither by version, nor filtered, nor from a key', { options: ['keys'] });
      this.#listed = new ListedPages({ table, pageSize, pageBytes: options.pageBytes, keys: options.keys });
    } else if (pick) this.#picked = new PickedPages({ table, pageSize, pageBytes: options.pageBytes, pick, attachSide: options.attachSide });
    // Without a pick, versions are noted with every row; with one, a probe reads them.
    else this.#keyset = new KeysetPages({ table, pageSize, pageBytes: options.pageBytes, where: options.where, versions: !!options.versions, keyOrder: options.keyOrder ?? 'required' });
  }

  override _read(): void {
    if (this.#reading || this.#done) return;
    if (this.#signal?.aborted) return this.#stop();
    this.#reading = true;
    const next = this.#reconnect
      ? againIfLost(() => this.#attempt(), () => this.#attachAgain(), this.#table.source, {
          retry: this.#retry,
          onRetry: this.#onRetry,
          onLost: () => this.#connectionLost(),
          signal: this.#signal ? AbortSignal.any([this.#teardown.signal, this.#signal]) : this.#teardown.signal,
        })
      : this.#attempt();
    this.#pending = next.catch(() => undefined);
    next.then(
      (page) => {
        this.#reading = false;
        if (this.destroyed) return;
        // Pushed only now that #reading is clear, so the _read that push() may trigger is served.
        this.push(page);
        if (page.final) this.push(null);
        else if (this.#signal?.aborted) this.#stop();
      },
      (err) => {
        this.#reading = false;
        // A connection that failed this way may never answer again: teardown must not wait on it.
        if (this.#session && isLostFirebirdConnection(err)) this.#session.live = false;
        const lost = !this.#session;
        // Stopped while waiting to read again after a lost connection: an early end, not a failure.
        if (this.#signal?.aborted && lost) return this.#stop();
        // An FbsyncError (say, KEY_ORDER) says all there is to say, unless it is the failure to attach again.
        this.destroy(err instanceof FbsyncError && !lost ? err : this.#readError(err));
      },
    );
  }

  async #attachAgain(): Promise<void> {
    this.#session = newSession(await this.#reconnect!());
    debug('%s: attached again; reading on after %j', this.#table.source, this.#after);
  }

  async #attempt(): Promise<Page> {
    const session = this.#session!;
    try {
      // A request sent after the connection closed is never answered: the close ends the wait.
      return await untilClosed(session.db, this.#nextPage(session));
    } catch (err) {
      if (!isLostFirebirdConnection(err) && (await isDead(session))) {
        // node-firebird sends "close cursor" without waiting for its answer, so on a killed
        // attachment the first error seen can be a consequence ("attempt to reopen an open
        // cursor") rather than the shutdown itself.
        debug('%s: %s, and the attachment no longer answers', this.#table.source, describeCause(err));
        throw Object.assign(lostConnectionError(), { cause: err });
      }
      throw err;
    }
  }

  async #nextPage(session: Session): Promise<Page> {
    if (!session.tx) {
      session.tx = await session.db.transactionAsync({ isolation: Firebird.ISOLATION_REPEATABLE_READ, readOnly: true });
      debug('%s: snapshot transaction started', this.#table.source);
    }
    if (this.#listed) {
      const listed = await this.#listed.read(session);
      const page = await this.#deliver(session, listed.rows, listed.final, undefined, listed.gone);
      this.#listed.delivered();
      return page;
    }
    if (this.#picked) {
      const picked = await this.#picked.read(session, this.#after);
      return this.#deliver(session, picked.rows, picked.final, picked.versions, picked.gone);
    }
    const page = await this.#keyset!.read(session, this.#after);
    const delivered = await this.#deliver(session, page.rows, page.final, page.versions);
    if (page.unordered) delivered.unordered = true;
    return delivered;
  }

  async #deliver(session: Session, rows: Row[], final: boolean, versions?: VersionList, gone?: Key[]): Promise<Page> {
    // A page read on a session given up for dead is not delivered: its replacement reads it again.
    if (!session.live) throw lostConnectionError();
    const page: Page = { table: this.#table.source, seq: this.#seq++, columns: this.#names, rows, after: this.#after, final };
    if (versions) page.versions = versions;
    if (gone) page.gone = gone;
    const last = versions ? versions.keys[versions.keys.length - 1] : rows.length > 0 ? keyOf(this.#table, rows[rows.length - 1]!) : undefined;
    if (last) this.#after = last;
    debug('%s: page of %d rows%s', this.#table.source, versions?.keys.length ?? rows.length, final ? ' (final)' : '');
    if (final) {
      this.#done = true;
      await this.#endTransaction('commit');
    }
    return page;
  }

  /**
   * The transaction and statements died with the connection: nothing to roll back or drop
   * (the server did that), so the session is left behind and its attachment let go.
   */
  #connectionLost(): void {
    const session = this.#session;
    this.#session = undefined;
    this.#picked?.forget();
    this.#keyset?.forget();
    if (!session) return;
    session.live = false;
    abandonFirebird(session.db);
  }

  #stop(): void {
    if (this.#done) return;
    this.#done = true;
    debug('%s: stopped after %d pages', this.#table.source, this.#seq);
    this.#endTransaction('rollback').then(() => this.push(null));
  }

  #readError(err: unknown): FbsyncError {
    const what = `reading Firebird table ${this.#table.source} failed: ${describeCause(err)}`;
    if (!isLostFirebirdConnection(err)) return new FbsyncError('SOURCE_READ', what, { cause: err });
    const tries = this.#reconnect ? ` (connection lost; ${this.#retry.attempts} attempts made)` : ' (connection lost)';
    return new FbsyncError('SOURCE_READ', what + tries, {
      hint: 'what was written so far is kept: once Firebird is reachable, run the sync again with `resume`',
      options: ['resume'],
      cause: err,
    });
  }

  async #endTransaction(how: 'commit' | 'rollback'): Promise<void> {
    await Promise.all([this.#endSnapshot(how), this.#picked?.close()]);
  }

  async #endSnapshot(how: 'commit' | 'rollback'): Promise<void> {
    const session = this.#session;
    // On a lost connection the server ends the transaction itself; asking could wait forever.
    if (!session?.live) return;
    // Rolling back under a running fetch hangs the driver: a probe sent ahead finishes first.
    await this.#picked?.settle(END_TIMEOUT_MS);
    await this.#keyset?.settle(END_TIMEOUT_MS);
    const tx = session.tx;
    session.tx = undefined;
    const statements = [...session.statements.values()];
    session.statements.clear();
    try {
      // Raced against the close, like every request: a dead connection answers nothing.
      for (const statement of statements) await untilClosed(session.db, statement.dropAsync()).catch(() => undefined);
      if (tx) await within(untilClosed(session.db, how === 'commit' ? tx.commitAsync() : tx.rollbackAsync()), END_TIMEOUT_MS);
    } catch (err) {
      debug('%s: %s failed: %s', this.#table.source, how, describeCause(err));
    }
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this.#done = true;
    this.#teardown.abort();
    this.#pending.then(() => this.#endTransaction('rollback')).then(() => callback(err), callback);
  }
}

/**
 * How long ending the snapshot may take. A read-only transaction has nothing to keep, so a
 * server that does not answer in time is left to end it when the attachment goes.
 */
const END_TIMEOUT_MS = 10_000;

export function firebirdSource(options: FirebirdSourceOptions): FirebirdSource {
  return new FirebirdSource(options);
}
