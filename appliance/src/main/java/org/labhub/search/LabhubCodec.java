package org.labhub.search;

import java.io.IOException;
import org.apache.lucene.codecs.FilterCodec;
import org.apache.lucene.codecs.StoredFieldsFormat;
import org.apache.lucene.codecs.compressing.CompressionMode;
import org.apache.lucene.codecs.compressing.Compressor;
import org.apache.lucene.codecs.compressing.Decompressor;
import org.apache.lucene.codecs.lucene90.compressing.Lucene90CompressingStoredFieldsFormat;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.store.ByteBuffersDataInput;
import org.apache.lucene.store.DataInput;
import org.apache.lucene.store.DataOutput;
import org.apache.lucene.util.ArrayUtil;
import org.apache.lucene.util.BytesRef;

/**
 * Lucene's default codec with stored fields kept uncompressed. The only stored field read per query is a hit's text,
 * for its snippet; decompressing 20 long notebooks' text (LZ4, read through the memory map a literal run at a time)
 * was a third of a query's time, where copying the bytes is a fraction of that. The price is a larger index (the
 * text once more than LZ4 made it), in the page cache rather than on the CPU. Registered for Lucene's name lookup in
 * {@code META-INF/services/org.apache.lucene.codecs.Codec}; an index written by another codec has another schema.
 */
public final class LabhubCodec extends FilterCodec {
    static final String NAME = "Labhub912";
    /** Documents are found in chunks of this size; without compression a chunk need not be large. */
    private static final int CHUNK_BYTES = 16 * 1024;
    private static final int CHUNK_DOCS = 128;
    private static final int BLOCK_SHIFT = 10;

    private final StoredFieldsFormat stored = new Lucene90CompressingStoredFieldsFormat("LabhubStoredFieldsRaw", RAW,
            CHUNK_BYTES, CHUNK_DOCS, BLOCK_SHIFT);

    public LabhubCodec() {
        super(NAME, new Lucene912Codec());
    }

    @Override
    public StoredFieldsFormat storedFieldsFormat() {
        return stored;
    }

    /** Bytes as they are. */
    private static final CompressionMode RAW = new CompressionMode() {
        @Override
        public Compressor newCompressor() {
            return new Compressor() {
                @Override
                public void compress(ByteBuffersDataInput in, DataOutput out) throws IOException {
                    out.copyBytes(in, in.length() - in.position());
                }

                @Override
                public void close() {
                    // nothing held
                }
            };
        }

        @Override
        public Decompressor newDecompressor() {
            return new Raw();
        }

        @Override
        public String toString() {
            return "RAW";
        }
    };

    private static final class Raw extends Decompressor {
        @Override
        public void decompress(DataInput in, int originalLength, int offset, int length, BytesRef bytes) throws IOException {
            in.skipBytes(offset);
            bytes.bytes = ArrayUtil.growNoCopy(bytes.bytes, length);
            in.readBytes(bytes.bytes, 0, length);
            bytes.offset = 0;
            bytes.length = length;
        }

        @Override
        public Decompressor clone() {
            return new Raw();
        }
    }
}
