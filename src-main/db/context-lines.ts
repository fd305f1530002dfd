/**
 * The team archive's context (issue 18 §3 in PostgreSQL): the same lines as the context file
 * (archive/context-file.ts), one row each in tim_archive.context_lines, append-only, written only
 * when something changed since the group's last line (contextLinesFor, shared with the file's
 * writer). A group's lines are read once per run, then kept in memory.
 */
import type pg from 'pg'
import { contextLinesFor, type PersonSighting } from '../archive/context-file'
import { applyContextLine, parseContext, type ArchiveContext } from '../shared/context-lines'

export class DbContextWriter {
  private readonly ctx: ArchiveContext = parseContext('')
  private readonly loaded = new Set<string>()
  private chain: Promise<unknown> = Promise.resolve()
  /** Lines written by this writer. */
  appended = 0

  constructor(private readonly pool: pg.Pool) {}

  /** Notes what a pull saw of one group; answers how many lines were added. Serialized. */
  note(
    groupId: string,
    seenAt: number,
    what: { group?: { name?: string; groupType?: string } | null; topics?: { topicId: string; name?: string }[]; people?: PersonSighting[] }
  ): Promise<number> {
    const run = async (): Promise<number> => {
      if (!this.loaded.has(groupId)) {
        const r = await this.pool.query<{ line: unknown }>(`SELECT line FROM tim_archive.context_lines WHERE group_id = $1 ORDER BY line_no`, [groupId])
        for (const row of r.rows) applyContextLine(this.ctx, row.line)
        this.loaded.add(groupId)
      }
      const lines = contextLinesFor(this.ctx, groupId, seenAt, what.group ?? null, what.topics ?? [], what.people ?? [])
      if (lines.length === 0) return 0
      await this.pool.query(
        `INSERT INTO tim_archive.context_lines (group_id, kind, topic_id, account, seen_at, line)
         SELECT $1, k, t, a, s, l::json FROM unnest($2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[]) AS x(k, t, a, s, l)`,
        [
          groupId,
          lines.map((l) => l.type),
          lines.map((l) => ('topicId' in l ? l.topicId : null)),
          lines.map((l) => ('account' in l ? l.account : null)),
          lines.map((l) => l.seenAt),
          lines.map((l) => JSON.stringify(l))
        ]
      )
      this.appended += lines.length
      return lines.length
    }
    const p = this.chain.then(run)
    this.chain = p.catch(() => undefined)
    return p
  }
}
