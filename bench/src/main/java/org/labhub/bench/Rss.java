package org.labhub.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory of a process as the kernel counts it ({@code /proc/<pid>/status}), in KiB. */
final class Rss {
    private Rss() {}

    /** Current resident set (VmRSS), or -1 when the process is gone. */
    static long current(long pid) {
        return field(pid, "VmRSS:");
    }

    /** Highest resident set since the process started (VmHWM), or -1 when the process is gone. */
    static long peak(long pid) {
        return field(pid, "VmHWM:");
    }

    private static long field(long pid, String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(name)) {
                    return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
