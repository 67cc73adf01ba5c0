package dev.inlierq.eval;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The streaming JSON reading that the COCO annotation file ({@link CocoDataset}) and the COCO results file
 * ({@link CocoResults}) share: opening a file and turning every failure into one {@link UserError} that names
 * it, and reading integer fields with their type and range checked.
 */
final class CocoFileReader {
    /** The parser and generator factory of both files. */
    static final JsonFactory JSON = JsonFactory.builder().build();

    private CocoFileReader() {
    }

    /** A validation failure, turned into a {@link UserError} or {@link IllegalArgumentException}. */
    static final class Invalid extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    /** Parses a file's whole content from its first token. */
    @FunctionalInterface
    interface Content<T> {
        T parse(JsonParser p) throws IOException;
    }

    /**
     * Reads {@code file} as {@code content}. {@link ExitCode#MISSING_INPUT} when the file is absent, a folder or
     * unreadable; {@link ExitCode#BAD_ANNOTATIONS} when it is not JSON or {@code content} finds it {@link Invalid}.
     *
     * @param kind what the file is, starting each message ({@code "annotation file"})
     */
    static <T> T read(Path file, String kind, Content<T> content) {
        if (Files.isDirectory(file)) {
            throw new UserError(ExitCode.MISSING_INPUT, kind + " " + file + " is a directory");
        }
        if (!Files.exists(file)) {
            throw new UserError(ExitCode.MISSING_INPUT, kind + " " + file + " does not exist");
        }
        try (InputStream in = Files.newInputStream(file);
                JsonParser p = JSON.createParser(in)) {
            return content.parse(p);
        } catch (JsonProcessingException e) {
            throw new UserError(ExitCode.BAD_ANNOTATIONS, kind + " " + file + " is not valid JSON: " + describe(e), e);
        } catch (NoSuchFileException e) {
            throw new UserError(ExitCode.MISSING_INPUT, kind + " " + file + " does not exist", e);
        } catch (IOException e) {
            throw new UserError(ExitCode.MISSING_INPUT, "cannot read " + kind + " " + file + ": " + e, e);
        } catch (Invalid e) {
            throw new UserError(ExitCode.BAD_ANNOTATIONS, kind + " " + file + ": " + e.getMessage());
        }
    }

    /** The parser's message, its first line only, with the line and column where it stopped. */
    private static String describe(JsonProcessingException e) {
        String msg = e.getOriginalMessage();
        if (msg == null) {
            msg = e.getClass().getSimpleName();
        }
        int nl = msg.indexOf('\n');
        if (nl >= 0) {
            msg = msg.substring(0, nl);
        }
        JsonLocation loc = e.getLocation();
        if (loc != null && loc.getLineNr() > 0) {
            msg += " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
        }
        return msg;
    }

    /** The integer token {@code v} of {@code field}, as a {@code long}. */
    static long readLong(JsonParser p, JsonToken v, String what, String field) throws IOException {
        if (v != JsonToken.VALUE_NUMBER_INT) {
            throw new Invalid(what + ": \"" + field + "\" is not an integer");
        }
        try {
            return p.getLongValue();
        } catch (JsonProcessingException e) {
            throw new Invalid(what + ": \"" + field + "\" is out of range");
        }
    }

    /** The integer token {@code v} of {@code field}, as an {@code int}. */
    static int readInt(JsonParser p, JsonToken v, String what, String field) throws IOException {
        return toInt(readLong(p, v, what, field), what, field);
    }

    /** An {@code int} held in a {@code long} field ({@link #readLong}), else {@link Invalid}. */
    static int toInt(long value, String what, String field) {
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new Invalid(what + ": \"" + field + "\" is out of range");
        }
        return (int) value;
    }
}
