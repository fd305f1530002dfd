/**
 * The team archive's full-text search (issue 20 §3), as a migration of its own (migrations.ts lists
 * it): the `search` column of tim_archive.messages and the two indexes `tim-archive search --db`
 * reads (src-main/pg-search).
 *
 * - `search tsvector`: the message's index terms from the project's own tokenizer (words, CJK
 *   bigrams and unigrams) and its feature lexemes (sender, has:, is:), pg-search/document.ts. The
 *   write path (archive/pg-archive.ts) sets it in the same statement as the record, on insert and
 *   on every merge, so it always describes the record beside it. No PostgreSQL text-search
 *   configuration or extension is involved: Chinese works on any PostgreSQL, Citus included.
 * - `messages_search`, GIN on it: the candidates of a query's words, senders and features.
 * - `messages_newest`, a btree in the results' order (newest first, ties by group, topic, seq): a
 *   common word's first page walks it and stops after 50 matches instead of sorting them all.
 * GIN, not RUM, by measurement (docs/dev/team-archive-search.md, docs/dev/benchmarks.md).
 */
import type { Migration } from './migrations'

export const searchMigration = (version: number): Migration => ({
  version,
  name: 'full-text search: the search column, its GIN index, newest-first order',
  sql: `
ALTER TABLE tim_archive.messages ADD COLUMN search tsvector NOT NULL DEFAULT ''::tsvector;
-- Only the write path sets it: no default for new rows (a writer that forgot would fail, not hide).
ALTER TABLE tim_archive.messages ALTER COLUMN search DROP DEFAULT;
CREATE INDEX messages_search ON tim_archive.messages USING gin (search);
CREATE INDEX messages_newest ON tim_archive.messages (msg_time DESC NULLS LAST, group_id, topic_id, msg_seq DESC);
`
})
