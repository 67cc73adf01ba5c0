#!/usr/bin/env python3
"""Timing proxy for a channel-shuffle fold: rewrites each ShuffleNetV2 channel shuffle of a QDQ file
(Concat -> Reshape -> Transpose -> Reshape -> Gather 0 / Gather 1, with the QuantizeLinear/DequantizeLinear pairs
between them) into one Split of the Concat's output into its two halves. The result computes the WRONG values
(a shuffle sends the even channels one way and the odd ones the other, a Split the first and second halves): it
only has the op structure a perfect fold of the permutations into the neighbouring convolutions could reach
(Concat and Split, both of which ONNX Runtime runs in NHWC without Transposes), so its speed is an upper bound
for such a fold.

Usage: python3 bench/tools/shuffle_proxy.py IN.onnx OUT.onnx   (needs the onnx Python package)
"""
import sys

import onnx
from onnx import helper, numpy_helper


def main(src, dst):
    m = onnx.load(src)
    g = m.graph
    producer = {o: n for n in g.node for o in n.output}
    inits = {i.name: i for i in g.initializer}

    def upstream(t):  # the value before a QuantizeLinear -> DequantizeLinear pair, else t
        n = producer.get(t)
        if n is not None and n.op_type == "DequantizeLinear":
            q = producer.get(n.input[0])
            if q is not None and q.op_type == "QuantizeLinear":
                return q.input[0]
        return t

    halves = {}  # shuffle input -> {index: (gather node, output)}
    for n in g.node:
        if n.op_type != "Gather" or n.input[1] not in inits:
            continue
        chain, t = [], upstream(n.input[0])
        for op in ("Reshape", "Transpose", "Reshape"):
            p = producer.get(t)
            if p is None or p.op_type != op:
                break
            chain.append(p)
            t = upstream(p.input[0]) if op != "Reshape" or len(chain) < 3 else p.input[0]
        if len(chain) == 3:
            idx = int(numpy_helper.to_array(inits[n.input[1]]))
            halves.setdefault(chain[2].input[0], {})[idx] = (n, n.output[0])
    for x, d in halves.items():
        if sorted(d) != [0, 1]:
            continue
        at = min(list(g.node).index(d[k][0]) for k in d)
        for k in d:
            g.node.remove(d[k][0])
        g.node.insert(at, helper.make_node("Split", [x], [d[0][1], d[1][1]], axis=1, name=x + "_proxy_split"))
    outputs = {o.name for o in g.output}
    while True:  # drop what no longer feeds anything
        used = {i for n in g.node for i in n.input} | outputs
        dead = [n for n in g.node if not any(o in used for o in n.output)]
        if not dead:
            break
        for n in dead:
            g.node.remove(n)
    del g.value_info[:]
    onnx.save(m, dst)
    print("%d shuffles replaced by a Split" % sum(1 for d in halves.values() if sorted(d) == [0, 1]))


if __name__ == "__main__":
    main(*sys.argv[1:3])
