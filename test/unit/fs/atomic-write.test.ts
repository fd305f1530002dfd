/**
 * The atomic-write helper and the files written through it, on real files. The real node:fs is
 * wrapped (every call still goes to disk) so the order of writes, fsyncs and renames can be read
 * back: a rename is durable only when the file was fsynced before it and its folder after it.
 */
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { textMessage } from '../../helpers/messages'

type Event =
  | { op: 'open'; path: string; flags: string; mode?: number; modeOnDisk: number }
  | { op: 'write' | 'sync' | 'close'; path: string }
  | { op: 'rename'; from: string; to: string }

const trace = vi.hoisted(() => [] as Event[])

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>()
  const { statSync } = await import('node:fs')
  const writes = new Set(['write', 'writeFile', 'appendFile', 'writev', 'truncate'])
  const syncs = new Set(['sync', 'datasync'])
  const open: typeof real.open = async (path, flags, mode) => {
    const fh = await real.open(path, flags, mode)
    const p = String(path)
    trace.push({ op: 'open', path: p, flags: String(flags ?? 'r'), mode: typeof mode === 'number' ? mode : undefined, modeOnDisk: statSync(p).mode & 0o777 })
    return new Proxy(fh, {
      get(target, key) {
        const v = Reflect.get(target, key, target) as unknown
        if (typeof v !== 'function') return v
        return (...args: unknown[]) => {
          const name = String(key)
          if (writes.has(name)) trace.push({ op: 'write', path: p })
          else if (syncs.has(name)) trace.push({ op: 'sync', path: p })
          else if (name === 'close') trace.push({ op: 'close', path: p })
          return (v as (...a: unknown[]) => unknown).apply(target, args)
        }
      }
    })
  }
  const rename: typeof real.rename = async (from, to) => {
    trace.push({ op: 'rename', from: String(from), to: String(to) })
    return real.rename(from, to)
  }
  const writeFile: typeof real.writeFile = async (path, ...rest) => {
    trace.push({ op: 'write', path: String(path) })
    return real.writeFile(path, ...rest)
  }
  const wrapped = { ...real, open, rename, writeFile }
  return { ...wrapped, default: wrapped }
})

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>()
  const paths = new Map<number, string>()
  const wrapped = {
    ...real,
    openSync: ((path: string, flags: string, mode?: number) => {
      const fd = real.openSync(path, flags, mode)
      paths.set(fd, path)
      trace.push({ op: 'open', path, flags, mode, modeOnDisk: real.fstatSync(fd).mode & 0o777 })
      return fd
    }) as typeof real.openSync,
    writeSync: ((fd: number, ...rest: unknown[]) => {
      trace.push({ op: 'write', path: paths.get(fd)! })
      return (real.writeSync as (...a: unknown[]) => number)(fd, ...rest)
    }) as typeof real.writeSync,
    writeFileSync: ((path: string, ...rest: unknown[]) => {
      trace.push({ op: 'write', path })
      return (real.writeFileSync as (...a: unknown[]) => void)(path, ...rest)
    }) as typeof real.writeFileSync,
    fsyncSync: (fd: number) => {
      trace.push({ op: 'sync', path: paths.get(fd)! })
      real.fsyncSync(fd)
    },
    closeSync: (fd: number) => {
      trace.push({ op: 'close', path: paths.get(fd)! })
      paths.delete(fd)
      real.closeSync(fd)
    },
    renameSync: (from: string, to: string) => {
      trace.push({ op: 'rename', from, to })
      real.renameSync(from, to)
    }
  }
  return { ...wrapped, default: wrapped }
})

const { commit, writeFileAtomic, writeFileAtomicSync } = await import('../../../src-main/fs/atomic-write')
const { JsonlArchive } = await import('../../../src-main/archive/jsonl-archive')
const { FileSecretStore } = await import('../../../src-main/services/secret-store')

/**
 * Every rename onto `finalPath` in the trace was durable: its source was fsynced after its last
 * write and before the rename, and the folder was fsynced after it. Returns how many there were.
 */
function expectDurableReplaces(finalPath: string): number {
  const renames = trace.flatMap((e, i) => (e.op === 'rename' && e.to === finalPath ? [{ i, from: e.from }] : []))
  for (const { i, from } of renames) {
    const before = trace.slice(0, i)
    const lastWrite = before.findLastIndex((e) => e.op === 'write' && e.path === from)
    const lastSync = before.findLastIndex((e) => e.op === 'sync' && e.path === from)
    expect(lastSync, `${from} is fsynced before it is renamed to ${finalPath}`).toBeGreaterThan(-1)
    expect(lastSync, `${from} is fsynced after its last write`).toBeGreaterThan(lastWrite)
    const dirSync = trace.slice(i + 1).findIndex((e) => e.op === 'sync' && e.path === dirname(finalPath))
    expect(dirSync, `${dirname(finalPath)} is fsynced after the rename to ${finalPath}`).toBeGreaterThan(-1)
  }
  return renames.length
}

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'atomic-'))
  trace.length = 0
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('writeFileAtomic', () => {
  it('fsyncs the file before the rename and the folder after it, and replaces the content whole', async () => {
    const path = join(dir, 'a.json')
    await writeFileAtomic(path, 'old')
    await writeFileAtomic(path, 'new')
    expect(expectDurableReplaces(path)).toBe(2)
    expect(await readFile(path, 'utf8')).toBe('new')
    expect(await readdir(dir)).toEqual(['a.json'])
  })

  it('creates the temporary file with the mode asked for, so a 0600 file is never readable by others', async () => {
    const path = join(dir, 'private.json')
    await writeFileAtomic(path, 'secret', { mode: 0o600 })
    const opened = trace.find((e) => e.op === 'open' && e.flags === 'wx')
    expect(opened).toMatchObject({ mode: 0o600 })
    expect(opened!.op === 'open' && opened!.modeOnDisk & 0o077).toBe(0)
    expect((await stat(path)).mode & 0o077).toBe(0)
  })

  it('leaves the old file and no temporary file when the rename fails', async () => {
    const path = join(dir, 'taken')
    await writeFileAtomic(join(path, 'x'), 'data').catch(() => undefined) // the folder does not exist
    const { mkdir } = await import('node:fs/promises')
    await mkdir(path)
    await writeFileAtomic(join(path, 'x'), 'old')
    // Renaming a file over a folder fails: the folder and its content stay, the temp file goes.
    await expect(writeFileAtomic(path, 'new')).rejects.toThrow()
    expect(await readFile(join(path, 'x'), 'utf8')).toBe('old')
    expect(await readdir(dir)).toEqual(['taken'])
  })
})

describe('writeFileAtomicSync (the window state saved while quitting)', () => {
  it('fsyncs the file before the rename and the folder after it, with the mode asked for', async () => {
    const path = join(dir, 'window-state.json')
    writeFileAtomicSync(path, '{"x":1}\n', { mode: 0o600 })
    writeFileAtomicSync(path, '{"x":2}\n', { mode: 0o600 })
    expect(expectDurableReplaces(path)).toBe(2)
    expect(await readFile(path, 'utf8')).toBe('{"x":2}\n')
    expect((await stat(path)).mode & 0o077).toBe(0)
    expect(await readdir(dir)).toEqual(['window-state.json'])
  })
})

describe('commit (a finished temporary file, e.g. an export written by a stream)', () => {
  it('fsyncs the temporary file, renames it and fsyncs the folder', async () => {
    const { writeFile } = await import('node:fs/promises')
    const temp = join(dir, '.out.partial')
    await writeFile(temp, 'all of it')
    await commit(temp, join(dir, 'out.txt'))
    expect(expectDurableReplaces(join(dir, 'out.txt'))).toBe(1)
    expect(await readdir(dir)).toEqual(['out.txt'])
  })
})

describe('files written through it', () => {
  it("pull's resume state is fsynced before its rename and its folder after it", async () => {
    const path = join(dir, 'chats.jsonl')
    const archive = await JsonlArchive.open(path)
    await archive.commit({ groupId: 'g', messages: [textMessage(1), textMessage(2)], range: [1, 2], top: 2 })
    await archive.commit({ groupId: 'g', messages: [textMessage(3)], range: [3, 3], top: 3 })
    await archive.close()
    expect(expectDurableReplaces(`${path}.state.json`)).toBeGreaterThanOrEqual(2)
    const state = JSON.parse(await readFile(`${path}.state.json`, 'utf8')) as { groups: Record<string, { top: number }> }
    expect(state.groups.g!.top).toBe(3)
  })

  it('the secret store writes its file 0600 from creation, durably', async () => {
    const store = new FileSecretStore(dir)
    await store.save('w1', 'the secret key')
    const dataPath = join(dir, 'secrets.json')
    expect(expectDurableReplaces(dataPath)).toBe(1)
    const rename = trace.find((e) => e.op === 'rename' && e.to === dataPath)!
    const created = trace.find((e) => e.op === 'open' && rename.op === 'rename' && e.path === rename.from)
    expect(created!.op === 'open' && created!.modeOnDisk & 0o077).toBe(0)
    expect((await stat(dataPath)).mode & 0o077).toBe(0)
    expect(await store.load('w1')).toBe('the secret key')
  })
})
