/**
 * The fetch policy for media URLs taken from message bodies. Pure checks only: these tests never
 * resolve a name or open a connection (the guarded lookup is given a fake resolver), and no
 * traffic goes to the private ranges they name.
 */
import type { LookupAddress, LookupOptions } from 'node:dns'
import { describe, expect, it } from 'vitest'
import {
  DEFAULT_MEDIA_HOSTS,
  PrivateAddressError,
  checkAddress,
  checkRedirect,
  checkUrl,
  embeddedIPv4,
  guardedLookup,
  hostAllowed,
  isPrivateAddress,
  makeFetchPolicy,
  normalizeHostPattern
} from '../../../src-main/media/url-policy'

const tencent = makeFetchPolicy({ endpoint: 'https://adminapisgp.im.qcloud.com' })
const sim = makeFetchPolicy({ endpoint: 'http://127.0.0.1:8123' })

function reason(raw: string, policy = tencent): string {
  const v = checkUrl(raw, policy)
  return v.ok ? 'ok' : v.reason
}

describe('which media URLs may be fetched', () => {
  it('fetches https from Tencent COS and IM file hosts by default', () => {
    expect(DEFAULT_MEDIA_HOSTS).toContain('*.myqcloud.com')
    expect(reason('https://cos.ap-shanghai.myqcloud.com/1400000000/a/b?sign=x')).toBe('ok')
    expect(reason('https://bucket-1250000000.cos.ap-guangzhou.myqcloud.com/k')).toBe('ok')
    expect(reason('https://x.file.myqcloud.com/k')).toBe('ok')
    expect(reason('https://download.tim.qq.com/x')).toBe('ok')
    expect(reason('https://adminapisgp.im.qcloud.com/files/1')).toBe('ok')
  })

  it('refuses plain http to Tencent, and other schemes', () => {
    expect(reason('http://cos.ap-shanghai.myqcloud.com/k')).toBe('scheme-not-allowed')
    expect(reason('ftp://cos.ap-shanghai.myqcloud.com/k')).toBe('scheme-not-allowed')
    expect(reason('file:///etc/passwd')).toBe('scheme-not-allowed')
    expect(reason('data:text/html,<script>')).toBe('scheme-not-allowed')
    expect(reason('javascript:alert(1)')).toBe('scheme-not-allowed')
    expect(reason('not a url')).toBe('bad-url')
  })

  it('refuses hosts off the list, including look-alikes', () => {
    expect(reason('https://evil.example/x.jpg')).toBe('host-not-allowed')
    expect(reason('https://myqcloud.com.evil.example/x')).toBe('host-not-allowed')
    expect(reason('https://evilmyqcloud.com/x')).toBe('host-not-allowed')
    expect(reason('https://myqcloud.com/x')).toBe('host-not-allowed')
    expect(reason('https://169.254.169.254/latest/meta-data/')).toBe('host-not-allowed')
    expect(reason('https://[::1]/x')).toBe('host-not-allowed')
  })

  it('accepts a trailing dot and upper case as the same host', () => {
    expect(reason('https://COS.AP-SHANGHAI.MYQCLOUD.COM./k')).toBe('ok')
  })

  it('never sends credentials written into a URL', () => {
    expect(reason('https://user:pw@cos.ap-shanghai.myqcloud.com/k')).toBe('credentials-in-url')
  })

  it('lets the user extend the list, but not with a whole top-level domain', () => {
    const p = makeFetchPolicy({ extraHosts: ['files.example.com', '.cdn.example.org', '*.com', '*', 'bad host', ''] })
    expect(p.hosts).toEqual(['*.myqcloud.com', '*.tim.qq.com', 'files.example.com', '*.cdn.example.org'])
    expect(reason('https://files.example.com/a', p)).toBe('ok')
    expect(reason('https://a.cdn.example.org/a', p)).toBe('ok')
    expect(reason('https://other.com/a', p)).toBe('host-not-allowed')
    expect(normalizeHostPattern('*.com')).toBeNull()
    expect(hostAllowed('cdn.example.org', p.hosts)).toBe(false)
  })

  it('allows plain http only to the simulator endpoint, on its own port', () => {
    expect(reason('http://127.0.0.1:8123/cos/a.jpg', sim)).toBe('ok')
    // Another loopback port stands for a private service: refused before any connection.
    expect(reason('http://127.0.0.1:8124/cos/a.jpg', sim)).toBe('scheme-not-allowed')
    expect(reason('https://127.0.0.1:9999/x', sim)).toBe('private-address')
    expect(reason('http://localhost:8123/x', sim)).toBe('scheme-not-allowed')
    expect(reason('http://10.0.0.1:8123/x', sim)).toBe('scheme-not-allowed')
  })

  it('keeps redirects on the list', () => {
    const from = new URL('https://cos.ap-shanghai.myqcloud.com/a')
    expect(checkRedirect(from, '/b?sign=2', tencent)).toMatchObject({ ok: true })
    expect(checkRedirect(from, 'https://evil.example/b', tencent)).toMatchObject({ ok: false, reason: 'host-not-allowed' })
    expect(checkRedirect(from, 'http://cos.ap-shanghai.myqcloud.com/b', tencent)).toMatchObject({ ok: false, reason: 'scheme-not-allowed' })
    const simFrom = new URL('http://127.0.0.1:8123/cos/a')
    expect(checkRedirect(simFrom, 'http://127.0.0.1:8124/x', sim)).toMatchObject({ ok: false })
    expect(checkRedirect(simFrom, '/cos/b', sim)).toMatchObject({ ok: true })
  })
})

describe('private addresses', () => {
  it.each([
    '10.0.0.1',
    '10.255.255.255',
    '172.16.0.1',
    '172.31.255.254',
    '192.168.1.1',
    '169.254.169.254',
    '127.0.0.1',
    '127.8.9.10',
    '0.0.0.0',
    '0.1.2.3',
    '100.64.0.1',
    '100.127.255.255',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fc00::1',
    'fd12:3456::1',
    'fe80::1',
    'fe80::1%eth0',
    'febf::1',
    '::ffff:10.0.0.1',
    '::ffff:127.0.0.1',
    '::ffff:a9fe:a9fe',
    '64:ff9b::c0a8:0101',
    '2002:c0a8:0101::1',
    'ff02::1',
    'garbage'
  ])('refuses %s', (addr) => {
    expect(isPrivateAddress(addr)).toBe(true)
  })

  it.each([
    '1.1.1.1',
    '8.8.8.8',
    '172.15.255.255',
    '172.32.0.1',
    '100.63.255.255',
    '100.128.0.0',
    '11.0.0.1',
    '193.0.0.1',
    '2606:4700::1111',
    '::ffff:8.8.8.8',
    '2002:0808:0808::1'
  ])('allows the public address %s', (addr) => {
    expect(isPrivateAddress(addr)).toBe(false)
  })

  it('reads the IPv4 address inside mapped, NAT64 and 6to4 IPv6 addresses', () => {
    expect(embeddedIPv4('::ffff:192.168.0.1')).toBe('192.168.0.1')
    expect(embeddedIPv4('::ffff:c0a8:1')).toBe('192.168.0.1')
    expect(embeddedIPv4('64:ff9b::a00:1')).toBe('10.0.0.1')
    expect(embeddedIPv4('2002:a00:1::')).toBe('10.0.0.1')
    expect(embeddedIPv4('2606:4700::1111')).toBeNull()
  })

  it('allows a loopback address only for the simulator endpoint itself', () => {
    const ep = new URL('http://127.0.0.1:8123/cos/a')
    expect(checkAddress('127.0.0.1', ep, sim)).toEqual({ ok: true })
    expect(checkAddress('10.0.0.1', ep, sim)).toMatchObject({ ok: false, reason: 'private-address' })
    expect(checkAddress('127.0.0.1', new URL('https://cos.ap-shanghai.myqcloud.com/a'), sim)).toMatchObject({ ok: false })
    expect(checkAddress('127.0.0.1', new URL('https://adminapisgp.im.qcloud.com/a'), tencent)).toMatchObject({ ok: false })
  })
})

describe('the check between DNS and connect', () => {
  type Cb = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void
  const fake =
    (answer: LookupAddress[]) =>
    (_host: string, _opts: LookupOptions, cb: Cb): void =>
      cb(null, answer)
  const run = (lookup: ReturnType<typeof guardedLookup>, all: boolean) =>
    new Promise<{ err: unknown; address: unknown }>((resolve) => lookup('cos.ap-shanghai.myqcloud.com', { all }, (err, address) => resolve({ err, address })))
  const url = new URL('https://cos.ap-shanghai.myqcloud.com/k')

  it('passes public addresses through, in both lookup shapes', async () => {
    const g = guardedLookup(url, tencent, fake([{ address: '203.205.1.1', family: 4 }]))
    expect(await run(g, false)).toEqual({ err: null, address: '203.205.1.1' })
    expect(await run(g, true)).toEqual({ err: null, address: [{ address: '203.205.1.1', family: 4 }] })
  })

  it('refuses a name that resolves to a private address (DNS rebinding), even next to a public one', async () => {
    for (const answer of [
      [{ address: '10.0.0.5', family: 4 }],
      [
        { address: '203.205.1.1', family: 4 },
        { address: '::ffff:127.0.0.1', family: 6 }
      ]
    ]) {
      const { err } = await run(guardedLookup(url, tencent, fake(answer)), false)
      expect(err).toBeInstanceOf(PrivateAddressError)
      expect((err as PrivateAddressError).code).toBe('EMEDIA_PRIVATE_ADDRESS')
    }
  })

  it('passes resolver errors through', async () => {
    const failing = (_h: string, _o: LookupOptions, cb: Cb) => cb(Object.assign(new Error('nx'), { code: 'ENOTFOUND' }), [])
    const { err } = await run(guardedLookup(url, tencent, failing), true)
    expect((err as NodeJS.ErrnoException).code).toBe('ENOTFOUND')
  })
})

describe('wiring into Node requests', () => {
  it('has the shape of the lookup option of https.request (checked by the type checker; nothing is requested)', () => {
    const url = new URL('https://cos.ap-shanghai.myqcloud.com/k')
    const options: import('node:https').RequestOptions = { lookup: guardedLookup(url, tencent) }
    expect(typeof options.lookup).toBe('function')
  })
})
