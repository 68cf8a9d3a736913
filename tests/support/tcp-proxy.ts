import { connect, createServer, type Server, type Socket } from 'node:net';

// A TCP proxy in the test process, so a test can cut a datastore off from the app (every
// connection dropped, new ones refused) and bring it back on the same port, or make it slow to
// answer new connections.

export interface TcpProxy {
  port: number;
  /** Rewrites a URL (postgresql://, redis://) to reach its server through this proxy. */
  via(url: string): string;
  /** Drops every open connection and refuses new ones. */
  cut(): Promise<void>;
  /** Accepts connections again, on the same port. */
  restore(): Promise<void>;
  /** New connections are accepted but carry nothing until `release` is called. */
  hold(): { release(): void };
  /** Open connections stay open but carry nothing more, ever; new ones are held (see `hold`). */
  stall(): { release(): void };
  close(): Promise<void>;
}

export async function startTcpProxy(target: string): Promise<TcpProxy> {
  const { hostname, port: targetPort } = new URL(target);
  const sockets = new Set<Socket>();
  let gate: Promise<void> = Promise.resolve();
  const pairs = new Set<[Socket, Socket]>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  };
  const server: Server = createServer(async (client) => {
    track(client); // a held connection is cut with the others
    await gate;
    if (client.destroyed) return;
    const upstream = connect(Number(targetPort), hostname);
    track(upstream);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    upstream.on('close', () => pairs.delete(pair));
    client.pipe(upstream).pipe(client);
  });
  const listen = (port: number) => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  await listen(0);
  const port = (server.address() as { port: number }).port;
  const cut = () =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
  function hold() {
    let release = () => {};
    gate = new Promise((resolve) => (release = resolve));
    return {
      release: () => {
        gate = Promise.resolve();
        release();
      },
    };
  }
  return {
    port,
    via: (url) => Object.assign(new URL(url), { hostname: '127.0.0.1', port: String(port) }).toString(),
    cut,
    restore: () => (server.listening ? Promise.resolve() : listen(port)),
    hold,
    stall() {
      for (const [client, upstream] of pairs) {
        client.unpipe();
        upstream.unpipe();
        client.pause();
        upstream.pause();
      }
      return hold();
    },
    close: cut,
  };
}
