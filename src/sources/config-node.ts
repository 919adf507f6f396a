// Node side of the month-end config: reads the JSON file and resolves the paths in it against its folder.
import { promises as fs } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { loadMonthEndConfig, type ConfigDeps, type LoadedConfig } from './config';
import { decodeText } from './common/text';

export async function loadMonthEndConfigFile(path: string, deps: Omit<ConfigDeps, 'readText'> = {}): Promise<LoadedConfig> {
  let json: unknown;
  try {
    json = JSON.parse(await fs.readFile(path, 'utf8'));
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new Error(`${path}: ${code === 'ENOENT' ? 'no such file' : e instanceof SyntaxError ? `not valid JSON (${e.message})` : (e as Error).message}`);
  }
  const dir = dirname(resolve(path));
  const at = (p: string) => (isAbsolute(p) ? p : resolve(dir, p));
  const readTable = deps.readTable;
  const loaded = await loadMonthEndConfig(json, path, {
    ...deps, readText: async (p) => decodeText(await fs.readFile(at(p))), ...(readTable ? { readTable: (p: string) => readTable(at(p)) } : {}),
  });
  // Output paths are relative to the config file too.
  for (const [k, v] of Object.entries(loaded.outputs)) loaded.outputs[k] = isAbsolute(v) ? v : resolve(dir, v);
  return loaded;
}
