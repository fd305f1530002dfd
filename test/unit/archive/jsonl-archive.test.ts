import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { JsonlArchive } from '../../../src-main/archive/jsonl-archive'
import { textMessage } from '../../helpers/messages'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jsonl-archive-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('JsonlArchive commits', () => {
  it('takes a commit made as soon as the previous one resolved (it used to wait forever)', async () => {
    const path = join(dir, 'chats.jsonl')
    const archive = await JsonlArchive.open(path)
    for (let seq = 1; seq <= 3; seq++) await archive.commit({ groupId: 'g', messages: [textMessage(seq)], range: [seq, seq], top: seq })
    await archive.close()
    expect(
      (await readFile(path, 'utf8'))
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { MsgSeq: number }).MsgSeq)
    ).toEqual([1, 2, 3])
    const state = JSON.parse(await readFile(`${path}.state.json`, 'utf8')) as { groups: Record<string, { ranges: number[][] }> }
    expect(state.groups.g!.ranges).toEqual([[1, 3]])
  })
})
