package org.labhub.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * Users' files under {@code <data>/homes}, reached only through directory handles ({@link SafeDirs}), written
 * through {@code <data>/staging} and renamed into place, deleted into {@code <data>/trash} (see ADR 11).
 */
public final class HomeFileStore implements FileStore {
    private final Path staging;
    private final SafeDirs dirs;
    private final TrashBin bin;
    private final UsageLedger ledger;
    private final ToLongFunction<String> quotaBytesOf;
    private final FileOwners owners;
    private final Clock clock;

    /** Creates staging and trash, clears what a crash left in staging, and checks that renames can reach the homes. */
    public HomeFileStore(Path homes, Path staging, Path trash, ToLongFunction<String> quotaBytesOf, Clock clock) throws IOException {
        this(homes, staging, trash, quotaBytesOf, FileOwners.NONE, clock);
    }

    /** As above; what the hub writes into a home is given to {@code owners}' uid for that home's user. */
    public HomeFileStore(Path homes, Path staging, Path trash, ToLongFunction<String> quotaBytesOf, FileOwners owners, Clock clock)
            throws IOException {
        this.owners = owners;
        Path homesRoot = homes.toAbsolutePath().normalize();
        this.staging = staging.toAbsolutePath().normalize();
        Path trashRoot = trash.toAbsolutePath().normalize();
        if (!"UTF-8".equalsIgnoreCase(System.getProperty("sun.jnu.encoding", "UTF-8"))) {
            throw new IOException("file names need a UTF-8 locale (LANG=C.UTF-8); the JVM decodes them as "
                    + System.getProperty("sun.jnu.encoding"));
        }
        Files.createDirectories(homesRoot);
        Files.createDirectories(this.staging);
        Files.createDirectories(trashRoot);
        if (!Files.getFileStore(this.staging).equals(Files.getFileStore(homesRoot))) {
            throw new IOException("staging " + this.staging + " and homes " + homesRoot + " must be on the same filesystem"
                    + " (a rename between filesystems fails with EXDEV)");
        }
        this.dirs = new SafeDirs(homesRoot);
        this.bin = new TrashBin(trashRoot, clock);
        this.ledger = new UsageLedger(this::count, clock);
        this.quotaBytesOf = quotaBytesOf;
        this.clock = clock;
        clearStaging();
    }

    private void clearStaging() throws IOException {
        try (DirHandle st = DirHandle.open(staging)) {
            for (Iterator<Path> it = st.names(); it.hasNext(); ) {
                Trees.delete(st, it.next());
            }
        }
    }

    @Override
    public Optional<Entry> stat(Location at) throws IOException {
        try {
            if (at.path().isRoot()) {
                try (DirHandle home = dirs.home(at.owner())) {
                    return Optional.of(Entries.of("", home.self()));
                }
            }
            try (SafeDirs.Parent p = dirs.parent(at)) {
                return p.dir.lstat(p.name).map(a -> Entries.of(p.name.toString(), a));
            }
        } catch (FileError e) {
            return Optional.empty(); // a parent is missing, not a folder, or a link
        }
    }

    /** Names that no {@link RelPath} can address (not valid UTF-8, or with {@code \}) are skipped, not reported. */
    @Override
    public void list(Location folder, Consumer<Entry> each) throws IOException {
        try (DirHandle dir = dirs.folder(folder)) {
            for (Iterator<Path> it = dir.names(); it.hasNext(); ) {
                Path name = it.next();
                String text = name.toString();
                if (!addressable(text)) {
                    continue;
                }
                Optional<BasicFileAttributes> a = dir.lstat(name);
                if (a.isPresent()) {
                    each.accept(Entries.of(text, a.get()));
                }
            }
        }
    }

    private static boolean addressable(String name) {
        try {
            RelPath.checkName(name);
            return true;
        } catch (RelPath.BadPath e) {
            return false;
        }
    }

    @Override
    public FileChannel openRead(Location file) throws IOException {
        if (file.path().isRoot()) {
            throw new FileError(FileError.Reason.IS_A_DIRECTORY, file + " is a folder");
        }
        try (SafeDirs.Parent p = existingParent(file)) {
            BasicFileAttributes a = lstatExisting(p, file);
            if (a.isSymbolicLink()) {
                throw new FileError(FileError.Reason.SYMLINK, file + " is a symbolic link, which is never followed");
            }
            if (a.isDirectory()) {
                throw new FileError(FileError.Reason.IS_A_DIRECTORY, file + " is a folder");
            }
            if (!a.isRegularFile()) {
                // a FIFO or device would block or leak; only regular files are served
                throw new FileError(FileError.Reason.NOT_FOUND, file + " is not a regular file");
            }
            return p.dir.openFile(p.name, Set.of(StandardOpenOption.READ));
        }
    }

    @Override
    public Upload upload(Location file, long expectedBytes) throws IOException {
        if (file.path().isRoot()) {
            throw new FileError(FileError.Reason.IS_A_DIRECTORY, file + " is a folder");
        }
        SafeDirs.Parent p = dirs.parent(file);
        DirHandle st = null;
        try {
            Optional<BasicFileAttributes> there = p.dir.lstat(p.name);
            if (there.isPresent() && there.get().isDirectory()) {
                throw new FileError(FileError.Reason.IS_A_DIRECTORY, file + " is a folder");
            }
            long credit = there.isPresent() && there.get().isRegularFile() ? there.get().size() : 0;
            long allowance = allowance(file.owner(), credit);
            if (expectedBytes > allowance) {
                throw new FileError(FileError.Reason.QUOTA_EXCEEDED, expectedBytes + " bytes do not fit in the quota of " + file.owner());
            }
            st = DirHandle.open(staging);
            Path tmp = dirs.name("u-" + UUID.randomUUID());
            FileChannel ch = st.openFile(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
            Path staged = staging.resolve(tmp);
            return new HomeUpload(file, p, st, tmp, ch, allowance, ledger, () -> owners.give(staged, file.owner()));
        } catch (IOException | RuntimeException e) {
            if (st != null) {
                st.close();
            }
            p.close();
            throw e;
        }
    }

    @Override
    public Entry mkdir(Location folder) throws IOException {
        if (folder.path().isRoot()) {
            throw new FileError(FileError.Reason.EXISTS, "the home folder exists");
        }
        try (SafeDirs.Parent p = dirs.parent(folder); DirHandle st = DirHandle.open(staging)) {
            if (p.dir.lstat(p.name).isPresent()) {
                throw new FileError(FileError.Reason.EXISTS, folder + " already exists");
            }
            // there is no mkdirat in the JDK: make it in staging, then renameat it into the held parent
            Path tmp = dirs.name("d-" + UUID.randomUUID());
            Files.createDirectory(staging.resolve(tmp));
            try {
                owners.give(staging.resolve(tmp), folder.owner());
                st.move(tmp, p.dir, p.name);
            } catch (IOException e) {
                Files.deleteIfExists(staging.resolve(tmp));
                throw e;
            }
            p.syncFolder();
            return p.dir.lstat(p.name).map(a -> Entries.of(p.name.toString(), a))
                    .orElseThrow(() -> new FileError(FileError.Reason.NOT_FOUND, folder + " was removed right after it was made"));
        }
    }

    @Override
    public TrashItem trash(Location item) throws IOException {
        refuseHome(item);
        try (SafeDirs.Parent p = existingParent(item)) {
            BasicFileAttributes a = lstatExisting(p, item);
            long size = Trees.size(p.dir, p.name);
            TrashItem t = bin.newSlot(item.owner(), item.path(), Entries.of("", a).kind(), size);
            Path slot = bin.ownerDir(item.owner()).resolve(t.id());
            try (DirHandle s = DirHandle.open(slot)) {
                p.dir.move(p.name, s, dirs.name(TrashBin.ITEM));
            } catch (IOException e) {
                FileTrees.delete(slot);
                throw e;
            }
            AtomicFiles.syncDirectory(slot);
            p.syncFolder();
            ledger.add(item.owner(), -size, size);
            return t;
        }
    }

    @Override
    public void deletePermanently(Location item) throws IOException {
        refuseHome(item);
        try (SafeDirs.Parent p = existingParent(item)) {
            lstatExisting(p, item);
            long freed = Trees.delete(p.dir, p.name);
            p.syncFolder();
            ledger.add(item.owner(), -freed, 0);
        }
    }

    @Override
    public void move(Location from, Location to, boolean overwrite) throws IOException {
        refuseHome(from);
        if (to.path().isRoot()) {
            throw new FileError(FileError.Reason.EXISTS, "the home folder exists");
        }
        boolean sameOwner = from.owner().equals(to.owner());
        if (sameOwner && to.path().startsWith(from.path())) {
            throw new FileError(FileError.Reason.INTO_ITSELF, from + " cannot be moved into itself");
        }
        try (SafeDirs.Parent src = existingParent(from); SafeDirs.Parent dst = dirs.parent(to)) {
            lstatExisting(src, from);
            long size = sameOwner ? 0 : Trees.size(src.dir, src.name);
            Optional<BasicFileAttributes> there = dst.dir.lstat(dst.name);
            if (there.isPresent() && !overwrite) {
                throw new FileError(FileError.Reason.EXISTS, to + " already exists");
            }
            if (!sameOwner) {
                long replaced = there.isPresent() ? Trees.size(dst.dir, dst.name) : 0;
                if (size > allowance(to.owner(), replaced)) {
                    throw new FileError(FileError.Reason.QUOTA_EXCEEDED, from + " does not fit in the quota of " + to.owner());
                }
            }
            if (there.isPresent()) {
                ledger.add(to.owner(), -Trees.delete(dst.dir, dst.name), 0);
            }
            if (sameOwner) {
                src.dir.move(src.name, dst.dir, dst.name);
            } else {
                // through staging, to give the item to its new owner's uid before it lands in their home
                Path tmp = dirs.name("m-" + UUID.randomUUID());
                try (DirHandle st = DirHandle.open(staging)) {
                    src.dir.move(src.name, st, tmp);
                    try {
                        owners.give(staging.resolve(tmp), to.owner());
                        st.move(tmp, dst.dir, dst.name);
                    } catch (IOException | RuntimeException e) {
                        st.move(tmp, src.dir, src.name); // staging is emptied at start-up: never leave an item there
                        throw e;
                    }
                }
            }
            dst.syncFolder();
            src.syncFolder();
            if (!sameOwner) {
                ledger.add(from.owner(), -size, 0);
                ledger.add(to.owner(), size, 0);
            }
        }
    }

    @Override
    public void copy(Location from, Location to, boolean overwrite, boolean recursive) throws IOException {
        new TreeCopy(dirs, staging, ledger, this::allowance, owners).copy(from, to, overwrite, recursive);
    }

    @Override
    public FolderBuild buildFolder(Location folder) throws IOException {
        if (folder.path().isRoot()) {
            throw new FileError(FileError.Reason.EXISTS, "the home folder exists");
        }
        try (SafeDirs.Parent p = dirs.parent(folder)) {
            if (p.dir.lstat(p.name).isPresent()) {
                throw new FileError(FileError.Reason.EXISTS, folder + " already exists");
            }
        }
        return new StagedFolderBuild(folder, dirs, staging, allowance(folder.owner(), 0), ledger, owners);
    }

    @Override
    public Usage usage(String owner) throws IOException {
        UsageLedger.Counted c = ledger.get(owner);
        return new Usage(c.homeBytes(), c.trashBytes(), quotaBytesOf.applyAsLong(owner));
    }

    /**
     * Counts a home by walking it through handles (lstat, never following) plus the trash's recorded sizes.
     * Measured here (ext4, JDK 17): 10,000 files in 100 folders take 50-160 ms (HomeFileStoreQuotaTest prints it).
     */
    private UsageLedger.Counted count(String owner) throws IOException {
        Instant at = clock.instant();
        long home;
        try (DirHandle h = dirs.home(owner)) {
            home = Trees.contentSize(h);
        } catch (FileError e) {
            home = 0;
        }
        return new UsageLedger.Counted(home, bin.bytes(owner), at);
    }

    /** Bytes the owner may still add, counting {@code credit} bytes that the write replaces. */
    long allowance(String owner, long credit) throws IOException {
        long limit = quotaBytesOf.applyAsLong(owner);
        if (limit <= 0) {
            return Long.MAX_VALUE;
        }
        UsageLedger.Counted c = ledger.get(owner);
        return limit - c.homeBytes() - c.trashBytes() + credit;
    }

    @Override
    public List<TrashItem> trashed(String owner) throws IOException {
        return bin.list(owner);
    }

    @Override
    public Location restore(String owner, String trashId, Optional<RelPath> to) throws IOException {
        TrashItem t = bin.find(owner, trashId);
        Location target = new Location(owner, to.orElse(t.originalPath()));
        if (target.path().isRoot()) {
            throw new FileError(FileError.Reason.EXISTS, "the home folder exists");
        }
        try (SafeDirs.Parent p = dirs.parent(target); DirHandle slot = DirHandle.open(bin.slot(owner, trashId))) {
            if (p.dir.lstat(p.name).isPresent()) {
                throw new FileError(FileError.Reason.EXISTS, target + " already exists");
            }
            slot.move(dirs.name(TrashBin.ITEM), p.dir, p.name);
            p.syncFolder();
        }
        bin.delete(owner, trashId);
        ledger.add(owner, t.sizeBytes(), -t.sizeBytes());
        return target;
    }

    @Override
    public void emptyTrash(String owner, Optional<String> trashId) throws IOException {
        List<TrashItem> doomed = trashId.isPresent() ? List.of(bin.find(owner, trashId.get())) : bin.list(owner);
        for (TrashItem t : doomed) {
            bin.delete(owner, t.id());
            ledger.add(owner, 0, -t.sizeBytes());
        }
    }

    @Override
    public int purgeTrash(Duration age) throws IOException {
        Instant cutoff = clock.instant().minus(age);
        int purged = 0;
        for (String owner : bin.owners()) {
            for (TrashItem t : bin.list(owner)) {
                if (t.deletedAt().isBefore(cutoff)) {
                    bin.delete(owner, t.id());
                    ledger.add(owner, 0, -t.sizeBytes());
                    purged++;
                }
            }
        }
        return purged;
    }

    private SafeDirs.Parent existingParent(Location at) throws IOException {
        try {
            return dirs.parent(at);
        } catch (FileError e) {
            if (e.reason() == FileError.Reason.PARENT_MISSING) {
                throw new FileError(FileError.Reason.NOT_FOUND, at + " does not exist");
            }
            throw e;
        }
    }

    private static BasicFileAttributes lstatExisting(SafeDirs.Parent p, Location at) throws IOException {
        return p.dir.lstat(p.name).orElseThrow(() -> new FileError(FileError.Reason.NOT_FOUND, at + " does not exist"));
    }

    private static void refuseHome(Location at) {
        if (at.path().isRoot()) {
            throw new IllegalArgumentException("the home folder itself cannot be moved or deleted: " + at);
        }
    }
}
