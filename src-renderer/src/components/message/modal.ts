/**
 * The message dialogs' one way to open (details, link confirmation, image viewer): as a modal over
 * the timeline, focus on `first`. The returned cleanup (onMount's) closes it and gives focus back
 * to whatever had it before, whichever way the dialog closed. The opener is remembered here
 * because showModal() moves focus.
 */
export function openModal(dialog: HTMLDialogElement | undefined, first: HTMLElement | undefined): () => void {
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null
  dialog?.showModal()
  first?.focus()
  return () => {
    if (dialog?.open) dialog.close()
    if (opener?.isConnected) opener.focus({ preventScroll: true })
  }
}
