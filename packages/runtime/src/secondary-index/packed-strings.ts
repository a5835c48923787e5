/**
 * A list of strings held as UTF-8 bytes in one buffer, each decoded when read: an index of a million rows is a few
 * buffers the garbage collector never walks, not a million strings it marks at every full collection.
 */
export class PackedStrings {
  private readonly buf: Buffer

  constructor(
    bytes: Uint8Array,
    /** Where string `i` starts in `bytes`. */
    private readonly starts: Uint32Array,
    /** Where string `i` ends in `bytes` (exclusive). */
    private readonly ends: Uint32Array,
  ) {
    this.buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }

  /** Packs strings into one buffer of their UTF-8 bytes. */
  static of(strings: readonly string[]): PackedStrings {
    let total = 0
    for (const s of strings) total += Buffer.byteLength(s, 'utf8')
    const buf = Buffer.allocUnsafe(total)
    const starts = new Uint32Array(strings.length)
    const ends = new Uint32Array(strings.length)
    let at = 0
    strings.forEach((s, i) => {
      starts[i] = at
      at += buf.write(s, at, 'utf8')
      ends[i] = at
    })
    return new PackedStrings(buf, starts, ends)
  }

  /** Number of strings. */
  get length(): number {
    return this.starts.length
  }

  /** Approximate memory held: the strings' bytes and their offsets. */
  get bytes(): number {
    const n = this.starts.length
    const text = n === 0 ? 0 : (this.ends[n - 1] as number) - (this.starts[0] as number)
    return text + this.starts.byteLength + this.ends.byteLength
  }

  /** String `i` (0 <= i < length). */
  at(i: number): string {
    return this.buf.toString('utf8', this.starts[i], this.ends[i])
  }

  *[Symbol.iterator](): IterableIterator<string> {
    for (let i = 0; i < this.starts.length; i++) yield this.at(i)
  }
}
