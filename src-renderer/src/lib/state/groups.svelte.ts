/**
 * The group list (live from the store), the selection, the sidebar filter, and the actions that
 * add groups (by ID or by discovery).
 */
import { liveQuery } from 'dexie'
import type { AppError, GroupProfile, Result } from '@shared/ipc/contract'
import { importedWorkspaceId } from '@renderer/lib/db/app-db'
import { addGroups, listGroups, type GroupView } from '@renderer/lib/db/groups-repo'
import { nestTopics } from '@renderer/lib/db/channel-name'
import { deleteGroup, setSyncStopped, type DeleteProgress } from '@renderer/lib/db/delete-group'
import { retentionKey, setSetting } from '@renderer/lib/db/settings'
import { api } from '@renderer/lib/ipc/api'
import { errorMessage } from './workspace.svelte'

export interface AddByIdResult {
  added: string[]
  already: string[]
  /** `problem`: why, for the page to word (`reason` is the host's English). */
  rejected: { groupId: string; reason: string; problem?: AppError }[]
  error?: AppError
}

/** Splits what the admin typed into group IDs (spaces, commas, semicolons or new lines). */
export function parseGroupIds(text: string): string[] {
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a local de-duplication, not state
  return [...new Set(text.split(/[\s,;，；]+/).filter(Boolean))]
}

export { nestTopics, type NestedGroup } from '@renderer/lib/db/channel-name'

class GroupsState {
  list = $state.raw<GroupView[]>([])
  loaded = $state(false)
  loadError = $state<string | null>(null)
  selectedGk = $state<string | null>(null)
  filter = $state('')

  selected = $derived(this.list.find((g) => g.row.gk === this.selectedGk) ?? null)

  filtered = $derived.by(() => {
    const q = this.filter.trim().toLowerCase()
    if (!q) return this.list
    return this.list.filter((g) => g.row.groupId.toLowerCase().includes(q) || g.row.profile.name.toLowerCase().includes(q))
  })

  /**
   * The sidebar's tree: each group with its Community topics under it (issue 18 §2), in the list's
   * order. With a filter, a group is listed when it or one of its topics matches, with all its
   * topics when the group matches and the matching ones otherwise. A topic whose group is not
   * listed (e.g. deleted) stands on its own.
   */
  nested = $derived.by(() => nestTopics(this.list, new Set(this.filtered.map((g) => g.row.gk))))

  /**
   * Follows the store for a workspace's groups plus imported ones. Call from an $effect that has
   * already read `workspaceId` (reactive inputs are read before the liveQuery is built, or it
   * would not re-run); returns the unsubscribe.
   */
  watch(workspaceId: string | null): () => void {
    const ids = workspaceId ? [workspaceId, importedWorkspaceId] : [importedWorkspaceId]
    const sub = liveQuery(() => listGroups(ids)).subscribe({
      next: (list) => {
        this.list = list
        this.loaded = true
        this.loadError = null
        if (this.selectedGk && !list.some((g) => g.row.gk === this.selectedGk)) this.selectedGk = null
      },
      error: (e: unknown) => {
        this.loadError = errorMessage(e)
        this.loaded = true
      }
    })
    return () => sub.unsubscribe()
  }

  select(gk: string | null): void {
    this.selectedGk = gk
  }

  /** Validates IDs with the host; adds the archivable ones, reports the others with the reason. */
  async addById(workspaceId: string, ids: string[]): Promise<AddByIdResult> {
    const out: AddByIdResult = { added: [], already: [], rejected: [] }
    const res = await api.groups.lookup(ids)
    if (!res.ok) return { ...out, error: res.error }
    const archivable = res.value.filter((p) => p.archivable)
    for (const p of res.value) {
      if (!p.archivable) out.rejected.push({ groupId: p.groupId, reason: p.reason ?? p.type, ...(p.problem ? { problem: p.problem } : {}) })
    }
    // An ID the host did not answer for at all is reported too, rather than silently dropped.
    for (const id of ids) {
      if (!res.value.some((p) => p.groupId === id))
        out.rejected.push({ groupId: id, reason: 'no such group', problem: { code: 'NOT_FOUND', message: 'no such group', params: { groupId: id } } })
    }
    if (archivable.length) {
      const { added, refreshed } = await addGroups(workspaceId, archivable)
      out.added = added
      out.already = refreshed
      if (added[0]) this.selectedGk = added[0]
    }
    return out
  }

  discover(): Promise<Result<GroupProfile[]>> {
    return api.groups.discover()
  }

  async addProfiles(workspaceId: string, profiles: GroupProfile[]): Promise<string[]> {
    const { added } = await addGroups(
      workspaceId,
      profiles.filter((p) => p.archivable)
    )
    return added
  }

  async setRetention(gk: string, days: number): Promise<void> {
    await setSetting(retentionKey(gk), days)
  }

  /** Stop syncing (or resume): Sync all and the scheduled sync skip the group; its archive stays. */
  setSyncStopped(gk: string, stopped: boolean): Promise<void> {
    return setSyncStopped(gk, stopped)
  }

  /** Deletes the group and everything derived from it, all or nothing (db/delete-group.ts). */
  async delete(gk: string, onProgress?: (p: DeleteProgress) => void): Promise<number> {
    const { messages } = await deleteGroup(gk, onProgress ? { onProgress } : {})
    if (this.selectedGk === gk) this.selectedGk = null
    return messages
  }
}

export const groups = new GroupsState()
