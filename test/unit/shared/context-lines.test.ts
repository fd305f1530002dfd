import { describe, expect, it } from 'vitest'
import { applyContextLine, checkContextLine, emptyContext, parseContext, personKey } from '../../../src-main/shared/context-lines'

/** The context file's pure line parser (moved from archive/context-file.ts; the app's import uses it too). */
describe('context lines', () => {
  it('skips lines of unknown types and wrong fields, and bounds what it keeps', () => {
    const ctx = parseContext(
      [
        '{"type":"future-kind","groupId":"g","seenAt":"2026-01-01T00:00:00Z"}',
        '{"type":"person","groupId":"g","seenAt":"not a date","account":"x"}',
        '[1,2]',
        `{"type":"person","groupId":"g","seenAt":"2026-01-01T00:00:00Z","account":"x","nick":"${'n'.repeat(1000)}"}`,
        '{"type":"group","groupId":"g","seenAt":"2026-01-02T00:00:00Z","name":"New"}',
        '{"type":"group","groupId":"g","seenAt":"2026-01-01T00:00:00Z","name":"Old"}'
      ].join('\n')
    )
    expect(ctx.skipped).toBe(3)
    expect(ctx.people.get(personKey('g', 'x'))!.history[0]!.nick).toHaveLength(256)
    // The latest sighting of a group wins, whatever the line order (two files concatenated).
    expect(ctx.groups.get('g')?.name).toBe('New')
  })

  it('the strict check (the app import) accepts exactly the lines the reader reads, and names the field of the others', () => {
    const at = '2026-01-01T00:00:00Z'
    const cases: [unknown, string | null][] = [
      [{ type: 'group', groupId: 'g', seenAt: at, name: 'N', groupType: 'Work' }, null],
      [{ type: 'topic', groupId: 'g', topicId: 't', seenAt: at }, null],
      [{ type: 'person', groupId: 'g', account: 'a', seenAt: at, nick: 'A', member: false }, null],
      [{ type: 'person', groupId: 'g', seenAt: at }, 'account'],
      [{ type: 'person', groupId: ' ', account: 'a', seenAt: at }, 'groupId'],
      [{ type: 'topic', groupId: 'g', seenAt: at }, 'topicId'],
      [{ type: 'group', groupId: 'g', seenAt: 'soon' }, 'seenAt'],
      [{ type: 'group', groupId: 'g', seenAt: at, name: 7 }, 'name'],
      [{ type: 'person', groupId: 'g', account: 'a', seenAt: at, member: 1 }, 'member'],
      [{ groupId: 'g', seenAt: at }, 'type'],
      [[1], '']
    ]
    for (const [line, field] of cases) {
      const p = checkContextLine(line)
      expect(p?.field ?? null, JSON.stringify(line)).toBe(field)
      // Every line the check accepts is one the lenient reader reads (wrong optional types it drops are refused).
      if (!p) expect(applyContextLine(emptyContext(), line)).toBe(true)
    }
    // A line of a type this version does not know is no error (a newer writer's): every reader skips it.
    expect(checkContextLine({ type: 'reaction', groupId: 'g', seenAt: at })).toBeNull()
  })
})
