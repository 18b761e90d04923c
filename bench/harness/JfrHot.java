// Summarizes a JFR recording's CPU samples: the top frames (self), the top methods anywhere on the stack
// (total), and the samples per thread; native samples (threads blocked in native code: fdatasync, epoll,
// socket writes) separately. Run with `java JfrHot.java FILE.jfr [TOP]`.
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

public class JfrHot {

    public static void main(String[] args) throws Exception {
        int top = args.length > 1 ? Integer.parseInt(args[1]) : 25;
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> total = new HashMap<>();
        Map<String, Integer> threads = new HashMap<>();
        Map<String, Integer> nativeSelf = new HashMap<>();
        int samples = 0;
        int nativeSamples = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(args[0]))) {
            String type = e.getEventType().getName();
            boolean exec = type.equals("jdk.ExecutionSample");
            if (!exec && !type.equals("jdk.NativeMethodSample")) {
                continue;
            }
            RecordedStackTrace st = e.getStackTrace();
            if (st == null || st.getFrames().isEmpty()) {
                continue;
            }
            List<RecordedFrame> frames = st.getFrames();
            String top0 = name(frames.get(0));
            if (!exec) {
                nativeSamples++;
                nativeSelf.merge(thread(e) + " | " + top0 + " <- " + (frames.size() > 1 ? name(frames.get(1)) : ""), 1, Integer::sum);
                continue;
            }
            samples++;
            self.merge(top0, 1, Integer::sum);
            threads.merge(thread(e), 1, Integer::sum);
            Set<String> seen = new HashSet<>();
            for (RecordedFrame f : frames) {
                String n = name(f);
                if (seen.add(n)) {
                    total.merge(n, 1, Integer::sum);
                }
            }
        }
        System.out.printf("CPU samples (jdk.ExecutionSample): %d%n", samples);
        print("threads", threads, samples, top);
        print("self (top frame)", self, samples, top);
        print("total (anywhere on the stack)", total, samples, top);
        System.out.printf("%nnative samples (jdk.NativeMethodSample): %d%n", nativeSamples);
        print("native: thread | frame <- caller", nativeSelf, nativeSamples, 15);
    }

    static String thread(RecordedEvent e) {
        var t = e.getThread("sampledThread");
        String n = t == null ? "?" : t.getJavaName();
        return n == null ? "?" : n.replaceAll("-\\d+$", "-N");
    }

    static String name(RecordedFrame f) {
        var m = f.getMethod();
        String c = m.getType().getName();
        return c.substring(c.lastIndexOf('.') + 1) + "." + m.getName();
    }

    static void print(String title, Map<String, Integer> m, int n, int top) {
        System.out.printf("%n%s:%n", title);
        m.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(top)
                .forEach(x -> System.out.printf("  %6.1f%%  %6d  %s%n", 100.0 * x.getValue() / Math.max(1, n), x.getValue(), x.getKey()));
    }
}
