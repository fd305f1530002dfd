/**
 * The offline store (IndexedDB through Dexie). Versioned: never edit a shipped version; add a new
 * `version(n)` with a one-line comment and an upgrade when the schema changes.
 *
 * Keys: a group is identified across workspaces by its group key `gk` = `${workspaceId}|${groupId}`
 * (group-key.ts; imported archives use the workspace id 'imported'). Messages are keyed by [gk+seq]
 * and read through pager.ts. A table derived from the messages is a projection (projections/): its
 * version's upgrade calls the projection's `rebuild`.
 */
import Dexie, { type EntityTable } from 'dexie'
import type { ArchivedMessage } from '@shared/archive-record'
import type { Coverage } from '@shared/coverage'
import type { AppError, GroupProfile, WorkspaceInfo } from '@shared/ipc/contract'
import type { Person } from '@shared/people'
import { reportReindex, type IndexState, type PostingRow, type PostingsOptions } from '@renderer/lib/search'
import type { ActivityKey, ActivityRow } from './activity'
import { activityProjection } from './projections/activity'
import { mediaProjection, type MediaRow, type MediaRowKey } from './projections/media'
import { searchProjection } from './projections/search'

export interface WorkspaceRow extends WorkspaceInfo {
  addedAt: number
}

export interface GroupStats {
  /** Archived messages (every seq stored, placeholders included). */
  messages: number
  /** Archived as deleted/expired placeholders (IsPlaceMsg 1). */
  deleted: number
  /** Archived as recalled placeholders (IsPlaceMsg 2). */
  recalled: number
  /** Archived with content that the server has since deleted, recalled or changed. */
  removedLater: number
  /** System messages. */
  system: number
  /** Oldest and newest message time (Unix s), 0 when none. */
  firstTime: number
  lastTime: number
}

export interface GroupRow {
  /** `${workspaceId}|${groupId}` */
  gk: string
  workspaceId: string
  groupId: string
  profile: GroupProfile
  addedAt: number
  /** ms since epoch of the last sync that completed (or null). */
  lastSyncAt: number | null
  /** Older archives hold only code and message; describeError words both kinds. */
  lastError: AppError | null
  stats: GroupStats
  /** The search index's bookkeeping for this group (absent before it has any postings). */
  index?: IndexState
  /**
   * "Stop syncing" (db/delete-group.ts): Sync all and the scheduled sync skip the group; what is
   * archived stays readable and searchable. Absent: syncing (not indexed, so no schema version).
   */
  syncStopped?: boolean
  /**
   * A Community topic's row (issue 18 §2): `groupId` and the key's ID are the topic's ID, `topic`
   * names its group and the topic, `profile.name` is the topic's name. Its messages, coverage, stats,
   * index, activity and media are keyed by its own gk, so every view works on it as on a group.
   * Absent on a group's row (not indexed, so no schema version).
   */
  topic?: TopicOf
}

/** The group a topic belongs to (its ID, as in the records' GroupId) and the topic's name (TopicName). */
export interface TopicOf {
  groupId: string
  name: string
}

export interface MessageRow {
  gk: string
  seq: number
  /** MsgTimeStamp (Unix seconds), for date order and jump-to-date. */
  time: number
  from: string
  /** The record exactly as archived: API fields + GroupId (+ _archive). */
  raw: ArchivedMessage
}

export interface CoverageRow extends Coverage {
  gk: string
}

export interface SettingRow {
  key: string
  value: unknown
}

/** A sender of a group with every name the archive has seen (shared/people.ts; lib/people/people-repo.ts). */
export interface PersonRow extends Person {
  gk: string
}

export class AppDB extends Dexie {
  workspaces!: EntityTable<WorkspaceRow, 'id'>
  groups!: EntityTable<GroupRow, 'gk'>
  messages!: Dexie.Table<MessageRow, [string, number]>
  coverage!: EntityTable<CoverageRow, 'gk'>
  settings!: EntityTable<SettingRow, 'key'>
  postings!: Dexie.Table<PostingRow, [number, string, number]>
  activity!: Dexie.Table<ActivityRow, ActivityKey>
  media!: Dexie.Table<MediaRow, MediaRowKey>
  people!: Dexie.Table<PersonRow, [string, string]>

  /** `search`: the search index's tuning and stats for the upgrade's indexing (tests); the app passes none. */
  constructor(name = 'tim-archive', search: PostingsOptions = {}) {
    super(name)
    // v1: workspaces, groups (profile + stats), messages by [gk+seq] and [gk+time], coverage, settings.
    this.version(1).stores({
      workspaces: 'id',
      groups: 'gk, workspaceId',
      messages: '[gk+seq], [gk+time]',
      coverage: 'gk',
      settings: 'key'
    })
    // v2: the search index (lib/search/index/). Its upgrade used to index every archived
    // message, as v4's did; v6's rebuilds the index in the current layout, so theirs is left to it
    // (an archive upgraded from any older version is indexed once, not twice).
    this.version(2).stores({ postings: '[b+gk+c], [b+gk+mt]' })
    // v3: the charts' activity counts per day (by hour) and sender (db/activity.ts); the upgrade builds them
    // (projections/activity.ts).
    this.version(3)
      .stores({ activity: '[gk+kind+key]' })
      .upgrade((tx) => activityProjection.rebuild(tx))
    // v4: the search index as a leveled merge tree of hash buckets (lib/search/index/layout.ts), without the
    // [b+gk+mt] index.
    this.version(4).stores({ postings: '[b+gk+c]' })
    // v5: the index's levels had twice the buckets, rows kept their bytes in strings
    // (lib/search/index/codec.ts Bytes), and each group's index state kept every level's newest time
    // (IndexState.mt). Its upgrade rebuilt the index, as v6's does, so theirs is left to it.
    this.version(5).stores({})
    // v6: levels 1 and 2 of the index have 64 and 1,024 buckets instead of 32 and 256 (lib/search/index/layout.ts
    // LEVELS); the upgrade drops the old rows and indexes every archived message again.
    this.version(6)
      .stores({})
      .upgrade((tx) => searchProjection.rebuild(tx, { search, onProgress: reportReindex }))
    // v7: the media each message references, one row per object (projections/media.ts: the Media view,
    // the image viewer's previous/next); newest first per group and shelf or kind. The upgrade builds it.
    this.version(7)
      .stores({ media: '[gk+seq+i], [gk+shelf+t+seq+i], [gk+kind+t+seq+i]' })
      .upgrade((tx) => mediaProjection.rebuild(tx))
    // v8: the people of each group, with their name history (issue 18 §1); filled from the API, no upgrade.
    this.version(8).stores({ people: '[gk+account]' })
  }
}

export const importedWorkspaceId = 'imported'

export function emptyStats(): GroupStats {
  return { messages: 0, deleted: 0, recalled: 0, removedLater: 0, system: 0, firstTime: 0, lastTime: 0 }
}

export const db = new AppDB()
