package dev.inlierq.cli;

import com.sun.jna.Library;
import com.sun.jna.Native;
import dev.inlierq.report.OutputFile;

/**
 * Ctrl-C (SIGINT) and kill (SIGTERM): one line "interrupted", the temporary output files deleted, and the
 * conventional exit code (128 + signal: 130, 143) at once. The process ends with the C library's {@code _exit},
 * not through the JVM's shutdown: a normal exit runs the native libraries' static destructors while libtorch or
 * ONNX Runtime threads may still be computing, which can abort the process (exit 134) after the message.
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
        System.err.println("interrupted");
        System.err.flush();
        System.out.flush();
        OutputFile.deletePending();
        try {
            Native.load("c", LibC.class)._exit(code);
        } catch (LinkageError | RuntimeException e) {
            Runtime.getRuntime().halt(code);
        }
    }
}
