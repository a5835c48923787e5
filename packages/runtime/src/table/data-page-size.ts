/**
 * The data page size limit pf's Parquet writers use: 64 KiB of encoded values a page (writers' defaults are 1 MiB),
 * so a point read decompresses one small page per column. Measured on 1M rows: random-valued files keep their size
 * (12.8 MB either way); the bench's periodic synthetic values compress less (1.7 to 4.6 MB).
 */
export const DATA_PAGE_SIZE_LIMIT = 64 * 1024
