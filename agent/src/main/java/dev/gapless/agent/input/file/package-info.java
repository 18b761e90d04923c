/**
 * The {@code file} input: the files a glob matches, followed line by line.
 *
 * <p>The checkpoint ({@code <data_dir>/inputs/<id>.checkpoint}, layout in {@link
 * dev.gapless.agent.input.file.FileCheckpoint}, golden files {@code file-checkpoint-v1.hex} and {@code -v2.hex}):
 * <ol>
 *   <li>It holds one entry per followed file (and per closed file whose last batches are not durable yet): the offset
 *       just past the last line of that file's newest batch the journal made durable. It never passes a line that
 *       is not durable; it may lag behind one that is (a restart reads that again: duplicates, never loss). With
 *       {@code multiline} it never passes the first line of the event held open for its next line: a restart reads
 *       that event's lines again and rebuilds it ({@link dev.gapless.agent.input.file.LineJoiner}).</li>
 *   <li>An entry names its file by the fingerprint of its first {@code prefix_len} bytes, device and inode. A file
 *       takes it back at start only if its first {@code prefix_len} bytes hash the same (so a reused inode with other
 *       bytes is a new file); an entry no file takes is looked for in the glob's folder, else its tail is declared
 *       skipped (counted, logged at ERROR) and the entry dropped.</li>
 *   <li>It is replaced whole and atomically (temp file, fsync, rename, fsync the folder; no fsync under durability
 *       {@code none}) and carries a version and a CRC32C checked before any field is trusted: a damaged one is logged
 *       at ERROR and every file is read from its start.</li>
 *   <li>Bounds: at most {@code MAX_ENTRIES} entries and a path of at most 65,535 bytes per entry (longer ones, which
 *       Linux does not make, are stored empty: the path is for the log only).</li>
 * </ol>
 */
package dev.gapless.agent.input.file;
