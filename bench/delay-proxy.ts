/**
 * A TCP proxy on loopback that delays every chunk by a fixed time in each direction, as a link
 * with that one-way latency would, for the bench's network rows.
 *
 * Chunks keep their order: each direction of a connection has one FIFO queue and at most one
 * timer, set for the chunk at its head. A timer per chunk would not do: node keeps one timer
 * list per duration, so two chunks whose computed delays differ by a millisecond can fire out
 * of order, which corrupts a wire protocol (and looks exactly like a driver hang). There is no
 * backpressure: what a client has in flight is bounded by its own protocol, and the bench's are.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface DelayProxy {
  /** The port the proxy listens on (127.0.0.1). */
  port: number;
  /** Stops listening and cuts every open connection. */
  close(): Promise<void>;
}

export interface DelayProxyOptions {
  /** Where connections go. */
  targetHost: string;
  targetPort: number;
  /** Added to every chunk in each direction: a round trip costs twice this. */
  delayMs: number;
}

/** Starts a proxy on an ephemeral loopback port. */
export async function startDelayProxy(options: DelayProxyOptions): Promise<DelayProxy> {
  const sockets = new Set<Socket>();
  // Half-open: an end travels through the queue like a chunk, after the data before it.
  const server: Server = createServer({ allowHalfOpen: true }, (client) => {
    const upstream = connect({ port: options.targetPort, host: options.targetHost, allowHalfOpen: true });
    for (const s of [client, upstream]) {
      s.setNoDelay(true);
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    delayed(client, upstream, options.delayMs);
    delayed(upstream, client, options.delayMs);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the delay proxy has no TCP port');
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Forwards `from`'s data to `to`, each chunk `delayMs` after it arrived, in arrival order; an end follows the last chunk. */
function delayed(from: Socket, to: Socket, delayMs: number): void {
  const queue: Array<{ due: number; chunk: Buffer | null }> = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    const now = Date.now();
    while (queue.length > 0 && queue[0]!.due <= now) {
      const { chunk } = queue.shift()!;
      if (chunk === null) to.end();
      else if (!to.destroyed) to.write(chunk);
    }
    if (queue.length > 0) timer = setTimeout(flush, queue[0]!.due - now);
  };
  const push = (chunk: Buffer | null) => {
    queue.push({ due: Date.now() + delayMs, chunk });
    timer ??= setTimeout(flush, delayMs);
  };
  from.on('data', (chunk: Buffer) => push(chunk));
  from.on('end', () => push(null));
  // A connection that failed is cut at once; one that ended closes `to` after its last chunk.
  from.on('close', (hadError: boolean) => {
    if (!hadError) return;
    if (timer) clearTimeout(timer);
    queue.length = 0;
    to.destroy();
  });
}
