/**
 * Whether the main area shows the selected group's charts instead of its timeline. Kept while
 * switching groups (a user comparing groups stays on the charts); opening a search result goes
 * back to the timeline.
 */
class ChartsState {
  open = $state(false)
}

export const chartsState = new ChartsState()
