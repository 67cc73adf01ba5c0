package dev.inlierq.report;

import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One output file, written atomically: the content goes to a hidden temporary file beside the target
 * ({@code .NAME.RANDOM.tmp}), which {@link #commit()} renames over the target. Until then the target is
 * untouched, so a run that fails (or is interrupted) never replaces or deletes an existing file:
 * {@link #close()} without a commit deletes the temporary file, and so does the JVM's shutdown (Ctrl-C).
 *
 * <p>Modes: a new file gets the default mode (0666 less the umask, so 0644 under umask 022), not the 0600 of
 * {@link Files#createTempFile}; a file that replaces another keeps the mode of the one it replaces.
 *
 * <p>Missing parent folders are created. Errors are {@link UserError}s with {@link ExitCode#OUTPUT_CONFLICT}.
 */
public final class OutputFile implements AutoCloseable {
    private static final Set<Path> PENDING = ConcurrentHashMap.newKeySet();
    private static final Set<Path> PENDING_FOLDERS = ConcurrentHashMap.newKeySet();
    /** Scratch folders deleted: nothing may be written under them any more (a late writer would recreate them). */
    private static final Set<Path> DELETED_FOLDERS = ConcurrentHashMap.newKeySet();
    /** Set by {@link #deletePending}: the process is ending (Ctrl-C, kill, exit). */
    private static volatile boolean stopping;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(OutputFile::deletePending, "inlierq-output-cleanup"));
    }

    private final Path target;
    private final Path temp;
    private boolean committed;

    private OutputFile(Path target, Path temp) {
        this.target = target;
        this.temp = temp;
    }

    /** Creates the temporary file beside {@code file} (and any missing parent folder). */
    public static OutputFile create(Path file) {
        Path target = file.toAbsolutePath().normalize();
        if (Files.isDirectory(target)) {
            throw new UserError(ExitCode.OUTPUT_CONFLICT, "cannot write " + file + ": it is a folder");
        }
        for (Path deleted : DELETED_FOLDERS) {
            if (target.startsWith(deleted)) {
                if (stopping) {
                    pause(STOPPING_WAIT_MS); // the process is ending: wait for the exit rather than report it
                }
                throw new UserError(ExitCode.OUTPUT_CONFLICT, "cannot write " + file + ": its scratch folder was "
                        + "deleted (the run was stopped)");
            }
        }
        try {
            Files.createDirectories(target.getParent());
            Path temp = createSibling(target.getParent(), "." + target.getFileName() + ".");
            PENDING.add(temp);
            keepMode(target, temp);
            return new OutputFile(target, temp);
        } catch (IOException e) {
            throw new UserError(ExitCode.OUTPUT_CONFLICT, "cannot write " + file + ": " + reason(e), e);
        }
    }

    /** Writes {@code bytes} to {@code file} atomically. */
    public static void write(Path file, byte[] bytes) {
        try (OutputFile f = create(file)) {
            f.write(bytes);
            f.commit();
        }
    }

    /** The temporary file to write (and check) before {@link #commit()}. */
    public Path temp() {
        return temp;
    }

    /** Replaces the temporary file's content with {@code bytes}. */
    public void write(byte[] bytes) {
        try {
            Files.write(temp, bytes);
        } catch (IOException e) {
            throw new UserError(ExitCode.OUTPUT_CONFLICT, "cannot write " + target + ": " + reason(e), e);
        }
    }

    /** Renames the temporary file over the target (atomically where the file system can). */
    public void commit() {
        try {
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            committed = true;
            PENDING.remove(temp);
        } catch (IOException e) {
            throw new UserError(ExitCode.OUTPUT_CONFLICT, "cannot write " + target + ": " + reason(e), e);
        }
    }

    /** Deletes the temporary file unless it was committed. */
    @Override
    public void close() {
        if (!committed) {
            deleteQuietly(temp);
            PENDING.remove(temp);
        }
    }

    /**
     * Checks, before any work, that {@code file} can be written: it is not a folder and the nearest existing
     * folder on its path accepts a new file (tried by creating and deleting an empty hidden file there, which
     * also catches read-only and virtual file systems). Throws a {@link UserError} naming {@code option}.
     */
    public static void checkWritable(String option, Path file) {
        Path target = file.toAbsolutePath().normalize();
        if (Files.isDirectory(target)) {
            throw new UserError(ExitCode.OUTPUT_CONFLICT, option + " " + file + ": is a folder, not a file");
        }
        checkFolder(option, file, target.getParent());
    }

    /** Like {@link #checkWritable} for an output folder: it may exist (as a folder) or be created. */
    public static void checkWritableFolder(String option, Path folder) {
        Path target = folder.toAbsolutePath().normalize();
        if (Files.exists(target) && !Files.isDirectory(target)) {
            throw new UserError(ExitCode.OUTPUT_CONFLICT, option + " " + folder + ": is a file, not a folder");
        }
        checkFolder(option, folder, target);
    }

    private static void checkFolder(String option, Path given, Path folder) {
        Path p = folder;
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        if (p == null || !Files.isDirectory(p)) {
            throw new UserError(ExitCode.OUTPUT_CONFLICT, option + " " + given + ": cannot be written, " + p
                    + " is not a folder");
        }
        try {
            Files.delete(createSibling(p, ".inlierq-write-check."));
        } catch (IOException e) {
            throw new UserError(ExitCode.OUTPUT_CONFLICT, option + " " + given + ": cannot be written, folder " + p
                    + " does not accept new files (" + reason(e) + ")", e);
        }
    }

    /** A new empty file {@code PREFIX RANDOM .tmp} in {@code dir}, with the default mode (umask applies). */
    private static Path createSibling(Path dir, String prefix) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path p = dir.resolve(prefix + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
            try {
                return Files.createFile(p);
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 10) {
                    throw e;
                }
            }
        }
    }

    /** A replaced file keeps its mode. */
    private static void keepMode(Path target, Path temp) throws IOException {
        if (!Files.isRegularFile(target)) {
            return;
        }
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(target);
            Files.setPosixFilePermissions(temp, perms);
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the default mode
        }
    }

    /** The reason of a failed file operation in words (Java's messages are often only the path). */
    public static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or folder";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /**
     * A scratch file in the system's temporary folder that an interrupted run also deletes ({@link #deletePending},
     * which Ctrl-C and {@code kill} run before exiting); delete it with {@link #deleteScratch} when done.
     */
    public static Path scratch(String prefix, String suffix) throws IOException {
        Path p = Files.createTempFile(prefix, suffix);
        PENDING.add(p);
        return p;
    }

    /** Deletes a {@link #scratch} file (quietly) and forgets it. */
    public static void deleteScratch(Path p) {
        if (p != null) {
            deleteQuietly(p);
            PENDING.remove(p);
        }
    }

    /**
     * A new hidden folder {@code .PREFIX RANDOM.tmp} in {@code parent} (created with its missing parents) that an
     * interrupted run also deletes with all it holds ({@link #deletePending}): a folder filled, then renamed into
     * place, so that a half-written folder is never found at the final name. After the rename call
     * {@link #forgetScratchFolder}; on failure {@link #deleteScratchFolder}.
     */
    public static Path scratchFolder(Path parent, String prefix) throws IOException {
        Files.createDirectories(parent);
        for (int attempt = 0; ; attempt++) {
            Path p = parent.resolve("." + prefix + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
            try {
                PENDING_FOLDERS.add(Files.createDirectory(p));
                return p;
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 10) {
                    throw e;
                }
            }
        }
    }

    /** Deletes a {@link #scratchFolder} and everything in it (quietly), and forgets it. */
    public static void deleteScratchFolder(Path dir) {
        if (dir != null) {
            DELETED_FOLDERS.add(dir.toAbsolutePath().normalize());
            deleteTree(dir);
            PENDING_FOLDERS.remove(dir);
        }
    }

    /** Forgets a {@link #scratchFolder} that was renamed into place (nothing is deleted). */
    public static void forgetScratchFolder(Path dir) {
        PENDING_FOLDERS.remove(dir);
    }

    /**
     * Deletes every temporary file not yet committed and every scratch folder (also run at JVM shutdown). Other
     * threads may still be writing into a scratch folder: no new file may be started under it from now on, and it
     * is deleted a second time after {@value #SETTLE_MS} ms, after any write begun meanwhile.
     */
    public static void deletePending() {
        stopping = true;
        List<Path> folders = List.copyOf(PENDING_FOLDERS);
        folders.forEach(p -> DELETED_FOLDERS.add(p.toAbsolutePath().normalize()));
        for (Path p : PENDING) {
            deleteQuietly(p);
        }
        folders.forEach(OutputFile::deleteTree);
        if (!folders.isEmpty()) {
            pause(SETTLE_MS);
            folders.forEach(OutputFile::deleteTree);
        }
    }

    /** Pause between the two deletions of a scratch folder in {@link #deletePending}. */
    static final long SETTLE_MS = 100;
    /** How long a late writer under a deleted scratch folder waits for the process to end once it is stopping. */
    static final long STOPPING_WAIT_MS = 10_000;

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Deletes a folder and its content, deepest first, quietly (what cannot be deleted stays). */
    private static void deleteTree(Path dir) {
        if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            deleteQuietly(dir);
            return;
        }
        try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(OutputFile::deleteQuietly);
        } catch (IOException | java.io.UncheckedIOException e) {
            // the failure that stopped the run is the one to report
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // the failure that stopped the write is the one to report
        }
    }
}
