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
 * (buffer 0 is the empty one every activation points to). Field ids, union types and the options tables
 * are {@link Schema}'s, shared with {@link ModelReader}.
 *
 * <p>FlatBuffers layout: this writer lays objects out front to back, parents before children, and patches
 * each reference when its target is placed. Every uoffset therefore points forward, as the format requires;
 * a table's vtable sits just before the table (positive soffset). Scalars are aligned to their size,
 * vectors of int64 to 8, and constant data to 16 bytes so that kernels may view it as any element type.
 */
public final class ModelWriter {
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
                    .i8(Schema.OperatorCode.DEPRECATED_BUILTIN_CODE,
                            Math.min(code, Schema.OperatorCode.PLACEHOLDER_FOR_GREATER_OP_CODES))
                    .i32(Schema.OperatorCode.VERSION, key.get(1))
                    .i32(Schema.OperatorCode.BUILTIN_CODE, code));
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
                    buffers.add(new TableNode().ref(Schema.Buffer.DATA, new BytesNode(t.data())));
                }
                buffer = b;
            }
            TableNode tn = new TableNode()
                    .ints(Schema.Tensor.SHAPE, t.shape())
                    .i8(Schema.Tensor.TYPE, t.type().code())
                    .i32(Schema.Tensor.BUFFER, buffer)
                    .ref(Schema.Tensor.NAME, new StringNode(t.name()));
            Quantization q = t.quantization();
            if (q.isPresent()) {
                TableNode qn = new TableNode()
                        .ref(Schema.QuantizationParameters.SCALE, FloatsNode.of(q.scales()))
                        .ref(Schema.QuantizationParameters.ZERO_POINT, new LongsNode(q.zeroPoints()));
                if (q.quantizedDimension() != 0) {
                    qn.i32(Schema.QuantizationParameters.QUANTIZED_DIMENSION, q.quantizedDimension());
                }
                tn.ref(Schema.Tensor.QUANTIZATION, qn);
            }
            tensors.add(tn);
        }

        List<Node> operators = new ArrayList<>();
        for (Operator op : model.operators()) {
            TableNode on = new TableNode()
                    .i32(Schema.Operator.OPCODE_INDEX, codeIndex.get(List.of(op.code(), op.version())))
                    .ints(Schema.Operator.INPUTS, op.inputs())
                    .ints(Schema.Operator.OUTPUTS, op.outputs());
            OptionsTable<?> table = op.op() == null ? null : Schema.optionsOf(op.op());
            if (table != null) {
                TableNode options = new TableNode();
                table.write(op.options(), options, op.describe());
                on.u8(Schema.Operator.BUILTIN_OPTIONS_TYPE, table.unionType())
                        .ref(Schema.Operator.BUILTIN_OPTIONS, options);
            }
            operators.add(on);
        }

        TableNode subgraph = new TableNode()
                .ref(Schema.SubGraph.TENSORS, new TablesNode(tensors))
                .ints(Schema.SubGraph.INPUTS, model.inputs())
                .ints(Schema.SubGraph.OUTPUTS, model.outputs())
                .ref(Schema.SubGraph.OPERATORS, new TablesNode(operators))
                .ref(Schema.SubGraph.NAME, new StringNode("main"));
        TableNode root = new TableNode()
                .i32(Schema.Model.VERSION, Schema.VERSION)
                .ref(Schema.Model.OPERATOR_CODES, new TablesNode(codes))
                .ref(Schema.Model.SUBGRAPHS, new TablesNode(List.of(subgraph)))
                .ref(Schema.Model.DESCRIPTION, new StringNode(model.description()))
                .ref(Schema.Model.BUFFERS, new TablesNode(buffers));

        Out out = new Out(1024 + totalData(model));
        out.i32(0); // root offset, patched below
        out.bytes(Schema.FILE_IDENTIFIER.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
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

    private static final class TableNode implements Node, OptionsTable.Fields {
        /** Field id → scalar (Integer/Long/Float with its size) or Node. */
        private final Map<Integer, Object[]> fields = new LinkedHashMap<>();

        @Override
        public TableNode u8(int id, int v) {
            fields.put(id, new Object[] {1, v});
            return this;
        }

        @Override
        public TableNode i8(int id, int v) {
            return u8(id, v);
        }

        @Override
        public TableNode bool(int id, boolean v) {
            return u8(id, v ? 1 : 0);
        }

        @Override
        public TableNode i32(int id, int v) {
            fields.put(id, new Object[] {4, v});
            return this;
        }

        @Override
        public TableNode f32(int id, float v) {
            return i32(id, Float.floatToRawIntBits(v));
        }

        @Override
        public TableNode ints(int id, int[] v) {
            return ref(id, IntsNode.of(v));
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
