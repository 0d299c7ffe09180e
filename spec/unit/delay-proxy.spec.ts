/**
 * The bench's delay proxy (bench/delay-proxy.ts), over real loopback TCP: it must keep every
 * byte in order whatever the chunking, and add its delay in each direction.
 */
import { once } from 'node:events';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { expect } from 'chai';
import { startDelayProxy, type DelayProxy } from '../../bench/delay-proxy.js';

describe('the bench delay proxy', () => {
  let echo: Server;
  let proxy: DelayProxy;
  let client: Socket;
  let received: Buffer;

  beforeEach(async () => {
    echo = createServer((s) => s.pipe(s));
    echo.listen(0, '127.0.0.1');
    await once(echo, 'listening');
    proxy = await startDelayProxy({ targetHost: '127.0.0.1', targetPort: (echo.address() as AddressInfo).port, delayMs: 10 });
    client = connect(proxy.port, '127.0.0.1');
    await once(client, 'connect');
    received = Buffer.alloc(0);
    client.on('data', (d: Buffer) => (received = Buffer.concat([received, d])));
  });
  afterEach(async () => {
    client.destroy();
    await proxy.close();
    echo.close();
  });

  const until = async (bytes: number) => {
    while (received.length < bytes) await new Promise((r) => setTimeout(r, 1));
  };

  it('delivers every byte in order, chunks written over many milliseconds included', async () => {
    const sent: Buffer[] = [];
    for (let i = 0; i < 3000; i++) {
      const chunk = Buffer.from(`${i},`);
      sent.push(chunk);
      client.write(chunk);
      if (i % 50 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    const all = Buffer.concat(sent);
    await until(all.length);
    expect(received.equals(all)).to.equal(true);
  });

  it('adds its delay in each direction: a round trip takes at least twice it', async () => {
    const start = process.hrtime.bigint();
    client.write('x');
    await until(1);
    expect(Number(process.hrtime.bigint() - start) / 1e6).to.be.at.least(19);
  });

  it('passes the end of a stream on after its last chunk', async () => {
    client.end('last');
    await once(client, 'end');
    expect(received.toString()).to.equal('last');
  });
});
