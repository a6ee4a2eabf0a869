package org.labhub.search;

import org.labhub.storage.RelPath;

/**
 * Which paths of a home are indexed: everything except hidden names (a name starting with {@code .}) and what is
 * under them. Hidden folders in a home are caches and tool state ({@code .ipynb_checkpoints}, {@code .cache},
 * {@code .local}, {@code .ipython}, {@code .jupyter}, {@code .git}): nobody searches them, they hold many small
 * files that churn while a kernel runs, and skipping them saves inotify watches. Jupyter's atomic save writes a
 * hidden temporary file first, so skipping hidden names also skips that half-written file.
 */
public final class IndexedPaths {
    private IndexedPaths() {}

    /** True when the index holds (or would hold) this path. */
    public static boolean indexed(RelPath path) {
        for (String name : path.names()) {
            if (hidden(name)) {
                return false;
            }
        }
        return true;
    }

    /** A name the index skips, with everything under it. */
    public static boolean hidden(String name) {
        return name.startsWith(".");
    }
}
