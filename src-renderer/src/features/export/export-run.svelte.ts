/**
 * One export from the app: count, then stream the selection from the store to the host chunk by
 * chunk (each write answered once written, so memory stays bounded), with progress, ETA and cancel.
 */
import { exportPeople } from '@renderer/lib/people/export-people'
import type { AppError, ExportFinished, ExportFormatName, ExportMediaChoice, ExportStartInput } from '@shared/ipc/contract'
import { api } from '@renderer/lib/ipc/api'
import { compileSelection, countSelection, readSelection, selectionClauses, type ExportSelection } from './read-messages'

export interface ExportOptions extends ExportSelection {
  format: ExportFormatName
  split?: string
  groups: ExportStartInput['groups']
  suggestedName: string
  /** Carry the kept media: in a media/ folder, or inlined into one HTML page. */
  media?: ExportMediaChoice
}

/** The host refused a step of the export: its AppError, for the page to word. */
class HostRefused extends Error {
  constructor(readonly error: AppError) {
    super(error.message)
  }
}

export type ExportPhase = 'idle' | 'counting' | 'choosing' | 'writing' | 'finishing' | 'done' | 'cancelled' | 'failed'

export class ExportRun {
  phase = $state<ExportPhase>('idle')
  total = $state(0)
  written = $state(0)
  /** Media files copied so far (an export with media). */
  mediaFiles = $state(0)
  etaSeconds = $state<number | null>(null)
  error = $state('')
  /** Set when the host refused: the page words it (the English `error` stays for the record). */
  hostError = $state.raw<AppError | null>(null)
  result = $state.raw<ExportFinished | null>(null)
  destination = $state('')
  private abort: AbortController | null = null
  private exportId: string | null = null

  get active(): boolean {
    return this.phase === 'counting' || this.phase === 'choosing' || this.phase === 'writing' || this.phase === 'finishing'
  }

  async start(o: ExportOptions): Promise<void> {
    this.abort = new AbortController()
    const signal = this.abort.signal
    this.error = ''
    this.hostError = null
    this.result = null
    this.written = 0
    this.mediaFiles = 0
    this.etaSeconds = null
    const clauses = selectionClauses(o)
    if ('error' in clauses) {
      this.phase = 'failed'
      this.error = clauses.at >= 0 ? `${clauses.error} (at character ${clauses.at + 1})` : clauses.error
      return
    }
    const keep = compileSelection(clauses)
    try {
      this.phase = 'counting'
      this.total = await countSelection(o, keep, signal)
      if (signal.aborted) return this.stopped()
      this.phase = 'choosing'
      // The senders' names as the archive keeps them (lib/people): "name (account)" in the file.
      const people = await exportPeople(o.gks).catch(() => [])
      const input = {
        format: o.format,
        query: o.query,
        groups: o.groups,
        timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
        count: this.total,
        suggestedName: o.suggestedName,
        ...(o.split ? { split: o.split } : {}),
        ...(o.media ? { media: o.media } : {}),
        ...(o.from ? { after: o.from } : {}),
        ...(o.to ? { before: o.to } : {}),
        ...(people.length ? { people } : {})
      }
      const started = await api.export.start(input)
      if (!started.ok) {
        if (started.error.code === 'CANCELLED') return this.stopped()
        throw new HostRefused(started.error)
      }
      this.exportId = started.value.exportId
      this.destination = started.value.destination
      if (signal.aborted) return await this.cancel()
      this.phase = 'writing'
      const t0 = performance.now()
      for await (const chunk of readSelection(o, keep, signal)) {
        const w = await api.export.write(started.value.exportId, chunk)
        if (!w.ok) throw new HostRefused(w.error)
        this.written = w.value.messages
        this.mediaFiles = w.value.mediaFiles ?? 0
        const secs = (performance.now() - t0) / 1000
        const rate = this.written / Math.max(secs, 0.001)
        this.etaSeconds = rate > 0 ? Math.max(0, (this.total - this.written) / rate) : null
      }
      if (signal.aborted) return await this.cancel()
      this.phase = 'finishing'
      const done = await api.export.finish(started.value.exportId)
      if (!done.ok) throw new HostRefused(done.error)
      this.exportId = null
      this.result = done.value
      this.phase = 'done'
      // Browser mode: the host offers the file once; the browser saves it like any download.
      if (done.value.downloadUrl) {
        const a = document.createElement('a')
        a.href = done.value.downloadUrl
        a.download = done.value.files[0] ?? ''
        document.body.append(a)
        a.click()
        a.remove()
      }
    } catch (e) {
      if (this.exportId) await api.export.cancel(this.exportId).catch(() => undefined)
      this.exportId = null
      if (signal.aborted) return this.stopped()
      this.phase = 'failed'
      this.error = e instanceof Error ? e.message : String(e)
      if (e instanceof HostRefused) this.hostError = e.error
    }
  }

  private stopped(): void {
    this.phase = 'cancelled'
  }

  /** Stops the export; the host removes its temporary file. */
  async cancel(): Promise<void> {
    this.abort?.abort()
    const id = this.exportId
    this.exportId = null
    if (id) await api.export.cancel(id)
    this.phase = 'cancelled'
  }
}
