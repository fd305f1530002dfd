import { describe, expect, it } from 'vitest'
import { parseGroupAtInfo, splitMentions } from '../../../src-main/shared/tuikit/mentions'

// TUIKit writes '@' + label + ' ' into the text (chat-uikit-vue message-input-editor.vue); @all's
// label is 所有人 (message-input-at/index.vue) or All in the English kit.
describe('splitMentions', () => {
  it('finds @names and @all', () => {
    expect(splitMentions('@Alice @所有人 meeting at 3')).toEqual([
      { text: '@Alice', mention: 'user' },
      { text: ' ' },
      { text: '@所有人', mention: 'all' },
      { text: ' meeting at 3' }
    ])
    expect(splitMentions('hi @All please read')).toEqual([{ text: 'hi ' }, { text: '@All', mention: 'all' }, { text: ' please read' }])
  })

  it('leaves e-mail addresses and lone @ alone, and keeps every character', () => {
    expect(splitMentions('mail bob@example.com or @ later')).toEqual([{ text: 'mail bob@example.com or @ later' }])
    const text = '\u3000@张三，你好 @@x'
    expect(
      splitMentions(text)
        .map((s) => s.text)
        .join('')
    ).toBe(text)
    expect(splitMentions('')).toEqual([])
  })
})

describe('parseGroupAtInfo', () => {
  it('reads the REST shape when a record carries it, and nothing else', () => {
    expect(parseGroupAtInfo([{ GroupAtAllFlag: 1 }, { GroupAtAllFlag: 0, GroupAt_Account: 'u1' }])).toEqual({ all: true, accounts: ['u1'] })
    expect(parseGroupAtInfo(undefined)).toBeUndefined()
    expect(parseGroupAtInfo([{ GroupAtAllFlag: 0 }, 'x', null])).toBeUndefined()
  })
})
