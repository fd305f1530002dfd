/** Importing a JSON Lines archive file: progress and the outcome, for the header's status line. */
import { importJsonl, ImportLineError, type ImportProgress, type ImportResult } from '@renderer/lib/db/import-jsonl'
import { ArchiveWriteError } from '@renderer/lib/db/archive-repo'
import type { RecordProblem } from '@shared/record-line'
import { errorMessage } from './workspace.svelte'
import { groups } from './groups.svelte'
import { api } from '@renderer/lib/ipc/api'
import type { MediaFolderImported } from '@shared/ipc/contract'
import type { ShownError } from '@renderer/lib/i18n'

export type ImportOutcome =
  | { kind: 'done'; file: string; result: ImportResult }
  | { kind: 'bad-line'; file: string; line: number; problem: RecordProblem }
  | { kind: 'storage-full'; file: string }
  | { kind: 'failed'; file: string; message: string }

/** What importing a `pull --media` folder (media.importFolder, Electron) ended with. */
export type MediaFolderOutcome = { kind: 'done'; value: MediaFolderImported } | { kind: 'failed'; error: ShownError }

class ImportState {
  running = $state(false)
  /** A media folder import is running. */
  mediaRunning = $state(false)
  mediaOutcome = $state<MediaFolderOutcome | null>(null)
  file = $state('')
  progress = $state<ImportProgress | null>(null)
  outcome = $state<ImportOutcome | null>(null)

  async run(file: File): Promise<void> {
    if (this.running) return
    this.running = true
    this.file = file.name
    this.outcome = null
    this.progress = { bytesRead: 0, totalBytes: file.size * 2, lines: 0, messages: 0 }
    try {
      const result = await importJsonl(file, (p) => (this.progress = p))
      this.outcome = { kind: 'done', file: file.name, result }
      const first = result.groups[0]
      if (first && !groups.selectedGk) groups.select(first)
    } catch (e) {
      if (e instanceof ImportLineError) this.outcome = { kind: 'bad-line', file: file.name, line: e.line, problem: e.problem }
      else if (e instanceof ArchiveWriteError && e.reason === 'quota') this.outcome = { kind: 'storage-full', file: file.name }
      else this.outcome = { kind: 'failed', file: file.name, message: errorMessage(e) }
    } finally {
      this.running = false
    }
  }

  dismiss(): void {
    this.outcome = null
  }

  /**
   * Asks the host to adopt a media folder `tim-archive pull --media` wrote (its native folder
   * picker): the imported archive's media then shows. Closing the picker changes nothing.
   */
  async importMediaFolder(): Promise<void> {
    if (this.mediaRunning) return
    this.mediaRunning = true
    this.mediaOutcome = null
    try {
      const r = await api.media.importFolder()
      if (r.ok) this.mediaOutcome = { kind: 'done', value: r.value }
      else if (r.error.code !== 'CANCELLED') this.mediaOutcome = { kind: 'failed', error: r.error }
    } catch (e) {
      this.mediaOutcome = { kind: 'failed', error: { message: errorMessage(e) } }
    } finally {
      this.mediaRunning = false
    }
  }

  dismissMedia(): void {
    this.mediaOutcome = null
  }
}

export const importer = new ImportState()
