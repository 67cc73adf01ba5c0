package dev.inlierq.cli;

import com.sun.jna.Library;
import com.sun.jna.Native;
import dev.inlierq.report.OutputFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jline.nativ.JLineNativeLoader;

/**
 * Ctrl-C (SIGINT) and kill (SIGTERM): one line "interrupted", the temporary output files deleted, and the
 * conventional exit code (128 + signal: 130, 143) at once. The process ends with the C library's {@code _exit},
 * not through the JVM's shutdown: a normal exit runs the native libraries' static destructors while libtorch or
 * ONNX Runtime threads may still be computing, which can abort the process (exit 134) after the message. So the
 * JVM's delete-on-exit list is not run either: the native library JLine unpacks into the temp folder when a
 * progress bar asks the terminal's width is deleted here (InterruptTest checks that nothing else is left there).
 */
final class Interrupts {
    private Interrupts() {
    }

    private interface LibC extends Library {
        void _exit(int status);
    }

    /** Installs the handlers; a signal the JVM does not let us handle keeps its default (the shutdown hooks). */
    static void install() {
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), s -> interrupted(128 + s.getNumber()));
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // ignored at start-up (a background job) or reserved: the default applies
            }
        }
    }

    private static void interrupted(int code) {
        // a progress bar's line ends without a newline: "interrupted" goes on a line of its own
        System.err.println(Cli.progressBars() ? System.lineSeparator() + "interrupted" : "interrupted");
        System.err.flush();
        System.out.flush();
        OutputFile.deletePending();
        deleteJLineLibrary();
        try {
            Native.load("c", LibC.class)._exit(code);
        } catch (LinkageError | RuntimeException e) {
            Runtime.getRuntime().halt(code);
        }
    }

    /**
     * Deletes the copy of JLine's native library (and its lock file) that JLine unpacked into its temp folder, if
     * it did; a library JLine loaded from anywhere else ({@code library.jline.path}) is not ours to delete.
     */
    private static void deleteJLineLibrary() {
        String loaded = JLineNativeLoader.getNativeLibraryPath();
        if (loaded == null) {
            return;
        }
        Path library = Path.of(loaded).toAbsolutePath();
        Path temp = Path.of(System.getProperty("jline.tmpdir", System.getProperty("java.io.tmpdir"))).toAbsolutePath();
        if (!temp.equals(library.getParent()) || !library.getFileName().toString().startsWith("jlinenative-")) {
            return;
        }
        for (Path file : new Path[] {library, Path.of(library + ".lck")}) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // best effort on the way out: the next start's JLine removes copies whose lock file is gone
            }
        }
    }
}
