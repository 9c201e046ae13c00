package owlet.runtime.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link Model} as a standard {@code .tflite} file that {@link ModelReader} and TensorFlow Lite
 * both read: schema version 3, file identifier "TFL3", one subgraph, one buffer per distinct constant
 * (buffer 0 is the empty one every activation points to). Field ids are those listed on
 * {@link ModelReader}; the builtin options tables use the union type numbers the reader checks.
 *
 * <p>FlatBuffers layout: this writer lays objects out front to back, parents before children, and patches
 * each reference when its target is placed. Every uoffset therefore points forward, as the format requires;
 * a table's vtable sits just before the table (positive soffset). Scalars are aligned to their size,
 * vectors of int64 to 8, and constant data to 16 bytes so that kernels may view it as any element type.
 */
public final class ModelWriter {
    private static final int PLACEHOLDER_FOR_GREATER_OP_CODES = 127;

    private ModelWriter() {
    }

    /**
     * Writes {@code model} to {@code file} through a temporary file beside it, renamed over {@code file}
     * once complete: a failed write (a full disk) leaves any earlier file of that name as it was.
     */
    public static void write(Model model, Path file) throws IOException {
        byte[] bytes = toBytes(model);
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            Files.write(tmp, bytes);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The {@code .tflite} bytes of {@code model}. */
    public static byte[] toBytes(Model model) {
        // Operator codes: one per distinct (code, version).
        Map<List<Integer>, Integer> codeIndex = new LinkedHashMap<>();
        for (Operator op : model.operators()) {
            codeIndex.putIfAbsent(List.of(op.code(), op.version()), codeIndex.size());
        }
        List<Node> codes = new ArrayList<>();
        for (List<Integer> key : codeIndex.keySet()) {
            int code = key.get(0);
            codes.add(new TableNode()
                    .i8(0, Math.min(code, PLACEHOLDER_FOR_GREATER_OP_CODES))
                    .i32(2, key.get(1))
                    .i32(3, code));
        }

        // Buffers: 0 empty, then one per distinct constant byte array.
        List<Node> buffers = new ArrayList<>();
        buffers.add(new TableNode());
        Map<byte[], Integer> bufferOf = new IdentityHashMap<>();
        List<Node> tensors = new ArrayList<>();
        for (Tensor t : model.tensors()) {
            int buffer = 0;
            if (t.data() != null) {
                Integer b = bufferOf.get(t.data());
                if (b == null) {
                    b = buffers.size();
                    bufferOf.put(t.data(), b);
                    buffers.add(new TableNode().ref(0, new BytesNode(t.data())));
                }
                buffer = b;
            }
            TableNode tn = new TableNode()
                    .ref(0, IntsNode.of(t.shape()))
                    .i8(1, t.type().code())
                    .i32(2, buffer)
                    .ref(3, new StringNode(t.name()));
            Quantization q = t.quantization();
            if (q.isPresent()) {
                TableNode qn = new TableNode()
                        .ref(2, FloatsNode.of(q.scales()))
                        .ref(3, new LongsNode(q.zeroPoints()));
                if (q.quantizedDimension() != 0) {
                    qn.i32(6, q.quantizedDimension());
                }
                tn.ref(4, qn);
            }
            tensors.add(tn);
        }

        List<Node> operators = new ArrayList<>();
        for (Operator op : model.operators()) {
            TableNode on = new TableNode()
                    .i32(0, codeIndex.get(List.of(op.code(), op.version())))
                    .ref(1, IntsNode.of(op.inputs()))
                    .ref(2, IntsNode.of(op.outputs()));
            TableNode options = options(op, op.options());
            if (options != null) {
                on.u8(3, optionsType(op)).ref(4, options);
            }
            operators.add(on);
        }

        TableNode subgraph = new TableNode()
                .ref(0, new TablesNode(tensors))
                .ref(1, IntsNode.of(model.inputs()))
                .ref(2, IntsNode.of(model.outputs()))
                .ref(3, new TablesNode(operators))
                .ref(4, new StringNode("main"));
        TableNode root = new TableNode()
                .i32(0, 3)
                .ref(1, new TablesNode(codes))
                .ref(2, new TablesNode(List.of(subgraph)))
                .ref(3, new StringNode(model.description()))
                .ref(4, new TablesNode(buffers));

        Out out = new Out(1024 + totalData(model));
        out.i32(0); // root offset, patched below
        out.bytes(new byte[] {'T', 'F', 'L', '3'});
        out.patch(0, root.write(out));
        return out.toArray();
    }

    private static int totalData(Model model) {
        long n = 0;
        for (Tensor t : model.tensors()) {
            n += t.data() == null ? 0 : t.data().length + 16;
        }
        return (int) Math.min(n, Integer.MAX_VALUE - 4096);
    }

    /** The BuiltinOptions union type of the operator's options (the numbers {@link ModelReader} checks). */
    private static int optionsType(Operator op) {
        OperatorOptions o = op.options();
        if (o instanceof OperatorOptions.Conv2D) {
            return 1;
        } else if (o instanceof OperatorOptions.DepthwiseConv2D) {
            return 2;
        } else if (o instanceof OperatorOptions.Pool2D) {
            return 5;
        } else if (o instanceof OperatorOptions.FullyConnected) {
            return 8;
        } else if (o instanceof OperatorOptions.Softmax) {
            return 9;
        } else if (o instanceof OperatorOptions.Concatenation) {
            return 10;
        } else if (o instanceof OperatorOptions.Reshape) {
            return 17;
        } else if (o instanceof OperatorOptions.Squeeze) {
            return 30;
        } else if (o instanceof OperatorOptions.Reducer) {
            return 27;
        } else if (o instanceof OperatorOptions.Pack) {
            return 59;
        } else if (o instanceof OperatorOptions.Unpack) {
            return 64;
        } else if (o instanceof OperatorOptions.Split) {
            return op.op() == BuiltinOp.SPLIT_V ? 79 : 35;
        } else if (o instanceof OperatorOptions.StridedSlice) {
            return 32;
        } else if (o instanceof OperatorOptions.Cast) {
            return 37;
        } else if (o instanceof OperatorOptions.Resize) {
            return op.op() == BuiltinOp.RESIZE_NEAREST_NEIGHBOR ? 74 : 15;
        } else if (o instanceof OperatorOptions.Elementwise) {
            return switch (op.op()) {
                case ADD -> 11;
                case MUL -> 21;
                case SUB -> 28;
                default -> throw new IllegalArgumentException(op.describe() + ": element-wise options on " + op.name());
            };
        }
        throw new IllegalArgumentException(op.describe() + ": no options type for " + o);
    }

    /** The options table; every field written, since the schema's defaults differ from the reader's. */
    private static TableNode options(Operator op, OperatorOptions o) {
        if (o instanceof OperatorOptions.Conv2D c) {
            return new TableNode().i8(0, c.padding().ordinal()).i32(1, c.strideW()).i32(2, c.strideH())
                    .i8(3, c.activation().ordinal()).i32(4, c.dilationW()).i32(5, c.dilationH());
        } else if (o instanceof OperatorOptions.DepthwiseConv2D c) {
            return new TableNode().i8(0, c.padding().ordinal()).i32(1, c.strideW()).i32(2, c.strideH())
                    .i32(3, c.depthMultiplier()).i8(4, c.activation().ordinal()).i32(5, c.dilationW())
                    .i32(6, c.dilationH());
        } else if (o instanceof OperatorOptions.Pool2D p) {
            return new TableNode().i8(0, p.padding().ordinal()).i32(1, p.strideW()).i32(2, p.strideH())
                    .i32(3, p.filterWidth()).i32(4, p.filterHeight()).i8(5, p.activation().ordinal());
        } else if (o instanceof OperatorOptions.FullyConnected f) {
            return new TableNode().i8(0, f.activation().ordinal()).i8(1, f.weightsFormat())
                    .u8(2, f.keepNumDims() ? 1 : 0);
        } else if (o instanceof OperatorOptions.Softmax s) {
            return new TableNode().f32(0, s.beta());
        } else if (o instanceof OperatorOptions.Concatenation c) {
            return new TableNode().i32(0, c.axis()).i8(1, c.activation().ordinal());
        } else if (o instanceof OperatorOptions.Elementwise e) {
            return new TableNode().i8(0, e.activation().ordinal());
        } else if (o instanceof OperatorOptions.Reshape r) {
            return r.newShape() == null ? new TableNode() : new TableNode().ref(0, IntsNode.of(r.newShape()));
        } else if (o instanceof OperatorOptions.Squeeze s) {
            return new TableNode().ref(0, IntsNode.of(s.squeezeDims()));
        } else if (o instanceof OperatorOptions.Reducer r) {
            return new TableNode().u8(0, r.keepDims() ? 1 : 0);
        }
        return issue16Options(op, o);
    }

    /** The options tables of issue #16's operators, or null. */
    private static TableNode issue16Options(Operator op, OperatorOptions o) {
        if (o instanceof OperatorOptions.Pack p) {
            return new TableNode().i32(0, p.valuesCount()).i32(1, p.axis());
        } else if (o instanceof OperatorOptions.Unpack u) {
            return new TableNode().i32(0, u.num()).i32(1, u.axis());
        } else if (o instanceof OperatorOptions.Split s) {
            return new TableNode().i32(0, s.numSplits());
        } else if (o instanceof OperatorOptions.StridedSlice s) {
            return new TableNode().i32(0, s.beginMask()).i32(1, s.endMask()).i32(2, s.ellipsisMask())
                    .i32(3, s.newAxisMask()).i32(4, s.shrinkAxisMask()).u8(5, s.offset() ? 1 : 0);
        } else if (o instanceof OperatorOptions.Cast c) {
            return new TableNode().i8(0, c.inDataType()).i8(1, c.outDataType());
        } else if (o instanceof OperatorOptions.Resize r) {
            int first = op.op() == BuiltinOp.RESIZE_NEAREST_NEIGHBOR ? 0 : 2;
            return new TableNode().u8(first, r.alignCorners() ? 1 : 0).u8(first + 1, r.halfPixelCenters() ? 1 : 0);
        }
        return null;
    }

    /** A growable little-endian output buffer. */
    private static final class Out {
        private byte[] buf;
        private int pos;

        Out(int capacity) {
            buf = new byte[Math.max(capacity, 64)];
        }

        private void ensure(int n) {
            if (pos + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
            }
        }

        /** Pads with zeros until {@code (pos + extra) % align == 0}. */
        void align(int align, int extra) {
            while ((pos + extra) % align != 0) {
                u8(0);
            }
        }

        int pos() {
            return pos;
        }

        void u8(int v) {
            ensure(1);
            buf[pos++] = (byte) v;
        }

        void u16(int v) {
            u8(v);
            u8(v >>> 8);
        }

        void i32(int v) {
            u16(v);
            u16(v >>> 16);
        }

        void i64(long v) {
            i32((int) v);
            i32((int) (v >>> 32));
        }

        void bytes(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, buf, pos, b.length);
            pos += b.length;
        }

        void setI32(int at, int v) {
            buf[at] = (byte) v;
            buf[at + 1] = (byte) (v >>> 8);
            buf[at + 2] = (byte) (v >>> 16);
            buf[at + 3] = (byte) (v >>> 24);
        }

        void setU16(int at, int v) {
            buf[at] = (byte) v;
            buf[at + 1] = (byte) (v >>> 8);
        }

        /** Makes the uoffset stored at {@code at} point at {@code target} (which lies after it). */
        void patch(int at, int target) {
            if (target <= at) {
                throw new IllegalStateException("backward reference " + at + " -> " + target);
            }
            setI32(at, target - at);
        }

        byte[] toArray() {
            return Arrays.copyOf(buf, pos);
        }
    }

    /** Something a reference field can point at; {@link #write} places it and returns its position. */
    private interface Node {
        int write(Out out);
    }

    private static final class TableNode implements Node {
        /** Field id → scalar (Integer/Long/Float with its size) or Node. */
        private final Map<Integer, Object[]> fields = new LinkedHashMap<>();

        TableNode u8(int id, int v) {
            fields.put(id, new Object[] {1, v});
            return this;
        }

        TableNode i8(int id, int v) {
            return u8(id, v);
        }

        TableNode i32(int id, int v) {
            fields.put(id, new Object[] {4, v});
            return this;
        }

        TableNode f32(int id, float v) {
            return i32(id, Float.floatToRawIntBits(v));
        }

        TableNode ref(int id, Node n) {
            fields.put(id, new Object[] {4, n});
            return this;
        }

        @Override
        public int write(Out out) {
            int maxId = -1;
            for (int id : fields.keySet()) {
                maxId = Math.max(maxId, id);
            }
            // Lay out fields after the soffset: 4-byte ones first, then bytes, so each stays aligned.
            int[] offset = new int[maxId + 1];
            int size = 4;
            List<Integer> order = new ArrayList<>(fields.keySet());
            order.sort((a, b) -> Integer.compare((int) fields.get(b)[0], (int) fields.get(a)[0]));
            for (int id : order) {
                offset[id] = size;
                size += (int) fields.get(id)[0];
            }
            int vtableSize = 4 + 2 * (maxId + 1);
            // The table starts 4-aligned right after the vtable.
            out.align(4, vtableSize);
            int vtable = out.pos();
            out.u16(vtableSize);
            out.u16(size);
            for (int id = 0; id <= maxId; id++) {
                out.u16(offset[id]);
            }
            int table = out.pos();
            out.i32(table - vtable);
            for (int id : order) {
                Object[] f = fields.get(id);
                if ((int) f[0] == 1) {
                    out.u8((int) f[1]);
                } else if (f[1] instanceof Integer v) {
                    out.i32(v);
                } else {
                    out.i32(0);
                }
            }
            for (int id : order) {
                if (fields.get(id)[1] instanceof Node child) {
                    out.patch(table + offset[id], child.write(out));
                }
            }
            return table;
        }
    }

    private static final class TablesNode implements Node {
        private final List<Node> items;

        TablesNode(List<Node> items) {
            this.items = items;
        }

        @Override
        public int write(Out out) {
            out.align(4, 0);
            int vector = out.pos();
            out.i32(items.size());
            int first = out.pos();
            for (int i = 0; i < items.size(); i++) {
                out.i32(0);
            }
            for (int i = 0; i < items.size(); i++) {
                out.patch(first + 4 * i, items.get(i).write(out));
            }
            return vector;
        }
    }

    private static final class IntsNode implements Node {
        private final int[] values;

        private IntsNode(int[] values) {
            this.values = values;
        }

        static IntsNode of(int[] values) {
            return new IntsNode(values);
        }

        @Override
        public int write(Out out) {
            out.align(4, 0);
            int vector = out.pos();
            out.i32(values.length);
            for (int v : values) {
                out.i32(v);
            }
            return vector;
        }
    }

    private static final class FloatsNode implements Node {
        private final float[] values;

        private FloatsNode(float[] values) {
            this.values = values;
        }

        static FloatsNode of(float[] values) {
            return new FloatsNode(values);
        }

        @Override
        public int write(Out out) {
            out.align(4, 0);
            int vector = out.pos();
            out.i32(values.length);
            for (float v : values) {
                out.i32(Float.floatToRawIntBits(v));
            }
            return vector;
        }
    }

    private static final class LongsNode implements Node {
        private final long[] values;

        LongsNode(long[] values) {
            this.values = values;
        }

        @Override
        public int write(Out out) {
            out.align(8, 4);
            int vector = out.pos();
            out.i32(values.length);
            for (long v : values) {
                out.i64(v);
            }
            return vector;
        }
    }

    private static final class BytesNode implements Node {
        private final byte[] data;

        BytesNode(byte[] data) {
            this.data = data;
        }

        @Override
        public int write(Out out) {
            out.align(16, 4);
            int vector = out.pos();
            out.i32(data.length);
            out.bytes(data);
            return vector;
        }
    }

    private static final class StringNode implements Node {
        private final byte[] utf8;

        StringNode(String s) {
            this.utf8 = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }

        @Override
        public int write(Out out) {
            out.align(4, 0);
            int vector = out.pos();
            out.i32(utf8.length);
            out.bytes(utf8);
            out.u8(0);
            return vector;
        }
    }
}
