/**
 * valibot schemas for every payload that crosses from the renderer to the host. The renderer shows
 * untrusted message content, so the host treats whatever it sends as hostile: both transports
 * (Electron IPC and browser-mode HTTP) validate with these before anything reaches AppService.
 *
 * Pure module: no node:*, electron, dexie or svelte imports.
 */
import * as v from 'valibot'
import { regions } from '../regions'
import { isOpenableUrl, maxLinkChars } from '../links'
import { LIMITS as MEDIA_LIMITS } from '../media/objects'
import {
  exportFormatNames,
  exportMediaChoices,
  maxAckBatchIds,
  maxAckErrorChars,
  maxExportChunkMessages,
  maxMediaBudgetMB,
  maxMediaExtraHosts,
  maxMediaFileMB,
  maxMediaEnqueueMessages,
  maxMediaGroupIdChars,
  maxMediaKeyChars,
  maxMediaLookupKeys,
  maxAccountChars,
  maxPeopleAccounts,
  maxExportPeople,
  maxExportTopics
} from './contract'
import { MAX_NAME_CHARS, MAX_SIGHTINGS } from '../people'
import { channels, type InvokeChannel } from './channels'

/** uint32 seqs (docs/reference/tencent-im-api.md §1.5): 1 … 4294967295. */
const MAX_SEQ = 4294967295
/** C0 and C1 control characters, DEL included. */
const controlChars = /[\u0000-\u001f\u007f-\u009f]/
/** Upper bounds that keep a hostile payload from costing the host much memory or CPU. */
export const limits = {
  groupsPerSync: 500,
  groupsPerLookup: 1000,
  rangesPerCoverage: 100_000,
  ackError: maxAckErrorChars,
  batchIdsPerAck: maxAckBatchIds
} as const

function noControlChars(what: string) {
  return v.check((s: string) => !controlChars.test(s), `${what} must not contain control characters`)
}

/** Hand-typed or stored group IDs: 1..48 characters, no control characters. */
export const GroupIdSchema = v.pipe(
  v.string('A group ID must be a string'),
  v.minLength(1, 'A group ID must not be empty'),
  v.maxLength(48, 'A group ID has at most 48 characters'),
  noControlChars('A group ID')
)

/**
 * A Community topic's ID: Tencent's format is the group ID + `@TOPIC#_` + a part the server assigns
 * or the app chooses, at most 96 bytes (docs/reference/tencent-im-api.md §9.3).
 */
export const TopicIdSchema = v.pipe(
  v.string('A topic ID must be a string'),
  v.check((s: string) => s.includes('@TOPIC#_'), 'A topic ID contains @TOPIC#_'),
  v.check((s: string) => new TextEncoder().encode(s).length <= 96, 'A topic ID has at most 96 bytes'),
  noControlChars('A topic ID')
)

const SeqSchema = v.pipe(v.number(), v.safeInteger(), v.minValue(1), v.maxValue(MAX_SEQ))

export const CoverageSchema = v.pipe(
  v.strictObject({
    ranges: v.pipe(
      v.array(v.strictTuple([SeqSchema, SeqSchema])),
      v.maxLength(limits.rangesPerCoverage, `A coverage has at most ${limits.rangesPerCoverage} ranges`)
    ),
    floor: v.nullable(SeqSchema),
    top: v.pipe(v.number(), v.safeInteger(), v.minValue(0), v.maxValue(MAX_SEQ))
  }),
  v.check((c) => {
    let prevHi = 0
    for (const [lo, hi] of c.ranges) {
      if (lo > hi || lo <= prevHi) return false
      prevHi = hi
    }
    return prevHi <= c.top
  }, 'Coverage ranges must be ascending, disjoint, with lo ≤ hi ≤ top')
)

/** Seq ranges a paused recheck already walked (SyncTarget.rechecked): ascending and disjoint. */
const RecheckedSchema = v.pipe(
  v.array(v.strictTuple([SeqSchema, SeqSchema])),
  v.maxLength(limits.rangesPerCoverage, `At most ${limits.rangesPerCoverage} rechecked ranges`),
  v.check((rs) => {
    let prevHi = 0
    for (const [lo, hi] of rs) {
      if (lo > hi || lo <= prevHi) return false
      prevHi = hi
    }
    return true
  }, 'Rechecked ranges must be ascending, disjoint, with lo ≤ hi')
)

const regionIds = regions.map((r) => r.id)

function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname) || hostname === '[::1]'
}

/**
 * A custom endpoint: https anywhere, http only on loopback (the simulator). Every request carries
 * a UserSig in its query string, and plain http to another machine would hand it to anyone on the
 * path.
 */
export const EndpointSchema = v.pipe(
  v.string(),
  v.maxLength(2048),
  v.check((s) => {
    try {
      const u = new URL(s)
      if (u.username || u.password || u.search || u.hash) return false
      return u.protocol === 'https:' || (u.protocol === 'http:' && isLoopbackHost(u.hostname))
    } catch {
      return false
    }
  }, 'The custom endpoint must be an https:// URL (http:// only for 127.0.0.1 or localhost), without query, fragment or credentials')
)

export const ConnectInputSchema = v.pipe(
  v.strictObject({
    sdkAppId: v.pipe(
      v.number('The SDKAppID must be a number'),
      v.safeInteger('The SDKAppID must be a whole number'),
      v.minValue(1, 'The SDKAppID must be positive')
    ),
    identifier: v.pipe(
      v.string(),
      v.trim(),
      v.minLength(1, 'The admin identifier must not be empty'),
      v.maxLength(64, 'The admin identifier has at most 64 characters'),
      noControlChars('The admin identifier')
    ),
    // Pasted keys often carry a stray space or newline; keys themselves are hex.
    secretKey: v.pipe(
      v.string(),
      v.trim(),
      v.minLength(1, 'The secret key must not be empty'),
      v.maxLength(128, 'The secret key has at most 128 characters'),
      v.regex(/^[\x21-\x7e]+$/, 'The secret key must be printable ASCII without spaces')
    ),
    region: v.picklist([...regionIds, 'custom'], `The region must be one of ${regionIds.join(', ')} or custom`),
    endpoint: v.optional(EndpointSchema)
  }),
  v.check((c) => c.region !== 'custom' || c.endpoint !== undefined, 'A custom region needs an endpoint URL'),
  v.check((c) => c.region === 'custom' || c.endpoint === undefined, 'An endpoint is only given with the custom region')
)

export const WorkspaceIdSchema = v.pipe(v.string(), v.minLength(1), v.maxLength(256), noControlChars('The workspace id'))

export const SyncStartInputSchema = v.strictObject({
  workspaceId: WorkspaceIdSchema,
  groups: v.pipe(
    v.array(v.strictObject({ groupId: GroupIdSchema, topicId: v.optional(TopicIdSchema), coverage: CoverageSchema, rechecked: v.optional(RecheckedSchema) })),
    v.minLength(1, 'Choose at least one group to sync'),
    v.maxLength(limits.groupsPerSync, `At most ${limits.groupsPerSync} groups per sync`),
    v.check((gs) => new Set(gs.map((g) => g.topicId ?? g.groupId)).size === gs.length, 'A group appears twice in the sync'),
    v.check((gs) => gs.every((g) => g.topicId === undefined || g.topicId.startsWith(`${g.groupId}@TOPIC#_`)), "A topic ID starts with its group's ID")
  ),
  recheck: v.optional(v.boolean())
})

export const RunIdSchema = v.pipe(v.string(), v.minLength(1), v.maxLength(64), v.regex(/^[A-Za-z0-9_-]+$/))
export const BatchIdSchema = v.pipe(v.number(), v.safeInteger(), v.minValue(0))
/** The batches one ack covers (all committed in one transaction, or all failed with one error). */
export const BatchIdListSchema = v.pipe(
  v.array(BatchIdSchema),
  v.minLength(1, 'An ack names at least one batch'),
  v.maxLength(limits.batchIdsPerAck, `An ack names at most ${limits.batchIdsPerAck} batches`)
)
export const AckErrorSchema = v.pipe(v.string(), v.maxLength(limits.ackError))

export const GroupIdListSchema = v.pipe(
  v.array(GroupIdSchema),
  v.minLength(1, 'Give at least one group ID'),
  v.maxLength(limits.groupsPerLookup, `At most ${limits.groupsPerLookup} group IDs at once`)
)

/** Accounts whose names the page asks for (From_Account values as archived). */
export const AccountListSchema = v.pipe(
  v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(maxAccountChars), noControlChars('An account ID'))),
  v.minLength(1, 'Name at least one account'),
  v.maxLength(maxPeopleAccounts, `At most ${maxPeopleAccounts} accounts at once`)
)

/** A group the page shows media of (a stored GroupId, not hand-typed). */
export const MediaGroupIdSchema = v.pipe(v.string(), v.minLength(1), v.maxLength(maxMediaGroupIdChars), noControlChars('The group ID'))
export const MediaKeyListSchema = v.pipe(
  v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(maxMediaKeyChars))),
  v.maxLength(maxMediaLookupKeys, `At most ${maxMediaLookupKeys} media keys at once`)
)

/**
 * Media settings (issue 17 §1 "Limits"). Host names are checked for their shape here (letters,
 * digits, dots, hyphens, an optional leading `*.`); the host then refuses any it cannot use
 * (services/media-settings.ts: `*`, a whole top-level domain).
 */
export const MediaSettingsSchema = v.strictObject({
  images: v.strictObject({ original: v.boolean(), large: v.boolean(), thumb: v.boolean() }),
  files: v.boolean(),
  voice: v.boolean(),
  video: v.picklist(['all', 'thumbnail', 'off'], 'Video is all, thumbnail or off'),
  maxFileMB: v.pipe(
    v.number(),
    v.finite(),
    v.gtValue(0, 'The per-file cap must be more than 0 MB'),
    v.maxValue(maxMediaFileMB, `The per-file cap is at most ${maxMediaFileMB} MB`)
  ),
  extraHosts: v.pipe(
    v.array(
      v.pipe(
        v.string(),
        v.maxLength(253, 'A host name has at most 253 characters'),
        v.regex(/^(\*\.)?[A-Za-z0-9.-]+\.?$/, 'A host name has only letters, digits, dots and hyphens, with an optional leading *.')
      )
    ),
    v.maxLength(maxMediaExtraHosts, `At most ${maxMediaExtraHosts} added hosts`)
  ),
  budgetMB: v.nullable(v.pipe(v.number(), v.finite(), v.gtValue(0, 'The disk budget must be more than 0 MB'), v.maxValue(maxMediaBudgetMB)))
})

/** A kept object's name: 64 lower-case hex digits (media/serve.ts shaPattern). */
export const Sha256Schema = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, 'A media object is named by its SHA-256'))

export const MediaSaveInputSchema = v.strictObject({
  sha256: Sha256Schema,
  name: v.pipe(v.string(), v.maxLength(1000, 'A file name has at most 1000 characters'))
})

/**
 * Archived messages whose media the host queues again: each a message as archived (a seq, a
 * MsgBody array of at most the elements the media walk reads, or a single element). The host reads the body defensively (shared/media/objects.ts
 * bounds the walk), so only the shape is checked here, and the count.
 */
export const MediaMessageListSchema = v.pipe(
  v.array(
    v.looseObject({
      MsgSeq: SeqSchema,
      MsgBody: v.union([
        v.pipe(v.array(v.unknown()), v.maxLength(MEDIA_LIMITS.elementsPerBody)),
        // Not v.looseObject: valibot's object schemas take arrays too, so an over-long array would pass as one element.
        v.custom<Record<string, unknown>>((o) => typeof o === 'object' && o !== null && !Array.isArray(o), 'A message body is an array or one element')
      ])
    })
  ),
  v.maxLength(maxMediaEnqueueMessages, `At most ${maxMediaEnqueueMessages} messages at once`)
)

export const ExportIdSchema = v.pipe(v.string(), v.uuid('An export id is a UUID'))

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz })
    return true
  } catch {
    return false
  }
}

const DateTextSchema = v.pipe(v.string(), v.regex(/^\d{4}-\d{2}(-\d{2})?$/, 'A date is YYYY-MM-DD or YYYY-MM'))

export const ExportStartInputSchema = v.strictObject({
  format: v.picklist(exportFormatNames, `The format must be ${exportFormatNames.slice(0, -1).join(', ')} or ${exportFormatNames.at(-1)}`),
  split: v.optional(v.pipe(v.string(), v.maxLength(32))),
  query: v.pipe(v.string(), v.maxLength(2000)),
  groups: v.pipe(
    v.array(
      v.strictObject({
        groupId: v.pipe(v.string(), v.minLength(1), v.maxLength(256)),
        name: v.optional(v.pipe(v.string(), v.maxLength(256))),
        groupType: v.optional(v.pipe(v.string(), v.maxLength(32), noControlChars('A group type'))),
        topics: v.optional(
          v.pipe(
            v.array(v.strictObject({ topicId: TopicIdSchema, name: v.optional(v.pipe(v.string(), v.maxLength(256))) })),
            v.maxLength(maxExportTopics, `At most ${maxExportTopics} topics per group`)
          )
        )
      })
    ),
    v.minLength(1, 'Choose at least one group to export'),
    v.maxLength(limits.groupsPerSync, `At most ${limits.groupsPerSync} groups per export`)
  ),
  after: v.optional(DateTextSchema),
  before: v.optional(DateTextSchema),
  timeZone: v.pipe(v.string(), v.maxLength(64), v.check(isTimeZone, 'The time zone must be an IANA name such as UTC or Asia/Shanghai')),
  count: v.optional(v.pipe(v.number(), v.safeInteger(), v.minValue(0))),
  suggestedName: v.pipe(v.string(), v.minLength(1), v.maxLength(200), noControlChars('The file name')),
  media: v.optional(v.picklist(exportMediaChoices, 'Media is folder or inline')),
  people: v.optional(
    v.pipe(
      v.array(
        v.strictObject({
          groupId: v.pipe(v.string(), v.minLength(1), v.maxLength(256)),
          account: v.pipe(v.string(), v.minLength(1), v.maxLength(maxAccountChars)),
          names: v.pipe(
            v.array(v.strictTuple([v.pipe(v.number(), v.safeInteger(), v.minValue(0)), v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_NAME_CHARS))])),
            v.maxLength(MAX_SIGHTINGS)
          )
        })
      ),
      v.maxLength(maxExportPeople, `At most ${maxExportPeople} people per export`)
    )
  )
})

/**
 * A chunk of archived records. Only what ordering and naming need is checked (GroupId, MsgSeq):
 * the writers read every other field defensively, as the search walker does.
 */
export const ExportChunkSchema = v.pipe(
  v.array(v.looseObject({ GroupId: v.pipe(v.string(), v.minLength(1), v.maxLength(256)), MsgSeq: v.pipe(v.number(), v.safeInteger(), v.minValue(1)) })),
  v.maxLength(maxExportChunkMessages, `At most ${maxExportChunkMessages} messages per export chunk`)
)

const StatusTextSchema = v.pipe(v.string(), v.maxLength(200))

/** The renderer's status for the tray: short texts only (they end up in a native menu). */
export const AppStatusSchema = v.strictObject({
  line: StatusTextSchema,
  syncing: v.boolean(),
  keepRunning: v.boolean(),
  labels: v.strictObject({ syncNow: StatusTextSchema, open: StatusTextSchema, quit: StatusTextSchema })
})

/** A link the user confirmed: http, https or mailto, as the URL parser serializes it (shared/links.ts). */
export const LinkUrlSchema = v.pipe(
  v.string('A link must be a string'),
  v.maxLength(maxLinkChars, `A link has at most ${maxLinkChars} characters`),
  v.check(isOpenableUrl, 'Only http, https and mailto links are opened')
)

/**
 * Argument tuples per invoke channel of the table (channels.ts), exactly as the preload passes them
 * to ipcRenderer.invoke and the web transport sends them as `{ args }`. A trailing optional
 * argument may be absent, undefined, or null (JSON has no undefined). The compiler refuses a
 * channel without its schema.
 */
export const invokeArgs = {
  [channels.appInfo]: v.strictTuple([]),
  [channels.appSetStatus]: v.strictTuple([AppStatusSchema]),
  [channels.workspaceCurrent]: v.strictTuple([]),
  [channels.workspaceTest]: v.strictTuple([ConnectInputSchema]),
  [channels.workspaceConnect]: v.strictTuple([ConnectInputSchema]),
  [channels.workspaceForget]: v.strictTuple([]),
  [channels.groupsDiscover]: v.strictTuple([]),
  [channels.groupsLookup]: v.strictTuple([GroupIdListSchema]),
  [channels.groupsTopics]: v.strictTuple([GroupIdSchema]),
  [channels.syncStart]: v.strictTuple([SyncStartInputSchema]),
  [channels.syncCancel]: v.strictTuple([RunIdSchema]),
  [channels.syncAck]: v.strictTuple([RunIdSchema, BatchIdListSchema, v.nullish(AckErrorSchema)]),
  [channels.exportStart]: v.strictTuple([ExportStartInputSchema]),
  [channels.exportWrite]: v.strictTuple([ExportIdSchema, ExportChunkSchema]),
  [channels.exportFinish]: v.strictTuple([ExportIdSchema]),
  [channels.exportCancel]: v.strictTuple([ExportIdSchema]),
  [channels.mediaLookup]: v.strictTuple([MediaGroupIdSchema, MediaKeyListSchema]),
  [channels.mediaImportFolder]: v.strictTuple([]),
  [channels.mediaOutcomes]: v.strictTuple([MediaGroupIdSchema]),
  [channels.mediaSettings]: v.strictTuple([]),
  [channels.mediaSetSettings]: v.strictTuple([MediaSettingsSchema]),
  [channels.mediaSave]: v.strictTuple([MediaSaveInputSchema]),
  [channels.mediaShow]: v.strictTuple([Sha256Schema]),
  [channels.mediaEnqueue]: v.strictTuple([MediaGroupIdSchema, MediaMessageListSchema]),
  [channels.peopleResolve]: v.strictTuple([GroupIdSchema, AccountListSchema, v.optional(v.pipe(v.string(), v.maxLength(32), noControlChars('A group type')))]),
  [channels.linkOpen]: v.strictTuple([LinkUrlSchema])
} as const satisfies { [C in InvokeChannel]: v.GenericSchema<unknown, unknown[]> }

// The table's lists, where the host's modules and older tests import them from.
export { eventChannels, isInvokeChannel, resultChannels, type EventChannel, type InvokeChannel } from './channels'

export type ParsedArgs<C extends InvokeChannel> = v.InferOutput<(typeof invokeArgs)[C]>

/** Validates one call's arguments. The message names the first problems, never echoes values. */
export function parseInvokeArgs<C extends InvokeChannel>(channel: C, args: unknown): { ok: true; args: ParsedArgs<C> } | { ok: false; message: string } {
  const schema = invokeArgs[channel] as v.GenericSchema<unknown, ParsedArgs<C>>
  const r = v.safeParse(schema, args, { abortPipeEarly: true })
  if (r.success) return { ok: true, args: r.output }
  const first = r.issues.slice(0, 3).map((i) => {
    const path = v.getDotPath(i)
    return path ? `${path}: ${i.message}` : i.message
  })
  return { ok: false, message: `Invalid ${channel} request: ${first.join('; ')}` }
}
