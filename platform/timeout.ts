/**
 * `work`'s value, or `fallback` once `ms` have passed without one (`work` goes on in the background; its failure
 * still rejects when it comes first). The timer never holds the process open after the answer.
 */
export async function orAfter<T, F>(ms: number, work: Promise<T>, fallback: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work, new Promise<F>((resolve) => (timer = setTimeout(() => resolve(fallback), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
