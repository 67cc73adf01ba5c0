package dev.inlierq.api;

import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import dev.inlierq.report.OutputFile;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks output paths before any work: refuses one that would overwrite something the user gave as input, and
 * one that cannot be written ({@link OutputFile#checkWritable}), naming the option.
 */
public final class OutputGuard {
    private OutputGuard() {
    }

    /** An output file given with {@code option} (null: not asked for): not an input, and writable. */
    public static void checkFile(String option, Path output, Path... inputs) {
        if (output != null) {
            notAnInput(output, inputs);
            OutputFile.checkWritable(option, output);
        }
    }

    /** An output folder given with {@code option} (null: not asked for): not an input, and writable. */
    public static void checkFolder(String option, Path output, Path... inputs) {
        if (output != null) {
            notAnInput(output, inputs);
            OutputFile.checkWritableFolder(option, output);
        }
    }

    private static void notAnInput(Path output, Path... inputs) {
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
    }
}
