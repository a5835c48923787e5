/** Data files one table operation opens at once: all at once needs a descriptor per file (EMFILE past the limit). */
export const FILES_OPENED_AT_ONCE = 16

/** `Promise.all(items.map(fn))` with at most `limit` calls in flight; results in item order, first error rejects. */
export async function mapBounded<T, R>(
  items: readonly T[],
  fn: (item: T) => Promise<R>,
  limit = FILES_OPENED_AT_ONCE,
): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  let failed = false
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const i = next++
      try {
        results[i] = await fn(items[i] as T)
      } catch (error) {
        failed = true
        throw error
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker))
  return results
}
