/**
 * Rotates the caller key of the hub's data folder (docs/deploy.md §6), printing the JWKS to publish at each step:
 *   npm run -s keys -- new      a new pair beside the signing one; JWKS: old and new (publish it, wait for every process)
 *   npm run -s keys -- switch   `npm run token` signs with the new key from now on; JWKS: unchanged, both
 *   npm run -s keys -- drop     the old public key goes once its last tokens have expired; JWKS: the new key alone
 *   npm run -s keys -- jwks     the JWKS of the keys the folder holds now, changing nothing
 * Messages are Chinese first, with the English on the next line.
 */
import { settingsOrExit } from '../platform/settings.ts';
import { commandArgs } from './lib/args.ts';
import { KeysError, rotateCallerKey, type RotationStep } from './lib/keys.ts';

const STEPS: readonly RotationStep[] = ['new', 'switch', 'drop', 'jwks'];

const USAGE = `npm run -s keys -- new|switch|drop|jwks
  new     在 HUB_DATA_DIR/keys 旁生成新的调用方密钥对，打印含新旧两个公钥的 JWKS：发布后等所有进程读到
          makes a new caller key pair beside the signing one and prints the JWKS of both: publish it, wait for every process
  switch  此后 npm run token 用新密钥签发（旧私钥删除，旧公钥保留在 JWKS 中）
          npm run token signs with the new key from now on (the old private key is deleted, its public key stays in the JWKS)
  drop    旧密钥签发的令牌全部过期后，从 JWKS 中去掉旧公钥 / once the old key's last tokens have expired, leaves it out of the JWKS
  jwks    只打印当前的 JWKS / prints the current JWKS only
JWKS 打印到标准输出，可重定向到 HUB_CALLER_JWKS_FILE 所指的文件。
The JWKS goes to stdout: redirect it to the file HUB_CALLER_JWKS_FILE names.`;

const { positionals } = commandArgs('npm run keys', USAGE, {}, true);
const step = positionals[0] as RotationStep | undefined;
if (positionals.length !== 1 || !step || !STEPS.includes(step)) {
  console.error(`npm run keys：须给出 ${STEPS.join('、')} 之一\n  give one of ${STEPS.join(', ')}\n\n${USAGE}`);
  process.exit(2);
}
try {
  process.stdout.write(await rotateCallerKey(settingsOrExit(), step));
} catch (e) {
  if (!(e instanceof KeysError)) throw e;
  console.error(`npm run keys：${e.said.zh}\n  ${e.said.en}`);
  process.exit(2);
}
