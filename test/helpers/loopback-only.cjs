// Preloaded (node --require) into a child process whose test must never reach past this machine,
// even if the code under test regresses: every DNS lookup of a name other than localhost fails at
// once with ENOTFOUND, so no query leaves the machine and no connection to a public host starts.
const dns = require('node:dns')
const allowed = new Set(['localhost', '127.0.0.1', '::1'])
const refuse = (hostname) =>
  Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname} (blocked by loopback-only.cjs)`), { code: 'ENOTFOUND', hostname, syscall: 'getaddrinfo' })
const lookup = dns.lookup
dns.lookup = function (hostname, options, callback) {
  const cb = typeof options === 'function' ? options : callback
  if (!allowed.has(hostname)) return process.nextTick(cb, refuse(hostname))
  return lookup.apply(this, arguments)
}
const promisesLookup = dns.promises.lookup
dns.promises.lookup = (hostname, options) => (allowed.has(hostname) ? promisesLookup(hostname, options) : Promise.reject(refuse(hostname)))
