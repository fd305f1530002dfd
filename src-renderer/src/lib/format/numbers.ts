/**
 * Sizes, durations, counts, seq ranges and coordinates in the UI locale: the shared formatter
 * (src-main/shared/format.ts), the same one every export and the CLI use, so a size or a seq range
 * reads the same in the app as in an exported file.
 */
export { formatBytes, formatCount, formatDegrees, formatDuration, formatSeqRange, formatSeqRanges } from '@shared/format'
