package dev.inlierq.runtime;

import ai.onnxruntime.OrtEnvironment;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The process's ONNX Runtime environment, created so that it leaves nothing in the temporary folders.
 *
 * <p>Loading ONNX Runtime leaves two things behind otherwise: the Java binding extracts its native libraries
 * into {@code java.io.tmpdir/onnxruntime-javaNNN/} and asks for them to be deleted at exit in an order that
 * leaves the folder (empty) behind; and the native library's telemetry layer creates {@code mat-debug-PID.log}
 * and {@code .ses} in {@code $TMPDIR} (or {@code /tmp}) when the environment is created. Here the
 * environment is created with {@code TMPDIR} pointing at a fresh private folder, which is deleted (with what
 * the library put there) right after, and the extraction folder is deleted once the libraries are loaded
 * (a loaded library stays mapped after its file is gone). Where this cannot be done (no libc through JNA) the
 * environment is created as usual.
 */
final class OrtNative {
    private static OrtEnvironment env;

    private OrtNative() {
    }

    /** The shared environment (created on first use). */
    static synchronized OrtEnvironment environment() {
        if (env == null) {
            env = create();
        }
        return env;
    }

    private static OrtEnvironment create() {
        Path scratch = null;
        try {
            scratch = Files.createTempDirectory("inlierq-ort-");
        } catch (IOException e) {
            // no private folder: the library writes where it would
        }
        String before = System.getenv("TMPDIR");
        boolean redirected = scratch != null && setTmpdir(scratch.toString());
        try {
            return OrtEnvironment.getEnvironment();
        } finally {
            if (redirected) {
                setTmpdir(before);
            }
            deleteTree(scratch);
            deleteTree(extractionFolder());
        }
    }

    /** The C library's environment (what native code reads), not Java's copy of it. */
    private interface LibC extends Library {
        int setenv(String name, String value, int overwrite);

        int unsetenv(String name);
    }

    /** Sets (or, for null, unsets) TMPDIR for native code; false when that is not possible here. */
    private static boolean setTmpdir(String value) {
        try {
            LibC c = Native.load("c", LibC.class);
            return (value == null ? c.unsetenv("TMPDIR") : c.setenv("TMPDIR", value, 1)) == 0;
        } catch (LinkageError | RuntimeException e) {
            return false;
        }
    }

    /** Where the Java binding extracted the native libraries (its private field), or null. */
    private static Path extractionFolder() {
        try {
            var f = Class.forName("ai.onnxruntime.OnnxRuntime").getDeclaredField("tempDirectory");
            f.setAccessible(true);
            return (Path) f.get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static void deleteTree(Path dir) {
        if (dir == null || !Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // best effort: a leftover temporary folder is not worth failing a run for
        }
    }
}
