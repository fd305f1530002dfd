/**
 * The import's outcome in the UI's language. Pure (translate, not the reactive t()), so unit tests
 * check the very sentences the header shows.
 */
import type { RecordProblem } from '@shared/record-line'
import type { Locale, MessageKey } from '@renderer/lib/i18n/core'
import { translate } from '@renderer/lib/i18n/core'

/** "Imported 1 message into 1 group from a.jsonl.": each count takes its own plural. */
export function importDoneText(locale: Locale, file: string, messages: number, groups: number): string {
  return translate(locale, 'import.done', {
    file,
    messages: translate(locale, 'import.messages', { count: messages }),
    groups: translate(locale, 'import.groups', { count: groups })
  })
}

/** "line 4: MsgTimeStamp must be a whole number of Unix seconds; got the string "yesterday". …" */
export function importProblemText(locale: Locale, line: number, p: RecordProblem): string {
  if (p.got === 'not-json') return translate(locale, 'import.notJson', { line })
  const expected = translate(locale, `import.expected.${p.expected}` as MessageKey)
  const got = translate(locale, `import.got.${p.got}` as MessageKey, p.value !== undefined ? { value: p.value } : undefined)
  return p.field === ''
    ? translate(locale, 'import.badLine', { line, expected, got })
    : translate(locale, 'import.badField', { line, field: p.field, expected, got })
}

/** "Context a.jsonl.context.jsonl: 1 group named, 3 people updated." (+ the groups left out). */
export function contextDoneText(locale: Locale, file: string, groups: number, people: number, notImported: readonly string[]): string {
  const done = translate(locale, 'import.contextDone', {
    file,
    groups: translate(locale, 'import.groups', { count: groups }),
    people: translate(locale, 'import.people', { count: people })
  })
  return notImported.length ? done + translate(locale, 'import.contextNotImported', { groups: notImported.join(', ') }) : done
}
