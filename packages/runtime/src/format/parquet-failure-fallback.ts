import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs'
import type pl from 'nodejs-polars'
import { listItems, type ParquetFooterPatch, readFooter, readPatchedParquet } from './parquet-footer-patch.js'
import {
  binaryOf,
  encodeThriftStruct,
  fieldOf,
  intNode,
  intOf,
  parseThriftStruct,
  structFields,
  type TNode,
} from './thrift-compact-tree.js'

const GZIP = 2
const DATA_PAGE = 0
const DICTIONARY_PAGE = 2
const DATA_PAGE_V2 = 3

/** The file's own footer as a patch that changes nothing, to send it to another decoder or edit it further. */
function identityPatch(path: string): ParquetFooterPatch | undefined {
  const fd = openSync(path, 'r')
  try {
    const footer = readFooter(fd, fstatSync(fd).size)
    return footer && { footer, changes: [], int96Columns: [], float16Columns: [], decoder: 'polars' }
  } finally {
    closeSync(fd)
  }
}

/** The column chunks' metadata of a footer, each with its path. */
function chunkMetas(root: TNode): { meta: TNode; path: string }[] {
  return listItems(fieldOf(root, 4)).flatMap((group) =>
    listItems(fieldOf(group, 1)).flatMap((chunk) => {
      const meta = fieldOf(chunk, 3)
      if (!meta) return []
      const path = listItems(fieldOf(meta, 3))
        .map((p) => Buffer.from(binaryOf(p) ?? []).toString('utf8'))
        .join('.')
      return [{ meta, path }]
    }),
  )
}

/**
 * Column chunk sizes (and a missing dictionary page offset) taken from the chunk's page headers when the footer's
 * disagree: a writer left the dictionary page header out of `total_compressed_size`, so polars and arrow-rs stop
 * short of the last page; DuckDB walks the pages. Edits `root`; returns one line per changed chunk.
 */
function repairChunkSizes(root: TNode, file: Buffer): string[] {
  const changes: string[] = []
  for (const { meta, path } of chunkMetas(root)) {
    const fields = structFields(meta)
    const valueCount = intOf(fieldOf(meta, 5)) ?? 0
    const dataOffset = intOf(fieldOf(meta, 9)) ?? 0
    const dictOffset = intOf(fieldOf(meta, 11))
    const start = dictOffset !== undefined && dictOffset >= 4 ? Math.min(dictOffset, dataOffset) : dataOffset
    let pos = start
    let values = 0
    let compressed = 0
    let uncompressed = 0
    let firstType: number | undefined
    while (values < valueCount && pos < file.length) {
      const header = parseThriftStruct(file.subarray(pos))
      const headerLength = encodeThriftStruct(header).length
      const type = intOf(fieldOf(header, 1))
      firstType ??= type
      const size = intOf(fieldOf(header, 3)) ?? 0
      if (type === DATA_PAGE) values += intOf(fieldOf(fieldOf(header, 5), 1)) ?? 0
      if (type === DATA_PAGE_V2) values += intOf(fieldOf(fieldOf(header, 8), 1)) ?? 0
      compressed += headerLength + size
      uncompressed += headerLength + (intOf(fieldOf(header, 2)) ?? 0)
      pos += headerLength + size
    }
    if (values !== valueCount || pos > file.length) continue
    const total = fields.find((f) => f.id === 7)
    if (!total || intOf(total.value) === compressed) continue
    changes.push(
      `column ${path}: chunk size ${intOf(total.value)} corrected to ${compressed} from its page headers`,
    )
    total.value = intNode(compressed)
    const totalUncompressed = fields.find((f) => f.id === 6)
    if (totalUncompressed) totalUncompressed.value = intNode(uncompressed)
    if (firstType === DICTIONARY_PAGE && dictOffset === undefined)
      fields.push({ id: 11, type: 6, value: intNode(start) })
  }
  return changes
}

/**
 * A file polars failed to decode, read again after a repair that only its failure justifies (so the common path
 * pays nothing), else undefined: GZIP pages go to arrow-rs (gzip members concatenated in one page, as some Hadoop
 * writers do, end polars' decoder after the first); chunk sizes that disagree with the page headers are corrected.
 */
export function readAfterPolarsFailure(
  path: string,
  patch: ParquetFooterPatch | undefined,
): pl.DataFrame | undefined {
  try {
    const base = patch ?? identityPatch(path)
    if (!base) return undefined
    const root = parseThriftStruct(base.footer)
    const gzip = chunkMetas(root).some(({ meta }) => intOf(fieldOf(meta, 4)) === GZIP)
    if (gzip) return readPatchedParquet(path, { ...base, decoder: 'arrow-rs' })
    const changes = repairChunkSizes(root, readFileSync(path))
    if (changes.length === 0) return undefined
    const repaired = { ...base, footer: encodeThriftStruct(root), changes: [...base.changes, ...changes] }
    return readPatchedParquet(path, repaired)
  } catch {
    return undefined
  }
}
