package dev.inlierq.api;

import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import java.nio.file.Files;
import java.nio.file.Path;

/** Refuses an output path that would overwrite something the user gave as input. */
public final class OutputGuard {
    private OutputGuard() {
    }

    public static void check(Path output, Path... inputs) {
        if (output == null) {
            return;
        }
        Path out = output.toAbsolutePath().normalize();
        for (Path in : inputs) {
            if (in == null) {
                continue;
            }
            Path i = in.toAbsolutePath().normalize();
            boolean same = out.equals(i);
            try {
                same |= Files.exists(out) && Files.exists(i) && Files.isSameFile(out, i);
            } catch (java.io.IOException e) {
                // not comparable: treat as different
            }
            if (same || (Files.isDirectory(i) && out.startsWith(i) && !Files.isDirectory(out) && Files.exists(out))) {
                throw new UserError(ExitCode.OUTPUT_CONFLICT, "refusing to overwrite an input: " + output);
            }
        }
        if (Files.isDirectory(out)) {
            throw new UserError(ExitCode.OUTPUT_CONFLICT, "output path is a directory: " + output);
        }
    }
}
