package dev.inlierq.graph;

import java.util.Optional;

/**
 * The ONNX operators (default domain) this tool reads and executes. A model using any other operator is
 * refused by the reader with the list of offending op types and node names.
 */
public enum OpType {
    Conv, ConvTranspose, BatchNormalization,
    Relu, LeakyRelu, PRelu, Sigmoid, Tanh, HardSigmoid, HardSwish, Clip,
    Add, Sub, Mul, Div, Pow, Sqrt, Exp, Log, Neg, Abs, Max, Min,
    MaxPool, AveragePool, GlobalAveragePool, Pad, Resize, Upsample,
    Concat, Split, Slice, Gather, Reshape, Flatten, Transpose, Squeeze, Unsqueeze,
    Softmax, MatMul, Gemm, Constant, Identity, ReduceMean, ReduceSum, ReduceMax,
    Shape, Cast, ConstantOfShape, Floor, Ceil, Equal, Where, Expand, Range,
    QuantizeLinear, DequantizeLinear;

    /** The op type of an ONNX node, if supported (only the default ONNX domain is supported). */
    public static Optional<OpType> of(String domain, String opType) {
        if (domain != null && !domain.isEmpty() && !domain.equals("ai.onnx")) {
            return Optional.empty();
        }
        try {
            return Optional.of(valueOf(opType));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * How many leading inputs the operator needs in every opset this tool reads (inputs that later opsets
     * moved from attributes, such as Reshape's shape before opset 5, are not counted).
     */
    public int requiredInputs() {
        return switch (this) {
            case Constant -> 0;
            case BatchNormalization -> 5;
            case Where, Range -> 3;
            case Conv, ConvTranspose, PRelu, Add, Sub, Mul, Div, Pow, Equal, Gather, MatMul, Gemm, Expand,
                    QuantizeLinear, DequantizeLinear -> 2;
            default -> 1;
        };
    }

    /** Element-wise ops with numpy-style broadcasting of two or more inputs. */
    public boolean isBinaryElementwise() {
        return switch (this) {
            case Add, Sub, Mul, Div, Pow, Max, Min, Equal -> true;
            default -> false;
        };
    }

    /** Element-wise ops of a single tensor input (others, if any, are constant parameters). */
    public boolean isUnaryElementwise() {
        return switch (this) {
            case Relu, LeakyRelu, Sigmoid, Tanh, HardSigmoid, HardSwish, Clip, Sqrt, Exp, Log, Neg, Abs,
                    Identity, Cast, Floor, Ceil, QuantizeLinear, DequantizeLinear -> true;
            default -> false;
        };
    }
}
