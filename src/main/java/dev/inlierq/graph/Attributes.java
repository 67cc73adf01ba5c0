package dev.inlierq.graph;

import dev.inlierq.error.InvalidModelException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The attributes of one node, with typed getters. Defaults are given at the call site, where each
 * operator implementation states the default of the ONNX operator specification.
 */
public final class Attributes {
    public static final Attributes EMPTY = new Attributes(Map.of());
    private final Map<String, Attr> values;

    public Attributes(Map<String, Attr> values) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public Map<String, Attr> asMap() {
        return values;
    }

    public long getInt(String name, long dflt) {
        Attr a = values.get(name);
        if (a == null) {
            return dflt;
        }
        if (a instanceof Attr.Int i) {
            return i.value();
        }
        throw wrongType(name, "int", a);
    }

    public float getFloat(String name, float dflt) {
        Attr a = values.get(name);
        if (a == null) {
            return dflt;
        }
        if (a instanceof Attr.Float f) {
            return f.value();
        }
        if (a instanceof Attr.Int i) {
            return i.value();
        }
        throw wrongType(name, "float", a);
    }

    public String getString(String name, String dflt) {
        Attr a = values.get(name);
        if (a == null) {
            return dflt;
        }
        if (a instanceof Attr.Str s) {
            return s.value();
        }
        throw wrongType(name, "string", a);
    }

    /** The ints attribute, or {@code dflt} (may be null) when absent. */
    public long[] getInts(String name, long[] dflt) {
        Attr a = values.get(name);
        if (a == null) {
            return dflt == null ? null : dflt.clone();
        }
        if (a instanceof Attr.Ints i) {
            return i.values();
        }
        throw wrongType(name, "ints", a);
    }

    public float[] getFloats(String name, float[] dflt) {
        Attr a = values.get(name);
        if (a == null) {
            return dflt == null ? null : dflt.clone();
        }
        if (a instanceof Attr.Floats f) {
            return f.values();
        }
        throw wrongType(name, "floats", a);
    }

    public ConstTensor getTensor(String name) {
        Attr a = values.get(name);
        if (a instanceof Attr.Tensor t) {
            return t.value();
        }
        return null;
    }

    public Attributes with(String name, Attr value) {
        Map<String, Attr> m = new LinkedHashMap<>(values);
        m.put(name, value);
        return new Attributes(m);
    }

    private static InvalidModelException wrongType(String name, String want, Attr got) {
        return new InvalidModelException("attribute '" + name + "': expected " + want + ", got "
                + got.getClass().getSimpleName());
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
