import type { RawMessage } from '../../src-main/shared/tim-types'

/** A plain text message as group_msg_get_simple returns it: seq n says "m<n>", sent at 1,700,000,000 + n. */
export function textMessage(seq: number): RawMessage {
  return {
    From_Account: 'u',
    IsPlaceMsg: 0,
    MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: `m${seq}` } }],
    MsgRandom: seq,
    MsgSeq: seq,
    MsgTimeStamp: 1_700_000_000 + seq
  }
}
