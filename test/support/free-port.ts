/** A loopback port nothing listens on right now, for a listener a test starts at a known address. */
import { createServer } from "node:net";

/** Binds port 0, reads the port the kernel chose, and frees it again. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}
