/**
 * The data page size limit pf's Parquet writers use: 128 KiB of encoded values a page (writers' defaults are 1 MiB),
 * so a point read decompresses one small page per column. Measured against 64 KiB in one run (bench Person table, 1M
 * rows, periodic values, Node 24; .tmp/cold5): file 3.5 MB vs 4.6 MB (1.7 MB at 1 MiB), `findMany` range + orderBy +
 * limit 20 median 198 vs 261 ms and 443 vs 505 ms (two runs on a loaded machine), cold find(id) 26.8 vs 28.8 ms (even
 * within noise). Node 20 (zstd in JS, fzstd) pays for the larger pages a cold find decompresses: 118 vs 92 ms.
 * Random-valued files keep their size at either limit (12.8-12.9 MB).
 */
export const DATA_PAGE_SIZE_LIMIT = 128 * 1024
