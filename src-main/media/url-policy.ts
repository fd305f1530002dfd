/**
 * Which media URLs the host may fetch (issue 17 §2 "Fetching"). The URLs come from message bodies,
 * which anyone in a group can craft, so a URL is fetched only when:
 *  - it is https, or plain http to the API endpoint's own loopback host and port (the simulator);
 *  - its host is on the allow-list: Tencent's COS and IM file domains, the endpoint's host, and
 *    whatever the user adds;
 *  - it carries no user name or password;
 *  - every redirect meets the same rules;
 *  - every address its name resolves to is public, checked after DNS and before connecting
 *    (`guardedLookup`), unless it is the endpoint's own loopback address.
 * Without these, a crafted message could make the app request the user's router, a cloud metadata
 * service (169.254.169.254) or a local admin port, and archive the answer.
 *
 * Address ranges use Node's built-in net.BlockList (no dependency). Everything here is pure except
 * `guardedLookup`, which only calls the lookup function it is given.
 */
import { BlockList, isIP } from 'node:net'
import type { LookupAddress, LookupOptions } from 'node:dns'
import { lookup as dnsLookup } from 'node:dns'

/**
 * Hosts of Tencent's media files by default. COS objects are served from `*.myqcloud.com`
 * (`cos.<region>.myqcloud.com`, `<bucket>.cos.<region>.myqcloud.com`, `*.file.myqcloud.com`); IM's
 * own file hosts are under `*.tim.qq.com`. See docs/reference/tencent-im-api.md §11.
 */
export const DEFAULT_MEDIA_HOSTS: readonly string[] = ['*.myqcloud.com', '*.tim.qq.com']

export type UrlRefusal = 'bad-url' | 'scheme-not-allowed' | 'host-not-allowed' | 'credentials-in-url' | 'private-address'

export type UrlVerdict = { ok: true; url: URL } | { ok: false; reason: UrlRefusal; detail: string }

export interface FetchPolicy {
  /** Allowed host patterns, lower case: `example.com` (exactly) or `*.example.com` (any subdomain). */
  hosts: readonly string[]
  /** The API endpoint's host name (lower case, no brackets), or null when none is configured. */
  endpointHost: string | null
  /** The endpoint's port as a string, with the default filled in ('443' for https). */
  endpointPort: string | null
  /** Whether the endpoint is a loopback host: only then are plain http and loopback addresses allowed to it. */
  endpointIsLoopback: boolean
}

/** Turns a user's allow-list entry into a pattern, or null when it is unusable or too broad. */
export function normalizeHostPattern(entry: string): string | null {
  let p = entry.trim().toLowerCase()
  if (p.startsWith('.')) p = `*${p}`
  if (p.endsWith('.')) p = p.slice(0, -1)
  const wildcard = p.startsWith('*.')
  const name = wildcard ? p.slice(2) : p
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(name) && isIP(name) === 0) return null
  // "*.com" would allow the whole TLD; a wildcard needs at least two labels under it.
  if (wildcard && name.split('.').length < 2) return null
  return wildcard ? `*.${name}` : name
}

function bareHost(hostname: string): string {
  let h = hostname.toLowerCase()
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1)
  if (h.endsWith('.')) h = h.slice(0, -1)
  return h
}

function portOf(u: URL): string {
  return u.port || (u.protocol === 'https:' ? '443' : u.protocol === 'http:' ? '80' : '')
}

/**
 * The policy for one archive: the default hosts, the endpoint's host, and the user's additions.
 * `endpoint` is the API base URL in use (for the simulator, `http://127.0.0.1:<port>`).
 */
export function makeFetchPolicy(opts: { endpoint?: string | null; extraHosts?: readonly string[]; defaults?: readonly string[] } = {}): FetchPolicy {
  const hosts = new Set<string>()
  for (const h of [...(opts.defaults ?? DEFAULT_MEDIA_HOSTS), ...(opts.extraHosts ?? [])]) {
    const p = normalizeHostPattern(h)
    if (p) hosts.add(p)
  }
  let endpointHost: string | null = null
  let endpointPort: string | null = null
  if (opts.endpoint) {
    const u = new URL(opts.endpoint)
    endpointHost = bareHost(u.hostname)
    endpointPort = portOf(u)
    hosts.add(endpointHost)
  }
  return { hosts: [...hosts], endpointHost, endpointPort, endpointIsLoopback: endpointHost !== null && isLoopbackName(endpointHost) }
}

function isLoopbackName(host: string): boolean {
  if (host === 'localhost') return true
  return isIP(host) !== 0 && isLoopbackAddress(host)
}

/** Whether `host` (bare, lower case) matches one of the patterns. */
export function hostAllowed(host: string, patterns: readonly string[]): boolean {
  const h = bareHost(host)
  for (const p of patterns) {
    if (p.startsWith('*.')) {
      if (h.endsWith(p.slice(1)) && h.length > p.length - 1) return true
    } else if (h === p) return true
  }
  return false
}

function isEndpoint(u: URL, policy: FetchPolicy): boolean {
  return policy.endpointHost !== null && bareHost(u.hostname) === policy.endpointHost && portOf(u) === policy.endpointPort
}

/** Checks one URL (from a message, or a redirect target resolved against the URL it came from). */
export function checkUrl(raw: string, policy: FetchPolicy, base?: URL): UrlVerdict {
  let u: URL
  try {
    u = new URL(raw, base)
  } catch {
    return { ok: false, reason: 'bad-url', detail: 'not a URL' }
  }
  const endpoint = isEndpoint(u, policy)
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && endpoint && policy.endpointIsLoopback)) {
    return { ok: false, reason: 'scheme-not-allowed', detail: `${u.protocol} to ${u.host}` }
  }
  // Credentials in a URL would be sent as an Authorization header; none are ever sent.
  if (u.username || u.password) return { ok: false, reason: 'credentials-in-url', detail: u.host }
  const host = bareHost(u.hostname)
  if (!hostAllowed(host, policy.hosts)) return { ok: false, reason: 'host-not-allowed', detail: host }
  // A loopback endpoint's host on another port is another service on this machine: refused.
  if (policy.endpointIsLoopback && host === policy.endpointHost && !endpoint) {
    return { ok: false, reason: 'private-address', detail: `${u.host} is not the endpoint` }
  }
  // An IP literal is never looked up, so check the address here.
  if (isIP(host) !== 0) {
    const a = checkAddress(host, u, policy)
    if (!a.ok) return a
  }
  return { ok: true, url: u }
}

/** A redirect: the Location resolved against the current URL, under the same rules. */
export function checkRedirect(from: URL, location: string, policy: FetchPolicy): UrlVerdict {
  return checkUrl(location, policy, from)
}

function makeBlockList(): BlockList {
  const b = new BlockList()
  // IPv4: "this network", private, shared (CGNAT), loopback, link-local, IETF protocol, TEST-NETs,
  // benchmarking, multicast, reserved and broadcast.
  for (const [net, prefix] of [
    ['0.0.0.0', 8],
    ['10.0.0.0', 8],
    ['100.64.0.0', 10],
    ['127.0.0.0', 8],
    ['169.254.0.0', 16],
    ['172.16.0.0', 12],
    ['192.0.0.0', 24],
    ['192.0.2.0', 24],
    ['192.168.0.0', 16],
    ['198.18.0.0', 15],
    ['198.51.100.0', 24],
    ['203.0.113.0', 24],
    ['224.0.0.0', 4],
    ['240.0.0.0', 4]
  ] as const)
    b.addSubnet(net, prefix, 'ipv4')
  // IPv6: unspecified, loopback, IPv4-compatible (deprecated), unique local, link-local, site-local
  // (deprecated), multicast, documentation.
  for (const [net, prefix] of [
    ['::', 128],
    ['::1', 128],
    ['::', 96],
    ['fc00::', 7],
    ['fe80::', 10],
    ['fec0::', 10],
    ['ff00::', 8],
    ['2001:db8::', 32]
  ] as const)
    b.addSubnet(net, prefix, 'ipv6')
  return b
}

const BLOCKED = makeBlockList()
const LOOPBACK = new BlockList()
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4')
LOOPBACK.addAddress('::1', 'ipv6')

/** The eight 16-bit groups of an IPv6 address (zone removed), or null. */
function ipv6Groups(addr: string): number[] | null {
  let a = addr.split('%')[0]!
  if (isIP(a) !== 6) return null
  // A dotted IPv4 tail (::ffff:10.0.0.1) becomes two groups.
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(a)
  if (tail) {
    const o = tail[1]!.split('.').map(Number)
    a = a.slice(0, -tail[1]!.length) + `${((o[0]! << 8) | o[1]!).toString(16)}:${((o[2]! << 8) | o[3]!).toString(16)}`
  }
  const [head, rest] = a.includes('::') ? a.split('::') : [a, null]
  const h = head ? head.split(':') : []
  const r = rest ? rest.split(':') : []
  const groups = rest === null ? h : [...h, ...Array<string>(8 - h.length - r.length).fill('0'), ...r]
  if (groups.length !== 8) return null
  return groups.map((g) => parseInt(g, 16))
}

/** The IPv4 address an IPv6 address embeds (IPv4-mapped ::ffff:0:0/96, NAT64 64:ff9b::/96, 6to4 2002::/16), if any. */
export function embeddedIPv4(addr: string): string | null {
  const g = ipv6Groups(addr)
  if (!g) return null
  const v4 = (hi: number, lo: number): string => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) return v4(g[6]!, g[7]!)
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0) return v4(g[6]!, g[7]!)
  if (g[0] === 0x2002) return v4(g[1]!, g[2]!)
  return null
}

/** Whether an address is loopback (127/8, ::1, or either mapped into IPv6). */
export function isLoopbackAddress(addr: string): boolean {
  const a = addr.split('%')[0]!
  const v = isIP(a)
  if (v === 4) return LOOPBACK.check(a, 'ipv4')
  if (v !== 6) return false
  const inner = embeddedIPv4(a)
  return inner !== null ? LOOPBACK.check(inner, 'ipv4') : LOOPBACK.check(a, 'ipv6')
}

/**
 * Whether an address is not a public unicast one: private, loopback, link-local, unique local,
 * CGNAT, multicast, reserved, or an IPv6 form of one of those. Anything unparsable counts as private.
 */
export function isPrivateAddress(addr: string): boolean {
  const a = addr.split('%')[0]!
  const v = isIP(a)
  if (v === 4) return BLOCKED.check(a, 'ipv4')
  if (v !== 6) return true
  const inner = embeddedIPv4(a)
  if (inner !== null) return BLOCKED.check(inner, 'ipv4')
  return BLOCKED.check(a, 'ipv6')
}

/**
 * The check between DNS and connect: may the request for `url` connect to `address`? A private
 * address is refused unless the URL is the endpoint's own loopback host and port and the address is
 * loopback (the simulator).
 */
export function checkAddress(address: string, url: URL, policy: FetchPolicy): { ok: true } | { ok: false; reason: 'private-address'; detail: string } {
  if (!isPrivateAddress(address)) return { ok: true }
  if (policy.endpointIsLoopback && isEndpoint(url, policy) && isLoopbackAddress(address)) return { ok: true }
  return { ok: false, reason: 'private-address', detail: `${bareHost(url.hostname)} resolves to ${address}` }
}

/** The error a guarded lookup fails with; `code` lets the queue record 'private-address'. */
export class PrivateAddressError extends Error {
  readonly code = 'EMEDIA_PRIVATE_ADDRESS'
  constructor(readonly detail: string) {
    super(`refused: ${detail}`)
    this.name = 'PrivateAddressError'
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void
type Lookup = (hostname: string, options: LookupOptions, callback: LookupCallback) => void

/**
 * A `lookup` for http(s).request / net.connect that resolves with `lookup` (dns.lookup by default)
 * and fails with PrivateAddressError if any resolved address is refused by checkAddress. Refusing
 * when any address is private (not only the one picked) closes the trick of a name that resolves
 * to one public and one private address. Tests pass their own `lookup`, so nothing is resolved or
 * connected.
 */
export function guardedLookup(url: URL, policy: FetchPolicy, lookup: Lookup = dnsLookup as unknown as Lookup) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, options.all ? [] : '', undefined)
      const list = Array.isArray(addresses) ? addresses : [{ address: addresses, family: isIP(addresses) }]
      if (list.length === 0) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), options.all ? [] : '')
      for (const a of list) {
        const v = checkAddress(a.address, url, policy)
        if (!v.ok) return callback(new PrivateAddressError(v.detail) as unknown as NodeJS.ErrnoException, options.all ? [] : '')
      }
      if (options.all) callback(null, list)
      else callback(null, list[0]!.address, list[0]!.family)
    })
  }
}
