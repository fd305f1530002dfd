// Secret keys are stored encrypted, in files only the user can read.
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { FileSecretStore, SafeStorageSecretStore, type SafeStorageLike } from '../../../src-main/services/secret-store'

const KEY = '194f6e6b1b5dfbc6fbce7b024eee0b2f399140c0f9a632ec197c67ed398c5e24'
let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tim-secrets-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const mode = async (p: string) => (await stat(p)).mode & 0o777

describe('FileSecretStore', () => {
  test('a saved key can be loaded again, also by a new instance', async () => {
    const store = new FileSecretStore(join(dir, 'cfg'))
    expect(await store.load('1400000001@china')).toBeNull()
    await store.save('1400000001@china', KEY)
    await store.save('1400000002@singapore', 'other')
    expect(await store.load('1400000001@china')).toBe(KEY)
    expect(await new FileSecretStore(join(dir, 'cfg')).load('1400000001@china')).toBe(KEY)
    expect(await store.load('1400000002@singapore')).toBe('other')
  })

  test('the key file and the secrets file are 0600, the directory 0700', async () => {
    const cfg = join(dir, 'cfg')
    await new FileSecretStore(cfg).save('id', KEY)
    expect(await mode(join(cfg, 'secret.key'))).toBe(0o600)
    expect(await mode(join(cfg, 'secrets.json'))).toBe(0o600)
    expect(await mode(cfg)).toBe(0o700)
  })

  test('the secrets file holds neither the key nor the encryption key', async () => {
    const cfg = join(dir, 'cfg')
    await new FileSecretStore(cfg).save('id', KEY)
    const text = await readFile(join(cfg, 'secrets.json'), 'utf8')
    const aes = await readFile(join(cfg, 'secret.key'))
    expect(aes).toHaveLength(32)
    expect(text).not.toContain(KEY)
    expect(text).not.toContain(Buffer.from(KEY).toString('base64'))
    expect(text).not.toContain(aes.toString('base64'))
    expect(text).not.toContain(aes.toString('hex'))
  })

  test('remove forgets one key; unknown and prototype-ish ids load as null', async () => {
    const store = new FileSecretStore(dir)
    await store.save('a', '1')
    await store.save('b', '2')
    await store.remove('a')
    await store.remove('never-saved')
    expect(await store.load('a')).toBeNull()
    expect(await store.load('b')).toBe('2')
    expect(await store.load('__proto__')).toBeNull()
    expect(await store.load('constructor')).toBeNull()
  })

  test('a ciphertext moved to another id, or a replaced key file, does not decrypt', async () => {
    const store = new FileSecretStore(dir)
    await store.save('a', KEY)
    const file = JSON.parse(await readFile(join(dir, 'secrets.json'), 'utf8')) as { entries: Record<string, string> }
    file.entries['b'] = file.entries['a']!
    await writeFile(join(dir, 'secrets.json'), JSON.stringify(file))
    expect(await store.load('b')).toBeNull()
    await writeFile(join(dir, 'secret.key'), Buffer.alloc(32, 7))
    expect(await new FileSecretStore(dir).load('a')).toBeNull()
  })

  test('concurrent saves all land (no lost update)', async () => {
    const store = new FileSecretStore(dir)
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.save(`id${i}`, `secret${i}`)))
    for (let i = 0; i < 20; i++) expect(await store.load(`id${i}`)).toBe(`secret${i}`)
  })
})

describe('SafeStorageSecretStore', () => {
  /** A stand-in for Electron's safeStorage: XOR "encryption", enough to see what is stored. */
  function fakeSafeStorage(available = true): SafeStorageLike {
    const x = (b: Buffer) => Buffer.from(b.map((c) => c ^ 0x5a))
    return {
      isEncryptionAvailable: () => available,
      encryptString: (s) => x(Buffer.from(s, 'utf8')),
      decryptString: (b) => x(b).toString('utf8')
    }
  }

  test('round trip through the keychain; only ciphertext on disk, 0600', async () => {
    const store = new SafeStorageSecretStore(fakeSafeStorage(), dir)
    await store.save('id', KEY)
    expect(await store.load('id')).toBe(KEY)
    const text = await readFile(join(dir, 'safe-secrets.json'), 'utf8')
    expect(text).not.toContain(KEY)
    expect(await mode(join(dir, 'safe-secrets.json'))).toBe(0o600)
    await store.remove('id')
    expect(await store.load('id')).toBeNull()
  })

  test('refuses to save when the keychain is unavailable, saying what to do', async () => {
    const store = new SafeStorageSecretStore(fakeSafeStorage(false), dir)
    await expect(store.save('id', KEY)).rejects.toThrow(/keychain is not available.*keyring/i)
  })
})
