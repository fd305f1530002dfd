import { describe, expect, it } from 'vitest'
import { mentionNames, parseGroupAtInfo, splitMentions } from '../../../src-main/shared/tuikit/mentions'

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

describe("splitMentions with the group's known names (a name with a space)", () => {
  const people = [
    { history: [{ seenAt: 1, nick: 'Alice' }] },
    {
      history: [
        { seenAt: 1, nick: 'Alice Wang' },
        { seenAt: 2, nick: 'Alice W.', nameCard: '王 爱丽丝' }
      ]
    },
    { history: [{ seenAt: 1, nick: 'Bob' }] }
  ]
  const known = mentionNames(people)

  it('lists every name ever held, longest first', () => {
    expect(known).toEqual(['Alice Wang', 'Alice W.', 'Alice', '王 爱丽丝', 'Bob'].sort((a, b) => b.length - a.length || (a < b ? -1 : 1)))
    expect(known[0]).toBe('Alice Wang')
  })

  it('highlights the whole name "@Alice Wang", not only its first word', () => {
    expect(splitMentions('@Alice Wang please review', known)).toEqual([{ text: '@Alice Wang', mention: 'user' }, { text: ' please review' }])
    // Without the names, the rule without names: up to the space.
    expect(splitMentions('@Alice Wang please review')[0]).toEqual({ text: '@Alice', mention: 'user' })
  })

  it('takes the longest known name, an older name too, and a name card with a space', () => {
    expect(splitMentions('cc @Alice W. and @王 爱丽丝 and @Alice', known).filter((s) => s.mention)).toEqual([
      { text: '@Alice W.', mention: 'user' },
      { text: '@王 爱丽丝', mention: 'user' },
      { text: '@Alice', mention: 'user' }
    ])
  })

  it('a known name must end at a word boundary; otherwise the rule without names', () => {
    expect(splitMentions('@Bobby hi', known)[0]).toEqual({ text: '@Bobby', mention: 'user' })
    expect(splitMentions('@Alice Wangerin hi', known)[0]).toEqual({ text: '@Alice', mention: 'user' })
    expect(splitMentions('@Alice Wang, hi', known)[0]).toEqual({ text: '@Alice Wang', mention: 'user' })
  })

  it('keeps every character and still finds @all', () => {
    const text = 'x @所有人 @Alice Wang\u3000@unknown person @'
    const parts = splitMentions(text, known)
    expect(parts.map((p) => p.text).join('')).toBe(text)
    expect(parts.filter((p) => p.mention)).toEqual([
      { text: '@所有人', mention: 'all' },
      { text: '@Alice Wang', mention: 'user' },
      { text: '@unknown', mention: 'user' }
    ])
  })
})

describe('parseGroupAtInfo', () => {
  it('reads the REST shape when a record carries it, and nothing else', () => {
    expect(parseGroupAtInfo([{ GroupAtAllFlag: 1 }, { GroupAtAllFlag: 0, GroupAt_Account: 'u1' }])).toEqual({ all: true, accounts: ['u1'] })
    expect(parseGroupAtInfo(undefined)).toBeUndefined()
    expect(parseGroupAtInfo([{ GroupAtAllFlag: 0 }, 'x', null])).toBeUndefined()
  })
})
