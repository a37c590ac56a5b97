// A real, certified OpenID provider (the npm package oidc-provider) on loopback, for the single sign-on tests.
//
//   node tests/oidc/provider.mjs   with PORT, CLIENT_ID, CLIENT_SECRET, REDIRECT_URIS and POST_LOGOUT_REDIRECT_URIS
//                                  (space-separated) in the environment
//
// Issuer http://127.0.0.1:PORT, listening on 127.0.0.1 only. One confidential client (client_secret_basic) that must
// use PKCE (S256), the authorisation code flow only. The people are the synthetic ones in people.json: the login typed
// at the provider's own sign-in page is their `sub` (the package's development interactions: any password), and their
// e-mail, name and groups are put in the ID token, as Entra ID does. Consent is given by the administrator (as a
// council's tenant does for its own app), so signing in is one page. RP-initiated logout (end_session_endpoint) is on.
// Prints "listening <issuer>" once it answers.
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const env = process.env;
const port = Number(env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const people = Object.fromEntries(Object.entries(JSON.parse(readFileSync(new URL('./people.json', import.meta.url))))
  .filter(([login]) => !login.startsWith('_')).map(([, person]) => [person.sub, person])); // by sub, the account id
const words = (value) => (value || '').split(' ').filter(Boolean);

const configuration = {
  clients: [{
    client_id: env.CLIENT_ID,
    client_secret: env.CLIENT_SECRET,
    redirect_uris: words(env.REDIRECT_URIS),
    post_logout_redirect_uris: words(env.POST_LOGOUT_REDIRECT_URIS),
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  pkce: { required: () => true },
  scopes: ['openid', 'email', 'profile', 'groups'],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
  conformIdTokenClaims: false, // the claims in the ID token itself, as Entra ID and Google put them
  cookies: { keys: ['loopback-test-provider-only'] },
  features: { rpInitiatedLogout: { enabled: true }, devInteractions: { enabled: true } },
  async findAccount(ctx, id) {
    const person = people[id];
    if (!person) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: person.sub, email: person.email, email_verified: true, name: person.name, groups: person.groups };
      },
    };
  },
  async loadExistingGrant(ctx) { // consent given by the administrator for this client
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile groups');
    grant.addOIDCClaims(['sub', 'email', 'email_verified', 'name', 'groups']);
    await grant.save();
    return grant;
  },
};

const provider = new Provider(issuer, configuration);
provider.listen(port, '127.0.0.1', () => console.log(`listening ${issuer}`));
