package dev.inlierq.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real CLI in its own JVM (the test class path), with its own temporary folder. */
final class Subprocess {
    private Subprocess() {
    }

    /**
     * Starts {@code inlierq ARGS} with java.io.tmpdir and TMPDIR both set to {@code tempFolder} and the JVM's
     * {@code properties} ({@code -Dname=value}).
     */
    static Process start(Path tempFolder, Path log, List<String> properties, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx2g", "-Dai.djl.offline=true", "-Djava.io.tmpdir=" + tempFolder));
        cmd.addAll(properties);
        cmd.addAll(List.of("-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("TMPDIR", tempFolder.toString());
        return pb.start();
    }

    /** Runs to the end (at most 5 minutes) and returns the exit code. */
    static int run(Path tempFolder, Path log, String... args) throws Exception {
        Process p = start(tempFolder, log, List.of(), args);
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", args));
        }
        return p.exitValue();
    }

    static String output(Path log) throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }
}
