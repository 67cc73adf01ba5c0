import ai.onnx.proto.OnnxMl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Latency experiment, not a model anyone should deploy: rewrites every SiLU written as x * Sigmoid(x)
 * into Relu(x), which ONNX Runtime folds into the quantizer after it. Quantizing the result shows how fast
 * the integer model could be if the activation cost nothing (the bound for YOLOX-Nano in the README).
 * Usage: java -cp target/inlierq.jar bench/tools/SiluToRelu.java IN.onnx OUT.onnx
 */
public class SiluToRelu {
    public static void main(String[] args) throws Exception {
        OnnxMl.ModelProto m = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(Path.of(args[0])));
        OnnxMl.GraphProto g = m.getGraph();
        Map<String, OnnxMl.NodeProto> sigmoidOf = new HashMap<>();
        for (OnnxMl.NodeProto n : g.getNodeList()) {
            if (n.getOpType().equals("Sigmoid")) {
                sigmoidOf.put(n.getOutput(0), n);
            }
        }
        List<OnnxMl.NodeProto> nodes = new ArrayList<>();
        int replaced = 0;
        for (OnnxMl.NodeProto n : g.getNodeList()) {
            String x = null;
            if (n.getOpType().equals("Mul")) {
                for (int i = 0; i < 2; i++) {
                    OnnxMl.NodeProto s = sigmoidOf.get(n.getInput(i));
                    if (s != null && s.getInput(0).equals(n.getInput(1 - i))) {
                        x = n.getInput(1 - i);
                    }
                }
            }
            if (x == null) {
                nodes.add(n);
            } else {
                nodes.add(OnnxMl.NodeProto.newBuilder().setName(n.getName() + "_relu").setOpType("Relu")
                        .addInput(x).addOutput(n.getOutput(0)).build());
                replaced++;
            }
        }
        Set<String> read = new HashSet<>();
        nodes.forEach(n -> read.addAll(n.getInputList()));
        g.getOutputList().forEach(o -> read.add(o.getName()));
        nodes.removeIf(n -> n.getOpType().equals("Sigmoid") && !read.contains(n.getOutput(0)));
        Files.write(Path.of(args[1]), m.toBuilder().setGraph(g.toBuilder().clearNode().addAllNode(nodes)).build()
                .toByteArray());
        System.out.println("replaced " + replaced + " SiLU by Relu");
    }
}
