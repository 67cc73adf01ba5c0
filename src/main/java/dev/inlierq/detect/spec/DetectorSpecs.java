package dev.inlierq.detect.spec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Finds and loads detector specs: the built-in ones ({@code yolox}, {@code picodet},
 * {@code fastestdet}, from the resources {@code specs/<name>.yaml}) and user files ({@code .yaml},
 * {@code .yml} or {@code .json}). The format is documented on {@link DetectorSpec}.
 */
public final class DetectorSpecs {
    private static final List<String> BUILT_IN = List.of("yolox", "picodet", "fastestdet");
    private static final ObjectMapper YAML = mapper(new ObjectMapper(new YAMLFactory()));
    private static final ObjectMapper JSON = mapper(new ObjectMapper());

    /** Text formats a spec can be written in. */
    public enum Format {
        YAML, JSON
    }

    private DetectorSpecs() {
    }

    private static ObjectMapper mapper(ObjectMapper m) {
        m.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        return m;
    }

    /** Names of the built-in specs. */
    public static List<String> builtInNames() {
        return BUILT_IN;
    }

    /**
     * A built-in spec when {@code nameOrPath} is one of {@link #builtInNames()} (any case; to load a
     * file with such a name, write it as a path, e.g. {@code ./yolox}), else the spec file at that path.
     *
     * @throws UserError MISSING_INPUT when the file does not exist, BAD_SPEC when it is invalid
     */
    public static DetectorSpec resolve(String nameOrPath) {
        String key = nameOrPath.trim().toLowerCase(Locale.ROOT);
        if (BUILT_IN.contains(key)) {
            return builtIn(key);
        }
        return load(Path.of(nameOrPath));
    }

    /** The built-in spec {@code name}. */
    public static DetectorSpec builtIn(String name) {
        if (!BUILT_IN.contains(name)) {
            throw new IllegalArgumentException("no built-in spec " + name + "; built-in: " + BUILT_IN);
        }
        String resource = "/specs/" + name + ".yaml";
        try (InputStream in = DetectorSpecs.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("resource " + resource + " missing from the build");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), Format.YAML, "built-in " + name, name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Loads a spec file; the format follows the extension. */
    public static DetectorSpec load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserError(ExitCode.MISSING_INPUT, file + ": no such spec file (built-in specs: "
                    + String.join(", ", BUILT_IN) + ")");
        }
        String fileName = file.getFileName().toString();
        String lower = fileName.toLowerCase(Locale.ROOT);
        Format format;
        if (lower.endsWith(".yaml") || lower.endsWith(".yml")) {
            format = Format.YAML;
        } else if (lower.endsWith(".json")) {
            format = Format.JSON;
        } else {
            throw new UserError(ExitCode.BAD_SPEC, file + ": a spec file must end in .yaml, .yml or .json");
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserError(ExitCode.MISSING_INPUT, file + ": cannot read (" + e.getMessage() + ")", e);
        }
        return parse(text, format, file.toString(), fileName.substring(0, fileName.lastIndexOf('.')));
    }

    /**
     * Parses spec text.
     *
     * @param source how errors name the text (a file name)
     * @param defaultName the spec's name when the text has none
     */
    public static DetectorSpec parse(String text, Format format, String source, String defaultName) {
        JsonNode tree;
        try {
            tree = (format == Format.YAML ? YAML : JSON).readTree(text);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new UserError(ExitCode.BAD_SPEC, source + ": not valid " + format + where + ": "
                    + e.getOriginalMessage().lines().findFirst().orElse(""), e);
        }
        return SpecReader.read(tree, source, defaultName);
    }
}
