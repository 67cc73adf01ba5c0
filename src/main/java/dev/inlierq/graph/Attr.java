package dev.inlierq.graph;

/** One ONNX node attribute value. */
public sealed interface Attr {
    /** An {@code INT} attribute. */
    record Int(long value) implements Attr {
    }

    /** A {@code FLOAT} attribute. */
    record Float(float value) implements Attr {
    }

    /** A {@code STRING} attribute (decoded as UTF-8). */
    record Str(String value) implements Attr {
    }

    /** An {@code INTS} attribute; the array is copied in and out. */
    record Ints(long[] values) implements Attr {
        public Ints {
            values = values.clone();
        }

        @Override
        public long[] values() {
            return values.clone();
        }
    }

    /** A {@code FLOATS} attribute; the array is copied in and out. */
    record Floats(float[] values) implements Attr {
        public Floats {
            values = values.clone();
        }

        @Override
        public float[] values() {
            return values.clone();
        }
    }

    /** A {@code TENSOR} attribute (e.g. the value of a Constant node). */
    record Tensor(ConstTensor value) implements Attr {
    }

    /** Attribute kinds we keep but never interpret (graphs, sparse tensors, type protos). */
    record Other(String kind) implements Attr {
    }
}
