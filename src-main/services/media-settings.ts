/**
 * The app's media settings (issue 17 §1 "Limits"): which types and image sizes to keep, the
 * per-file cap, hosts added to the allow-list and the disk budget. Stored by the host in
 * `<configDir>/media-settings.json` (written atomically, like workspace.json), so the Electron app
 * and browser mode (`tim-archive serve`, same config folder) keep the same ones. MediaService
 * applies them to every download that starts after a change.
 *
 * The channel's schema checks the shape (shared/ipc/schemas.ts); the host checks what only it can:
 * each added host is a usable allow-list pattern (media/url-policy.ts normalizeHostPattern), never
 * `*` or a whole top-level domain.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from '../fs/atomic-write'
import { DEFAULT_LIMITS, type MediaLimits } from '../media/outcome'
import { normalizeHostPattern } from '../media/url-policy'
import type { MediaSettings, Result } from '../shared/ipc/contract'
import { fail, ok } from './app-errors'
import { ensurePrivateDir } from './secret-store'

export const MEDIA_SETTINGS_FILE = 'media-settings.json'

const MB = 1024 * 1024

/** By default an archive is complete (outcome.ts DEFAULT_LIMITS), with no disk budget. */
export function defaultMediaSettings(): MediaSettings {
  return {
    images: { ...DEFAULT_LIMITS.images },
    files: DEFAULT_LIMITS.files,
    voice: DEFAULT_LIMITS.voice,
    video: DEFAULT_LIMITS.video,
    maxFileMB: DEFAULT_LIMITS.maxFileBytes / MB,
    extraHosts: [],
    budgetMB: null
  }
}

/** The limits the fetcher and the queue apply. */
export function limitsOf(s: MediaSettings): MediaLimits {
  return {
    maxFileBytes: Math.max(1, Math.round(s.maxFileMB * MB)),
    images: { ...s.images },
    files: s.files,
    voice: s.voice,
    video: s.video
  }
}

/** The budget in bytes, or null for none. */
export function budgetBytesOf(s: MediaSettings): number | null {
  return s.budgetMB === null ? null : Math.round(s.budgetMB * MB)
}

/**
 * The settings with each added host normalized (lower case, `.example.com` as `*.example.com`,
 * duplicates dropped), or INVALID naming the first host that cannot be used.
 */
export function checkMediaSettings(s: MediaSettings): Result<MediaSettings> {
  const hosts: string[] = []
  for (const h of s.extraHosts) {
    const p = normalizeHostPattern(h)
    if (!p) {
      return fail(
        'INVALID',
        `"${h}" cannot be added to the media allow-list: give a host name such as files.example.com or *.example.com (not "*" or a whole top-level domain).`,
        {
          params: { reason: 'mediaHost', host: h }
        }
      )
    }
    if (!hosts.includes(p)) hosts.push(p)
  }
  return ok({ ...s, images: { ...s.images }, extraHosts: hosts })
}

interface Stored {
  version: 1
  settings: MediaSettings
  /** When the settings last changed (epoch ms): refusals recorded before it are looked at again. */
  changedAt: number
}

/** A stored value as settings, each field falling back to its default (a hand-edited file). */
function fromStored(v: unknown): { settings: MediaSettings; changedAt: number } | null {
  if (typeof v !== 'object' || v === null) return null
  const o = v as Partial<Stored>
  const s = (typeof o.settings === 'object' && o.settings !== null ? o.settings : {}) as Partial<MediaSettings>
  const d = defaultMediaSettings()
  const bool = (x: unknown, dflt: boolean) => (typeof x === 'boolean' ? x : dflt)
  const posNum = (x: unknown) => typeof x === 'number' && Number.isFinite(x) && x > 0
  const imgs = (typeof s.images === 'object' && s.images !== null ? s.images : {}) as Partial<MediaSettings['images']>
  const settings: MediaSettings = {
    images: { original: bool(imgs.original, true), large: bool(imgs.large, true), thumb: bool(imgs.thumb, true) },
    files: bool(s.files, d.files),
    voice: bool(s.voice, d.voice),
    video: s.video === 'all' || s.video === 'thumbnail' || s.video === 'off' ? s.video : d.video,
    maxFileMB: posNum(s.maxFileMB) ? s.maxFileMB! : d.maxFileMB,
    extraHosts: Array.isArray(s.extraHosts) ? s.extraHosts.filter((h): h is string => typeof h === 'string' && normalizeHostPattern(h) !== null) : [],
    budgetMB: posNum(s.budgetMB) ? s.budgetMB! : null
  }
  return { settings, changedAt: typeof o.changedAt === 'number' && Number.isFinite(o.changedAt) ? o.changedAt : 0 }
}

/** The settings file of a config folder. */
export class MediaSettingsStore {
  private cached: { settings: MediaSettings; changedAt: number } | null = null

  constructor(private readonly configDir: string) {}

  get path(): string {
    return join(this.configDir, MEDIA_SETTINGS_FILE)
  }

  /** The stored settings (the defaults when none are stored or the file cannot be read). */
  async load(): Promise<{ settings: MediaSettings; changedAt: number }> {
    if (this.cached) return this.cached
    let parsed: { settings: MediaSettings; changedAt: number } | null = null
    try {
      parsed = fromStored(JSON.parse(await readFile(this.path, 'utf8')))
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') console.error(`tim-archive: ignoring ${this.path}: ${(e as Error).message}`)
    }
    this.cached = parsed ?? { settings: defaultMediaSettings(), changedAt: 0 }
    return this.cached
  }

  /** Checks and stores new settings (atomically); answers them as stored. */
  async save(next: MediaSettings, now = Date.now()): Promise<Result<MediaSettings>> {
    const checked = checkMediaSettings(next)
    if (!checked.ok) return checked
    const stored: Stored = { version: 1, settings: checked.value, changedAt: now }
    await ensurePrivateDir(this.configDir)
    await writeFileAtomic(this.path, JSON.stringify(stored, null, 2) + '\n', { mode: 0o600 })
    this.cached = { settings: checked.value, changedAt: now }
    return checked
  }
}
