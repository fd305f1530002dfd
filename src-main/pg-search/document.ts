/**
 * What the team archive's full-text column holds for a message (issue 20 §3): the message's index
 * terms (shared/search/tokenize.ts over extract-text.ts's searchable text: words, CJK bigrams and
 * unigrams) and its feature lexemes (sender, `has:`, `is:`), deduplicated. The write path
 * (archive/pg-archive.ts) stores them as tsvector text (searchVector) in the same statement as the
 * record, on insert and on every merge, so the column always describes the record beside it
 * (compile.ts reads it).
 */
import type { ArchivedMessage } from '../shared/archive-record'
import { messageView } from '../shared/search/extract-text'
import { normalize } from '../shared/search/normalize'
import { tokenizeNormalized } from '../shared/search/tokenize'
import { fromLexeme, hasLexeme, isLexeme, quoteLexeme } from './compile'

export function searchLexemes(m: ArchivedMessage): string[] {
  const view = messageView(m)
  const lexemes = tokenizeNormalized(view.text)
  if (typeof m.From_Account === 'string' && normalize(m.From_Account)) lexemes.push(fromLexeme(m.From_Account))
  for (const h of view.features.has) lexemes.push(hasLexeme(h))
  for (const i of view.features.is) lexemes.push(isLexeme(i))
  return lexemes
}

/**
 * The column's value as tsvector text: each lexeme quoted (compile.ts quoteLexeme), so PostgreSQL
 * reads them as they are (no parser, no configuration), with no positions.
 */
export function searchVector(m: ArchivedMessage): string {
  return searchLexemes(m).map(quoteLexeme).join(' ')
}
