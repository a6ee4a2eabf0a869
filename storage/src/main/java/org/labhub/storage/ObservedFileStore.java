package org.labhub.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** A {@link FileStore} that tells {@link FileEvents} about every move and removal it makes, once it succeeded. */
public final class ObservedFileStore implements FileStore {
    private final FileStore store;
    private final FileEvents events;

    public ObservedFileStore(FileStore store, FileEvents events) {
        this.store = store;
        this.events = events;
    }

    @Override
    public Optional<Entry> stat(Location at) throws IOException { return store.stat(at); }

    @Override
    public void list(Location folder, Consumer<Entry> each) throws IOException { store.list(folder, each); }

    @Override
    public FileChannel openRead(Location file) throws IOException { return store.openRead(file); }

    @Override
    public Upload upload(Location file, long expectedBytes) throws IOException { return store.upload(file, expectedBytes); }

    @Override
    public Entry mkdir(Location folder) throws IOException { return store.mkdir(folder); }

    @Override
    public TrashItem trash(Location item) throws IOException {
        TrashItem t = store.trash(item);
        events.removed(item);
        return t;
    }

    @Override
    public void deletePermanently(Location item) throws IOException {
        store.deletePermanently(item);
        events.removed(item);
    }

    @Override
    public void move(Location from, Location to, boolean overwrite) throws IOException {
        store.move(from, to, overwrite);
        if (overwrite) {
            events.removed(to); // what was there before is gone; the moved item's shares then move onto it
        }
        events.moved(from, to);
    }

    @Override
    public void copy(Location from, Location to, boolean overwrite, boolean recursive) throws IOException {
        store.copy(from, to, overwrite, recursive);
    }

    @Override
    public FolderBuild buildFolder(Location folder) throws IOException { return store.buildFolder(folder); }

    @Override
    public Usage usage(String owner) throws IOException { return store.usage(owner); }

    @Override
    public List<TrashItem> trashed(String owner) throws IOException { return store.trashed(owner); }

    @Override
    public Location restore(String owner, String trashId, Optional<RelPath> to) throws IOException {
        return store.restore(owner, trashId, to);
    }

    @Override
    public void emptyTrash(String owner, Optional<String> trashId) throws IOException { store.emptyTrash(owner, trashId); }

    @Override
    public int purgeTrash(Duration age) throws IOException { return store.purgeTrash(age); }
}
