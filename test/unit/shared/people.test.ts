import { describe, expect, it } from 'vitest'
import { MAX_NAME_CHARS, MAX_SIGHTINGS, mergePeople, nameAt, notePerson, sighting, type Person } from '../../../src-main/shared/people'

const G = '@TGS#1DEMOTEAM'
const day = 86_400_000

describe('people: every name seen, with when', () => {
  it('adds a sighting only when a name changed, so a daily sync keeps the record short', () => {
    let p: Person | undefined
    for (let d = 0; d < 30; d++) p = notePerson(p, G, 'bob', sighting(d * day, { nick: 'Bob', nameCard: d < 20 ? 'Bob (ops)' : 'Bob (SRE)' }))
    expect(p!.history.map((s) => [s.seenAt / day, s.nameCard])).toEqual([
      [0, 'Bob (ops)'],
      [20, 'Bob (SRE)']
    ])
    // The same answer again returns the same object: nothing to write.
    expect(notePerson(p, G, 'bob', sighting(31 * day, { nick: 'Bob', nameCard: 'Bob (SRE)' }))).toBe(p)
  })

  it('shows the name in force when a message was sent, the current one before the first sighting', () => {
    let p = notePerson(undefined, G, 'bob', sighting(10 * day, { nick: 'Bob' }))
    p = notePerson(p, G, 'bob', sighting(20 * day, { nick: 'Robert', nameCard: 'Rob (ops)' }))
    expect(nameAt(p, 'bob', 15 * day)).toEqual({ name: 'Bob', known: true, current: 'Rob (ops)' })
    expect(nameAt(p, 'bob', 25 * day)).toEqual({ name: 'Rob (ops)', known: true, current: 'Rob (ops)' })
    expect(nameAt(p, 'bob', 5 * day)).toEqual({ name: 'Rob (ops)', known: false, current: 'Rob (ops)' })
    // Nobody known: the account ID.
    expect(nameAt(undefined, '144115197276518801', 0)).toEqual({ name: '144115197276518801', known: false, current: '144115197276518801' })
  })

  it('merges two archives in time order, and a rename loop cannot grow a record past the cap', () => {
    const a = notePerson(notePerson(undefined, G, 'x', sighting(1, { nick: 'A' })), G, 'x', sighting(3, { nick: 'C' }))
    const b = notePerson(undefined, G, 'x', sighting(2, { nick: 'B' }))
    expect(mergePeople(a, b).history.map((s) => s.nick)).toEqual(['A', 'B', 'C'])
    expect(mergePeople(mergePeople(a, b), b)).toEqual(mergePeople(a, b))
    let p: Person | undefined
    for (let i = 0; i < 500; i++) p = notePerson(p, G, 'x', sighting(i, { nick: i % 2 ? 'even' : 'odd' }))
    expect(p!.history).toHaveLength(MAX_SIGHTINGS)
    expect(p!.history[0]!.seenAt).toBe(0)
    expect(p!.history.at(-1)!.seenAt).toBe(499)
  })

  it('takes membership from the copy seen last: an old file cannot make someone who left a member again', () => {
    const now = notePerson(undefined, G, 'li_lei', sighting(20 * day, { nick: '李雷' }), false)
    const old = notePerson(undefined, G, 'li_lei', sighting(10 * day, { nick: '李雷' }), true)
    expect(mergePeople(now, old).member).toBe(false)
    expect(mergePeople(old, now).member).toBe(false)
  })

  it('bounds and checks what the server sent', () => {
    const s = sighting(1, { nick: 'x'.repeat(10_000), nameCard: '  ', avatar: 42 })
    expect(s.nick).toHaveLength(MAX_NAME_CHARS)
    expect(s).not.toHaveProperty('nameCard')
    expect(s).not.toHaveProperty('avatar')
  })
})
