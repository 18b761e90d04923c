/**
 * The {@code journald} input: the systemd journal, read through {@code journalctl -o export --follow} as a child.
 *
 * <p>The checkpoint ({@code <data_dir>/inputs/<id>.checkpoint}, {@link
 * dev.gapless.agent.input.journald.JournaldCheckpoint}, golden file {@code journald-checkpoint-v1.hex}), little-endian:
 * magic {@code "GLJC"}, version u8 = 1, flags u8 (bit 0: a cursor follows; clear: read from the journal's
 * beginning), 2 zero bytes, cursor length u32, the cursor (UTF-8, as journalctl's {@code __CURSOR}), CRC32C u32 of
 * every byte before it.
 * <ol>
 *   <li>It holds the cursor of the last entry of the newest batch the journal made durable, its batches committed in
 *       order: it never passes an entry that is not durable. It may lag behind one that is (a restart reads that
 *       again: duplicates, never loss).</li>
 *   <li>It is written before the first entry is read: on a first start, {@code start_at: end} saves the cursor of
 *       the journal's last entry (none: "from the beginning"), {@code start_at: beginning} saves "from the
 *       beginning"; so a restart before anything was durable neither skips what was written meanwhile nor goes back
 *       to {@code start_at}.</li>
 *   <li>It is replaced whole and atomically (temp file, fsync, rename, fsync the folder; no fsync under durability
 *       {@code none}) and carries a version and a CRC32C checked before any field is trusted: a damaged one is logged
 *       at ERROR and the journal is read from its beginning.</li>
 *   <li>Bounds: a cursor of at most {@code MAX_CURSOR} (4096) bytes; a longer length is damage.</li>
 * </ol>
 */
package dev.gapless.agent.input.journald;
