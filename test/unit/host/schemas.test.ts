// The host refuses malformed payloads from the renderer before they reach AppService.
import { describe, expect, test } from 'vitest'
import { channels } from '../../../src-main/shared/ipc/contract'
import { invokeArgs, isInvokeChannel, parseInvokeArgs } from '../../../src-main/shared/ipc/schemas'

const good = {
  sdkAppId: 1400000001,
  identifier: 'administrator',
  secretKey: '194f6e6b1b5dfbc6fbce7b024eee0b2f399140c0f9a632ec197c67ed398c5e24',
  region: 'singapore'
}
const cov = {
  ranges: [
    [1, 10],
    [20, 30]
  ],
  floor: 1,
  top: 30
}

function valid(channel: Parameters<typeof parseInvokeArgs>[0], args: unknown): boolean {
  return parseInvokeArgs(channel, args).ok
}

describe('ConnectInput', () => {
  test('accepts a region, or custom with an https (or loopback http) endpoint', () => {
    expect(valid(channels.workspaceTest, [good])).toBe(true)
    expect(valid(channels.workspaceTest, [{ ...good, region: 'custom', endpoint: 'https://im.example.com' }])).toBe(true)
    expect(valid(channels.workspaceTest, [{ ...good, region: 'custom', endpoint: 'http://127.0.0.1:5080' }])).toBe(true)
    expect(valid(channels.workspaceConnect, [{ ...good, region: 'custom', endpoint: 'http://localhost:5080/' }])).toBe(true)
  })

  test('trims a pasted key and identifier', () => {
    const r = parseInvokeArgs(channels.workspaceTest, [{ ...good, secretKey: ` ${good.secretKey}\n`, identifier: ' administrator ' }])
    expect(r.ok && r.args[0].secretKey).toBe(good.secretKey)
    expect(r.ok && r.args[0].identifier).toBe('administrator')
  })

  test.each([
    ['sdkAppId 0', { ...good, sdkAppId: 0 }],
    ['sdkAppId negative', { ...good, sdkAppId: -5 }],
    ['sdkAppId fractional', { ...good, sdkAppId: 1.5 }],
    ['sdkAppId unsafe', { ...good, sdkAppId: 2 ** 53 }],
    ['sdkAppId as string', { ...good, sdkAppId: '1400000001' }],
    ['empty identifier', { ...good, identifier: '  ' }],
    ['identifier with a control char', { ...good, identifier: 'admin\u0000' }],
    ['identifier too long', { ...good, identifier: 'a'.repeat(65) }],
    ['empty key', { ...good, secretKey: '' }],
    ['key too long', { ...good, secretKey: 'a'.repeat(129) }],
    ['key with non-ASCII', { ...good, secretKey: 'ключ' }],
    ['key with an inner space', { ...good, secretKey: 'ab cd' }],
    ['unknown region', { ...good, region: 'mars' }],
    ['custom without endpoint', { ...good, region: 'custom' }],
    ['endpoint without custom', { ...good, endpoint: 'https://x.example' }],
    ['ftp endpoint', { ...good, region: 'custom', endpoint: 'ftp://x.example' }],
    ['plain http to a remote host', { ...good, region: 'custom', endpoint: 'http://im.example.com' }],
    ['endpoint with credentials', { ...good, region: 'custom', endpoint: 'https://u:p@im.example.com' }],
    ['endpoint not a URL', { ...good, region: 'custom', endpoint: 'not a url' }],
    ['extra field', { ...good, userSig: 'x' }],
    ['not an object', 'hello'],
    ['null', null]
  ])('rejects %s', (_name, input) => {
    expect(valid(channels.workspaceTest, [input])).toBe(false)
  })

  test('the error message never echoes the secret key', () => {
    const key = 'très-secret-clé-1234'
    const r = parseInvokeArgs(channels.workspaceConnect, [{ ...good, secretKey: key }])
    expect(r.ok).toBe(false)
    expect(!r.ok && r.message).not.toContain(key)
  })
})

describe('SyncStartInput', () => {
  const start = (over: object) => [{ workspaceId: '1400000001@singapore', groups: [{ groupId: '@TGS#1A', coverage: cov }], ...over }]

  test('accepts groups with coverage and an optional recheck', () => {
    expect(valid(channels.syncStart, start({}))).toBe(true)
    expect(valid(channels.syncStart, start({ recheck: true }))).toBe(true)
    expect(valid(channels.syncStart, start({ groups: [{ groupId: 'g', coverage: { ranges: [], floor: null, top: 0 } }] }))).toBe(true)
    // A Community topic: its own unit, named by its ID (the group's ID + @TOPIC#_…), beside its group.
    const topicId = '@TGS#_C@TOPIC#_general'
    expect(
      valid(
        channels.syncStart,
        start({
          groups: [
            { groupId: '@TGS#_C', coverage: cov },
            { groupId: '@TGS#_C', topicId, coverage: cov }
          ]
        })
      )
    ).toBe(true)
    expect(valid(channels.syncStart, start({ groups: [{ groupId: '@TGS#_D', topicId, coverage: cov }] }))).toBe(false)
    expect(valid(channels.syncStart, start({ groups: [{ groupId: '@TGS#_C', topicId: '@TGS#_C', coverage: cov }] }))).toBe(false)
    expect(valid(channels.syncStart, start({ groups: [{ groupId: '@TGS#_C', topicId: `@TGS#_C@TOPIC#_${'x'.repeat(90)}`, coverage: cov }] }))).toBe(false)
    // Resuming a paused recheck names what it already walked.
    expect(
      valid(
        channels.syncStart,
        start({
          recheck: true,
          groups: [
            {
              groupId: 'g',
              coverage: cov,
              rechecked: [
                [1, 20],
                [41, 60]
              ]
            }
          ]
        })
      )
    ).toBe(true)
  })

  test.each([
    ['no groups', { groups: [] }],
    ['501 groups', { groups: Array.from({ length: 501 }, (_, i) => ({ groupId: `g${i}`, coverage: cov })) }],
    [
      'a duplicate group',
      {
        groups: [
          { groupId: 'g', coverage: cov },
          { groupId: 'g', coverage: cov }
        ]
      }
    ],
    ['an empty group id', { groups: [{ groupId: '', coverage: cov }] }],
    ['a 49-character group id', { groups: [{ groupId: 'x'.repeat(49), coverage: cov }] }],
    ['a group id with a newline', { groups: [{ groupId: 'a\nb', coverage: cov }] }],
    [
      'unsorted ranges',
      {
        groups: [
          {
            groupId: 'g',
            coverage: {
              ranges: [
                [20, 30],
                [1, 10]
              ],
              floor: 1,
              top: 30
            }
          }
        ]
      }
    ],
    [
      'overlapping ranges',
      {
        groups: [
          {
            groupId: 'g',
            coverage: {
              ranges: [
                [1, 10],
                [10, 30]
              ],
              floor: 1,
              top: 30
            }
          }
        ]
      }
    ],
    ['lo above hi', { groups: [{ groupId: 'g', coverage: { ranges: [[10, 1]], floor: 1, top: 30 } }] }],
    ['seq 0', { groups: [{ groupId: 'g', coverage: { ranges: [[0, 1]], floor: 1, top: 30 } }] }],
    ['a seq above uint32', { groups: [{ groupId: 'g', coverage: { ranges: [[1, 2 ** 32]], floor: 1, top: 2 ** 32 } }] }],
    ['top below a range', { groups: [{ groupId: 'g', coverage: { ranges: [[1, 10]], floor: 1, top: 5 } }] }],
    ['a fractional seq', { groups: [{ groupId: 'g', coverage: { ranges: [[1, 2.5]], floor: 1, top: 5 } }] }],
    ['a missing coverage', { groups: [{ groupId: 'g' }] }],
    ['recheck as a string', { recheck: 'yes' }],
    [
      'overlapping rechecked ranges',
      {
        groups: [
          {
            groupId: 'g',
            coverage: cov,
            rechecked: [
              [1, 20],
              [20, 60]
            ]
          }
        ]
      }
    ],
    ['a rechecked range at seq 0', { groups: [{ groupId: 'g', coverage: cov, rechecked: [[0, 20]] }] }],
    ['no workspace', { workspaceId: '' }]
  ])('rejects %s', (_name, over) => {
    expect(valid(channels.syncStart, start(over))).toBe(false)
  })
})

describe('the other calls', () => {
  test('ack takes a run id, 1..10000 batch ids and an optional error of at most 2000 characters', () => {
    expect(valid(channels.syncAck, ['run-1', [3]])).toBe(true)
    expect(valid(channels.syncAck, ['run-1', [3, 4, 0, 9007199254740991]])).toBe(true)
    expect(valid(channels.syncAck, ['run-1', [3], undefined])).toBe(true)
    expect(valid(channels.syncAck, ['run-1', [3], null])).toBe(true)
    expect(valid(channels.syncAck, ['run-1', [3, 5], 'QuotaExceededError'])).toBe(true)
    expect(valid(channels.syncAck, ['run-1', Array.from({ length: 10_000 }, (_, i) => i)])).toBe(true)
    expect(valid(channels.syncAck, ['run-1', [3], 'x'.repeat(2001)])).toBe(false)
    expect(valid(channels.syncAck, ['run-1', []])).toBe(false)
    expect(valid(channels.syncAck, ['run-1', Array.from({ length: 10_001 }, (_, i) => i)])).toBe(false)
    expect(valid(channels.syncAck, ['run-1', [-1]])).toBe(false)
    expect(valid(channels.syncAck, ['run-1', [1, 1.5]])).toBe(false)
    expect(valid(channels.syncAck, ['run-1', [9007199254740992]])).toBe(false)
    expect(valid(channels.syncAck, ['run-1', [1, '2']])).toBe(false)
    expect(valid(channels.syncAck, ['run-1', [NaN]])).toBe(false)
    // The old single-id form is refused.
    expect(valid(channels.syncAck, ['run-1', 3])).toBe(false)
    expect(valid(channels.syncAck, ['run-1', '1'])).toBe(false)
    expect(valid(channels.syncAck, ['run/../1', [1]])).toBe(false)
    expect(valid(channels.syncAck, ['run-1', [1], 'e', 'extra'])).toBe(false)
  })

  test('lookup takes 1..1000 well-formed group ids', () => {
    expect(valid(channels.groupsLookup, [['@TGS#1A', 'ops-oncall_2024.team']])).toBe(true)
    expect(valid(channels.groupsLookup, [[]])).toBe(false)
    expect(valid(channels.groupsLookup, [['ok', 'bad\u0007']])).toBe(false)
    expect(valid(channels.groupsLookup, ['@TGS#1A'])).toBe(false)
    expect(valid(channels.groupsTopics, ['@TGS#_C'])).toBe(true)
    expect(valid(channels.groupsTopics, [''])).toBe(false)
    expect(valid(channels.groupsTopics, [['@TGS#_C']])).toBe(false)
  })

  test('calls without arguments take none', () => {
    expect(valid(channels.appInfo, [])).toBe(true)
    expect(valid(channels.appInfo, [1])).toBe(false)
    expect(valid(channels.workspaceForget, [{}])).toBe(false)
    expect(valid(channels.groupsDiscover, 'x')).toBe(false)
  })

  test('the tray status is short texts and flags, nothing else', () => {
    const status = { line: 'Next sync at 14:05', syncing: false, keepRunning: true, labels: { syncNow: 'Sync now', open: 'Open', quit: 'Quit' } }
    expect(valid(channels.appSetStatus, [status])).toBe(true)
    expect(valid(channels.appSetStatus, [{ ...status, line: 'x'.repeat(201) }])).toBe(false)
    expect(valid(channels.appSetStatus, [{ ...status, extra: 1 }])).toBe(false)
    expect(valid(channels.appSetStatus, [{ ...status, syncing: 'yes' }])).toBe(false)
    expect(valid(channels.appSetStatus, [{ ...status, labels: { syncNow: 'Sync now', open: 'Open' } }])).toBe(false)
    expect(valid(channels.appSetStatus, [])).toBe(false)
  })

  test('link:open takes one http, https or mailto address, nothing the page could abuse', () => {
    expect(valid(channels.linkOpen, ['https://example.com/a?b=1'])).toBe(true)
    expect(valid(channels.linkOpen, ['mailto:ops@example.com'])).toBe(true)
    for (const url of [
      'javascript:alert(1)',
      'file:///etc/passwd',
      'ftp://example.com/',
      'ms-settings:',
      'data:text/html,x',
      'https://example.com/\u202E',
      `https://example.com/${'a'.repeat(9000)}`
    ]) {
      expect(valid(channels.linkOpen, [url]), url).toBe(false)
    }
    expect(valid(channels.linkOpen, [])).toBe(false)
    expect(valid(channels.linkOpen, [42])).toBe(false)
    expect(valid(channels.linkOpen, ['https://example.com/', 'extra'])).toBe(false)
  })

  test('cancel takes a run id', () => {
    expect(valid(channels.syncCancel, ['0b6f7d1e-8f3a-4c55-9d2e-1a2b3c4d5e6f'])).toBe(true)
    expect(valid(channels.syncCancel, [])).toBe(false)
    expect(valid(channels.syncCancel, [42])).toBe(false)
  })

  test('every invoke channel of the contract has a schema, and event channels do not', () => {
    for (const name of Object.values(channels)) {
      const isEvent =
        name === channels.syncBatch ||
        name === channels.syncProgress ||
        name === channels.syncDone ||
        name === channels.appCommand ||
        name === channels.mediaChanged
      expect(isInvokeChannel(name), name).toBe(!isEvent)
    }
    expect(Object.keys(invokeArgs)).toHaveLength(26)
    expect(isInvokeChannel('__proto__')).toBe(false)
    expect(isInvokeChannel('toString')).toBe(false)
  })
})
