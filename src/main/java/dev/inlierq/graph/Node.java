package dev.inlierq.graph;

import java.util.List;

/**
 * One operator application. Input names may be empty strings for omitted optional inputs, as in ONNX.
 *
 * @param name     unique node name (the reader invents one for unnamed nodes)
 * @param op       operator
 * @param inputs   value names consumed, in operator order
 * @param outputs  value names produced
 * @param attrs    attributes
 */
public record Node(String name, OpType op, List<String> inputs, List<String> outputs, Attributes attrs) {
    public Node {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    /** The i-th input name, or "" if absent. */
    public String input(int i) {
        return i < inputs.size() ? inputs.get(i) : "";
    }

    public String output() {
        return outputs.get(0);
    }

    public Node withInputs(List<String> newInputs) {
        return new Node(name, op, newInputs, outputs, attrs);
    }

    public Node withAttrs(Attributes newAttrs) {
        return new Node(name, op, inputs, outputs, newAttrs);
    }

    @Override
    public String toString() {
        return op + "(" + name + ")";
    }
}
