import net from 'node:net';

/**
 * A TCP proxy to a real server that can go silent on demand: `freeze()` stops passing bytes
 * either way while keeping every connection open, as a firewall that drops a session or a
 * frozen VM would (no reset, no close). `thaw()` passes them again.
 */
export class FreezingProxy {
  readonly #server: net.Server;
  readonly #sockets = new Set<net.Socket>();
  #frozen = false;

  private constructor(server: net.Server) {
    this.#server = server;
  }

  static async start(host: string, port: number): Promise<FreezingProxy> {
    const server = net.createServer();
    const proxy = new FreezingProxy(server);
    server.on('connection', (client) => proxy.#pair(client, net.connect(port, host)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    return (this.#server.address() as net.AddressInfo).port;
  }

  freeze(): void {
    this.#frozen = true;
  }

  thaw(): void {
    this.#frozen = false;
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise((resolve) => this.#server.close(resolve));
  }

  #pair(client: net.Socket, server: net.Socket): void {
    for (const [from, to] of [
      [client, server],
      [server, client],
    ] as const) {
      this.#sockets.add(from);
      // Bytes that arrive while frozen are dropped: the other side hears nothing, ever.
      from.on('data', (chunk) => this.#frozen || to.write(chunk));
      from.on('error', () => to.destroy());
      from.on('close', () => to.destroy());
    }
  }
}
