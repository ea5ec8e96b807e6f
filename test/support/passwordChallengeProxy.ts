/**
 * Stands between node-postgres and the local PostgreSQL server and asks every connection for its
 * password in the clear, as Azure Database for PostgreSQL does for Microsoft Entra tokens, then
 * hands the connection to the real server. The local server trusts 127.0.0.1 and never asks for a
 * password, so without this no test could see what password the bot sends.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
/** AuthenticationCleartextPassword: 'R', length 8, code 3. */
const ASK_FOR_PASSWORD = Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 3]);

export class PasswordChallengeProxy {
  /** Every password a connection sent, in order. */
  readonly passwords: string[] = [];
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly upstream: { host: string; port: number }) {
    this.server = createServer((client) => this.serve(client));
  }

  async start(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private serve(client: Socket): void {
    this.sockets.add(client);
    client.on('close', () => this.sockets.delete(client));
    client.on('error', () => client.destroy());
    let buffered = Buffer.alloc(0);
    let startup: Buffer | undefined;
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        if (startup === undefined) {
          // Untyped messages first: an optional TLS or GSS request, then the startup message.
          if (buffered.length < 8) return;
          const length = buffered.readInt32BE(0);
          if (buffered.length < length) return;
          const message = buffered.subarray(0, length);
          buffered = buffered.subarray(length);
          const code = message.readInt32BE(4);
          if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
            client.write('N');
            continue;
          }
          startup = message;
          client.write(ASK_FOR_PASSWORD);
          continue;
        }
        // The password message: 'p', its length, the password and a zero byte.
        if (buffered.length < 5) return;
        const length = buffered.readInt32BE(1);
        if (buffered.length < 1 + length) return;
        this.passwords.push(buffered.subarray(5, length).toString('utf8'));
        const rest = buffered.subarray(1 + length);
        client.off('data', onData);
        this.connectUpstream(client, startup, rest);
        return;
      }
    };
    client.on('data', onData);
  }

  /** The real server trusts us: it gets the startup message and answers as if it had asked nothing. */
  private connectUpstream(client: Socket, startup: Buffer, rest: Buffer): void {
    const server = createConnection(this.upstream, () => {
      server.write(startup);
      if (rest.length > 0) server.write(rest);
      client.pipe(server);
      server.pipe(client);
    });
    this.sockets.add(server);
    server.on('close', () => {
      this.sockets.delete(server);
      client.destroy();
    });
    server.on('error', () => client.destroy());
    client.on('close', () => server.destroy());
  }
}
