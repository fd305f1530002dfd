/** pull's closing media line (issue 17 §1, issue 18 §1): the people's avatars are counted apart from the messages' media. */
import { describe, expect, it } from 'vitest'
import { mediaSummary } from '../../../src-main/cli/pull'

const none = { saved: 0, expired: 0, refused: 0, failed: 0, 'no-url': 0 }

describe('mediaSummary', () => {
  it('says the avatars after the messages’ media, never adding them to its count', () => {
    expect(mediaSummary({ ...none, saved: 3 }, 2048, { ...none, saved: 12, failed: 1 })).toBe('3 media objects saved (2 kB); avatars: 12 saved, 1 failed')
  })
  it('only avatars this run: no new message media, and the avatars', () => {
    expect(mediaSummary(none, 0, { ...none, saved: 2 })).toBe('no new media to keep; avatars: 2 saved')
    expect(mediaSummary(none, 0, none)).toBe('no new media to keep')
  })
})
