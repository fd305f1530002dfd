/**
 * Chart colours come from the app's CSS variables (app.css), so the charts follow light and dark.
 * Canvas drawing (uPlot) needs the resolved values: read them from an element, and again when
 * the colour scheme changes.
 */
export interface ChartColors {
  fg: string
  muted: string
  border: string
  accent: string
  bg: string
}

export function readColors(el: Element): ChartColors {
  const style = getComputedStyle(el)
  const v = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback
  return {
    fg: v('--fg', '#1b1d21'),
    muted: v('--muted', '#5d6470'),
    border: v('--border', '#dcdfe4'),
    accent: v('--accent', '#1d5fd1'),
    bg: v('--bg', '#ffffff')
  }
}

/** Calls `onchange` when the system switches between light and dark; returns the unsubscribe. */
export function watchColorScheme(onchange: () => void): () => void {
  const mq = window.matchMedia('(prefers-color-scheme: dark)')
  mq.addEventListener('change', onchange)
  return () => mq.removeEventListener('change', onchange)
}
