package org.labhub.files;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.labhub.storage.Entry;
import org.labhub.storage.FileStore;
import org.labhub.storage.Location;
import org.labhub.web.Exchange;

/**
 * A folder as a zip, written straight to the response while the folder is walked: only one file's buffer is
 * in memory, whatever the folder's size. The walk goes through {@link FileStore#list} and {@link FileStore#openRead},
 * so a link planted inside is skipped, never followed.
 */
public final class ZipDownload {
    private final FileStore files;

    public ZipDownload(FileStore files) {
        this.files = files;
    }

    public void send(Exchange ex, Location folder, String name) throws IOException {
        SafeContent.headers(ex, name + ".zip", true);
        OutputStream body = ex.stream(200, "application/zip", -1);
        try (ZipOutputStream zip = new ZipOutputStream(body, java.nio.charset.StandardCharsets.UTF_8)) {
            if (!ex.method().equals("HEAD")) {
                add(zip, folder, "");
            }
        } catch (java.io.EOFException clientGone) {
            ex.abortStream(clientGone); // the client stopped reading: nothing went wrong here
        }
    }

    private void add(ZipOutputStream zip, Location folder, String prefix) throws IOException {
        List<Entry> entries = new ArrayList<>();
        files.list(folder, entries::add);
        entries.sort(java.util.Comparator.comparing(Entry::name));
        for (Entry e : entries) {
            Location at = folder.child(e.name());
            if (e.isDirectory()) {
                ZipEntry dir = new ZipEntry(prefix + e.name() + "/");
                dir.setLastModifiedTime(java.nio.file.attribute.FileTime.from(e.modified()));
                zip.putNextEntry(dir);
                zip.closeEntry();
                add(zip, at, prefix + e.name() + "/");
            } else if (e.isFile()) {
                try (FileChannel in = files.openRead(at)) {
                    ZipEntry file = new ZipEntry(prefix + e.name());
                    file.setLastModifiedTime(java.nio.file.attribute.FileTime.from(e.modified()));
                    zip.putNextEntry(file);
                    FileDownload.copy(in, 0, in.size(), zip);
                    zip.closeEntry();
                } catch (org.labhub.storage.FileError gone) {
                    // replaced by a link or removed since the listing: left out, never followed
                }
            }
        }
    }
}
