/**
 * What a guest does with a redeem link in a browser: the simulator's consent steps, Review
 * permissions and then the terms of use when the tenant has them (the sample tenant does).
 */
export async function redeemInBrowser(redeemUrl: string, headers: Record<string, string> = {}): Promise<Response> {
  const post = (action: string) =>
    fetch(redeemUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: `action=${action}` });
  const permissions = await post('accept');
  const html = await permissions.clone().text();
  return html.includes('value="agreeToTerms"') ? post('agreeToTerms') : permissions;
}
