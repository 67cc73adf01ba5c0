package dev.inlierq.eval;

import static dev.inlierq.eval.CocoFileReader.readInt;
import static dev.inlierq.eval.CocoFileReader.readLong;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.inlierq.detect.Detection;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import dev.inlierq.eval.CocoFileReader.Invalid;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeSet;

/**
 * The ground truth of a COCO "instances" annotation file: images, box annotations and categories.
 *
 * <p>Only what box evaluation needs is kept: for images {@code id, file_name, width, height}; for
 * annotations {@code id, image_id, category_id, bbox [x, y, w, h], area, iscrowd} (the content of
 * {@code segmentation} is skipped without being built); for categories {@code id, name}. Two fields outside
 * COCO's format are kept when they have the expected shape (else skipped, see {@link CocoOptionalFields}): an
 * annotation's {@code rotated_bbox [cx, cy, length, width, yaw]} ({@link #rotatedBox(long)}) and {@code height}
 * ({@link #height(long)}), and the numbers of {@code info.settings} ({@link #infoSetting(String)}), all written by
 * the LiDAR benchmark. Other keys
 * ({@code licenses}, ...) are skipped. The file is read with Jackson's streaming parser, so memory stays
 * proportional to the kept fields.
 *
 * <p>Defaults, as pycocotools' {@code COCO}/{@code COCOeval} treat them: a missing {@code iscrowd} is
 * 0; a missing {@code area} is {@code w * h} (pycocotools would fail; COCO files always carry it).
 * {@code iscrowd} may be a number (non-zero means crowd) or a boolean.
 *
 * <p>Validation: {@link #load(Path)} throws {@link UserError} with {@link ExitCode#MISSING_INPUT} when
 * the file does not exist or cannot be read, and {@link ExitCode#BAD_ANNOTATIONS} with a single line
 * naming the file and the first problem found otherwise: not JSON, top level not an object, a missing
 * {@code images}, {@code annotations} or {@code categories} array, a missing or mistyped field, a
 * duplicate image, annotation or category id, a duplicate file name, a box that is not four finite
 * numbers or has a negative width or height, a negative area, or an annotation whose image id or
 * category id is not declared in the file.
 */
public final class CocoDataset {

    /** One image entry; {@code width} and {@code height} are the original size in pixels. */
    public record Image(long id, String fileName, int width, int height) {
    }

    /**
     * One box annotation: {@code (x, y)} is the top-left corner and {@code (w, h)} the size, in
     * original-image pixels; {@code area} is the file's {@code area} field (the segmentation area for
     * COCO, which is what COCOeval uses for the area ranges).
     */
    public record Annotation(long id, long imageId, int categoryId, double x, double y, double w, double h,
            double area, boolean iscrowd) {
    }

    /** One category entry. */
    public record Category(int id, String name) {
    }

    /**
     * An annotation's {@code rotated_bbox}: the footprint's centre {@code (cx, cy)} in image pixels, its
     * {@code length} and {@code width} in pixels and its heading {@code yaw} in radians (see docs/lidar.md).
     */
    public record RotatedBox(double cx, double cy, double length, double width, double yaw) {
    }

    private final List<Image> images;
    private final List<Annotation> annotations;
    private final List<Category> categories;
    private final List<Integer> categoryIds;
    private final Map<Long, Image> imagesById;
    private final Map<String, Image> imagesByFileName;
    private final Map<Integer, Category> categoriesById;
    private final Map<Long, List<Annotation>> annotationsByImage;
    private final Map<Long, RotatedBox> rotatedBoxes;
    private final Map<Long, Double> heights;
    private final Map<String, Double> infoSettings;

    private CocoDataset(List<Image> images, List<Annotation> annotations, List<Category> categories,
            Map<Long, RotatedBox> rotatedBoxes, Map<Long, Double> heights, Map<String, Double> infoSettings) {
        this.rotatedBoxes = Map.copyOf(rotatedBoxes);
        this.heights = Map.copyOf(heights);
        this.infoSettings = Collections.unmodifiableMap(new LinkedHashMap<>(infoSettings));
        this.images = List.copyOf(images);
        this.annotations = List.copyOf(annotations);
        this.categories = List.copyOf(categories);
        Map<Long, Image> byId = new HashMap<>(images.size() * 2);
        Map<String, Image> byName = new HashMap<>(images.size() * 2);
        for (Image im : this.images) {
            if (byId.putIfAbsent(im.id(), im) != null) {
                throw new Invalid("duplicate image id " + im.id());
            }
            if (im.fileName() == null || im.fileName().isEmpty()) {
                throw new Invalid("image " + im.id() + " has an empty file_name");
            }
            if (byName.putIfAbsent(im.fileName(), im) != null) {
                throw new Invalid("duplicate file_name \"" + im.fileName() + "\" (images "
                        + byName.get(im.fileName()).id() + " and " + im.id() + ")");
            }
            if (im.width() <= 0 || im.height() <= 0) {
                throw new Invalid("image " + im.id() + " has a non-positive size " + im.width() + "x" + im.height());
            }
        }
        Map<Integer, Category> catsById = new HashMap<>();
        TreeSet<Integer> sortedCats = new TreeSet<>();
        for (Category c : this.categories) {
            if (catsById.putIfAbsent(c.id(), c) != null) {
                throw new Invalid("duplicate category id " + c.id());
            }
            sortedCats.add(c.id());
        }
        Map<Long, List<Annotation>> byImage = new HashMap<>(images.size() * 2);
        HashSet<Long> annIds = new HashSet<>(annotations.size() * 2);
        for (Annotation a : this.annotations) {
            if (!annIds.add(a.id())) {
                throw new Invalid("duplicate annotation id " + a.id());
            }
            if (!byId.containsKey(a.imageId())) {
                throw new Invalid("annotation " + a.id() + " refers to unknown image id " + a.imageId());
            }
            if (!catsById.containsKey(a.categoryId())) {
                throw new Invalid("annotation " + a.id() + " refers to unknown category id " + a.categoryId());
            }
            if (!(Double.isFinite(a.x()) && Double.isFinite(a.y()) && Double.isFinite(a.w())
                    && Double.isFinite(a.h()))) {
                throw new Invalid("annotation " + a.id() + " has a non-finite bbox");
            }
            if (a.w() < 0 || a.h() < 0) {
                throw new Invalid("annotation " + a.id() + " has a negative box size " + a.w() + "x" + a.h());
            }
            if (!Double.isFinite(a.area()) || a.area() < 0) {
                throw new Invalid("annotation " + a.id() + " has an invalid area " + a.area());
            }
            byImage.computeIfAbsent(a.imageId(), k -> new ArrayList<>()).add(a);
        }
        byImage.replaceAll((k, v) -> Collections.unmodifiableList(v));
        this.imagesById = byId;
        this.imagesByFileName = byName;
        this.categoriesById = catsById;
        this.annotationsByImage = byImage;
        this.categoryIds = List.copyOf(sortedCats);
    }

    /**
     * Builds a dataset from records already in memory, with the same checks as {@link #load(Path)}; it has no
     * rotated boxes and no {@code info} settings.
     *
     * @throws IllegalArgumentException naming the first problem found
     */
    public static CocoDataset of(List<Image> images, List<Category> categories, List<Annotation> annotations) {
        try {
            return new CocoDataset(images, annotations, categories, Map.of(), Map.of(), Map.of());
        } catch (Invalid e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    /**
     * A dataset whose ground truth is a model's own detections scoring at least {@code minScore} (pseudo labels:
     * one box each, numbered from 1 in list order, area {@code w h}, not crowd), on {@code images}.
     *
     * @throws IllegalArgumentException as {@link #of}
     */
    public static CocoDataset ofDetections(List<Image> images, List<Category> categories,
            List<Detection> detections, double minScore) {
        List<Annotation> boxes = new ArrayList<>();
        for (Detection d : detections) {
            if (d.score() >= minScore) {
                boxes.add(new Annotation(boxes.size() + 1, d.imageId(), d.categoryId(), d.x(), d.y(), d.w(), d.h(),
                        d.w() * d.h(), false));
            }
        }
        return of(images, categories, boxes);
    }

    /**
     * Reads a COCO instances JSON file.
     *
     * @throws UserError {@link ExitCode#MISSING_INPUT} when the file is absent or unreadable,
     *     {@link ExitCode#BAD_ANNOTATIONS} when it is malformed (see the class comment)
     */
    public static CocoDataset load(Path file) {
        Parsed parsed = CocoFileReader.read(file, "annotation file", CocoDataset::parse);
        try {
            return new CocoDataset(parsed.images, parsed.annotations, parsed.categories, parsed.rotated,
                    parsed.heights, parsed.settings);
        } catch (Invalid e) {
            throw new UserError(ExitCode.BAD_ANNOTATIONS, "annotation file " + file + ": " + e.getMessage());
        }
    }

    /** All images, in file order. */
    public List<Image> images() {
        return images;
    }

    /** The image with this id, if declared. */
    public Optional<Image> image(long imageId) {
        return Optional.ofNullable(imagesById.get(imageId));
    }

    /** The image whose {@code file_name} is exactly this string (no path handling), if declared. */
    public Optional<Image> imageByFileName(String fileName) {
        return Optional.ofNullable(imagesByFileName.get(fileName));
    }

    /** All annotations, in file order. */
    public List<Annotation> annotations() {
        return annotations;
    }

    /** The annotations of one image, in file order (empty for an unknown id or an image without any). */
    public List<Annotation> annotations(long imageId) {
        return annotationsByImage.getOrDefault(imageId, List.of());
    }

    /** All categories, in file order. */
    public List<Category> categories() {
        return categories;
    }

    /** The category with this id, if declared. */
    public Optional<Category> category(int categoryId) {
        return Optional.ofNullable(categoriesById.get(categoryId));
    }

    /** The declared category ids, ascending (the order COCOeval uses). */
    public List<Integer> categoryIds() {
        return categoryIds;
    }

    /** The {@code rotated_bbox} of the annotation with this id, if the file gave one of five finite numbers. */
    public Optional<RotatedBox> rotatedBox(long annotationId) {
        return Optional.ofNullable(rotatedBoxes.get(annotationId));
    }

    /**
     * The {@code height} of the annotation with this id (metres in the LiDAR benchmark: the 3D box's height), if the
     * file gave a finite number that is not negative.
     */
    public OptionalDouble height(long annotationId) {
        Double v = heights.get(annotationId);
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
    }

    /** The number {@code info.settings.KEY} of the file ({@code cell_size} for a LiDAR benchmark), if present. */
    public OptionalDouble infoSetting(String key) {
        Double v = infoSettings.get(key);
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
    }

    // ---------------------------------------------------------------- parsing

    private static final class Parsed {
        List<Image> images;
        List<Annotation> annotations;
        List<Category> categories;
        final Map<Long, RotatedBox> rotated = new HashMap<>();
        final Map<Long, Double> heights = new HashMap<>();
        Map<String, Double> settings = Map.of();
    }

    private static Parsed parse(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new Invalid("the top level is not a JSON object");
        }
        Parsed out = new Parsed();
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "images" -> {
                    expectArray(v, "images");
                    out.images = new ArrayList<>();
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        out.images.add(parseImage(p, out.images.size()));
                    }
                }
                case "annotations" -> {
                    expectArray(v, "annotations");
                    out.annotations = new ArrayList<>();
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        out.annotations.add(parseAnnotation(p, out.annotations.size(), out));
                    }
                }
                case "categories" -> {
                    expectArray(v, "categories");
                    out.categories = new ArrayList<>();
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        out.categories.add(parseCategory(p, out.categories.size()));
                    }
                }
                case "info" -> out.settings = CocoOptionalFields.infoSettings(p, v);
                default -> p.skipChildren();
            }
        }
        if (t != JsonToken.END_OBJECT) {
            throw new Invalid("unexpected " + t + " at the top level");
        }
        if (p.nextToken() != null) {
            throw new Invalid("unexpected content after the top-level object");
        }
        if (out.images == null) {
            throw new Invalid("missing \"images\" array");
        }
        if (out.annotations == null) {
            throw new Invalid("missing \"annotations\" array");
        }
        if (out.categories == null) {
            throw new Invalid("missing \"categories\" array");
        }
        return out;
    }

    private static void expectArray(JsonToken v, String name) {
        if (v != JsonToken.START_ARRAY) {
            throw new Invalid("\"" + name + "\" is not an array");
        }
    }

    private static void expectObject(JsonToken t, String what, int index) {
        if (t != JsonToken.START_OBJECT) {
            throw new Invalid(what + " #" + index + " is not an object");
        }
    }

    private static Image parseImage(JsonParser p, int index) throws IOException {
        expectObject(p.currentToken(), "image", index);
        Long id = null;
        String fileName = null;
        Integer width = null;
        Integer height = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "id" -> id = readLong(p, v, "image #" + index, "id");
                case "file_name" -> fileName = readString(p, v, "image #" + index, "file_name");
                case "width" -> width = readInt(p, v, "image #" + index, "width");
                case "height" -> height = readInt(p, v, "image #" + index, "height");
                default -> p.skipChildren();
            }
        }
        String what = "image #" + index + (id != null ? " (id " + id + ")" : "");
        require(id, what, "id");
        require(fileName, what, "file_name");
        require(width, what, "width");
        require(height, what, "height");
        return new Image(id, fileName, width, height);
    }

    private static Annotation parseAnnotation(JsonParser p, int index, Parsed out) throws IOException {
        expectObject(p.currentToken(), "annotation", index);
        String what = "annotation #" + index;
        Long id = null;
        Long imageId = null;
        Integer categoryId = null;
        double[] bbox = null;
        double area = Double.NaN;
        boolean hasArea = false;
        boolean crowd = false;
        RotatedBox rotated = null;
        Double height = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "id" -> id = readLong(p, v, what, "id");
                case "image_id" -> imageId = readLong(p, v, what, "image_id");
                case "category_id" -> categoryId = readInt(p, v, what, "category_id");
                case "bbox" -> bbox = readBox(p, v, what);
                case "rotated_bbox" -> rotated = CocoOptionalFields.rotatedBox(p, v);
                case "height" -> height = CocoOptionalFields.size(p, v);
                case "area" -> {
                    area = readDouble(p, v, what, "area");
                    hasArea = true;
                }
                case "iscrowd" -> {
                    if (v == JsonToken.VALUE_TRUE || v == JsonToken.VALUE_FALSE) {
                        crowd = v == JsonToken.VALUE_TRUE;
                    } else {
                        crowd = readLong(p, v, what, "iscrowd") != 0;
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (id != null) {
            what = "annotation " + id;
        }
        require(id, what, "id");
        require(imageId, what, "image_id");
        require(categoryId, what, "category_id");
        require(bbox, what, "bbox");
        if (!hasArea) {
            area = bbox[2] * bbox[3];
        }
        if (rotated != null) {
            out.rotated.put(id, rotated);
        }
        if (height != null) {
            out.heights.put(id, height);
        }
        return new Annotation(id, imageId, categoryId, bbox[0], bbox[1], bbox[2], bbox[3], area, crowd);
    }

    private static Category parseCategory(JsonParser p, int index) throws IOException {
        expectObject(p.currentToken(), "category", index);
        String what = "category #" + index;
        Integer id = null;
        String name = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "id" -> id = readInt(p, v, what, "id");
                case "name" -> name = readString(p, v, what, "name");
                default -> p.skipChildren();
            }
        }
        require(id, what, "id");
        return new Category(id, name == null ? "" : name);
    }

    private static void require(Object value, String what, String field) {
        if (value == null) {
            throw new Invalid(what + " has no \"" + field + "\"");
        }
    }

    private static double readDouble(JsonParser p, JsonToken v, String what, String field) throws IOException {
        if (v != JsonToken.VALUE_NUMBER_INT && v != JsonToken.VALUE_NUMBER_FLOAT) {
            throw new Invalid(what + ": \"" + field + "\" is not a number");
        }
        return p.getDoubleValue();
    }

    private static String readString(JsonParser p, JsonToken v, String what, String field) throws IOException {
        if (v != JsonToken.VALUE_STRING) {
            throw new Invalid(what + ": \"" + field + "\" is not a string");
        }
        return p.getText();
    }

    private static double[] readBox(JsonParser p, JsonToken v, String what) throws IOException {
        if (v != JsonToken.START_ARRAY) {
            throw new Invalid(what + ": \"bbox\" is not an array");
        }
        double[] box = new double[4];
        int n = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
                throw new Invalid(what + ": \"bbox\" holds a non-number");
            }
            if (n < 4) {
                box[n] = p.getDoubleValue();
            }
            n++;
        }
        if (n != 4) {
            throw new Invalid(what + ": \"bbox\" has " + n + " numbers, expected 4 [x, y, w, h]");
        }
        return box;
    }
}
