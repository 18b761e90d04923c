// Which of the events numbered 0..TOTAL-1 by LoadGen.java arrived, and how often: the seq is the 10 digits at
// offset 21 of each message. Shared by the destination checkers of bench/output-bench.sh (SeqSink.java,
// KafkaCheck.java, OsCheck.java), compiled with them.
import java.util.BitSet;

public class SeqCount {

    final long total;
    final BitSet seen;
    long received;
    long duplicates;
    long unparsed;
    long distinct;

    SeqCount(long total) {
        this.total = total;
        this.seen = new BitSet((int) total);
    }

    /** Counts the message that starts at {@code at} in {@code b} (at least 31 bytes must follow). */
    void add(byte[] b, int at, int end) {
        received++;
        if (end - at < 31) {
            unparsed++;
            return;
        }
        long seq = 0;
        for (int d = 21; d <= 30; d++) {
            int c = b[at + d] - '0';
            if (c < 0 || c > 9) {
                unparsed++;
                return;
            }
            seq = seq * 10 + c;
        }
        if (seq >= total) {
            unparsed++;
            return;
        }
        if (seen.get((int) seq)) {
            duplicates++;
        } else {
            seen.set((int) seq);
            distinct++;
        }
    }

    long distinct() {
        return distinct;
    }

    String json() {
        int firstMissing = seen.nextClearBit(0);
        return String.format("{\"total\":%d,\"received\":%d,\"distinct\":%d,\"lost\":%d,\"duplicates\":%d,"
                + "\"unparsed\":%d,\"first_lost\":%d}", total, received, distinct(), total - distinct(), duplicates,
                unparsed, firstMissing >= total ? -1 : firstMissing);
    }
}
