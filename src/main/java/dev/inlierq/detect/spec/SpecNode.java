package dev.inlierq.detect.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.inlierq.detect.InvalidSpecException;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * One mapping of a spec file while it is read into records: typed field access with defaults, and
 * one-line {@link ExitCode#BAD_SPEC} errors naming the field by its full path
 * ({@code source: head.levels[1].stride: ...}). {@link #finish()} rejects fields nobody read, so a
 * misspelt key is an error, not a silent default.
 */
final class SpecNode {
    private final JsonNode node;
    private final String path;
    private final String source;
    private final Set<String> read = new LinkedHashSet<>();

    private SpecNode(JsonNode node, String path, String source) {
        this.node = node;
        this.path = path;
        this.source = source;
    }

    /** The document root, which must be a mapping. */
    static SpecNode root(JsonNode node, String source) {
        if (node == null || !node.isObject()) {
            throw new UserError(ExitCode.BAD_SPEC, source + ": a detector spec must be a mapping of sections"
                    + " (input, head, postprocess, classes)");
        }
        return new SpecNode(node, "", source);
    }

    String fieldPath(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    UserError error(String field, String problem) {
        return new UserError(ExitCode.BAD_SPEC, source + ": " + fieldPath(field) + ": " + problem);
    }

    /** Runs a record constructor, turning its {@link InvalidSpecException} into a BAD_SPEC error with the path. */
    <T> T build(Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (InvalidSpecException e) {
            throw error(e.field(), e.problem());
        }
    }

    /** The field's node, or null when it is absent or null. */
    private JsonNode get(String field) {
        read.add(field);
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v;
    }

    boolean isMapping(String field) {
        return node.hasNonNull(field) && node.get(field).isObject();
    }

    boolean isList(String field) {
        return node.hasNonNull(field) && node.get(field).isArray();
    }

    private JsonNode require(String field) {
        JsonNode v = get(field);
        if (v == null) {
            throw error(field, "is required" + misspellingHint(field));
        }
        return v;
    }

    /** Names a present field within edit distance 2 of {@code field}, if any. */
    private String misspellingHint(String field) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!name.equals(field)
                    && editDistance(name.toLowerCase(Locale.ROOT), field.toLowerCase(Locale.ROOT)) <= 2) {
                return " (is '" + name + "' a misspelling?)";
            }
        }
        return "";
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int swap = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + swap);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    SpecNode object(String field) {
        JsonNode v = require(field);
        if (!v.isObject()) {
            throw error(field, "must be a mapping of fields");
        }
        return new SpecNode(v, fieldPath(field), source);
    }

    /** The mapping under {@code field}, or an empty one (all defaults) when absent. */
    SpecNode objectOrEmpty(String field) {
        JsonNode v = get(field);
        if (v == null) {
            return new SpecNode(JsonNodeFactory.instance.objectNode(), fieldPath(field), source);
        }
        if (!v.isObject()) {
            throw error(field, "must be a mapping of fields");
        }
        return new SpecNode(v, fieldPath(field), source);
    }

    /** The mappings of a list field (required, non-empty). */
    List<SpecNode> objects(String field) {
        JsonNode v = require(field);
        if (!v.isArray() || v.isEmpty()) {
            throw error(field, "must be a non-empty list of mappings");
        }
        List<SpecNode> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isObject()) {
                throw error(field + "[" + i + "]", "must be a mapping of fields");
            }
            out.add(new SpecNode(v.get(i), fieldPath(field) + "[" + i + "]", source));
        }
        return out;
    }

    /** Reads one value; {@code field} names it in errors (for list elements, with its index). */
    @FunctionalInterface
    private interface Reader<T> {
        T read(String field, JsonNode value);
    }

    /** The field read by {@code reader}, or {@code defaultValue} when the field is absent or null. */
    private <T> T optional(String field, T defaultValue, Reader<T> reader) {
        JsonNode v = get(field);
        return v == null ? defaultValue : reader.read(field, v);
    }

    /** The elements of list {@code v}, each read by {@code reader}. */
    private <T> List<T> elements(String field, JsonNode v, String expected, Reader<T> reader) {
        if (!v.isArray()) {
            throw error(field, "must be " + expected + ", got " + v);
        }
        List<T> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            out.add(reader.read(field + "[" + i + "]", v.get(i)));
        }
        return out;
    }

    String text(String field) {
        return asText(field, require(field));
    }

    String text(String field, String defaultValue) {
        return optional(field, defaultValue, this::asText);
    }

    private String asText(String field, JsonNode v) {
        if (!v.isTextual() && !v.isNumber()) {
            throw error(field, "must be a name, got " + v);
        }
        return v.asText();
    }

    /** A single name or a list of names. */
    List<String> texts(String field) {
        JsonNode v = require(field);
        return v.isArray() ? elements(field, v, "a list of names", this::asText) : List.of(asText(field, v));
    }

    int integer(String field) {
        return asInt(field, require(field));
    }

    int integer(String field, int defaultValue) {
        return optional(field, defaultValue, this::asInt);
    }

    private int asInt(String field, JsonNode v) {
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw error(field, "must be an integer, got " + v);
        }
        return v.intValue();
    }

    List<Integer> integers(String field, List<Integer> defaultValue) {
        return optional(field, defaultValue, (f, v) -> elements(f, v, "a list of integers", this::asInt));
    }

    double number(String field, double defaultValue) {
        return optional(field, defaultValue, this::asNumber);
    }

    /** A number, or a fraction written as a string such as {@code "1/255"}. */
    private double asNumber(String field, JsonNode v) {
        if (v.isNumber()) {
            return v.doubleValue();
        }
        if (v.isTextual()) {
            String[] parts = v.textValue().split("/", -1);
            try {
                if (parts.length == 1) {
                    return Double.parseDouble(parts[0].trim());
                }
                if (parts.length == 2) {
                    return Double.parseDouble(parts[0].trim()) / Double.parseDouble(parts[1].trim());
                }
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw error(field, "must be a number (or a fraction like \"1/255\"), got " + v);
    }

    /** A list of numbers, flattened one level (so pairs may be written [[w, h], ...] or w, h, ...). */
    double[] numbers(String field, double[] defaultValue) {
        return optional(field, defaultValue, (f, v) -> {
            List<Double> out = new ArrayList<>();
            for (List<Double> group : elements(f, v, "a list of numbers", this::asNumberOrList)) {
                out.addAll(group);
            }
            return out.stream().mapToDouble(Double::doubleValue).toArray();
        });
    }

    private List<Double> asNumberOrList(String field, JsonNode v) {
        return v.isArray() ? elements(field, v, "a list of numbers", this::asNumber) : List.of(asNumber(field, v));
    }

    boolean bool(String field, boolean defaultValue) {
        return optional(field, defaultValue, (f, v) -> {
            if (!v.isBoolean()) {
                throw error(f, "must be true or false, got " + v);
            }
            return v.booleanValue();
        });
    }

    <E extends Enum<E>> E enumValue(String field, Class<E> type) {
        return asEnum(field, require(field), type);
    }

    <E extends Enum<E>> E enumValue(String field, Class<E> type, E defaultValue) {
        return optional(field, defaultValue, (f, v) -> asEnum(f, v, type));
    }

    /** Case-insensitive, with '-' accepted for '_'. */
    private <E extends Enum<E>> E asEnum(String field, JsonNode v, Class<E> type) {
        String wanted = v.asText().trim().replace('-', '_').toUpperCase(Locale.ROOT);
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(wanted)) {
                return e;
            }
        }
        throw error(field, "must be one of " + Arrays.stream(type.getEnumConstants()).map(Enum::name)
                .collect(Collectors.joining(", ")) + "; got " + v);
    }

    /** Rejects any field of this mapping that was not read. */
    void finish() {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!read.contains(name)) {
                throw error(name, "unknown field (known here: " + String.join(", ", read) + ")");
            }
        }
    }
}
