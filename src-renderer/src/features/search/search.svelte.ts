/**
 * The search panel's state, kept while the panel is closed: the fields, and the current run's
 * count and loaded pages. Each new search supersedes the one before (a generation counter drops
 * answers that arrive late).
 */
import { search, type SearchHit, type SearchRun } from '@renderer/lib/search'
import type { Query, QueryError } from '@shared/search/query'
import { marksText } from './highlight'
import { datesReversed, initialScope, scopeKey, toRequest, type SearchFields } from './search-fields'
import { groups } from '@renderer/lib/state/groups.svelte'
import { withReadPriority } from '@renderer/lib/db/read-priority'

function sessionStore(): Storage | undefined {
  try {
    return globalThis.sessionStorage
  } catch {
    return undefined
  }
}

/** Results read per page (and per "load more"). */
export const pageSize = 50

class SearchState {
  open = $state(false)
  query = $state('')
  /** "This group" (the open one) by default: a group's own results are what its reader wants first. */
  scope = $state<'group' | 'all'>(initialScope(sessionStore()))
  fromDate = $state('')
  toDate = $state('')
  sender = $state('')

  /** 'idle': nothing searched yet (or cleared). */
  phase = $state<'idle' | 'searching' | 'ready' | 'query-error' | 'failed'>('idle')
  queryError = $state<QueryError | null>(null)
  /** The query text the error's offset refers to. */
  erroredQuery = $state('')
  failure = $state('')
  hits = $state.raw<SearchHit[]>([])
  /** Exact number of matches; null while counting. */
  total = $state<number | null>(null)
  loadingMore = $state(false)
  /** The parsed query of the shown results (snippets highlight its words and phrases). */
  parsed = $state.raw<Query | null>(null)
  /** The result last opened in its timeline, with the query whose hits the timeline marks. */
  opened = $state.raw<{ gk: string; query: Query } | null>(null)
  private run: SearchRun | null = null
  private generation = 0

  hasMore = $derived(this.total === null ? this.hits.length % pageSize === 0 && this.hits.length > 0 : this.hits.length < this.total)
  datesReversed = $derived(datesReversed(this))
  /** The scope is a choice of its own (remembered), not a filter "Clear filters" resets. */
  hasFilters = $derived(this.fromDate !== '' || this.toDate !== '' || this.sender.trim() !== '')

  fields(groupGk: string | null): SearchFields {
    const open = groupGk ? groups.list.find((g) => g.row.gk === groupGk)?.row : undefined
    // A Community's "This group" is the group with its topics; a topic's, the topic alone.
    const topicGks =
      open && !open.topic ? groups.list.filter((g) => g.row.workspaceId === open.workspaceId && g.row.topic?.groupId === open.groupId).map((g) => g.row.gk) : []
    return {
      query: this.query,
      scope: this.scope,
      groupGk,
      ...(topicGks.length ? { topicGks } : {}),
      fromDate: this.fromDate,
      toDate: this.toDate,
      sender: this.sender
    }
  }

  /** Runs a search for the current fields; `groupGk` is the selected group ("this group"). */
  async search(groupGk: string | null): Promise<void> {
    const gen = ++this.generation
    this.run = null
    this.loadingMore = false
    const hasFilter = this.fromDate !== '' || this.toDate !== '' || this.sender.trim() !== ''
    if (!this.query.trim() && !hasFilter) {
      // Nothing to search by: show what can be typed rather than every message.
      this.phase = 'idle'
      this.hits = []
      this.total = null
      return
    }
    if (this.datesReversed) return
    this.phase = 'searching'
    this.queryError = null
    this.total = null
    try {
      await withReadPriority(() => this.firstPage(gen, groupGk))
    } catch (e) {
      if (gen === this.generation) this.fail(e)
    }
  }

  /** The search's first page (and its count started), the part the user waits for. */
  private async firstPage(gen: number, groupGk: string | null): Promise<void> {
    const outcome = await search(toRequest(this.fields(groupGk)))
    if (gen !== this.generation) return
    if (!outcome.ok) {
      this.queryError = outcome.error
      this.erroredQuery = this.query
      this.hits = []
      this.phase = 'query-error'
      return
    }
    const run = outcome.run
    this.run = run
    void run.count().then(
      (n) => {
        if (gen === this.generation) this.total = n
      },
      (e: unknown) => {
        if (gen === this.generation) this.fail(e)
      }
    )
    const first = await run.page(0, pageSize)
    if (gen !== this.generation) return
    this.hits = first
    this.parsed = run.query
    this.phase = 'ready'
  }

  /** Reads the next page of the current run. */
  async more(): Promise<void> {
    const run = this.run
    if (!run || this.loadingMore || !this.hasMore || this.phase !== 'ready') return
    const gen = this.generation
    this.loadingMore = true
    try {
      const next = await run.page(this.hits.length, pageSize)
      if (gen !== this.generation) return
      this.hits = [...this.hits, ...next]
      // A short page means the end, even before count() has answered.
      if (next.length < pageSize && this.total === null) this.total = this.hits.length
    } catch (e) {
      if (gen === this.generation) this.fail(e)
    } finally {
      if (gen === this.generation) this.loadingMore = false
    }
  }

  /** Remembers that a result of the shown query was opened in group `gk`'s timeline. */
  openedIn(gk: string): void {
    this.opened = this.parsed && marksText(this.parsed) ? { gk, query: this.parsed } : null
  }

  /**
   * The query whose hits group `gk`'s timeline marks: the one a result was opened from, while the
   * search box still holds a query (clearing it clears the marks).
   */
  highlightFor(gk: string): Query | null {
    const o = this.opened
    return o && o.gk === gk && this.query.trim() !== '' ? o.query : null
  }

  clearFilters(): void {
    this.fromDate = ''
    this.toDate = ''
    this.sender = ''
  }

  /** Sets the scope and remembers it for the session. */
  setScope(scope: 'group' | 'all'): void {
    this.scope = scope
    try {
      sessionStore()?.setItem(scopeKey, scope)
    } catch {
      // Storage refused (private mode): the choice lasts while the page does.
    }
  }

  private fail(e: unknown): void {
    this.failure = e instanceof Error ? e.message : String(e)
    this.phase = 'failed'
  }
}

export const searchState = new SearchState()
