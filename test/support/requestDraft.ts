import type { NewAccessRequest } from '../../src/requests/accessRequest';

/**
 * What the dialog files when Adele asks for partner@fabrikam.com to join Project Falcon and
 * Contoso Expenses, with her manager Megan as sponsor; tests change what they are about.
 */
export function requestDraft(changes: Partial<NewAccessRequest> = {}): NewAccessRequest {
  return {
    tenantId: '5f2b8c1e-3d4a-4b6c-9e7f-0a1b2c3d4e5f',
    requester: { id: 'a1b2c3d4-0001-4000-8000-000000000001', displayName: 'Adele Vance', address: 'adele.vance@contoso.com' },
    requesterLocale: 'en-US',
    requesterConversationId: 'a:personal-29:adele',
    guestEmail: 'partner@fabrikam.com',
    resourceIds: ['falcon-team', 'expenses-app'],
    justification: 'Joint launch of Falcon, three months',
    sponsor: { id: 'a1b2c3d4-0002-4000-8000-000000000002', displayName: 'Megan Bowen', address: 'megan.bowen@contoso.com' },
    sponsorLocale: 'en-US',
    ...changes,
  };
}
