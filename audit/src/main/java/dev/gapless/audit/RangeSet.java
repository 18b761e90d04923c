package dev.gapless.audit;

import java.util.Arrays;

/**
 * A set of non-negative longs kept as sorted, disjoint, non-adjacent closed intervals in two
 * primitive arrays. Memory follows the number of intervals, not the number of members, so a
 * dense stream of millions of seqs costs one interval.
 *
 * <p>Appending the next value ({@code max() + 1}) is the fast path: one compare, one store.
 * Inserting into the middle shifts the arrays, which is cheap while holes are few. Not
 * thread-safe: each instance belongs to the one thread that feeds its {@link Auditor}.
 */
final class RangeSet {

    private long[] starts = new long[4];
    private long[] ends = new long[4];
    private int size;
    // members in all intervals
    private long count;

    /** Adds {@code x}; false when it was already a member (a duplicate). */
    boolean add(long x) {
        int n = size;
        if (n == 0) {
            insertAt(0, x, x);
            count++;
            return true;
        }
        long lastEnd = ends[n - 1];
        if (x == lastEnd + 1) {
            ends[n - 1] = x;
            count++;
            return true;
        }
        if (x > lastEnd) {
            insertAt(n, x, x);
            count++;
            return true;
        }
        if (x >= starts[n - 1]) {
            return false;
        }
        return addSlow(x);
    }

    private boolean addSlow(long x) {
        int i = floorIndex(x);
        if (i >= 0 && x <= ends[i]) {
            return false;
        }
        boolean joinsLeft = i >= 0 && ends[i] + 1 == x;
        boolean joinsRight = i + 1 < size && starts[i + 1] - 1 == x;
        if (joinsLeft && joinsRight) {
            ends[i] = ends[i + 1];
            removeAt(i + 1);
        } else if (joinsLeft) {
            ends[i] = x;
        } else if (joinsRight) {
            starts[i + 1] = x;
        } else {
            insertAt(i + 1, x, x);
        }
        count++;
        return true;
    }

    /** Adds every value of {@code [from, to]}; an empty range ({@code to < from}) is ignored. */
    void addRange(long from, long to) {
        if (to < from) {
            return;
        }
        // first interval that touches or follows [from, to]
        int lo = floorIndex(from);
        if (lo < 0 || ends[lo] + 1 < from) {
            lo++;
        }
        // last interval that touches or precedes it
        int hi = floorIndex(to == Long.MAX_VALUE ? to : to + 1);
        if (lo > hi) {
            insertAt(lo, from, to);
            count += to - from + 1;
            return;
        }
        long newStart = Math.min(from, starts[lo]);
        long newEnd = Math.max(to, ends[hi]);
        for (int k = lo; k <= hi; k++) {
            count -= ends[k] - starts[k] + 1;
        }
        starts[lo] = newStart;
        ends[lo] = newEnd;
        count += newEnd - newStart + 1;
        int removed = hi - lo;
        if (removed > 0) {
            System.arraycopy(starts, hi + 1, starts, lo + 1, size - hi - 1);
            System.arraycopy(ends, hi + 1, ends, lo + 1, size - hi - 1);
            size -= removed;
        }
    }

    boolean contains(long x) {
        int i = floorIndex(x);
        return i >= 0 && x <= ends[i];
    }

    boolean isEmpty() {
        return size == 0;
    }

    int rangeCount() {
        return size;
    }

    long count() {
        return count;
    }

    long start(int i) {
        return starts[i];
    }

    long end(int i) {
        return ends[i];
    }

    long min() {
        return starts[0];
    }

    long max() {
        return ends[size - 1];
    }

    /** The values of {@code [lo, hi]} that are not members, as a new set. */
    RangeSet complementWithin(long lo, long hi) {
        RangeSet out = new RangeSet();
        long next = lo;
        for (int i = 0; i < size && next <= hi; i++) {
            if (ends[i] < next) {
                continue;
            }
            if (starts[i] > next) {
                out.insertAt(out.size, next, Math.min(starts[i] - 1, hi));
                out.count += Math.min(starts[i] - 1, hi) - next + 1;
            }
            next = ends[i] == Long.MAX_VALUE ? Long.MAX_VALUE : ends[i] + 1;
            if (ends[i] == Long.MAX_VALUE) {
                return out;
            }
        }
        if (next <= hi) {
            out.insertAt(out.size, next, hi);
            out.count += hi - next + 1;
        }
        return out;
    }

    /** Members of this set that are also in {@code other}. */
    RangeSet intersect(RangeSet other) {
        RangeSet out = new RangeSet();
        int i = 0;
        int j = 0;
        while (i < size && j < other.size) {
            long s = Math.max(starts[i], other.starts[j]);
            long e = Math.min(ends[i], other.ends[j]);
            if (s <= e) {
                out.insertAt(out.size, s, e);
                out.count += e - s + 1;
            }
            if (ends[i] < other.ends[j]) {
                i++;
            } else {
                j++;
            }
        }
        return out;
    }

    /** Members of this set or of {@code other}, as a new set. */
    RangeSet union(RangeSet other) {
        RangeSet out = new RangeSet();
        for (int i = 0; i < size; i++) {
            out.addRange(starts[i], ends[i]);
        }
        for (int i = 0; i < other.size; i++) {
            out.addRange(other.starts[i], other.ends[i]);
        }
        return out;
    }

    /** Members of this set that are not in {@code other}. */
    RangeSet minus(RangeSet other) {
        RangeSet out = new RangeSet();
        for (int i = 0; i < size; i++) {
            RangeSet piece = other.complementWithin(starts[i], ends[i]);
            for (int k = 0; k < piece.size; k++) {
                out.insertAt(out.size, piece.starts[k], piece.ends[k]);
                out.count += piece.ends[k] - piece.starts[k] + 1;
            }
        }
        return out;
    }

    // index of the last interval whose start is <= x, or -1
    private int floorIndex(long x) {
        int lo = 0;
        int hi = size - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (starts[mid] <= x) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return hi;
    }

    private void insertAt(int i, long s, long e) {
        if (size == starts.length) {
            starts = Arrays.copyOf(starts, size * 2);
            ends = Arrays.copyOf(ends, size * 2);
        }
        System.arraycopy(starts, i, starts, i + 1, size - i);
        System.arraycopy(ends, i, ends, i + 1, size - i);
        starts[i] = s;
        ends[i] = e;
        size++;
    }

    private void removeAt(int i) {
        System.arraycopy(starts, i + 1, starts, i, size - i - 1);
        System.arraycopy(ends, i + 1, ends, i, size - i - 1);
        size--;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < size; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(starts[i]).append(starts[i] == ends[i] ? "" : "-" + ends[i]);
        }
        return sb.append(']').toString();
    }
}
