package dev.inlierq.eval;

import static dev.inlierq.eval.CocoFileReader.JSON;
import static dev.inlierq.eval.CocoFileReader.readLong;
import static dev.inlierq.eval.CocoFileReader.toInt;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.inlierq.detect.Box3d;
import dev.inlierq.detect.Detection;
import dev.inlierq.error.ExitCode;
import dev.inlierq.error.UserError;
import dev.inlierq.eval.CocoFileReader.Invalid;
import dev.inlierq.report.OutputFile;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Reads and writes the standard COCO results file for boxes, the input of pycocotools'
 * {@code COCO.loadRes}: a JSON array of
 * {@code {"image_id": int, "category_id": int, "bbox": [x, y, w, h], "score": float}}, plus
 * {@code "yaw": float} after the score for a detection with a heading ({@link Detection#yaw()}, radians); an entry
 * without {@code yaw} (or with {@code "yaw": null}) reads as a detection without a heading (NaN).
 *
 * <p>A detection with a 3D part ({@link Detection#box3d()}, {@link Box3d}) gets the fields of the synthetic LiDAR
 * annotations after that: {@code "rotated_bbox": [cx, cy, length, width, yaw]} when it has a footprint (the centre
 * of its {@code bbox}, the footprint's sides in pixels, its yaw, {@code null} when it has none), {@code "z"} and
 * {@code "height"} (metres) when it has them. On reading, each is optional ({@code null} counts as absent): the
 * {@code rotated_bbox} gives the length and width, and its yaw is the heading when the entry has no {@code "yaw"};
 * its centre is not read (a detection's centre is its {@code bbox}'s). An entry with none of the three has no 3D
 * part (null). A negative length, width or height is refused.
 *
 * <p>Precision: numbers are written at full double precision ({@link Double#toString(double)}, a
 * decimal that reads back to the same double), so {@code read(write(d))} returns exactly {@code d};
 * nothing is rounded. Entries are written in the given order, without whitespace. Non-finite boxes or
 * scores, and infinite yaws, are refused ({@link IllegalArgumentException}) since JSON cannot hold them.
 *
 * <p>Writing is atomic: the array goes to a hidden temporary file in the target's folder, which is then
 * renamed over the target ({@link OutputFile}), so a reader never sees a partial
 * file and a failed write leaves any previous file untouched. Missing parent folders are created.
 *
 * <p>Errors are {@link UserError}s: {@link ExitCode#OUTPUT_CONFLICT} when the file cannot be written
 * (or the target is a folder), {@link ExitCode#MISSING_INPUT} when a file to read is absent or
 * unreadable, {@link ExitCode#BAD_ANNOTATIONS} when it is not such an array (not JSON, a missing or
 * mistyped field, a box that is not four numbers, a non-finite number). Extra fields in an entry
 * (for example {@code segmentation}) are skipped.
 */
public final class CocoResults {
    private CocoResults() {
    }

    /** Writes the detections as a COCO results file, atomically replacing {@code file}. */
    public static void write(Path file, Collection<Detection> detections) {
        for (Detection d : detections) {
            if (!d.isFinite()) {
                throw new IllegalArgumentException("detection with a non-finite box, score, yaw or 3D part: " + d);
            }
        }
        try (OutputFile f = OutputFile.create(file)) {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(f.temp()), 1 << 16);
                    JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
                g.writeStartArray();
                for (Detection d : detections) {
                    g.writeStartObject();
                    g.writeNumberField("image_id", d.imageId());
                    g.writeNumberField("category_id", d.categoryId());
                    g.writeArrayFieldStart("bbox");
                    g.writeNumber(d.x());
                    g.writeNumber(d.y());
                    g.writeNumber(d.w());
                    g.writeNumber(d.h());
                    g.writeEndArray();
                    g.writeNumberField("score", d.score());
                    if (d.hasYaw()) {
                        g.writeNumberField("yaw", d.yaw());
                    }
                    if (d.box3d() != null) {
                        write3d(g, d);
                    }
                    g.writeEndObject();
                }
                g.writeEndArray();
            } catch (IOException e) {
                throw new UserError(ExitCode.OUTPUT_CONFLICT, "cannot write results file " + file + ": "
                        + OutputFile.reason(e), e);
            }
            f.commit();
        }
    }

    private static void write3d(JsonGenerator g, Detection d) throws IOException {
        Box3d b = d.box3d();
        if (b.hasFootprint()) {
            g.writeArrayFieldStart("rotated_bbox");
            g.writeNumber(d.x() + d.w() / 2);
            g.writeNumber(d.y() + d.h() / 2);
            g.writeNumber(b.length());
            g.writeNumber(b.width());
            if (d.hasYaw()) {
                g.writeNumber(d.yaw());
            } else {
                g.writeNull();
            }
            g.writeEndArray();
        }
        if (b.hasZ()) {
            g.writeNumberField("z", b.z());
        }
        if (!Double.isNaN(b.height())) {
            g.writeNumberField("height", b.height());
        }
    }

    /** Reads a COCO results file into detections, in file order. */
    public static List<Detection> read(Path file) {
        return CocoFileReader.read(file, "results file", CocoResults::parse);
    }

    private static List<Detection> parse(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_ARRAY) {
            throw new Invalid("the top level is not a JSON array");
        }
        List<Detection> out = new ArrayList<>();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            String what = "entry #" + out.size();
            if (t != JsonToken.START_OBJECT) {
                throw new Invalid(what + " is not an object");
            }
            Long imageId = null;
            Long categoryId = null;
            double[] box = null;
            Double score = null;
            double yaw = Double.NaN;
            double[] rotated = null;
            double z = Double.NaN;
            double height = Double.NaN;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "image_id" -> imageId = readLong(p, v, what, name);
                    case "category_id" -> categoryId = readLong(p, v, what, name);
                    case "score" -> score = number(p, v, what, name);
                    case "yaw" -> yaw = v == JsonToken.VALUE_NULL ? Double.NaN : number(p, v, what, name);
                    case "rotated_bbox" -> rotated = v == JsonToken.VALUE_NULL ? null : rotatedBox(p, v, what);
                    case "z" -> z = v == JsonToken.VALUE_NULL ? Double.NaN : number(p, v, what, name);
                    case "height" -> height = v == JsonToken.VALUE_NULL ? Double.NaN : size(p, v, what, name);
                    case "bbox" -> {
                        if (v != JsonToken.START_ARRAY) {
                            throw new Invalid(what + ": \"bbox\" is not an array");
                        }
                        box = new double[4];
                        int n = 0;
                        JsonToken b;
                        while ((b = p.nextToken()) != JsonToken.END_ARRAY) {
                            double value = number(p, b, what, "bbox");
                            if (n < 4) {
                                box[n] = value;
                            }
                            n++;
                        }
                        if (n != 4) {
                            throw new Invalid(what + ": \"bbox\" has " + n + " numbers, expected 4 [x, y, w, h]");
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (imageId == null || categoryId == null || box == null || score == null) {
                String missing = imageId == null ? "image_id" : categoryId == null ? "category_id"
                        : box == null ? "bbox" : "score";
                throw new Invalid(what + " has no \"" + missing + "\"");
            }
            int category = toInt(categoryId, what, "category_id");
            if (Double.isNaN(yaw) && rotated != null) {
                yaw = rotated[4];
            }
            Box3d box3d = rotated == null && Double.isNaN(z) && Double.isNaN(height) ? null
                    : new Box3d(rotated == null ? Double.NaN : rotated[2], rotated == null ? Double.NaN : rotated[3], z,
                            height);
            out.add(new Detection(imageId, category, box[0], box[1], box[2], box[3], score, yaw, box3d));
        }
        if (p.nextToken() != null) {
            throw new Invalid("unexpected content after the top-level array");
        }
        return out;
    }

    /**
     * The {@code rotated_bbox} array the parser stands on: five numbers {@code [cx, cy, length, width, yaw]}, the
     * yaw possibly {@code null} (then NaN), length and width not negative.
     */
    private static double[] rotatedBox(JsonParser p, JsonToken v, String what) throws IOException {
        if (v != JsonToken.START_ARRAY) {
            throw new Invalid(what + ": \"rotated_bbox\" is not an array");
        }
        double[] r = new double[5];
        int n = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            double value = n == 4 && t == JsonToken.VALUE_NULL ? Double.NaN
                    : n == 2 || n == 3 ? size(p, t, what, "rotated_bbox") : number(p, t, what, "rotated_bbox");
            if (n < 5) {
                r[n] = value;
            }
            n++;
        }
        if (n != 5) {
            throw new Invalid(what + ": \"rotated_bbox\" has " + n + " values, expected 5 [cx, cy, length, width, "
                    + "yaw]");
        }
        return r;
    }

    /** A finite number that is not negative. */
    private static double size(JsonParser p, JsonToken v, String what, String field) throws IOException {
        double d = number(p, v, what, field);
        if (d < 0) {
            throw new Invalid(what + ": \"" + field + "\" holds a negative size " + d);
        }
        return d;
    }

    private static double number(JsonParser p, JsonToken v, String what, String field) throws IOException {
        if (v != JsonToken.VALUE_NUMBER_INT && v != JsonToken.VALUE_NUMBER_FLOAT) {
            throw new Invalid(what + ": \"" + field + "\" holds a non-number");
        }
        double d = p.getDoubleValue();
        if (!Double.isFinite(d)) {
            throw new Invalid(what + ": \"" + field + "\" is not finite");
        }
        return d;
    }
}
