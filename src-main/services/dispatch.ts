/**
 * The handler registry: one handler per invoke channel of the table (shared/ipc/channels.ts), and
 * `invokeChannel`, what both transports (ipc/register.ts, web/routes/api.ts) call. The compiler
 * refuses a channel without its handler.
 */
import type { ArchivedMessage } from '../shared/archive-record'
import { channels, resultChannels, type InvokeChannel } from '../shared/ipc/channels'
import { parseInvokeArgs, type ParsedArgs } from '../shared/ipc/schemas'
import { InvalidRequestError, fail } from './app-errors'
import type { AppService } from './app-service'

const handlers: { [C in InvokeChannel]: (s: AppService, args: ParsedArgs<C>) => unknown } = {
  [channels.appInfo]: (s) => s.app.info(),
  [channels.appSetStatus]: (s, [status]) => s.app.setStatus(status),
  [channels.workspaceCurrent]: (s) => s.workspace.current(),
  [channels.workspaceTest]: (s, [input]) => s.workspace.test(input),
  [channels.workspaceConnect]: (s, [input]) => s.workspace.connect(input),
  [channels.workspaceForget]: (s) => s.workspace.forget(),
  [channels.groupsDiscover]: (s) => s.groups.discover(),
  [channels.groupsLookup]: (s, [ids]) => s.groups.lookup(ids),
  [channels.groupsTopics]: (s, [groupId]) => s.groups.topics(groupId),
  [channels.syncStart]: (s, [input]) => s.sync.start(input),
  [channels.syncCancel]: (s, [runId]) => s.sync.cancel(runId),
  [channels.syncAck]: (s, [runId, batchIds, error]) => s.sync.ack(runId, batchIds, error),
  [channels.exportStart]: (s, [input]) => s.export.start(input),
  [channels.exportWrite]: (s, [id, messages]) => s.export.write(id, messages as ArchivedMessage[]),
  [channels.exportFinish]: (s, [id]) => s.export.finish(id),
  [channels.exportCancel]: (s, [id]) => s.export.cancel(id),
  [channels.mediaLookup]: (s, [groupId, keys]) => s.media.lookup(groupId, keys),
  [channels.mediaImportFolder]: (s) => s.media.importFolder(),
  [channels.mediaOutcomes]: (s, [groupId]) => s.media.outcomes(groupId),
  [channels.mediaSettings]: (s) => s.media.settings(),
  [channels.mediaSetSettings]: (s, [settings]) => s.media.setSettings(settings),
  [channels.mediaSave]: (s, [input]) => s.media.save(input),
  [channels.mediaShow]: (s, [sha256]) => s.media.show(sha256),
  [channels.mediaEnqueue]: (s, [groupId, messages]) => s.media.enqueue(groupId, messages),
  [channels.peopleResolve]: (s, [groupId, accounts, groupType]) => s.people.resolve(groupId, accounts, groupType),
  [channels.linkOpen]: (s, [url]) => s.link.open(url)
}

/**
 * Validates a call's arguments with the shared schemas, then runs it. Invalid input to a Result
 * call answers `{ ok: false, error: { code: 'INVALID' } }`; to a void call it throws
 * InvalidRequestError.
 */
export async function invokeChannel(service: AppService, channel: InvokeChannel, args: unknown): Promise<unknown> {
  const parsed = parseInvokeArgs(channel, args)
  if (!parsed.ok) {
    if (resultChannels.has(channel)) return fail('INVALID', parsed.message, { params: { reason: 'request' }, detail: parsed.message })
    throw new InvalidRequestError(parsed.message)
  }
  const handler = handlers[channel] as (s: AppService, args: unknown) => unknown
  return handler(service, parsed.args)
}
