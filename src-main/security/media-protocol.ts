/**
 * The desktop app's tim-media: scheme, which shows stored media to the page (media/serve.ts says
 * what is served and how). Reviewed privileges: `standard` and `secure` (so the page's CSP can name
 * it and <img>/<audio>/<video> load it as a secure origin), `stream` (a video plays while it
 * loads) and `supportFetchAPI`; never `bypassCSP` or `corsEnabled`. It serves only objects of the
 * content store, by SHA-256: no path, no URL, nothing remote.
 *
 * Only type imports from electron: the protocol module is passed in.
 */
import type { Protocol } from 'electron'
import type { ContentStore } from '../media/content-store'
import { mediaFetchHandler, mediaScheme } from '../media/serve'

/** Must run before the app is ready (Electron's rule for privileged schemes). */
export function registerMediaScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([{ scheme: mediaScheme, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } }])
}

/** Serves the store's objects under tim-media://object/<sha256>, once the app is ready. */
export function serveMediaScheme(protocol: Pick<Protocol, 'handle'>, store: ContentStore): void {
  protocol.handle(mediaScheme, mediaFetchHandler(store))
}
