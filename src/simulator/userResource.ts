import { badRequest } from './graphFailure';
import type { SimulatedUser } from './simulatorSeed';

/**
 * How a user looks on the wire. Like Graph v1.0, a user without `$select` carries only the
 * default properties; `userType` and `externalUserState` must be asked for, so a client that
 * forgets its `$select` fails here the way it would against Graph.
 */

const userProperties = [
  'id',
  'displayName',
  'givenName',
  'surname',
  'mail',
  'userPrincipalName',
  'userType',
  'externalUserState',
  'externalUserStateChangeDateTime',
  'jobTitle',
  'preferredLanguage',
  'businessPhones',
  'mobilePhone',
  'officeLocation',
  'createdDateTime',
  'creationType',
  'accountEnabled',
  'signInActivity',
] as const;

export type UserProperty = (typeof userProperties)[number];

const defaultUserProperties: readonly UserProperty[] = [
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
  'id',
];

const propertiesByLowerName: ReadonlyMap<string, UserProperty> = new Map(userProperties.map((property) => [property.toLowerCase(), property]));

/** The properties a `$select` names, in Graph's spelling; undefined when there is none. */
export function parseUserSelect(select: string | undefined): readonly UserProperty[] | undefined {
  if (select === undefined || select.trim() === '') {
    return undefined;
  }
  return select.split(',').map((name) => {
    const property = propertiesByLowerName.get(name.trim().toLowerCase());
    if (property === undefined) {
      throw badRequest(`Could not find a property named '${name.trim()}' on type 'microsoft.graph.user'.`, 'BadRequest');
    }
    return property;
  });
}

export function projectUser(user: SimulatedUser, select: readonly UserProperty[] | undefined): Record<string, unknown> {
  const projected: Record<string, unknown> = {};
  for (const property of select ?? defaultUserProperties) {
    if (property === 'signInActivity') {
      // Graph leaves it out for someone who never signed in.
      if (user.signInActivity?.lastSuccessfulSignInDateTime) projected.signInActivity = { ...user.signInActivity };
      continue;
    }
    projected[property] = property === 'businessPhones' ? [] : (valueOf(user, property) ?? null);
  }
  return projected;
}

function valueOf(user: SimulatedUser, property: Exclude<UserProperty, 'signInActivity'>): string | boolean | undefined {
  switch (property) {
    case 'accountEnabled':
      return user.accountEnabled ?? true;
    case 'givenName':
    case 'surname':
    case 'mobilePhone':
    case 'officeLocation':
    case 'businessPhones':
      return undefined;
    default:
      return user[property];
  }
}

/** The `@odata.context` Graph puts on a user or a list of users. */
export function usersContext(serviceRoot: string, select: readonly UserProperty[] | undefined, single: boolean): string {
  const projection = select === undefined ? '' : `(${select.join(',')})`;
  return `${serviceRoot}/v1.0/$metadata#users${projection}${single ? '/$entity' : ''}`;
}
