/**
 * Where the host keeps secret keys: encrypted at rest, never in workspace.json, never sent to the
 * renderer. Electron uses the OS keychain through safeStorage; browser mode and plain Node use a
 * random key file readable only by the user.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { chmod, mkdir, open, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from '../fs/atomic-write'

export interface SecretStore {
  save(id: string, secret: string): Promise<void>
  load(id: string): Promise<string | null>
  remove(id: string): Promise<void>
}

/** Config directories hold secrets: only the user may list or enter them. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 })
}

/** Runs async operations one at a time, so read-modify-write cycles of one file never interleave. */
class Queue {
  private tail: Promise<unknown> = Promise.resolve()
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn)
    this.tail = next.catch(() => undefined)
    return next
  }
}

type Entries = Record<string, string>

async function readEntries(path: string, what: string): Promise<Entries> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return Object.create(null) as Entries
    throw e
  }
  const parsed = JSON.parse(text) as { version?: number; entries?: unknown }
  if (parsed.version !== 1 || typeof parsed.entries !== 'object' || parsed.entries === null) {
    throw new Error(`${path} is not a ${what} file this version understands`)
  }
  const out: Entries = Object.create(null) as Entries
  for (const [k, val] of Object.entries(parsed.entries)) if (typeof val === 'string') out[k] = val
  return out
}

function writeEntries(path: string, entries: Entries): Promise<void> {
  // 0o600 from the moment the temporary file exists: a secret is never readable by others.
  return writeFileAtomic(path, JSON.stringify({ version: 1, entries }, null, 2) + '\n', { mode: 0o600 })
}

/**
 * AES-256-GCM with a random 32-byte key in `${configDir}/secret.key` (0600) and the ciphertexts
 * in `${configDir}/secrets.json` (0600). The entry id is authenticated data, so a ciphertext moved
 * to another id fails to decrypt instead of handing out the wrong key.
 *
 * This protects against the secrets file being copied on its own (a backup, a support bundle); a
 * process running as the same user can read both files. That is the same bar as ~/.ssh.
 */
export class FileSecretStore implements SecretStore {
  private readonly keyPath: string
  private readonly dataPath: string
  private readonly queue = new Queue()
  private key: Buffer | undefined

  constructor(private readonly configDir: string) {
    this.keyPath = join(configDir, 'secret.key')
    this.dataPath = join(configDir, 'secrets.json')
  }

  save(id: string, secret: string): Promise<void> {
    return this.queue.run(async () => {
      const key = await this.getKey(true)
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', key!, iv)
      cipher.setAAD(Buffer.from(id, 'utf8'))
      const data = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()])
      const tag = cipher.getAuthTag()
      const entries = await readEntries(this.dataPath, 'secrets')
      entries[id] = `v1:${iv.toString('base64')}:${tag.toString('base64')}:${data.toString('base64')}`
      await writeEntries(this.dataPath, entries)
    })
  }

  load(id: string): Promise<string | null> {
    return this.queue.run(async () => {
      const entries = await readEntries(this.dataPath, 'secrets')
      const blob = entries[id]
      if (blob === undefined) return null
      const key = await this.getKey(false)
      if (!key) return null
      const [ver, iv, tag, data] = blob.split(':')
      if (ver !== 'v1' || !iv || !tag || data === undefined) return null
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'))
        decipher.setAAD(Buffer.from(id, 'utf8'))
        decipher.setAuthTag(Buffer.from(tag, 'base64'))
        return Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString('utf8')
      } catch {
        // The key file was replaced or the entry tampered with: the saved key is gone, not a bug.
        return null
      }
    })
  }

  remove(id: string): Promise<void> {
    return this.queue.run(() => removeEntry(this.dataPath, id))
  }

  private async getKey(create: true): Promise<Buffer>
  private async getKey(create: false): Promise<Buffer | null>
  private async getKey(create: boolean): Promise<Buffer | null> {
    if (this.key) return this.key
    await ensurePrivateDir(this.configDir)
    try {
      const key = await readFile(this.keyPath)
      if (key.length !== 32) throw new Error(`${this.keyPath} is damaged (expected 32 bytes, found ${key.length}); delete it and connect again`)
      // An older copy may have been created under a looser umask or copied around.
      if (((await stat(this.keyPath)).mode & 0o077) !== 0) await chmod(this.keyPath, 0o600)
      this.key = key
      return key
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
    }
    if (!create) return null
    const key = randomBytes(32)
    try {
      // 'wx': if another process created the key meanwhile, use theirs rather than overwrite it.
      const fh = await open(this.keyPath, 'wx', 0o600)
      try {
        await fh.writeFile(key)
        await fh.sync()
      } finally {
        await fh.close()
      }
      this.key = key
      return key
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return this.getKey(true)
      throw e
    }
  }
}

/** The part of Electron's safeStorage this store uses (injected, so tests need no Electron). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean
  encryptString(plainText: string): Buffer
  decryptString(encrypted: Buffer): string
}

/**
 * Electron: the OS keychain (Keychain, DPAPI, libsecret/kwallet) encrypts, and only the ciphertext
 * lands in `${configDir}/safe-secrets.json` (0600).
 */
export class SafeStorageSecretStore implements SecretStore {
  private readonly dataPath: string
  private readonly queue = new Queue()

  constructor(
    private readonly safeStorage: SafeStorageLike,
    private readonly configDir: string
  ) {
    this.dataPath = join(configDir, 'safe-secrets.json')
  }

  save(id: string, secret: string): Promise<void> {
    return this.queue.run(async () => {
      if (!this.safeStorage.isEncryptionAvailable()) {
        throw new Error(
          'The system keychain is not available, so the secret key cannot be stored encrypted. Unlock or install a keyring (on Linux: GNOME Keyring or KWallet) and try again.'
        )
      }
      const blob = this.safeStorage.encryptString(secret).toString('base64')
      await ensurePrivateDir(this.configDir)
      const entries = await readEntries(this.dataPath, 'secrets')
      entries[id] = blob
      await writeEntries(this.dataPath, entries)
    })
  }

  load(id: string): Promise<string | null> {
    return this.queue.run(async () => {
      const entries = await readEntries(this.dataPath, 'secrets')
      const blob = entries[id]
      if (blob === undefined || !this.safeStorage.isEncryptionAvailable()) return null
      try {
        return this.safeStorage.decryptString(Buffer.from(blob, 'base64'))
      } catch {
        // The keychain entry was reset (new OS profile, restored backup): the key must be re-entered.
        return null
      }
    })
  }

  remove(id: string): Promise<void> {
    return this.queue.run(() => removeEntry(this.dataPath, id))
  }
}

/** Deletes one saved secret; both stores keep their ciphertexts in the same file layout. */
async function removeEntry(dataPath: string, id: string): Promise<void> {
  const entries = await readEntries(dataPath, 'secrets')
  if (!(id in entries)) return
  delete entries[id]
  await writeEntries(dataPath, entries)
}
