/**
 * Regional REST hosts (docs/reference/tencent-im-api.md §2). The host must match the data center
 * where the SDKAppID was created; a wrong one shows up as 70016/70020.
 */
export interface Region {
  id: string
  /** English label; the renderer localizes via its own table. */
  label: string
  host: string
  backupHost: string
}

export const regions: readonly Region[] = [
  { id: 'china', label: 'China', host: 'console.tim.qq.com', backupHost: 'adminapi.my-imcloud.com' },
  { id: 'singapore', label: 'Singapore', host: 'adminapisgp.im.qcloud.com', backupHost: 'adminapisgp.my-imcloud.com' },
  { id: 'seoul', label: 'Seoul', host: 'adminapikr.im.qcloud.com', backupHost: 'adminapikr.my-imcloud.com' },
  { id: 'tokyo', label: 'Tokyo', host: 'adminapijpn.im.qcloud.com', backupHost: 'adminapijpn.my-imcloud.com' },
  { id: 'frankfurt', label: 'Frankfurt', host: 'adminapiger.im.qcloud.com', backupHost: 'adminapiger.my-imcloud.com' },
  { id: 'mumbai', label: 'Mumbai', host: 'adminapiind.im.qcloud.com', backupHost: 'adminapiind.my-imcloud.com' },
  { id: 'silicon-valley', label: 'Silicon Valley', host: 'adminapiusa.im.qcloud.com', backupHost: 'adminapiusa.my-imcloud.com' },
  { id: 'jakarta', label: 'Jakarta', host: 'adminapiidn.im.qcloud.com', backupHost: 'adminapiidn.my-imcloud.com' }
]

/**
 * The base URL for a region id or a custom endpoint. A custom endpoint is used as given (it may be
 * http:// for a local simulator); a region id maps to its https host.
 */
export function resolveEndpoint(opts: { region?: string; endpoint?: string }): string {
  if (opts.endpoint) {
    const url = new URL(opts.endpoint)
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new Error(`Custom endpoint must be an http(s) URL, got ${opts.endpoint}`)
    }
    return url.origin + url.pathname.replace(/\/+$/, '')
  }
  const id = opts.region ?? 'china'
  const region = regions.find((r) => r.id === id)
  if (!region) {
    throw new Error(`Unknown region "${id}". Known regions: ${regions.map((r) => r.id).join(', ')}`)
  }
  return `https://${region.host}`
}
