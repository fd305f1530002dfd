/**
 * The renderer's Content Security Policy, one string for both hosts: Electron sends it as a header
 * on every response (security/session.ts) and browser mode on every page (web/server.ts). As a
 * header it also enforces frame-ancestors, which a <meta> tag cannot.
 *
 * src-renderer/index.html carries the same policy in its <meta> tag (for the page loaded from
 * file://, before any header applies); test/unit/shell/csp.test.ts holds the two equal.
 *
 * No network for the renderer: all API traffic goes through main. Message content is data: no
 * inline scripts, no remote images, no eval. Media shows only from the local store: browser mode's
 * /media route ('self') and the desktop app's tim-media: protocol (media/serve.ts).
 */
export const contentSecurityPolicy =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: tim-media:; media-src 'self' tim-media:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
