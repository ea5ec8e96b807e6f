/** The domain of an address, and whether a listed domain covers it, as Entra reads its allow and deny lists. */
export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

/** `fabrikam.com` covers `fabrikam.com` and `eu.fabrikam.com`, not `notfabrikam.com`. */
export function domainMatches(domain: string, listed: string): boolean {
  const wanted = listed.toLowerCase().replace(/^\*?\./, '');
  return domain === wanted || domain.endsWith(`.${wanted}`);
}
