/**
 * Every projection, in the order the write path runs them (projection.ts says what one is). A new
 * derived table is one more entry here: its module, its schema version in app-db.ts (whose upgrade
 * calls its `rebuild`), and nothing in the write path.
 */
import { activityProjection } from './activity'
import { mediaProjection } from './media'
import type { Projection, ProjectionName } from './projection'
import { searchProjection } from './search'
import { statsProjection } from './stats'

export type { GroupChanges, MergeStep, MessageChange, Projection, ProjectionName } from './projection'
export { activityProjection, mediaProjection, searchProjection, statsProjection }

export const projections: readonly Projection[] = [statsProjection, activityProjection, searchProjection, mediaProjection]

/** Every projection's name, in run order. */
export const allProjections: readonly ProjectionName[] = projections.map((p) => p.name)

/** The projections named (all when `names` is undefined), in run order. */
export function selectProjections(names?: readonly ProjectionName[]): Projection[] {
  return names ? projections.filter((p) => names.includes(p.name)) : [...projections]
}

/** The tables the given projections write, each once. */
export function projectionTables(list: readonly Projection[]): string[] {
  return [...new Set(list.flatMap((p) => p.tables))]
}
