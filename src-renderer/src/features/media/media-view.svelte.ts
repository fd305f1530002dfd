/**
 * Whether the main area shows the selected group's Media view instead of its timeline (as
 * chartsState does for the charts; the two are never open together). Kept while switching groups.
 */
class MediaViewState {
  open = $state(false)
}

export const mediaViewState = new MediaViewState()
