package dev.inlierq.graph;

/** One ONNX node attribute value. */
public sealed interface Attr {
    record Int(long value) implements Attr {
    }

    record Float(float value) implements Attr {
    }

    record Str(String value) implements Attr {
    }

    record Ints(long[] values) implements Attr {
        public Ints {
            values = values.clone();
        }

        @Override
        public long[] values() {
            return values.clone();
        }
    }

    record Floats(float[] values) implements Attr {
        public Floats {
            values = values.clone();
        }

        @Override
        public float[] values() {
            return values.clone();
        }
    }

    record Tensor(ConstTensor value) implements Attr {
    }

    /** Attribute kinds we keep but never interpret (graphs, sparse tensors, type protos). */
    record Other(String kind) implements Attr {
    }
}
