/**
 * The team archive's schema (issue 20 §4), as versioned migrations. A shipped migration is never
 * edited: a change is a new entry at the end (as the app's Dexie versions are). `migrate.ts`
 * applies them, each in its own transaction.
 *
 * Everything lives in the schema `tim_archive`, so the archive can share a database with other
 * things, and a reviewer's role is one GRANT on one schema (docs/dev/team-archive.md).
 *
 * Distributable by Citus (create_distributed_table on group_id): every table but the migrations
 * table carries `group_id`; every primary key and unique constraint includes it; foreign keys only
 * join tables on keys that start with group_id (colocated). test/integration/db-schema.test.ts
 * checks this from PostgreSQL's catalog.
 *
 * Room for later migrations: the search column (a tsvector built from the project's own tokenizer,
 * CJK bigrams, src-renderer/src/lib/search) is added to `messages` by a migration of its own, with
 * its index (GIN or RUM) chosen by measurement.
 */
import { searchMigration } from './migration-search'

export interface Migration {
  version: number
  name: string
  sql: string
}

export const SCHEMA = 'tim_archive'

export const migrations: Migration[] = [
  {
    version: 1,
    name: 'groups, units with coverage, messages, context lines, media outcomes',
    sql: `
-- One row per group the archive knows: listed with --group or found by --all-groups.
CREATE TABLE tim_archive.groups (
  group_id      text PRIMARY KEY,
  discovered_at timestamptz NOT NULL DEFAULT now(),
  last_pull_at  timestamptz
);

-- A sync unit: a group's own messages (topic_id '') or one Community topic's (its own seqs).
-- Its coverage is the checkpoint: committed in the same transaction as the messages it proves.
CREATE TABLE tim_archive.units (
  group_id     text NOT NULL REFERENCES tim_archive.groups (group_id),
  topic_id     text NOT NULL DEFAULT '',
  ranges       int8multirange NOT NULL DEFAULT '{}',
  floor        bigint,
  top          bigint NOT NULL DEFAULT 0,
  last_sync_at timestamptz,
  PRIMARY KEY (group_id, topic_id)
);

-- One row per message: record is the archive line exactly as pull --out writes it (the API's
-- fields, GroupId, TopicId, _archive: server verdicts, versions of edits, media notes).
-- The columns beside it are read from it, for indexes and for the merge's quick check. json, not
-- jsonb: it keeps the line as written (key order included), and jsonb refuses the \\u0000 escape a
-- message's text may hold (a text with a NUL is valid JSON; the demo has one).
CREATE TABLE tim_archive.messages (
  group_id        text NOT NULL,
  topic_id        text NOT NULL DEFAULT '',
  msg_seq         bigint NOT NULL,
  msg_time        timestamptz,
  from_account    text,
  is_place_msg    smallint NOT NULL DEFAULT 0,
  edited          boolean NOT NULL DEFAULT false,
  record          json NOT NULL,
  -- contentFingerprint of the record's API fields; of the server note; of the last server copy
  -- merged when it differs from the record's (shared/archive-record.ts; as jsonl-archive.ts keeps them).
  fp              text NOT NULL,
  sfp             text,
  ifp             text,
  first_pulled_at timestamptz NOT NULL DEFAULT now(),
  changed_at      timestamptz,
  PRIMARY KEY (group_id, topic_id, msg_seq),
  FOREIGN KEY (group_id, topic_id) REFERENCES tim_archive.units (group_id, topic_id)
);
CREATE INDEX messages_by_time ON tim_archive.messages (group_id, topic_id, msg_time);
CREATE INDEX messages_by_sender ON tim_archive.messages (group_id, from_account);

-- The context file's lines (archive/context-file.ts), append-only: a group's name and type, its
-- topics, every name and avatar seen for each person, with when it was seen.
CREATE TABLE tim_archive.context_lines (
  group_id text NOT NULL REFERENCES tim_archive.groups (group_id),
  line_no  bigserial,
  kind     text NOT NULL CHECK (kind IN ('group', 'topic', 'person')),
  topic_id text,
  account  text,
  seen_at  timestamptz NOT NULL,
  line     json NOT NULL,
  PRIMARY KEY (group_id, line_no)
);

-- Media outcomes (pull --media): one row per object of a message (object_key as
-- shared/media/objects.ts names it), the outcome as media/outcome.ts has it. A message's record
-- carries the same notes under _archive.media.
CREATE TABLE tim_archive.media (
  group_id    text NOT NULL,
  topic_id    text NOT NULL DEFAULT '',
  msg_seq     bigint NOT NULL,
  object_key  text NOT NULL,
  status      text NOT NULL,
  sha256      text,
  outcome     json NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (group_id, topic_id, msg_seq, object_key),
  FOREIGN KEY (group_id, topic_id, msg_seq) REFERENCES tim_archive.messages (group_id, topic_id, msg_seq)
);
`
  },
  // The full-text search column and its indexes (issue 20 §3): db/migration-search.ts.
  searchMigration(2),
  {
    version: 3,
    name: 'callback listener: callbacks seen, changes waiting for their message',
    sql: `
-- tim-archive listen (docs/dev/callbacks.md): one row per callback applied, by the sha256 of its
-- command and body, so a replay or a repeat writes nothing. No message content: that is in messages.
CREATE TABLE tim_archive.callback_events (
  group_id    text NOT NULL,
  event_key   text NOT NULL,
  command     text NOT NULL,
  topic_id    text NOT NULL DEFAULT '',
  msg_seqs    bigint[] NOT NULL,
  event_time  timestamptz NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (group_id, event_key)
);

-- A modify or recall that came before its message: applied, in event order, when the send arrives.
CREATE TABLE tim_archive.callback_waiting (
  group_id  text NOT NULL,
  topic_id  text NOT NULL DEFAULT '',
  msg_seq   bigint NOT NULL,
  event_key text NOT NULL,
  change    json NOT NULL,
  PRIMARY KEY (group_id, topic_id, msg_seq, event_key)
);
`
  }
]
