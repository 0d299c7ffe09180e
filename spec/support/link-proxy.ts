import net from 'node:net';

/**
 * A TCP proxy to a real server that stands for a slow link: every chunk is passed on `delayMs`
 * after it arrived, in order, both ways (a round trip takes twice that longer). `cut()` resets
 * every connection through it at once, as a link that goes down does; new connections are
 * still passed, so a client can attach again.
 */
export class LinkProxy {
  readonly #server: net.Server;
  readonly #delayMs: number;
  readonly #sockets = new Set<net.Socket>();

  private constructor(server: net.Server, delayMs: number) {
    this.#server = server;
    this.#delayMs = delayMs;
  }

  static async start(host: string, port: number, delayMs: number): Promise<LinkProxy> {
    const server = net.createServer();
    const proxy = new LinkProxy(server, delayMs);
    server.on('connection', (client) => proxy.#pair(client, net.connect(port, host)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    return (this.#server.address() as net.AddressInfo).port;
  }

  /** Connections open through the proxy (each counts both its ends). */
  get sockets(): number {
    return this.#sockets.size;
  }

  /** Resets every connection open now; bytes still on their way are dropped. */
  cut(): void {
    for (const s of this.#sockets) s.resetAndDestroy();
    this.#sockets.clear();
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise((resolve) => this.#server.close(resolve));
  }

  #pair(client: net.Socket, server: net.Socket): void {
    for (const [from, to] of [
      [client, server],
      [server, client],
    ] as const) {
      this.#sockets.add(from);
      // Timers of the same delay fire in the order they were set: the bytes stay in order.
      from.on('data', (chunk) => setTimeout(() => to.destroyed || to.write(chunk), this.#delayMs));
      from.on('error', () => to.destroy());
      from.on('close', () => {
        this.#sockets.delete(from);
        to.destroy();
      });
    }
  }
}
