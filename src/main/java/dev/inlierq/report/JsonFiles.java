package dev.inlierq.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import java.io.IOException;
import java.nio.file.Path;

/** Writes machine-readable results: pretty JSON, written atomically ({@link OutputFile}). */
public final class JsonFiles {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonFiles() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Writes {@code value} as pretty JSON to {@code file} atomically. */
    public static void write(Path file, Object value) {
        try {
            writeAtomically(file, MAPPER.writeValueAsBytes(value));
        } catch (IOException e) {
            throw new UserError(ExitCode.OUTPUT_CONFLICT, "cannot write " + file + ": " + OutputFile.reason(e), e);
        }
    }

    /** Writes bytes to {@code file} atomically ({@link OutputFile}). */
    public static void writeAtomically(Path file, byte[] bytes) {
        OutputFile.write(file, bytes);
    }
}
