/**
 * The session policy of the desktop shell, installed once before the first window opens.
 *
 * Only type imports from electron: the session is passed in.
 */
import type { Session } from 'electron'
import { contentSecurityPolicy } from './csp'

export function installSessionPolicy(ses: Session): void {
  // Every response gets our CSP as a header too; unlike the <meta> tag it enforces frame-ancestors.
  ses.webRequest.onHeadersReceived((details, callback) => {
    const headers: Record<string, string[] | string> = {}
    for (const [k, val] of Object.entries(details.responseHeaders ?? {})) {
      if (k.toLowerCase() !== 'content-security-policy') headers[k] = val
    }
    headers['Content-Security-Policy'] = [contentSecurityPolicy]
    callback({ responseHeaders: headers })
  })
  // The app needs no camera, notifications, clipboard-read, geolocation…: a message cannot ask.
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  ses.setPermissionCheckHandler(() => false)
}
