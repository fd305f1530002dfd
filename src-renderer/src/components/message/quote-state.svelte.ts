/**
 * Quotes whose quoted message the archive does not have, found by a click. Kept outside the quote
 * component: the jump reloads the timeline's rows, which mounts the quote again.
 */
import { SvelteSet } from 'svelte/reactivity'
import type { ReplyRef } from '@shared/tuikit/reply'

const missing = new SvelteSet<string>()
const key = (r: ReplyRef): string => `${r.messageId ?? ''}\u0000${r.seq ?? ''}\u0000${r.sender}\u0000${r.time ?? ''}`

export const quoteMissing = {
  has: (r: ReplyRef): boolean => missing.has(key(r)),
  set: (r: ReplyRef, value: boolean): void => {
    if (value) missing.add(key(r))
    else missing.delete(key(r))
  }
}
