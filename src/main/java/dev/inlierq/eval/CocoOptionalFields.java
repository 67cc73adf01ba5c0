package dev.inlierq.eval;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the fields outside COCO's format that {@link CocoDataset} keeps, leniently: the
 * {@code rotated_bbox [cx, cy, length, width, yaw]} and {@code height} of an annotation and the numbers of
 * {@code info.settings} (all written by the project's LiDAR benchmark). A value of another shape is skipped, as
 * every unknown field is, so a file that loaded before still loads.
 */
final class CocoOptionalFields {
    private CocoOptionalFields() {
    }

    /**
     * The {@code rotated_bbox} whose value token {@code v} the parser stands on, or {@code null} when it is not an
     * array of exactly five finite numbers (then skipped).
     */
    static CocoDataset.RotatedBox rotatedBox(JsonParser p, JsonToken v) throws IOException {
        if (v != JsonToken.START_ARRAY) {
            p.skipChildren();
            return null;
        }
        double[] r = new double[5];
        int n = 0;
        boolean numbers = true;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
                if (n < 5) {
                    r[n] = p.getDoubleValue();
                }
            } else {
                numbers = false;
                p.skipChildren();
            }
            n++;
        }
        if (!numbers || n != 5) {
            return null;
        }
        for (double d : r) {
            if (!Double.isFinite(d)) {
                return null;
            }
        }
        return new CocoDataset.RotatedBox(r[0], r[1], r[2], r[3], r[4]);
    }

    /**
     * The number whose value token {@code v} the parser stands on, or {@code null} when it is not a finite number
     * that is not negative (then skipped).
     */
    static Double size(JsonParser p, JsonToken v) throws IOException {
        if (v != JsonToken.VALUE_NUMBER_INT && v != JsonToken.VALUE_NUMBER_FLOAT) {
            p.skipChildren();
            return null;
        }
        double d = p.getDoubleValue();
        return Double.isFinite(d) && d >= 0 ? d : null;
    }

    /**
     * The numeric entries of {@code info.settings}, by key in file order, for the {@code info} value token
     * {@code v} the parser stands on; empty when {@code info} or {@code settings} is not an object. Other entries
     * are skipped.
     */
    static Map<String, Double> infoSettings(JsonParser p, JsonToken v) throws IOException {
        Map<String, Double> out = new LinkedHashMap<>();
        if (v != JsonToken.START_OBJECT) {
            p.skipChildren();
            return out;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (name.equals("settings") && value == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    JsonToken s = p.nextToken();
                    if (s == JsonToken.VALUE_NUMBER_INT || s == JsonToken.VALUE_NUMBER_FLOAT) {
                        out.put(key, p.getDoubleValue());
                    } else {
                        p.skipChildren();
                    }
                }
            } else {
                p.skipChildren();
            }
        }
        return out;
    }
}
