import { describe, expect, it } from 'vitest'
import { describeBodyProblem, parseCallbackBody } from '../../../src-main/listen/callback-body'

const send = {
  CallbackCommand: 'Group.CallbackAfterSendMsg',
  GroupId: '@TGS#2J4SZEAEL',
  Type: 'Public',
  From_Account: 'jared',
  Operator_Account: 'admin',
  Random: 123456,
  MsgSeq: 123,
  MsgTime: 1490686222,
  OnlineOnlyFlag: 1,
  MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'red packet' } }],
  CloudCustomData: 'your cloud custom data',
  EventTime: 1670574414123
}

describe('callback bodies', () => {
  it("turns the send page's example into the archive's record", () => {
    const r = parseCallbackBody('Group.CallbackAfterSendMsg', send, 1)
    expect(r.ok).toBe(true)
    if (!r.ok || r.event.command !== 'Group.CallbackAfterSendMsg') throw new Error('not a send')
    expect(r.event.record).toEqual({
      GroupId: '@TGS#2J4SZEAEL',
      From_Account: 'jared',
      IsPlaceMsg: 0,
      MsgBody: send.MsgBody,
      MsgRandom: 123456,
      MsgSeq: 123,
      MsgTimeStamp: 1490686222,
      CloudCustomData: 'your cloud custom data'
    })
    expect(r.event.eventTimeMs).toBe(1670574414123)
    expect(r.event.groupType).toBe('Public')
  })

  it('reads the recall and modify examples (TopicId empty means no topic; EventTime as a string of digits)', () => {
    const recall = parseCallbackBody(
      'Group.CallbackAfterRecallMsg',
      {
        CallbackCommand: 'Group.CallbackAfterRecallMsg',
        Operator_Account: 'admin',
        Type: 'Community',
        GroupId: '@TGS#cQVLVHIM62CJ',
        MsgSeqList: [{ MsgSeq: 130 }, { MsgSeq: 131 }],
        TopicId: '@TGS#_@TGS#cQVLVHIM62CJ@TOPIC#_TestTopic',
        EventTime: '1670574414123'
      },
      1
    )
    expect(recall).toMatchObject({ ok: true, event: { seqs: [130, 131], topicId: '@TGS#_@TGS#cQVLVHIM62CJ@TOPIC#_TestTopic', eventTimeMs: 1670574414123 } })
    const modify = parseCallbackBody(
      'Group.CallbackAfterModifyMsg',
      {
        MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'new' } }],
        CallbackCommand: 'Group.CallbackAfterModifyMsg',
        Operator_Account: 'oper-user',
        GroupId: 'group-test-2',
        TopicId: '',
        MsgSeq: 53,
        EventTime: 1772762975589
      },
      1
    )
    expect(modify.ok).toBe(true)
    if (!modify.ok) return
    expect(modify.event.topicId).toBeUndefined()
    expect(modify.event).toMatchObject({ seq: 53, eventTimeMs: 1772762975589 })
  })

  it('refuses bad bodies with the field and the callback’s own name for it', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ ...send, MsgSeq: 0 }, 'MsgSeq must be a whole number from 1 to 4294967295; got the number 0'],
      [{ ...send, Random: -1 }, 'Random must be'],
      [{ ...send, MsgTime: 'yesterday' }, 'MsgTime must be a whole number of Unix seconds'],
      [{ ...send, MsgBody: [{ MsgType: 'TIMTextElem' }] }, 'MsgBody[0].MsgContent must be an object'],
      [{ ...send, GroupId: '' }, 'GroupId must be a non-empty string'],
      [{ ...send, CallbackCommand: 'Group.CallbackAfterRecallMsg' }, 'CallbackCommand must be'],
      [{ ...send, TopicId: '@TGS#other@TOPIC#_x' }, 'TopicId must be a topic of @TGS#2J4SZEAEL'],
      [{ ...send, EventTime: 'soon' }, 'EventTime must be']
    ]
    for (const [body, words] of cases) {
      const r = parseCallbackBody('Group.CallbackAfterSendMsg', body, 1)
      expect(r.ok, words).toBe(false)
      if (!r.ok) expect(describeBodyProblem(r.problem)).toContain(words)
    }
    const noList = parseCallbackBody('Group.CallbackAfterRecallMsg', { CallbackCommand: 'Group.CallbackAfterRecallMsg', GroupId: 'g', MsgSeqList: [] }, 1)
    expect(noList.ok).toBe(false)
    const emptyBody = parseCallbackBody(
      'Group.CallbackAfterModifyMsg',
      { CallbackCommand: 'Group.CallbackAfterModifyMsg', GroupId: 'g', MsgSeq: 3, MsgBody: [] },
      1
    )
    expect(emptyBody.ok).toBe(false)
    expect(parseCallbackBody('Group.CallbackAfterSendMsg', [1], 1).ok).toBe(false)
  })

  it('dates an event without EventTime by when it was received', () => {
    const { EventTime: _e, ...rest } = send
    const r = parseCallbackBody('Group.CallbackAfterSendMsg', rest, 42)
    expect(r.ok && r.event.eventTimeMs).toBe(42)
  })
})
