package org.labhub.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JVM's memory right after a full collection: the live heap as {@code jcmd GC.class_histogram} counts it (every
 * object still reachable), the heap G1 reports committed and used ({@code GC.heap_info}), and the resident set the
 * kernel counts. RSS follows the committed heap, which G1 grows and shrinks after collections as it sees fit, so
 * RSS minus the committed heap is the steadier figure for memory outside the heap (threads, metaspace, code, buffers).
 */
record JvmMemory(long liveHeapKib, long heapCommittedKib, long heapUsedKib, long rssKib, int threads) {
    private static final Pattern HEAP = Pattern.compile("heap\\s+total (\\d+)K, used (\\d+)K");
    private static final Pattern HISTOGRAM_TOTAL = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)\\s*$");
    private static final Duration JCMD_MAX = Duration.ofSeconds(60);

    /** {@code jcmd PID GC.run}, then {@code GC.heap_info}, {@code GC.class_histogram} (a full GC of its own) and VmRSS. */
    static JvmMemory read(String jcmd, long pid) throws IOException, InterruptedException {
        String p = Long.toString(pid);
        RawNotebooks.run(List.of(jcmd, p, "GC.run"), JCMD_MAX);
        String info = RawNotebooks.run(List.of(jcmd, p, "GC.heap_info"), JCMD_MAX);
        String histogram = RawNotebooks.run(List.of(jcmd, p, "GC.class_histogram"), JCMD_MAX);
        Matcher heap = find(HEAP, info, "GC.heap_info");
        return new JvmMemory(Long.parseLong(find(HISTOGRAM_TOTAL, histogram, "GC.class_histogram").group(1)) / 1024,
                Long.parseLong(heap.group(1)), Long.parseLong(heap.group(2)), Rss.current(pid), threads(pid));
    }

    /** RSS outside the committed heap. */
    long outsideHeapKib() {
        return rssKib - heapCommittedKib;
    }

    private static Matcher find(Pattern pattern, String text, String what) throws IOException {
        Matcher m = pattern.matcher(text);
        if (!m.find()) {
            throw new IOException("cannot read " + what + ": " + Http.abbreviate(text));
        }
        return m;
    }

    private static int threads(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("Threads:")) {
                    return Integer.parseInt(line.substring(8).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** The jcmd beside {@code java} (same JDK as the hub), else the one on the PATH. */
    static String jcmdBeside(String java) {
        Path sibling = Path.of(java).toAbsolutePath().resolveSibling("jcmd");
        return Files.isExecutable(sibling) ? sibling.toString() : "jcmd";
    }
}
