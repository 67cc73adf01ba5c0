package dev.inlierq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.inlierq.testing.Shared;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run of the real CLI (its own JVM, ONNX Runtime and libtorch) leaves nothing in the temporary folder. */
class TempFolderTest {
    @TempDir
    Path tmp;

    private static List<String> contents(Path dir) throws Exception {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(p -> !p.equals(dir)).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void evalAndQuantizeLeaveTheTemporaryFolderEmpty() throws Exception {
        Path temp = Files.createDirectory(tmp.resolve("temp"));
        Path log = tmp.resolve("log.txt");
        int eval = Subprocess.run(temp, log, "eval", "--model", Shared.model("fastestdet").toString(), "--spec",
                "fastestdet", "--images", Shared.valImages().toString(), "--annotations",
                Shared.valAnnotations().toString(), "--limit", "1");
        assertEquals(0, eval, Subprocess.output(log));
        assertEquals(List.of(), contents(temp), "after eval");
        int quantize = Subprocess.run(temp, log, "quantize", "--model", Shared.model("fastestdet").toString(),
                "--spec", "fastestdet", "--calib", Shared.trainImages().toString(), "--num-calib", "1",
                "--check-images", "1", "--stats-images", "1", "--out", tmp.resolve("q.onnx").toString());
        assertEquals(0, quantize, Subprocess.output(log));
        assertEquals(List.of(), contents(temp), "after quantize");
    }
}
