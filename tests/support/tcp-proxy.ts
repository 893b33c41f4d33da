import net from "node:net";

/**
 * A loopback TCP proxy in front of a real server, to make the network slow or cut it: `throttle` limits what
 * the server sends to the client (bytes per second), `dropAll` resets every open connection mid-stream.
 */
export interface TcpProxy {
  port: number;
  throttle(bytesPerSecond: number | undefined): void;
  dropAll(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number, targetHost = "127.0.0.1"): Promise<TcpProxy> {
  let rate: number | undefined;
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect({ host: targetHost, port: targetPort });
    open.add(client);
    open.add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on("error", end).on("close", end);
    upstream.on("error", end).on("close", end);
    client.on("data", (chunk) => upstream.write(chunk));
    upstream.on("data", (chunk) => {
      client.write(chunk);
      if (rate === undefined) return;
      upstream.pause();
      setTimeout(() => upstream.resume(), (chunk.length / rate) * 1000);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    port,
    throttle(bytesPerSecond) {
      rate = bytesPerSecond;
    },
    dropAll() {
      for (const socket of open) socket.resetAndDestroy();
      open.clear();
    },
    async close() {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
