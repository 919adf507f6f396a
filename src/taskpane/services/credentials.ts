// Credential storage for API sources. Never the workbook or its settings (anyone with the file reads those):
// OfficeRuntime.storage when the shared runtime offers it, else localStorage partitioned by Office.context.partitionKey.
// Neither is a vault: OfficeRuntime.storage is "persistent, unencrypted, key-value storage ... 10 MB of data per
// domain. Domains can be shared by more than one add-in" (docs "Runtime for Excel custom functions"); localStorage is
// the webview's, per origin. The `where` text tells the user exactly that.

export interface CredentialStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  remove(key: string): Promise<void>;
  /** where the values live, for the UI */
  readonly where: string;
}

interface AsyncStorage {
  getItem(k: string): Promise<string | null>;
  setItem(k: string, v: string): Promise<void>;
  removeItem(k: string): Promise<void>;
}

const PREFIX = 'ailabor.credential.';

export function partitionPrefix(): string {
  const g = globalThis as unknown as { Office?: { context?: { partitionKey?: string } } };
  const pk = g.Office?.context?.partitionKey;
  return pk ? `${pk}${PREFIX}` : PREFIX;
}

export function createCredentialStore(): CredentialStore {
  const g = globalThis as unknown as { OfficeRuntime?: { storage?: AsyncStorage }; localStorage?: Storage };
  const rt = g.OfficeRuntime?.storage;
  if (rt && typeof rt.getItem === 'function') {
    return {
      where: 'OfficeRuntime.storage on this computer: not encrypted, and readable by any add-in served from the same web domain',
      get: async (k) => (await rt.getItem(PREFIX + k)) ?? undefined,
      set: (k, v) => rt.setItem(PREFIX + k, v),
      remove: (k) => rt.removeItem(PREFIX + k),
    };
  }
  const ls = g.localStorage;
  if (ls) {
    const p = partitionPrefix();
    return {
      where: 'this browser’s local storage for the add-in’s web address: not encrypted, readable by pages of the same origin',
      get: async (k) => ls.getItem(p + k) ?? undefined,
      set: async (k, v) => ls.setItem(p + k, v),
      remove: async (k) => ls.removeItem(p + k),
    };
  }
  const mem = new Map<string, string>();
  return {
    where: 'memory only (lost when the pane closes)',
    get: async (k) => mem.get(k),
    set: async (k, v) => void mem.set(k, v),
    remove: async (k) => void mem.delete(k),
  };
}
