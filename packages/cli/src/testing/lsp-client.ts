import type { ChildProcessWithoutNullStreams } from 'node:child_process'

/** A message from the server: a reply (`id` and `result`/`error`), a notification or a request of its own. */
interface Incoming {
  readonly id?: number | string
  readonly method?: string
  readonly params?: unknown
  readonly result?: unknown
  readonly error?: { readonly code: number; readonly message: string }
}

/** A notification the test waits for, with the condition it must meet. */
interface Waiter {
  readonly method: string
  readonly accept: (params: unknown) => boolean
  readonly resolve: (params: unknown) => void
}

/**
 * A minimal LSP client over a child's stdio: JSON-RPC 2.0 messages framed with `Content-Length` headers, as an
 * editor sends them. Written out here (not taken from a library) so the test checks the framing on the wire.
 */
export class LspClient {
  private buffer = Buffer.alloc(0)
  private nextId = 1
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  private readonly waiters: Waiter[] = []
  /** Every notification received, in order (method and params). */
  readonly notifications: { method: string; params: unknown }[] = []

  constructor(private readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.on('data', (chunk: Buffer) => this.receive(chunk))
  }

  /** Sends a request and resolves with its result; rejects with the server's error. */
  request<T>(method: string, params: unknown): Promise<T> {
    const id = this.nextId++
    this.send({ jsonrpc: '2.0', id, method, params })
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: (v) => resolve(v as T), reject })
    })
  }

  notify(method: string, params: unknown): void {
    this.send({ jsonrpc: '2.0', method, params })
  }

  /** The first notification (already received or still to come) of `method` whose params pass `accept`. */
  waitFor<T>(method: string, accept: (params: T) => boolean = () => true): Promise<T> {
    const seen = this.notifications.find((n) => n.method === method && accept(n.params as T))
    if (seen) return Promise.resolve(seen.params as T)
    return new Promise<T>((resolve) => {
      this.waiters.push({
        method,
        accept: (p) => accept(p as T),
        resolve: (p) => resolve(p as T),
      })
    })
  }

  private send(message: object): void {
    const body = Buffer.from(JSON.stringify(message), 'utf8')
    this.child.stdin.write(
      Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]),
    )
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk])
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n')
      if (headerEnd === -1) return
      const header = this.buffer.subarray(0, headerEnd).toString('ascii')
      const length = Number(header.match(/Content-Length: (\d+)/i)?.[1])
      if (!Number.isInteger(length)) throw new Error(`bad header from the server: ${header}`)
      const start = headerEnd + 4
      if (this.buffer.length < start + length) return
      const message = JSON.parse(this.buffer.subarray(start, start + length).toString('utf8')) as Incoming
      this.buffer = this.buffer.subarray(start + length)
      this.dispatch(message)
    }
  }

  private dispatch(message: Incoming): void {
    if (message.method === undefined && typeof message.id === 'number') {
      const pending = this.pending.get(message.id)
      this.pending.delete(message.id)
      if (message.error) pending?.reject(new Error(`${message.error.code}: ${message.error.message}`))
      else pending?.resolve(message.result)
      return
    }
    if (message.method === undefined) return
    if (message.id !== undefined) {
      // A request from the server (e.g. client/registerCapability): accept it.
      this.send({ jsonrpc: '2.0', id: message.id, result: null })
      return
    }
    this.notifications.push({ method: message.method, params: message.params })
    for (const waiter of [...this.waiters]) {
      if (waiter.method === message.method && waiter.accept(message.params)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1)
        waiter.resolve(message.params)
      }
    }
  }
}
