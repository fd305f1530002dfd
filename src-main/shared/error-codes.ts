/**
 * What each Tencent IM error code means, in words an admin understands, and whether it is worth
 * retrying. Source: docs/reference/tencent-im-api.md §1.8 and §3.
 * Pure data: the CLI, main and the renderer all show these texts.
 */

export type ErrorClass = 'retry' | 'resign' | 'permanent'

export interface CodeInfo {
  meaning: string
  class: ErrorClass
}

export const errorCodes: Readonly<Record<number, CodeInfo>> = {
  // group_msg_get_simple and the group service
  10002: { meaning: 'internal server error (try again)', class: 'retry' },
  10003: { meaning: 'invalid command word: the API name is wrong', class: 'permanent' },
  10004: { meaning: 'invalid parameter', class: 'permanent' },
  10006: { meaning: 'group operation frequency limit reached', class: 'retry' },
  10007: {
    meaning: 'operation not permitted: the identifier must be an app admin, and AVChatRoom/BChatRoom groups keep no history',
    class: 'permanent'
  },
  10010: { meaning: 'the group does not exist or has been dismissed', class: 'permanent' },
  10015: { meaning: 'invalid group ID: no group with this ID', class: 'permanent' },
  10018: { meaning: 'response larger than 1 MB: request fewer messages', class: 'permanent' },
  10026: { meaning: 'this command is disabled for the SDKAppID', class: 'permanent' },
  // The profile service (portrait_get; docs/reference/tencent-im-api.md §9.2)
  40001: { meaning: 'profile request parameters are wrong (for example more than 100 accounts)', class: 'permanent' },
  40003: { meaning: 'no such account: it was never imported or has been deleted', class: 'permanent' },
  40004: { meaning: 'the profile request needs app admin permission', class: 'permanent' },
  40006: { meaning: 'profile service internal error (try again)', class: 'retry' },
  // Common REST codes 60000-60021
  60002: { meaning: 'HTTP parsing error: check the request URL format', class: 'permanent' },
  60003: { meaning: 'the request JSON could not be parsed', class: 'permanent' },
  60004: { meaning: 'wrong account or signature in the request', class: 'permanent' },
  60005: { meaning: 'wrong account or signature in the request', class: 'permanent' },
  60006: { meaning: 'invalid SDKAppID', class: 'permanent' },
  60007: { meaning: 'REST call frequency over the limit', class: 'retry' },
  60008: { meaning: 'service request timed out', class: 'retry' },
  60009: { meaning: 'requested resource is wrong: check the URL path', class: 'permanent' },
  60010: {
    meaning: 'the request needs app admin permission: the identifier is not an app admin',
    class: 'permanent'
  },
  60011: { meaning: 'SDKAppID request frequency over the limit', class: 'retry' },
  60012: { meaning: 'the sdkappid parameter is missing from the URL', class: 'permanent' },
  60013: { meaning: 'the server could not parse its own HTTP response JSON', class: 'retry' },
  60014: { meaning: 'account replacement timed out', class: 'retry' },
  60015: { meaning: 'an account field has the wrong type: it must be a string', class: 'permanent' },
  60016: { meaning: 'the SDKAppID is disabled', class: 'permanent' },
  60017: { meaning: 'the request is disabled', class: 'permanent' },
  60018: { meaning: 'too many requests, try later', class: 'retry' },
  60019: { meaning: 'too many requests, try later', class: 'retry' },
  60020: { meaning: 'the paid package expired and the service is stopped', class: 'permanent' },
  60021: { meaning: 'this IP address is not on the REST API allowlist', class: 'permanent' },
  // UserSig and account codes
  70001: { meaning: 'the UserSig has expired', class: 'resign' },
  70002: { meaning: 'the UserSig is empty', class: 'permanent' },
  70003: { meaning: 'the UserSig is invalid or could not be parsed', class: 'permanent' },
  70005: { meaning: 'the UserSig is invalid', class: 'permanent' },
  70009: {
    meaning: 'signature check failed: the secret key is wrong or belongs to another SDKAppID',
    class: 'permanent'
  },
  70013: { meaning: 'the identifier does not match the one inside the UserSig', class: 'permanent' },
  70014: { meaning: 'the SDKAppID does not match the one inside the UserSig', class: 'permanent' },
  70016: {
    meaning: 'no key found for this SDKAppID: check the region (data center)',
    class: 'permanent'
  },
  70020: { meaning: 'SDKAppID not found: check the SDKAppID and the region', class: 'permanent' },
  70050: {
    meaning: 'too many failed signature checks: wait a minute before trying again',
    class: 'permanent'
  },
  70051: { meaning: 'the account is blacklisted', class: 'permanent' },
  70052: { meaning: 'the UserSig has expired or is invalid', class: 'permanent' },
  70107: { meaning: 'the account has not been imported into IM', class: 'permanent' },
  70114: { meaning: 'login restricted for security reasons', class: 'permanent' },
  70169: { meaning: 'internal server timeout', class: 'retry' },
  70202: { meaning: 'internal server timeout', class: 'retry' },
  70206: { meaning: 'invalid batch count in the request', class: 'permanent' },
  70398: { meaning: 'account count over the limit', class: 'permanent' },
  70402: { meaning: 'invalid parameter', class: 'permanent' },
  70403: { meaning: 'the request needs app admin permission', class: 'permanent' },
  70500: { meaning: 'internal server error', class: 'retry' }
}

/** Human text for a code, e.g. "10010 (the group does not exist or has been dismissed)". */
export function describeCode(code: number): string {
  const info = errorCodes[code]
  return info ? `${code} (${info.meaning})` : `${code} (unknown error code)`
}

export function classifyCode(code: number): ErrorClass {
  return errorCodes[code]?.class ?? 'permanent'
}
