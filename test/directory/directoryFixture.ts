import { createGraphClient } from '../../src/directory/graphClient';
import pino from 'pino';
import { GraphDirectory } from '../../src/directory/graphDirectory';
import { TenantPolicy } from '../../src/requests/tenantPolicy';
import { type DirectorySimulator, type RecordedRequest, startDirectorySimulator, type SimulatorSeed } from '../../src/simulator';

/** Ids from src/samples/directory.json, the seed the simulator starts with by default. */
export const sample = {
  tenantId: '5f2b8c1e-3d4a-4b6c-9e7f-0a1b2c3d4e5f',
  adele: 'a1b2c3d4-0001-4000-8000-000000000001',
  megan: 'a1b2c3d4-0002-4000-8000-000000000002',
  patti: 'a1b2c3d4-0005-4000-8000-000000000005',
  jordan: 'b7c8d9e0-0101-4000-8000-000000000101',
  jordanMail: 'jordan.lee@fabrikam.com',
  sam: 'b7c8d9e0-0102-4000-8000-000000000102',
  samMail: 'sam.rivera@northwindtraders.com',
  falconGroup: 'c0ffee00-0001-4000-8000-00000000c001',
  extranetGroup: 'c0ffee00-0002-4000-8000-00000000c002',
  springGroup: 'c0ffee00-0003-4000-8000-00000000c003',
  expensesSp: 'd00dfeed-0001-4000-8000-00000000d001',
  expensesRole: 'e1e1e1e1-0001-4000-8000-00000000e001',
} as const;

export interface DirectoryFixture {
  simulator: DirectorySimulator;
  graphBaseUrl: string;
  /** The adapter under test, talking HTTP to the simulator through the real Graph client. */
  directory: GraphDirectory;
  /** The tenant's own settings over that adapter, as the bot reads them. */
  tenantPolicy: TenantPolicy;
  close(): Promise<void>;
}

export async function startDirectoryFixture(
  options: { seed?: SimulatorSeed; latencyMs?: number; stateFile?: string; rateLimits?: boolean } = {},
): Promise<DirectoryFixture> {
  const started = await startDirectorySimulator(options);
  const client = createGraphClient({ graphBaseUrl: started.graphBaseUrl });
  const directory = new GraphDirectory(client, { graphBaseUrl: started.graphBaseUrl });
  return {
    simulator: started.simulator,
    graphBaseUrl: started.graphBaseUrl,
    directory,
    tenantPolicy: new TenantPolicy(directory, { cacheMs: 0, logger: pino({ level: 'silent' }) }),
    close: started.close,
  };
}

/** The `$batch` requests the simulator received, each with its items. */
export function batchRequests(simulator: DirectorySimulator): Array<Readonly<RecordedRequest>> {
  return simulator.requests.filter((request) => request.method === 'POST' && request.path.endsWith('/$batch'));
}

/** Invites a new guest through the adapter, as the bot does first after approval; returns its id. */
export async function inviteNewGuest(fixture: DirectoryFixture, email = 'alex.kim@partner.example'): Promise<string> {
  const invitation = await fixture.directory.invite({
    email,
    redirectUrl: 'https://myapps.microsoft.com/',
    sendInvitationMessage: false,
    messageBody: 'Welcome',
  });
  return invitation.invitedUserId;
}
