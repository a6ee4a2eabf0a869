package org.labhub.search;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.labhub.search.IndexFields.Extract;
import org.labhub.storage.Entry;
import org.labhub.storage.FileStore;
import org.labhub.storage.Location;

/**
 * What of a file goes into the index: a notebook through {@link NotebookText}; a text file (an allow-listed
 * extension, or none, and first bytes without NUL that decode as UTF-8) as its first {@code maxTextBytes}; anything
 * else by name and metadata only. Files are read only through {@link FileStore#openRead}, which never follows links.
 */
final class FileText {
    /** Extensions read as text; other files are indexed by name only (images, archives, data blobs). */
    static final Set<String> TEXT_EXTENSIONS = Set.of("txt", "text", "md", "markdown", "rst", "csv", "tsv", "json", "geojson",
            "yaml", "yml", "toml", "ini", "cfg", "conf", "log", "py", "r", "rmd", "qmd", "jl", "m", "sh", "bash", "c", "h", "cc",
            "cpp", "hpp", "java", "scala", "kt", "js", "ts", "go", "rs", "rb", "pl", "lua", "f", "f90", "sql", "tex", "bib",
            "xml", "html", "htm", "css", "svg", "dockerfile", "makefile", "cmake", "gitignore", "env", "properties");
    /** How much of the start of a file decides whether it is text. */
    static final int SNIFF_BYTES = 8192;

    private final FileStore files;
    private final int maxTextBytes;
    private final long maxNotebookBytes;
    private final NotebookText notebooks;

    FileText(FileStore files, int maxTextBytes, long maxNotebookBytes) {
        this.files = files;
        this.maxTextBytes = maxTextBytes;
        this.maxNotebookBytes = maxNotebookBytes;
        this.notebooks = new NotebookText(maxTextBytes, (int) Math.min(Integer.MAX_VALUE, maxNotebookBytes));
    }

    /** Reads the file; an {@link IOException} means it could not be opened (gone, or a link put in its place). */
    Extract extract(Location file, Entry entry) throws IOException {
        String name = file.path().name();
        String ext = IndexFields.extension(name);
        if (ext.equals("ipynb")) {
            if (entry.size() > maxNotebookBytes) {
                return Extract.metadataOnly(IndexFields.NOTEBOOK, name);
            }
            try (FileChannel in = files.openRead(file); InputStream s = bounded(Channels.newInputStream(in), maxNotebookBytes)) {
                return notebooks.extract(name, s);
            }
        }
        if (!ext.isEmpty() && !TEXT_EXTENSIONS.contains(ext)) {
            return Extract.metadataOnly(IndexFields.OTHER, name);
        }
        try (FileChannel in = files.openRead(file)) {
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min(maxTextBytes, Math.max(0, Math.min(in.size(), Integer.MAX_VALUE))));
            while (buf.hasRemaining() && in.read(buf) > 0) {
                // read until the cap or the end
            }
            buf.flip();
            if (!looksLikeText(buf.duplicate())) {
                return Extract.metadataOnly(IndexFields.OTHER, name);
            }
            return new Extract(IndexFields.TEXT, name, StandardCharsets.UTF_8.decode(buf).toString(), "", 0);
        }
    }

    /** No NUL and valid UTF-8 in the first bytes (a character cut at the end of the sample is allowed). */
    static boolean looksLikeText(ByteBuffer bytes) {
        ByteBuffer sample = bytes.slice(0, Math.min(bytes.remaining(), SNIFF_BYTES));
        for (int i = 0; i < sample.limit(); i++) {
            if (sample.get(i) == 0) {
                return false;
            }
        }
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        CharBuffer out = CharBuffer.allocate(sample.limit() + 1);
        var result = utf8.decode(sample, out, false);
        if (result.isError()) {
            return false;
        }
        // Left over: at most the first bytes of one character cut by the sample's end.
        return sample.remaining() < 4;
    }

    /** Stops at {@code max} bytes, so a notebook that grows while read cannot take more than it was allowed. */
    private static InputStream bounded(InputStream in, long max) {
        return new InputStream() {
            private long left = max;

            @Override
            public int read() throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int b = in.read();
                if (b >= 0) {
                    left--;
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int n = in.read(b, off, (int) Math.min(len, left));
                if (n > 0) {
                    left -= n;
                }
                return n;
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        };
    }
}
