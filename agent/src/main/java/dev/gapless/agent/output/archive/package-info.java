/**
 * The {@code archive} output and {@code gapless verify-archive}: rolling compressed NDJSON files in one directory,
 * with a hash-chained manifest of the closed ones. The writer ({@link dev.gapless.agent.output.archive.ArchiveSink})
 * and the verifier share this package because they share the format below; the audit module, which the verifier
 * hands the decompressed files to, knows nothing of archives.
 *
 * <h2>Files (format version 1)</h2>
 * <ol>
 *   <li>A data file is named {@code <first seq, 20 digits>-<file number, 8 or more digits><suffix>}, the suffix
 *       {@code .ndjson.zst}, {@code .ndjson.gz} or {@code .ndjson} by compression; names sort in writing order.
 *       The file being written has {@code .open} appended, and there is at most one.</li>
 *   <li>A data file is a sequence of frames, one per delivered batch: a zstd frame with its content size and
 *       content checksum; a gzip member with the fixed header {@code 1f 8b 08 00 00000000 00 ff} and its CRC32 and
 *       size trailer; for {@code none}, the batch's lines. Concatenated, they are one valid file
 *       ({@code zstdcat}, {@code zcat}, {@code GZIPInputStream}).</li>
 *   <li>A batch is delivered once its frame is written and the file fsynced; the directory is fsynced after a file
 *       is created or renamed. So a file ends at a frame boundary, but for a write a crash (or a failed write the
 *       writer could not cut back) tore.</li>
 *   <li>{@code manifest.ndjson}: one line per closed file, appended and fsynced before the file loses its
 *       {@code .open}: {@code {"v":1,"n":…,"file":…,"bytes":…,"sha256":…,"first_seq":…,"last_seq":…,
 *       "records":…,"closed_at":…,"prev":…}} in this order, then {@code "hmac":…} when a key is set.
 *       {@code n} is the file number (1, 2, …); {@code sha256} the file's bytes; {@code last_seq} and
 *       {@code records} are {@code null} for a file recovered after a crash; {@code prev} the SHA-256 (hex) of the
 *       previous line's bytes without its newline, 64 zeros on the first line; {@code hmac} the HMAC-SHA256 (hex)
 *       of the line as it would be without the {@code hmac} field. It grows by one line per file.</li>
 * </ol>
 *
 * <h2>Recovery at start</h2>
 * <ol>
 *   <li>A torn last manifest line (no newline) is cut: the file it named was never renamed, so it is entered
 *       again.</li>
 *   <li>An {@code .open} file the manifest's last line names was entered before a crash: it is renamed.</li>
 *   <li>Any other {@code .open} file is cut back to its last complete, checked frame (gzip: each member inflated to
 *       its end and its trailer checked; zstd: each frame decompressed, its checksum checked), entered with
 *       {@code last_seq} and {@code records} null and renamed; cut back to nothing, it is deleted. What was cut
 *       was never delivered, so the output worker sends it again from its cursor.</li>
 *   <li>Duplicates across files happen only when a frame was fsynced but the cursor write after it did not
 *       complete: that batch is in the old file and again at the start of the next.</li>
 * </ol>
 *
 * <h2>What the verifier catches, and what it cannot</h2>
 * A modified or truncated file (size, SHA-256), a missing file, an entry removed, reordered or edited (the chain and
 * the file numbers), a file the manifest does not list (but the open one), a bad or missing HMAC. Removing the last
 * entries together with their files leaves a shorter archive that is consistent; without an HMAC anyone who can
 * write the directory can also rewrite the whole chain. The audit that follows sees a missing tail through the
 * heartbeats' {@code head_seq}.
 */
package dev.gapless.agent.output.archive;
