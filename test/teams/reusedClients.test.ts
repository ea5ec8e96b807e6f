import { strict as assert } from 'node:assert';
import { AuthenticationConstants, ClaimsIdentity, type ConnectorClient, ConnectorFactory, type UserTokenClient } from 'botframework-connector';
import { ReusedClients } from '../../src/teams/reusedClients';

/** A factory that makes a distinct stand-in client each time, or fails while told to. */
class CountingFactory extends ConnectorFactory {
  made = 0;
  failing = false;
  async create(serviceUrl: string): Promise<ConnectorClient> {
    this.made++;
    if (this.failing) throw new Error('credentials unavailable');
    return { serviceUrl, n: this.made } as unknown as ConnectorClient;
  }
}

const botIdentity = (appId: string) => new ClaimsIdentity([{ type: AuthenticationConstants.AudienceClaim, value: appId }], true);

describe('connector and user-token clients reused across turns', () => {
  it('makes one connector client per bot, service URL and audience, whichever factory asks', async () => {
    const clients = new ReusedClients();
    const inner = new CountingFactory();
    const first = await clients.connectorFactory(botIdentity('bot-a'), inner).create('https://smba/emea/', 'https://api.botframework.com');
    // A later turn gets a new factory from the SDK; the client is the one already made.
    const again = await clients.connectorFactory(botIdentity('bot-a'), new CountingFactory()).create('https://smba/emea/', 'https://api.botframework.com');
    assert.equal(again, first);
    assert.equal(inner.made, 1);
    assert.notEqual(await clients.connectorFactory(botIdentity('bot-a'), inner).create('https://smba/amer/', 'https://api.botframework.com'), first);
    assert.notEqual(await clients.connectorFactory(botIdentity('bot-b'), inner).create('https://smba/emea/', 'https://api.botframework.com'), first);
    assert.notEqual(await clients.connectorFactory(botIdentity('bot-a'), inner).create('https://smba/emea/', 'https://other-audience'), first);
    assert.equal(inner.made, 4);
  });

  it('does not keep a client that could not be made: the next turn tries again', async () => {
    const clients = new ReusedClients();
    const inner = new CountingFactory();
    inner.failing = true;
    await assert.rejects(clients.connectorFactory(botIdentity('bot-a'), inner).create('https://smba/emea/'), /credentials unavailable/);
    inner.failing = false;
    const client = await clients.connectorFactory(botIdentity('bot-a'), inner).create('https://smba/emea/');
    assert.equal((client as unknown as { n: number }).n, 2);
  });

  it('makes one user-token client per bot', async () => {
    const clients = new ReusedClients();
    let made = 0;
    const make = async () => ({ n: ++made }) as unknown as UserTokenClient;
    const first = await clients.userTokenClient(botIdentity('bot-a'), make);
    assert.equal(await clients.userTokenClient(botIdentity('bot-a'), make), first);
    assert.notEqual(await clients.userTokenClient(botIdentity('bot-b'), make), first);
    assert.equal(made, 2);
  });
});
