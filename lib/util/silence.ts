/** The part of a socket (a net.Socket, or node-firebird's proxy of one) that silence needs. */
export interface SilentSocket {
  setTimeout?(ms: number): void;
  on(event: 'timeout', listener: () => void): void;
  destroy(err?: Error): void;
}

/**
 * Destroys `socket` with `error()` once it has carried no byte for `ms` while `busy()` — a
 * request waiting for an answer that a link gone silent (no reset, no close) will never bring.
 * The driver then fails what waited as a lost connection, which fbsync retries. A socket with
 * nothing asked of it is left alone, however long it idles.
 */
export function cutWhenSilent(socket: SilentSocket | null | undefined, ms: number, busy: () => boolean, error: () => Error): void {
  if (!socket?.setTimeout) return;
  socket.setTimeout(ms);
  socket.on('timeout', () => {
    if (busy()) socket.destroy(Object.assign(error(), { code: 'ETIMEDOUT' }));
  });
}
