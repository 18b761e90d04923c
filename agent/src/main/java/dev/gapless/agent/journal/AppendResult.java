package dev.gapless.agent.journal;

/**
 * The outcome of an append, as a value: either the sequence numbers the events got, or why the journal
 * took none of them (it takes a batch whole or not at all).
 *
 * @param status   appended, or full with the reason
 * @param firstSeq the first event's seq when appended, else -1
 * @param lastSeq  the last event's seq when appended, else -1
 */
public record AppendResult(Status status, long firstSeq, long lastSeq) {

    /** Why an append succeeded or not. */
    public enum Status {
        APPENDED,
        /** {@code max_size} reached under {@code when_full: block}: retry when space frees. */
        FULL_MAX_SIZE,
        /** The file system's free space is below {@code min_free}: retry when space frees. */
        FULL_MIN_FREE,
        /**
         * The file system refused a write (full under a mapping, I/O error): the batch is not accepted, retry it
         * later (events of it written before the failure are delivered as well: duplicates, never loss). The
         * segment the failure hit is closed for writes; a fresh one is opened once there is room. Also every append
         * after a failed force, until restart ({@code JournalStats.forceFailed}).
         */
        WRITE_FAILED,
        /** The journal is closed. */
        CLOSED
    }

    static final AppendResult FULL_SIZE = new AppendResult(Status.FULL_MAX_SIZE, -1, -1);
    static final AppendResult FULL_FREE = new AppendResult(Status.FULL_MIN_FREE, -1, -1);
    static final AppendResult WRITE_FAILED = new AppendResult(Status.WRITE_FAILED, -1, -1);
    static final AppendResult IS_CLOSED = new AppendResult(Status.CLOSED, -1, -1);

    public boolean appended() {
        return status == Status.APPENDED;
    }
}
