package dev.inlierq.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.inlierq.testing.Shared;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C (SIGINT) or kill (SIGTERM) during a quantize run: one line "interrupted", the conventional exit code
 * (130, 143), the file already at --out untouched, no temporary file left beside it and nothing left in the temp
 * folder (the native library JLine unpacks there for the progress bar's terminal included).
 */
class InterruptTest {
    @TempDir
    Path tmp;

    /** With progress bars as on a terminal: their terminal library unpacks a native library into the temp folder. */
    @Test
    void sigterm() throws Exception {
        assertInterrupted("TERM", 143, List.of("-Dinlierq.progress=always"));
    }

    @Test
    void sigint() throws Exception {
        assumeFalse(sigintIgnored(), "SIGINT is ignored in this process and so in its children (it was started as a "
                + "background job of a non-interactive shell): Ctrl-C cannot reach the command here");
        assertInterrupted("INT", 130, List.of());
    }

    /** Whether this process ignores SIGINT (bit 2 of SigIgn), a disposition every child inherits across exec. */
    static boolean sigintIgnored() throws java.io.IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring("SigIgn:".length()).trim(), 16) & 0x2) != 0;
            }
        }
        return false;
    }

    private void assertInterrupted(String signal, int expectedCode, List<String> properties) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(signal));
        Path temp = Files.createDirectory(dir.resolve("temp"));
        Path out = dir.resolve("q.onnx");
        byte[] before = "an earlier model".getBytes();
        Files.write(out, before);
        Path log = tmp.resolve(signal + ".log");
        Process p = Subprocess.start(temp, log, properties, "quantize", "--model", Shared.model("fastestdet").toString(),
                "--spec", "fastestdet", "--calib", Shared.trainImages().toString(), "--num-calib", "8",
                "--method", "adaround", "--iters", "100000", "--out", out.toString(), "--json",
                dir.resolve("q.json").toString());
        try {
            Thread.sleep(8000); // past start-up: calibrating or reconstructing
            assertTrue(p.isAlive(), "still working when signalled: " + Subprocess.output(log));
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start();
            assertEquals(0, kill.waitFor());
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "ends after SIG" + signal);
        } finally {
            p.destroyForcibly(); // never leave a 100,000-step run behind when an assertion fails
        }
        String said = Subprocess.output(log);
        assertEquals(expectedCode, p.exitValue(), said);
        // the last whole line: a progress bar may redraw its line (a carriage return, no newline) after it
        assertTrue(said.substring(0, said.lastIndexOf('\n') + 1).strip().endsWith("interrupted"), said);
        assertArrayEquals(before, Files.readAllBytes(out));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(out, temp).stream().sorted().toList(), files.sorted().toList(), "nothing else beside --out");
        }
        try (Stream<Path> left = Files.list(temp)) {
            assertEquals(List.of(), left.toList(), "nothing left in the temp folder");
        }
    }
}
