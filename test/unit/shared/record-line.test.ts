/**
 * TopicId on an archive line (issue 18 §2): a topic of the line's own group in Tencent's documented
 * form (GroupId + "@TOPIC#_" + a part, docs/reference/tencent-im-api.md §9.3), or a clear refusal
 * naming the line, the field and what it had, the same in the CLI and the app's import.
 */
import { describe, expect, it } from 'vitest'
import { checkRecord, describeRecordProblem, isTopicOf, parseRecordLine } from '../../../src-main/shared/record-line'
import { en, zh } from '../../../src-renderer/src/lib/i18n/messages'

const G = '@TGS#_@TGS#cQVLVHIM62CJ'
const line = (extra: Record<string, unknown>) =>
  JSON.stringify({ GroupId: G, MsgSeq: 1, From_Account: 'a', IsPlaceMsg: 0, MsgRandom: 1, MsgTimeStamp: 1, MsgBody: [], ...extra })

describe('TopicId on an archive line', () => {
  it("accepts a line without one, and a topic of the line's group", () => {
    expect(parseRecordLine(line({})).ok).toBe(true)
    const r = parseRecordLine(line({ TopicId: `${G}@TOPIC#_TestTopic` }))
    expect(r.ok && r.record.TopicId).toBe(`${G}@TOPIC#_TestTopic`)
  })

  it('refuses a TopicId that is not a string, another group’s topic, or not in the topic form, naming the line', () => {
    for (const [topic, got] of [
      [42, 'got the number 42'],
      [null, 'got null'],
      ['', 'got the string ""'],
      ['@TGS#_OTHER@TOPIC#_x', 'got the string "@TGS#_OTHER@TOPIC#_x"'],
      [`${G}@TOPIC#_`, `got the string "${G}@TOPIC#_"`],
      ['general', 'got the string "general"']
    ] as const) {
      const r = parseRecordLine(line({ TopicId: topic }))
      expect(r.ok).toBe(false)
      if (r.ok) continue
      expect(r.problem.field).toBe('TopicId')
      expect(describeRecordProblem(7, r.problem)).toBe(
        `line 7: TopicId must be a topic ID of the line's group (its GroupId + "@TOPIC#_" + the topic's own part); ${got}`
      )
    }
  })

  it('isTopicOf: the documented example; a group ID alone is no topic', () => {
    expect(isTopicOf(`${G}@TOPIC#_TestTopic`, G)).toBe(true)
    expect(isTopicOf(G, G)).toBe(false)
    expect(checkRecord(JSON.parse(line({ TopicId: G })))?.expected).toBe('topic-id')
  })

  it('the app words the problem in English and Chinese', () => {
    expect(en['import.expected.topic-id']).toContain('@TOPIC#_')
    expect(zh['import.expected.topic-id']).toContain('话题')
  })
})
