import type { SafeStorage } from 'electron'
import { FileSecretStore, SafeStorageSecretStore, type SecretStore } from '../services/secret-store'

/**
 * The OS keychain through safeStorage. On Linux without GNOME Keyring or KWallet, Chromium falls
 * back to "basic_text", a hard-coded password: a random key file readable only by the user
 * (FileSecretStore) protects better than that.
 *
 * Only type imports from electron: safeStorage is passed in.
 */
export function secretStoreFor(safeStorage: SafeStorage, dir: string): SecretStore {
  if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') {
    return new FileSecretStore(dir)
  }
  return new SafeStorageSecretStore(safeStorage, dir)
}
