package owlet.bench.onnx;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An ONNX model under construction: nodes in topological order, initializers (constants) and the
 * graph's inputs and outputs, serialized as an {@code onnx.ModelProto} (field numbers of onnx.proto,
 * IR version 7) importing the default opset 13 and {@code com.microsoft} version 1.
 */
final class OnnxGraph {
    /** TensorProto.DataType values. */
    static final int FLOAT = 1;
    static final int UINT8 = 2;
    static final int INT8 = 3;
    static final int INT32 = 6;
    static final int INT64 = 7;

    static final String MICROSOFT = "com.microsoft";
    private static final long IR_VERSION = 7;
    private static final long OPSET = 13;

    private final String name;
    private final List<ProtoWriter> nodes = new ArrayList<>();
    private final List<ProtoWriter> initializers = new ArrayList<>();
    private final List<ProtoWriter> inputs = new ArrayList<>();
    private final List<ProtoWriter> outputs = new ArrayList<>();
    private final Map<String, Integer> opCounts = new TreeMap<>();

    OnnxGraph(String name) {
        this.name = name;
    }

    void input(String value, int type, long[] dims) {
        inputs.add(valueInfo(value, type, dims));
    }

    void output(String value, int type, long[] dims) {
        outputs.add(valueInfo(value, type, dims));
    }

    /** A constant; {@code raw} holds its elements little-endian, as TensorProto.raw_data. */
    void initializer(String value, int type, long[] dims, byte[] raw) {
        initializers.add(new ProtoWriter().int64s(1, dims).int64(2, type).string(8, value).bytes(9, raw));
    }

    /** Adds a node; attributes are added to the returned node before the next node is added. */
    Node node(String opType, String domain, List<String> in, List<String> out) {
        Node node = new Node();
        for (String v : in) {
            node.proto.string(1, v);
        }
        for (String v : out) {
            node.proto.string(2, v);
        }
        node.proto.string(3, opType + "_" + nodes.size()).string(4, opType);
        if (!domain.isEmpty()) {
            node.proto.string(7, domain);
        }
        nodes.add(node.proto);
        opCounts.merge(domain.isEmpty() ? opType : domain + "." + opType, 1, Integer::sum);
        return node;
    }

    /** How many nodes of each type ("QLinearConv", "com.microsoft.QLinearAdd") the graph has. */
    Map<String, Integer> opCounts() {
        return new TreeMap<>(opCounts);
    }

    byte[] toModel(String producer) {
        ProtoWriter graph = new ProtoWriter();
        nodes.forEach(n -> graph.message(1, n));
        graph.string(2, name);
        initializers.forEach(t -> graph.message(5, t));
        inputs.forEach(v -> graph.message(11, v));
        outputs.forEach(v -> graph.message(12, v));
        return new ProtoWriter()
                .int64(1, IR_VERSION)
                .string(2, producer)
                .message(7, graph)
                .message(8, new ProtoWriter().string(1, "").int64(2, OPSET))
                .message(8, new ProtoWriter().string(1, MICROSOFT).int64(2, 1))
                .toByteArray();
    }

    /**
     * The node types of a serialized model (ModelProto.graph.node[].domain and op_type), counted: to see
     * what ONNX Runtime's optimizer made of a graph it wrote back. A node with the attribute
     * {@code channels_last = 1} (ONNX Runtime's NHWC kernels) counts as "TYPE (NHWC)".
     */
    static Map<String, Integer> countNodes(byte[] model) {
        Map<String, Integer> counts = new TreeMap<>();
        ProtoReader m = new ProtoReader(model);
        while (m.next()) {
            if (m.field() != 7) {
                m.skip();
                continue;
            }
            ProtoReader g = m.message();
            while (g.next()) {
                if (g.field() != 1) {
                    g.skip();
                    continue;
                }
                ProtoReader n = g.message();
                String opType = "";
                String domain = "";
                boolean channelsLast = false;
                while (n.next()) {
                    switch (n.field()) {
                        case 4 -> opType = new String(n.bytes(), StandardCharsets.UTF_8);
                        case 7 -> domain = new String(n.bytes(), StandardCharsets.UTF_8);
                        case 5 -> channelsLast |= isChannelsLast(n.message());
                        default -> n.skip();
                    }
                }
                String key = domain.isEmpty() || domain.equals("ai.onnx") ? opType : domain + "." + opType;
                counts.merge(channelsLast ? key + " (NHWC)" : key, 1, Integer::sum);
            }
        }
        return counts;
    }

    /** Whether an AttributeProto (name 1, i 3) is {@code channels_last = 1}. */
    private static boolean isChannelsLast(ProtoReader attribute) {
        String name = "";
        long value = 0;
        while (attribute.next()) {
            switch (attribute.field()) {
                case 1 -> name = new String(attribute.bytes(), StandardCharsets.UTF_8);
                case 3 -> value = attribute.int64();
                default -> attribute.skip();
            }
        }
        return name.equals("channels_last") && value == 1;
    }

    /** ValueInfoProto: name 1, type 2 = TypeProto{tensor_type 1 = {elem_type 1, shape 2 = {dim 1 = {dim_value 1}}}}. */
    private static ProtoWriter valueInfo(String value, int type, long[] dims) {
        ProtoWriter shape = new ProtoWriter();
        for (long d : dims) {
            shape.message(1, new ProtoWriter().int64(1, d));
        }
        ProtoWriter tensorType = new ProtoWriter().int64(1, type).message(2, shape);
        return new ProtoWriter().string(1, value).message(2, new ProtoWriter().message(1, tensorType));
    }

    /** A node's attributes (AttributeProto: name 1, f 2, i 3, ints 8, type 20). */
    static final class Node {
        private final ProtoWriter proto = new ProtoWriter();

        Node i(String attribute, long value) {
            proto.message(5, new ProtoWriter().string(1, attribute).int64(3, value).int64(20, 2));
            return this;
        }

        Node ints(String attribute, long... values) {
            proto.message(5, new ProtoWriter().string(1, attribute).int64s(8, values).int64(20, 7));
            return this;
        }
    }
}
