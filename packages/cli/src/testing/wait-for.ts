/**
 * Polls `check` until it returns a value other than undefined/false, or throws after `timeoutMs` naming
 * `what` (and `detail()`, e.g. a child's output, to show what happened instead).
 */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 20_000,
  detail?: () => string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined && value !== false) return value
    if (Date.now() > deadline)
      throw new Error(`Timed out waiting for ${what}${detail ? `\n${detail()}` : ''}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}
