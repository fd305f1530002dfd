/**
 * Importing a JSON Lines archive file and its context file (`FILE.context.jsonl`, picked together
 * or the context alone later): progress and the outcome, for the header's status line.
 */
import { importContext, isContextFile, type ContextImportResult } from '@renderer/lib/db/import-context'
import { loadGroup } from '@renderer/lib/people/people.svelte'
import { importJsonl, ImportLineError, type ImportProgress, type ImportResult } from '@renderer/lib/db/import-jsonl'
import { ArchiveWriteError } from '@renderer/lib/db/archive-repo'
import type { RecordProblem } from '@shared/record-line'
import { errorMessage } from './workspace.svelte'
import { groups } from './groups.svelte'
import { api } from '@renderer/lib/ipc/api'
import type { MediaFolderImported } from '@shared/ipc/contract'
import type { ShownError } from '@renderer/lib/i18n'

export type ImportOutcome =
  | { kind: 'done'; file: string; result: ImportResult; context?: { file: string; result: ContextImportResult } }
  | { kind: 'context-done'; file: string; context: ContextImportResult }
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

  /**
   * Imports the picked files: archives first, then context files (so a context picked with its
   * archive finds the archive's groups). A context file alone applies to groups imported before.
   * The first failure stops the rest; what was imported before it stays.
   */
  async run(picked: File | readonly File[]): Promise<void> {
    if (this.running) return
    const files = Array.isArray(picked) ? [...(picked as readonly File[])] : [picked as File]
    const archives = files.filter((f) => !isContextFile(f.name))
    const contexts = files.filter((f) => isContextFile(f.name))
    if (archives.length + contexts.length === 0) return
    this.running = true
    this.outcome = null
    let last: ImportOutcome | null = null
    let current = ''
    try {
      for (const file of archives) {
        current = this.file = file.name
        this.progress = { bytesRead: 0, totalBytes: file.size * 2, lines: 0, messages: 0 }
        const result = await importJsonl(file, (p) => (this.progress = p))
        last = { kind: 'done', file: file.name, result }
        const first = result.groups[0]
        if (first && !groups.selectedGk) groups.select(first)
      }
      for (const file of contexts) {
        current = this.file = file.name
        this.progress = { bytesRead: 0, totalBytes: file.size, lines: 0, messages: 0 }
        const context = await importContext(file)
        // The page's name cache rereads the groups whose people changed.
        for (const gk of context.peopleGroups) await loadGroup(gk)
        last = last?.kind === 'done' ? { ...last, context: { file: file.name, result: context } } : { kind: 'context-done', file: file.name, context }
      }
      this.outcome = last
    } catch (e) {
      const name = current
      if (e instanceof ImportLineError) this.outcome = { kind: 'bad-line', file: name, line: e.line, problem: e.problem }
      else if (e instanceof ArchiveWriteError && e.reason === 'quota') this.outcome = { kind: 'storage-full', file: name }
      else this.outcome = { kind: 'failed', file: name, message: errorMessage(e) }
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
