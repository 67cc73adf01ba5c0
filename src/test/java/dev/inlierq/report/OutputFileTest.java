package dev.inlierq.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The atomic writer: the target changes only at commit, keeps its mode, and no temporary file stays. */
class OutputFileTest {
    @TempDir
    Path tmp;

    private List<Path> files() throws Exception {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.sorted().toList();
        }
    }

    @Test
    void aFailureBeforeTheCommitLeavesTheTargetAsItWas() throws Exception {
        Path target = Files.writeString(tmp.resolve("q.onnx"), "before");
        RuntimeException failure = assertThrows(IllegalStateException.class, () -> {
            try (OutputFile f = OutputFile.create(target)) {
                f.write("half-written".getBytes());
                assertEquals(2, files().size(), "the temporary file beside the target");
                throw new IllegalStateException("the check failed");
            }
        });
        assertEquals("the check failed", failure.getMessage());
        assertArrayEquals("before".getBytes(), Files.readAllBytes(target));
        assertEquals(List.of(target), files());
    }

    @Test
    void aReplacedFileKeepsItsModeAndANewFileGetsTheDefault() throws Exception {
        Path kept = Files.writeString(tmp.resolve("kept.json"), "{}");
        Files.setPosixFilePermissions(kept, PosixFilePermissions.fromString("rw-r-----"));
        OutputFile.write(kept, "[1]".getBytes());
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(kept)));
        assertArrayEquals("[1]".getBytes(), Files.readAllBytes(kept));
        Path fresh = tmp.resolve("sub/new.json");
        OutputFile.write(fresh, "[2]".getBytes());
        String normal = PosixFilePermissions.toString(Files.getPosixFilePermissions(Files.createFile(tmp.resolve("ref"))));
        assertEquals(normal, PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh)));
    }

    @Test
    void writabilityIsCheckedWithTheOptionNamed() throws Exception {
        Path file = Files.writeString(tmp.resolve("plain"), "x");
        UserError underAFile = assertThrows(UserError.class, () -> OutputFile.checkWritable("--json", file.resolve("a.json")));
        assertEquals(ExitCode.OUTPUT_CONFLICT, underAFile.exitCode());
        assertEquals("--json " + file.resolve("a.json") + ": cannot be written, " + file + " is not a folder",
                underAFile.getMessage());
        UserError folder = assertThrows(UserError.class, () -> OutputFile.checkWritable("--out", tmp));
        assertEquals("--out " + tmp + ": is a folder, not a file", folder.getMessage());
        OutputFile.checkWritable("--out", tmp.resolve("missing/sub/q.onnx"));
        assertEquals(List.of(file), files(), "the check leaves nothing behind");
    }

    @Test
    void scratchFilesAreDeletedWhenDoneAndByTheInterruptCleanup() throws Exception {
        Path a = OutputFile.scratch("inlierq-test", ".tmp");
        Path b = OutputFile.scratch("inlierq-test", ".tmp");
        assertEquals(true, Files.exists(a) && Files.exists(b));
        OutputFile.deleteScratch(a);
        assertEquals(false, Files.exists(a), "deleted when done");
        OutputFile.deletePending(); // what Ctrl-C and kill run before exiting
        assertEquals(false, Files.exists(b), "an interrupted run leaves no scratch file");
        OutputFile.deleteScratch(null);
    }
}
