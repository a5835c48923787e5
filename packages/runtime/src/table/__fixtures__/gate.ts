// A promise a test opens by hand: holds a background task at a file operation until the test releases it.

/** A promise and the function that resolves it. */
export interface Gate {
  readonly opened: Promise<void>
  readonly open: () => void
}

/** A gate, closed. */
export function gate(): Gate {
  let open = (): void => undefined
  const opened = new Promise<void>((resolve) => {
    open = resolve
  })
  return { opened, open }
}
