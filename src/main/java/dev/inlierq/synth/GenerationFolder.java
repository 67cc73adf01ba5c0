package dev.inlierq.synth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import dev.inlierq.report.JsonFiles;
import dev.inlierq.report.OutputFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The folder policy of the project's generated benchmarks ({@code synth}, {@code synth-lidar}): a missing or empty
 * folder is generated into; a non-empty one only when its manifest names the same generator and holds the same
 * settings; anything else (a file, a non-empty folder without such a manifest, or with other settings) is refused
 * with {@link ExitCode#OUTPUT_CONFLICT}, and nothing is ever deleted.
 *
 * @param generator the manifest's {@code generator} value, e.g. {@code "inlierq synth"}
 * @param command   the command's name in messages, e.g. {@code "synth"}
 * @param manifest  the manifest's file name in the folder
 */
public record GenerationFolder(String generator, String command, String manifest) {
    private static final ObjectMapper MAPPER = JsonFiles.mapper();

    /**
     * The manifest of a generation with {@code settings} in {@code folder}, or null when the folder is missing or
     * empty (generate into it).
     *
     * @throws UserError OUTPUT_CONFLICT when the folder is refused
     */
    public JsonNode accept(Path folder, Map<String, Object> settings) {
        if (Files.exists(folder) && !Files.isDirectory(folder)) {
            throw new UserError(ExitCode.OUTPUT_CONFLICT, folder + ": is a file, not a folder");
        }
        if (!Files.exists(folder) || isEmpty(folder)) {
            return null;
        }
        JsonNode found = read(folder.resolve(manifest));
        if (found == null) {
            throw new UserError(ExitCode.OUTPUT_CONFLICT, "refusing to write into " + folder + ": it is not empty "
                    + "and holds no " + command + " generation (no valid " + manifest + "); give a new or empty "
                    + "folder");
        }
        String difference = firstDifference(found.path("settings"), reparse(settings));
        if (difference != null) {
            throw new UserError(ExitCode.OUTPUT_CONFLICT, "refusing to overwrite " + folder + ": it holds a "
                    + command + " generation with other settings (" + difference + "); give another folder or "
                    + "delete it");
        }
        return found;
    }

    private static boolean isEmpty(Path folder) {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            throw new UserError(ExitCode.OUTPUT_CONFLICT, folder + ": cannot list the folder (" + OutputFile.reason(e)
                    + ")", e);
        }
    }

    /** The manifest, or null when it is missing or not this generator's. */
    private JsonNode read(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            JsonNode node = MAPPER.readTree(file.toFile());
            return node != null && generator.equals(node.path("generator").asText()) ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The same tree as parsed from text, so that numbers compare as the manifest's do. */
    private static JsonNode reparse(Object value) {
        try {
            return MAPPER.readTree(MAPPER.writeValueAsBytes(value));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code "seed 1 there, 0 asked"} for the first setting that differs, or null. */
    private static String firstDifference(JsonNode there, JsonNode wanted) {
        for (Map.Entry<String, JsonNode> e : wanted.properties()) {
            JsonNode old = there.get(e.getKey());
            if (!e.getValue().equals(old)) {
                return e.getKey() + " " + (old == null ? "missing" : old.toString()) + " there, " + e.getValue()
                        + " asked";
            }
        }
        return null;
    }
}
