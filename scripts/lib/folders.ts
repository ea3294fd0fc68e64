import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Makes `dir` and the folders above it that are missing, or throws an error saying in one line, Chinese first, which
 * part of the path is at fault and why (`what` names the setting, e.g. HUB_DATA_DIR). Node's own
 * `mkdirSync(dir, { recursive: true })` is not used: under a folder where `mkdir` answers ENOENT although the parent
 * exists (/proc) it retries for ever in one synchronous call, so `npm start` spun at full CPU and no signal could stop
 * it; elsewhere it throws errno text (EEXIST for a file in the way) that does not name the setting.
 */
export function makeFolder(dir: string, what: string, mode?: number): void {
  const full = resolve(dir);
  const missing: string[] = [];
  let at = full;
  for (;;) {
    const found = kindOf(at);
    if (found === 'folder') break;
    if (found === 'other') throw new Error(`${what}=${dir}：${at} 已存在但不是文件夹 (${what}: ${at} exists and is not a folder).`);
    missing.unshift(at);
    const up = dirname(at);
    if (up === at) break;
    at = up;
  }
  for (const folder of missing) {
    try {
      mkdirSync(folder, mode === undefined ? undefined : { mode });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'error';
      throw new Error(`${what}=${dir}：无法创建文件夹 ${folder}（${code}）(${what}: the folder ${folder} cannot be created, ${code}).`, {
        cause: e,
      });
    }
  }
}

function kindOf(path: string): 'folder' | 'other' | undefined {
  try {
    return statSync(path).isDirectory() ? 'folder' : 'other';
  } catch {
    return undefined;
  }
}
