/**
 * The agent's durable journal: every accepted event is appended here, and forced to disk, before any source is
 * acknowledged; it leaves only after every output's destination acknowledged it (or, under
 * {@code when_full: drop_oldest}, with a loss marker naming what went).
 *
 * <h2>On-disk format</h2>
 *
 * <p><b>Segments.</b> {@code <data_dir>/journal/} holds one directory per segment, named by the segment's first seq
 * as 20 decimal digits ({@code 00000000000000000001/}); anything else there is ignored with a warning. A segment
 * directory holds one Chronicle Queue (binary wire, roll cycle {@code FAST_DAILY}, block size
 * {@link dev.gapless.agent.journal.JournalOptions#blockSize()}): data files {@code yyyyMMdd'F'.cq4} (one per UTC day
 * the segment was written in) and Chronicle's {@code metadata.cq4t} (its write lock and file listing). Each
 * Chronicle document holds one or more journal records with consecutive seqs, back to back, each framed by its own
 * length field: the records of one append, packed into as few documents as fit in the record cap
 * ({@code maxRecordBytes}, so a document is never larger than the largest single record). Chronicle frames a
 * document with a 4-byte little-endian header (bit 31 "not complete", bit 30 "metadata", bits 0–29 the length).
 * Heartbeats and loss markers take a document each. A segment is written by one run only and rolls after about
 * {@code segment_size} bytes.
 *
 * <p><b>Record format v1</b> ({@link dev.gapless.agent.journal.RecordCodec}), little-endian, pinned by
 * {@code src/test/resources/golden/record-v1.hex}:
 * <pre>
 * offset size field
 *      0    1 version         u8, 1
 *      1    1 kind            u8: 0 event, 1 heartbeat, 2 loss
 *      2    2 tags            u16, {@code Tags} bits
 *      4    4 length          u32, the whole record including the trailer
 *      8    8 seq             i64
 *     16    8 boot id         high 64 bits of the UUID of the run that wrote it
 *     24    8 boot id         low 64 bits
 *     32    8 received_at     i64, epoch nanoseconds
 *     40    8 event_time      i64, epoch nanoseconds
 *     48    8 source position i64, e.g. a file offset after the line; -1 when none
 *     56    2 source length   u16 (S)
 *     58    4 message length  u32 (M)
 *     62    4 extra length    u32 (X)
 *     66    S source          UTF-8 input id ({@code _agent} for the agent's own records)
 *   66+S    M message         the event's bytes as received
 * 66+S+M    X extra           UTF-8 JSON object: an event's fields, a heartbeat's or loss marker's body
 *  L-4      4 CRC32C          u32 over bytes 0 .. L-5
 * </pre>
 * <p><b>Record format v2</b>, pinned by {@code golden/record-v2.hex}: an event record with free-form tags (names a
 * filter gave it, such as {@code _grokparsefailure}, besides the {@code Tags} bits). Version u8 = 2; bytes 2..65 as
 * in v1; then
 * <pre>
 *     66    2 tags length     u16 (T)
 *     68    S source
 *   68+S    M message
 * 68+S+M    X extra
 *      …    T tags part       one entry per name: u16 byte length, then its UTF-8 bytes
 *  L-4      4 CRC32C          u32 over bytes 0 .. L-5, the tags part included
 * </pre>
 * A v2 record's length is {@code 72 + S + M + X + T}; its tags part holds at least one name and at most 32
 * ({@code RecordCodec.MAX_FREE_TAGS}); a longer list is cut to its first 32, and a name longer than 128 chars
 * ({@code MAX_FREE_TAG_CHARS}) is cut to 128 when written (so T is at most 32 x (2 + 384) bytes). A tags part
 * that is empty, holds more than 32 names or whose entries do not add up to T makes the record corrupt.
 *
 * <p><b>How v1 and v2 coexist.</b> The writer picks the version per record: v2 only for an event that carries
 * free-form tags, v1 for every other record (heartbeats, loss markers, and events without them, which are written
 * byte for byte as before v2 existed, through the same code). Records of both versions follow one another in a
 * document and a segment. Readers and recovery read both: the length and seq fields are at the same offsets, and
 * recovery's bounds (one record per 70 or 74 bytes) are v1's minimum size, which v2 never undercuts. A version
 * other than 1 or 2 is a corrupt record as before. A v1 record reads back with no free tags (an empty list).
 *
 * A loss marker's body is {@code {"from_seq":F,"to_seq":T,"count":N,"reason":"R"}} (plus {@code "output"} for
 * {@code rejected}); R is one of the envelope's reasons ({@code drop_oldest}, {@code min_free},
 * {@code corrupt_record}, {@code damaged_tail}, {@code rejected}).
 *
 * <p><b>High-water mark v1</b> ({@link dev.gapless.agent.journal.HighWaterMark}), {@code <data_dir>/journal/highwater},
 * 1024 bytes, pinned by {@code golden/highwater-v1.hex}: two slots of 512 bytes, written in turn and in place, each
 * magic {@code "GLHW"} (4), version u8 = 1, three zero bytes, seq i64, four reserved zero bytes, CRC32C u32 of the
 * slot's first 20 bytes, then zeros. The mark is the higher seq of the slots that pass their checks; a torn write
 * spoils only the slot it went to, whose partner holds the mark before it. A file with no whole slot is logged at
 * ERROR and read as no mark.
 *
 * <p><b>Cursor file v1</b> ({@link dev.gapless.agent.journal.CursorStore}), {@code <data_dir>/cursors/<output>.cursor},
 * 24 bytes little-endian, pinned by {@code golden/cursor-v1.hex}: magic {@code "GLCR"} (4), version u8 = 1, three
 * zero bytes, seq i64 (the last seq the destination acknowledged), four reserved zero bytes, CRC32C u32 of bytes
 * 0..19. Replaced atomically (write {@code .tmp}, fsync, rename, fsync the directory). A file that fails any check is
 * reported as an {@link java.io.IOException} naming the file, never read as zero. (A file input's read position,
 * {@code inputs/<input>.checkpoint}, is the file input's own format, documented in its package.)
 *
 * <h2>Invariants</h2>
 * <ol>
 * <li><b>Dense seq.</b> Every record, whatever its kind, takes the next seq. Within a segment records are in seq
 * order, and a segment's first seq is one past the last seq handed out before it. The only holes are seqs that
 * were handed out and then lost (a burnt write, a damaged tail, a dropped or corrupt record), and every one a
 * reader meets is declared by a loss marker naming it.</li>
 * <li><b>A seq is never issued twice</b>, across restarts too. At open the head is the highest of: the last valid
 * record's seq plus one for every record met after it (a record that fails its checks still counts; the rest of a
 * document whose next length field is implausible counts as many records as its bytes could hold, one per 70),
 * plus an upper bound of what bytes Chronicle could not read may hold (one record per 74 bytes, see "damaged
 * tail"); the caller's floor (the highest cursor); and the high-water mark. The mark is moved before the durable
 * point passes it (after the segments' force and forced itself under {@code batch} and {@code fsync}; written to the
 * page cache only under {@code none}, where a power loss may take it back), so it is never below a seq a reader may
 * have delivered. It is what bounds a data file cut short, often the newest, which nothing after it vouches for:
 * readers then declare {@code damaged_tail} from the last readable record to the mark. A seq given to a write that
 * failed is burnt, never reused.</li>
 * <li><b>Durable point.</b> {@code durableSeq <= headSeq}. It moves only after an fdatasync completed of every data
 * file of every segment holding seqs up to it that was written since that file's last force (the file being written,
 * and an older cycle file once more after the writer left it), and, whenever a data file is new to a segment, of
 * its {@code metadata.cq4t} (Chronicle's cycle listing) and the segment directory. Under
 * {@code batch} a force runs at least every {@code sync_interval} while data waits; under {@code fsync} as soon as
 * an acknowledgement waits; under {@code none} the head is the durable point at once (survives the agent's crash,
 * not the machine's). {@code whenDurable(seq)} completes only then; readers never deliver past it. After a
 * failed force it never moves again in this run (see Force failure below).</li>
 * <li><b>Fresh segment per start.</b> No run appends to a segment an earlier run left: a damaged Chronicle tail is
 * silent and sticky (later appends to that queue stay invisible), so each run starts a new queue directory. A
 * trailing segment that holds nothing is removed at open, as its name may be needed.</li>
 * <li><b>Deletion.</b> Segments are deleted whole, and only (a) by retention, once closed for writes and every
 * registered consumer acknowledged its last seq (less a burnt seq at its end), or (b) by {@code drop_oldest} at
 * {@code max_size} or {@code min_free}, after which a loss marker names the part no consumer had acknowledged. A
 * segment a reader still has open is removed when that reader moves on.</li>
 * <li><b>Loss is declared, never silent.</b> A reader never stops at damage: it skips, declares the hole with a
 * loss marker, and goes on — but only once the marker is written: if it cannot be (a disk that refuses writes, a
 * failed force, a closed journal) the reader stops before the hole and declares it at its next read. An output
 * commits its cursor past a hole (one its reader met, or records it rejected) only once that marker is written and
 * durable ({@code JournalReader.lossMarkerSeq()}), so a power loss cannot leave a cursor past an undeclared hole.
 * Heartbeats and loss markers are exempt from {@code max_size} and {@code min_free} (they open a segment if need
 * be), not from a full disk (below 1 MiB usable) or a write error. One range is declared once per run however many
 * outputs meet it (a bounded ledger; past it, a repeat declaration is possible and harmless).</li>
 * </ol>
 *
 * <h2>At each limit</h2>
 * <ul>
 * <li><b>Max record</b> ({@code maxRecordBytes}): counted with the tags part of a v2 record. An event that cannot
 * fit makes {@code append} throw
 * {@link java.lang.IllegalArgumentException} before anything of the batch is written; inputs bound what they
 * accept below it. A document holds at most this many bytes of records. On read, a document longer than the cap
 * or shorter than a header is corrupt.</li>
 * <li><b>{@code max_size}</b>: counted as the closed segments' file sizes (Chronicle's files may extend up to a block
 * past the data) plus the bytes appended to the active one. {@code block}: the append returns
 * {@code FULL_MAX_SIZE} and takes nothing; retry once retention freed space. {@code drop_oldest}: the oldest
 * segment is deleted and a {@code drop_oldest} loss marker names its unacknowledged range. A dropped segment a
 * lagging reader holds open stays on disk until that reader moves on.</li>
 * <li><b>{@code min_free}</b>: the file system's usable space is checked after every 1 MiB appended, on every
 * append once it was found low, and before a segment is opened. Below {@code min_free} plus the batch, the append
 * returns {@code FULL_MIN_FREE} ({@code block}) or the oldest segments are dropped with reason {@code min_free}.
 * Set it above 1 MiB plus a block so the file system never fills between two checks.</li>
 * <li><b>Force failure</b> (fdatasync reports an error, a file of a segment not deleted by the journal vanished, or
 * the high-water mark cannot be written):
 * permanent until restart, since Linux reports a write-back error once and marks the pages clean, so a retry that
 * succeeds would acknowledge data that never reached the disk. Logged at ERROR; {@code JournalStats.forceFailed} and
 * {@code forceFailedReason} are set and the full reason is {@code force_failed}; the durable point freezes (no
 * acknowledgement completes, no reader delivers past it), every append and agent record is refused
 * ({@code WRITE_FAILED}), inputs are back-pressured. The watchdog sees the stall and restarts the agent; recovery
 * then takes what is on disk, and whatever the failed write-back lost is declared like any damage.</li>
 * <li><b>Corrupt record</b> (CRC, version, kind or part lengths wrong, its length field still plausible): the
 * reader skips it, counts it in {@code JournalStats.corruptRecords} (once per reader that meets it) and declares
 * exactly its seq ({@code corrupt_record}); the records around it, in its document too, are delivered in order. A
 * length field that cannot be right (below a header, or past the document's end) leaves the rest of that document
 * unsplittable: counted once, and declared from the first missing seq to the one before the next record read
 * (the next document's, or the next segment's first).</li>
 * <li><b>Damaged tail</b>: Chronicle stops reading without an error. At open, bytes past the last readable document
 * up to the data file's last non-zero byte are taken to hold up to one record per 74 bytes, and the head moves past
 * them (so the declared {@code count} is an upper bound). Readers deliver what precedes the damage, then declare
 * {@code damaged_tail} from there to the next segment's first seq minus one. A write a crash interrupted (an
 * unpublished Chronicle header, zero or not-complete, with at most one document, {@code maxRecordBytes}, behind it)
 * is not damage: its seqs were never handed out to anyone. A segment Chronicle cannot open at all is declared the same
 * way.</li>
 * <li><b>Disk full</b> (the file system filled despite {@code min_free}, or {@code min_free: 0B}): observed on tmpfs
 * with Chronicle 2026.4, the write to a mapped page the file system cannot back raises
 * {@link java.lang.InternalError} ("a fault occurred in a recent unsafe memory access operation") in the appending
 * thread; the JVM lives on but that queue is wedged. The journal rolls the document back (when Chronicle still
 * can), burns every seq it was given, closes the segment for writes and returns {@code WRITE_FAILED}; later appends
 * check the free space first and open a fresh segment once there is room; everything written before reads back,
 * earlier documents of the same append included (the source resends the whole append: duplicates, never loss). The
 * burnt seqs are declared {@code damaged_tail} by readers although their events were refused (and are resent). The JVM
 * guarantees this only for faults inside Unsafe accesses, which is where Chronicle writes; a fault elsewhere would be
 * a SIGBUS crash, so keep {@code min_free}.</li>
 * </ul>
 */
package dev.gapless.agent.journal;
