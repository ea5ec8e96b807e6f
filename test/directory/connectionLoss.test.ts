/**
 * A Graph connection that drops before any answer: a read is sent once more and the person's
 * turn goes on; a write is not resent (it may have been carried out) and fails as transient, for
 * the job's retry and the invitation's exactly-once handling to decide.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DirectoryError } from '../../src/directory/directory';
import { createGraphClient } from '../../src/directory/graphClient';
import { GraphDirectory } from '../../src/directory/graphDirectory';

const USER = {
  id: 'a1b2c3d4-0001-4000-8000-000000000001',
  displayName: 'Adele Vance',
  userType: 'Member',
  mail: 'adele@contoso.com',
  userPrincipalName: 'adele@contoso.com',
};

describe('Graph connections that drop', () => {
  let server: Server;
  let seen: string[];
  let drops: number;
  let directory: GraphDirectory;

  beforeEach(async () => {
    seen = [];
    drops = 1;
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      seen.push(`${req.method} ${(req.url ?? '').split('?')[0]}`);
      req.resume();
      // As a gateway closing its keep-alive connections: no status, no answer.
      if (drops > 0) {
        drops -= 1;
        req.socket.destroy();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(USER));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const graphBaseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    directory = new GraphDirectory(createGraphClient({ graphBaseUrl }), { graphBaseUrl });
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('reads again once, and the read succeeds', async () => {
    const user = await directory.getUser(USER.id);
    assert.equal(user?.displayName, 'Adele Vance');
    assert.deepEqual(seen, [`GET /v1.0/users/${USER.id}`, `GET /v1.0/users/${USER.id}`]);
  });

  it('reads only twice: a connection that drops again fails as transient', async () => {
    drops = 2;
    const failure = await directory.getUser(USER.id).then(
      () => assert.fail('the read should have failed'),
      (error: unknown) => error,
    );
    assert.ok(failure instanceof DirectoryError && failure.transient, String(failure));
    assert.equal(seen.length, 2);
  });

  it('never sends an invitation twice on its own', async () => {
    const failure = await directory
      .invite({ email: 'partner@fabrikam.com', redirectUrl: 'https://myapps.microsoft.com/', sendInvitationMessage: false, messageBody: 'Welcome' })
      .then(
        () => assert.fail('the invitation should have failed'),
        (error: unknown) => error,
      );
    assert.ok(failure instanceof DirectoryError && failure.transient, String(failure));
    assert.deepEqual(seen, ['POST /v1.0/invitations']);
  });
});
