/**
 * The CLI's archive file and edits (issue 18 §5): a rewritten line keeps every version, an older
 * file's form is read and upgraded, and a copy that lacks CloudCustomData neither counts as an edit
 * nor makes every later recheck rewrite the file.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { JsonlArchive } from '../../../src-main/archive/jsonl-archive'
import { messageVersions, type ArchivedMessage } from '../../../src-main/shared/archive-record'
import type { RawMessage } from '../../../src-main/shared/tim-types'
import { textMessage } from '../../helpers/messages'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jsonl-edits-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const say = (text: string): RawMessage['MsgBody'] => [{ MsgType: 'TIMTextElem', MsgContent: { Text: text } }]
const lines = async (path: string): Promise<ArchivedMessage[]> =>
  (await readFile(path, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as ArchivedMessage)
const texts = (m: ArchivedMessage): string[] => messageVersions(m).map((v) => (v.MsgBody as unknown as { MsgContent: { Text: string } }[])[0]!.MsgContent.Text)

/** One pull: the batch committed, then the archive closed (which writes changed lines). */
async function pull(path: string, messages: RawMessage[]): Promise<JsonlArchive> {
  const archive = await JsonlArchive.open(path)
  await archive.commit({ groupId: 'g', messages, range: [1, messages.length], top: messages.length })
  await archive.close()
  return archive
}

describe('the JSON Lines archive and edited messages', () => {
  it('keeps every version across pulls, one line per message', async () => {
    const path = join(dir, 'a.jsonl')
    const m = (text: string): RawMessage => ({ ...textMessage(1), MsgBody: say(text) })
    await pull(path, [m('one'), textMessage(2)])
    expect((await pull(path, [m('two'), textMessage(2)])).changed).toBe(1)
    await pull(path, [m('three'), textMessage(2)])
    const [first, second] = await lines(path)
    expect(texts(first!)).toEqual(['one', 'two', 'three'])
    expect(second!.MsgSeq).toBe(2)
    expect(second!._archive).toBeUndefined()
    const again = await pull(path, [m('three'), textMessage(2)])
    expect(again.changed).toBe(0)
  })

  it("reads an older file's original-and-latest line, and upgrades it when the message changes again", async () => {
    const path = join(dir, 'old.jsonl')
    const old = {
      GroupId: 'g',
      ...textMessage(1),
      MsgBody: say('as sent'),
      _archive: { server: { IsPlaceMsg: 0, MsgBody: say('edited'), seenAt: '2026-11-01T00:00:00.000Z' } }
    }
    await writeFile(path, JSON.stringify(old) + '\n')
    // The server still has the edited copy: the line is left as it was (readers read both versions).
    expect((await pull(path, [{ ...textMessage(1), MsgBody: say('edited') }])).changed).toBe(0)
    expect(texts((await lines(path))[0]!)).toEqual(['as sent', 'edited'])
    await pull(path, [{ ...textMessage(1), MsgBody: say('edited again') }])
    const [line] = await lines(path)
    expect(texts(line!)).toEqual(['as sent', 'edited', 'edited again'])
    expect(line!._archive?.server).toBeUndefined()
    expect(line!._archive?.versions?.[1]?.seenAt).toBe('2026-11-01T00:00:00.000Z')
  })

  it('does not rewrite a line on every recheck when the server sends no CloudCustomData', async () => {
    const path = join(dir, 'ccd.jsonl')
    await writeFile(path, JSON.stringify({ GroupId: 'g', ...textMessage(1), CloudCustomData: '{"messageReply":{}}' }) + '\n')
    const archive = await JsonlArchive.open(path)
    await archive.commit({ groupId: 'g', messages: [textMessage(1)], range: [1, 1], top: 1 })
    // Merged once: unchanged, nothing written.
    await archive.applyPendingChanges()
    expect(archive.changed).toBe(0)
    // Seen again in the same run: not even queued for a rewrite.
    await archive.commit({ groupId: 'g', messages: [textMessage(1)], range: [1, 1], top: 1 })
    expect((archive as unknown as { patches: Map<string, unknown> }).patches.size).toBe(0)
    await archive.close()
    expect((await lines(path))[0]!.CloudCustomData).toBe('{"messageReply":{}}')
  })
})
