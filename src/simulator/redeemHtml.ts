/**
 * The HTML of the simulated redemption pages, in English or Spanish. Plain server-rendered pages
 * with a real form: they work without JavaScript and with a screen reader. Every value that
 * comes from the seed, an invitation or a request is escaped.
 */

export type PageLanguage = 'en' | 'es';

interface PageText {
  consentTitle: string;
  consentIntro: (organization: string) => string;
  permissions: readonly string[];
  trust: (organization: string) => string;
  invitationFor: (email: string) => string;
  accept: string;
  cancel: string;
  acceptedTitle: string;
  acceptedBody: (organization: string) => string;
  alreadyTitle: string;
  alreadyBody: (organization: string) => string;
  continueLink: string;
  cancelledTitle: string;
  cancelledBody: (organization: string) => string;
  reviewAgainLink: string;
  unknownTitle: string;
  unknownBody: string;
  invalidFormTitle: string;
  invalidFormBody: string;
  simulatorNote: string;
  resetNote: (organization: string) => string;
  revokedTitle: string;
  revokedBody: string;
  blockedTitle: string;
  blockedBody: (organization: string) => string;
  termsTitle: string;
  termsIntro: (organization: string) => string;
  agree: string;
  decline: string;
}

const texts: Readonly<Record<PageLanguage, PageText>> = {
  en: {
    consentTitle: 'Review permissions',
    consentIntro: (organization) => `${organization} would like to:`,
    permissions: ['Sign you in', 'Read your name, email address and photo'],
    trust: (organization) =>
      `Only accept if you trust ${organization}. By accepting, you allow ${organization} to use this information to create and manage a guest account for you in its directory.`,
    invitationFor: (email) => `Invitation for ${email}`,
    accept: 'Accept',
    cancel: 'Cancel',
    acceptedTitle: 'You are all set',
    acceptedBody: (organization) => `You accepted the invitation from ${organization}. Your guest account is ready.`,
    alreadyTitle: 'Invitation already accepted',
    alreadyBody: (organization) => `This invitation from ${organization} has already been accepted. There is nothing else to do.`,
    continueLink: 'Continue',
    cancelledTitle: 'Invitation not accepted',
    cancelledBody: (organization) => `Nothing has changed: you have not joined ${organization} as a guest. You can come back to this link later.`,
    reviewAgainLink: 'Review the invitation again',
    unknownTitle: 'Invitation not found',
    unknownBody: 'This invitation link is not valid: it may be mistyped, or the invitation was removed. Ask the person who invited you for a new link.',
    invalidFormTitle: 'Something went wrong',
    invalidFormBody: 'The answer could not be read. Go back to the invitation and choose Accept or Cancel.',
    simulatorNote: 'Local directory simulator: no Microsoft account is used.',
    resetNote: (organization) =>
      `${organization} has reset your guest account's sign-in: sign in again with the account you want to use with ${organization} from now on.`,
    revokedTitle: 'This link no longer works',
    revokedBody:
      'This invitation link was replaced by a newer one when your guest account was reset. Use the newest link you were sent, or ask the person who invited you for a new one.',
    blockedTitle: 'Your account is blocked',
    blockedBody: (organization) =>
      `${organization} has blocked sign-in for your guest account, so this invitation can no longer be accepted. If you think this is a mistake, contact the person who invited you.`,
    termsTitle: 'Terms of use',
    termsIntro: (organization) => `${organization} asks you to agree to its terms of use before you continue.`,
    agree: 'Accept',
    decline: 'Decline',
  },
  es: {
    consentTitle: 'Revisar permisos',
    consentIntro: (organization) => `${organization} quiere:`,
    permissions: ['Iniciar su sesión', 'Leer su nombre, dirección de correo electrónico y foto'],
    trust: (organization) =>
      `Acepte solo si confía en ${organization}. Al aceptar, permite que ${organization} use esta información para crear y administrar una cuenta de invitado para usted en su directorio.`,
    invitationFor: (email) => `Invitación para ${email}`,
    accept: 'Aceptar',
    cancel: 'Cancelar',
    acceptedTitle: 'Todo listo',
    acceptedBody: (organization) => `Ha aceptado la invitación de ${organization}. Su cuenta de invitado está lista.`,
    alreadyTitle: 'Invitación ya aceptada',
    alreadyBody: (organization) => `Esta invitación de ${organization} ya se aceptó. No hay nada más que hacer.`,
    continueLink: 'Continuar',
    cancelledTitle: 'Invitación no aceptada',
    cancelledBody: (organization) => `No ha cambiado nada: no se ha unido a ${organization} como invitado. Puede volver a este enlace más tarde.`,
    reviewAgainLink: 'Revisar de nuevo la invitación',
    unknownTitle: 'Invitación no encontrada',
    unknownBody:
      'Este enlace de invitación no es válido: puede que esté mal escrito o que la invitación se haya eliminado. Pida un enlace nuevo a quien le invitó.',
    invalidFormTitle: 'Algo salió mal',
    invalidFormBody: 'No se pudo leer la respuesta. Vuelva a la invitación y elija Aceptar o Cancelar.',
    simulatorNote: 'Simulador de directorio local: no se usa ninguna cuenta de Microsoft.',
    resetNote: (organization) =>
      `${organization} ha restablecido el inicio de sesión de su cuenta de invitado: inicie sesión de nuevo con la cuenta que quiera usar con ${organization} a partir de ahora.`,
    revokedTitle: 'Este enlace ya no funciona',
    revokedBody:
      'Este enlace de invitación se sustituyó por uno más reciente al restablecer su cuenta de invitado. Use el último enlace que recibió o pida uno nuevo a quien le invitó.',
    blockedTitle: 'Su cuenta está bloqueada',
    blockedBody: (organization) =>
      `${organization} ha bloqueado el inicio de sesión de su cuenta de invitado, por lo que ya no se puede aceptar esta invitación. Si cree que es un error, póngase en contacto con quien le invitó.`,
    termsTitle: 'Términos de uso',
    termsIntro: (organization) => `${organization} le pide que acepte sus términos de uso antes de continuar.`,
    agree: 'Aceptar',
    decline: 'Rechazar',
  },
};

/** Spanish when the browser prefers it to English; English otherwise. */
export function pickLanguage(acceptLanguage: string | undefined): PageLanguage {
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, order) => {
      const [tag = '', ...parameters] = part.trim().split(';');
      const quality = parameters.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((q) => q !== undefined);
      return { primary: tag.split('-')[0]?.toLowerCase() ?? '', quality: quality === undefined ? 1 : Number(quality), order };
    })
    .filter((entry) => entry.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.order - b.order);
  const preferred = ranked.find((entry) => entry.primary === 'en' || entry.primary === 'es');
  return preferred?.primary === 'es' ? 'es' : 'en';
}

function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

export function consentPage(language: PageLanguage, page: { organization: string; guestEmail: string; formAction: string; reset: boolean }): string {
  const text = texts[language];
  const organization = escapeHtml(page.organization);
  const permissions = text.permissions.map((permission) => `<li>${escapeHtml(permission)}</li>`).join('');
  return layout(
    language,
    page.organization,
    text.consentTitle,
    `<p class="guest">${escapeHtml(text.invitationFor(page.guestEmail))}</p>
${page.reset ? `<p class="notice">${text.resetNote(organization)}</p>\n` : ''}<p id="permissions-intro">${text.consentIntro(organization)}</p>
<ul aria-labelledby="permissions-intro">${permissions}</ul>
<p>${text.trust(organization)}</p>
<form method="post" action="${escapeHtml(page.formAction)}" aria-labelledby="page-title">
<div class="actions">
<button type="submit" name="action" value="accept">${escapeHtml(text.accept)}</button>
<button type="submit" name="action" value="cancel" class="secondary">${escapeHtml(text.cancel)}</button>
</div>
</form>`,
  );
}

/** The second consent step, when the tenant has terms of use: the guest is not in until they agree. */
export function termsPage(
  language: PageLanguage,
  page: { organization: string; guestEmail: string; formAction: string; terms: { title: string; text: string } },
): string {
  const text = texts[language];
  return layout(
    language,
    page.organization,
    text.termsTitle,
    `<p class="guest">${escapeHtml(text.invitationFor(page.guestEmail))}</p>
<p>${text.termsIntro(escapeHtml(page.organization))}</p>
<section aria-labelledby="terms-title"><h2 id="terms-title">${escapeHtml(page.terms.title)}</h2>
<p class="terms">${escapeHtml(page.terms.text)}</p></section>
<form method="post" action="${escapeHtml(page.formAction)}" aria-labelledby="page-title">
<div class="actions">
<button type="submit" name="action" value="agreeToTerms">${escapeHtml(text.agree)}</button>
<button type="submit" name="action" value="cancel" class="secondary">${escapeHtml(text.decline)}</button>
</div>
</form>`,
  );
}

export function revokedInvitationPage(language: PageLanguage, organization: string): string {
  const text = texts[language];
  return layout(language, organization, text.revokedTitle, `<p>${escapeHtml(text.revokedBody)}</p>`);
}

export function blockedAccountPage(language: PageLanguage, organization: string): string {
  const text = texts[language];
  return layout(language, organization, text.blockedTitle, `<p>${escapeHtml(text.blockedBody(organization))}</p>`);
}

export function acceptedPage(language: PageLanguage, page: { organization: string; redirectUrl: string }): string {
  const text = texts[language];
  return layout(
    language,
    page.organization,
    text.acceptedTitle,
    `<p>${text.acceptedBody(escapeHtml(page.organization))}</p>
<p><a class="button" href="${escapeHtml(page.redirectUrl)}">${escapeHtml(text.continueLink)}</a></p>`,
  );
}

export function alreadyAcceptedPage(language: PageLanguage, page: { organization: string; redirectUrl: string }): string {
  const text = texts[language];
  return layout(
    language,
    page.organization,
    text.alreadyTitle,
    `<p>${text.alreadyBody(escapeHtml(page.organization))}</p>
<p><a class="button" href="${escapeHtml(page.redirectUrl)}">${escapeHtml(text.continueLink)}</a></p>`,
  );
}

export function cancelledPage(language: PageLanguage, page: { organization: string; reviewUrl: string }): string {
  const text = texts[language];
  return layout(
    language,
    page.organization,
    text.cancelledTitle,
    `<p>${text.cancelledBody(escapeHtml(page.organization))}</p>
<p><a href="${escapeHtml(page.reviewUrl)}">${escapeHtml(text.reviewAgainLink)}</a></p>`,
  );
}

export function unknownInvitationPage(language: PageLanguage, organization: string): string {
  const text = texts[language];
  return layout(language, organization, text.unknownTitle, `<p>${escapeHtml(text.unknownBody)}</p>`);
}

export function invalidFormPage(language: PageLanguage, page: { organization: string; reviewUrl: string }): string {
  const text = texts[language];
  return layout(
    language,
    page.organization,
    text.invalidFormTitle,
    `<p>${escapeHtml(text.invalidFormBody)}</p>
<p><a href="${escapeHtml(page.reviewUrl)}">${escapeHtml(text.reviewAgainLink)}</a></p>`,
  );
}

/** `body` is trusted markup built above; everything else is escaped here. */
function layout(language: PageLanguage, organization: string, title: string, body: string): string {
  return `<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · ${escapeHtml(organization)}</title>
<style>
body{margin:0;font:16px/1.5 "Segoe UI",system-ui,sans-serif;color:#1b1b1b;background:#f2f2f2}
main{max-width:28rem;margin:3rem auto;padding:2rem;background:#fff;box-shadow:0 2px 6px rgba(0,0,0,.2)}
.organization{margin:0;font-weight:600}
h1{font-size:1.5rem;font-weight:600;margin:.5rem 0 1rem}
.guest{color:#505050}
.notice{padding:.75rem;background:#fff4ce}
h2{font-size:1.1rem;margin:1rem 0 .25rem}
.terms{white-space:pre-wrap;max-height:14rem;overflow:auto;border:1px solid #d1d1d1;padding:.75rem}
.actions{display:flex;gap:.5rem;justify-content:flex-end;margin-top:1.5rem}
button,.button{font:inherit;padding:.4rem 1.5rem;border:1px solid #0067b8;background:#0067b8;color:#fff;cursor:pointer;text-decoration:none;display:inline-block}
button.secondary{background:#fff;color:#1b1b1b;border-color:#8a8886}
button:focus-visible,a:focus-visible{outline:2px solid #1b1b1b;outline-offset:2px}
a{color:#0067b8}
.note{margin-top:2rem;font-size:.85rem;color:#505050}
</style>
</head>
<body>
<main>
<p class="organization">${escapeHtml(organization)}</p>
<h1 id="page-title">${escapeHtml(title)}</h1>
${body}
<p class="note">${escapeHtml(texts[language].simulatorNote)}</p>
</main>
</body>
</html>
`;
}
